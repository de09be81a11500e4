"""The fast path of the httpd.conf lexer (httpd_lexer): the common tokens of whole lines read
at once with one regular expression, ahead of the parser, with the same result as the
character reader of httpd_lexer (see its docstring). Also the Token it makes and the state of
one file being read (Source), which both readers share.

A large file is mostly the same few lines again (a 1000-server httpd.conf has 38,000 lines
and 6,000 different ones), so the tokens of each line are kept by its text for the rest of the
parse (FastPath.lines): a line seen before costs a dictionary look-up, not a regular
expression. A line's tokens depend on nothing but its text: every token the fast path reads
ends within the line, the character after it included, and the last one is its newline.
Nor do they depend on macros or on included files: an `include` leaves the tokens the
including file has read ahead for after the included one (httpd_lexer.Lexer.next).
"""

from __future__ import annotations

import re
from collections import deque
from typing import Literal

from hostgen.live.records import record

QUOTED_MAX = 8094  # parse.y: buf[8096], "string too long" beyond
WORD_MAX = 8095

TokenKind = Literal["STRING", "NUMBER", "KEYWORD", "NL", "CHAR", "EOF"]

# The fast path: one regular expression that reads the common tokens straight from the text
# with the same result as the character reader (httpd_lexer). It only matches where that
# reader could not do anything else: no backslash (escapes, continuations), no `$` at the start
# of a token (macros), no \x01/\x02 (httpd's expansion marks, skipped by the reader even inside
# quotes), no newline, NUL or surrogate inside quotes, and the character after a word or
# number must be in the text (not the end of the file) and end it for certain. Anything else,
# and tokens near the length limits, is left to the character reader: there the pattern
# matches nothing (every group empty). Words and strings longer than _FAST_WORD and
# _FAST_QUOTED characters do not match (they are never too long then: a string has at most 4
# UTF-8 bytes a character), numbers are checked after. A number comes before a word that
# starts with a digit: digits followed by an end of number are a NUMBER, other digits start a
# word. Quoted strings are captured with their quotes, so that no group of a token is empty.
_WORD_CHARS = r"A-Za-z0-9\"$%&'*+\-.:?@\[\]^_`|~"  # _in_word() without the backslash
_FAST_WORD = WORD_MAX - 1
_FAST_QUOTED = QUOTED_MAX // 4
_FAST_ALTERNATIVES = (
    rf"([A-Za-z:_*][{_WORD_CHARS}]{{0,{_FAST_WORD - 1}}}+)(?=[^{_WORD_CHARS}\\\x01\x02])"
    r"|(\n|\#[^\n\\\x01\x02]*+\n)"  # newline, after a comment or not
    rf"|(\"[^\"\\\n\x00\x01\x02\ud800-\udfff]{{0,{_FAST_QUOTED}}}+\")"
    r"|([{}(),/=;<>!.%&+?@\[\]^`|~])"  # one-character token
    r"|(-?[0-9]++)(?=[ \t\n\v\f\r),/}=])"  # number
    rf"|([0-9][{_WORD_CHARS}]{{0,{_FAST_WORD - 1}}}+)(?=[^{_WORD_CHARS}\\\x01\x02])"
    rf"|('[^'\\\n\x00\x01\x02\ud800-\udfff]{{0,{_FAST_QUOTED}}}+')"
)
#: A token, or nothing.
_FAST_PATTERN = re.compile(rf"[ \t]*+(?:{_FAST_ALTERNATIVES}|)")
_FAST_MATCHES = _FAST_PATTERN.finditer  # where each token ends
#: The groups of each token of a window, then of one match of all the rest of it: findall
#: stops at the first place the fast path cannot read (rather than try every later one).
_FAST_TOKENS = re.compile(rf"[ \t]*+(?:{_FAST_ALTERNATIVES}|(?s:.*))").findall
_WINDOW_MIN, _WINDOW_START, _WINDOW_MAX = 16, 2048, 8192  # characters read ahead at once
_FAST_NUMBER_DIGITS = 18  # always within a signed 64-bit integer


def _window_end(text: str, pos: int, size: int) -> tuple[int, bool]:
    """Where the fast path reads to from `pos`, and whether that may be inside a token: to the
    end of the line `size` characters on, but not past `pos + 4 * size`."""
    limit = min(pos + 4 * size, len(text))
    newline = text.find("\n", min(pos + size, limit), limit)
    end = newline + 1 if newline >= 0 else limit
    return end, newline < 0 and limit < len(text)


@record(eq=False, repr=False, slots=True)
class Token:
    """One token: `text` is the keyword, string value, character or number as written.
    A record, frozen for mypy only (a frozen dataclass is four times slower to make, and a
    large file has hundreds of thousands of tokens)."""

    kind: TokenKind
    text: str
    path: str
    line: int
    number: int = 0


class Source:
    """One file being read: its text, position, pushed-back characters and line counter."""

    __slots__ = ("name", "text", "pos", "line", "pending", "eof_reached", "ahead", "window")

    def __init__(self, name: str, text: str, line: int) -> None:
        self.name = name
        self.text = text
        self.pos = 0
        self.line = line
        self.pending: list[str] = []  # pushed back; the last one is read first
        self.eof_reached = False
        # tokens read ahead by the fast path (FastPath.read_ahead): `pos` and `line` are past
        # them (an include leaves them for after the included file: Lexer.next)
        self.ahead: deque[Token] = deque()
        self.window = _WINDOW_START  # doubles while the fast path reads whole windows

    def rewind(self) -> None:
        """Give the characters pushed back after the character reader took them from the
        text (the one after a word or number) back to the text: what is read next stays the
        same (the reader does not tell them apart), and the fast path can go on."""
        pending = self.pending
        count = len(pending)
        if (
            count <= 16 and count <= self.pos and not self.eof_reached
            and self.text[self.pos - count : self.pos] == "".join(reversed(pending))
        ):
            self.pos -= count
            pending.clear()

    def skip(self, start: int, count: int) -> int:
        """Where the first `count` tokens of the fast path from `start` end."""
        for match in _FAST_MATCHES(self.text, start):
            count -= 1
            if count <= 0:
                return match.end()
        raise AssertionError("fewer tokens than read before")


#: The tokens of one line, ending with its newline, as (kind, text, number); None for a line
#: the fast path cannot read to its end.
LineTokens = tuple[tuple[TokenKind, str, int], ...] | None
_UNSEEN: LineTokens = ()  # a marker: no line reads as no token at all
_LINE_MAX = 1024  # longer lines (rare) are read by windows, not kept
_LINES_AT_ONCE = 256


def _classify(
    found: list[tuple[str, ...]], keywords: frozenset[str]
) -> list[tuple[TokenKind, str, int]]:
    """The tokens of the groups found by _FAST_TOKENS, up to the first the fast path cannot
    take (the match of the rest of the text, or a number that may be too large)."""
    tokens: list[tuple[TokenKind, str, int]] = []
    append = tokens.append
    for word, newline, dquoted, char, number, digits, squoted in found:
        if word:
            append(("KEYWORD" if word in keywords else "STRING", word, 0))
        elif newline:
            append(("NL", "\n", 0))
        elif dquoted:
            append(("STRING", dquoted[1:-1], 0))
        elif char:
            append(("CHAR", char, 0))
        elif number:
            if len(number) > _FAST_NUMBER_DIGITS:
                break
            append(("NUMBER", number, int(number)))
        elif digits:
            append(("KEYWORD" if digits in keywords else "STRING", digits, 0))
        elif squoted:
            append(("STRING", squoted[1:-1], 0))
        else:
            break
    return tokens


class FastPath:
    """The fast path of one lexer (one parse: which words are keywords depends on the
    release), with the tokens of the lines it has read."""

    def __init__(self, keywords: frozenset[str]) -> None:
        self.keywords = keywords
        self.lines: dict[str, LineTokens] = {}

    def read_ahead(self, src: Source) -> bool:
        """Read the tokens of the next lines that _FAST_PATTERN takes into `src.ahead`; False
        if there is none.

        They are read before the parser asks for them, which is safe: they do not depend on
        macros and cannot fail, and an `include` leaves them for after the included file.
        Whole lines are read from the start of a line (`_read_lines`), by their text; the
        rest of a line, and lines that are long or that the fast path cannot read to their
        end, by a window of text (`_read_window`)."""
        pos = src.pos
        if pos >= len(src.text):  # the end of a file (each include has one) is the reader's
            return False
        at_line_start = pos == 0 or src.text[pos - 1] == "\n"
        if src.window != _WINDOW_MIN and at_line_start and self._read_lines(src):
            return True
        return self._read_window(src)

    def _line(self, text: str, start: int, end: int) -> LineTokens:
        """The tokens of the line text[start:end] (with its newline at end - 1)."""
        found = _FAST_TOKENS(text, start, end)
        tokens = _classify(found, self.keywords)
        if len(tokens) != len(found) - 1:  # the last match is the empty one at the end
            return None
        return tuple(tokens)

    def _read_lines(self, src: Source) -> bool:
        """Read whole lines from `src.pos`, the start of one, until one the fast path cannot
        read (or a long one, or _LINES_AT_ONCE of them). At the end of the text, the newline
        the end of a file counts as is read too, as the character reader would read it."""
        text, pos, line, name = src.text, src.pos, src.line, src.name
        lines, read = self.lines, 0
        append, token, find = src.ahead.append, Token, text.find
        while read < _LINES_AT_ONCE:
            end = find("\n", pos, pos + _LINE_MAX)
            if end < 0:
                break
            tokens = lines.get(text[pos:end], _UNSEEN)
            if tokens is _UNSEEN:
                tokens = lines[text[pos:end]] = self._line(text, pos, end + 1)
            if tokens is None:
                break
            for kind, word, number in tokens:
                append(token(kind, word, name, line, number))
            line += 1
            pos = end + 1
            read += 1
        if not read:
            return False
        if pos == len(text):
            append(token("NL", "\n", name, line))
            line += 1
            src.eof_reached = True
        src.pos, src.line = pos, line
        return True

    def _read_window(self, src: Source) -> bool:
        """Read the tokens of a window of text (_window_end). The window doubles while whole
        windows are read; after a token the fast path cannot read it starts small again, so
        that unusual files (a macro on each line, long lines of backslashes) do not make it
        read text in vain."""
        text, pos, window = src.text, src.pos, src.window
        if window == _WINDOW_MIN:  # after a token it could not read: is this one any better?
            first = _FAST_PATTERN.match(text, pos)
            if first is None or first.lastindex is None:
                return False
        end, cut = _window_end(text, pos, window)
        found = _FAST_TOKENS(text, pos, end)
        tokens = _classify(found, self.keywords)
        name, line = src.name, src.line
        append, token = src.ahead.append, Token
        for kind, word, number in tokens:
            append(token(kind, word, name, line, number))
            if kind == "NL":
                line += 1
        count = len(tokens)
        if count == len(found) - 1:  # all of the window: the last match is the empty one at end
            src.pos = end
            src.window = min(window * 2, _WINDOW_MAX)
        else:
            if count:
                src.pos = src.skip(pos, count)
            # a token cut by the end of the window is not a reason to start small again
            match = _FAST_PATTERN.match(text, src.pos) if cut else None
            grow = match is not None and match.lastindex is not None
            src.window = min(window * 2, _WINDOW_MAX) if grow else _WINDOW_MIN
        if not count:
            return False
        src.line = line
        return True
