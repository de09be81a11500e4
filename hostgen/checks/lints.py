"""Warnings about locations that do not do what they seem to (positioned, each with a rule name).

* shadowed-location: an earlier location of the server matches every path this one matches,
  so httpd (first match wins) never reaches it.
* glob-like-pattern: a `match` pattern written like a glob: in a Lua pattern `/*` means "any
  number of slashes" and a leading `*` is a literal star.
* redirect-loop: the redirect's target is answered by the same redirect again.

Each is silenced for one location by listing its rule in the location's `silence:`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from hostgen.errors import HostgenError
from hostgen.httpd.simulate import request_from_url, simulate
from hostgen.httpd.simulate.conf import Conf
from hostgen.httpd.simulate.coverage import Tokens, covers, glob_tokens, lua_exact, lua_superset
from hostgen.httpd.simulate.sources import site_table
from hostgen.httpd.simulate.table import Entry, Table
from hostgen.site.layout import Block, blocks
from hostgen.site.model import Httpd, Location, Server, Site
from hostgen.site.problems import Loc, Problem

SHADOWED, GLOB_LIKE, LOOP = "shadowed-location", "glob-like-pattern", "redirect-loop"


def check_lints(site: Site, *, simulate: bool = True) -> list[Problem]:
    """Every lint of the site's locations. Without `simulate`, only those read from one server
    at a time (redirect-loop renders the whole site and routes requests through it)."""
    httpd = site.httpd
    if httpd is None:
        return []
    problems: list[Problem] = []
    for index, server in enumerate(httpd.servers):
        loc: Loc = ("httpd", "servers", index)
        problems += _shadowed(server, loc)
        problems += _glob_like(server, loc)
    if simulate:
        problems += _loops(site, httpd)
    return problems


def _silenced(location: Location, rule: str) -> bool:
    return rule in location.silence


def _text(location: Location) -> str:
    return location.path if location.path is not None else str(location.match)


def _key(location: Location) -> str:
    return "path" if location.path is not None else "match"


# ---- shadowed-location ---------------------------------------------------------------------

def _shadowed(server: Server, loc: Loc) -> Iterator[Problem]:
    locations = server.locations
    keys = [(location.path, location.match) for location in locations]
    starts = [_glob_start(location) for location in locations]
    for number, location in enumerate(locations):
        later = keys[number]
        if (not number or _silenced(location, SHADOWED) or not _text(location)
                or _superset(*later) is None):
            continue
        start = starts[number]
        for earlier_number in range(number):
            earlier, earlier_start = locations[earlier_number], starts[earlier_number]
            if (start is not None and earlier_start is not None
                    and not start.startswith(earlier_start)
                    and not earlier_start.startswith(start)):
                continue  # no path starts with both: most pairs of a server, told at once
            if earlier.found is not None and not _same_file_test(earlier, location, server):
                continue
            if _covers(keys[earlier_number], later):
                where = f"location #{earlier_number + 1} ({_key(earlier)}: {_text(earlier)})"
                yield Problem((*loc, "locations", number, _key(location)),
                              f"this location is never used: {where} comes first and matches "
                              "every path this one matches (httpd takes the first match)",
                              level="warning", rule=SHADOWED)
                break


# Keyed on the (path, match) texts of both locations, all the answer depends on: many servers
# repeat the same locations ("*.php" after "/"), and a 1000-server site asked the same pairs
# 1000 times (benchmarks/bench_startup.py).
@functools.lru_cache(maxsize=65536)
def _covers(earlier: tuple[str | None, str | None], later: tuple[str | None, str | None]) -> bool:
    """Every path the location `later` matches is matched by `earlier` (both as (path, match))."""
    tokens, superset = _exact(*earlier), _superset(*later)
    return tokens is not None and superset is not None and covers(tokens, superset)


def _glob_start(location: Location) -> str | None:
    """What every path a `path:` glob whose only wildcard is `*` matches starts with, ASCII
    lower-cased (httpd matches with fnmatch(3) and FNM_CASEFOLD, whose tolower(3) changes A-Z
    only); None for other locations. The glob matches a path that starts so (each `*` taken
    as nothing), and only such paths."""
    glob = location.path
    if glob is None or "?" in glob or "[" in glob or "\\" in glob or not glob.isascii():
        return None
    return glob.partition("*")[0].lower()


def _exact(path: str | None, match: str | None) -> Tokens | None:
    if path is not None:
        return glob_tokens(path)
    return lua_exact(match) if match is not None else None


def _superset(path: str | None, match: str | None) -> Tokens | None:
    if path is not None:
        return glob_tokens(path)
    return lua_superset(match) if match is not None else None


def _same_file_test(earlier: Location, later: Location, server: Server) -> bool:
    """An earlier location without a found/not-found test takes every path it matches; with
    one, only when the later location tests the same file the same way."""
    if earlier.found is None:
        return True
    return (earlier.found == later.found
            and (earlier.root or server.root) == (later.root or server.root)
            and (earlier.strip or 0) == (later.strip or 0))


# ---- glob-like-pattern ---------------------------------------------------------------------

def _glob_like(server: Server, loc: Loc) -> Iterator[Problem]:
    for number, location in enumerate(server.locations):
        pattern = location.match
        if pattern is None or _silenced(location, GLOB_LIKE):
            continue
        if "/*" in pattern:
            message = (f'"{pattern}" looks like a glob, but in a match pattern "/*" means '
                       '"any number of slashes", not "anything": drop the "*" (a pattern '
                       "matches anywhere unless anchored with ^ and $), or use path: for a glob")
        elif pattern.startswith("*"):
            message = (f'"{pattern}" looks like a glob, but a leading "*" in a match pattern '
                       'is a literal star: use path: for a glob, or write the pattern as '
                       '"%.php$" and the like')
        else:
            continue
        yield Problem((*loc, "locations", number, "match"), message, level="warning",
                      rule=GLOB_LIKE)


# ---- redirect-loop -------------------------------------------------------------------------

def _loops(site: Site, httpd: Httpd) -> list[Problem]:
    """Request a sample URL of each redirecting location, follow the redirect once, and
    warn when the target gets the very same redirect."""
    try:
        table = site_table(site)
    except HostgenError:
        return []  # a site that does not render has errors of its own
    layout = blocks(httpd, site.host.openbsd)
    if len(layout) != len(table.config.servers):
        return []
    seen: set[Loc] = set()
    problems: list[Problem] = []
    for entry in _primary_entries(table):
        block = layout[entry.block]
        for conf in (entry.conf, *entry.locations):
            loc = _redirect_loc(block, conf, httpd)
            if loc is None or loc in seen:
                continue
            if _loops_on(table, entry, conf, block):
                seen.add(loc)
                problems.append(Problem(loc, "this redirect points back at itself: its target "
                                        "gets the same redirect again (an endless loop)",
                                        level="warning", rule=LOOP))
    return problems


def _primary_entries(table: Table) -> Iterator[Entry]:
    """Each server block's own entry (its name on its first address)."""
    done: set[int] = set()
    for group in table.groups:
        for entry in group.entries:
            if entry.block not in done and entry.name == entry.server.name:
                done.add(entry.block)
                yield entry


def _redirect_loc(block: Block, conf: Conf, httpd: Httpd) -> Loc | None:
    """site.yaml path of a redirect this configuration writes, None if it is not one (or
    is silenced, or is hostgen's own)."""
    if conf.block is None or conf.block.uri is None:
        return None
    server: Loc = ("httpd", "servers", block.index)
    if conf.location is None:
        return None if block.https_redirect else (*server, "redirect")
    acme = 1 if block.acme else 0
    if conf.number < acme:
        return None
    location = block.server.locations[conf.number - acme]
    if _silenced(location, LOOP) or conf.location.pattern != _text(location):
        return None
    return (*server, "locations", conf.number - acme, "redirect")


def _loops_on(table: Table, entry: Entry, conf: Conf, block: Block) -> bool:
    base = f"{'https' if entry.tls else 'http'}://{_host(entry)}{_port(entry)}"
    target = conf.block.uri if conf.block is not None else None
    address = entry.address.text if entry.address.ip is not None and \
        not entry.address.wildcard else None
    samples = _samples(conf, target)
    # A target written out (no macro, no capture) is the Location of every answer of `conf`;
    # when it joins to the same URL from every sample, each sample that `conf` answers is sent
    # to that one URL, and what the URL gets is the same: the first such sample decides.
    one_first = (target is not None and "$" not in target and "%" not in target
                 and (len(samples) == 1 or _joins_alike(target)
                      or len({urljoin(base + path, target) for path in samples}) == 1))
    for path in samples:
        first = _redirect_of(table, base + path, conf, address)
        if first is None:
            continue
        again = _redirect_of(table, first, conf, address)
        if again == first or one_first:
            return again == first
    return False


def _joins_alike(target: str) -> bool:
    """urljoin(BASE + PATH, target) is the same URL for every PATH starting with "/" (BASE
    fixed): the target names a host (RFC 3986 5.2.2: then the base gives at most its
    scheme), or an absolute path (the base gives its scheme and host). Told without
    urljoin, which took 8 us a sample for the 1000-vhost site's absolute targets."""
    parts = urlsplit(target)
    return bool(parts.netloc) or parts.path.startswith("/")


def _redirect_of(table: Table, url: str, conf: Conf, address: str | None) -> str | None:
    """The absolute URL `url` is redirected to when `conf` answers it, else None."""
    try:
        answers = simulate(table, request_from_url(url, address=address))
    except HostgenError:
        return None
    for answer in answers:
        final = answer.chain[-1][1] if answer.chain else None
        if final is conf and answer.outcome.location is not None:
            return urljoin(url, answer.outcome.location)
    return None


def _samples(conf: Conf, target: str | None) -> list[str]:
    """Paths to try: a path the glob matches (`*` and `?` replaced), which the location is sure
    to answer, so first, and the redirect's own target when it names a path of the same kind
    of URL."""
    samples: list[str] = []
    location = conf.location
    if location is not None and not location.match and "[" not in location.pattern:
        sample = location.pattern.replace("*", "x").replace("?", "x")
        samples.append(sample if sample.startswith("/") else "/" + sample)
    if location is None:
        samples.append("/")
    if target and "$" not in target and "%" not in target:
        parts = urlsplit(target)
        path = parts.path or "/"
        samples.append(path + (f"?{parts.query}" if parts.query else ""))
    return [s for s in samples if s.startswith("/")]


def _host(entry: Entry) -> str:
    name = entry.name
    if entry.match or any(c in name for c in "*?[\\"):
        name = "".join("x" if c in "*?[]\\" else c for c in name)
    return name


def _port(entry: Entry) -> str:
    default = 443 if entry.tls else 80
    return "" if entry.port == default else f":{entry.port}"
