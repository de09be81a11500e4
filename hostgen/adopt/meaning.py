"""What an httpd.conf means to httpd, for checking that an import renders back the same.

hostgen.live.httpd.to_semantic compares two files statement by statement; an import changes the
statements on purpose (one server for two blocks, defaults left out, the server's responder
written into its locations, `http: redirect` for a `location "*"` redirect), so it is checked
against what httpd does with them: every server entry httpd makes (one per name and alias on
each listener, in order: the first is the default, httpd-conf.md 3.1), with the options each of
its locations ends up with after inheritance (2.6) and httpd's defaults (2.2-2.4) filled in.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from hostgen.live.httpd import (
    BlockAction,
    FastcgiOptions,
    FastcgiUnix,
    HttpdConfig,
    Location,
    LogOptions,
    Options,
    Server,
    to_semantic,
)

#: What a location takes from its server when it does not say it itself (2.6).
INHERITED = ("root", "index", "auto_index", "authenticate", "block", "default_type", "rewrite")
#: https redirects that send every name the server answers to the same URL
SAME_URL = {"https://$HTTP_HOST$REQUEST_URI": "https://$SERVER_NAME$REQUEST_URI"}
SLOWCGI = "/run/slowcgi.sock"
_TLS_DEFAULTS = {"certificate": "/etc/ssl/server.crt", "key": "/etc/ssl/private/server.key"}
_CONNECTION_DEFAULTS = {"max_request_body": 1048576, "max_requests": 100, "timeout": 600,
                        "request_timeout": 60}
_LOG_DEFAULTS = LogOptions(enabled=True, style="common", access="access.log",
                           error="error.log", syslog=False)


def meaning(config: HttpdConfig) -> dict[str, Any]:
    chroot = config.chroot or "/var/www"
    globals_ = {"chroot": chroot, "logdir": config.logdir or f"{chroot}/logs",
                "prefork": config.prefork or 3,
                "default_type": str(config.default_type or "application/octet-stream")}
    data = to_semantic(HttpdConfig(types=config.types, path=""))
    listeners: dict[str, list[Any]] = {}
    for server in config.servers:
        for listen in server.listens:
            key = f"{listen.address}:{listen.port}{' tls' if listen.tls else ''}"
            entry = _server(server, listen.tls, config)
            for name, match in server.names():
                listeners.setdefault(key, []).append({"name": ("match " if match else "") + name,
                                                      **entry})
    return {"globals": globals_, "types": data["types"] or "built-in", "listeners": listeners}


def _server(server: Server, tls: bool, config: HttpdConfig) -> dict[str, Any]:
    data = _only_server(replace(server, locations=()))
    entry: dict[str, Any] = {}
    if tls:
        entry["tls"] = {**_TLS_DEFAULTS, **data.get("tls", {})}
        if "hsts" in data:
            entry["hsts"] = {"max_age": 31536000, **data["hsts"]}
    entry["connection"] = {**_CONNECTION_DEFAULTS, **data.get("connection", {})}
    entry["tcp"] = data.get("tcp", {})
    errdocs = server.errdocs if server.errdocs is not None else server.global_errdocs
    entry["errdocs"] = errdocs or None
    entry["banner"] = server.banner if server.banner is not None else not server.global_no_banner
    base = _defaults(server.options, config)
    locations = [
        {"pattern": ("match " if loc.match else "") + loc.pattern, "found": loc.found,
         **_plain(_effective(loc.options, base), config)}
        for loc in server.locations
    ]
    entry["options"] = _plain(base, config)
    if server.locations and _catches_all(server.locations[-1]):
        # a last location "*" answers every request no other location takes: the same as
        # options of the server itself
        last = locations.pop()
        entry["options"] = {k: v for k, v in last.items() if k not in ("pattern", "found")}
    entry["locations"] = locations
    return entry


def _catches_all(location: Location) -> bool:
    return not location.match and location.found is None and location.pattern == "*"


def _defaults(options: Options, config: HttpdConfig) -> Options:
    log = options.log
    return replace(
        options,
        root=options.root or "/htdocs",
        index="index.html" if options.index is None else options.index,
        auto_index=bool(options.auto_index),
        log=LogOptions(**{f.name: getattr(log, f.name) if getattr(log, f.name) is not None
                          else getattr(_LOG_DEFAULTS, f.name) for f in fields(LogOptions)}),
        default_type=options.default_type or config.default_type,
    )


def _effective(own: Options, server: Options) -> Options:
    """A location's options: its own, else the server's for what it inherits (2.6)."""
    taken: dict[str, Any] = {}
    for name in INHERITED:
        if getattr(own, name) is None:
            taken[name] = getattr(server, name)
    taken["log"] = LogOptions(**{f.name: getattr(own.log, f.name)
                                 if getattr(own.log, f.name) is not None
                                 else getattr(server.log, f.name) for f in fields(LogOptions)})
    if own.authenticate is None and own.no_authenticate is None:
        taken["no_authenticate"] = server.no_authenticate
    if own.fastcgi.enabled is None:
        taken["fastcgi"] = replace(own.fastcgi, enabled=server.fastcgi.enabled)
    return replace(own, **taken)


def _plain(options: Options, config: HttpdConfig) -> dict[str, Any]:
    fastcgi = options.fastcgi
    block = options.block
    if block is not None and block.kind == "pass":
        block = None
    elif block is not None and block.kind == "block":
        block = BlockAction("return", 403)
    elif block is not None and (uri := block.uri) is not None:
        if block.code not in (301, 302, 303, 307, 308):   # the URI is not sent (2.4.8)
            block = BlockAction("return", block.code)
        else:
            block = replace(block, uri=SAME_URL.get(uri, uri))
    if fastcgi.enabled:
        fastcgi = replace(fastcgi, socket=fastcgi.socket or FastcgiUnix(SLOWCGI))
    else:
        fastcgi = FastcgiOptions()
    authenticate = None if options.no_authenticate and options.authenticate is None \
        else options.authenticate
    cleaned = replace(options, block=block, fastcgi=fastcgi, authenticate=authenticate,
                      no_authenticate=None, rewrite=options.rewrite or None,
                      gzip_static=bool(options.gzip_static), strip=options.strip or None,
                      default_type=options.default_type or config.default_type)
    server = _only_server(Server(name="", match=False, listens=(), options=cleaned, path="",
                                 line=0))
    result: dict[str, Any] = server.get("options", {})
    return result


def _only_server(server: Server) -> dict[str, Any]:
    """to_semantic's data of one server block."""
    data: Any = to_semantic(HttpdConfig(servers=(server,), path=""))
    found: dict[str, Any] = next(iter(data["servers"].values()))
    return found


