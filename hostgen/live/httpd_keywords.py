"""httpd.conf's reserved words by release, and the releases hostgen's httpd parser reads.

Kept apart from the lexer (httpd_lexer) so that what only needs the words, such as the quoting
of rendered values (hostgen.render.quoting), does not also compile the lexer's patterns.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Keywords of httpd.conf by the first release reserving them (httpd-conf.md 1.7 and 5.3;
#: parse.y `lookup()`). A bare word that is a keyword is never a value.
_KEYWORDS_BY_RELEASE: Mapping[str, str] = {
    "5.6": "access auto backlog body buffer certificate chroot ciphers combined common"
    " connection directory error fastcgi include index ip key listen location log max no"
    " nodelay on port prefork request requests root sack server socket style syslog tcp"
    " timeout types",
    "5.7": "tls logdir alias strip authenticate with block drop return pass dhe ecdhe protocols",
    "5.8": "match hsts max-age subdomains preload default type",
    "6.1": "ocsp ticket lifetime",
    "6.4": "rewrite ca client crl optional",
    "6.5": "param",
    "6.6": "forwarded",
    "6.9": "found not",
    "7.1": "errdocs gzip-static",
    "7.9": "banner",
    "current": "static-cache-control",
}
KEYWORD_SINCE: Mapping[str, str] = {
    word: release for release, words in _KEYWORDS_BY_RELEASE.items() for word in words.split()
}

#: Releases whose grammar this package reads (older ones had `root strip`, TCP FastCGI as
#: `socket ":PORT"`, ...: httpd-conf.md 5.3).
RELEASES: tuple[str, ...] = (
    "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5",
    "7.6", "7.7", "7.8", "7.9", "current",
)
NEWEST = "current"


def release_key(release: str) -> tuple[int, ...]:
    """Sort key of a release name ("7.6" < "7.10" < "current")."""
    if release == "current":
        return (99,)
    return tuple(int(part) for part in release.split("."))


def keywords_for(release: str) -> frozenset[str]:
    """The reserved words of `release` (a name from RELEASES)."""
    if release not in RELEASES:
        raise ValueError(f"unsupported OpenBSD release {release!r}; known: {', '.join(RELEASES)}")
    key = release_key(release)
    return frozenset(w for w, since in KEYWORD_SINCE.items() if release_key(since) <= key)
