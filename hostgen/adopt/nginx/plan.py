"""The nginx side, read into plain data (what `locations` orders and `oracle` runs), and what
the translation emits for it (site.yaml locations that remember their nginx origin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hostgen.adopt.nginx.read import Directive
from hostgen.adopt.nginx.regex import Translation, Variant

MODIFIERS = ("=", "^~", "~*", "~", "@")   # longest first: an attached "~*x" is "~*" + "x"
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
# http.h (httpd-conf.md 3.7): the codes `block return` accepts
HTTPD_CODES = frozenset({
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303,
    304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412,
    413, 414, 415, 416, 417, 418, 420, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501,
    502, 503, 504, 505, 506, 507, 508, 510, 511,
})


@dataclass
class NLocation:
    """One nginx location, nested ones flattened (their parent's directives inherited)."""

    modifier: str                   # "=", "^~", "~", "~*", "@" or "" (plain prefix)
    path: str
    directive: Directive
    simple: list[Directive]         # effective non-rewrite directives (inherited + own)
    rewrites: list[Directive]       # own rewrite, return, if, try_files: in order
    translation: Translation | None = None   # regex locations that Lua can express
    untranslatable: str | None = None

    @property
    def regex(self) -> bool:
        return self.modifier in ("~", "~*")

    def label(self) -> str:
        return f"location {self.modifier} {self.path}".replace("  ", " ")


@dataclass
class NServer:
    directive: Directive
    names: list[str]
    simple: list[Directive]         # effective simple directives (http level + own)
    rewrites: list[Directive]       # server-level rewrite, return, if: in order
    locations: list[NLocation]
    named: dict[str, NLocation]
    listens: list[Directive]

    @property
    def primary(self) -> str:
        return self.names[0] if self.names else ""


@dataclass
class Emitted:
    """A site.yaml location with where it came from."""

    fields: dict[str, Any]
    origin: Directive
    text: str                        # the path or match text (what `expect:` names)
    source: NLocation | Directive | None = None   # the nginx location, or rewrite/return
    variant: Variant | None = None
    extra: list[str] = field(default_factory=list)


def split_modifier(args: list[str]) -> tuple[str, str]:
    """`location` arguments -> (modifier, path); an attached modifier is split off as nginx
    does (nginx-to-httpd.md 3.1: crossplane keeps `~*\\.png$` as one argument)."""
    if len(args) >= 2:
        return args[0], args[1]
    text = args[0]
    for modifier in MODIFIERS:
        if text.startswith(modifier) and modifier != "^~":
            return modifier, text[len(modifier):]
    return "", text
