"""Where each statement of httpd.conf stands: the block a line is in, and its first words.

The parsed structure (hostgen.live.httpd_ast) keeps positions for servers, locations, listens,
aliases and option groups, not for every option; an import still has to name the line of the
option it could not carry over and of the statement a comment describes. A line scan of the
main file (quotes and comments understood as httpd's lexer does, httpd-conf.md 1.2 and 1.4.3)
gives both: for each line, the `server` or `location` block it is directly in, and the words
that start it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hostgen.adopt.comments import split_comment

#: A brace outside quotes (quoted strings are matched whole, and skipped).
_BRACES = re.compile(r'"[^"]*"?|[{}]')
#: Statements that open a block of their own (the others' braces only group items).
_BLOCKS = ("server", "location")


@dataclass
class Lines:
    owner: dict[int, int] = field(default_factory=dict)   # line -> line of its block (0: top)
    words: dict[int, str] = field(default_factory=dict)   # line -> its code, blanks squeezed
    children: dict[int, list[int]] = field(default_factory=dict)   # block line -> its lines


class Outline:
    """The lines of one file, scanned when first asked (an import of a file without comments
    or losses never needs them)."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self._text = text
        self._lines: Lines | None = None

    def top_line(self, word: str) -> int | None:
        """The line of the first statement that starts with `word` at the start of a line
        outside any block, without scanning the file when no line starts with it."""
        pattern = re.compile(rf"^[ \t]*{re.escape(word)}\b", re.MULTILINE)
        if pattern.search(self._text) is None:
            return None
        return next((n for n, w in self.words.items()
                     if self.owner[n] == 0 and w.startswith(word)), None)

    @property
    def lines(self) -> Lines:
        if self._lines is None:
            self._lines = _scan(self._text)
        return self._lines

    @property
    def owner(self) -> dict[int, int]:
        return self.lines.owner

    @property
    def words(self) -> dict[int, str]:
        return self.lines.words

    @property
    def children(self) -> dict[int, list[int]]:
        return self.lines.children

    def find(self, block: int, *starts: str) -> int:
        """The first line directly in the block at line `block` that starts with one of
        `starts`, else the block's own line."""
        for line in self.children.get(block, ()):
            if self.words.get(line, "").startswith(starts):
                return line
        return block

    def lines_of(self, block: int) -> list[int]:
        return self.children.get(block, [])


def outline(text: str, path: str) -> Outline:
    return Outline(text, path)


def _scan(text: str) -> Lines:
    result = Lines()
    stack: list[int] = [0]
    for number, raw in enumerate(text.split("\n"), start=1):
        code = split_comment(raw, '"')[0]
        owner = stack[-1]
        result.owner[number] = owner
        if owner:
            result.children.setdefault(owner, []).append(number)
        words = " ".join(code.split())
        if words:
            result.words[number] = words
        if "{" not in code and "}" not in code:
            continue
        first = words.split(" ", 1)[0]
        for brace in _BRACES.findall(code):
            if brace == "{":
                opens_block = first in _BLOCKS and len(stack) == 1 + (first == "location")
                stack.append(number if opens_block else stack[-1])
            elif brace == "}" and len(stack) > 1:
                stack.pop()
    return result
