"""Problems are values with positions (after yamllint's LintProblem).

A problem carries its path in the data (`loc`); only the reporter turns that into
`site.yaml:12:7` through the positions the loader kept. Everything is collected and reported at
once, sorted by position.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Loc = tuple[str | int, ...]
Level = Literal["error", "warning"]


class Mark(NamedTuple):
    """A 1-based line and column in the loaded file."""

    line: int
    col: int


@dataclass
class Positions:
    """Where each key and value of the document stands, by its path in the data.

    `value(loc)` is where the value at `loc` starts; `key(loc)` where its key starts (the
    value's position for list items). Both fall back to the nearest enclosing path that is
    known, so a problem about something missing points at its parent."""

    # the parser's own marks (0-based), made Marks when asked for: most are never asked for
    values: dict[Loc, Any] = field(default_factory=dict)
    keys: dict[Loc, Any] = field(default_factory=dict)

    def value(self, loc: Loc) -> Mark:
        return self._nearest(self.values, loc)

    def key(self, loc: Loc) -> Mark:
        if loc in self.keys:
            return from_parser(self.keys[loc])
        return self._nearest(self.values, loc)

    @staticmethod
    def _nearest(table: dict[Loc, Any], loc: Loc) -> Mark:
        for end in range(len(loc), -1, -1):
            mark = table.get(loc[:end])
            if mark is not None:
                return from_parser(mark)
        return Mark(1, 1)


def from_parser(mark: Any) -> Mark:
    return mark if isinstance(mark, Mark) else Mark(mark.line + 1, mark.column + 1)




@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in the input.

    `at` says whether the position is that of the key (unknown keys, duplicates, a missing
    child) or of the value. `mark` overrides both when the loader knows the exact spot."""

    loc: Loc
    message: str
    level: Level = "error"
    rule: str | None = None
    at: Literal["key", "value"] = "value"
    mark: Mark | None = None


def position(problem: Problem, positions: Positions) -> Mark:
    if problem.mark is not None:
        return problem.mark
    if problem.at == "key":
        return positions.key(problem.loc)
    return positions.value(problem.loc)


def format_problems(problems: list[Problem], positions: Positions, filename: str) -> list[str]:
    """`FILE:LINE:COL: level: message (rule)`, sorted by position, duplicates dropped."""
    lines: dict[tuple[int, int, int, str], None] = {}
    for problem in problems:
        mark = position(problem, positions)
        rule = f" ({problem.rule})" if problem.rule else ""
        text = f"{filename}:{mark.line}:{mark.col}: {problem.level}: {problem.message}{rule}"
        lines[(mark.line, mark.col, 0 if problem.level == "error" else 1, text)] = None
    return [key[3] for key in sorted(lines)]


def close_match(word: str, choices: Iterable[str]) -> str | None:
    """The choice `word` most likely misspells, if one is close enough (difflib's ratio of at
    least 0.6, as for unknown keys); case is ignored, so `$request_uri` finds $REQUEST_URI."""
    by_fold = {choice.casefold(): choice for choice in choices}
    found = difflib.get_close_matches(word.casefold(), list(by_fold), n=1, cutoff=0.6)
    return by_fold[found[0]] if found else None


def unknown_name(kind: str, name: str, section: str, known: Iterable[str]) -> str:
    """`unknown TLS material "webb" (did you mean "web"?)`, or what the section does define."""
    names = sorted(known)
    near = close_match(name, names)
    if near is not None:
        return f'unknown {kind} "{name}" (did you mean "{near}"?)'
    if not names:
        return f'unknown {kind} "{name}": the {section} section defines none'
    listed = ", ".join(f'"{n}"' for n in names)
    return f'unknown {kind} "{name}": the {section} section defines only {listed}'


def has_errors(problems: list[Problem]) -> bool:
    return any(p.level == "error" for p in problems)
