"""A small reader of pf.conf: enough to find the rules and tables spamd needs.

Not pf's grammar, only its lines (pf.conf(5); smtpd-conf.md 6.2 "normalise first"): a `\\` at a
line's end joins the next line, `#` outside quotes starts a comment, `name = value` defines a
macro and `$name` uses it, `include "FILE"` and `load anchor NAME from "FILE"` bring in other
files, read in place. Each statement keeps the file and line where it starts, so a warning can
name it. Files are read through `read(path)`, which maps a host path to the copy under ROOT.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Reader = Callable[[str], str | None]   # host path -> text, None when the file is missing
_MACRO = re.compile(r'^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$')
_USE = re.compile(r"\$([A-Za-z][A-Za-z0-9_]*)")
_INCLUDE = re.compile(r'^include\s+"([^"]*)"$')
_LOAD = re.compile(r'^load\s+anchor\s+\S+\s+from\s+"([^"]*)"$')
MAX_DEPTH = 16   # includes within includes: pfctl has a limit too; a loop must end


@dataclass(frozen=True)
class Statement:
    path: str          # the host path of the file
    line: int          # where the statement starts (1-based)
    text: str          # macros expanded, comments gone, blanks collapsed

    @property
    def words(self) -> list[str]:
        """The words, with braces, commas and parentheses as words of their own."""
        return re.sub(r"([{}(),])", r" \1 ", self.text).replace(",", " ").split()


@dataclass
class PfConf:
    statements: list[Statement]
    last_line: dict[str, int]        # path -> number of its last line
    missing: list[tuple[str, int, str]]   # (path, line, included file) that could not be read


def _strip_comment(line: str) -> str:
    quoted = False
    for i, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "#" and not quoted:
            return line[:i]
    return line


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each statement line, continuations joined."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.split("\n"), start=1):
        if not pending:
            start = number
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        out.append((start, pending + raw))
        pending = ""
    if pending:
        out.append((start, pending))
    return out


def _expand(text: str, macros: dict[str, str]) -> str:
    for _ in range(MAX_DEPTH):   # a macro may use another one
        expanded = _USE.sub(lambda m: macros.get(m[1], m[0]), text)
        if expanded == text:
            break
        text = expanded
    return text


def parse(path: str, read: Reader) -> PfConf | None:
    """The statements of `path` and of what it includes or loads; None if it is missing."""
    text = read(path)
    if text is None:
        return None
    conf = PfConf([], {}, [])
    _read(conf, path, text, read, {}, 0)
    return conf


def _read(conf: PfConf, path: str, text: str, read: Reader, macros: dict[str, str],
          depth: int) -> None:
    conf.last_line[path] = text.rstrip("\n").count("\n") + 1
    for number, raw in _logical_lines(text):
        line = " ".join(_strip_comment(raw).split())
        if not line:
            continue
        macro = _MACRO.match(line)
        if macro and not line.startswith(("pass", "block", "match", "table")):
            macros[macro[1]] = _expand(macro[2], macros).strip('"')
            continue
        line = _expand(line, macros)
        other = _INCLUDE.match(line) or _LOAD.match(line)
        if other is not None and depth < MAX_DEPTH:
            included = read(other[1])
            if included is None:
                conf.missing.append((path, number, other[1]))
            else:
                _read(conf, other[1], included, read, macros, depth + 1)
            if _INCLUDE.match(line):
                continue
        conf.statements.append(Statement(path, number, line))
