"""From a parsed httpd.conf to server entries and listening sockets (httpd-conf.md 3.1).

A server block becomes one entry per (name, address) pair: the server name and each alias on
the first listen address, then the same names on each further address. Entries are grouped by
socket: an entry joins the first earlier group on the same port whose first entry's address
is its own, or a wildcard of its family. The first entry of a group is its default server.

Listen addresses that are names (an interface, an interface group such as `egress`, a host
name) are resolved by httpd on the host when it loads the configuration; here they all stand
for one address, "this host", that every request is assumed to reach.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from dataclasses import field

from hostgen.httpd.globs import fnmatch_casefold
from hostgen.httpd.patterns import server_match_selects
from hostgen.httpd.simulate.conf import Conf, location_conf, server_conf
from hostgen.httpd.simulate.encoding import to_bytes
from hostgen.live.httpd_ast import HttpdConfig, Listen, Server
from hostgen.live.records import record

DEFAULT_CHROOT = "/var/www"
IP = ipaddress.IPv4Address | ipaddress.IPv6Address
_SERVICES = {"http": 80, "www": 80, "www-http": 80, "https": 443}


@record(eq=False, repr=False, slots=True)
class Address:
    """A listen address: `ip` None for a name resolved on the host ("this host")."""

    text: str
    ip: IP | None

    @property
    def wildcard(self) -> bool:
        return self.ip is not None and self.ip.is_unspecified

    def accepts(self, other: Address) -> bool:
        """Whether a group whose first entry listens here takes an entry listening on
        `other` (config.c/server.c: a wildcard takes every address of its family)."""
        if self.ip is None or other.ip is None:
            return self.ip is None and other.ip is None
        if self.wildcard:
            return self.ip.version == other.ip.version
        return self.ip == other.ip


@record(eq=False, repr=False, slots=True)
class Entry:
    """One (name, address, port) entry of a server block, with its locations."""

    name: str
    match: bool
    address: Address
    port: int
    tls: bool
    block: int                 # index of the server block in the configuration
    server: Server
    conf: Conf
    locations: tuple[Conf, ...]


@record(eq=False, repr=False)
class Group:
    """The entries sharing one listening socket, in configuration order."""

    address: Address
    port: int
    tls: bool
    entries: list[Entry] = field(default_factory=list)
    _names: dict[bytes, int] = field(default_factory=dict)
    _others: list[int] = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        position = len(self.entries)
        self.entries.append(entry)
        if entry.match or any(c in entry.name for c in "*?[\\"):
            self._others.append(position)
        else:
            self._names.setdefault(to_bytes(entry.name).lower(), position)

    def lookup(self, hostname: str) -> Entry | None:
        """The first entry whose name accepts `hostname` (fnmatch with FNM_CASEFOLD, or the
        `server match` quirk of httpd-conf.md 4.6), in configuration order."""
        best = self._names.get(to_bytes(hostname).lower())
        for position in self._others:
            if best is not None and position > best:
                break
            entry = self.entries[position]
            if entry.match:
                if server_match_selects(entry.name, hostname):
                    return entry
            elif fnmatch_casefold(entry.name, hostname):
                return entry
        return None if best is None else self.entries[best]


@record(eq=False, repr=False)
class Table:
    """Every entry of a configuration, grouped by socket."""

    config: HttpdConfig
    chroot: str
    groups: list[Group]
    by_port: dict[int, list[Group]]
    notes: list[str]


def listen_addresses(listen: Listen) -> list[Address]:
    return list(_addresses(listen.address))


@functools.lru_cache(maxsize=1024)  # a large file names few addresses, each many times
def _addresses(address: str) -> tuple[Address, ...]:
    if address == "*":
        return (Address("::", ipaddress.ip_address("::")),
                Address("0.0.0.0", ipaddress.ip_address("0.0.0.0")))
    try:
        return (Address(address, ipaddress.ip_address(address)),)
    except ValueError:
        return (Address(address, None),)


def port_number(text: str) -> int | None:
    if text.isdigit():
        number = int(text)
        return number if 0 < number < 65536 else None
    if text in _SERVICES:
        return _SERVICES[text]
    try:
        return socket.getservbyname(text, "tcp")
    except OSError:
        return None


def build_table(config: HttpdConfig) -> Table:
    """The entries and socket groups httpd would build from `config`."""
    groups: list[Group] = []
    notes: list[str] = []
    for number, server in enumerate(config.servers):
        conf = server_conf(server)
        locations = tuple(location_conf(loc, i, conf) for i, loc in enumerate(server.locations))
        for listen in server.listens:
            port = port_number(listen.port)
            if port is None:
                notes.append(f'{listen.path}:{listen.line}: unknown port "{listen.port}": '
                             "listen statement ignored")
                continue
            for address in listen_addresses(listen):
                for name, match in server.names():
                    entry = Entry(name, match, address, port, listen.tls, number, server, conf,
                                  locations)
                    _group_for(groups, entry).add(entry)
    by_port: dict[int, list[Group]] = {}
    for group in groups:
        by_port.setdefault(group.port, []).append(group)
    return Table(config, config.chroot or DEFAULT_CHROOT, groups, by_port, notes)


def _group_for(groups: list[Group], entry: Entry) -> Group:
    for group in groups:
        if group.port == entry.port and group.address.accepts(entry.address):
            return group
    group = Group(entry.address, entry.port, entry.tls)
    groups.append(group)
    return group
