"""How site.yaml's servers become httpd `server` blocks (shared by the rules and the renderer).

A server with TLS listens on port 443 with TLS and, unless `http: off`, on port 80 where it
either serves the same content (`http: serve`) or answers every request with a 301 to https
(`http: redirect`, a block of its own: its content differs). Served on both ports, the content
is one block holding both listeners where the target release allows mixing plain and TLS
listeners in one block (httpd-conf.md 5.3: 6.9/7.0; versions.FEATURES["listen_mixed"]), as
an administrator writes it (issue 14); for older targets it is two blocks, one per port, with
the same content. The ACME challenge location comes first in every block with a plain port-80
listener. A TLS listener on `httpd.listen` port 443 takes its `listen` and `tls` lines from an
include fragment (`httpd.tls`, or `httpd.NAME.tls` for other material); a server with its own
`listen` gets them inline.

A server whose `listen` is a list has exactly those listeners: one block, or one per kind
(plain, TLS) for a release that cannot mix them.

sections() gives httpd.conf.j2, for a server and each of its locations, the options it sets
and the FastCGI setting to write, so the template does not ask them one by one.
"""

from __future__ import annotations

from hostgen.live.records import record
from hostgen.site.model import Fastcgi, Httpd, Listener, Location, Server, TlsOptions
from hostgen.site.versions import requirement

HTTP_PORT = 80
HTTPS_PORT = 443
SYSTEM_TYPES = "/usr/share/misc/mime.types"   # what `types: {system: true}` includes
#: Read in place of SYSTEM_TYPES where the host's own list is not at hand (the simulator, a
#: copy of /etc on a workstation): httpd's built-in table (httpd-conf.md 2.3), so only the
#: media types of files the site does not list itself can differ from the host's.
SYSTEM_TYPES_STAND_IN = """\
text/css css
text/html html
text/plain txt
image/gif gif
image/jpeg jpeg jpg
image/png png
image/svg+xml svg
application/javascript js
"""


@record
class Listen:
    """One `listen on ADDRESS [tls] port PORT` of a block."""

    address: str
    port: int
    tls: bool


@record
class Block:
    index: int                 # position of the server in httpd.servers
    server: Server
    listens: tuple[Listen, ...]
    tls: str | None            # TLS material name, None when no listener has TLS
    fragment: str | None       # include file (relative to /etc) holding the TLS listen + tls lines
    https_redirect: bool       # the port-80 block of an `http: redirect` server
    acme: bool                 # the ACME challenge location comes first (plain port 80)

    @property
    def serves(self) -> bool:
        """Whether the block holds the server's content (not only its https redirect)."""
        return not self.https_redirect


def material_of(server: Server, httpd: Httpd) -> str | None:
    """The TLS material a server presents, None for plain HTTP only."""
    if server.tls is False:
        return None
    if isinstance(server.tls, str):
        return server.tls
    if isinstance(server.tls, TlsOptions) and server.tls.material is not None:
        return server.tls.material
    if isinstance(server.listen, list) and not any(item.tls for item in server.listen):
        return None
    return httpd.tls


def tls_options(server: Server) -> TlsOptions | None:
    return server.tls if isinstance(server.tls, TlsOptions) else None


def http_of(server: Server) -> str:
    return server.http or "serve"


def fragment_name(material: str, httpd: Httpd) -> str:
    return "httpd.tls" if material == httpd.tls else f"httpd.{material}.tls"


def mixes(release: str) -> bool:
    """Whether one server block may hold plain and TLS listeners (httpd-conf.md 5.3)."""
    return requirement("listen_mixed", release) is None


def listen_of(item: Listener) -> Listen:
    return Listen(item.address, item.port or (HTTPS_PORT if item.tls else HTTP_PORT), item.tls)


def blocks(httpd: Httpd, release: str) -> list[Block]:
    result: list[Block] = []
    acme = httpd.acme is not None
    mixed = mixes(release)
    for index, server in enumerate(httpd.servers):
        material = material_of(server, httpd)
        if isinstance(server.listen, list):
            listens = [listen_of(item) for item in server.listen]
            kinds = [listens] if mixed else [
                [x for x in listens if not x.tls], [x for x in listens if x.tls]]
            for group in kinds:
                if group:
                    has_tls = any(x.tls for x in group)
                    plain80 = any(not x.tls and x.port == HTTP_PORT for x in group)
                    result.append(Block(index, server, tuple(group),
                                        material if has_tls else None, None, False,
                                        acme and plain80))
            continue
        address = server.listen or httpd.listen
        plain = Listen(address, HTTP_PORT, False)
        if material is None:
            result.append(Block(index, server, (plain,), None, None, False, acme))
            continue
        secure = Listen(address, HTTPS_PORT, True)
        fragment = None if server.listen else fragment_name(material, httpd)
        http = http_of(server)
        if http == "serve" and mixed:
            result.append(Block(index, server, (plain, secure), material, fragment, False, acme))
            continue
        if http != "off":
            result.append(Block(index, server, (plain,), None, None, http == "redirect", acme))
        result.append(Block(index, server, (secure,), material, fragment, False, False))
    return result


def by_server(all_blocks: list[Block]) -> list[tuple[Server, list[Block]]]:
    """The blocks grouped by the server they come from, in order."""
    grouped: list[tuple[Server, list[Block]]] = []
    for block in all_blocks:
        if not grouped or grouped[-1][1][0].index != block.index:
            grouped.append((block.server, []))
        grouped[-1][1].append(block)
    return grouped


def fragments(httpd: Httpd, release: str) -> dict[str, str]:
    """Include file name -> TLS material, for every fragment some block includes (sorted)."""
    return fragments_of(blocks(httpd, release))


def fragments_of(all_blocks: list[Block]) -> dict[str, str]:
    """fragments() of blocks already laid out (the renderer lays them out once)."""
    used = {b.fragment: b.tls for b in all_blocks if b.fragment and b.tls}
    return {name: str(used[name]) for name in sorted(used)}


def names(server: Server) -> list[tuple[str, bool]]:
    """(text, is a pattern) of the server's name and each alias, in order."""
    first = (server.match, True) if server.match is not None else (server.name or "", False)
    return [first] + [(a, False) if isinstance(a, str) else (a.match, True)
                      for a in server.aliases]


def fastcgi_of(location: Location | None, server: Server,
               responders: dict[str, Fastcgi]) -> Fastcgi | bool | None:
    """The FastCGI setting to write for a server (location None) or a location.

    httpd gives a location only the server's on/off state, not its socket, params or strip
    (httpd-conf.md 2.6), so a location that does not set `fastcgi` but serves content gets the
    server's responder written out again: site.yaml then means what it says. sections() applies
    the same rule to all of a server's locations at once (tests/test_sections.py)."""
    own = server.fastcgi if location is None else location.fastcgi
    if own is None and location is not None and serves(location):
        own = server.fastcgi
    if isinstance(own, str):
        return responders.get(own)
    return own


def serves(location: Location) -> bool:
    """False for a location that only redirects or blocks (it never reaches content)."""
    return location.redirect is None and location.block is None


#: (item, given, fastcgi): a server or one of its locations, the names of its fields that are
#: set (not None), and the FastCGI setting to write for it (fastcgi_of).
Section = tuple[Server | Location, frozenset[str], Fastcgi | bool | None]


def given(item: Server | Location) -> frozenset[str]:
    """The names of the fields the item sets to a value (not None).

    The template asks `"root" in given` (an inline test) instead of `item.root is not none`
    (an attribute look-up and a test call, each a Python call): a location sets two or three
    of its fifteen options, and asking each one of each location was most of the time of
    rendering a 1000-vhost site (benchmarks/bench_render.py). Only the fields pydantic saw
    set are looked at (every other one holds its default: None, or an empty list, which
    nothing asks `given` about), so a location of two keys costs two look-ups, not eighteen."""
    values = item.__dict__
    return frozenset([name for name in item.__pydantic_fields_set__
                      if values[name] is not None])


def sections(server: Server, responders: dict[str, Fastcgi]) -> list[Section]:
    """The server's own section first, then one per location, in order: what the template
    writes for each, computed once here rather than asked option by option in jinja."""
    inherited = fastcgi_of(None, server, responders)
    result: list[Section] = [(server, given(server), inherited)]
    for location in server.locations:
        own = location.fastcgi   # fastcgi_of(location, ...), without a call per location
        if own is None:
            setting = inherited if location.redirect is None and location.block is None else None
        else:
            setting = responders.get(own) if isinstance(own, str) else own
        result.append((location, given(location), setting))
    return result
