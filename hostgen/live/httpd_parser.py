"""Parser for httpd.conf: tokens from httpd_lexer -> the structure of httpd_ast.

Follows the grammar of openbsd/src `usr.sbin/httpd/parse.y` (1.128 for 7.1-7.8, 1.130 for 7.9,
1.136 for -current) as described in /work/shared/reference/httpd-conf.md sections 2 and
Appendix A, including its newline rules: a body's first statement may share its line with the
next statement or with the closing brace, every later statement needs a newline after it,
brace lists take `,` or newlines between items, and an `include` brings its own newlines.
Semantic checks that parse.y makes while parsing are made here with httpd's messages; checks
that need the host (name resolution, certificate files) are not. The first error stops the
parse (httpd goes on, but reports the same first message).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from hostgen.errors import LiveFileError
from hostgen.live.httpd_ast import (
    Alias,
    Authenticate,
    BlockAction,
    ConnectionOptions,
    FastcgiTcp,
    FastcgiUnix,
    GlobalOption,
    Hsts,
    HttpdConfig,
    Listen,
    Location,
    MediaType,
    Options,
    Server,
    TcpOptions,
    TlsOptions,
    TypesEntry,
)
from hostgen.live.httpd_lexer import NEWEST, Lexer, Token, byte_len, keywords_for, release_key

ReadInclude = Callable[[str], str]

_INCLUDE_DEPTH = 32  # httpd recurses until it runs out of files; we stop earlier
_INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class Directive:
    """Where a statement may appear (G global, S server, L location, T types), the first release
    with today's syntax, and httpd's message when it is written inside a location."""

    contexts: str
    since: str
    misplaced: str | None = None


#: httpd-conf.md Appendix A and parse.y `serveroptsl`.
DIRECTIVES: Mapping[str, Directive] = {
    "include": Directive("GSLT", "5.6"),
    "chroot": Directive("G", "5.6"),
    "logdir": Directive("G", "5.7"),
    "prefork": Directive("G", "5.6"),
    "types": Directive("G", "5.6"),
    "server": Directive("G", "5.6"),
    "default type": Directive("GSL", "5.8"),
    "errdocs": Directive("GS", "7.1", "errdocs inside location"),
    "no errdocs": Directive("S", "7.1", "errdocs inside location"),
    "no banner": Directive("GS", "7.9", "no banner inside location"),
    "banner": Directive("S", "7.9", "banner inside location"),
    "listen on": Directive("S", "5.6", "listen {} inside location"),
    "alias": Directive("S", "5.7", "alias inside location"),
    "location": Directive("S", "5.6", "location {} inside location"),
    "tls": Directive("S", "5.7", "tls configuration inside location"),
    "hsts": Directive("S", "5.8", "hsts inside location"),
    "connection": Directive("S", "5.6", "connection options inside location"),
    "tcp": Directive("S", "5.6", "tcp flags inside location"),
    **{
        name: Directive("SL", since)
        for name, since in {
            "root": "5.6", "directory": "5.6", "log": "5.6", "no log": "5.6",
            "fastcgi": "5.6", "no fastcgi": "5.6", "authenticate": "5.7",
            "no authenticate": "5.7", "block": "5.7", "pass": "5.7", "request": "6.4",
            "gzip-static": "7.1", "no gzip-static": "7.1",
            "static-cache-control": "current", "no static-cache-control": "current",
        }.items()
    },
}

#: Grammar and checks that came later than their keywords (httpd-conf.md 5.3).
FEATURE_SINCE: Mapping[str, str] = {
    "fastcgi strip": "6.7",
    "fastcgi socket tcp": "6.8",
    "fastcgi pass chunked": "current",
    "location defined twice": "6.9",
    "types later line wins": "7.2",
    "status 103 and 425": "7.6",
}

#: Length limits in bytes (httpd-conf.md 1.8) and httpd's message when exceeded.
_LIMITS: Mapping[str, tuple[int, str]] = {
    "server": (255, "server name truncated"),
    "alias": (255, "server alias truncated"),
    "location": (254, "server location truncated"),
    "root": (1023, "document root too long"),
    "index": (1023, "index file too long"),
    "access": (1023, "access log name too long"),
    "error": (1023, "error log name too long"),
    "rewrite": (1023, "request path too long"),
    "htpasswd": (1023, "password file name too long"),
    "realm": (254, "basic auth realm name too long"),
    "errdocs": (1014, "errdoc root path too long"),
    "socket": (103, "socket path too long"),
    "param name": (510, "fastcgi_param name truncated"),
    "param value": (510, "fastcgi_param value truncated"),
    "ciphers": (510, "ciphers too long"),
    "dhe": (510, "dhe too long"),
    "ecdhe": (510, "ecdhe too long"),
    "media type": (63, "media type too long"),
    "media name": (127, "media name too long"),
}

_LOG_STYLES = frozenset({"common", "combined", "connection", "forwarded"})
_NUMERIC = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+")


@dataclass
class _ServerState:
    """A server block while it is being read."""

    name: str
    match: bool
    path: str
    line: int
    global_errdocs: str | None
    global_no_banner: bool
    listens: list[Listen] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    tls: TlsOptions | None = None
    hsts: Hsts | None = None
    connection: ConnectionOptions | None = None
    tcp: TcpOptions | None = None
    errdocs: str | Literal[False] | None = None
    banner: bool | None = None


@dataclass
class _Block:
    """The body being read: the server itself or one of its locations."""

    server: _ServerState
    in_location: bool
    options: Options = field(default_factory=Options)


class Parser:
    """One parse of one configuration; use `parse()` below."""

    def __init__(
        self, text: str, path: str, read_include: ReadInclude | None, version: str | None
    ) -> None:
        self.version = version or NEWEST
        self.lexer = Lexer(text, path, keywords_for(self.version))
        self.path = path
        self.read_include = read_include
        self._peeked: Token | None = None
        self._last = Token("EOF", "", path, 1)
        self._stmt = self._last
        self._seen_server = False
        self._globals: list[GlobalOption] = []
        self._types: list[TypesEntry] = []
        self._servers: list[Server] = []
        # without a release, accept every word but keep the defaults of the newest release
        # (-current changed the default ciphers; a 7.x file must not fail for that)
        self._sockets = _Sockets(version or "7.9")
        self._errdocs: str | None = None
        self._no_banner = False

    # -- tokens -----------------------------------------------------------------------------

    def _peek(self) -> Token:
        if self._peeked is None:
            self._peeked = self.lexer.next()
        return self._peeked

    def _next(self) -> Token:
        tok = self._peek()
        self._peeked = None
        self._last = tok
        return tok

    def _syntax(self, tok: Token | None = None) -> LiveFileError:
        tok = tok or self._peek()
        return LiveFileError(tok.path, tok.line, "syntax error")

    def _fail(self, message: str) -> LiveFileError:
        return LiveFileError(self._last.path, self._last.line, message)

    def _is_kw(self, word: str) -> bool:
        tok = self._peek()
        return tok.kind == "KEYWORD" and tok.text == word

    def _accept_kw(self, word: str) -> bool:
        if self._is_kw(word):
            self._next()
            return True
        return False

    def _expect_kw(self, word: str) -> None:
        if not self._accept_kw(word):
            raise self._syntax()

    def _is_char(self, char: str) -> bool:
        tok = self._peek()
        return tok.kind == "CHAR" and tok.text == char

    def _expect_char(self, char: str) -> None:
        if not self._is_char(char):
            raise self._syntax()
        self._next()

    def _string(self, limit: str | None = None) -> str:
        tok = self._next()
        if tok.kind != "STRING":
            raise self._syntax(tok)
        if limit is not None:
            self._limit(limit, tok.text)
        return tok.text

    def _number(self) -> int:
        tok = self._next()
        if tok.kind != "NUMBER":
            raise self._syntax(tok)
        return tok.number

    def _limit(self, what: str, value: str) -> None:
        maximum, message = _LIMITS[what]
        if byte_len(value) > maximum:
            raise self._fail(message)

    def _skip_nls(self) -> None:
        while self._peek().kind == "NL":
            self._next()

    def _expect_nl(self) -> None:
        if self._peek().kind != "NL":
            raise self._syntax()
        self._skip_nls()

    def _since(self, feature: str) -> bool:
        return release_key(self.version) >= release_key(FEATURE_SINCE[feature])

    # -- file level -------------------------------------------------------------------------

    def parse(self) -> HttpdConfig:
        while self._peek().kind != "EOF":
            if self._peek().kind == "NL":
                self._next()
                continue
            self._top_item()
            if self._peek().kind != "NL":
                raise self._syntax()
        return self._config()

    def _top_item(self) -> None:
        tok = self._peek()
        self._stmt = tok
        if tok.kind == "STRING":
            self._macro()
            return
        if tok.kind != "KEYWORD":
            raise self._syntax(tok)
        handler = _TOP.get(tok.text)
        if handler is None:
            raise self._syntax(tok)
        self._next()
        handler(self)

    def _macro(self) -> None:
        name = self._next().text
        self._expect_char("=")
        value = self._string()
        if any(c in " \t\n\v\f\r" for c in name[1:]):
            raise self._fail("macro name cannot contain whitespace")
        self.lexer.macros[name] = value

    def _include(self) -> None:
        name = self._string()
        text: str | None = None
        if self.read_include is not None and self.lexer.depth < _INCLUDE_DEPTH:
            try:
                text = self.read_include(name)
            except (OSError, ValueError, LookupError):
                text = None
        if not isinstance(text, str):
            raise self._fail(f"failed to include file {name}")
        self.lexer.push_file(name, text)

    def _global(self, name: str, value: str | int | MediaType | bool) -> None:
        self._globals.append(
            GlobalOption(
                name=name,
                value=value,
                before_first_server=not self._seen_server,
                path=self._stmt.path,
                line=self._stmt.line,
            )
        )

    def _top_chroot(self) -> None:
        self._global("chroot", self._string())

    def _top_logdir(self) -> None:
        self._global("logdir", self._string())

    def _top_prefork(self) -> None:
        count = self._number()
        if not self._seen_server and not 1 <= count <= 32:
            raise self._fail(f"invalid number of preforked servers: {count}")
        self._global("prefork", count)

    def _top_errdocs(self) -> None:
        self._errdocs = self._string("errdocs")
        self._global("errdocs", self._errdocs)

    def _top_no(self) -> None:
        self._expect_kw("banner")
        self._no_banner = True
        self._global("no banner", True)

    def _top_default(self) -> None:
        self._expect_kw("type")
        self._global("default type", self._media_type())

    def _media_type(self) -> MediaType:
        major = self._string()
        self._expect_char("/")
        minor = self._string()
        if max(byte_len(major), byte_len(minor)) > _LIMITS["media type"][0]:
            raise self._fail(_LIMITS["media type"][1])
        return MediaType(major, minor)

    def _top_types(self) -> None:
        self._expect_char("{")
        self._skip_nls()
        while True:
            self._types_line()
            self._expect_nl()
            if self._is_char("}"):
                self._next()
                return

    def _types_line(self) -> None:
        first = self._stmt = self._peek()
        if self._accept_kw("include"):
            self._include()
            return
        media = self._media_type()
        names: list[str] = []
        while True:
            tok = self._peek()
            if tok.kind not in ("STRING", "NUMBER"):
                break
            self._next()
            name = str(tok.number) if tok.kind == "NUMBER" else tok.text
            self._limit("media name", name)
            if not self._since("types later line wins") and self._seen_extension(name, names):
                raise self._fail("failed to add media type")
            names.append(name)
        if not names:
            raise self._syntax()
        if self._is_char(";"):
            self._next()
        self._types.append(
            TypesEntry(media=media, names=tuple(names), path=first.path, line=first.line)
        )

    def _seen_extension(self, name: str, line: list[str]) -> bool:
        """Whether an extension is already known (media_add before 7.2 compares ignoring case)."""
        known = [n for entry in self._types for n in entry.names] + line
        return name.lower() in (n.lower() for n in known)

    def _last_global(self, name: str, first_pass: bool) -> object:
        """The value httpd keeps: the last one, in the first pass (before the first server)
        or in the whole file."""
        values = [
            g.value for g in self._globals
            if g.name == name and (g.before_first_server or not first_pass)
        ]
        return values[-1] if values else None

    def _config(self) -> HttpdConfig:
        chroot, logdir = self._last_global("chroot", True), self._last_global("logdir", False)
        prefork = self._last_global("prefork", True)
        default_type = self._last_global("default type", True)
        return HttpdConfig(
            chroot=chroot if isinstance(chroot, str) else None,
            logdir=logdir if isinstance(logdir, str) else None,
            prefork=prefork if isinstance(prefork, int) else None,
            default_type=default_type if isinstance(default_type, MediaType) else None,
            errdocs=self._errdocs,
            no_banner=self._no_banner,
            globals=tuple(self._globals),
            types=tuple(self._types),
            servers=tuple(self._servers),
            path=self.path,
        )

    # -- server blocks ----------------------------------------------------------------------

    def _top_server(self) -> None:
        self._seen_server = True
        first = self._last
        match = self._accept_kw("match")
        name = self._string("server")
        state = _ServerState(
            name, match, first.path, first.line, self._errdocs, self._no_banner
        )
        block = _Block(state, in_location=False)
        self._body(block)
        server = Server(
            name=name,
            match=match,
            listens=tuple(state.listens),
            aliases=tuple(state.aliases),
            tls=state.tls,
            hsts=state.hsts,
            connection=state.connection,
            tcp=state.tcp,
            errdocs=state.errdocs,
            banner=state.banner,
            global_errdocs=state.global_errdocs,
            global_no_banner=state.global_no_banner,
            options=block.options,
            locations=tuple(state.locations),
            path=first.path,
            line=first.line,
        )
        problem = self._sockets.add(server)
        if problem is not None:
            raise self._fail(problem)
        self._servers.append(server)

    def _body(self, block: _Block) -> None:
        self._expect_char("{")
        self._skip_nls()
        self._statement(block)
        self._skip_nls()
        while not self._is_char("}"):
            self._statement(block)
            self._expect_nl()
        self._next()

    def _statement(self, block: _Block) -> None:
        tok = self._stmt = self._next()
        if tok.kind != "KEYWORD":
            raise self._syntax(tok)
        word = tok.text
        if word in ("no", "default", "listen"):
            following = self._next()
            if following.kind != "KEYWORD":
                raise self._syntax(following)
            word = f"{word} {following.text}"
        handler = _BODY.get(word)
        if handler is None:
            raise self._syntax(self._last)
        handler(self, block)

    def _place(self, block: _Block, word: str, argument: str = "") -> None:
        misplaced = DIRECTIVES[word].misplaced
        if block.in_location and misplaced is not None:
            raise self._fail(misplaced.format(argument))

    # -- statements of server and location bodies -------------------------------------------

    def _opts(self, block: _Block, /, **changes: Any) -> None:
        block.options = replace(block.options, **changes)

    def _group(self, server: _ServerState, attr: str, cls: type, /, **changes: Any) -> None:
        """Update one of the server's aggregated groups (tls, hsts, connection, tcp)."""
        current = getattr(server, attr) or cls(path=self._stmt.path, line=self._stmt.line)
        setattr(server, attr, replace(current, **changes))

    def _peek_kw_in(self, words: frozenset[str]) -> bool:
        tok = self._peek()
        return tok.kind == "KEYWORD" and tok.text in words

    def _item_word(self) -> str:
        tok = self._next()
        return tok.text if tok.kind == "KEYWORD" else ""

    def _list(self, item: Callable[[], None]) -> None:
        """One item, or `{ item ... }` with `,` or newlines between items (parse.y `*_l`)."""
        if not self._is_char("{"):
            item()
            return
        self._next()
        self._skip_nls()
        item()
        while True:
            if self._is_char(","):
                self._next()
                self._skip_nls()
            elif self._peek().kind == "NL":
                self._skip_nls()
                if self._is_char("}"):
                    break
            else:
                break
            item()
        self._expect_char("}")

    def _port(self, minimum: int) -> str:
        """A port: NUMBER 1..65535, or a STRING that is a number or a service name."""
        tok = self._next()
        if tok.kind == "NUMBER":
            if not 1 <= tok.number <= 65535:
                raise self._fail(f"invalid port: {tok.number}")
            return str(tok.number)
        if tok.kind != "STRING":
            raise self._syntax(tok)
        if _NUMERIC.fullmatch(tok.text):
            if not minimum <= int(tok.text) <= 65535:
                raise self._fail(f"invalid port: {tok.text}")
            return str(int(tok.text))
        return tok.text  # a service name: /etc/services of the host, not checked here

    def _s_listen(self, block: _Block) -> None:
        address = self._string()
        tls = self._accept_kw("tls")
        self._expect_kw("port")
        port = self._port(0)
        self._place(block, "listen on", address)
        block.server.listens.append(
            Listen(address=address, port=port, tls=tls, path=self._stmt.path, line=self._stmt.line)
        )

    def _s_alias(self, block: _Block) -> None:
        match = self._accept_kw("match")
        name = self._string()
        self._place(block, "alias")
        self._limit("alias", name)
        block.server.aliases.append(
            Alias(name=name, match=match, path=self._stmt.path, line=self._stmt.line)
        )

    def _s_errdocs(self, block: _Block) -> None:
        directory = self._string()
        self._place(block, "errdocs")
        self._limit("errdocs", directory)
        block.server.errdocs = directory

    def _s_no_errdocs(self, block: _Block) -> None:
        self._place(block, "no errdocs")
        block.server.errdocs = False

    def _s_banner(self, block: _Block) -> None:
        self._place(block, "banner")
        block.server.banner = True

    def _s_no_banner(self, block: _Block) -> None:
        self._place(block, "no banner")
        block.server.banner = False

    def _s_location(self, block: _Block) -> None:
        found: bool | None = None
        if self._accept_kw("found"):
            found = True
        elif self._accept_kw("not"):
            self._expect_kw("found")
            found = False
        match = self._accept_kw("match")
        pattern = self._string()
        start, server = self._stmt, block.server
        if not server.listens:
            raise self._fail("listen address not specified")
        self._place(block, "location", pattern)
        self._limit("location", pattern)
        inner = _Block(server, in_location=True)
        self._body(inner)
        if self._since("location defined twice") and any(
            loc.pattern == pattern and loc.found == found for loc in server.locations
        ):
            raise self._fail(f'location "{pattern}" defined twice')
        server.locations.append(
            Location(pattern=pattern, match=match, found=found, options=inner.options,
                     path=start.path, line=start.line)
        )

    def _s_tls(self, block: _Block) -> None:
        self._list(lambda: self._tls_item(block.server))
        self._place(block, "tls")
        if not any(listen.tls for listen in block.server.listens):
            raise self._fail("tls options without tls listener")

    def _tls_item(self, server: _ServerState) -> None:
        word = self._item_word()
        current = server.tls or TlsOptions(path=self._stmt.path, line=self._stmt.line)
        if word in ("certificate", "key", "ocsp"):
            self._group(server, "tls", TlsOptions, **{word: self._string()})
        elif word in ("ciphers", "dhe", "ecdhe"):
            self._group(server, "tls", TlsOptions, **{word: self._string(word)})
        elif word == "protocols":
            value = self._string()
            if protocol_bits(value) is None:
                raise self._fail("invalid tls protocols")
            self._group(server, "tls", TlsOptions, protocols=value)
        elif word == "client":
            self._expect_kw("ca")
            ca, crl, optional = self._string(), current.crl, current.optional
            while self._peek_kw_in(frozenset({"crl", "optional"})):
                if self._item_word() == "crl":
                    crl, optional = self._string(), None  # parse.y resets the flags here
                else:
                    optional = True
            self._group(server, "tls", TlsOptions, client_ca=ca, crl=crl, optional=optional)
        elif word == "ticket":
            self._expect_kw("lifetime")
            self._group(server, "tls", TlsOptions, ticket_lifetime=self._ticket_lifetime())
        elif word == "no":
            self._expect_kw("ticket")
            self._group(server, "tls", TlsOptions, ticket_lifetime=0)
        else:
            raise self._syntax(self._last)

    def _ticket_lifetime(self) -> int:
        if self._accept_kw("default"):
            return 7200
        seconds = self._number()
        if seconds != 0 and seconds < 60:
            raise self._fail("ticket lifetime too small")
        if seconds > 86400:
            raise self._fail("ticket lifetime too large")
        return seconds

    def _s_hsts(self, block: _Block) -> None:
        server = block.server
        self._group(server, "hsts", Hsts)
        if self._is_char("{") or self._peek_kw_in(_HSTS_ITEMS):
            self._list(lambda: self._hsts_item(server))
        self._place(block, "hsts")

    def _hsts_item(self, server: _ServerState) -> None:
        word = self._item_word()
        if word == "max-age":
            seconds = self._number()
            if not 0 <= seconds <= _INT_MAX:
                raise self._fail(f"invalid number of seconds: {seconds}")
            self._group(server, "hsts", Hsts, max_age=seconds)
        elif word in ("subdomains", "preload"):
            self._group(server, "hsts", Hsts, **{word: True})
        else:
            raise self._syntax(self._last)

    def _s_connection(self, block: _Block) -> None:
        self._list(lambda: self._connection_item(block.server))
        self._place(block, "connection")

    def _connection_item(self, server: _ServerState) -> None:
        word, change = self._item_word(), ""
        if word == "timeout":
            change = "timeout"
        elif word == "request":
            self._expect_kw("timeout")
            change = "request_timeout"
        elif word == "max" and self._accept_kw("requests"):
            change = "max_requests"
        elif word == "max" and self._accept_kw("request"):
            self._expect_kw("body")
            change = "max_request_body"
        if not change:
            raise self._syntax(self._last if word != "max" else None)
        value = self._number()
        if change.endswith("timeout") and value < 0:
            raise self._fail(f"invalid timeout: {value}")
        self._group(server, "connection", ConnectionOptions, **{change: value})

    def _s_tcp(self, block: _Block) -> None:
        self._list(lambda: self._tcp_item(block.server))
        self._place(block, "tcp")

    def _tcp_item(self, server: _ServerState) -> None:
        word = self._item_word()
        if word in ("sack", "nodelay"):
            self._group(server, "tcp", TcpOptions, **{word: True})
        elif word == "no":
            flag = self._item_word()
            if flag not in ("sack", "nodelay"):
                raise self._syntax(self._last)
            self._group(server, "tcp", TcpOptions, **{flag: False})
        elif word == "backlog":
            count = self._number()
            if not 0 <= count <= 1024:
                raise self._fail(f"invalid backlog: {count}")
            self._group(server, "tcp", TcpOptions, backlog=count)
        elif word == "socket":
            self._expect_kw("buffer")
            size = self._number()
            if size < 0:
                raise self._fail(f"invalid socket buffer size: {size}")
            self._group(server, "tcp", TcpOptions, socket_buffer=size)
        elif word == "ip":
            self._ip_item(server)
        else:
            raise self._syntax(self._last)

    def _ip_item(self, server: _ServerState) -> None:
        flag, ttl = self._string(), self._number()
        if ttl < 0:
            raise self._fail(f"invalid ttl: {ttl}")
        if flag.lower() not in ("ttl", "minttl"):
            raise self._fail(f"invalid TCP/IP flag: {flag}")
        self._group(server, "tcp", TcpOptions, **{f"ip_{flag.lower()}": ttl})

    def _s_directory(self, block: _Block) -> None:
        self._list(lambda: self._directory_item(block))

    def _directory_item(self, block: _Block) -> None:
        word = self._item_word()
        if word == "index":
            self._opts(block, index=self._string("index"))
        elif word == "auto":
            self._expect_kw("index")
            self._opts(block, auto_index=True)
        elif word == "no" and self._accept_kw("index"):
            self._opts(block, index=False)
        elif word == "no" and self._accept_kw("auto"):
            self._expect_kw("index")
            self._opts(block, auto_index=False)
        else:
            raise self._syntax(self._last if word != "no" else None)

    def _log(self, block: _Block, /, **changes: Any) -> None:
        self._opts(block, log=replace(block.options.log, **changes))

    def _s_log(self, block: _Block) -> None:
        self._list(lambda: self._log_item(block))

    def _s_no_log(self, block: _Block) -> None:
        self._log(block, enabled=False)

    def _log_item(self, block: _Block) -> None:
        word = self._item_word()
        if word == "style":
            style = self._item_word()
            if style not in _LOG_STYLES:
                raise self._syntax(self._last)
            self._log(block, enabled=True, style=style)
        elif word == "syslog":
            self._log(block, syslog=True)
        elif word == "no":
            self._expect_kw("syslog")
            self._log(block, syslog=False)
        elif word in ("access", "error"):
            self._log(block, **{word: self._string(word)})
        else:
            raise self._syntax(self._last)

    def _fcgi(self, block: _Block, /, **changes: Any) -> None:
        self._opts(block, fastcgi=replace(block.options.fastcgi, **changes))

    def _s_fastcgi(self, block: _Block) -> None:
        self._fcgi(block, enabled=True)
        if self._is_char("{") or self._peek_kw_in(_FASTCGI_ITEMS):
            self._list(lambda: self._fastcgi_item(block))

    def _s_no_fastcgi(self, block: _Block) -> None:
        self._fcgi(block, enabled=False)

    def _fastcgi_item(self, block: _Block) -> None:
        word = self._item_word()
        if word == "socket" and self._is_kw("tcp"):
            if not self._since("fastcgi socket tcp"):
                raise self._syntax()
            self._next()
            host = self._string()
            port = "9000"
            if self._peek().kind in ("NUMBER", "STRING"):
                port = self._port(1)
            self._fcgi(block, socket=FastcgiTcp(host, port))
        elif word == "socket":
            self._fcgi(block, socket=FastcgiUnix(self._string("socket")))
        elif word == "param":
            name, value = self._string(), self._string()
            self._limit("param name", name)
            self._limit("param value", value)
            self._fcgi(block, params=block.options.fastcgi.params + ((name, value),))
        elif word == "strip" and self._since("fastcgi strip"):
            count = self._number()
            if not 0 <= count <= _INT_MAX:
                raise self._fail("invalid fastcgi strip number")
            self._fcgi(block, strip=count)
        elif word == "pass" and self._since("fastcgi pass chunked"):
            value = self._string()
            if value != "chunked":
                raise self._fail(f"Invalid token '{value}' expected 'chunked'")
            self._fcgi(block, pass_chunked=True)
        else:
            raise self._syntax(self._last)

    def _s_request(self, block: _Block) -> None:
        self._list(lambda: self._request_item(block))

    def _request_item(self, block: _Block) -> None:
        word = self._item_word()
        if word == "rewrite":
            self._opts(block, rewrite=self._string("rewrite"))
        elif word == "no":
            self._expect_kw("rewrite")
            self._opts(block, rewrite=False)
        elif word == "strip":
            count = self._number()
            if not 0 <= count <= _INT_MAX:
                raise self._fail("invalid strip number")
            self._opts(block, strip=count)
        else:
            raise self._syntax(self._last)

    def _s_root(self, block: _Block) -> None:
        self._list(lambda: self._opts(block, root=self._string("root")))

    def _s_authenticate(self, block: _Block) -> None:
        realm = self._string() if self._peek().kind == "STRING" else None
        self._expect_kw("with")
        htpasswd = self._string()
        if realm is not None:
            self._limit("realm", realm)
        self._limit("htpasswd", htpasswd)
        previous = block.options.authenticate
        if realm is None and previous is not None:
            realm = previous.realm  # parse.y leaves the realm of an earlier statement in place
        self._opts(block, authenticate=Authenticate(realm, htpasswd))

    def _s_no_authenticate(self, block: _Block) -> None:
        self._opts(block, no_authenticate=True)

    def _s_block(self, block: _Block) -> None:
        if self._accept_kw("drop"):
            self._opts(block, block=BlockAction("drop"))
            return
        if not self._accept_kw("return"):
            self._opts(block, block=BlockAction("block", 403))
            return
        code = self._number()
        uri = self._string() if self._peek().kind == "STRING" else None
        known = _STATUS_CODES if self._since("status 103 and 425") else _STATUS_CODES - {103, 425}
        if code not in known:
            raise self._fail(f"invalid return code: {code}")
        if uri is not None and not 300 <= code <= 399:
            raise self._fail("invalid return code for location URI")
        self._opts(block, block=BlockAction("return", code, uri))

    def _s_pass(self, block: _Block) -> None:
        self._opts(block, block=BlockAction("pass"))

    def _s_default_type(self, block: _Block) -> None:
        self._opts(block, default_type=self._media_type())

    def _s_include(self, block: _Block) -> None:
        self._include()

    def _s_flag(self, block: _Block) -> None:
        """`[no] gzip-static`, `[no] static-cache-control`."""
        word = self._stmt.text if self._stmt.text != "no" else self._last.text
        attr = word.replace("-", "_")
        self._opts(block, **{attr: self._stmt.text != "no"})



_HSTS_ITEMS = frozenset({"max-age", "subdomains", "preload"})
_FASTCGI_ITEMS = frozenset({"socket", "param", "strip", "pass"})

#: Status codes `block return` accepts (http.h; 103 and 425 since 7.6: httpd-conf.md 3.7).
_STATUS_CODES = frozenset(
    {100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226}
    | set(range(300, 309))
    | set(range(400, 419)) - {419}
    | {420, 422, 423, 424, 425, 426, 428, 429, 431, 451}
    | {500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511}
)

_TOP: Mapping[str, Callable[[Parser], None]] = {
    "include": Parser._include,
    "chroot": Parser._top_chroot,
    "logdir": Parser._top_logdir,
    "prefork": Parser._top_prefork,
    "errdocs": Parser._top_errdocs,
    "no": Parser._top_no,
    "default": Parser._top_default,
    "types": Parser._top_types,
    "server": Parser._top_server,
}

_BODY: Mapping[str, Callable[[Parser, _Block], None]] = {
    "listen on": Parser._s_listen,
    "alias": Parser._s_alias,
    "errdocs": Parser._s_errdocs,
    "no errdocs": Parser._s_no_errdocs,
    "banner": Parser._s_banner,
    "no banner": Parser._s_no_banner,
    "location": Parser._s_location,
    "tls": Parser._s_tls,
    "hsts": Parser._s_hsts,
    "connection": Parser._s_connection,
    "tcp": Parser._s_tcp,
    "directory": Parser._s_directory,
    "log": Parser._s_log,
    "no log": Parser._s_no_log,
    "fastcgi": Parser._s_fastcgi,
    "no fastcgi": Parser._s_no_fastcgi,
    "request": Parser._s_request,
    "root": Parser._s_root,
    "authenticate": Parser._s_authenticate,
    "no authenticate": Parser._s_no_authenticate,
    "block": Parser._s_block,
    "pass": Parser._s_pass,
    "default type": Parser._s_default_type,
    "include": Parser._s_include,
    "gzip-static": Parser._s_flag,
    "no gzip-static": Parser._s_flag,
    "static-cache-control": Parser._s_flag,
    "no static-cache-control": Parser._s_flag,
}

_PROTOCOLS = {
    "tlsv1.0": 1, "tlsv1.1": 2, "tlsv1.2": 4, "tlsv1.3": 8,
    "tlsv1": 15, "all": 15, "legacy": 15, "default": 12, "secure": 12,
}


def protocol_bits(text: str | None) -> int | None:
    """The TLS versions a `tls protocols` value enables, as libtls reads it
    (tls_config_parse_protocols: items split at `,` or `:`, leading blanks skipped, `!`
    removes); None when libtls refuses the string. No statement means libtls' default."""
    if text is None:
        return _PROTOCOLS["default"]
    bits = 0
    for item in re.split("[,:]", text):
        item = item.lstrip(" \t")
        negate = item.startswith("!")
        if negate:
            item = item[1:]
            bits = bits or _PROTOCOLS["all"]
        value = _PROTOCOLS.get(item.lower(), 0)
        if not value:
            return None
        bits = bits & ~value if negate else bits | value
    return bits


@dataclass(frozen=True)
class _Entry:
    """One (name, address, port) server entry, as parse.y clones a block (httpd-conf.md 3.1)."""

    name: str
    address: tuple[str, str]  # ("4" or "6", packed address hex) or ("name", text)
    wildcard: bool
    port: int | str
    tls: bool
    tls_key: tuple[object, ...]


_SERVICES = {"http": 80, "www": 80, "https": 443}


def _addresses(address: str) -> list[tuple[tuple[str, str], bool]]:
    """The addresses `listen on ADDRESS` stands for, in httpd's order; names and interface
    groups cannot be resolved here and stand for themselves."""
    if address == "*":
        return [(("6", "0" * 32), True), (("4", "0" * 8), True)]
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address(address)
    except ValueError:
        try:
            ip = ipaddress.IPv6Address(address)
        except ValueError:
            return [(("name", address), False)]
    return [((str(ip.version), ip.packed.hex()), int(ip) == 0)]


def _port_key(port: str) -> int | str:
    if port.isascii() and port.isdigit():
        return int(port)
    return _SERVICES.get(port, port)


class _Sockets:
    """The server entries defined so far, for the checks parse.y makes at the end of each
    server block (server.c `server_match`, httpd.c `sockaddr_cmp`: an earlier wildcard address
    covers every address of its family)."""

    def __init__(self, version: str) -> None:
        self.entries: list[_Entry] = []
        self.ciphers = "secure" if version == "current" else "compat"

    def _tls_key(self, tls: TlsOptions | None) -> tuple[object, ...]:
        t = tls or TlsOptions(path="", line=0)
        return (
            t.client_ca is not None, t.crl is not None, bool(t.optional),
            protocol_bits(t.protocols), t.ticket_lifetime or 0, t.ciphers or self.ciphers,
            t.dhe or "none", t.ecdhe or "default",
        )

    @staticmethod
    def _same(earlier: _Entry, new: _Entry) -> bool:
        if earlier.port != new.port or earlier.address[0] != new.address[0]:
            return False
        return earlier.wildcard or earlier.address == new.address

    def add(self, server: Server) -> str | None:
        """Record the entries of `server`; httpd's message when it may not be added."""
        if not server.listens:
            return "listen address not specified"
        key = self._tls_key(server.tls)
        addresses = [
            (address, wildcard, _port_key(listen.port), listen.tls)
            for listen in server.listens
            for address, wildcard in _addresses(listen.address)
        ]
        names = [server.name] + [alias.name for alias in server.aliases]
        address, wildcard, port, tls = addresses[0]
        primary = _Entry(server.name, address, wildcard, port, tls, key)
        problem = self._check_primary(primary, server)
        if problem is not None:
            return problem
        self.entries.append(primary)
        for index, (address, wildcard, port, tls) in enumerate(addresses):
            for position, name in enumerate(names):
                if index == position == 0:
                    continue
                clone = _Entry(name, address, wildcard, port, tls, key)
                if any(e.name == name and self._same(e, clone) for e in self.entries):
                    return f'server "{name}" defined twice'
                self.entries.append(clone)
        return None

    def _check_primary(self, primary: _Entry, server: Server) -> str | None:
        name = server.name
        if any(e.name == name and self._same(e, primary) for e in self.entries):
            return f'server "{name}" defined twice'
        other = next((e for e in self.entries if self._same(e, primary)), None)
        if other is not None and other.tls != primary.tls:
            return f'server "{name}": tls and non-tls on same address/port'
        if other is not None and primary.tls and other.tls_key != primary.tls_key:
            return f'server "{name}": tls configuration mismatch on same address/port'
        protocols = server.tls.protocols if server.tls else None
        if primary.tls and protocol_bits(protocols) == 0:
            return f'server "{name}": no tls protocols'
        return None
