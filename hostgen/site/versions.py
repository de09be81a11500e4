"""Which OpenBSD release knows which syntax: grammar facts as a table, read by one function.

Sources: reference/httpd-conf.md section 5.3 (dated from the sizeofvoid/httpd history of
usr.sbin/httpd) and reference/spamd.md section 2.3. A feature whose first release the reference
marks "borderline" is given the later of the two candidate releases, so hostgen never emits
syntax a release might not know.
"""

from __future__ import annotations

import functools

RELEASES: tuple[str, ...] = tuple(
    [f"5.{minor}" for minor in range(7, 10)]
    + [f"6.{minor}" for minor in range(10)]
    + [f"7.{minor}" for minor in range(10)]
)
NEWEST = RELEASES[-1]

Release = tuple[int, int]


@functools.lru_cache(maxsize=64)   # asked for every feature of every location
def parse_release(text: str) -> Release:
    major, minor = text.split(".")
    return int(major), int(minor)


# feature -> (first release, what a user reads in the error)
FEATURES: dict[str, tuple[str, str]] = {
    "location_match": ("5.8", "location match patterns"),
    "server_match": ("5.8", "server match patterns"),
    "alias_match": ("5.8", "alias match patterns"),
    "hsts": ("5.8", "hsts"),
    "default_type": ("5.8", "default type"),
    "tls_ocsp": ("6.1", "tls ocsp"),
    "connection_request_timeout": ("6.1", "connection request timeout"),
    "macro_HTTP_HOST": ("6.2", "the $HTTP_HOST macro"),  # borderline 6.1/6.2
    "tls_ticket": ("6.2", "tls ticket lifetime / tls no ticket"),  # borderline 6.1/6.2
    "tls_ecdhe_list": ("6.2", "a tls ecdhe curve list or \"default\""),
    "redirect_307_308": ("6.3", "redirects with status 307 or 308"),
    "request_rewrite": ("6.4", "request rewrite"),
    "request_strip": ("6.4", "request strip"),
    "tls_client_ca": ("6.4", "tls client ca"),
    "fastcgi_param": ("6.5", "fastcgi param"),
    "log_forwarded": ("6.6", "log style forwarded"),
    "macro_QUERY_STRING_ENC": ("6.6", "the $QUERY_STRING_ENC macro"),
    "fastcgi_strip": ("6.7", "fastcgi strip"),
    "macro_REQUEST_SCHEME": ("6.7", "the $REQUEST_SCHEME macro"),
    "fastcgi_default_socket": ("6.8", "fastcgi without a socket (default socket)"),
    "fastcgi_tcp": ("6.8", "fastcgi socket tcp"),
    "location_found": ("6.9", "location found / not found"),
    # not an error: where a release mixes, a server's plain and TLS listeners share one block
    "listen_mixed": ("7.0", "plain and TLS listeners in one server block"),  # borderline 6.9/7.0
    "gzip_static": ("7.1", "gzip-static"),
    "errdocs": ("7.1", "errdocs"),
    "status_103_425": ("7.6", "block return 103 / 425"),
    "types_override": ("7.2", "an extension listed twice in types"),
    "no_banner": ("7.9", "no banner"),
    "banner": ("7.9", "banner"),
}


@functools.lru_cache(maxsize=4096)   # a pure function of two names, asked per value of a site
def requirement(feature: str, target: str) -> str | None:
    """None when `target` knows `feature`, else the message naming the introducing release."""
    first, what = FEATURES[feature]
    if parse_release(target) >= parse_release(first):
        return None
    return f"{what} needs OpenBSD {first} or later (host.openbsd is {target})"
