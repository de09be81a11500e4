"""Cross-field rules of the httpd section (httpd-conf.md sections 1.8, 2, 3.7 and 5.3): the
entry point, locations, and names defined twice. Servers and global options are in
httpd_server, what both share in httpd_values."""

from __future__ import annotations

from collections.abc import Iterator

from hostgen.site.layout import Block, blocks, given, names, serves
from hostgen.site.model import Location, Server, Site
from hostgen.site.problems import Loc, Problem, close_match, unknown_name
from hostgen.site.rules.httpd_server import check_globals, check_server, check_sockets
from hostgen.site.rules.httpd_values import (
    SERVING_RULES,
    SILENCEABLE,
    STATUS_ALONE,
    captures,
    check_fastcgi,
    glob,
    needs,
    pattern,
    redirect,
    serving,
)

# Keys that make a location serve content; a redirect or block makes them dead.
SERVING = ("root", "index", "auto_index", "fastcgi", "rewrite", "strip", "gzip_static",
           "default_type", "authenticate")
ACTIONS = frozenset(("redirect", "block", "pass_", *SERVING, "log"))
EXCLUSIVE = ("redirect", "block", "pass_")


def check_httpd(site: Site) -> list[Problem]:
    httpd = site.httpd
    if httpd is None:
        return []
    release = site.host.openbsd
    problems: list[Problem] = []
    if httpd.tls is not None and httpd.tls not in site.tls:
        problems.append(unknown_material(("httpd", "tls"), httpd.tls, site))
    for name, responder in site.fastcgi.items():
        problems += check_fastcgi(responder, ("fastcgi", name), release)
    problems += check_globals(httpd, release)
    written = blocks(httpd, release)
    problems += _duplicate_blocks(written)
    problems += check_sockets(written)
    for index, server in enumerate(httpd.servers):
        loc: Loc = ("httpd", "servers", index)
        problems += check_server(server, loc, site, httpd, release)
        answer = "redirect" if server.redirect is not None else \
            "block" if server.block is not None else None
        for number, location in enumerate(server.locations):
            problems += _location(location, (*loc, "locations", number), site, release, answer)
        problems += _duplicate_locations(server, loc)
    return problems


def unknown_material(loc: Loc, name: str, site: Site) -> Problem:
    return Problem(loc, unknown_name("TLS material", name, "tls", site.tls))


def _location(location: Location, loc: Loc, site: Site, release: str,
              inherited: str | None = None) -> list[Problem]:
    """`inherited`: what the server answers as a whole ("redirect", "block"), if it does."""
    # every rule below is about a key the location sets: a location of two keys is checked by
    # looking at two keys, not at all eighteen (most of the rule time of a 10,000-location site)
    keys = given(location)
    if ("path" in keys) == ("match" in keys):
        return [Problem(loc, "a location needs exactly one of path (a glob) or match "
                             "(a pattern)")]
    problems: list[Problem] = []
    count: int | None = None
    if location.match is not None:
        problems += needs("location_match", (*loc, "match"), release)
        problems += pattern(location.match, (*loc, "match"))
        count = captures(location.match)
    else:
        problems += glob(str(location.path), (*loc, "path"))
    if "found" in keys:
        problems += needs("location_found", (*loc, "found"), release)
    if keys.isdisjoint(ACTIONS):
        problems.append(Problem(loc, "a location must do something: redirect, block, pass, "
                                     "root, index, fastcgi, ... (httpd refuses an empty block)"))
    exclusive = [key for key in EXCLUSIVE if key in keys]
    if len(exclusive) > 1:
        shown = " and ".join(k.rstrip("_") for k in exclusive)
        problems.append(Problem((*loc, exclusive[1].rstrip("_")), f"{shown} exclude each other: "
                                "a location answers with one of them"))
    # what a location serves has no effect when it answers on its own, or when it inherits
    # the answer of a server that redirects or blocks as a whole: a location without its own
    # block or pass inherits the server's, code and URI included (httpd-conf.md 2.6)
    why = None
    if not serves(location):
        why = f"this location answers with a {'redirect' if location.redirect else 'block'}"
    elif inherited is not None and location.pass_ is not True:
        why = f"this location inherits the server's {inherited} (pass: true makes it serve)"
    if why is not None:
        problems += [Problem((*loc, key), f"{key} has no effect: {why}")
                     for key in SERVING if key in keys]
    if location.redirect is not None:
        problems += redirect(location.redirect, location.status, loc, release, count)
    elif "status" in keys:
        problems.append(Problem((*loc, "status"), STATUS_ALONE))
    if not keys.isdisjoint(SERVING_RULES):
        problems += serving(location, loc, site, release, count, keys)
    if location.silence:
        problems += _silence(location, loc)
        # a location's `silence: [rule]` drops those warnings; errors cannot be silenced
        return [p for p in problems if p.level == "error" or p.rule not in location.silence]
    return problems


def _silence(location: Location, loc: Loc) -> list[Problem]:
    problems = []
    for index, rule in enumerate(location.silence):
        if rule in SILENCEABLE:
            continue
        near = close_match(rule, SILENCEABLE)
        hint = f' (did you mean "{near}"?)' if near else \
            f": a location can silence {', '.join(SILENCEABLE)}"
        problems.append(Problem((*loc, "silence", index), f'unknown rule "{rule}"{hint}'))
    return problems


def _duplicate_blocks(written: list[Block]) -> list[Problem]:
    """httpd stops with `server "NAME" defined twice` when a name, a server's own or an alias,
    is defined again on the same address and port (compared exactly, as parse.y does: a
    `match` name by its text), even within one server (an alias repeating its name). A
    server's port-80 and TLS listeners never collide: their ports differ."""
    seen: dict[tuple[str, str, int], int] = {}
    problems: list[Problem] = []
    for block in written:
        server = block.server
        first_key = "match" if server.match is not None else "name"
        where_of: list[Loc] = [(first_key,)] + [("aliases", i) for i in range(len(server.aliases))]
        for (name, _), where in zip(names(server), where_of, strict=True):
            for listen in block.listens:
                key = (name, listen.address, listen.port)
                if key not in seen:
                    seen[key] = block.index
                    continue
                first = seen[key]
                by = "this server" if first == block.index else f"server #{first + 1}"
                problems.append(Problem(("httpd", "servers", block.index, *where),
                                        f'"{name}" is already defined on {listen.address} port '
                                        f'{listen.port} by {by} (httpd: server "{name}" '
                                        "defined twice)"))
    return _first_per_place(problems)


def _first_per_place(problems: list[Problem]) -> list[Problem]:
    """One problem per position: a name repeated on port 80 and 443 is one mistake."""
    unique: dict[Loc, Problem] = {}
    for problem in problems:
        unique.setdefault(problem.loc, problem)
    return list(unique.values())


def _duplicate_locations(server: Server, loc: Loc) -> Iterator[Problem]:
    """`location "P" defined twice`: same text and found setting; the match flag is ignored."""
    seen: dict[tuple[str, bool | None], int] = {}
    for number, location in enumerate(server.locations):
        text = location.path if location.path is not None else location.match
        if text is None:
            continue
        first = seen.setdefault((text, location.found), number)
        if first != number:
            key = "path" if location.path is not None else "match"
            yield Problem((*loc, "locations", number, key),
                          f'location "{text}" is already defined at position {first + 1} of '
                          "this server (httpd: defined twice)")
