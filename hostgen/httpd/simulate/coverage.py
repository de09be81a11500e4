"""Does one location match every path another one matches? (for the shadowed-location lint)

Both are reduced to token strings over three kinds: a literal byte, any one byte, any run of
bytes. The earlier location must be described exactly (a glob of `*`, `?` and plain
characters; a `match` pattern of plain characters, `%`-escapes, `.`, `.*`/`.-` and anchors);
the later one may be over-approximated (a class becomes "any one byte", a quantified item "any
run"). The earlier covers the later when it matches the later's token string with the later's
wildcards treated as bytes only its own wildcards can take: sound, so the lint never claims a
location is dead when it is not; anything else is answered "not known" (None).
"""

from __future__ import annotations

import functools

from hostgen.httpd import patterns
from hostgen.live.records import record

STAR, ANY = "*", "?"
_LUA_SPECIALS = frozenset("^$*+?.([%-")


@record(slots=True)
class Lit:
    char: str
    folded: bool   # from a glob: matches either case of a letter


Token = Lit | str
Tokens = tuple[Token, ...]


# Cached: the lint asks for each location's tokens once per location after it, and many servers
# share the same paths ("*.php").
@functools.lru_cache(maxsize=4096)
def glob_tokens(glob: str) -> Tokens | None:
    """A glob of `*`, `?` and plain ASCII characters (case-insensitive), else None."""
    if "[" in glob or "\\" in glob or not glob.isascii():
        return None
    return tuple(STAR if c == "*" else ANY if c == "?" else Lit(c, True) for c in glob)


def lua_exact(pattern: str) -> Tokens | None:
    """The exact language of a simple `match` pattern, or None."""
    return _lua(pattern, exact=True)


def lua_superset(pattern: str) -> Tokens | None:
    """A language containing every path `pattern` matches, or None (malformed pattern)."""
    return _lua(pattern, exact=False)


@functools.lru_cache(maxsize=4096)
def _lua(pattern: str, *, exact: bool) -> Tokens | None:
    if not pattern.isascii() or patterns.check(pattern) is not None:
        return None  # bytes and characters differ beyond ASCII: not worth the risk
    if not _LUA_SPECIALS.intersection(pattern):
        return (STAR, *(Lit(c, False) for c in pattern), STAR)  # plain substring search
    anchored = pattern.startswith("^")
    items = _items(pattern[1:] if anchored else pattern, exact)
    if items is None:
        return None
    head: Tokens = () if anchored else (STAR,)
    if items and items[-1] == "$":   # an anchor only where match() meets it as the last item
        return (*head, *items[:-1])
    return (*head, *items, STAR)


def _items(body: str, exact: bool) -> list[Token] | None:
    out: list[Token] = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "$" and i == len(body) - 1:
            out.append("$")
            break
        if char in "()":
            i += 1
            continue
        if char == "%" and i + 1 < len(body) and body[i + 1] in "bf123456789":
            if exact:
                return None
            out.append(STAR)
            i += _special_length(body, i)
            continue
        single, size = _single(body, i)
        if single is None:
            return None
        quantifier = body[i + size] if i + size < len(body) else ""
        if quantifier in ("*", "-", "+", "?"):
            if exact and not (single == ANY and quantifier in "*-"):
                return None
            out += [single, STAR] if quantifier == "+" else [STAR]
            i += size + 1
            continue
        if exact and single == ANY and body[i] != ".":
            return None
        out.append(single)
        i += size
    return out


def _single(body: str, i: int) -> tuple[Token | None, int]:
    """One single-byte item at `i`: (token, its length in the pattern)."""
    char = body[i]
    if char == ".":
        return ANY, 1
    if char == "%":
        escaped = body[i + 1]
        return (ANY, 2) if escaped.isalnum() else (Lit(escaped, False), 2)
    if char == "[":
        return ANY, _class_end(body, i) - i
    return Lit(char, False), 1


def _class_end(body: str, i: int) -> int:
    """Lua's classEnd() for the set opening at `i`: the index after its `]` (the pattern is
    known to be well formed)."""
    p = i + 1
    if p < len(body) and body[p] == "^":
        p += 1
    while True:  # do { ... } while (*p != ']'): the first character is never the end
        p += 2 if body[p] == "%" else 1
        if p >= len(body) or body[p] == "]":
            return p + 1


def _special_length(body: str, i: int) -> int:
    kind = body[i + 1]
    if kind == "b":
        return 4
    if kind == "f":
        return _class_end(body, i + 2) - i
    return 2


def covers(earlier: Tokens, later: Tokens) -> bool:
    """Every string of `later` is one of `earlier` (earlier exact, later a superset)."""
    return _ends_agree(earlier, later) and table_covers(earlier, later)


def table_covers(earlier: Tokens, later: Tokens) -> bool:
    """`covers` by the whole table: row i, column j says whether earlier[i:] takes later[j:]."""
    n, m = len(earlier), len(later)
    below = [False] * m + [True]          # row i+1 of the table
    for i in range(n - 1, -1, -1):
        row = [False] * (m + 1)
        token = earlier[i]
        for j in range(m, -1, -1):
            if token == STAR:
                row[j] = below[j] or (j < m and row[j + 1])
            elif j < m:
                row[j] = _absorbs(token, later[j]) and below[j + 1]
        below = row
    return below[0]


def _ends_agree(earlier: Tokens, later: Tokens) -> bool:
    """The table's answer for the common case, read off the ends: the single-byte tokens
    before the earlier's first `*` must each take one token of the later's start, and those
    after its last `*` one of its end (without a `*`, the lengths are equal). A lint compares
    every pair of a server's locations (45 pairs for 10 locations), and most pairs differ in
    their first or last characters; only the rest need the whole table."""
    # by type, not ==: comparing a Lit with "*" goes through the dataclass's __eq__
    stars = [i for i, token in enumerate(earlier) if type(token) is str and token == STAR]
    if not stars:
        return len(earlier) == len(later) and all(map(_absorbs, earlier, later))
    head, tail = stars[0], stars[-1]
    after = len(earlier) - tail - 1
    if head + after > len(later):
        return False
    return all(map(_absorbs, earlier[:head], later[:head])) and \
        all(map(_absorbs, earlier[tail + 1:], later[len(later) - after:]))


def _absorbs(token: Token, other: Token) -> bool:
    if not isinstance(token, Lit):
        return token == ANY and other != STAR
    if not isinstance(other, Lit):
        return False
    if token.folded:
        return token.char.lower() == other.char.lower()  # ASCII only: tolower(3) of C
    return token.char == other.char and not (other.folded and other.char.isalpha())
