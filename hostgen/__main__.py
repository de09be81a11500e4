from __future__ import annotations

import sys

from hostgen.cli import run

sys.exit(run())
