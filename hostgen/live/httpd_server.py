"""The body of a server or location block: its newline rules, the dispatch of each statement to
its handler (one table for both kinds of body), and the statements only a server takes besides
its option groups: listen, alias, errdocs, banner and location."""

from __future__ import annotations

from collections.abc import Mapping

from hostgen.live.httpd_ast import Alias, Listen, Location, Options
from hostgen.live.httpd_blocks import Block, Handler, ServerState, place
from hostgen.live.httpd_groups import GROUP_STATEMENTS
from hostgen.live.httpd_options import OPTION_STATEMENTS
from hostgen.live.httpd_tokens import TokenStream

#: Statements of two words: the first word and any keyword after it name the handler.
_TWO_WORDS = ("no", "default", "listen")


def body(p: TokenStream, block: Block) -> None:
    """`{ ... }`: the first statement may share its line with the next one or with `}`, every
    later one needs a newline after it."""
    p.expect_char("{")
    p.skip_nls()
    _statement(p, block)
    p.skip_nls()
    if not p.is_char("}"):
        _statement(p, block)
        while not p.end_statement("}"):
            _statement(p, block)
    p.next()


def _statement(p: TokenStream, block: Block) -> None:
    tok = p.stmt = p.next()
    if tok.kind != "KEYWORD":
        raise p.syntax(tok)
    word = tok.text
    if word in _TWO_WORDS:
        following = p.next()
        if following.kind != "KEYWORD":
            raise p.syntax(following)
        word = f"{word} {following.text}"
    handler = _BODY.get(word)
    if handler is None:
        raise p.syntax(p.last)
    handler(p, block)


def _listen(p: TokenStream, block: Block) -> None:
    address = p.string()
    tls = p.accept_kw("tls")
    p.expect_kw("port")
    port = p.port(0)
    place(p, block, "listen on", address)
    block.server.listens.append(
        Listen(address=address, port=port, tls=tls, path=p.stmt.path, line=p.stmt.line)
    )


def _alias(p: TokenStream, block: Block) -> None:
    match = p.accept_kw("match")
    name = p.string()
    place(p, block, "alias")
    p.limit("alias", name)
    block.server.aliases.append(
        Alias(name=name, match=match, path=p.stmt.path, line=p.stmt.line)
    )


def _errdocs(p: TokenStream, block: Block) -> None:
    directory = p.string()
    place(p, block, "errdocs")
    p.limit("errdocs", directory)
    block.server.errdocs = directory


def _no_errdocs(p: TokenStream, block: Block) -> None:
    place(p, block, "no errdocs")
    block.server.errdocs = False


def _banner(p: TokenStream, block: Block) -> None:
    place(p, block, "banner")
    block.server.banner = True


def _no_banner(p: TokenStream, block: Block) -> None:
    place(p, block, "no banner")
    block.server.banner = False


def _location(p: TokenStream, block: Block) -> None:
    found: bool | None = None
    match = False
    if p.peek().kind == "KEYWORD":  # the usual `location "PATTERN"` skips these tests
        if p.accept_kw("found"):
            found = True
        elif p.accept_kw("not"):
            p.expect_kw("found")
            found = False
        match = p.accept_kw("match")
    pattern = p.string()
    start, server = p.stmt, block.server
    if not server.listens:
        raise p.fail("listen address not specified")
    place(p, block, "location", pattern)
    p.limit("location", pattern)
    options = _location_body(p, server)
    if p.since("location defined twice") and (pattern, found) in server.location_keys:
        raise p.fail(f'location "{pattern}" defined twice')
    server.location_keys.add((pattern, found))
    server.locations.append(
        Location(pattern=pattern, match=match, found=found, options=options,
                 path=start.path, line=start.line)
    )


def _location_body(p: TokenStream, server: ServerState) -> Options:
    """The Options of a location's body. A location's body reads nothing but its own tokens
    and the release (a statement that would touch the server is an error there: `place`), so
    a body that reads without error gives the same Options wherever its tokens come again: a
    large file repeats the same few bodies in every server, and those read ahead are looked
    up by their tokens (TokenStream.body_ahead) instead of read again. An error is never
    kept: the first one ends the parse."""
    span = p.body_ahead()
    tokens = None
    if span is not None:
        known = p.bodies.get(span.key)
        if known is not None:
            options, stmt = known
            p.skip_body(span, stmt)
            return options
        tokens = p.span_tokens(span)
    inner = Block(server, in_location=True)
    body(p, inner)
    options = inner.options(p.options_made)
    if span is not None and tokens is not None and p.last is span.last:
        stmt = next(i for i, tok in enumerate(tokens) if tok is p.stmt)
        p.bodies[span.key] = (options, stmt)
    return options


def _include(p: TokenStream, block: Block) -> None:
    p.include()


_BODY: Mapping[str, Handler] = {
    "listen on": _listen,
    "alias": _alias,
    "errdocs": _errdocs,
    "no errdocs": _no_errdocs,
    "banner": _banner,
    "no banner": _no_banner,
    "location": _location,
    **GROUP_STATEMENTS,
    **OPTION_STATEMENTS,
    "include": _include,
}
