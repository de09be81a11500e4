"""SITE given as a folder: a fleet, each `*.yaml` directly in it one host (DESIGN.md "Many
hosts"). Loading every host with the shared files read once, picking one by `--host`, and
printing the problems of many hosts, a problem in a shared file once with every host that
reaches it."""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hostgen.checks.fleet import Member, fleet_problems, names
from hostgen.errors import HostgenError, InvalidSite
from hostgen.site.fleet import Includes, host_files, load_document, repository_of
from hostgen.site.load import LoadedSite, check_site_file, load_site, read_text
from hostgen.site.model import Site
from hostgen.site.problems import Positions, Problem, has_errors, where


def hosts_of(folder: str) -> list[Path]:
    """The host files of a fleet folder as the user names them (`hosts/web.yaml`)."""
    found = [Path(folder) / path.name for path in host_files(Path(folder))]
    if not found:
        raise HostgenError(f"{folder}: no host files (*.yaml) in this folder")
    return found


def includes_for(paths: list[Path]) -> Includes:
    """One cache of shared files for every host of the fleet."""
    return Includes(repository_of(paths[0]))


@dataclass
class Checked:
    """One host as check sees it: its problems so far, and its model when it has one."""

    shown: str
    site: Site | None
    positions: Positions
    problems: list[Problem]

    @property
    def member(self) -> Member | None:
        return None if self.site is None else Member(self.shown, self.site, self.positions)


Extra = Callable[[Site, Positions, str], list[Problem]]


def check_hosts(folder: str, extra: Extra | None = None) -> list[Checked]:
    """Every host of the fleet validated (and given to `extra` when it has no error), then the
    fleet's own problems added to the host whose positions place them (run on the hosts that
    have a model)."""
    paths = hosts_of(folder)
    includes = includes_for(paths)
    checked = [Checked(str(path), *_check(path, includes)) for path in paths]
    for host in checked:
        if extra is not None and host.site is not None and not has_errors(host.problems):
            host.problems += extra(host.site, host.positions, host.shown)
    by_site = {id(c.site): c for c in checked if c.site is not None}
    for member, problem in fleet_problems([m for c in checked if (m := c.member)]):
        by_site[id(member.site)].problems.append(problem)
    return checked


def _check(path: Path, includes: Includes) -> tuple[Site | None, Positions, list[Problem]]:
    site, problems, positions = check_site_file(path, includes)
    return site, positions, problems


def load_fleet(folder: str) -> list[LoadedSite]:
    """Every host, valid with the fleet's rules (their warnings printed to stderr, each once);
    or InvalidSite with every problem of all."""
    checked = check_hosts(folder)
    lines = format_fleet(checked)
    errors = count(checked)[0]
    if errors:
        raise InvalidSite(folder, lines, errors)
    for line in lines:
        print(line, file=sys.stderr)
    return [LoadedSite(Path(c.shown), c.shown, c.site, c.positions, [])
            for c in checked if c.site is not None]


def pick_host(folder: str, name: str | None) -> LoadedSite:
    """The host of the fleet whose `host.name` is `name`; without a name, an error listing
    the hosts (diff and apply act on one host at a time)."""
    paths = hosts_of(folder)
    includes = includes_for(paths)
    named: dict[str, Path] = {}
    for path in paths:
        data: Any = load_document(path, str(path), read_text(path), includes).data
        host = data.get("host") if isinstance(data, dict) else None
        found = host.get("name") if isinstance(host, dict) else None
        named.setdefault(str(found) if found else path.stem, path)
    if name is None or name not in named:
        listed = ", ".join(named)
        said = "--host NAME picks one" if name is None else f'no host "{name}" in it'
        raise HostgenError(f"{folder} is a fleet folder: {said} (hosts: {listed})")
    return load_site(named[name], includes)


_Key = tuple[str, int, int, int, str]


def _collect(checked: list[Checked]) -> dict[_Key, list[str]]:
    """Each distinct problem (file, line, column, level, text) and the hosts it is reached
    through when it is written in another file than theirs."""
    vias: dict[_Key, list[str]] = {}
    for host in checked:
        for problem in host.problems:
            file, mark = where(problem, host.positions)
            rule = f" ({problem.rule})" if problem.rule else ""
            text = f"{problem.level}: {problem.message}{rule}"
            level = 0 if problem.level == "error" else 1
            key = (file or host.shown, mark.line, mark.col, level, text)
            hosts = vias.setdefault(key, [])
            if file is not None and file != host.shown and host.shown not in hosts:
                hosts.append(host.shown)
    return vias


def host_serving(folder: str, name: str | None) -> LoadedSite:
    """The host of the fleet that serves `name` (a Host header: the port and a final dot are
    ignored; server names may be httpd's glob patterns). Several hosts serve it only when they
    take it from one shared file: they answer alike, the first is used."""
    hosts = load_fleet(folder)
    wanted = (name or "").rpartition(":")[0] if (name or "").count(":") == 1 else (name or "")
    wanted = wanted.lower().rstrip(".")
    found = [loaded for loaded in hosts
             if any(fnmatch.fnmatchcase(wanted, served.lower().rstrip("."))
                    for _, served in names(loaded.site))]
    if not found:
        listed = ", ".join(loaded.site.host.name for loaded in hosts)
        raise HostgenError(f'{folder}: no host serves "{name}" (hosts: {listed})')
    return found[0]


def format_fleet(checked: list[Checked]) -> list[str]:
    """`FILE:LINE:COL: level: message`, sorted by file and position; a problem written in a
    shared file is printed once, followed by every host it was reached through."""
    return [f"{file}:{line}:{col}: {text}" + (f" (via {', '.join(hosts)})" if hosts else "")
            for (file, line, col, _, text), hosts in sorted(_collect(checked).items())]


def count(checked: list[Checked]) -> tuple[int, int]:
    """(errors, warnings) as printed: a shared problem counts once."""
    levels = [key[3] for key in _collect(checked)]
    return levels.count(0), levels.count(1)


def summary(folder: str, checked: list[Checked]) -> tuple[str, bool]:
    """The last line of check, and whether the fleet is valid."""
    errors, warnings = count(checked)
    invalid = [c.shown for c in checked if c.site is None or has_errors(c.problems)]
    if invalid:
        return (f"{folder}: invalid: {errors} error(s), {warnings} warning(s) "
                f"({len(invalid)} of {len(checked)} host(s) invalid)", False)
    said = f" ({warnings} warning(s))" if warnings else ""
    return f"{folder}: {len(checked)} host(s) valid{said}", True
