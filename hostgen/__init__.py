"""hostgen: one site.yaml describes an OpenBSD web and mail host; hostgen renders /etc from it."""

from __future__ import annotations

__version__ = "0.1.0"
