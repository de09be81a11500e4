"""The one diff helper: a unified diff of two texts, and colour applied apart from the content.

`unified` returns plain lines, each ending in a newline, whatever the inputs end with: a last
line without a newline is followed by diff(1)'s `\\ No newline at end of file` marker, so the
output stays a valid patch. `colorize` only wraps those lines in ANSI codes.
"""

from __future__ import annotations

import difflib
import os
import re
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
    a, b = _lines(old), _lines(new)
    # difflib compares every line with every other: leave out the lines both texts start and
    # end with (as diff(1) does), but for the context, and move the hunks' line numbers back
    most = min(len(a), len(b))
    head = max(0, common_lines(a, b, most) - context)
    tail = max(0, common_lines(a, b, most - head, from_end=True) - context)
    lines = difflib.unified_diff(a[head:len(a) - tail], b[head:len(b) - tail], old_label,
                                 new_label, n=context, lineterm="\n")
    out: list[str] = []
    for line in lines:
        if line.startswith("@@") and head:
            line = _HUNK.sub(lambda m: f"{m[1]}{int(m[2]) + head}", line)
        if line.endswith("\n"):
            out.append(line)
        else:
            out.extend((line + "\n", NO_NEWLINE))
    return out


_HUNK = re.compile(r"([-+])(\d+)")


def common_lines(a: list[str], b: list[str], most: int, *, from_end: bool = False) -> int:
    """How many lines `a` and `b` share from their start (or end), at most `most`: compared
    a slice of lines at a time, then line by line in the slice that differs."""
    count, step = 0, 512
    while count < most:
        end = min(count + step, most)
        if from_end:
            same = a[len(a) - end:len(a) - count] == b[len(b) - end:len(b) - count]
        else:
            same = a[count:end] == b[count:end]
        if not same:
            while a[-1 - count if from_end else count] == b[-1 - count if from_end else count]:
                count += 1
            return count
        count = end
    return count


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
