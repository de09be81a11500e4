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


def value_at(data: Any, loc: Loc) -> Any:
    """The value at `loc` in nested mappings and lists (the data itself for `()`)."""
    for part in loc:
        data = data[part]
    return data
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
    known, so a problem about something missing points at its parent.

    A document assembled from several files (`include:`, hostgen.site.fleet) keeps, in
    `parts`, the subtrees whose text is written in another file: `parts[loc] = (depth, other)`
    says that the value at `loc` (and below, unless a longer entry says otherwise) is read
    from `other`, whose own paths start `depth` items down. `where` follows them and says which
    file a mark is in (`other.file`); a plain file has no parts and costs one test more."""

    # the parser's own marks (0-based), made Marks when asked for: most are never asked for
    values: dict[Loc, Any] = field(default_factory=dict)
    keys: dict[Loc, Any] = field(default_factory=dict)
    file: str | None = None      # the file these marks are in; None: the document's own file
    parts: dict[Loc, tuple[int, Positions]] = field(default_factory=dict)

    def value(self, loc: Loc) -> Mark:
        return self.where(loc)[1]

    def key(self, loc: Loc) -> Mark:
        return self.where(loc, "key")[1]

    def where(self, loc: Loc, at: Literal["key", "value"] = "value") -> tuple[str | None, Mark]:
        """The file (None: this document's own) and the mark of the key or value at `loc`."""
        positions = self
        while positions.parts:
            found = positions._part(loc)
            if found is None:
                break
            depth, positions = found
            loc = loc[depth:]
        if at == "key" and loc in positions.keys:
            return positions.file, from_parser(positions.keys[loc])
        return positions.file, positions._nearest(positions.values, loc)

    def _part(self, loc: Loc) -> tuple[int, Positions] | None:
        for end in range(len(loc), -1, -1):
            found = self.parts.get(loc[:end])
            if found is not None:
                return None if found[1] is self else found
        return None

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
    file: str | None = None   # with `mark`: the file it is in, when not the document's own


def position(problem: Problem, positions: Positions) -> Mark:
    return where(problem, positions)[1]


def where(problem: Problem, positions: Positions) -> tuple[str | None, Mark]:
    """The file (None: the document's own) and the mark a problem is reported at."""
    if problem.mark is not None:
        return problem.file, problem.mark
    return positions.where(problem.loc, problem.at)


def format_problems(problems: list[Problem], positions: Positions, filename: str) -> list[str]:
    """`FILE:LINE:COL: level: message (rule)`, sorted by position, duplicates dropped.

    A problem in text written in another file (an included one) is reported at that file,
    followed by the document it was reached through: `common/tls.yaml:4:7: error: ...
    (via hosts/web.yaml)`; the document's own problems come first."""
    lines: dict[tuple[int, str, int, int, int, str], None] = {}
    for problem in problems:
        file, mark = where(problem, positions)
        rule = f" ({problem.rule})" if problem.rule else ""
        if file is None or file == filename:
            text = f"{filename}:{mark.line}:{mark.col}: {problem.level}: {problem.message}{rule}"
            order = (0, "")
        else:
            text = (f"{file}:{mark.line}:{mark.col}: {problem.level}: {problem.message}{rule} "
                    f"(via {filename})")
            order = (1, file)
        level = 0 if problem.level == "error" else 1
        lines[(*order, mark.line, mark.col, level, text)] = None
    return [key[-1] for key in sorted(lines)]


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
