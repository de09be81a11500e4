"""Facts of the httpd.conf grammar as tables, read by the parser modules: where each statement
may stand and since which release (httpd-conf.md Appendix A, parse.y `serveroptsl`), grammar
that came later than its keywords (5.3), length limits (1.8) and the values some statements
accept (3.7). Facts of libtls are in httpd_checks."""

from __future__ import annotations

import re
from collections.abc import Mapping

from hostgen.live.records import record

INT_MAX = 2**31 - 1


@record(eq=False, repr=False)
class Directive:
    """Where a statement may appear (G global, S server, L location, T types), the first release
    with today's syntax, and httpd's message when it is written inside a location."""

    contexts: str
    since: str
    misplaced: str | None = None


#: httpd-conf.md Appendix A and parse.y `serveroptsl`.
DIRECTIVES: Mapping[str, Directive] = {
    "include": Directive("GSLT", "5.6"),
    "chroot": Directive("G", "5.6"),
    "logdir": Directive("G", "5.7"),
    "prefork": Directive("G", "5.6"),
    "types": Directive("G", "5.6"),
    "server": Directive("G", "5.6"),
    "default type": Directive("GSL", "5.8"),
    "errdocs": Directive("GS", "7.1", "errdocs inside location"),
    "no errdocs": Directive("S", "7.1", "errdocs inside location"),
    "no banner": Directive("GS", "7.9", "no banner inside location"),
    "banner": Directive("S", "7.9", "banner inside location"),
    "listen on": Directive("S", "5.6", "listen {} inside location"),
    "alias": Directive("S", "5.7", "alias inside location"),
    "location": Directive("S", "5.6", "location {} inside location"),
    "tls": Directive("S", "5.7", "tls configuration inside location"),
    "hsts": Directive("S", "5.8", "hsts inside location"),
    "connection": Directive("S", "5.6", "connection options inside location"),
    "tcp": Directive("S", "5.6", "tcp flags inside location"),
    **{
        name: Directive("SL", since)
        for name, since in {
            "root": "5.6", "directory": "5.6", "log": "5.6", "no log": "5.6",
            "fastcgi": "5.6", "no fastcgi": "5.6", "authenticate": "5.7",
            "no authenticate": "5.7", "block": "5.7", "pass": "5.7", "request": "6.4",
            "gzip-static": "7.1", "no gzip-static": "7.1",
            "static-cache-control": "current", "no static-cache-control": "current",
        }.items()
    },
}

#: Grammar and checks that came later than their keywords (httpd-conf.md 5.3).
FEATURE_SINCE: Mapping[str, str] = {
    "fastcgi strip": "6.7",
    "fastcgi socket tcp": "6.8",
    "fastcgi pass chunked": "current",
    "location defined twice": "6.9",
    "types later line wins": "7.2",
    "status 103 and 425": "7.6",
}

#: Length limits in bytes (httpd-conf.md 1.8) and httpd's message when exceeded.
LIMITS: Mapping[str, tuple[int, str]] = {
    "server": (255, "server name truncated"),
    "alias": (255, "server alias truncated"),
    "location": (254, "server location truncated"),
    "root": (1023, "document root too long"),
    "index": (1023, "index file too long"),
    "access": (1023, "access log name too long"),
    "error": (1023, "error log name too long"),
    "rewrite": (1023, "request path too long"),
    "htpasswd": (1023, "password file name too long"),
    "realm": (254, "basic auth realm name too long"),
    "errdocs": (1014, "errdoc root path too long"),
    "socket": (103, "socket path too long"),
    "param name": (510, "fastcgi_param name truncated"),
    "param value": (510, "fastcgi_param value truncated"),
    "ciphers": (510, "ciphers too long"),
    "dhe": (510, "dhe too long"),
    "ecdhe": (510, "ecdhe too long"),
    "media type": (63, "media type too long"),
    "media name": (127, "media name too long"),
}

#: A STRING that parse.y reads as a number (strtonum: leading blanks and a sign allowed).
NUMERIC = re.compile(r"[ \t\n\v\f\r]*[+-]?[0-9]+")

LOG_STYLES = frozenset({"common", "combined", "connection", "forwarded"})

#: The item words that make `hsts` and `fastcgi` take items (both may stand alone).
HSTS_ITEMS = frozenset({"max-age", "subdomains", "preload"})
FASTCGI_ITEMS = frozenset({"socket", "param", "strip", "pass"})

#: Status codes `block return` accepts (http.h; 103 and 425 since 7.6: httpd-conf.md 3.7).
STATUS_CODES = frozenset(
    {100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226}
    | set(range(300, 309))
    | set(range(400, 419))
    | {420, 422, 423, 424, 425, 426, 428, 429, 431, 451}
    | {500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511}
)
