"""Reading a live httpd.conf: `parse` (text -> HttpdConfig) and `to_semantic` (HttpdConfig ->
plain data for a semantic diff). The structure is in httpd_ast; the grammar in httpd_parser."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from hostgen.live.httpd_ast import (
    Alias,
    Authenticate,
    BlockAction,
    ConnectionOptions,
    FastcgiOptions,
    FastcgiTcp,
    FastcgiUnix,
    GlobalOption,
    Hsts,
    HttpdConfig,
    Listen,
    Location,
    LogOptions,
    MediaType,
    Options,
    Server,
    TcpOptions,
    TlsOptions,
    TypesEntry,
)
from hostgen.live.httpd_keywords import KEYWORD_SINCE, RELEASES
from hostgen.live.httpd_parser import DIRECTIVES, FEATURE_SINCE, Parser

__all__ = [
    "DIRECTIVES", "FEATURE_SINCE", "KEYWORD_SINCE", "RELEASES",
    "Alias", "Authenticate", "BlockAction", "ConnectionOptions", "FastcgiOptions", "FastcgiTcp",
    "FastcgiUnix", "GlobalOption", "Hsts", "HttpdConfig", "Listen", "Location", "LogOptions",
    "MediaType", "Options", "Server", "TcpOptions", "TlsOptions", "TypesEntry",
    "parse", "server_key", "to_semantic",
]

JSON = None | bool | int | str | list["JSON"] | dict[str, "JSON"]


def parse(
    text: str,
    path: str = "httpd.conf",
    *,
    read_include: Callable[[str], str] | None = None,
    version: str | None = None,
) -> HttpdConfig:
    """Parse httpd.conf `text` as httpd(8) of `version` (a name from RELEASES) would. Without
    a version every word of -current is accepted, with the defaults of the newest release
    (7.9) where they matter to a check (the default TLS ciphers).

    `include "FILE"` is resolved through `read_include(FILE)` (the path as written; it returns
    the text or raises OSError); without a reader, or when it fails, the include is an error
    `failed to include file FILE`, as in httpd. Included statements are positioned in FILE.
    Raises hostgen.errors.LiveFileError (`PATH:LINE: message`, httpd's message) and nothing
    else for any text.
    """
    return Parser(text, path, read_include, version).parse()


def to_semantic(config: HttpdConfig) -> dict[str, JSON]:
    """Plain JSON-like data that stays equal when a file is reformatted or its servers, aliases,
    listen statements or options are reordered; locations stay a list (the first match wins).
    Servers are keyed by name and listen addresses, types by extension (a later line wins).
    Positions are left out."""
    globals_: dict[str, JSON] = {
        "chroot": config.chroot,
        "logdir": config.logdir,
        "prefork": config.prefork,
        "default_type": _plain(config.default_type),
        "errdocs": config.errdocs,
        "no_banner": config.no_banner or None,
    }
    types: dict[str, JSON] = {}
    for entry in config.types:
        for name in entry.names:
            types[name.lower()] = str(entry.media)
    servers: dict[str, JSON] = {}
    for server in config.servers:
        key = server_key(server)
        while key in servers:
            key += "+"
        servers[key] = _server(server)
    return {"globals": _prune(globals_), "types": dict(sorted(types.items())), "servers": servers}


def server_key(server: Server) -> str:
    """`[match ]NAME [listen, ...]`, listens sorted: the identity of a server block."""
    listens = sorted(_listen(listen) for listen in server.listens)
    prefix = "match " if server.match else ""
    return f"{prefix}{server.name} [{', '.join(listens)}]"


def _listen(listen: Listen) -> str:
    host = f"[{listen.address}]" if ":" in listen.address else listen.address
    return f"{host}:{listen.port}{' tls' if listen.tls else ''}"


def _server(server: Server) -> JSON:
    data: dict[str, JSON] = {
        "name": server.name,
        "match": server.match,
        "listens": _sorted(_listen(listen) for listen in server.listens),
        "aliases": _sorted(("match " if a.match else "") + a.name for a in server.aliases),
        "tls": _plain(server.tls),
        "hsts": _plain(server.hsts),
        "connection": _plain(server.connection),
        "tcp": _plain(server.tcp),
        "errdocs": server.errdocs,
        "banner": server.banner,
        "global_errdocs": server.global_errdocs,
        "global_no_banner": server.global_no_banner or None,
        "options": _plain(server.options),
        "locations": [_plain(location) for location in server.locations],
    }
    return _prune(data)


def _sorted(values: Iterable[str]) -> list[JSON]:
    return list(sorted(values))


def _plain(value: object) -> JSON:
    """Dataclasses -> dicts without positions and unset fields; tuples -> lists."""
    convert = _CONVERTERS.get(type(value))
    if convert is not None:
        return convert(value)
    return _plain_other(value)


def _plain_other(value: object) -> JSON:
    """_plain of anything but the exact classes of _CONVERTERS (a node class gets its
    converter here, the first time)."""
    kind = type(value)
    if kind in _NODE_CLASSES:
        convert = _CONVERTERS[kind] = _node_converter(kind)
        return convert(value)
    if isinstance(value, MediaType):
        return str(value)
    if isinstance(value, FastcgiUnix):
        return {"unix": value.path}
    if isinstance(value, FastcgiTcp):
        return {"tcp": f"{value.host}:{value.port}"}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in ("path", "line")
        }
        return _prune(fields)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"unexpected value in an HttpdConfig: {value!r}")


#: Values _prune leaves out.
_EMPTY: tuple[JSON, ...] = (None, [], {})


def _prune(data: dict[str, JSON]) -> dict[str, JSON]:
    return {key: value for key, value in data.items() if value not in _EMPTY}


def _node_converter(cls: type) -> Callable[[object], JSON]:
    """_plain for the instances of node class `cls`, written out field by field (as dataclasses
    writes __init__): the same dict as reflecting on the fields of each node, in field order,
    several times faster. A None, str, int or bool field needs no call of _plain, nor does a
    tuple (its list is left out when empty)."""
    lines = ["def plain(value):", "    data = {}"]
    for field in dataclasses.fields(cls):
        if field.name in ("path", "line"):
            continue
        name = field.name
        lines += [
            f"    item = value.{name}",
            "    if item is not None:",
            "        kind = type(item)",
            "        if kind is str or kind is bool or kind is int:",
            f"            data[{name!r}] = item",
            "        elif kind is tuple:",
            "            if item:",
            f"                data[{name!r}] = [_plain(member) for member in item]",
            "        else:",
            "            item = _plain(item)",
            "            if item not in _EMPTY:",
            f"                data[{name!r}] = item",
        ]
    lines.append("    return data")
    scope: dict[str, Any] = {"_plain": _plain, "_EMPTY": _EMPTY}
    exec("\n".join(lines), scope)  # the text is made of field names only
    convert: Callable[[object], JSON] = scope["plain"]
    return convert


def _sequence(value: object) -> JSON:
    assert isinstance(value, tuple | list)
    return [_plain(item) for item in value]


#: _plain by the exact class of the value (anything else goes through _plain_other, which
#: used to be all of _plain: dataclasses.fields() on every node was most of to_semantic's
#: time). MediaType and the FastcgiUnix/FastcgiTcp sockets have their own forms there. The
#: converter of a node class is written at its first use (by _plain_other), not at import:
#: only diff --semantic needs them, and writing all 16 took 9 ms of every command's start-up.
_CONVERTERS: dict[type, Callable[[object], JSON]] = {tuple: _sequence, list: _sequence}
_NODE_CLASSES = frozenset((
    Alias, Authenticate, BlockAction, ConnectionOptions, FastcgiOptions, GlobalOption, Hsts,
    HttpdConfig, Listen, Location, LogOptions, Options, Server, TcpOptions, TlsOptions,
    TypesEntry,
))
