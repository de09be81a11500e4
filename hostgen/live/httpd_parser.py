"""Parser for httpd.conf: tokens from httpd_lexer -> the structure of httpd_ast.

Follows the grammar of openbsd/src `usr.sbin/httpd/parse.y` (1.128 for 7.1-7.8, 1.130 for 7.9,
1.136 for -current) as described in /work/shared/reference/httpd-conf.md sections 2 and
Appendix A, including its newline rules: a body's first statement may share its line with the
next statement or with the closing brace, every later statement needs a newline after it,
brace lists take `,` or newlines between items, and an `include` brings its own newlines.
Semantic checks that parse.y makes while parsing are made here with httpd's messages; checks
that need the host (name resolution, certificate files) are not. The first error stops the
parse (httpd goes on, but reports the same first message).

This module reads the file level (macros, global options, `types`, server blocks). The pieces:
httpd_grammar (the tables), httpd_tokens (token stream and value readers), httpd_server (bodies
and server statements), httpd_groups (tls, hsts, connection, tcp), httpd_options (options of
servers and locations), httpd_checks (checks across servers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from hostgen.live.httpd_ast import GlobalOption, HttpdConfig, MediaType, Server, TypesEntry
from hostgen.live.httpd_blocks import Block, ServerState
from hostgen.live.httpd_checks import Sockets
from hostgen.live.httpd_grammar import DIRECTIVES, FEATURE_SINCE, Directive
from hostgen.live.httpd_protocols import protocol_bits
from hostgen.live.httpd_server import body
from hostgen.live.httpd_tokens import ReadInclude, TokenStream
from hostgen.live.records import record

__all__ = ["DIRECTIVES", "FEATURE_SINCE", "CutState", "Directive", "Parser", "ReadInclude",
           "protocol_bits"]


@record
class CutState:
    """What a parse carries from one top-level statement to the next that changes how a later
    one reads (see Parser.cut): macros, the global errdocs and banner, and whether a server
    block came before (global options record it)."""

    macros: tuple[tuple[str, str], ...]
    errdocs: str | None
    no_banner: bool
    seen_server: bool


class Parser(TokenStream):
    """One parse of one configuration; use `parse()` below."""

    def __init__(
        self, text: str, path: str, read_include: ReadInclude | None, version: str | None
    ) -> None:
        super().__init__(text, path, read_include, version)
        self._seen_server = False
        self._globals: list[GlobalOption] = []
        self._types: list[TypesEntry] = []
        self._servers: list[Server] = []
        # without a release, accept every word but keep the defaults of the newest release
        # (-current changed the default ciphers; a 7.x file must not fail for that)
        self._sockets = Sockets(version or "7.9")
        self._errdocs: str | None = None
        self._no_banner = False
        self._cuts: list[int] = []
        self.at_cut: dict[int, CutState] = {}

    def cut(self, lines: Iterable[int]) -> None:
        """Record in `at_cut[line]` the state of the parse at each of `lines` of the main file
        where the parse is between two top-level statements (every token before the line
        read, none after it, no include or macro text being read); the others stay out."""
        self._cuts = sorted(lines)

    def parse(self) -> HttpdConfig:
        while True:
            tok = self.peek()
            while self._cuts and tok.line >= self._cuts[0] and tok.path == self.path:
                self._reach_cut(self._cuts.pop(0))
            if tok.kind == "EOF":
                break
            if tok.kind == "NL":
                self.next()
                continue
            self._top_item()
            if self.peek().kind != "NL":
                raise self.syntax()
        return self._config()

    def _reach_cut(self, line: int) -> None:
        if self.last.path == self.path and self.last.line < line and self.lexer.settled():
            self.at_cut[line] = CutState(tuple(sorted(self.lexer.macros.items())),
                                         self._errdocs, self._no_banner, self._seen_server)

    def _top_item(self) -> None:
        tok = self.peek()
        self.stmt = tok
        if tok.kind == "STRING":
            self._macro()
            return
        if tok.kind != "KEYWORD":
            raise self.syntax(tok)
        handler = _TOP.get(tok.text)
        if handler is None:
            raise self.syntax(tok)
        self.next()
        handler(self)

    def _macro(self) -> None:
        name = self.next().text
        self.expect_char("=")
        value = self.string()
        if any(c in " \t\n\v\f\r" for c in name[1:]):
            raise self.fail("macro name cannot contain whitespace")
        self.lexer.macros[name] = value

    # -- global options ---------------------------------------------------------------------

    def _global(self, name: str, value: str | int | MediaType | bool) -> None:
        self._globals.append(
            GlobalOption(
                name=name,
                value=value,
                before_first_server=not self._seen_server,
                path=self.stmt.path,
                line=self.stmt.line,
            )
        )

    def _top_chroot(self) -> None:
        self._global("chroot", self.string())

    def _top_logdir(self) -> None:
        self._global("logdir", self.string())

    def _top_prefork(self) -> None:
        if self._seen_server:  # only the first pass checks it (httpd-conf.md, global options)
            count = self.number()
        else:
            count = self.number_in(1, 32, "invalid number of preforked servers: {}")
        self._global("prefork", count)

    def _top_errdocs(self) -> None:
        self._errdocs = self.string("errdocs")
        self._global("errdocs", self._errdocs)

    def _top_no(self) -> None:
        self.expect_kw("banner")
        self._no_banner = True
        self._global("no banner", True)

    def _top_default(self) -> None:
        self.expect_kw("type")
        self._global("default type", self.media_type())

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

    # -- types ------------------------------------------------------------------------------

    def _top_types(self) -> None:
        self.expect_char("{")
        self.skip_nls()
        while True:
            self._types_line()
            self.expect_nl()
            if self.is_char("}"):
                self.next()
                return

    def _types_line(self) -> None:
        first = self.stmt = self.peek()
        if self.accept_kw("include"):
            self.include()
            return
        media = self.media_type()
        names: list[str] = []
        while True:
            tok = self.peek()
            if tok.kind not in ("STRING", "NUMBER"):
                break
            self.next()
            name = str(tok.number) if tok.kind == "NUMBER" else tok.text
            self.limit("media name", name)
            if not self.since("types later line wins") and self._seen_extension(name, names):
                raise self.fail("failed to add media type")
            names.append(name)
        if not names:
            raise self.syntax()
        if self.is_char(";"):
            self.next()
        self._types.append(
            TypesEntry(media=media, names=tuple(names), path=first.path, line=first.line)
        )

    def _seen_extension(self, name: str, line: list[str]) -> bool:
        """Whether an extension is already known (media_add before 7.2 compares ignoring case)."""
        known = [n for entry in self._types for n in entry.names] + line
        return name.lower() in (n.lower() for n in known)

    # -- servers ----------------------------------------------------------------------------

    def _top_server(self) -> None:
        self._seen_server = True
        first = self.last
        match = self.accept_kw("match")
        name = self.string("server")
        state = ServerState(name, match, first.path, first.line, self._errdocs, self._no_banner)
        block = Block(state, in_location=False)
        body(self, block)
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
            options=block.options(self.options_made),
            locations=tuple(state.locations),
            path=first.path,
            line=first.line,
        )
        problem = self._sockets.add(server)
        if problem is not None:
            raise self.fail(problem)
        self._servers.append(server)


_TOP: Mapping[str, Callable[[Parser], None]] = {
    "include": TokenStream.include,
    "chroot": Parser._top_chroot,
    "logdir": Parser._top_logdir,
    "prefork": Parser._top_prefork,
    "errdocs": Parser._top_errdocs,
    "no": Parser._top_no,
    "default": Parser._top_default,
    "types": Parser._top_types,
    "server": Parser._top_server,
}
