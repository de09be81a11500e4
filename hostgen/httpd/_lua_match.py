"""The matching engine of OpenBSD httpd's patterns.c (rev. 1.5), over bytes.

patterns.c is Lua 5.3.1's lstrlib.c matcher turned into a C API by httpd. This module follows its
semantics, not its code: the same items, the same backtracking order, the same limits counted at the
same points, and the same error strings. Two things are done differently on purpose:

* The C matcher is recursive and keeps going after an error (it only records the first message
  and reports it at the end). Here the first error raises `PatternError` at once: the outcome is
  the same, because `str_find()` and `str_match()` report an error whenever one was recorded.
* Recursion is replaced by an explicit stack of continuations, one per suspended `match()` call, so
  that the depth limit (MAXCCALLS) is counted exactly like patterns.c counts it and Python's own
  recursion limit can never be reached.

Subject and pattern are C strings in httpd: both end at their first NUL byte (`strlen`), and reading
one byte past the end yields NUL. The buffers below carry a NUL sentinel to mirror that.
"""

from __future__ import annotations

from dataclasses import dataclass

# patterns.h
MAXCAPTURES = 32  # slots in a str_match result; %0 takes one, so 31 captures are usable
MAXCCALLS = 200  # nested match() calls
MAXREPETITION = 0xFFFFF  # failed single-item attempts per search

# patterns.c
CAP_UNFINISHED = -1
CAP_POSITION = -2
SPECIALS = frozenset(b"^$*+?.([%-")

ERR_ENDS_WITH_ESC = "malformed pattern (ends with '%')"
ERR_MISSING_BRACKET = "malformed pattern (missing ']')"
ERR_BALANCE_ARGS = "malformed pattern (missing arguments to '%b')"
ERR_FRONTIER = "missing '[' after '%f' in pattern"
ERR_CAPTURE_INDEX = "invalid capture index"
ERR_PATTERN_CAPTURE = "invalid pattern capture"
ERR_UNFINISHED = "unfinished capture"
ERR_TOO_MANY = "too many captures"
ERR_TOO_COMPLEX = "pattern too complex"
ERR_REPETITION = "max repetition items"

_ESC, _LBRACKET, _RBRACKET, _CARET = b"%[]^"
_LPAREN, _RPAREN, _DOLLAR, _DASH = b"()$-"
_STAR, _PLUS, _QUESTION, _DOT = b"*+?."
_OPTIONAL_SUFFIXES = frozenset(b"*?-")
_SUFFIXES = frozenset(b"*+?-")
_DIGITS = frozenset(b"0123456789")


class PatternError(Exception):
    """A pattern error exactly as httpd reports it: str() is patterns.c's message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _c_locale_classes() -> dict[int, frozenset[int]]:
    """The %-class letters of patterns.c `match_class()` with their members in the C locale.

    httpd never calls setlocale(3), so ctype(3) sees the C locale: bytes >= 0x80 are in no class.
    The upper-case letter is the complement. patterns.c 1.2 dropped Lua's deprecated `%z`.
    """
    lower = set(b"abcdefghijklmnopqrstuvwxyz")
    upper = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    digit = set(b"0123456789")
    graph = set(range(0x21, 0x7F))
    alnum = lower | upper | digit
    base = {
        "a": lower | upper,
        "c": set(range(0x20)) | {0x7F},
        "d": digit,
        "g": graph,
        "l": lower,
        "p": graph - alnum,
        "s": set(b" \t\n\v\f\r"),
        "u": upper,
        "w": alnum,
        "x": digit | set(b"abcdefABCDEF"),
    }
    everything = set(range(256))
    table: dict[int, frozenset[int]] = {}
    for letter, members in base.items():
        table[ord(letter)] = frozenset(members)
        table[ord(letter.upper())] = frozenset(everything - members)
    return table


_CLASSES = _c_locale_classes()
_ANY = frozenset(range(256))


def has_specials(pattern: bytes) -> bool:
    """patterns.c `nospecials()`, negated: without these bytes httpd does a substring search."""
    return not SPECIALS.isdisjoint(pattern)


def class_end(pat: bytes, p: int, p_end: int) -> int:
    """patterns.c `classend()`: the index just past the single-character class starting at p."""
    c = pat[p]
    p += 1
    if c == _ESC:
        if p == p_end:
            raise PatternError(ERR_ENDS_WITH_ESC)
        return p + 1
    if c != _LBRACKET:
        return p
    if pat[p] == _CARET:
        p += 1
    # The first byte of the set is taken before looking for ']': "[]]" is a set holding ']'.
    while True:
        if p == p_end:
            raise PatternError(ERR_MISSING_BRACKET)
        c = pat[p]
        p += 1
        if c == _ESC and p < p_end:
            p += 1  # an escaped byte such as %] never closes the set
        if pat[p] == _RBRACKET:
            return p + 1


def _class_members(cl: int) -> frozenset[int]:
    """patterns.c `match_class()`: a class letter, or any other byte standing for itself."""
    return _CLASSES.get(cl, frozenset((cl,)))


def _bracket_members(pat: bytes, p: int, ec: int) -> frozenset[int]:
    """patterns.c `matchbracketclass()` evaluated once for all 256 bytes.

    p is the '[' and ec the closing ']'. Ranges compare byte values; a '-' right before ec or at
    the start is a literal.
    """
    negate = pat[p + 1] == _CARET
    if negate:
        p += 1
    members: set[int] = set()
    p += 1
    while p < ec:
        c = pat[p]
        if c == _ESC:
            p += 1
            members |= _class_members(pat[p])
        elif pat[p + 1] == _DASH and p + 2 < ec:
            members |= set(range(c, pat[p + 2] + 1))
            p += 2
        else:
            members.add(c)
        p += 1
    return frozenset(_ANY - members) if negate else frozenset(members)


def single_class(pat: bytes, p: int, ep: int) -> frozenset[int]:
    """The bytes accepted by the class pat[p:ep] (patterns.c `singlematch()`)."""
    c = pat[p]
    if c == _DOT:
        return _ANY
    if c == _ESC:
        return _class_members(pat[p + 1])
    if c == _LBRACKET:
        return _bracket_members(pat, p, ep - 1)
    return frozenset((c,))


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A successful search: the matched span and each capture as (start, length).

    A position capture has length CAP_POSITION; an unfinished one cannot appear (it raises).
    """

    start: int
    end: int
    captures: tuple[tuple[int, int], ...]


# Continuations of a suspended match() call: what it does with the result of the call it made.
_K_START, _K_END, _K_OPTIONAL, _K_MAX, _K_MIN = range(5)


class _Matcher:
    """State of one patterns.c `str_find_aux()` call (struct match_state)."""

    def __init__(self, pattern: bytes, subject: bytes, max_captures: int) -> None:
        self.pat = pattern + b"\0"
        self.subj = subject + b"\0"
        self.p_end = len(pattern)
        self.s_end = len(subject)
        self.max_captures = max_captures
        self.repetitions = MAXREPETITION
        self.level = 0
        self.cap_init = [0] * MAXCAPTURES
        self.cap_len = [0] * MAXCAPTURES
        self.stack: list[tuple[int, ...]] = []
        self._classes: dict[int, tuple[int, frozenset[int]]] = {}

    # -- helpers --------------------------------------------------------------------------------

    def item(self, p: int) -> tuple[int, frozenset[int]]:
        """classend() and the class's members for the item at p, parsed when first reached."""
        found = self._classes.get(p)
        if found is None:
            ep = class_end(self.pat, p, self.p_end)
            found = self._classes[p] = (ep, single_class(self.pat, p, ep))
        return found

    def count_run(self, s: int, members: frozenset[int]) -> int:
        """max_expand()'s first loop: how many bytes from s are in the class."""
        i = 0
        subj, s_end = self.subj, self.s_end
        while s + i < s_end and subj[s + i] in members:
            i += 1
        return i

    def call(self, continuation: tuple[int, ...], s: int, p: int) -> tuple[int, int]:
        """Suspend the current match() and start a nested one (patterns.c matchdepth check)."""
        self.stack.append(continuation)
        if len(self.stack) >= MAXCCALLS:
            raise PatternError(ERR_TOO_COMPLEX)
        return (s, p)

    # -- the body of match(): returns its result, or (s, p) for a nested call ------------------

    def body(self, s: int, p: int) -> int | None | tuple[int, int]:
        """One match() call from (s, p), its `goto init` loop included.

        Items that need no nested call (single classes, %b, %f, back-references) loop here; a
        capture or a quantified item whose class accepts the byte at s suspends this call.
        A class that does not match costs one unit of the repetition budget.
        """
        pat, p_end = self.pat, self.p_end
        while p != p_end:
            c = pat[p]
            if c == _LPAREN:
                if pat[p + 1] == _RPAREN:
                    return self.start_capture(s, p + 2, CAP_POSITION)
                return self.start_capture(s, p + 1, CAP_UNFINISHED)
            if c == _RPAREN:
                return self.end_capture(s, p + 1)
            if c == _DOLLAR and p + 1 == p_end:
                return s if s == self.s_end else None
            if c == _ESC and pat[p + 1] == ord("b"):
                after = self.balance(s, p + 2)
                if after is None:
                    return None
                s, p = after, p + 4
                continue
            if c == _ESC and pat[p + 1] == ord("f"):
                p = self.frontier(s, p + 2)
                if p < 0:
                    return None
                continue
            if c == _ESC and pat[p + 1] in _DIGITS:
                after = self.back_reference(s, pat[p + 1])
                if after is None:
                    return None
                s, p = after, p + 2
                continue
            ep, members = self.item(p)
            suffix = pat[ep]
            if not (s < self.s_end and self.subj[s] in members):
                if self.repetitions == 0:
                    raise PatternError(ERR_REPETITION)
                self.repetitions -= 1
                if suffix not in _OPTIONAL_SUFFIXES:
                    return None
                p = ep + 1
                continue
            if suffix == _QUESTION:
                return self.call((_K_OPTIONAL, s, ep), s + 1, ep + 1)
            if suffix in (_PLUS, _STAR):
                if suffix == _PLUS:
                    s += 1
                i = self.count_run(s, members)
                return self.call((_K_MAX, s, ep, i), s + i, ep + 1)
            if suffix == _DASH:
                return self.call((_K_MIN, s, p, ep), s, ep + 1)
            s += 1
            p = ep
        return s

    def start_capture(self, s: int, p: int, what: int) -> tuple[int, int]:
        """patterns.c `start_capture()`: open capture number level+1 (or record a position)."""
        if self.level >= self.max_captures:
            raise PatternError(ERR_TOO_MANY)
        self.cap_init[self.level] = s
        self.cap_len[self.level] = what
        self.level += 1
        return self.call((_K_START,), s, p)

    def end_capture(self, s: int, p: int) -> tuple[int, int]:
        """patterns.c `end_capture()`: close the innermost open capture."""
        for level in range(self.level - 1, -1, -1):
            if self.cap_len[level] == CAP_UNFINISHED:
                self.cap_len[level] = s - self.cap_init[level]
                return self.call((_K_END, level), s, p)
        raise PatternError(ERR_PATTERN_CAPTURE)

    def balance(self, s: int, p: int) -> int | None:
        """patterns.c `matchbalance()`: %bxy with p at x."""
        if p >= self.p_end - 1:
            raise PatternError(ERR_BALANCE_ARGS)
        subj, s_end = self.subj, self.s_end
        if subj[s] != self.pat[p]:
            return None
        opening, closing = self.pat[p], self.pat[p + 1]
        depth = 1
        for at in range(s + 1, s_end):
            if subj[at] == closing:
                depth -= 1
                if depth == 0:
                    return at + 1
            elif subj[at] == opening:
                depth += 1
        return None

    def frontier(self, s: int, p: int) -> int:
        """%f[set] with p at '[': the index after the set if s is a frontier, else -1."""
        if self.pat[p] != _LBRACKET:
            raise PatternError(ERR_FRONTIER)
        ep, members = self.item(p)
        previous = self.subj[s - 1] if s > 0 else 0
        if previous not in members and self.subj[s] in members:
            return ep
        return -1

    def back_reference(self, s: int, digit: int) -> int | None:
        """patterns.c `match_capture()`; %0 and open or missing captures are errors."""
        index = digit - ord("1")
        if index < 0 or index >= self.level or self.cap_len[index] == CAP_UNFINISHED:
            raise PatternError(ERR_CAPTURE_INDEX)
        length = self.cap_len[index]
        # A position capture's length is (size_t)-2 in C: it never fits, so it never matches.
        if length < 0 or self.s_end - s < length:
            return None
        init = self.cap_init[index]
        if self.subj[init : init + length] != self.subj[s : s + length]:
            return None
        return s + length

    # -- continuations ----------------------------------------------------------------------------

    def resume(self, k: tuple[int, ...], result: int | None) -> int | None | tuple[int, int]:
        """Hand a nested call's result to the match() call that made it."""
        kind = k[0]
        if kind == _K_START:
            if result is None:
                self.level -= 1
            return result
        if kind == _K_END:
            if result is None:
                self.cap_len[k[1]] = CAP_UNFINISHED
            return result
        if result is not None:
            return result
        if kind == _K_OPTIONAL:
            return self.body(k[1], k[2] + 1)
        if kind == _K_MAX:
            _, s, ep, i = k
            if i == 0:
                return None
            return self.call((_K_MAX, s, ep, i - 1), s + i - 1, ep + 1)
        _, s, p, ep = k  # _K_MIN: one more repetition, if the class accepts it
        if not (s < self.s_end and self.subj[s] in self.item(p)[1]):
            return None
        return self.call((_K_MIN, s + 1, p, ep), s + 1, ep + 1)

    def match(self, s: int, p: int) -> int | None:
        """patterns.c `match()`: the end of the match of pat[p:] at s, or None."""
        step = self.body(s, p)
        while True:
            if isinstance(step, tuple):
                step = self.body(*step)
            elif self.stack:
                step = self.resume(self.stack.pop(), step)
            else:
                return step

    # -- str_find_aux() ---------------------------------------------------------------------------

    def search(self) -> RawMatch | None:
        """Try every start position (only the first when anchored), as str_find_aux() does."""
        p = 0
        anchor = self.pat[0] == _CARET
        if anchor:
            p = 1
        for s1 in range(self.s_end + 1):
            self.level = 0
            end = self.match(s1, p)
            if end is not None:
                return RawMatch(s1, end, self.captures())
            if anchor:
                break
        return None

    def captures(self) -> tuple[tuple[int, int], ...]:
        """push_captures(): an unfinished capture is reported only once the match succeeded."""
        slots = min(self.level, self.max_captures)
        result = []
        for i in range(slots):
            if self.cap_len[i] == CAP_UNFINISHED:
                raise PatternError(ERR_UNFINISHED)
            result.append((self.cap_init[i], self.cap_len[i]))
        return tuple(result)


def _c_string(data: bytes) -> bytes:
    """What strlen() sees: the bytes up to the first NUL."""
    nul = data.find(0)
    return data if nul < 0 else data[:nul]


def search(pattern: bytes, subject: bytes, max_captures: int) -> RawMatch | None:
    """patterns.c `str_find_aux()` with start 0: the first match of pattern in subject, or None.

    max_captures is `nsm - 1` (31 for str_match, 0 for httpd's server-name str_find). Raises
    PatternError with httpd's message for the first error the matcher reaches.
    """
    pattern, subject = _c_string(pattern), _c_string(subject)
    if not has_specials(pattern):
        at = subject.find(pattern)
        return None if at < 0 else RawMatch(at, at + len(pattern), ())
    return _Matcher(pattern, subject, max_captures).search()
