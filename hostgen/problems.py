"""Problems are values with positions (after yamllint's LintProblem).

A problem carries its path in the data (`loc`); only the reporter turns that into
`site.yaml:12:7` through the positions the loader kept. Everything is collected and reported at
once, sorted by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from hostgen.loader import Mark, Positions

Loc = tuple[str | int, ...]
Level = Literal["error", "warning"]


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


def has_errors(problems: list[Problem]) -> bool:
    return any(p.level == "error" for p in problems)
