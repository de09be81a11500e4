"""What only a fleet shows: conflicts between hosts that each look right alone.

* one host name defined by two host files (their outputs would go to one folder);
* one server name or alias served by two hosts (clients and acme-client reach one of them);
* one DKIM selector used for the same domain by two hosts (one TXT record, two keys: mail
  signed by the other host fails verification).

Sharing is not a conflict when it is written once: a server or a DKIM selector that two hosts
take from the same text of a shared file (`include:`) is meant for both (a server behind
round-robin DNS, one signing key deployed to every host). The same value written twice is the
drift a fleet repository exists to prevent, and is an error at the second place, naming the
first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hostgen.site.layout import names as layout_names
from hostgen.site.model import Site
from hostgen.site.problems import Loc, Positions, Problem


@dataclass(frozen=True)
class Member:
    """One valid host of the fleet: its file as the user named it, its model, its positions."""

    shown: str
    site: Site
    positions: Positions

    def at(self, loc: Loc) -> str:
        """`FILE:LINE:COL` of the value at `loc`, in the file where it is written."""
        file, mark = self.positions.where(loc)
        return f"{file or self.shown}:{mark.line}:{mark.col}"

    def origin(self, loc: Loc) -> tuple[str, int, int] | None:
        """Where shared text stands (an included file's position); None for the host's own."""
        file, mark = self.positions.where(loc)
        return None if file is None else (file, mark.line, mark.col)


@dataclass(frozen=True)
class _Seen:
    member: Member
    loc: Loc


def fleet_problems(members: list[Member]) -> list[tuple[Member, Problem]]:
    """Each conflict, with the host whose positions place it."""
    return [*_host_names(members), *_server_names(members), *_dkim_selectors(members)]


def _host_names(members: list[Member]) -> Iterator[tuple[Member, Problem]]:
    first: dict[str, Member] = {}
    loc: Loc = ("host", "name")
    for member in members:
        name = member.site.host.name.lower().rstrip(".")
        if name in first:
            yield member, Problem(loc, f'host "{member.site.host.name}" is also described at '
                                       f"{first[name].at(loc)}: one file per host")
        else:
            first[name] = member


def names(site: Site) -> Iterator[tuple[Loc, str]]:
    """(position, name) of every server name and alias the site serves."""
    if site.httpd is None:
        return
    for index, server in enumerate(site.httpd.servers):
        loc: Loc = ("httpd", "servers", index)
        where: list[Loc] = [(*loc, "match" if server.match is not None else "name")]
        where += [(*loc, "aliases", number) for number in range(len(server.aliases))]
        for (text, pattern), at in zip(layout_names(server), where, strict=True):
            yield at, f'match "{text}"' if pattern else text


def _server_names(members: list[Member]) -> Iterator[tuple[Member, Problem]]:
    first: dict[str, _Seen] = {}
    for member in members:
        for loc, name in names(member.site):
            key = name.lower().rstrip(".")
            seen = first.get(key)
            if seen is None:
                first[key] = _Seen(member, loc)
            elif seen.member is not member and not _shared(seen, member, loc):
                # a name twice in one host is the host's own rules' business
                yield member, Problem(loc, f'"{name}" is also served by host '
                                           f"{seen.member.site.host.name} "
                                           f"({seen.member.at(seen.loc)}); a name is served by "
                                           "one host, or by several from one shared file")


def _dkim_selectors(members: list[Member]) -> Iterator[tuple[Member, Problem]]:
    first: dict[tuple[str, str], _Seen] = {}
    loc: Loc = ("dkimproxy", "selector")
    for member in members:
        proxy = member.site.dkimproxy
        if proxy is None:
            continue
        for domain in proxy.domains:
            key = (proxy.selector.lower(), domain.lower().rstrip("."))
            seen = first.get(key)
            if seen is None:
                first[key] = _Seen(member, loc)
            elif not _shared(seen, member, loc):
                yield member, Problem(loc, f'DKIM selector "{proxy.selector}" for {domain} is '
                                           f"also used by host {seen.member.site.host.name} "
                                           f"({seen.member.at(loc)}): one DNS record cannot "
                                           "publish two keys; give each host its own selector")


def _shared(seen: _Seen, member: Member, loc: Loc) -> bool:
    """Both values are the same text of a shared file."""
    origin = member.origin(loc)
    return origin is not None and origin == seen.member.origin(seen.loc)
