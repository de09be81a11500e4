"""The parts of a site that did validate, so the cross-field rules and lints can run on them.

When pydantic refuses part of site.yaml, the rest is still worth checking: one `hostgen check`
should list every mistake it can know, not one kind per round trip. Each type error is charged
to the smallest *unit* whose removal leaves the others meaning what they meant: a location, a
server's own keys (its broken keys go; its valid ones still count for the rules across servers,
such as a name defined twice; its locations are checked as usual), an entry of tls: or
fastcgi:, an expectation, a key of host: or httpd:, or a whole mail or resolver section (their
rules read several keys together, so half a section would give false alarms). A broken unit is
replaced by an inert placeholder that validates (an index into a list stays the same, so
positions and the "server #N" in messages stay true; a broken material or responder keeps its
name, so references to it are not reported as unknown), the model is built again, and the
problems the rules then find inside a broken unit, or in what reads it, are held back: they
come once it is fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hostgen.site.problems import Loc, Problem, close_match

# Placeholders are valid values that no real site uses: names under the reserved `.invalid`
# top-level domain (RFC 2606), so a placeholder server never collides with a real one.
_PLACEHOLDER_HOST = "held-back.invalid"
# Sections other parts refer to by name, and the key a reference sits at.
_NAMED = ("tls", "fastcgi")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass
class Parts:
    """What was held back, as a predicate on problem positions."""

    held: list[tuple[Loc, tuple[Loc, ...]]] = field(default_factory=list)  # prefix, kept below
    held_references: set[str] = field(default_factory=set)  # "tls"/"fastcgi": names unknowable

    def hold(self, prefix: Loc, keep: tuple[Loc, ...] = ()) -> None:
        self.held.append((prefix, keep))

    def is_held(self, problem: Problem) -> bool:
        loc = problem.loc
        if loc and loc[-1] in self.held_references and loc[0] not in _NAMED:
            return True
        for prefix, keep in self.held:
            if loc[:len(prefix)] == prefix and not any(
                    loc[len(prefix):len(prefix) + len(k)] == k for k in keep):
                return True
        return False


def unit_of(loc: Loc) -> Loc:
    """The smallest part of the data a type error at `loc` breaks (see the module text)."""
    if not loc:
        return ()
    head = loc[0]
    if head == "httpd":
        if len(loc) >= 5 and loc[1] == "servers" and loc[3] == "locations":
            return loc[:5]
        if len(loc) >= 3 and loc[1] == "servers":
            return loc[:3]
        return loc[:2]
    if head in _NAMED or head == "expect" or head == "host":
        return loc[:2]
    return loc[:1]   # resolver, spamd, dkimproxy, mta (and an unknown top-level key): whole


def prune(data: dict[str, Any], broken: set[Loc]) -> tuple[dict[str, Any], Parts] | None:
    """A copy of `data` with each unit holding a broken place (the positions of the type
    errors) replaced by its placeholder, and what is held; None when the document itself is."""
    units = {unit_of(loc) for loc in broken}
    if () in units:
        return None
    out = dict(data)
    parts = Parts()
    for unit in sorted(units, key=lambda u: (len(u), [str(p) for p in u])):
        _replace(out, unit, parts, broken)
    return out, parts


def _replace(out: dict[str, Any], unit: Loc, parts: Parts, broken: set[Loc]) -> None:
    if not unit:
        return
    head = unit[0]
    if len(unit) == 1:
        _replace_section(out, str(head), parts)
        return
    if head == "httpd":
        _replace_httpd(out, unit, parts, broken)
    elif head in _NAMED:
        table = _copy_dict(out, (head,))
        if table is None:
            return
        name = unit[1]
        parts.hold(unit[:2])
        if isinstance(name, str) and _valid_name(name):
            table[name] = ({"certificate": "/held-back", "key": "/held-back"} if head == "tls"
                           else {"socket": "/held-back"})
        else:
            table.pop(str(name), None)
    elif head == "expect":
        items = _copy_list(out, ("expect",))
        if items is not None and isinstance(unit[1], int) and unit[1] < len(items):
            items[unit[1]] = {"url": f"http://{_PLACEHOLDER_HOST}/", "status": 200}
            parts.hold(unit[:2])
    elif head == "host":
        host = _copy_dict(out, ("host",))
        if host is None:
            return
        parts.hold(unit)
        if unit[1] == "name":
            host["name"] = _PLACEHOLDER_HOST
        else:
            host.pop(str(unit[1]), None)   # openbsd: the newest release, no release gate fires


def _replace_section(out: dict[str, Any], head: str, parts: Parts) -> None:
    parts.hold((head,))
    if head == "host":
        out["host"] = {"name": _PLACEHOLDER_HOST}
    elif head in _NAMED:
        out[head] = {}
        parts.held_references.add(head)
    elif head == "expect":
        out["expect"] = []
    else:
        out.pop(head, None)
        # an unknown section may be a misspelt one that others refer to ("tsl:")
        near = close_match(head, list(_NAMED))
        if near is not None:
            parts.held_references.add(near)


def _replace_httpd(out: dict[str, Any], unit: Loc, parts: Parts, broken: set[Loc]) -> None:
    httpd = _copy_dict(out, ("httpd",))
    if httpd is None:
        return
    servers = httpd.get("servers")
    count = len(servers) if isinstance(servers, list) else 0
    own_locations = tuple(("servers", i, "locations") for i in range(count))
    if unit[1] != "servers":
        # httpd's own keys (listen, tls, acme, ...) shape every server block: their rules wait,
        # each location's own rules still run
        httpd.pop(str(unit[1]), None)
        parts.hold(("httpd",), own_locations)
        return
    if len(unit) == 2 or not isinstance(servers, list):
        httpd["servers"] = [{"name": _PLACEHOLDER_HOST}]
        parts.hold(("httpd",))
        return
    index = unit[2]
    if not isinstance(index, int) or index >= count:
        return
    servers = httpd["servers"] = list(servers)
    if len(unit) == 3:
        # the server's broken keys go (a name the placeholder's own); its valid keys stay for
        # the rules across servers (a name defined twice), its own rules wait, its locations
        # are checked as usual
        bad = {loc[3] for loc in broken if loc[:3] == unit and len(loc) > 3} | \
            ({"name"} if unit in broken else set())
        server = servers[index] if isinstance(servers[index], dict) else {}
        placeholder = {k: v for k, v in server.items() if k not in bad}
        if "name" not in placeholder:
            placeholder["name"] = f"server-{index + 1}.{_PLACEHOLDER_HOST}"
        servers[index] = placeholder
        parts.hold(unit, (("locations",),) if "locations" in placeholder else ())
        return
    server = servers[index] = dict(servers[index])
    locations = server["locations"] = list(server.get("locations") or [])
    number = unit[4]
    if isinstance(number, int) and number < len(locations):
        locations[number] = {}
        parts.hold(unit)


def _copy_dict(out: dict[str, Any], path: tuple[str]) -> dict[str, Any] | None:
    value = out.get(path[0])
    if not isinstance(value, dict):
        return None
    copy = out[path[0]] = dict(value)
    return copy


def _copy_list(out: dict[str, Any], path: tuple[str]) -> list[Any] | None:
    value = out.get(path[0])
    if not isinstance(value, list):
        return None
    copy = out[path[0]] = list(value)
    return copy


def _valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None   # types.MaterialName
