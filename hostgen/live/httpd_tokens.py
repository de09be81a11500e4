"""The token stream of an httpd.conf parse: httpd_lexer with one token of lookahead, and the
readers every statement uses (words, strings, numbers, ports, media types, brace lists,
includes). Errors are placed as httpd places them: a syntax error at the token it could not
use, any other error at the last token read.

The stream takes tokens straight from those the lexer has read ahead, and the readers look at
the lookahead themselves rather than through peek(): they run for every token of the file."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from hostgen.errors import LiveFileError
from hostgen.live.httpd_ast import MediaType, Options
from hostgen.live.httpd_fastpath import Token
from hostgen.live.httpd_grammar import FEATURE_SINCE, LIMITS, NUMERIC
from hostgen.live.httpd_keywords import NEWEST, keywords_for, release_key
from hostgen.live.httpd_lexer import Lexer, byte_len
from hostgen.live.records import record

ReadInclude = Callable[[str], str]

#: Options by the changes that made them (httpd_blocks.Block.options).
OptionsMade = dict[tuple[tuple[str, object], ...], Options]

_INCLUDE_DEPTH = 32  # httpd recurses until it runs out of files; we stop earlier


@record(eq=False, repr=False, slots=True)
class Span:
    """A `{ ... }` body the lexer has read ahead, up to its closing brace `last`: `key`, the
    kinds and texts of its `count` tokens, is all a location's body reads
    (TokenStream.body_ahead)."""

    key: tuple[str, ...]
    count: int
    last: Token


class TokenStream:
    """The tokens of one file and its includes. `last` is the token read last, `stmt` the first
    token of the statement being read (its position is the statement's)."""

    def __init__(
        self, text: str, path: str, read_include: ReadInclude | None, version: str | None
    ) -> None:
        self.version = version or NEWEST
        self.lexer = Lexer(text, path, keywords_for(self.version))
        self.path = path
        self.read_include = read_include
        self._peeked: Token | None = None
        self._ahead = self.lexer.ahead
        key = release_key(self.version)
        self._features = {f: key >= release_key(r) for f, r in FEATURE_SINCE.items()}
        self.last = Token("EOF", "", path, 1)
        self.stmt = self.last
        self.options_made: OptionsMade = {}  # for httpd_blocks.Block.options
        #: a location body's Options by its Span.key, with the place of its last statement
        #: in the span (httpd_server._location)
        self.bodies: dict[tuple[str, ...], tuple[Options, int]] = {}

    def _lex(self) -> Token:
        """The next token when the lexer has none read ahead."""
        tok = self.lexer.next()
        self._ahead = self.lexer.ahead  # another file's after an include or at its end
        return tok

    def peek(self) -> Token:
        tok = self._peeked
        if tok is None:
            ahead = self._ahead
            tok = self._peeked = ahead.popleft() if ahead else self._lex()
        return tok

    def next(self) -> Token:
        tok = self._peeked
        if tok is None:
            ahead = self._ahead
            tok = ahead.popleft() if ahead else self._lex()
        else:
            self._peeked = None
        self.last = tok
        return tok

    def syntax(self, tok: Token | None = None) -> LiveFileError:
        tok = tok or self.peek()
        return LiveFileError(tok.path, tok.line, "syntax error")

    def fail(self, message: str) -> LiveFileError:
        return LiveFileError(self.last.path, self.last.line, message)

    def since(self, feature: str) -> bool:
        """Whether the release read has `feature` (a name from FEATURE_SINCE)."""
        return self._features[feature]

    # -- keywords, characters, newlines -----------------------------------------------------

    def is_kw(self, word: str) -> bool:
        tok = self._peeked or self.peek()
        return tok.kind == "KEYWORD" and tok.text == word

    def accept_kw(self, word: str) -> bool:
        tok = self._peeked or self.peek()
        if tok.kind == "KEYWORD" and tok.text == word:
            self._peeked = None
            self.last = tok
            return True
        return False

    def expect_kw(self, word: str) -> None:
        if not self.accept_kw(word):
            raise self.syntax()

    def peek_kw_in(self, words: frozenset[str]) -> bool:
        tok = self._peeked or self.peek()
        return tok.kind == "KEYWORD" and tok.text in words

    def item_word(self) -> str:
        """The next token's keyword, or "" when it is not one (the caller's syntax error)."""
        tok = self.next()
        return tok.text if tok.kind == "KEYWORD" else ""

    def is_char(self, char: str) -> bool:
        tok = self._peeked or self.peek()
        return tok.kind == "CHAR" and tok.text == char

    def expect_char(self, char: str) -> None:
        tok = self._peeked or self.peek()
        if tok.kind != "CHAR" or tok.text != char:
            raise self.syntax(tok)
        self._peeked = None
        self.last = tok

    def skip_nls(self) -> None:
        tok = self._peeked or self.peek()
        while tok.kind == "NL":
            self.last = tok
            self._peeked = None
            ahead = self._ahead
            tok = self._peeked = ahead.popleft() if ahead else self._lex()

    def expect_nl(self) -> None:
        tok = self._peeked or self.peek()
        if tok.kind != "NL":
            raise self.syntax(tok)
        self.skip_nls()

    def end_statement(self, close: str) -> bool:
        """expect_nl(), then whether `close` (a character) comes next: the end of a statement
        in a body, and of the body if so."""
        tok = self._peeked or self.peek()
        if tok.kind != "NL":
            raise self.syntax(tok)
        while tok.kind == "NL":
            self.last = tok
            self._peeked = None
            ahead = self._ahead
            tok = self._peeked = ahead.popleft() if ahead else self._lex()
        return tok.kind == "CHAR" and tok.text == close

    def body_ahead(self) -> Span | None:
        """The `{ ... }` body that comes next, if the lexer has read all of it ahead and it has
        no `include` (which would bring another file's tokens); None otherwise. Read ahead,
        its tokens hold no macro text (httpd_lexer's fast path stops at a `$`)."""
        ahead = self._ahead
        if self._peeked is not None or not ahead:
            return None
        first = ahead[0]
        if first.kind != "CHAR" or first.text != "{":
            return None
        key: list[str] = []
        append = key.append
        depth = 0
        for tok in ahead:
            kind = tok.kind
            text = tok.text
            if kind == "CHAR":
                if text == "{":
                    depth += 1
                elif text == "}":
                    depth -= 1
                    if not depth:
                        append(kind)
                        append(text)
                        return Span(tuple(key), len(key) // 2, tok)
            elif kind == "KEYWORD" and text == "include":
                return None
            append(kind)
            append(text)
        return None

    def span_tokens(self, span: Span) -> list[Token]:
        """The tokens of `span`, not read yet."""
        return list(itertools.islice(self._ahead, span.count))

    def skip_body(self, span: Span, stmt: int) -> None:
        """Take the tokens of `span` as if its statements had been read: the statement that
        started with its token `stmt` was the last."""
        ahead = self._ahead
        self.stmt = ahead[stmt]
        popleft = ahead.popleft
        for _ in range(span.count):
            popleft()
        self.last = span.last

    # -- values -----------------------------------------------------------------------------

    def string(self, limit: str | None = None) -> str:
        """A STRING, at most as long as LIMITS[limit] allows."""
        tok = self.next()
        if tok.kind != "STRING":
            raise self.syntax(tok)
        if limit is not None:
            self.limit(limit, tok.text)
        return tok.text

    def limit(self, what: str, value: str) -> None:
        maximum, message = LIMITS[what]
        if (len(value) if value.isascii() else byte_len(value)) > maximum:
            raise self.fail(message)

    def number(self) -> int:
        tok = self.next()
        if tok.kind != "NUMBER":
            raise self.syntax(tok)
        return tok.number

    def number_in(self, low: int, high: int | None, message: str) -> int:
        """A NUMBER from `low` to `high` (None: no upper bound); otherwise httpd's `message`,
        in which `{}` stands for the number."""
        value = self.number()
        if value < low or (high is not None and value > high):
            raise self.fail(message.format(value))
        return value

    def port(self, minimum: int) -> str:
        """A port: NUMBER 1..65535, or a STRING that is a number or a service name."""
        tok = self.next()
        if tok.kind == "NUMBER":
            if not 1 <= tok.number <= 65535:
                raise self.fail(f"invalid port: {tok.number}")
            return str(tok.number)
        if tok.kind != "STRING":
            raise self.syntax(tok)
        if NUMERIC.fullmatch(tok.text):
            if not minimum <= int(tok.text) <= 65535:
                raise self.fail(f"invalid port: {tok.text}")
            return str(int(tok.text))
        return tok.text  # a service name: /etc/services of the host, not checked here

    def media_type(self) -> MediaType:
        major = self.string()
        self.expect_char("/")
        minor = self.string()
        self.limit("media type", major)
        self.limit("media type", minor)
        return MediaType(major, minor)

    # -- structure --------------------------------------------------------------------------

    def list_of(self, item: Callable[[], None]) -> None:
        """One item, or `{ item ... }` with `,` or newlines between items (parse.y `*_l`)."""
        if not self.is_char("{"):
            item()
            return
        self.next()
        self.skip_nls()
        item()
        while True:
            if self.is_char(","):
                self.next()
                self.skip_nls()
            elif self.peek().kind == "NL":
                self.skip_nls()
                if self.is_char("}"):
                    break
            else:
                break
            item()
        self.expect_char("}")

    def include(self) -> None:
        """The rest of `include "FILE"`: FILE's tokens come next."""
        name = self.string()
        text: str | None = None
        if self.read_include is not None and self.lexer.depth < _INCLUDE_DEPTH:
            try:
                text = self.read_include(name)
            except (OSError, ValueError, LookupError):
                text = None
        if not isinstance(text, str):
            raise self.fail(f"failed to include file {name}")
        self.lexer.push_file(name, text)
        self._ahead = self.lexer.ahead  # the included file's (this file keeps its own)
