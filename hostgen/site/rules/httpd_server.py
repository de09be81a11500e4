"""Rules of httpd's global options and of servers: names and patterns, listeners, TLS options,
connection and tcp settings, and what servers sharing an address and port must agree on
(httpd-conf.md 2.2 to 2.4, 2.7 and 5.3)."""

from __future__ import annotations

from hostgen.live.httpd_protocols import protocol_bits
from hostgen.site.layout import Block, http_of, material_of, tls_options
from hostgen.site.model import Httpd, Server, Site, TlsOptions
from hostgen.site.problems import Loc, Problem, unknown_name
from hostgen.site.rules.httpd_values import STATUS_ALONE, needs, pattern, redirect, serving

TLS_TEXT_MAX = 510        # ciphers, dhe, ecdhe (httpd: ciphers too long, ...)
TICKET_MIN, TICKET_MAX = 60, 86400
BACKLOG_MAX = 1024
DEFAULT_TICKET = 7200     # `tls ticket lifetime default`


def check_globals(httpd: Httpd, release: str) -> list[Problem]:
    loc: Loc = ("httpd",)
    problems: list[Problem] = []
    if httpd.default_type is not None:
        problems += needs("default_type", (*loc, "default_type"), release)
    if httpd.errdocs is not None:
        problems += needs("errdocs", (*loc, "errdocs"), release)
        if len(httpd.errdocs.encode()) > 1014:
            problems.append(Problem((*loc, "errdocs"), "errdocs is at most 1014 bytes in httpd "
                                    "(httpd: errdoc root path too long)"))
    if httpd.banner is False:
        problems += needs("no_banner", (*loc, "banner"), release)
    types = httpd.types
    if types is not None:
        if not types.system and not types.entries:
            problems.append(Problem((*loc, "types"), "types needs system: true or at least one "
                                    "entry (httpd refuses an empty types block)"))
        elif not types.system:
            # httpd-conf.md 2.3: any media type in the file drops httpd's built-in table
            problems.append(Problem((*loc, "types"), "without system: true these entries are "
                                    "the whole table: httpd's built-in types (html, css, png, "
                                    "...) are no longer loaded", level="warning",
                                    rule="types-without-system"))
        seen: set[str] = set()
        for number, entry in enumerate(types.entries):
            for i, extension in enumerate(entry.extensions):
                if extension.lower() in seen:
                    problems += needs("types_override",
                                      (*loc, "types", "entries", number, "extensions", i), release)
                seen.add(extension.lower())
    return problems


def check_server(server: Server, loc: Loc, site: Site, httpd: Httpd,
                 release: str) -> list[Problem]:
    problems = _names(server, loc, release)
    for named in _materials(server):
        if named not in site.tls:
            where = (*loc, "tls") if isinstance(server.tls, str) else (*loc, "tls", "material")
            problems.append(Problem(where, unknown_name("TLS material", named, "tls",
                                                        site.tls)))
    material = material_of(server, httpd)
    if material is None and http_of(server) != "serve" and not isinstance(server.listen, list):
        problems.append(Problem((*loc, "http"), f"http: {server.http} needs TLS, but this "
                                "server has none (set tls: or httpd.tls)"))
    problems += _listeners(server, loc, material)
    options = tls_options(server)
    if options is not None:
        problems += _tls(options, (*loc, "tls"), material, release)
    if server.hsts not in (None, False):
        if material is None:
            problems.append(Problem((*loc, "hsts"), "hsts is only sent over TLS, and this "
                                    "server has no TLS"))
        problems += needs("hsts", (*loc, "hsts"), release)
    if server.connection is not None and server.connection.request_timeout is not None:
        problems += needs("connection_request_timeout",
                          (*loc, "connection", "request_timeout"), release)
    backlog = server.tcp.backlog if server.tcp is not None else None
    if backlog is not None and not 0 <= backlog <= BACKLOG_MAX:
        problems.append(Problem((*loc, "tcp", "backlog"), f"backlog is 0 to {BACKLOG_MAX} "
                                f"(httpd: invalid backlog: {backlog})"))
    if server.errdocs is not None:
        problems += needs("errdocs", (*loc, "errdocs"), release)
    if server.banner is not None:
        problems += needs("banner" if server.banner else "no_banner", (*loc, "banner"), release)
    problems += _actions(server, loc, release)
    problems += serving(server, loc, site, release)
    return problems


def _names(server: Server, loc: Loc, release: str) -> list[Problem]:
    problems: list[Problem] = []
    if (server.name is None) == (server.match is None):
        problems.append(Problem(loc, "a server needs exactly one of name (a glob) or match "
                                     "(a pattern)"))
    if server.match is not None:
        problems += needs("server_match", (*loc, "match"), release)
        problems += pattern(server.match, (*loc, "match"), "name")
        problems.append(_selects_all((*loc, "match")))
    for number, alias in enumerate(server.aliases):
        if not isinstance(alias, str):
            where = (*loc, "aliases", number, "match")
            problems += needs("alias_match", where, release)
            problems += pattern(alias.match, where, "alias")
            problems.append(_selects_all(where))
    return problems


def _selects_all(loc: Loc) -> Problem:
    # httpd-conf.md 4.6: server_http.c reads only the pattern's error, not whether it matched
    return Problem(loc, "httpd takes a server name pattern as matching every Host it raises no "
                        "error for (not only those it matches): later servers on the same "
                        "address and port get no request", level="warning",
                   rule="match-selects-all")


def _materials(server: Server) -> list[str]:
    if isinstance(server.tls, str):
        return [server.tls]
    if isinstance(server.tls, TlsOptions) and server.tls.material is not None:
        return [server.tls.material]
    return []


def _listeners(server: Server, loc: Loc, material: str | None) -> list[Problem]:
    if not isinstance(server.listen, list):
        return []
    problems: list[Problem] = []
    if server.http is not None:
        problems.append(Problem((*loc, "http"), "http: cannot be given with a list of "
                                "listeners: the list says which ports are served"))
    if not server.listen:
        problems.append(Problem((*loc, "listen"), "a server needs at least one listener "
                                "(httpd: listen address not specified)"))
    tls_listeners = [i for i, item in enumerate(server.listen) if item.tls]
    if tls_listeners and material is None:
        problems.append(Problem((*loc, "listen", tls_listeners[0], "tls"), "a TLS listener "
                                "needs TLS material: set tls: on the server or httpd.tls"))
    if not tls_listeners and server.tls not in (None, False):
        problems.append(Problem((*loc, "tls"), "tls has no effect: no listener of this server "
                                "has tls: true"))
    return problems


def _tls(options: TlsOptions, loc: Loc, material: str | None, release: str) -> list[Problem]:
    problems: list[Problem] = []
    if material is None:
        problems.append(Problem((*loc, "material"), "TLS options need TLS material: set "
                                "material: here or httpd.tls"))
    for key in ("ciphers", "dhe", "ecdhe"):
        value = getattr(options, key)
        if value is not None and len(value.encode()) > TLS_TEXT_MAX:
            problems.append(Problem((*loc, key), f"{key} is at most {TLS_TEXT_MAX} bytes "
                                    f"(httpd: {key} too long)"))
    if options.ecdhe is not None and ("," in options.ecdhe or options.ecdhe == "default"):
        problems += needs("tls_ecdhe_list", (*loc, "ecdhe"), release)
    if options.protocols is not None:
        bits = protocol_bits(options.protocols)
        if bits is None:
            problems.append(Problem((*loc, "protocols"), f'libtls does not know the protocols '
                                    f'"{options.protocols}" (httpd: invalid tls protocols)'))
        elif bits == 0:
            problems.append(Problem((*loc, "protocols"), "these protocols enable no TLS version "
                                    "(httpd: no tls protocols)"))
    if options.ocsp is not None:
        problems += needs("tls_ocsp", (*loc, "ocsp"), release)
    if options.client_ca is not None:
        problems += needs("tls_client_ca", (*loc, "client_ca"), release)
    lifetime = options.ticket_lifetime
    if lifetime is not None:
        problems += needs("tls_ticket", (*loc, "ticket_lifetime"), release)
    if isinstance(lifetime, int) and not isinstance(lifetime, bool) and lifetime != 0 \
            and not TICKET_MIN <= lifetime <= TICKET_MAX:
        which = "small" if lifetime < TICKET_MIN else "large"
        problems.append(Problem((*loc, "ticket_lifetime"), f"ticket_lifetime is 0 or "
                                f"{TICKET_MIN} to {TICKET_MAX} seconds (httpd: ticket "
                                f"lifetime too {which})"))
    return problems


def _actions(server: Server, loc: Loc, release: str) -> list[Problem]:
    problems: list[Problem] = []
    exclusive = [key for key in ("redirect", "block", "pass_") if getattr(server, key) is not None]
    if len(exclusive) > 1:
        shown = " and ".join(k.rstrip("_") for k in exclusive)
        problems.append(Problem((*loc, exclusive[1].rstrip("_")), f"{shown} exclude each other: "
                                "a server answers with one of them"))
    if server.redirect is not None:
        problems += redirect(server.redirect, server.status, loc, release, None)
        # a location with `pass` cancels the redirect it inherits, and inherits these keys
        # unless it sets its own (httpd-conf.md 2.6, 2.4.8)
        passing = [location for location in server.locations if location.pass_ is True]
        problems += [Problem((*loc, key), f"{key} has no effect: the whole server redirects")
                     for key in ("root", "index", "auto_index", "fastcgi")
                     if getattr(server, key) is not None
                     and all(getattr(location, key) is not None for location in passing)]
    elif server.status is not None:
        problems.append(Problem((*loc, "status"), STATUS_ALONE))
    return problems


def tls_key(options: TlsOptions | None) -> tuple[object, ...]:
    """What servers on one address and port must agree on (httpd_checks.Sockets: all but the
    certificate, key and OCSP file, which SNI picks per server)."""
    o = options or TlsOptions()
    ca = o.client_ca
    lifetime = o.ticket_lifetime
    seconds = DEFAULT_TICKET if lifetime == "default" else (lifetime or 0)
    return (o.ciphers or "compat", protocol_bits(o.protocols), o.dhe or "none",
            o.ecdhe or "default", ca is not None, ca is not None and ca.crl is not None,
            ca is not None and ca.optional, seconds)


def check_sockets(written: list[Block]) -> list[Problem]:
    """Servers sharing an address and port: all TLS or all plain, and TLS ones with the same
    settings (httpd: tls and non-tls / tls configuration mismatch on same address/port)."""
    first: dict[tuple[str, int], tuple[int, bool, tuple[object, ...]]] = {}
    problems: list[Problem] = []
    reported: set[int] = set()
    for block in written:
        key = tls_key(tls_options(block.server))
        for listen in block.listens:
            where = (listen.address, listen.port)
            earlier = first.setdefault(where, (block.index, listen.tls, key))
            if earlier[0] == block.index or block.index in reported:
                continue
            loc: Loc = ("httpd", "servers", block.index)
            label = f"server #{earlier[0] + 1}"
            if earlier[1] != listen.tls:
                kinds = ("TLS", "plain HTTP") if earlier[1] else ("plain HTTP", "TLS")
                problems.append(Problem((*loc, "listen") if block.server.listen else loc,
                                        f"{label} serves {kinds[0]} on {listen.address} port "
                                        f"{listen.port}, this server {kinds[1]} (httpd: tls and "
                                        "non-tls on same address/port)"))
                reported.add(block.index)
            elif listen.tls and earlier[2] != key:
                problems.append(Problem((*loc, "tls") if block.server.tls is not None else loc,
                                        f"{label} shares {listen.address} port {listen.port} "
                                        "with different TLS settings (httpd: tls configuration "
                                        "mismatch on same address/port)"))
                reported.add(block.index)
    return problems

