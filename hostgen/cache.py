"""The user's cache folder, where hostgen keeps what it would otherwise rebuild on every run
(compiled templates, the site model's validator schema): $XDG_CACHE_HOME/hostgen, by default
~/.cache/hostgen (the XDG base directory specification). Only speed depends on it: a folder that
cannot be made or written means building again, never a failure."""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder(name: str) -> Path | None:
    """$XDG_CACHE_HOME/hostgen/NAME, made (0700) if needed; None when there is no usable one."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None   # no usable home
    folder = Path(base, "hostgen", name)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder
