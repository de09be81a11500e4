"""How site.yaml's servers become httpd `server` blocks (shared by the rules and the renderer).

A server with TLS becomes a TLS block (port 443) and, unless `http: off`, a port-80 block that
either serves the same content (`http: serve`) or answers every request with a 301 to https
(`http: redirect`). Two blocks rather than one block with two listeners, because mixing TLS and
plain listeners in one block is only accepted since OpenBSD 6.9/7.0 (httpd-conf.md 5.3) and
hostgen targets 5.7 onwards. A TLS block whose listener is `httpd.listen` takes its `listen` and
`tls` lines from an include fragment (`httpd.tls`, or `httpd.NAME.tls` for other material);
a server with its own `listen` gets them inline.
"""

from __future__ import annotations

from dataclasses import dataclass

from hostgen.site.model import Fastcgi, Httpd, Location, Server

HTTP_PORT = 80
HTTPS_PORT = 443


@dataclass(frozen=True)
class Block:
    index: int                 # position of the server in httpd.servers
    server: Server
    address: str
    port: int
    tls: str | None            # TLS material name, None for plain HTTP
    fragment: str | None       # include file (relative to /etc) holding listen + tls lines
    https_redirect: bool       # the port-80 block of an `http: redirect` server


def material_of(server: Server, httpd: Httpd) -> str | None:
    if server.tls is False:
        return None
    if isinstance(server.tls, str):
        return server.tls
    return httpd.tls


def fragment_name(material: str, httpd: Httpd) -> str:
    return "httpd.tls" if material == httpd.tls else f"httpd.{material}.tls"


def blocks(httpd: Httpd) -> list[Block]:
    result: list[Block] = []
    for index, server in enumerate(httpd.servers):
        address = server.listen or httpd.listen
        material = material_of(server, httpd)
        if material is None or server.http != "off":
            redirect = material is not None and server.http == "redirect"
            result.append(Block(index, server, address, HTTP_PORT, None, None, redirect))
        if material is not None:
            fragment = None if server.listen else fragment_name(material, httpd)
            result.append(Block(index, server, address, HTTPS_PORT, material, fragment, False))
    return result


def by_server(all_blocks: list[Block]) -> list[tuple[Server, list[Block]]]:
    """The blocks grouped by the server they come from, in order."""
    grouped: list[tuple[Server, list[Block]]] = []
    for block in all_blocks:
        if not grouped or grouped[-1][1][0].index != block.index:
            grouped.append((block.server, []))
        grouped[-1][1].append(block)
    return grouped


def fragments(httpd: Httpd) -> dict[str, str]:
    """Include file name -> TLS material, for every fragment some block includes (sorted)."""
    used = {b.fragment: b.tls for b in blocks(httpd) if b.fragment and b.tls}
    return {name: str(used[name]) for name in sorted(used)}


def fastcgi_of(location: Location | None, server: Server,
               responders: dict[str, Fastcgi]) -> Fastcgi | bool | None:
    """The FastCGI setting to write for a server (location None) or a location.

    httpd gives a location only the server's on/off state, not its socket, params or strip
    (httpd-conf.md 2.6), so a location that does not set `fastcgi` but serves content gets the
    server's responder written out again: site.yaml then means what it says."""
    own = server.fastcgi if location is None else location.fastcgi
    if own is None and location is not None and serves(location):
        own = server.fastcgi
    if isinstance(own, str):
        return responders.get(own)
    return own


def serves(location: Location) -> bool:
    """False for a location that only redirects or blocks (it never reaches content)."""
    return location.redirect is None and location.block is None
