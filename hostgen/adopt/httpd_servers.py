"""Server blocks -> site.yaml servers, the way a person would have written them.

hostgen renders a TLS server as a port-443 block plus a port-80 block that serves the same or
only redirects to https (hostgen.site.layout). Reading a live file, the blocks of one name (and
the same aliases) on one address are put back together:

* a port-80 block whose only job is `block return 301 "https://$SERVER_NAME$REQUEST_URI"` (or
  `$HTTP_HOST`: the same URL for every name the server answers to), at server level or as a
  last `location "*"`, next to a TLS block: one server with `http: redirect`;
* a port-80 block that says what the TLS block says: one server (`http: serve`, the default);
  so is one block that listens on both (7.0+);
* a TLS block alone: `http: off`; a port-80 block alone: `tls: false`.

The location acme-client's challenges are served from, first in every port-80 block, becomes
`httpd.acme` (hostgen writes it back into each port-80 block).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field, replace

from hostgen.live.httpd import HttpdConfig, Location, Server

HTTPS_REDIRECTS = frozenset({"https://$SERVER_NAME$REQUEST_URI",
                             "https://$HTTP_HOST$REQUEST_URI"})
ACME_PATH = "/.well-known/acme-challenge/*"
DEFAULT_CERTIFICATE = "/etc/ssl/server.crt"   # httpd-conf.md 2.4.15
DEFAULT_KEY = "/etc/ssl/private/server.key"


@dataclass
class Draft:
    """One live server block, classified."""

    block: Server
    address: str | None                    # None: listeners site.yaml cannot say (yet)
    plain: bool                            # listens on port 80 without TLS
    tls: bool                              # listens with TLS on port 443
    locations: tuple[Location, ...]        # without the ACME location
    acme_line: int | None = None           # where that location was
    redirect_line: int | None = None       # the https redirect of a port-80 block, if that is all

    @property
    def identity(self) -> tuple[object, ...]:
        b = self.block
        return (b.name, b.match, tuple((a.name, a.match) for a in b.aliases), self.address)


@dataclass
class Merged:
    """A server of site.yaml: the TLS block and the port-80 block it stands for."""

    tls_block: Draft | None
    plain_block: Draft | None
    http: str = "serve"                    # serve, redirect, off (TLS servers)
    others: list[Draft] = field(default_factory=list)

    @property
    def main(self) -> Draft:
        found = self.tls_block or self.plain_block
        assert found is not None
        return found

    @property
    def blocks(self) -> list[Draft]:
        return [d for d in (self.plain_block, self.tls_block) if d is not None]


def is_acme(location: Location, server: Server) -> str | None:
    """The challenge root when `location` is what hostgen writes for `httpd.acme` (root and
    `request strip 2`; `pass` only matters under a server-wide block; `request no rewrite`,
    `no fastcgi` and `no authenticate` exactly where the server sets them)."""
    o = location.options
    s = server.options
    expected = replace(type(o)(), rewrite=False if isinstance(s.rewrite, str) else None,
                       fastcgi=type(o.fastcgi)(enabled=False) if s.fastcgi.enabled else
                       type(o.fastcgi)(),
                       no_authenticate=True if s.authenticate is not None else None)
    if replace(o, root=None, strip=None, block=None) != expected:
        return None
    if (location.match or location.found is not None or location.pattern != ACME_PATH
            or o.root is None or o.strip != 2):
        return None
    passes = o.block is not None and o.block.kind == "pass"
    if o.block is not None and not passes:
        return None
    if not passes and server.options.block is not None:
        return None
    return o.root


def listeners(block: Server) -> tuple[str | None, bool, bool]:
    """(address, plain on 80, TLS on 443) of a block; the address only when the block listens
    on one address, on port 80 and/or with TLS on port 443 (what hostgen writes for one server,
    in one block since 6.9); else None, and the block is written with its list of listeners."""
    kinds = {(listen.port, listen.tls) for listen in block.listens}
    addresses = {listen.address for listen in block.listens}
    simple = len(addresses) == 1 and len(kinds) == len(block.listens) and kinds <= {
        ("80", False), ("443", True)}
    address = next(iter(addresses)) if simple else None
    return address, ("80", False) in kinds, ("443", True) in kinds


def draft(block: Server, acme_root: str | None) -> Draft:
    address, plain, tls = listeners(block)
    result = Draft(block, address, plain, tls, block.locations)
    if (acme_root is not None and plain and block.locations
            and is_acme(block.locations[0], block) == acme_root):
        result.acme_line = block.locations[0].line
        result.locations = block.locations[1:]
    if plain and not tls:
        result.redirect_line = https_redirect(block, result.locations)
    return result


def https_redirect(block: Server, locations: tuple[Location, ...]) -> int | None:
    """The line of the redirect when a port-80 block does nothing but send every request to
    https (log settings aside, which the caller reports)."""
    o = replace(block.options, log=type(block.options.log)())
    action = o.block
    if action is not None and not locations:
        redirects = action.kind == "return" and action.code == 301
        if redirects and action.uri in HTTPS_REDIRECTS and replace(o, block=None) == type(o)():
            return block.line
        return None
    if action is None and len(locations) == 1 and o == type(o)():
        last = locations[0]
        lo = last.options
        if (not last.match and last.found is None and last.pattern == "*"
                and lo.block is not None and lo.block.kind == "return" and lo.block.code == 301
                and lo.block.uri in HTTPS_REDIRECTS and replace(lo, block=None) == type(lo)()):
            return last.line
    return None


def acme_root(config: HttpdConfig) -> str | None:
    """The ACME challenge root, when every block that listens on port 80 without TLS starts
    with the same challenge location (hostgen writes it into every one of them, a block that
    also has TLS listeners included)."""
    roots = set()
    for block in config.servers:
        if any(listen.port == "80" and not listen.tls for listen in block.listens):
            first = block.locations[0] if block.locations else None
            roots.add(is_acme(first, block) if first is not None else None)
    return roots.pop() if len(roots) == 1 else None


def _content(d: Draft) -> object:
    """What a block serves, whatever it listens on (for pairing a port-80 and a TLS block):
    everything but its listeners, TLS and HSTS (sent on TLS only), positions left out."""
    return (d.block.options, _wide(d),
            tuple((loc.pattern, loc.match, loc.found, loc.options) for loc in d.locations))


def _wide(d: Draft) -> object:
    """The settings of a server block that are not options (connection, tcp, errdocs, banner),
    positions left out."""
    b = d.block

    def bare(group: object) -> object:
        return None if group is None else replace(group, path="", line=0)  # type: ignore[type-var]

    return (bare(b.connection), bare(b.tcp), b.errdocs, b.banner, b.global_errdocs,
            b.global_no_banner)


def merge(drafts: list[Draft]) -> list[Merged]:
    """Pair each TLS block with the port-80 block of the same identity, in file order."""
    result: list[Merged] = []
    waiting: dict[tuple[object, ...], Merged] = {}
    for d in drafts:
        if d.address is None:   # a list of listeners: a server of its own
            secure = any(listen.tls for listen in d.block.listens)
            result.append(Merged(d if secure else None, None if secure else d, "off"))
            continue
        if d.plain and d.tls:   # one block for both listeners: http: serve
            result.append(Merged(d, d, "serve"))
            continue
        partner = waiting.get(d.identity)
        if partner is not None and _pairs(partner, d):
            del waiting[d.identity]
            if d.tls:
                partner.tls_block = d
            else:
                partner.plain_block = d
            partner.http = _http(partner)
            continue
        merged = Merged(d if d.tls else None, None if d.tls else d,
                        "off" if d.tls else "serve")
        waiting.setdefault(d.identity, merged)
        result.append(merged)
    return result


def _pairs(first: Merged, second: Draft) -> bool:
    if (first.tls_block is None) == (not second.tls):
        return False
    plain = second if not second.tls else first.plain_block
    secure = second if second.tls else first.tls_block
    assert plain is not None and secure is not None
    if plain.redirect_line is not None:   # hostgen writes the server-wide settings there too
        return _wide(plain) == _wide(secure)
    return _content(plain) == _content(secure)


def _http(merged: Merged) -> str:
    plain = merged.plain_block
    return "redirect" if plain is not None and plain.redirect_line is not None else "serve"


def in_order(drafts: list[Draft],
             merged: list[Merged]) -> tuple[list[Merged], list[tuple[str, Server]]]:
    """The servers in an order that keeps, on every listener, the order of its blocks: httpd
    takes the first entry whose name matches a request (names are globs or patterns, and the
    first is the default, httpd-conf.md 3.3), and hostgen writes each server's blocks together.
    File order where the listeners leave a choice. When no order keeps them all (a cycle), the
    file order of first blocks, and the listeners whose order changes."""
    position = {id(d): i for i, d in enumerate(drafts)}
    node_of = {id(d): n for n, m in enumerate(merged) for d in m.blocks}
    sequences: dict[str, list[int]] = {}
    opener: dict[str, Server] = {}   # the first block on each listener
    for d in drafts:
        if id(d) not in node_of:
            continue
        for listen in d.block.listens:
            key = _key(listen.address, listen.port, listen.tls)
            opener.setdefault(key, d.block)
            sequence = sequences.setdefault(key, [])
            if node_of[id(d)] not in sequence:
                sequence.append(node_of[id(d)])
    after: dict[int, set[int]] = {n: set() for n in range(len(merged))}
    needs: dict[int, int] = dict.fromkeys(range(len(merged)), 0)
    for sequence in sequences.values():
        for earlier, later in zip(sequence, sequence[1:], strict=False):
            if later not in after[earlier]:
                after[earlier].add(later)
                needs[later] += 1
    first = {n: min(position[id(d)] for d in m.blocks) for n, m in enumerate(merged)}
    ready = [(first[n], n) for n, count in needs.items() if count == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, n = heapq.heappop(ready)
        order.append(n)
        for later in after[n]:
            needs[later] -= 1
            if needs[later] == 0:
                heapq.heappush(ready, (first[later], later))
    if len(order) == len(merged):
        return [merged[n] for n in order], []
    changed = [(key, opener[key]) for key, sequence in sequences.items()
               if sequence != sorted(sequence, key=first.__getitem__)]
    return merged, changed


def _key(address: str, port: str, tls: bool) -> str:
    return f"{address} {'tls ' if tls else ''}port {port}"
