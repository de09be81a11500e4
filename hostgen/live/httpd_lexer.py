"""Lexer for httpd.conf: the character reader and tokeniser of OpenBSD httpd(8).

Behaviour follows httpd's own lexer (openbsd/src `usr.sbin/httpd/parse.y`, `lgetc`/`yylex`,
revisions 1.128 (7.6) to 1.136 (-current)) as described in /work/shared/reference/httpd-conf.md
section 1; the implementation is our own. Facts that matter for reading real files:

* only space and TAB separate tokens; newline is a token; CR, form feed and non-ASCII bytes outside
  quotes are one-character tokens (hence `syntax error` on CRLF files);
* outside quotes a backslash takes the next character literally (backslash-newline joins lines),
  comments run to the end of the line and are read through the same reader;
* inside quotes a backslash only escapes the quote character, a blank or a newline, and a raw
  newline is dropped;
* `$NAME` at the start of a token pushes the macro's value back into the input to be lexed again
  (no nested expansion), so a macro may hold several tokens or half a word;
* the end of each file counts as one newline; `include` pushes a new file whose text is preceded
  by a newline; a NUL byte outside quotes ends the whole input.

Two readers make the same tokens: the character reader (`_next_slow` and the methods below
it), which follows httpd's code step by step, and a fast path (`_FAST_PATTERN`, `_read_ahead`)
that reads the common tokens of whole lines at once with one regular expression, ahead of the
parser. The fast path stops wherever the character reader could do something else (backslashes,
macros, CR, NUL, the expansion marks 0x01/0x02, tokens near the length limits, the end of a
file); the character reader takes over from there until the fast path can read on.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from hostgen.errors import LiveFileError

#: Keywords of httpd.conf by the first release reserving them (httpd-conf.md 1.7 and 5.3;
#: parse.y `lookup()`). A bare word that is a keyword is never a value.
_KEYWORDS_BY_RELEASE: Mapping[str, str] = {
    "5.6": "access auto backlog body buffer certificate chroot ciphers combined common"
    " connection directory error fastcgi include index ip key listen location log max no"
    " nodelay on port prefork request requests root sack server socket style syslog tcp"
    " timeout types",
    "5.7": "tls logdir alias strip authenticate with block drop return pass dhe ecdhe protocols",
    "5.8": "match hsts max-age subdomains preload default type",
    "6.1": "ocsp ticket lifetime",
    "6.4": "rewrite ca client crl optional",
    "6.5": "param",
    "6.6": "forwarded",
    "6.9": "found not",
    "7.1": "errdocs gzip-static",
    "7.9": "banner",
    "current": "static-cache-control",
}
KEYWORD_SINCE: Mapping[str, str] = {
    word: release for release, words in _KEYWORDS_BY_RELEASE.items() for word in words.split()
}

#: Releases whose grammar this package reads (older ones had `root strip`, TCP FastCGI as
#: `socket ":PORT"`, ...: httpd-conf.md 5.3).
RELEASES: tuple[str, ...] = (
    "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5",
    "7.6", "7.7", "7.8", "7.9", "current",
)
NEWEST = "current"

_QUOTED_MAX = 8094  # parse.y: buf[8096], "string too long" beyond
_WORD_MAX = 8095
_START_EXPAND = "\x01"  # httpd marks pushed-back macro text with these two bytes
_DONE_EXPAND = "\x02"
_WORD_STOP = frozenset("(){}<>!=#,;/")
_NUMBER_END = frozenset(" \t\n\v\f\r),/}=")

TokenKind = Literal["STRING", "NUMBER", "KEYWORD", "NL", "CHAR", "EOF"]

# The fast path: one regular expression that reads the common tokens straight from the text
# with the same result as the character reader below. It only matches where that reader could
# not do anything else: no backslash (escapes, continuations), no `$` at the start of a token
# (macros), no \x01/\x02 (httpd's expansion marks, skipped by the reader even inside quotes),
# no newline, NUL or surrogate inside quotes, and the character after a word or number must be
# in the text (not the end of the file) and end it for certain. Anything else, and tokens near
# the length limits, is left to the character reader: there the pattern matches nothing (every
# group empty). Words and strings longer than _FAST_WORD and _FAST_QUOTED characters do not
# match (they are never too long then: a string has at most 4 UTF-8 bytes a character),
# numbers are checked after. A number comes before a word that starts with a digit: digits
# followed by an end of number are a NUMBER, other digits start a word. Quoted strings are
# captured with their quotes, so that no group of a token is empty.
_WORD_CHARS = r"A-Za-z0-9\"$%&'*+\-.:?@\[\]^_`|~"  # _in_word() without the backslash
_FAST_WORD = _WORD_MAX - 1
_FAST_QUOTED = _QUOTED_MAX // 4
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
    end of the line `size` characters on, but not past `pos + 4 * size`; a line with the word
    include is read on its own (see Lexer._read_ahead)."""
    limit = min(pos + 4 * size, len(text))
    newline = text.find("\n", min(pos + size, limit), limit)
    end = newline + 1 if newline >= 0 else limit
    include = text.find("include", pos, end)
    if include >= 0:
        line_start = text.rfind("\n", pos, include) + 1
        if line_start:
            return line_start, False
        newline = text.find("\n", include, limit)
        end = newline + 1 if newline >= 0 else limit
    return end, newline < 0 and limit < len(text)


def release_key(release: str) -> tuple[int, ...]:
    """Sort key of a release name ("7.6" < "7.10" < "current")."""
    if release == "current":
        return (99,)
    return tuple(int(part) for part in release.split("."))


def keywords_for(release: str) -> frozenset[str]:
    """The reserved words of `release` (a name from RELEASES)."""
    if release not in RELEASES:
        raise ValueError(f"unsupported OpenBSD release {release!r}; known: {', '.join(RELEASES)}")
    key = release_key(release)
    return frozenset(w for w, since in KEYWORD_SINCE.items() if release_key(since) <= key)


def byte_len(text: str) -> int:
    """Length in bytes as httpd's C buffers count it (UTF-8; undecodable bytes count one)."""
    return len(text.encode("utf-8", "surrogateescape"))


@dataclass(slots=True)
class Token:
    """One token: `text` is the keyword, string value, character or number as written.
    Not frozen (a frozen dataclass is four times slower to make, and a large file has
    hundreds of thousands of tokens), but never changed once made."""

    kind: TokenKind
    text: str
    path: str
    line: int
    number: int = 0


class _Source:
    """One file being read: its text, position, pushed-back characters and line counter."""

    __slots__ = ("name", "text", "pos", "line", "pending", "eof_reached", "ahead", "read_from",
                 "read_count", "window")

    def __init__(self, name: str, text: str, line: int) -> None:
        self.name = name
        self.text = text
        self.pos = 0
        self.line = line
        self.pending: list[str] = []  # pushed back; the last one is read first
        self.eof_reached = False
        # tokens read ahead by the fast path (Lexer._read_ahead): `pos` and `line` are past
        # them; they were the read_count tokens from read_from on
        self.ahead: deque[Token] = deque()
        self.read_from = 0
        self.read_count = 0
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

    def unread(self) -> None:
        """Forget the tokens read ahead: `pos` and `line` go back to the first of them."""
        if not self.ahead:
            return
        taken = self.read_count - len(self.ahead)
        self.pos = self.skip(self.read_from, taken) if taken else self.read_from
        self.line = self.ahead[0].line
        self.ahead.clear()


def _is_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _is_punct(c: str) -> bool:
    return "!" <= c <= "~" and not c.isalnum()


def _in_word(c: str) -> bool:
    return _is_alnum(c) or (_is_punct(c) and c not in _WORD_STOP)


class Lexer:
    """Pull lexer over a stack of files; `macros` is shared with (and filled by) the parser."""

    def __init__(self, text: str, path: str, keywords: frozenset[str]) -> None:
        self.keywords = keywords
        self.macros: dict[str, str] = {}
        self._files = [_Source(path, text, 1)]
        self._expanding = False
        self._token_line = 1

    @property
    def depth(self) -> int:
        """How many files are open (1 = only the main file)."""
        return len(self._files)

    def settled(self) -> bool:
        """Whether only the main file is open and no macro's text is being read."""
        pending = self._files[-1].pending
        return (len(self._files) == 1 and not self._expanding
                and _START_EXPAND not in pending and _DONE_EXPAND not in pending)

    def push_file(self, name: str, text: str) -> None:
        """Start reading an included file; httpd puts a newline in front of its text."""
        self._files[-1].unread()  # the rest of this file comes after the included one
        source = _Source(name, text, 0)
        source.pending.append("\n")
        self._files.append(source)

    def error(self, message: str) -> LiveFileError:
        """An error at the current token, as httpd's yyerror() reports it."""
        return LiveFileError(self._files[-1].name, self._token_line, message)

    # -- characters -------------------------------------------------------------------------

    def _raw(self) -> str | None:
        src = self._files[-1]
        while True:
            if src.pending:
                c: str | None = src.pending.pop()
            elif src.pos < len(src.text):
                c = src.text[src.pos]
                src.pos += 1
            else:
                c = None
            if c == _START_EXPAND:
                self._expanding = True
            elif c == _DONE_EXPAND:
                self._expanding = False
            else:
                return c

    def _quoted_char(self) -> str:
        c = self._raw()
        if c is None:
            raise self.error("reached end of file while parsing quoted string")
        return c

    def _char(self) -> str | None:
        """Next character outside quotes: backslash escapes, then the end-of-file rules."""
        c = self._raw()
        while c == "\\":
            following = self._raw()
            if following != "\n":
                c = following
                break
            self._token_line = self._files[-1].line
            self._files[-1].line += 1
            c = self._raw()
        if c is not None:
            return c
        src = self._files[-1]
        if not src.eof_reached:
            src.eof_reached = True
            return "\n"
        while c is None:
            if len(self._files) == 1:
                return None
            self._files.pop()
            c = self._raw()
        return c

    def _unget(self, c: str | None) -> None:
        if c is not None:
            self._files[-1].pending.append(c)

    # -- tokens -----------------------------------------------------------------------------

    def _token(self, kind: TokenKind, text: str, number: int = 0) -> Token:
        return Token(kind, text, self._files[-1].name, self._token_line, number)

    @property
    def ahead(self) -> deque[Token]:
        """The tokens read ahead in the current file: a reader may take them from the left
        itself, and call `next()` when there are none. (Only the current file can have any:
        an include puts back those of the including file.)"""
        return self._files[-1].ahead

    def next(self) -> Token:
        """The next token (EOF at the end of the input or at a NUL byte outside quotes)."""
        src = self._files[-1]
        ahead = src.ahead
        if not ahead:
            if src.pending:
                src.rewind()
            if src.pending or not self._read_ahead(src):
                return self._next_slow()
        return ahead.popleft()

    def _read_ahead(self, src: _Source) -> bool:
        """Read the tokens of the next lines that _FAST_PATTERN takes into `src.ahead`; False
        if there is none.

        They are read before the parser asks for them, which is safe: they do not depend on
        macros and cannot fail. An `include` puts them back (`_Source.unread`), so a line
        with the word include is read on its own: only the rest of that line goes back. The
        window (_window_end) doubles while whole windows are read; after a token the fast
        path cannot read it starts small again, so that unusual files (a macro on each line,
        long lines of backslashes) do not make it read text in vain."""
        text, pos, window = src.text, src.pos, src.window
        if window == _WINDOW_MIN:  # after a token it could not read: is this one any better?
            first = _FAST_PATTERN.match(text, pos)
            if first is None or first.lastindex is None:
                return False
        end, cut = _window_end(text, pos, window)
        found = _FAST_TOKENS(text, pos, end)
        name, keywords, line = src.name, self.keywords, src.line
        ahead = src.ahead  # empty: read_ahead is called when there is nothing read ahead
        append, token = ahead.append, Token
        for word, newline, dquoted, char, number, digits, squoted in found:
            if word:
                append(token("KEYWORD" if word in keywords else "STRING", word, name, line))
            elif newline:
                append(token("NL", "\n", name, line))
                line += 1
            elif dquoted:
                append(token("STRING", dquoted[1:-1], name, line))
            elif char:
                append(token("CHAR", char, name, line))
            elif number:
                if len(number) > _FAST_NUMBER_DIGITS:
                    break
                append(token("NUMBER", number, name, line, int(number)))
            elif digits:
                append(token("KEYWORD" if digits in keywords else "STRING", digits, name, line))
            elif squoted:
                append(token("STRING", squoted[1:-1], name, line))
            else:
                break
        count = len(ahead)
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
        src.read_from, src.read_count, src.line = pos, count, line
        return True

    def _next_slow(self) -> Token:
        """The next token, read character by character."""
        while True:
            c = self._char()
            while c in (" ", "\t"):
                c = self._char()
            self._token_line = self._files[-1].line
            if c == "#":
                while c != "\n" and c is not None:
                    c = self._char()
            if c == "$" and not self._expanding:
                if not self._expand_macro():
                    return self._token("EOF", "")
                continue
            return self._token_from(c)

    def _token_from(self, c: str | None) -> Token:
        if c in ("'", '"'):
            return self._quoted(c)
        if c == "-" or (c is not None and c.isascii() and c.isdigit()):
            number = self._number(c)
            if number is not None:
                return number
            c = self._files[-1].pending.pop()  # the first character, pushed back by _number
            if c == "-":
                return self._token("CHAR", "-")
        if c is not None and (_is_alnum(c) or c in ":_*"):
            return self._word(c)
        if c is None or c == "\0":
            return self._token("EOF", "")
        if c == "\n":
            self._token_line = self._files[-1].line  # after continued comment lines too
            self._files[-1].line += 1
            return self._token("NL", "\n")
        return self._token("CHAR", c)

    def _expand_macro(self) -> bool:
        name: list[str] = []
        while True:
            c = self._char()
            if c is None:
                return False
            if len(name) >= _QUOTED_MAX:
                raise self.error("string too long")
            if _is_alnum(c) or c == "_":
                name.append(c)
                continue
            self._unget(c)
            break
        value = self.macros.get("".join(name))
        if value is None:
            raise self.error(f"macro '{''.join(name)}' not defined")
        self._unget(_DONE_EXPAND)
        for ch in reversed(value):
            self._unget(ch)
        self._unget(_START_EXPAND)
        return True

    def _quoted(self, quote: str) -> Token:
        chars: list[str] = []
        size = 0
        while True:
            c = self._quoted_char()
            if c == "\n":
                self._files[-1].line += 1
                continue
            if c == "\\":
                following = self._quoted_char()
                if following in (quote, " ", "\t"):
                    c = following
                elif following == "\n":
                    self._files[-1].line += 1
                    continue
                else:
                    self._unget(following)
            elif c == quote:
                return self._token("STRING", "".join(chars))
            elif c == "\0":
                raise self.error("syntax error")
            size += byte_len(c)
            if size > _QUOTED_MAX:
                raise self.error("string too long")
            chars.append(c)

    def _number(self, first: str) -> Token | None:
        """A NUMBER, or None after pushing everything back (the text is then a word or `-`)."""
        digits = [first]
        c = self._char()
        while c is not None and c.isascii() and c.isdigit():
            digits.append(c)
            if len(digits) >= _WORD_MAX + 1:
                raise self.error("string too long")
            c = self._char()
        self._unget(c)
        text = "".join(digits)
        if text != "-" and (c is None or c in _NUMBER_END):
            value = int(text)
            if value > 2**63 - 1:
                raise self.error(f'"{text}" invalid number: too large')
            if value < -(2**63):
                raise self.error(f'"{text}" invalid number: too small')
            return self._token("NUMBER", text, value)
        for ch in reversed(digits):
            self._unget(ch)
        return None

    def _word(self, first: str) -> Token:
        chars = [first]
        c = self._char()
        while c is not None and _in_word(c):
            chars.append(c)
            if len(chars) >= _WORD_MAX + 1:
                raise self.error("string too long")
            c = self._char()
        self._unget(c)
        word = "".join(chars)
        return self._token("KEYWORD" if word in self.keywords else "STRING", word)
