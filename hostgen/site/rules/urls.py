"""Rules for the strings httpd expands at request time: redirect URIs and rewrite targets.

Facts (reference/httpd-conf.md 3.8): `%N` is read as "%" plus all following digits and replaced
by capture N of the location's `match` pattern (0 = the whole path; with no captures, 1 = the
matched text); outside a `match` location `%` sequences are left alone. `$NAME` macros are
replaced by plain substring search, so `$SERVER_NAMEX` silently becomes the name plus "X".
"""

from __future__ import annotations

import re

from hostgen.site.problems import Loc, Problem, close_match
from hostgen.site.versions import requirement

# macro -> feature key of the release that introduced it (None: since 5.7)
MACROS: dict[str, str | None] = {
    "DOCUMENT_URI": None,
    "QUERY_STRING": None,
    "QUERY_STRING_ENC": "macro_QUERY_STRING_ENC",
    "HTTP_HOST": "macro_HTTP_HOST",
    "REMOTE_ADDR": None,
    "REMOTE_PORT": None,
    "REMOTE_USER": None,
    "REQUEST_URI": None,
    "REQUEST_SCHEME": "macro_REQUEST_SCHEME",
    "SERVER_ADDR": None,
    "SERVER_NAME": None,
    "SERVER_PORT": None,
}

_MACRO = re.compile(r"\$([A-Za-z0-9_]+)")
_CAPTURE = re.compile(r"%([0-9]+)")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def check_expansion(text: str, loc: Loc, release: str, captures: int | None) -> list[Problem]:
    """Problems of a redirect or rewrite string.

    `captures` is the capture count of the enclosing `match` pattern, or None when the location
    is not a `match` location (then `%N` has no meaning and is refused: it would reach the
    client literally, which is never what was meant)."""
    if "$" not in text and "%" not in text:
        return []   # most targets are written out: nothing is expanded
    problems: list[Problem] = []
    for name in _MACRO.findall(text):
        if name not in MACROS:
            problems.append(Problem(loc, _unknown_macro(name)))
            continue
        feature = MACROS[name]
        message = requirement(feature, release) if feature else None
        if message:
            problems.append(Problem(loc, message))
    numbers = _CAPTURE.findall(text)
    if numbers and captures is None:
        problems.append(Problem(loc, f"%{numbers[0]} refers to a capture, but only a location "
                                     "with `match` has captures"))
        return problems
    highest = max(captures or 0, 1)
    for digits in numbers:
        if int(digits) > highest:
            what = f"{captures} capture(s)" if captures else "no captures (only %0 and %1)"
            problems.append(Problem(loc, f"%{digits} is beyond the pattern's captures: "
                                         f"it has {what}"))
    for i, short in enumerate(numbers):
        if any(longer != short and longer.startswith(short) for longer in numbers[i + 1:]):
            problems.append(Problem(loc, f"%{short} comes before a longer reference starting "
                                         f"with the same digits; httpd replaces by substring "
                                         f"and would rewrite that one too"))
    return problems


def _unknown_macro(name: str) -> str:
    near = close_match(name, MACROS)
    if near is not None:
        return f"unknown macro ${name} (did you mean ${near}?)"
    known = ", ".join(f"${m}" for m in MACROS)
    return f"unknown macro ${name}: httpd knows only {known}"


def check_redirect_target(text: str, loc: Loc) -> list[Problem]:
    """A Location header must be an absolute URL or an absolute path (or start with a macro)."""
    if text.startswith(("/", "$")) or _SCHEME.match(text):
        return []
    return [Problem(loc, f'redirect target "{text}" has no scheme and is not an absolute path; '
                         'browsers would resolve it relative to the current URL',
                    level="warning", rule="relative-redirect")]
