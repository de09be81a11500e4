"""The server's option groups: `tls`, `hsts`, `connection` and `tcp`. Each statement takes one
item or a brace list; every item updates the server's group, which keeps the position of the
statement that opened it. None of them may stand in a location."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hostgen.live.httpd_ast import ConnectionOptions, Hsts, TcpOptions, TlsOptions
from hostgen.live.httpd_blocks import Block, Handler, ServerState, evolve, place
from hostgen.live.httpd_grammar import HSTS_ITEMS, INT_MAX
from hostgen.live.httpd_protocols import protocol_bits
from hostgen.live.httpd_tokens import TokenStream

#: The groups by their ServerState attribute.
_GROUPS: Mapping[str, type] = {
    "tls": TlsOptions, "hsts": Hsts, "connection": ConnectionOptions, "tcp": TcpOptions,
}


def _group(p: TokenStream, server: ServerState, attr: str, /, **changes: Any) -> None:
    """Update one of the server's groups, opening it at the statement being read."""
    current = getattr(server, attr)
    if current is None:
        setattr(server, attr, _GROUPS[attr](path=p.stmt.path, line=p.stmt.line, **changes))
    else:
        setattr(server, attr, evolve(current, **changes))


def _tls(p: TokenStream, block: Block) -> None:
    p.list_of(lambda: _tls_item(p, block.server))
    place(p, block, "tls")
    if not any(listen.tls for listen in block.server.listens):
        raise p.fail("tls options without tls listener")


def _tls_item(p: TokenStream, server: ServerState) -> None:
    word = p.item_word()
    if word in ("certificate", "key", "ocsp"):
        _group(p, server, "tls", **{word: p.string()})
    elif word in ("ciphers", "dhe", "ecdhe"):
        _group(p, server, "tls", **{word: p.string(word)})
    elif word == "protocols":
        value = p.string()
        if protocol_bits(value) is None:
            raise p.fail("invalid tls protocols")
        _group(p, server, "tls", protocols=value)
    elif word == "client":
        p.expect_kw("ca")
        current = server.tls or TlsOptions(path=p.stmt.path, line=p.stmt.line)
        ca, crl, optional = p.string(), current.crl, current.optional
        while p.peek_kw_in(frozenset({"crl", "optional"})):
            if p.item_word() == "crl":
                crl, optional = p.string(), None  # parse.y resets the flags here
            else:
                optional = True
        _group(p, server, "tls", client_ca=ca, crl=crl, optional=optional)
    elif word == "ticket":
        p.expect_kw("lifetime")
        _group(p, server, "tls", ticket_lifetime=_ticket_lifetime(p))
    elif word == "no":
        p.expect_kw("ticket")
        _group(p, server, "tls", ticket_lifetime=0)
    else:
        raise p.syntax(p.last)


def _ticket_lifetime(p: TokenStream) -> int:
    if p.accept_kw("default"):
        return 7200
    seconds = p.number()
    if seconds != 0 and seconds < 60:
        raise p.fail("ticket lifetime too small")
    if seconds > 86400:
        raise p.fail("ticket lifetime too large")
    return seconds


def _hsts(p: TokenStream, block: Block) -> None:
    server = block.server
    _group(p, server, "hsts")
    if p.is_char("{") or p.peek_kw_in(HSTS_ITEMS):
        p.list_of(lambda: _hsts_item(p, server))
    place(p, block, "hsts")


def _hsts_item(p: TokenStream, server: ServerState) -> None:
    word = p.item_word()
    if word == "max-age":
        seconds = p.number_in(0, INT_MAX, "invalid number of seconds: {}")
        _group(p, server, "hsts", max_age=seconds)
    elif word in ("subdomains", "preload"):
        _group(p, server, "hsts", **{word: True})
    else:
        raise p.syntax(p.last)


def _connection(p: TokenStream, block: Block) -> None:
    p.list_of(lambda: _connection_item(p, block.server))
    place(p, block, "connection")


def _connection_item(p: TokenStream, server: ServerState) -> None:
    word, change = p.item_word(), ""
    if word == "timeout":
        change = "timeout"
    elif word == "request":
        p.expect_kw("timeout")
        change = "request_timeout"
    elif word == "max" and p.accept_kw("requests"):
        change = "max_requests"
    elif word == "max" and p.accept_kw("request"):
        p.expect_kw("body")
        change = "max_request_body"
    if not change:
        raise p.syntax(p.last if word != "max" else None)
    if change.endswith("timeout"):
        value = p.number_in(0, None, "invalid timeout: {}")
    else:
        value = p.number()
    _group(p, server, "connection", **{change: value})


def _tcp(p: TokenStream, block: Block) -> None:
    p.list_of(lambda: _tcp_item(p, block.server))
    place(p, block, "tcp")


def _tcp_item(p: TokenStream, server: ServerState) -> None:
    word = p.item_word()
    if word in ("sack", "nodelay"):
        _group(p, server, "tcp", **{word: True})
    elif word == "no":
        flag = p.item_word()
        if flag not in ("sack", "nodelay"):
            raise p.syntax(p.last)
        _group(p, server, "tcp", **{flag: False})
    elif word == "backlog":
        count = p.number_in(0, 1024, "invalid backlog: {}")
        _group(p, server, "tcp", backlog=count)
    elif word == "socket":
        p.expect_kw("buffer")
        size = p.number_in(0, None, "invalid socket buffer size: {}")
        _group(p, server, "tcp", socket_buffer=size)
    elif word == "ip":
        _ip_item(p, server)
    else:
        raise p.syntax(p.last)


def _ip_item(p: TokenStream, server: ServerState) -> None:
    flag = p.string()
    ttl = p.number_in(0, None, "invalid ttl: {}")
    if flag.lower() not in ("ttl", "minttl"):
        raise p.fail(f"invalid TCP/IP flag: {flag}")
    _group(p, server, "tcp", **{f"ip_{flag.lower()}": ttl})


GROUP_STATEMENTS: Mapping[str, Handler] = {
    "tls": _tls,
    "hsts": _hsts,
    "connection": _connection,
    "tcp": _tcp,
}
