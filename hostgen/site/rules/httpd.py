"""Cross-field rules of the httpd section (httpd-conf.md sections 1.8, 2, 3.7 and 5.3)."""

from __future__ import annotations

from collections.abc import Iterator

from hostgen.httpd import patterns
from hostgen.site.layout import blocks, material_of, serves
from hostgen.site.model import Authenticate, Fastcgi, Httpd, Location, Log, Server, Site
from hostgen.site.problems import Loc, Problem, close_match, unknown_name
from hostgen.site.rules.urls import check_expansion, check_redirect_target
from hostgen.site.versions import requirement

# http.h of 7.6 (httpd-conf.md 3.7); 103 and 425 arrived in 7.6.
BLOCK_CODES = frozenset({
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303,
    304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412,
    413, 414, 415, 416, 417, 418, 420, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501,
    502, 503, 504, 505, 506, 507, 508, 510, 511,
})
# Keys that make a location serve content; a redirect or block makes them dead.
SERVING = ("root", "index", "auto_index", "fastcgi", "rewrite", "strip", "gzip_static",
           "default_type", "authenticate")
ACTIONS = ("redirect", "block", "pass_", *SERVING, "log")
LIMITS = {"root": 1023, "rewrite": 1023, "index": 1023}  # httpd-conf.md 1.8
SOCKET_MAX = 103
# The warnings a location may silence: the lints of hostgen.checks.lints and the location rules
# here (tests/test_every_problem.py holds the two lists together).
SILENCEABLE = ("shadowed-location", "glob-like-pattern", "redirect-loop", "relative-redirect",
               "unmatchable-path", "root-in-chroot")
STATUS_ALONE = "status has no effect without a redirect: it is the redirect's HTTP status"
PATTERN_MAX = 254


def check_httpd(site: Site) -> list[Problem]:
    httpd = site.httpd
    if httpd is None:
        return []
    release = site.host.openbsd
    problems: list[Problem] = []
    if httpd.tls is not None and httpd.tls not in site.tls:
        problems.append(_unknown_material(("httpd", "tls"), httpd.tls, site))
    for name, responder in site.fastcgi.items():
        problems += check_fastcgi(responder, ("fastcgi", name), release)
    problems += _duplicate_blocks(httpd)
    for index, server in enumerate(httpd.servers):
        loc: Loc = ("httpd", "servers", index)
        problems += _server(server, loc, site, httpd, release)
        for number, location in enumerate(server.locations):
            problems += _location(location, (*loc, "locations", number), site, release)
        problems += _duplicate_locations(server, loc)
    return problems


def _unknown_material(loc: Loc, name: str, site: Site) -> Problem:
    return Problem(loc, unknown_name("TLS material", name, "tls", site.tls))


def _server(server: Server, loc: Loc, site: Site, httpd: Httpd, release: str) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(server.tls, str) and server.tls not in site.tls:
        problems.append(_unknown_material((*loc, "tls"), server.tls, site))
    material = material_of(server, httpd)
    if material is None and server.http != "serve":
        problems.append(Problem((*loc, "http"), f"http: {server.http} needs TLS, but this "
                                "server has none (set tls: or httpd.tls)"))
    if server.hsts not in (None, False):
        if material is None:
            problems.append(Problem((*loc, "hsts"), "hsts is only sent over TLS, and this "
                                    "server has no TLS"))
        problems += _needs("hsts", (*loc, "hsts"), release)
    if server.redirect is not None:
        problems += _redirect(server.redirect, server.status, loc, release, None)
        problems += [Problem((*loc, key), f"{key} has no effect: the whole server redirects")
                     for key in ("root", "index", "auto_index", "fastcgi")
                     if getattr(server, key) is not None]
    elif server.status is not None:
        problems.append(Problem((*loc, "status"), STATUS_ALONE))
    problems += _serving(server, loc, site, release)
    return problems


def _location(location: Location, loc: Loc, site: Site, release: str) -> list[Problem]:
    problems: list[Problem] = []
    if (location.path is None) == (location.match is None):
        return [Problem(loc, "a location needs exactly one of path (a glob) or match "
                             "(a pattern)")]
    captures: int | None = None
    if location.match is not None:
        problems += _needs("location_match", (*loc, "match"), release)
        problems += _pattern(location.match, (*loc, "match"))
        captures = _captures(location.match)
    else:
        problems += _glob(str(location.path), (*loc, "path"))
    if location.found is not None:
        problems += _needs("location_found", (*loc, "found"), release)
    if not any(getattr(location, key) is not None for key in ACTIONS):
        problems.append(Problem(loc, "a location must do something: redirect, block, pass, "
                                     "root, index, fastcgi, ... (httpd refuses an empty block)"))
    exclusive = [key for key in ("redirect", "block", "pass_")
                 if getattr(location, key) is not None]
    if len(exclusive) > 1:
        names = " and ".join(k.rstrip("_") for k in exclusive)
        problems.append(Problem((*loc, exclusive[1].rstrip("_")), f"{names} exclude each other: "
                                "a location answers with one of them"))
    if not serves(location):
        dead = [key for key in SERVING if getattr(location, key) is not None]
        problems += [Problem((*loc, key), f"{key} has no effect: this location answers with a "
                             f"{'redirect' if location.redirect else 'block'}") for key in dead]
    if location.redirect is not None:
        problems += _redirect(location.redirect, location.status, loc, release, captures)
    elif location.status is not None:
        problems.append(Problem((*loc, "status"), STATUS_ALONE))
    problems += _block(location, loc, release)
    if location.rewrite is not None:
        problems += _needs("request_rewrite", (*loc, "rewrite"), release)
        if not location.rewrite.startswith(("/", "$", "%")):
            problems.append(Problem((*loc, "rewrite"), "a rewrite target is a path starting "
                                    'with "/"'))
        problems += check_expansion(location.rewrite, (*loc, "rewrite"), release, captures)
    if location.strip is not None:
        problems += _needs("request_strip", (*loc, "strip"), release)
    if location.gzip_static is not None:
        problems += _needs("gzip_static", (*loc, "gzip_static"), release)
    problems += _serving(location, loc, site, release)
    problems += _silence(location, loc)
    # a location's `silence: [rule]` drops those warnings; errors cannot be silenced
    return [p for p in problems if p.level == "error" or p.rule not in location.silence]


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


def _serving(item: Server | Location, loc: Loc, site: Site, release: str) -> list[Problem]:
    """Rules shared by servers and locations: roots, FastCGI, logs, limits."""
    problems: list[Problem] = []
    for key, limit in LIMITS.items():
        value = getattr(item, key, None)
        if isinstance(value, str) and len(value.encode()) > limit:
            problems.append(Problem((*loc, key), f"{key} is at most {limit} bytes in httpd"))
    if item.root is not None and item.root.startswith("/var/www"):
        problems.append(Problem((*loc, "root"), f'root is inside the chroot: "{item.root}" '
                                f'means /var/www{item.root} on the host', level="warning",
                                rule="root-in-chroot"))
    if isinstance(item.fastcgi, str) and item.fastcgi not in site.fastcgi:
        problems.append(Problem((*loc, "fastcgi"), unknown_name(
            "FastCGI responder", item.fastcgi, "fastcgi", site.fastcgi)))
    if item.fastcgi is True:
        problems += _needs("fastcgi_default_socket", (*loc, "fastcgi"), release)
    if isinstance(item.fastcgi, Fastcgi):
        problems += check_fastcgi(item.fastcgi, (*loc, "fastcgi"), release)
    if isinstance(item.log, Log) and item.log.style == "forwarded":
        problems += _needs("log_forwarded", (*loc, "log", "style"), release)
    auth = item.authenticate
    if isinstance(auth, Authenticate) and auth.realm is not None and len(auth.realm.encode()) > 254:
        problems.append(Problem((*loc, "authenticate", "realm"), "a realm is at most 254 bytes"))
    return problems


def check_fastcgi(responder: Fastcgi, loc: Loc, release: str) -> list[Problem]:
    problems: list[Problem] = []
    if responder.socket is not None and len(responder.socket.encode()) > SOCKET_MAX:
        problems.append(Problem((*loc, "socket"), f"a socket path is at most {SOCKET_MAX} bytes "
                                "(httpd: socket path too long)"))
    if responder.socket is None:
        problems += _needs("fastcgi_default_socket", loc, release)
    if responder.param:
        problems += _needs("fastcgi_param", (*loc, "param"), release)
    for name, value in responder.param.items():
        if not name or len(name.encode()) > 510 or len(value.encode()) > 510:
            problems.append(Problem((*loc, "param", name), "a param name and value are 1 to 510 "
                                    "bytes each"))
    if responder.strip is not None:
        problems += _needs("fastcgi_strip", (*loc, "strip"), release)
    return problems


def _redirect(target: str, status: int | None, loc: Loc, release: str,
              captures: int | None) -> list[Problem]:
    problems = check_redirect_target(target, (*loc, "redirect"))
    problems += check_expansion(target, (*loc, "redirect"), release, captures)
    if status in (307, 308):
        problems += _needs("redirect_307_308", (*loc, "status"), release)
    return problems


def _block(location: Location, loc: Loc, release: str) -> list[Problem]:
    block = location.block
    if block is None or block is True or block == "drop":
        return []
    if block not in BLOCK_CODES:
        return [Problem((*loc, "block"), f"httpd cannot return status {block} "
                                         "(httpd: invalid return code)")]
    if block in (103, 425):
        return _needs("status_103_425", (*loc, "block"), release)
    return []


def _pattern(pattern: str, loc: Loc) -> list[Problem]:
    if len(pattern.encode()) > PATTERN_MAX:
        return [Problem(loc, f"a location pattern is at most {PATTERN_MAX} bytes "
                             "(httpd: server location truncated)")]
    error = patterns.check(pattern)
    if error is not None:
        return [Problem(loc, f'httpd reports "{error}" for this pattern and never matches it')]
    return []


def _captures(pattern: str) -> int | None:
    try:
        return patterns.capture_count(pattern)
    except patterns.PatternError:
        return None


def _glob(glob: str, loc: Loc) -> list[Problem]:
    if len(glob.encode()) > PATTERN_MAX:
        return [Problem(loc, f"a location path is at most {PATTERN_MAX} bytes "
                             "(httpd: server location truncated)")]
    if glob[0] not in "/*?[":
        return [Problem(loc, f'"{glob}" can never match: request paths start with "/"',
                        level="warning", rule="unmatchable-path")]
    return []


def _needs(feature: str, loc: Loc, release: str) -> list[Problem]:
    message = requirement(feature, release)
    return [Problem(loc, message)] if message else []


def _duplicate_blocks(httpd: Httpd) -> list[Problem]:
    """httpd stops with `server "NAME" defined twice` when a name, a server's own or an alias,
    is defined again on the same address and port (compared exactly, as parse.y does), even
    within one server (an alias repeating its name). A server's port-80 and TLS blocks never
    collide: their ports differ."""
    seen: dict[tuple[str, str, int], int] = {}
    problems: list[Problem] = []
    for block in blocks(httpd):
        server = block.server
        names: list[tuple[str, Loc]] = [(server.name, ("name",))]
        names += [(alias, ("aliases", i)) for i, alias in enumerate(server.aliases)]
        for name, where in names:
            key = (name, block.address, block.port)
            if key not in seen:
                seen[key] = block.index
                continue
            first = seen[key]
            by = "this server" if first == block.index else f"server #{first + 1}"
            problems.append(Problem(("httpd", "servers", block.index, *where),
                                    f'"{name}" is already defined on {block.address} port '
                                    f'{block.port} by {by} (httpd: server "{name}" defined '
                                    "twice)"))
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
