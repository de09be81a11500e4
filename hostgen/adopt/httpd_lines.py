"""Where each statement of httpd.conf stands: the block a line is in, and its first words.

The parsed structure (hostgen.live.httpd_ast) keeps positions for servers, locations, listens,
aliases and option groups, not for every option; an import still has to name the line of the
option it could not carry over and of the statement a comment describes. A line scan of the
main file (quotes and comments understood as httpd's lexer does, httpd-conf.md 1.2 and 1.4.3)
gives both: for each line, the `server` or `location` block it is directly in, and the words
that start it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hostgen.adopt.comments import split_comment

#: Statements that open a block of their own (the others' braces only group items).
_BLOCKS = ("server", "location")


@dataclass
class Outline:
    path: str
    owner: dict[int, int] = field(default_factory=dict)   # line -> line of its block (0: top)
    words: dict[int, str] = field(default_factory=dict)   # line -> its code, blanks squeezed

    def find(self, block: int, *starts: str) -> int:
        """The first line directly in the block at line `block` that starts with one of
        `starts`, else the block's own line."""
        for line, owner in self.owner.items():
            if owner == block and line != block and self.words.get(line, "").startswith(starts):
                return line
        return block

    def lines_of(self, block: int) -> list[int]:
        return [line for line, owner in self.owner.items() if owner == block and line != block]


def outline(text: str, path: str) -> Outline:
    result = Outline(path)
    stack: list[int] = [0]
    for number, raw in enumerate(text.split("\n"), start=1):
        code = split_comment(raw, '"')[0]
        words = " ".join(code.replace("{", " { ").replace("}", " } ").split())
        result.owner[number] = stack[-1]
        if words:
            result.words[number] = words
        first = words.split(" ", 1)[0] if words else ""
        quote = False
        for char in code:
            if char == '"':
                quote = not quote
            elif quote:
                continue
            elif char == "{":
                stack.append(number if first in _BLOCKS and len(stack) == 1 + (first == "location")
                             else stack[-1])
            elif char == "}" and len(stack) > 1:
                stack.pop()
    return result
