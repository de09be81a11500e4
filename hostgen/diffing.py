"""The one diff helper: a unified diff of two texts, and colour applied apart from the content.

`unified` returns plain lines, each ending in a newline, whatever the inputs end with: a last
line without a newline is followed by diff(1)'s `\\ No newline at end of file` marker, so the
output stays a valid patch. `colorize` only wraps those lines in ANSI codes.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from typing import TextIO

NO_NEWLINE = "\\ No newline at end of file\n"


def unified(old: str | None, new: str, old_label: str, new_label: str = "rendered",
            context: int = 3) -> list[str]:
    """The unified diff turning `old` (None: the file does not exist) into `new`; [] if equal.

    A missing file is diffed as empty, with `(new file)` after a tab on its header line, where
    diff(1) puts a timestamp: patch(1) still reads the name."""
    if old == new:
        return []
    if old is None:
        old, old_label = "", f"{old_label}\t(new file)"
    lines = difflib.unified_diff(_lines(old), _lines(new), old_label, new_label, n=context,
                                 lineterm="\n")
    out: list[str] = []
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.extend((line + "\n", NO_NEWLINE))
    return out


def _lines(text: str) -> list[str]:
    # split on "\n" only: a stray "\r" or form feed is content, not a line break
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


# ---- colour --------------------------------------------------------------------------------

_BOLD, _CYAN, _RED, _GREEN, _YELLOW, _RESET = ("\033[1m", "\033[36m", "\033[31m", "\033[32m",
                                               "\033[33m", "\033[0m")


def colorize(lines: Iterable[str]) -> list[str]:
    """The same lines with ANSI colour (git's choice of colours); content is unchanged."""
    out = []
    in_hunk = False   # "--- x" inside a hunk is a removed line "-- x", not a header
    for line in lines:
        body, end = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        if line.startswith("@@"):
            colour, in_hunk = _CYAN, True
        elif line.startswith(("---", "+++")) and not in_hunk:
            colour = _BOLD
        elif line.startswith("-"):
            colour = _RED
        elif line.startswith("+"):
            colour = _GREEN
        elif line.startswith("#"):
            colour, in_hunk = _YELLOW, False
        else:
            out.append(line)
            continue
        out.append(f"{colour}{body}{_RESET}{end}")
    return out


def wants_color(choice: str, stream: TextIO) -> bool:
    """`--color auto|always|never`; auto follows the terminal and the NO_COLOR convention."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
