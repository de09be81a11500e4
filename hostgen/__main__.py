from __future__ import annotations

import sys

from hostgen.cli import main

sys.exit(main())
