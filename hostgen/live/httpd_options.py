"""Statements that set a body's Options, in a server and in each of its locations (contexts
"SL" of DIRECTIVES): root, directory, log, fastcgi, request, authenticate, block, pass,
default type and the `[no] WORD` flags."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from hostgen.live.httpd_ast import Authenticate, BlockAction, FastcgiTcp, FastcgiUnix
from hostgen.live.httpd_blocks import Block, Handler, evolve
from hostgen.live.httpd_grammar import FASTCGI_ITEMS, INT_MAX, LOG_STYLES, STATUS_CODES
from hostgen.live.httpd_tokens import TokenStream


def _opts(block: Block, /, **changes: Any) -> None:
    block.changes.update(changes)


def _sub(block: Block, group: str, /, **changes: Any) -> None:
    """Update one field of a sub-group of the options (`log`, `fastcgi`)."""
    block.changes[group] = evolve(block.option(group), **changes)


def _root(p: TokenStream, block: Block) -> None:
    p.list_of(lambda: _opts(block, root=p.string("root")))


def _directory(p: TokenStream, block: Block) -> None:
    p.list_of(lambda: _directory_item(p, block))


def _directory_item(p: TokenStream, block: Block) -> None:
    word = p.item_word()
    if word == "index":
        _opts(block, index=p.string("index"))
    elif word == "auto":
        p.expect_kw("index")
        _opts(block, auto_index=True)
    elif word == "no" and p.accept_kw("index"):
        _opts(block, index=False)
    elif word == "no" and p.accept_kw("auto"):
        p.expect_kw("index")
        _opts(block, auto_index=False)
    else:
        raise p.syntax(p.last if word != "no" else None)


def _log(p: TokenStream, block: Block) -> None:
    p.list_of(lambda: _log_item(p, block))


def _no_log(p: TokenStream, block: Block) -> None:
    _sub(block, "log", enabled=False)


def _log_item(p: TokenStream, block: Block) -> None:
    word = p.item_word()
    if word == "style":
        style = p.item_word()
        if style not in LOG_STYLES:
            raise p.syntax(p.last)
        _sub(block, "log", enabled=True, style=style)
    elif word == "syslog":
        _sub(block, "log", syslog=True)
    elif word == "no":
        p.expect_kw("syslog")
        _sub(block, "log", syslog=False)
    elif word in ("access", "error"):
        _sub(block, "log", **{word: p.string(word)})
    else:
        raise p.syntax(p.last)


def _fastcgi(p: TokenStream, block: Block) -> None:
    _sub(block, "fastcgi", enabled=True)
    if p.is_char("{") or p.peek_kw_in(FASTCGI_ITEMS):
        p.list_of(lambda: _fastcgi_item(p, block))


def _no_fastcgi(p: TokenStream, block: Block) -> None:
    _sub(block, "fastcgi", enabled=False)


def _fastcgi_item(p: TokenStream, block: Block) -> None:
    word = p.item_word()
    if word == "socket" and p.is_kw("tcp"):
        if not p.since("fastcgi socket tcp"):
            raise p.syntax()
        p.next()
        host = p.string()
        port = "9000"
        if p.peek().kind in ("NUMBER", "STRING"):
            port = p.port(1)
        _sub(block, "fastcgi", socket=FastcgiTcp(host, port))
    elif word == "socket":
        _sub(block, "fastcgi", socket=FastcgiUnix(p.string("socket")))
    elif word == "param":
        name, value = p.string(), p.string()
        p.limit("param name", name)
        p.limit("param value", value)
        _sub(block, "fastcgi", params=block.option("fastcgi").params + ((name, value),))
    elif word == "strip" and p.since("fastcgi strip"):
        _sub(block, "fastcgi", strip=p.number_in(0, INT_MAX, "invalid fastcgi strip number"))
    elif word == "pass" and p.since("fastcgi pass chunked"):
        value = p.string()
        if value != "chunked":
            raise p.fail(f"Invalid token '{value}' expected 'chunked'")
        _sub(block, "fastcgi", pass_chunked=True)
    else:
        raise p.syntax(p.last)


def _request(p: TokenStream, block: Block) -> None:
    p.list_of(lambda: _request_item(p, block))


def _request_item(p: TokenStream, block: Block) -> None:
    word = p.item_word()
    if word == "rewrite":
        _opts(block, rewrite=p.string("rewrite"))
    elif word == "no":
        p.expect_kw("rewrite")
        _opts(block, rewrite=False)
    elif word == "strip":
        _opts(block, strip=p.number_in(0, INT_MAX, "invalid strip number"))
    else:
        raise p.syntax(p.last)


def _authenticate(p: TokenStream, block: Block) -> None:
    realm = p.string() if p.peek().kind == "STRING" else None
    p.expect_kw("with")
    htpasswd = p.string()
    if realm is not None:
        p.limit("realm", realm)
    p.limit("htpasswd", htpasswd)
    previous: Authenticate | None = block.option("authenticate")
    if realm is None and previous is not None:
        realm = previous.realm  # parse.y leaves the realm of an earlier statement in place
    _opts(block, authenticate=Authenticate(realm, htpasswd))


def _no_authenticate(p: TokenStream, block: Block) -> None:
    _opts(block, no_authenticate=True)


_DROP = BlockAction("drop")
_BLOCK = BlockAction("block", 403)


@functools.lru_cache(maxsize=1024, typed=True)  # a large file has many of few different ones
def _returning(code: int, uri: str | None) -> BlockAction:
    return BlockAction("return", code, uri)


def _block(p: TokenStream, block: Block) -> None:
    if p.accept_kw("drop"):
        _opts(block, block=_DROP)
        return
    if not p.accept_kw("return"):
        _opts(block, block=_BLOCK)
        return
    code = p.number()
    uri = p.string() if p.peek().kind == "STRING" else None
    known = STATUS_CODES if p.since("status 103 and 425") else STATUS_CODES - {103, 425}
    if code not in known:
        raise p.fail(f"invalid return code: {code}")
    if uri is not None and not 300 <= code <= 399:
        raise p.fail("invalid return code for location URI")
    _opts(block, block=_returning(code, uri))


def _pass(p: TokenStream, block: Block) -> None:
    _opts(block, block=BlockAction("pass"))


def _default_type(p: TokenStream, block: Block) -> None:
    _opts(block, default_type=p.media_type())


def _flag(p: TokenStream, block: Block) -> None:
    """`[no] gzip-static`, `[no] static-cache-control`."""
    word = p.stmt.text if p.stmt.text != "no" else p.last.text
    attr = word.replace("-", "_")
    _opts(block, **{attr: p.stmt.text != "no"})


OPTION_STATEMENTS: Mapping[str, Handler] = {
    "directory": _directory,
    "log": _log,
    "no log": _no_log,
    "fastcgi": _fastcgi,
    "no fastcgi": _no_fastcgi,
    "request": _request,
    "root": _root,
    "authenticate": _authenticate,
    "no authenticate": _no_authenticate,
    "block": _block,
    "pass": _pass,
    "default type": _default_type,
    "gzip-static": _flag,
    "no gzip-static": _flag,
    "static-cache-control": _flag,
    "no static-cache-control": _flag,
}
