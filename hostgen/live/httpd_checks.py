"""Checks that parse.y makes across server blocks, at the end of each one: a server defined
twice on one address and port, TLS and plain servers on the same socket, TLS settings that
differ on one socket, and TLS servers without protocols (httpd-conf.md 3.1). What libtls makes
of a `tls protocols` value is in httpd_protocols."""

from __future__ import annotations

import functools
import ipaddress

from hostgen.live.httpd_ast import Server, TlsOptions
from hostgen.live.httpd_protocols import protocol_bits
from hostgen.live.records import record


@record(eq=False, repr=False, slots=True)
class _Entry:
    """One (name, address, port) server entry, as parse.y clones a block (httpd-conf.md 3.1).
    Never changed once made."""

    name: str
    address: tuple[str, str]  # ("4" or "6", packed address hex) or ("name", text)
    wildcard: bool
    port: int | str
    tls: bool
    tls_key: tuple[object, ...]


_SERVICES = {"http": 80, "www": 80, "https": 443}
_NO_TLS = TlsOptions(path="", line=0)


@functools.lru_cache(maxsize=4096)  # a large file names few addresses, each many times
def _addresses(address: str) -> tuple[tuple[tuple[str, str], bool], ...]:
    """The addresses `listen on ADDRESS` stands for, in httpd's order; names and interface
    groups cannot be resolved here and stand for themselves."""
    if address == "*":
        return ((("6", "0" * 32), True), (("4", "0" * 8), True))
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv4Address(address)
    except ValueError:
        try:
            ip = ipaddress.IPv6Address(address)
        except ValueError:
            return ((("name", address), False),)
    return (((str(ip.version), ip.packed.hex()), int(ip) == 0),)


def _port_key(port: str) -> int | str:
    if port.isascii() and port.isdigit():
        return int(port)
    return _SERVICES.get(port, port)


class Sockets:
    """The server entries defined so far, for the checks parse.y makes at the end of each
    server block (server.c `server_match`, httpd.c `sockaddr_cmp`: an earlier wildcard address
    covers every address of its family)."""

    def __init__(self, version: str) -> None:
        self.entries: list[_Entry] = []
        self.by_name: dict[str, list[_Entry]] = {}  # "defined twice" looks up by name: O(1)
        self.ciphers = "secure" if version == "current" else "compat"

    def _tls_key(self, tls: TlsOptions | None) -> tuple[object, ...]:
        t = tls or _NO_TLS
        return (
            t.client_ca is not None, t.crl is not None, bool(t.optional),
            protocol_bits(t.protocols), t.ticket_lifetime or 0, t.ciphers or self.ciphers,
            t.dhe or "none", t.ecdhe or "default",
        )

    @staticmethod
    def _same(earlier: _Entry, new: _Entry) -> bool:
        if earlier.port != new.port or earlier.address[0] != new.address[0]:
            return False
        return earlier.wildcard or earlier.address == new.address

    def _defined(self, new: _Entry) -> bool:
        return any(self._same(e, new) for e in self.by_name.get(new.name, ()))

    def _append(self, entry: _Entry) -> None:
        self.entries.append(entry)
        self.by_name.setdefault(entry.name, []).append(entry)

    def add(self, server: Server) -> str | None:
        """Record the entries of `server`; httpd's message when it may not be added."""
        if not server.listens:
            return "listen address not specified"
        key = self._tls_key(server.tls)
        addresses = [
            (address, wildcard, _port_key(listen.port), listen.tls)
            for listen in server.listens
            for address, wildcard in _addresses(listen.address)
        ]
        names = [server.name] + [alias.name for alias in server.aliases]
        address, wildcard, port, tls = addresses[0]
        primary = _Entry(server.name, address, wildcard, port, tls, key)
        problem = self._check_primary(primary, server)
        if problem is not None:
            return problem
        self._append(primary)
        for index, (address, wildcard, port, tls) in enumerate(addresses):
            for position, name in enumerate(names):
                if index == position == 0:
                    continue
                clone = _Entry(name, address, wildcard, port, tls, key)
                if self._defined(clone):
                    return f'server "{name}" defined twice'
                self._append(clone)
        return None

    def _check_primary(self, primary: _Entry, server: Server) -> str | None:
        name = server.name
        if self._defined(primary):
            return f'server "{name}" defined twice'
        other = next((e for e in self.entries if self._same(e, primary)), None)
        if other is not None and other.tls != primary.tls:
            return f'server "{name}": tls and non-tls on same address/port'
        if other is not None and primary.tls and other.tls_key != primary.tls_key:
            return f'server "{name}": tls configuration mismatch on same address/port'
        protocols = server.tls.protocols if server.tls else None
        if primary.tls and protocol_bits(protocols) == 0:
            return f'server "{name}": no tls protocols'
        return None
