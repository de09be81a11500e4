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
it), which follows httpd's code step by step, and a fast path (httpd_fastpath) that reads the
common tokens of whole lines at once with one regular expression, ahead of the parser. The
fast path stops wherever the character reader could do something else (backslashes, macros,
CR, NUL, the expansion marks 0x01/0x02, tokens near the length limits, the end of a file); the
character reader takes over from there until the fast path can read on.
"""

from __future__ import annotations

from collections import deque

from hostgen.errors import LiveFileError
from hostgen.live.httpd_fastpath import QUOTED_MAX, WORD_MAX, FastPath, Source, Token, TokenKind

_QUOTED_MAX, _WORD_MAX = QUOTED_MAX, WORD_MAX  # parse.y: buf[8096]
_START_EXPAND = "\x01"  # httpd marks pushed-back macro text with these two bytes
_DONE_EXPAND = "\x02"
_WORD_STOP = frozenset("(){}<>!=#,;/")
_NUMBER_END = frozenset(" \t\n\v\f\r),/}=")


def byte_len(text: str) -> int:
    """Length in bytes as httpd's C buffers count it (UTF-8; undecodable bytes count one)."""
    return len(text.encode("utf-8", "surrogateescape"))


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
        self._files = [Source(path, text, 1)]
        self._fast = FastPath(keywords)
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
        """Start reading an included file; httpd puts a newline in front of its text. The
        rest of this file comes after it: the tokens read ahead stay (see next())."""
        source = Source(name, text, 0)
        # the character reader would read that newline as this token, on line 0, and go on
        # at line 1 with nothing pushed back (the next token sets the error line again)
        source.ahead.append(Token("NL", "\n", name, 0))
        source.line = 1
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
        itself, and call `next()` when there are none (and again after an include: the
        including file keeps those it had read ahead for after the included one)."""
        return self._files[-1].ahead

    def next(self) -> Token:
        """The next token (EOF at the end of the input or at a NUL byte outside quotes)."""
        src = self._files[-1]
        ahead = src.ahead
        while not ahead and src.eof_reached and len(self._files) > 1 \
                and self._files[-2].ahead and not src.pending and src.pos >= len(src.text):
            # An included file is done and the including one has tokens read ahead: they
            # come next. (Without any, the character reader goes on into the including file,
            # as httpd's lgetc does, which returns its next character as it is.)
            self._files.pop()
            src = self._files[-1]
            ahead = src.ahead
        if not ahead:
            if src.pending:
                src.rewind()
            if src.pending or not self._fast.read_ahead(src):
                return self._next_slow()
        return ahead.popleft()

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
