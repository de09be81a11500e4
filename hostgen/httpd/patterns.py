"""httpd's pattern language (`location match`, `server match`, `alias match`), as httpd runs it.

OpenBSD httpd embeds Lua 5.3.1's string matcher as patterns.c (httpd-conf.md section 4). This module
gives its results in the form httpd uses them:

* `match()` is patterns.c `str_match()` as server_http.c `server_getlocation()` calls it: the list
  of strings that `%N` expands to in a block-return URI or a rewrite target (httpd-conf.md 3.8).
* `find()` is the lower-level `str_find()`: offsets of the match and of each capture.
* `server_match_selects()` is how server_http.c uses `str_find()` for `server match` / `alias match`
  (room for no capture, and only the error string is looked at: httpd-conf.md 4.6).
* `check()` and `capture_count()` inspect a pattern without a subject, for the site validator.

Bytes, not characters: httpd matches the bytes of the decoded request path in the C locale, so a
`str` is matched as its UTF-8 encoding (with `surrogateescape`, so any byte sequence can be passed
as the str Python decodes it to). `.` and every class match one byte; bytes >= 0x80 are in no `%`
class. Offsets are byte offsets; captured text is decoded the same way, so a capture that splits a
multi-byte character comes back with surrogate escapes. Like the C strings httpd passes, pattern and
subject end at their first NUL.

Errors are lazy, as in httpd: `match()` and `find()` raise `PatternError` only for what the matcher
reaches for that subject. `check()` reports them for any subject.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from hostgen.httpd._lua_match import (
    CAP_POSITION,
    ERR_BALANCE_ARGS,
    ERR_CAPTURE_INDEX,
    ERR_FRONTIER,
    ERR_PATTERN_CAPTURE,
    ERR_TOO_MANY,
    ERR_UNFINISHED,
    MAXCAPTURES,
    PatternError,
    class_end,
    has_specials,
    search,
)

__all__ = [
    "LOCATION_CAPTURES",
    "SERVER_CAPTURES",
    "Found",
    "PatternError",
    "capture_count",
    "check",
    "find",
    "match",
    "max_reference",
    "server_match_selects",
]

# str_match() gives the matcher MAXCAPTURES result slots; %0 takes one (patterns.c, str_find_aux).
LOCATION_CAPTURES = MAXCAPTURES - 1
# server_response() calls str_find() with a single slot: no capture at all.
SERVER_CAPTURES = 0


@dataclass(frozen=True, slots=True)
class Found:
    """A successful `find()`: byte offsets into the subject's UTF-8 encoding.

    `captures` holds `(start, end)` for a text capture and a bare `int` offset for a position
    capture `()` (0-based, the C-style position patterns.7 describes).
    """

    start: int
    end: int
    captures: tuple[tuple[int, int] | int, ...]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _c_string(text: str) -> bytes:
    """The bytes httpd's strlen() sees."""
    data = _encode(text)
    nul = data.find(0)
    return data if nul < 0 else data[:nul]


def find(pattern: str, subject: str, *, server: bool = False) -> Found | None:
    """patterns.c `str_find()`: where `pattern` first matches `subject`, or None.

    With `server=True` the matcher has room for no capture (server_http.c passes one slot for
    `server match` names), so reaching any `(` raises `too many captures`.
    """
    limit = SERVER_CAPTURES if server else LOCATION_CAPTURES
    raw = search(_c_string(pattern), _c_string(subject), limit)
    if raw is None:
        return None
    captures = tuple(
        init if length == CAP_POSITION else (init, init + length) for init, length in raw.captures
    )
    return Found(raw.start, raw.end, captures)


def match(pattern: str, subject: str, *, server: bool = False) -> list[str] | None:
    """The strings httpd keeps for `%N` after a successful match, or None when there is none.

    Index 0 is the whole subject; then the captures in the order of their `(`; a pattern without
    captures gives the matched substring as index 1. A position capture `()` gives "" (the offsets
    patterns.c stores for it are clamped to an empty string). With `server=True` only index 0 is
    kept, as for `server match`. Raises PatternError when the matcher reaches an error.
    """
    found = find(pattern, subject, server=server)
    if found is None:
        return None
    data = _c_string(subject)
    strings = [_decode(data)]
    if server:
        return strings
    if not found.captures:
        return [*strings, _decode(data[found.start : found.end])]
    for capture in found.captures:
        strings.append("" if isinstance(capture, int) else _decode(data[capture[0] : capture[1]]))
    return strings


def server_match_selects(pattern: str, host: str) -> bool:
    """Whether a `server match` / `alias match` entry accepts Host `host` (httpd-conf.md 4.6).

    server_http.c ignores str_find()'s result and only tests its error string, so every host is
    accepted unless the matcher reports an error for it (any reached `(` does).
    """
    try:
        find(pattern, host, server=True)
    except PatternError:
        return False
    return True


# -- static inspection ----------------------------------------------------------------------

_OPEN, _POSITION, _CLOSE, _BACKREF, _OTHER = range(5)


def _items(pattern: bytes) -> Iterator[tuple[int, int]]:
    """The items patterns.c `match()` steps through, in order, as (kind, argument).

    Which item starts where does not depend on the subject, so this is the path of a subject for
    which every item matches. Syntax errors are raised where the matcher would raise them.
    """
    if not has_specials(pattern):
        return  # a plain substring search: nothing is ever parsed
    pat, p_end = pattern + b"\0", len(pattern)
    p = 1 if pat[0] == ord("^") else 0
    while p < p_end:
        c, nxt = pat[p], pat[p + 1]
        if c == ord("("):
            yield (_POSITION, 0) if nxt == ord(")") else (_OPEN, 0)
            p += 2 if nxt == ord(")") else 1
        elif c == ord(")"):
            yield _CLOSE, 0
            p += 1
        elif c == ord("%") and nxt == ord("b"):
            if p + 2 >= p_end - 1:
                raise PatternError(ERR_BALANCE_ARGS)
            yield _OTHER, 0
            p += 4
        elif c == ord("%") and nxt == ord("f"):
            if pat[p + 2] != ord("["):
                raise PatternError(ERR_FRONTIER)
            p = class_end(pat, p + 2, p_end)
            yield _OTHER, 0
        elif c == ord("%") and ord("0") <= nxt <= ord("9"):
            yield _BACKREF, nxt - ord("0")
            p += 2
        else:  # a class, with an optional quantifier; '$' other than last is a literal
            ep = class_end(pat, p, p_end)
            p = ep + 1 if pat[ep] in b"*+?-" else ep
            yield _OTHER, 0


def _verify(pattern: bytes, limit: int) -> None:
    """Walk the items keeping patterns.c's capture bookkeeping; raise the first error met."""
    closed: list[bool] = []
    for kind, argument in _items(pattern):
        if kind in (_OPEN, _POSITION):
            if len(closed) >= limit:
                raise PatternError(ERR_TOO_MANY)
            closed.append(kind == _POSITION)
        elif kind == _CLOSE:
            if all(closed):
                raise PatternError(ERR_PATTERN_CAPTURE)
            closed[len(closed) - 1 - closed[::-1].index(False)] = True
        elif kind == _BACKREF:
            index = argument - 1
            if index < 0 or index >= len(closed) or not closed[index]:
                raise PatternError(ERR_CAPTURE_INDEX)
    if not all(closed):
        raise PatternError(ERR_UNFINISHED)


@functools.lru_cache(maxsize=4096)   # a site repeats its patterns from vhost to vhost
def check(pattern: str, *, server: bool = False) -> PatternError | None:
    """The error httpd would report for `pattern` once a subject lets the matcher reach it.

    This is the first error on the path of a subject for which every item matches: a trailing
    `%`, a missing `]`, `%b` without two bytes, `%f` without `[`, a `)` without `(`, a capture left
    open, a back-reference to a capture that is missing or still open (or `%0`), more than 31
    captures (any capture with `server=True`). A pattern without special characters is a plain
    substring search in httpd and never fails. Conservative: an error placed behind an item that
    can never match (say after `()%1`) is still reported.

    Not reported, because they depend on the subject: `pattern too complex` (the 200-level depth
    limit; a pattern within httpd's 254-byte location limit cannot reach it) and `max repetition
    items`.
    """
    limit = SERVER_CAPTURES if server else LOCATION_CAPTURES
    try:
        _verify(_c_string(pattern), limit)
    except PatternError as error:
        return error
    return None


@functools.lru_cache(maxsize=4096)
def capture_count(pattern: str) -> int:
    """How many captures `pattern` has, position captures `()` included.

    Counts the `(` items up to a syntax error that stops parsing (a missing `]`, ...); use
    `check()` first to refuse malformed patterns.
    """
    count = 0
    try:
        for kind, _ in _items(_c_string(pattern)):
            count += kind in (_OPEN, _POSITION)
    except PatternError:
        pass
    return count


def max_reference(pattern: str) -> int:
    """The largest N for which `%N` expands after a match of `pattern` (server_expand_http).

    httpd keeps the matched substring as %1 when the pattern has no capture, so this is never
    below 1.
    """
    return max(1, capture_count(pattern))
