"""PCRE (nginx `location ~`, `rewrite`) -> Lua patterns (httpd `location match`).

The translator of nginx-to-httpd.md 7.4, with its known gaps fixed (a leading negated set is
accepted, `\\0` is refused). Lua has no alternation and cannot
quantify groups, so a regex becomes a list of *variants*: a path matches the PCRE regex if and
only if it matches one of them. Each variant carries the PCRE group number behind each of its
Lua captures (to renumber `$N` per variant) and a sample path it matches (for `expect:`).
What Lua cannot express raises `Untranslatable` with the reason.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MAX_VARIANTS = 16     # per sequence (7.4 step 3)
MAX_REPEAT = 8        # counted repetition
MAX_CAPTURES = 31     # per variant (httpd-conf.md 4.3)
LUA_MAGIC = set("^$()%.[]*+-?")
_SAMPLES = "ax10-_.~" + "bcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWXYZ23456789"


class Untranslatable(Exception):
    """A regex (or a replacement) Lua patterns and httpd macros cannot express."""


@dataclass(frozen=True)
class Variant:
    lua: str
    groups: tuple[int, ...]   # PCRE group number behind Lua capture 1, 2, ...
    sample: str               # text this variant (and the PCRE regex) matches


@dataclass(frozen=True)
class Translation:
    variants: tuple[Variant, ...]
    names: dict[str, int]     # named group -> number


Choice = tuple[str, tuple[int, ...], str]     # lua text, groups, sample


def translate(regex: str, fold: bool = False) -> Translation:
    if regex.startswith("(?i)"):
        regex, fold = regex[4:], True
    spelled = _negative_lookahead(regex)
    if spelled is not None:
        parts = [v for part in spelled for v in translate(part, fold).variants]
        first = {v.lua: v for v in reversed(parts)}
        return Translation(tuple(v for v in parts if first[v.lua] is v), {})
    parser = _Parser(regex, fold)
    branches = parser.branches(top=True)
    if parser.i < len(regex):
        raise Untranslatable("unbalanced ')'")
    variants: list[Variant] = []
    seen: set[str] = set()
    for branch in branches:
        for lua, groups, sample in branch:
            lua = _hoist_end(lua)
            _check(lua, groups)
            if lua not in seen:
                seen.add(lua)
                variants.append(Variant(lua, groups, sample))
    return Translation(tuple(variants), parser.names)


# `PREFIX(?!LITERAL)` optionally followed by `.*` (which matches anything, so adds nothing):
# the common "dot-files but not .well-known" location, `/\.(?!well-known).*`
_LOOKAHEAD = re.compile(r"(?P<pre>(?:[\w/-]|\\[./-])*)\(\?!(?P<lit>(?:[\w/-]|\\[./-])+)\)"
                        r"(?:\.\*)?")


def _negative_lookahead(regex: str) -> list[str] | None:
    """`P(?!L)` spelled out without lookahead: P then, for each position i of L, the first i
    characters of L followed by another character or by the end of the path."""
    found = _LOOKAHEAD.fullmatch(regex)
    if found is None:
        return None
    literal = re.sub(r"\\(.)", r"\1", found["lit"])
    parts = []
    for i, c in enumerate(literal):
        head = found["pre"] + re.escape(literal[:i])
        parts.append(f"{head}[^{re.escape(c)}]")
        parts.append(f"{head}$")
    return parts


def _hoist_end(lua: str) -> str:
    """`%.php($)` (from `\\.php(/|$)`) -> `%.php()$`: an end anchor closing the last groups
    still means the end; httpd's empty capture is the empty string, like PCRE's."""
    stripped = lua.rstrip(")")
    closing = len(lua) - len(stripped)
    if closing and stripped.endswith("$") and not _escaped(stripped, len(stripped) - 1):
        return stripped[:-1] + ")" * closing + "$"
    return lua


def _escaped(text: str, index: int) -> bool:
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "%":
        count += 1
    return count % 2 == 1


def _check(lua: str, groups: tuple[int, ...]) -> None:
    """Step 4: `^` only first (or negating a set), `$` only last; at most 31 captures."""
    i = 0
    while i < len(lua):
        c = lua[i]
        if c == "%":
            i += 2
            continue
        if c == "[":
            i += 2 if lua[i + 1:i + 2] == "^" else 1
            while i < len(lua) and lua[i] != "]":
                i += 2 if lua[i] == "%" else 1
        elif (c == "^" and i != 0) or (c == "$" and i != len(lua) - 1):
            raise Untranslatable("'^' or '$' inside the pattern")
        i += 1
    if len(groups) > MAX_CAPTURES:
        raise Untranslatable(f"more than {MAX_CAPTURES} captures")


class _Parser:
    def __init__(self, text: str, fold: bool) -> None:
        self.text, self.fold, self.i = text, fold, 0
        self.count = 0
        self.names: dict[str, int] = {}

    def peek(self, n: int = 1) -> str:
        return self.text[self.i:self.i + n]

    def branches(self, top: bool = False) -> list[list[Choice]]:
        """Alternatives separated by `|`, each expanded into its variants."""
        result = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            result.append(self.sequence())
        return result

    def sequence(self) -> list[Choice]:
        items: list[list[Choice]] = []
        while self.i < len(self.text) and self.peek() not in "|)":
            items.append(self.item())
        product: list[Choice] = []
        for combo in itertools.product(*items):
            product.append(("".join(c[0] for c in combo),
                            tuple(g for c in combo for g in c[1]),
                            "".join(c[2] for c in combo)))
            if len(product) > MAX_VARIANTS:
                raise Untranslatable("too many alternatives")
        return product

    def item(self) -> list[Choice]:
        c = self.peek()
        if c in "^$":
            self.i += 1
            return [(c, (), "")]
        if c == "(":
            return self.group()
        if c in "*+?":
            raise Untranslatable("quantifier without operand")
        start = self.i
        if c == "[":
            text = self.set()
        elif c == ".":
            self.i += 1
            text = "."
        elif c == "\\":
            text = self.escape(in_set=False)
            if re.fullmatch(r"%\d", text):
                if self.quantifier() is not None:
                    raise Untranslatable("quantified back-reference")
                return [(text, (), "")]
        else:
            self.i += 1
            text = self.literal(c)
        sample = _sample(self.text[start:self.i], self.fold)
        return [self.quantified(text, sample)]

    def literal(self, c: str) -> str:
        if self.fold and c.isalpha() and c.isascii():
            return f"[{c.lower()}{c.upper()}]"
        return f"%{c}" if c in LUA_MAGIC else c

    def quantified(self, text: str, sample: str) -> Choice:
        quant = self.quantifier()
        if quant is None:
            return (text, (), sample)
        low, high, lazy = quant
        if (low, high) == (0, None):
            return (text + ("-" if lazy else "*"), (), "")
        if (low, high) == (1, None):
            return (text + text + "-" if lazy else text + "+", (), sample)
        if (low, high) == (0, 1) and not lazy:
            return (text + "?", (), "")
        if lazy:
            raise Untranslatable("lazy '??'" if (low, high) == (0, 1)
                                 else "lazy counted repetition")
        if low > MAX_REPEAT or (high or 0) > MAX_REPEAT:
            raise Untranslatable("repeat count too large")
        tail = text + "*" if high is None else (text + "?") * (high - low)
        return (text * low + tail, (), sample * low)

    def quantifier(self) -> tuple[int, int | None, bool] | None:
        c = self.peek()
        if c in ("*", "+", "?") and c:
            self.i += 1
            bounds = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
            lazy = self.peek() == "?"
            if lazy:
                self.i += 1
            elif self.peek() == "+":
                raise Untranslatable("possessive quantifier")
            return (bounds[0], bounds[1], lazy)
        counted = re.match(r"\{(\d+)(,(\d*))?\}", self.text[self.i:])
        if c != "{" or counted is None:
            return None
        self.i += counted.end()
        low = int(counted[1])
        high = low if counted[2] is None else (int(counted[3]) if counted[3] else None)
        lazy = self.peek() == "?"
        if lazy:
            self.i += 1
        if self.peek() in ("*", "+", "?") and self.peek():
            raise Untranslatable("quantifier without operand")
        return (low, high, lazy)

    def group(self) -> list[Choice]:
        self.i += 1
        number: int | None = None
        if self.peek(2) == "?:":
            self.i += 2
        elif self.peek(2) == "?P" and self.peek(3) != "?P<":
            raise Untranslatable("(?P=name) back-reference")
        elif self.peek(3) == "?P<" or (self.peek(2) == "?<" and self.peek(3)[2:] not in "=!"):
            self.i += 3 if self.peek(2) == "?P" else 2
            end = self.text.find(">", self.i)
            if end < 0:
                raise Untranslatable("bad group name")
            self.count += 1
            number = self.count
            self.names[self.text[self.i:end]] = number
            self.i = end + 1
        elif self.peek() == "?":
            raise Untranslatable(f"({self.peek(2)}...) lookaround or inline flag")
        else:
            self.count += 1
            number = self.count
        inner = [choice for branch in self.branches() for choice in branch]
        if self.peek() != ")":
            raise Untranslatable("missing ')'")
        self.i += 1
        quant = self.quantifier()
        if number is not None:
            inner = [(f"({lua})", (number, *groups), sample) for lua, groups, sample in inner]
        if quant is None:
            return inner
        if quant == (0, 1, False) and number is None:
            return [*inner, ("", (), "")]
        if quant == (0, 1, False):
            raise Untranslatable("optional capturing group")
        raise Untranslatable("quantifier on a group")

    def escape(self, in_set: bool) -> str:
        self.i += 1
        c = self.peek()
        if not c:
            raise Untranslatable("trailing backslash")
        self.i += 1
        if c in "dDsS":
            return f"%{c}"
        if c == "w":
            return "%w_" if in_set else "[%w_]"
        if c == "W":
            if in_set:
                raise Untranslatable("\\W inside a character class")
            return "[^%w_]"
        if c.isdigit() and not in_set and c != "0":
            return f"%{c}"
        if c.isalnum():
            raise Untranslatable(f"escape \\{c}")
        return f"%{c}"

    def set(self) -> str:
        self.i += 1
        out = ["["]
        if self.peek() == "^":
            out.append("^")
            self.i += 1
        members = 0
        letters: list[str] = []
        if self.peek() == "]":
            out.append("%]")
            self.i += 1
            members += 1
        while True:
            c = self.peek()
            if not c:
                raise Untranslatable("missing ']'")
            if c == "]":
                self.i += 1
                break
            if c == "\\":
                out.append(self.escape(in_set=True))
            elif c == "[" and self.peek(2) == "[:":
                raise Untranslatable("POSIX class [:name:]")
            elif c == "-" and members and self.text[self.i + 1:self.i + 2] not in ("]", ""):
                out.append("-")
                self.i += 1
                continue
            elif c.isalnum():
                out.append(c)
                self.i += 1
                if c.isalpha() and c.isascii():
                    if out[-2] == "-" and letters:
                        letters[-1] += "-" + c
                    else:
                        letters.append(c)
            else:
                out.append(f"%{c}")
                self.i += 1
            members += 1
        if self.fold:
            out += [part.swapcase() for part in letters]
        return "".join(out) + "]"


def _sample(source: str, fold: bool) -> str:
    """A character the PCRE atom `source` matches (Python's re reads this subset alike)."""
    if len(source) == 1 and source not in ".[\\":
        return source
    try:
        compiled = re.compile(source, re.IGNORECASE if fold else 0)
    except re.error:
        return "a"
    return next((c for c in _SAMPLES if compiled.fullmatch(c)), "a")
