"""One server of site.yaml from the live block(s) it stands for (hostgen.adopt.httpd_servers
pairs them): name or match, aliases, listen (an address, or the list of listeners when they are
not hostgen's port 80 / TLS port 443), http, tls (a material, or its options), the server-wide
settings, the options, hsts, locations. DESIGN.md's key order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.emit import Flow
from hostgen.adopt.httpd_globals import Wide, flow_seq
from hostgen.adopt.httpd_options import OptionsReader
from hostgen.adopt.httpd_servers import Merged
from hostgen.adopt.result import Loss
from hostgen.live.httpd import Location, Server, TlsOptions

#: the TLS fragments hostgen writes: /etc/httpd.tls (httpd.tls), /etc/httpd.NAME.tls
FRAGMENT = re.compile(r"/etc/httpd(?:\.([a-z0-9][a-z0-9_-]*))?\.tls")
#: httpd's defaults (httpd-conf.md 2.4.12, 2.4.13)
HSTS_MAX_AGE = 31536000
CONNECTION_DEFAULTS = {"max_request_body": 1048576, "max_requests": 100, "timeout": 600,
                       "request_timeout": 60}
TICKET_DEFAULT = 7200
FLOW_WIDTH = 84   # a location longer than this on one line is written as a block
#: what a location's redirect or block makes pointless (hostgen.site.rules.httpd.SERVING)
SERVING = ("root", "index", "auto_index", "fastcgi", "rewrite", "strip", "gzip_static",
           "default_type", "authenticate")
SERVER_ONLY_WHEN_SERVING = ("root", "index", "auto_index", "fastcgi")
_TLS_KEYS = ("ciphers", "protocols", "dhe", "ecdhe", "ocsp")
_TCP_KEYS = ("nodelay", "sack", "backlog", "socket_buffer", "ip_ttl", "ip_minttl")


@dataclass(frozen=True)
class Layout:
    """What the `httpd:` section already says, for the servers to leave out."""

    listen: str
    default_tls: str | None
    fragments: bool            # hostgen's fragments are in use: inline TLS means its own listen
    wide: Wide


def adopt_server(m: Merged, material: str | None, layout: Layout,
                 reader: OptionsReader) -> CommentedMap:
    main = m.main
    block = main.block
    server = CommentedMap()
    server["match" if block.match else "name"] = block.name
    if block.aliases:
        server["aliases"] = flow_seq([Flow(match=a.name) if a.match else a.name  # type: ignore[misc]
                                      for a in block.aliases])
    if main.address is None:
        server["listen"] = _listeners(block, reader)
    else:
        inline = m.tls_block is not None and not any(
            FRAGMENT.fullmatch(x.path) for x in m.tls_block.block.listens)
        if main.address != layout.listen or (layout.fragments and inline):
            server["listen"] = main.address
        if material is not None and m.http != "serve":
            server["http"] = m.http
    tls = _tls(block.tls, material, layout.default_tls)
    if tls is not None:
        server["tls"] = tls
    elif material is None and layout.default_tls is not None and main.address is not None:
        server["tls"] = False
    _server_wide(block, layout.wide, server)
    options = reader.keys(block.options, block.line, server=True)
    server.update({k: v for k, v in options.items() if k not in ("log", "authenticate")})
    if m.tls_block is not None and m.tls_block.block.hsts is not None:
        h = m.tls_block.block.hsts
        hsts = Flow()
        if h.max_age is not None and h.max_age != HSTS_MAX_AGE:
            hsts["max_age"] = h.max_age
        if h.subdomains:
            hsts["subdomains"] = True
        if h.preload:
            hsts["preload"] = True
        server["hsts"] = hsts or True
    server.update({k: v for k, v in options.items() if k in ("log", "authenticate")})
    _redirect_losses(m, reader)
    locations = CommentedSeq(_location(location, server, reader) for location in main.locations)
    if "redirect" in server:
        _hand_down(server, locations)
    if locations:
        server["locations"] = locations
    return server


def _hand_down(server: CommentedMap, locations: CommentedSeq) -> None:
    """A server that redirects as a whole keeps its root, index, auto index and FastCGI only
    where a location that passes (cancels the redirect it inherits) inherits them (2.6); where
    every such location says its own, or none passes, they have no effect and are left out
    (the rule "has no effect: the whole server redirects")."""
    passing = [location for location in locations if location.get("pass") is True]
    for key in SERVER_ONLY_WHEN_SERVING:
        if key in server and all(key in location for location in passing):
            del server[key]


def _listeners(block: Server, reader: OptionsReader) -> CommentedSeq:
    listeners = CommentedSeq()
    for listen in block.listens:
        item = Flow(address=listen.address)
        if not listen.port.isdigit():
            reader.losses.append(Loss(listen.path, listen.line, f"port {listen.port}: site.yaml "
                                      "takes a port number; the default port is written"))
        elif int(listen.port) != (443 if listen.tls else 80):
            item["port"] = int(listen.port)
        if listen.tls:
            item["tls"] = True
        listeners.append(item)
    return listeners


def _tls(tls: TlsOptions | None, material: str | None, default: str | None) -> object:
    """`tls:` of a server: its material when not the default, or its TLS options."""
    if material is None:
        return None
    options: dict[str, Any] = {}
    if tls is not None:
        options = {key: getattr(tls, key) for key in _TLS_KEYS if getattr(tls, key) is not None}
        if tls.client_ca is not None:
            ca = Flow(file=tls.client_ca)
            if tls.crl is not None:
                ca["crl"] = tls.crl
            if tls.optional:
                ca["optional"] = True
            options["client_ca"] = ca
        if tls.ticket_lifetime is not None:   # 0 is `no ticket`, 7200 `ticket lifetime default`
            lifetime = tls.ticket_lifetime
            options["ticket_lifetime"] = ("default" if lifetime == TICKET_DEFAULT
                                          else lifetime or False)
    if not options:
        return material if material != default else None
    out = CommentedMap()
    if material != default:
        out["material"] = material
    out.update(options)
    return out


def _server_wide(block: Server, wide: Wide, server: CommentedMap) -> None:
    if block.connection is not None:
        c = {key: getattr(block.connection, key) for key in CONNECTION_DEFAULTS}
        kept = Flow({k: v for k, v in c.items() if v is not None and v != CONNECTION_DEFAULTS[k]})
        if kept:
            server["connection"] = kept
    if block.tcp is not None:
        tcp = Flow({k: getattr(block.tcp, k) for k in _TCP_KEYS
                    if getattr(block.tcp, k) is not None})
        if tcp:
            server["tcp"] = tcp
    errdocs, no_banner = block.global_errdocs, block.global_no_banner
    if block.errdocs is not None:
        server["errdocs"] = block.errdocs
    elif errdocs != wide.errdocs:   # this block started under another global errdocs
        server["errdocs"] = errdocs if errdocs is not None else False
    if block.banner is not None:
        server["banner"] = block.banner
    elif no_banner != wide.no_banner:
        server["banner"] = not no_banner


def _location(location: Location, server: CommentedMap,
              reader: OptionsReader) -> CommentedMap | Flow:
    entry: dict[str, Any] = {"match" if location.match else "path": location.pattern}
    if location.found is not None:
        entry["found"] = location.found
    entry.update(reader.keys(location.options, location.line, server=False))
    # httpd gives a location only the server's FastCGI on/off, not its socket (2.6); hostgen
    # writes the server's responder into a location that serves and says nothing, so say it
    serves = "redirect" not in entry and "block" not in entry
    if "fastcgi" not in entry and serves and server.get("fastcgi") not in (None, True, False):
        entry["fastcgi"] = True
    if not serves:   # answered with the redirect or block: the rest has no effect (3.6)
        entry = {k: v for k, v in entry.items() if k not in SERVING}
    short = sum(len(str(k)) + len(str(v)) + 4 for k, v in entry.items()) < FLOW_WIDTH
    if short and all(not isinstance(v, dict | list) for v in entry.values()):
        return Flow(entry)
    return CommentedMap(entry)


def _redirect_losses(m: Merged, reader: OptionsReader) -> None:
    plain = m.plain_block
    if m.http == "redirect" and plain is not None:
        log = plain.block.options.log
        if log != replace(log, enabled=None, style=None, access=None, error=None, syslog=None):
            outline = reader.outline
            reader.losses.append(Loss(outline.path, outline.find(plain.block.line, "log",
                                                                 "no log"),
                                      "the log settings of the port-80 redirect block are not "
                                      "carried over (http: redirect logs as httpd does by "
                                      "default)"))
