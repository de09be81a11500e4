"""Reading a live httpd.conf: `parse` (text -> HttpdConfig) and `to_semantic` (HttpdConfig ->
plain data for a semantic diff). The structure is in httpd_ast; the grammar in httpd_parser."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

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
from hostgen.live.httpd_lexer import KEYWORD_SINCE, RELEASES
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


def _prune(data: dict[str, JSON]) -> dict[str, JSON]:
    return {key: value for key, value in data.items() if value not in (None, [], {})}
