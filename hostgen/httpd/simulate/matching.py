"""Location and server-name matchers, compiled once per configuration.

A glob is httpd's `fnmatch(glob, path, FNM_CASEFOLD)` (hostgen.httpd.globs). Most globs in real
configurations use only `*`; those are answered here with byte prefix, suffix and substring
tests on the ASCII-lower-cased subject, which is what fnmatch(3) with FNM_CASEFOLD does for them
(tolower(3) of the C locale changes A-Z only, as bytes.lower() does). Anything with `?`, `[` or
a backslash goes to the faithful port. A `match` pattern goes to hostgen.httpd.patterns; an anchored
one whose literal start does not fit the path is refused first without calling the matcher,
which cannot reach any later item (or its errors) in that case.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from hostgen.httpd import patterns
from hostgen.httpd.globs import fnmatch_casefold
from hostgen.httpd.simulate.encoding import to_bytes

GlobTest = Callable[[str, bytes], bool]
PatternTest = Callable[[str], "tuple[str, ...] | None"]
_GLOB_SPECIALS = frozenset("?[\\")
_LUA_STOP = frozenset("^$*+?.([%-)]")
_LUA_QUANTIFIERS = frozenset("*+-?")


def folded(subject: str) -> bytes:
    """The subject as fnmatch(3) with FNM_CASEFOLD compares it."""
    return to_bytes(subject).lower()


# Both compilers are cached by their one argument: what they return is a pure function of it,
# and a large site repeats the same locations in every server ("*.php", "/.well-known/*").
@functools.lru_cache(maxsize=4096)
def compile_glob(glob: str) -> GlobTest:
    """A test `(subject, folded(subject)) -> bool` equal to fnmatch_casefold(glob, subject)."""
    if _GLOB_SPECIALS.intersection(glob):
        return lambda subject, _key: fnmatch_casefold(glob, subject)
    parts = to_bytes(glob).lower().split(b"*")
    if len(parts) == 1:
        literal = parts[0]
        return lambda _subject, key: key == literal
    first, last, middle = parts[0], parts[-1], [p for p in parts[1:-1] if p]
    least = sum(len(p) for p in parts)
    if not middle:
        return lambda _subject, key: (len(key) >= least and key.startswith(first)
                                      and key.endswith(last))

    def test(_subject: str, key: bytes) -> bool:
        if len(key) < least or not key.startswith(first) or not key.endswith(last):
            return False
        position, end = len(first), len(key) - len(last)
        for part in middle:  # leftmost placement is optimal when only `*` separates parts
            found = key.find(part, position, end)
            if found < 0:
                return False
            position = found + len(part)
        return True

    return test


def literal_start(pattern: str) -> str:
    """The ASCII text an anchored pattern (`^...`) must start with: its leading plain
    characters that no quantifier follows. "" when the pattern is not anchored."""
    if not pattern.startswith("^"):
        return ""
    out: list[str] = []
    for i in range(1, len(pattern)):
        char = pattern[i]
        if char in _LUA_STOP or not char.isascii():
            break
        if i + 1 < len(pattern) and pattern[i + 1] in _LUA_QUANTIFIERS:
            break
        out.append(char)
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> PatternTest:
    """`path -> captures` as str_match() gives them, None for no match or a matcher error."""
    start = literal_start(pattern)

    def test(path: str) -> tuple[str, ...] | None:
        if start and not path.startswith(start):
            return None
        try:
            found = patterns.match(pattern, path)
        except patterns.PatternError:
            return None
        return None if found is None else tuple(found)

    return test
