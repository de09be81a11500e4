"""Rules of the httpd section shared by servers and locations: release gates, patterns, globs,
redirects, block statuses, FastCGI responders and what serves content (httpd-conf.md 1.8,
2.4, 3.7, 4.3 and 5.3)."""

from __future__ import annotations

from hostgen.httpd import patterns
from hostgen.site.model import Authenticate, Fastcgi, Location, Log, Server, Site
from hostgen.site.problems import Loc, Problem, unknown_name
from hostgen.site.rules.urls import check_expansion, check_redirect_target
from hostgen.site.versions import requirement

# http.h of 7.6 (httpd-conf.md 3.7); 103 and 425 arrived in 7.6.
BLOCK_CODES = frozenset({
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303,
    304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412,
    413, 414, 415, 416, 417, 418, 420, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501,
    502, 503, 504, 505, 506, 507, 508, 510, 511,
})
LIMITS = {"root": 1023, "rewrite": 1023, "index": 1023, "errdocs": 1014}  # httpd-conf.md 1.8
SOCKET_MAX = 103
PATTERN_MAX = 254
NAME_MAX = 255

# The warnings a location may silence: the lints of hostgen.checks.lints and the location rules
# (tests/test_every_problem.py holds the two lists together).
SILENCEABLE = ("shadowed-location", "glob-like-pattern", "redirect-loop", "relative-redirect",
               "unmatchable-path", "root-in-chroot")
# The keys `serving` has a rule for: an item that sets none of them has nothing to check there.
SERVING_RULES = frozenset((*LIMITS, "root", "rewrite", "gzip_static", "default_type", "fastcgi",
                           "log", "authenticate", "block"))
STATUS_ALONE = "status has no effect without a redirect: it is the redirect's HTTP status"


def needs(feature: str, loc: Loc, release: str) -> list[Problem]:
    message = requirement(feature, release)
    return [Problem(loc, message)] if message else []


def serving(item: Server | Location, loc: Loc, site: Site, release: str,
            captures: int | None = None, keys: frozenset[str] | None = None) -> list[Problem]:
    """Rules shared by servers and locations: roots, rewrites, FastCGI, logs, limits. `keys`:
    the keys the item sets (layout.given), when the caller has them."""
    problems: list[Problem] = []
    # pydantic keeps field values in the instance's __dict__; a key the model lacks (a
    # location's errdocs) is unset. getattr(item, key, None) took 4 us on that path.
    values = vars(item)
    if keys is None:
        keys = frozenset(key for key, value in values.items() if value is not None)
    for key, limit in LIMITS.items():
        if key in keys:
            value = values[key]
            if isinstance(value, str) and len(value.encode()) > limit:
                problems.append(Problem((*loc, key), f"{key} is at most {limit} bytes in httpd"))
    root = item.root
    if root is not None:
        chroot = ((site.httpd.chroot if site.httpd else None) or "/var/www").rstrip("/")
        if (root + "/").startswith(chroot + "/"):
            problems.append(Problem((*loc, "root"), f'root is inside the chroot: "{root}" '
                                    f"means {chroot}{root} on the host",
                                    level="warning", rule="root-in-chroot"))
    if "rewrite" in keys:
        problems += needs("request_rewrite", (*loc, "rewrite"), release)
        if isinstance(item.rewrite, str):
            if not item.rewrite.startswith(("/", "$", "%")):
                problems.append(Problem((*loc, "rewrite"), "a rewrite target is a path "
                                        'starting with "/"'))
            problems += check_expansion(item.rewrite, (*loc, "rewrite"), release, captures)
    if "gzip_static" in keys:
        problems += needs("gzip_static", (*loc, "gzip_static"), release)
    if "default_type" in keys:
        problems += needs("default_type", (*loc, "default_type"), release)
    if "fastcgi" in keys:
        problems += _fastcgi_use(item.fastcgi, (*loc, "fastcgi"), site, release)
    if "log" in keys and isinstance(item.log, Log) and item.log.style == "forwarded":
        problems += needs("log_forwarded", (*loc, "log", "style"), release)
    auth = item.authenticate
    if isinstance(auth, Authenticate) and auth.realm is not None and len(auth.realm.encode()) > 254:
        problems.append(Problem((*loc, "authenticate", "realm"), "a realm is at most 254 bytes"))
    if "block" in keys:
        problems += block_status(item.block, (*loc, "block"), release)
    return problems


def _fastcgi_use(fastcgi: object, loc: Loc, site: Site, release: str) -> list[Problem]:
    """A server's or location's `fastcgi:`: a responder's name, true, or one written inline."""
    if isinstance(fastcgi, str) and fastcgi not in site.fastcgi:
        return [Problem(loc, unknown_name("FastCGI responder", fastcgi, "fastcgi", site.fastcgi))]
    if fastcgi is True:
        return needs("fastcgi_default_socket", loc, release)
    if isinstance(fastcgi, Fastcgi):
        return check_fastcgi(fastcgi, loc, release)
    return []


def check_fastcgi(responder: Fastcgi, loc: Loc, release: str) -> list[Problem]:
    problems: list[Problem] = []
    if responder.socket is not None and len(responder.socket.encode()) > SOCKET_MAX:
        problems.append(Problem((*loc, "socket"), f"a socket path is at most {SOCKET_MAX} bytes "
                                "(httpd: socket path too long)"))
    if responder.socket is not None and responder.tcp is not None:
        problems.append(Problem((*loc, "tcp"), "a responder has either socket (a UNIX socket) "
                                "or tcp (a host and port), not both"))
    elif responder.tcp is not None:
        problems += needs("fastcgi_tcp", (*loc, "tcp"), release)
    elif responder.socket is None:
        problems += needs("fastcgi_default_socket", loc, release)
    if responder.param:
        problems += needs("fastcgi_param", (*loc, "param"), release)
    for name, value in responder.param.items():
        if not name or len(name.encode()) > 510 or len(value.encode()) > 510:
            problems.append(Problem((*loc, "param", name), "a param name and value are 1 to 510 "
                                    "bytes each"))
    if responder.strip is not None:
        problems += needs("fastcgi_strip", (*loc, "strip"), release)
    return problems


def redirect(target: str, status: int | None, loc: Loc, release: str,
             captures: int | None) -> list[Problem]:
    problems = check_redirect_target(target, (*loc, "redirect"))
    problems += check_expansion(target, (*loc, "redirect"), release, captures)
    if status in (307, 308):
        problems += needs("redirect_307_308", (*loc, "status"), release)
    return problems


def block_status(block: object, loc: Loc, release: str) -> list[Problem]:
    if not isinstance(block, int) or isinstance(block, bool):
        return []
    if block not in BLOCK_CODES:
        return [Problem(loc, f"httpd cannot return status {block} (httpd: invalid return code)")]
    if block in (103, 425):
        return needs("status_103_425", loc, release)
    return []


def pattern(text: str, loc: Loc, what: str = "location") -> list[Problem]:
    """A `location match`, `server match` or `alias match` pattern (httpd-conf.md 1.8, 4)."""
    limit, message = (PATTERN_MAX, "server location truncated") if what == "location" else \
        (NAME_MAX, f"server {what} truncated")
    if len(text.encode()) > limit:
        return [Problem(loc, f"a {what} pattern is at most {limit} bytes (httpd: {message})")]
    error = patterns.check(text)
    if error is not None:
        return [Problem(loc, f'httpd reports "{error}" for this pattern and never matches it')]
    return []


def captures(text: str) -> int | None:
    try:
        return patterns.capture_count(text)
    except patterns.PatternError:
        return None


def glob(text: str, loc: Loc) -> list[Problem]:
    if len(text.encode()) > PATTERN_MAX:
        return [Problem(loc, f"a location path is at most {PATTERN_MAX} bytes "
                             "(httpd: server location truncated)")]
    if text[0] not in "/*?[":
        return [Problem(loc, f'"{text}" can never match: request paths start with "/"',
                        level="warning", rule="unmatchable-path")]
    return []
