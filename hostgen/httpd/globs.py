"""httpd's glob matching: OpenBSD libc fnmatch(3) with FNM_CASEFOLD as its only flag.

server_http.c compares `location "GLOB"` with the decoded request path, and a server name or alias
with the Host name, through `fnmatch(glob, subject, FNM_CASEFOLD)` (httpd-conf.md 3.3, 3.4). This is
a port of the behaviour of lib/libc/gen/fnmatch.c rev. 1.23 with exactly that flag, so:

* `*` and `?` match any byte, `/` and a leading `.` included (no FNM_PATHNAME, no FNM_PERIOD);
* the whole subject must match;
* `[...]` sets with ranges, `[!...]` and `[^...]` negation, `]` first in the set is literal,
  POSIX classes such as `[[:digit:]]`; a `[` that does not start a complete set is a literal `[`;
* a backslash escapes the next byte (inside sets too); a trailing backslash is a literal;
* letters compare without case, C locale only. Two quirks of fnmatch.c are kept: with
  FNM_CASEFOLD, `[[:upper:]]` is read as `[[:lower:]]` and the byte is not folded, so it matches
  lower-case letters only; and range bounds are compared as `char`, which is signed on amd64 and
  i386 (assumed here), so a range with a bound >= 0x80 matches differently from arm64.

Python's fnmatch module is not used: it differs in `[^`, escapes and case handling.
Subjects and patterns are matched as their UTF-8 bytes (`surrogateescape`), ending at a NUL.
"""

from __future__ import annotations

__all__ = ["fnmatch_casefold"]

_STAR, _QUESTION, _BACKSLASH = b"*?\\"
_LBRACKET, _RBRACKET, _COLON, _DASH = b"[]:-"
_NEGATIONS = frozenset(b"!^")
_DUMMY = b" \0\0"  # fnmatch.c skips over a set by matching it against this one-space string

_RANGE_MATCH, _RANGE_NOMATCH, _RANGE_ERROR = 1, 0, -1


def _between(low: int, high: int) -> frozenset[int]:
    return frozenset(range(low, high + 1))


_UPPER = _between(0x41, 0x5A)
_LOWER = _between(0x61, 0x7A)
_DIGIT = _between(0x30, 0x39)
_GRAPH = _between(0x21, 0x7E)

# charclass.h, evaluated in the C locale.
_CLASSES: dict[bytes, frozenset[int]] = {
    b"alnum": _UPPER | _LOWER | _DIGIT,
    b"alpha": _UPPER | _LOWER,
    b"blank": frozenset(b" \t"),
    b"cntrl": _between(0, 0x1F) | {0x7F},
    b"digit": _DIGIT,
    b"graph": _GRAPH,
    b"lower": _LOWER,
    b"print": _GRAPH | {0x20},
    b"punct": _GRAPH - _UPPER - _LOWER - _DIGIT,
    b"space": frozenset(b" \t\n\v\f\r"),
    b"upper": _UPPER,
    b"xdigit": _DIGIT | frozenset(b"abcdefABCDEF"),
}


def _fold(c: int) -> int:
    """tolower(3) in the C locale."""
    return c + 0x20 if c in _UPPER else c


def _signed(c: int) -> int:
    """A byte read as a signed `char` (amd64), as fnmatch.c compares range bounds."""
    return c - 0x100 if c >= 0x80 else c


def _same(s: int, p: int) -> bool:
    """One byte against one pattern byte, ignoring case (fnmatch.c's FNM_CASEFOLD test)."""
    return s == p or ((s in _UPPER or p in _UPPER) and _fold(s) == _fold(p))


def _in_range(s: int, low: int, high: int) -> bool:
    """A range `low-high` in a set; bounds compared as signed chars, then without case."""
    if _signed(low) <= _signed(s) <= _signed(high):
        return True
    folds = s in _UPPER or low in _UPPER or high in _UPPER
    return folds and _fold(low) <= _fold(s) <= _fold(high)


def _class_match(pat: bytes, i: int, test: int) -> tuple[int, int]:
    """fnmatch.c `classmatch()` at pat[i]: (result, index after the class).

    A `[:name:]` with an unknown name, or without its `:]`, is ordinary text (_RANGE_ERROR).
    """
    if pat[i] != _LBRACKET or pat[i + 1] != _COLON:
        return _RANGE_ERROR, i
    colon = pat.find(b":", i + 2, pat.index(0, i))
    if colon < 0 or pat[colon + 1] != _RBRACKET:
        return _RANGE_ERROR, i
    name = pat[i + 2 : colon]
    if name == b"upper":  # fnmatch.c: with FNM_CASEFOLD, "upper" is looked up as "lower"
        name = b"lower"
    members = _CLASSES.get(name)
    if members is None:
        return _RANGE_ERROR, i
    return (_RANGE_MATCH if test in members else _RANGE_NOMATCH), colon + 2


def _match_set(pat: bytes, p: int, test: int) -> tuple[bool, int] | None:
    """A `[...]` set starting at pat[p] against byte `test`: (matched, index after the set).

    None when the set is not closed by `]`: the caller then takes the `[` as a literal.
    """
    p += 1
    negate = pat[p] in _NEGATIONS
    if negate:
        p += 1
    found = False
    first = pat[p] == _RBRACKET  # a leading ']' is a member, not the end
    while True:
        if not first:
            if pat[p] == 0:
                return None
            if pat[p] == _RBRACKET:
                return found != negate, p + 1
            if pat[p] == _BACKSLASH:
                p += 1
                if pat[p] == 0:
                    return None
            result, p = _class_match(pat, p, test)
            if result != _RANGE_ERROR:
                found = found or result == _RANGE_MATCH
                continue
        first = False
        if pat[p + 1] == _DASH and pat[p + 2] != _RBRACKET:
            low = pat[p]
            p += 3 if pat[p + 2] == _BACKSLASH else 2
            if pat[p] == 0:
                return None
            found = found or _in_range(test, low, pat[p])
        else:
            found = found or _same(test, pat[p])
        p += 1


def _match_one(pat: bytes, p: int, sub: bytes, s: int) -> tuple[bool, int, int]:
    """fnmatch.c `fnmatch_ch()`: one pattern element against sub[s] -> (matched, p, s).

    Never advances past the end of either string.
    """
    if pat[p] == _LBRACKET:
        outcome = _match_set(pat, p, sub[s])
        if outcome is not None:
            return outcome[0], outcome[1], s + 1
    elif pat[p] == _QUESTION:
        if sub[s] == 0:
            return False, p, s
        return True, p + 1, s + 1
    elif pat[p] == _BACKSLASH and pat[p + 1] != 0:
        p += 1
    matched = _same(sub[s], pat[p])
    if sub[s] == 0 or pat[p] == 0:
        return matched, p, s
    return matched, p + 1, s + 1


def _fixed_length(pat: bytes, p: int) -> tuple[int, bool]:
    """Elements from p up to the next `*` or the end: (count, ends the pattern).

    fnmatch.c counts a set by matching it against a dummy one-space string.
    """
    count = 0
    while pat[p] != 0 and pat[p] != _STAR:
        if pat[p] == _BACKSLASH and pat[p + 1] != 0:
            p += 2
        elif pat[p] == _LBRACKET:
            p = _match_one(pat, p, _DUMMY, 0)[1]
        else:
            p += 1
        count += 1
    return count, pat[p] == 0


def _terminated(text: str) -> bytes:
    """The C string fnmatch(3) sees, with NUL padding for its look-ahead."""
    data = text.encode("utf-8", "surrogateescape")
    nul = data.find(0)
    return (data if nul < 0 else data[:nul]) + b"\0\0\0"


def fnmatch_casefold(pattern: str, string: str) -> bool:
    """`fnmatch(pattern, string, FNM_CASEFOLD) == 0` on OpenBSD (lib/libc/gen/fnmatch.c)."""
    pat, sub = _terminated(pattern), _terminated(string)
    if pat[0] != _STAR and (pat[0] == 0 or sub[0] == 0):
        return pat[0] == 0 and sub[0] == 0
    return _match_segment(pat, sub, sub.index(0))


def _match_segment(pat: bytes, sub: bytes, end: int) -> bool:
    """fnmatch.c's main loop for one segment: here the whole string, since `/` is not special.

    A run of `*` and `?` is folded into one wildcard; after it, the fixed elements up to the next
    `*` are tried at each later offset, and the last fixed run is matched against the tail.
    """
    p = s = 0
    while pat[p] != 0:
        if s > end or (s == end and pat[p] != _STAR):
            break
        wild = False
        while pat[p] in (_STAR, _QUESTION):
            if pat[p] == _STAR:
                wild = True
            elif s < end:
                s += 1
            else:
                return False
            p += 1
        restart, length = s, 0
        if wild:
            length, last = _fixed_length(pat, p)
            if s + length > end:
                return False
            if last:  # the rest has no '*': it can only match the tail
                s, wild = end - length, False
        outcome = _match_fixed(pat, p, sub, (s, end), (restart, length) if wild else None)
        if outcome is None:
            return False
        p, s = outcome
    return sub[s] == 0 and pat[p] == 0


def _match_fixed(
    pat: bytes, p: int, sub: bytes, span: tuple[int, int], wild: tuple[int, int] | None
) -> tuple[int, int] | None:
    """Match elements up to the next `*` -> the new (p, s), or None when nothing can match.

    After a wildcard (`wild` = where it started, how many elements follow it), a mismatch makes
    the wildcard take one more byte and the elements are tried again from there.
    """
    s, end = span
    mismatch = p
    while pat[p] != 0 and pat[p] != _STAR and s < end:
        matched, p, s = _match_one(pat, p, sub, s)
        if matched:
            continue
        if wild is None:
            return None
        restart, length = wild[0] + 1, wild[1]
        wild = (restart, length)
        s, p = restart, mismatch
        if s + length > end:
            return None
    return p, s
