"""What nginx answers a request, worked out from the nginx configuration alone.

The expectations written into site.yaml must hold nginx's answers, not the translation's, or
`hostgen check` would only prove the translation equal to itself. This is nginx's own
algorithm (nginx.org "How nginx processes a request", ngx_http_rewrite_module): the server's
rewrite phase, the location search (exact, longest prefix, `^~`, regexes in order), the
location's rewrite phase (`last` searches again, at most 10 times), then the content, whose
files are assumed to exist (as `hostgen check` assumes without --live). Regexes run through
Python's `re`, which reads the PCRE subset nginx configurations use alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from hostgen.adopt.nginx.plan import REDIRECT_CODES, NLocation, NServer
from hostgen.adopt.nginx.read import Directive

MAX_CYCLES = 10   # nginx: "rewrite or internal redirection cycle"
_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\d)|([A-Za-z_]\w*))")
_EXTERNAL = re.compile(r"^(https?://|\$scheme)")


class Unknown(Exception):
    """The answer depends on something this model does not follow (an `if`, a regex Python
    reads differently): no expectation is written."""


@dataclass(frozen=True)
class Answer:
    status: int | str                # an HTTP status, or "drop" (return 444)
    redirect: str | None             # Location as nginx computes it (before making it absolute)
    via: NLocation | Directive | None   # what decided: a rewrite / return, or the location
    by_rewrite: bool = False         # a redirect made by `rewrite` (it carries the query over)
    steps: tuple[Directive, ...] = ()   # the rewrites and the return that made this answer


@dataclass
class _Request:
    path: str
    query: str
    raw: str          # $request_uri
    host: str
    scheme: str
    groups: dict[str, str]
    steps: list[Directive] = field(default_factory=list)


def answer(server: NServer, path: str, query: str, host: str, scheme: str) -> Answer:
    """nginx's answer; `via` is what answers first in the translation: the rewrite that
    matched (its `location match` comes first), else the location nginx chose."""
    raw = path + (f"?{query}" if query else "")
    request = _Request(path, query, raw, host, scheme, {})
    result = _answer(server, request)
    return replace(result, steps=tuple(request.steps))


def _answer(server: NServer, request: _Request) -> Answer:
    via: NLocation | Directive | None = None
    for d in server.rewrites:
        result = _step(d, request, server)
        if isinstance(result, Answer):
            return Answer(result.status, result.redirect, via or d, result.by_rewrite)
        if result == "changed":
            via = via or d
            if d.args[2:] in (["last"], ["break"]):
                break
    for _cycle in range(MAX_CYCLES):
        location = select(server, request.path)
        via = via or location
        if location is None:   # the server's own access rules still apply
            return Answer(_access(server.simple, request), None, via)
        search_again = False
        for d in location.rewrites:
            result = _step(d, request, server, location)
            if isinstance(result, Answer):
                first = d if via is location and d.name == "rewrite" else via
                return Answer(result.status, result.redirect, first, result.by_rewrite)
            if result == "changed":
                via = d if via is location else via
                flag = d.args[2] if len(d.args) > 2 else ""
                search_again = flag != "break"
                if flag in ("last", "break"):
                    break
        if not search_again:
            return Answer(_access(location.simple, request), None, via)
    raise Unknown("rewrite cycle")


def _access(directives: list[Directive], request: _Request) -> int:
    """The access phase, after the rewrite phase: `deny all`, then `auth_basic` (no
    credentials are sent), as the location (or, when none matches, the server) says. The
    directive that refuses is a step of the answer, so a lost one makes no expectation."""
    deny = next((d for d in directives if d.name == "deny" and d.args == ["all"]), None)
    auth = next((d for d in directives if d.name == "auth_basic" and d.args != ["off"]), None)
    for status, deciding in ((403, deny), (401, auth)):
        if deciding is not None:
            request.steps.append(deciding)
            return status
    return 200


def select(server: NServer, path: str) -> NLocation | None:
    """nginx's location search (nginx-to-httpd.md 6.1)."""
    for loc in server.locations:
        if loc.modifier == "=" and loc.path == path:
            return loc
    prefixes = [loc for loc in server.locations
                if loc.modifier in ("", "^~") and path.startswith(loc.path)]
    longest = max(prefixes, key=lambda loc: len(loc.path), default=None)
    if longest is not None and longest.modifier == "^~":
        return longest
    for loc in server.locations:
        if loc.regex and _search(loc.path, path, loc.modifier == "~*") is not None:
            return loc
    return longest


def _step(d: Directive, request: _Request, server: NServer,
          location: NLocation | None = None) -> Answer | str | None:
    """One rewrite-phase directive: an Answer, "changed" (the URI was rewritten), "stop", or
    None (it did not apply)."""
    if d.name == "if":
        if not _condition(d.args, request):
            return None
        for inner in d.block or []:
            result = _step(inner, request, server, location)
            if result is not None:
                return result
        return None
    if d.name == "return":
        request.steps.append(d)
        return _return(d, request, server, location)
    if d.name != "rewrite" or len(d.args) < 2:
        return None
    found = _search(d.args[0], request.path, False)
    if found is None:
        return None
    groups = _groups(found)
    request.steps.append(d)
    target, flag = d.args[1], d.args[2] if len(d.args) > 2 else ""
    drop_query = target.endswith("?")
    text = _expand(target[:-1] if drop_query else target, request, server, groups)
    if not drop_query and request.query:
        text += ("&" if "?" in text else "?") + request.query
    if _EXTERNAL.match(target) or flag in ("permanent", "redirect"):
        return Answer(301 if flag == "permanent" else 302, text, d, by_rewrite=True)
    path, _, query = text.partition("?")
    request.path, request.query = path, query
    return "changed"


def _condition(args: list[str], request: _Request) -> bool:
    """The `if` conditions this model follows: $scheme / $host compared with a string, and
    file tests, which hold as if every file existed (as `hostgen check` assumes)."""
    args = [a.strip("'\"") for a in args]
    if len(args) == 2 and args[0] in ("-e", "-f", "-d", "!-e", "!-f", "!-d") and \
            args[1] == "$request_filename":
        return not args[0].startswith("!")
    values = {"$scheme": request.scheme, "$host": request.host, "$http_host": request.host}
    if len(args) == 3 and args[0] in values and args[1] in ("=", "!="):
        return (values[args[0]] == args[2]) == (args[1] == "=")
    raise Unknown(f"if ({' '.join(args)})")


def _return(d: Directive, request: _Request, server: NServer,
            location: NLocation | None) -> Answer:
    args = d.args
    if not args or (not args[0].isdigit() and len(args) > 1):
        raise Unknown("return without a numeric status")
    code, url = (302, args[0]) if len(args) == 1 and not args[0].isdigit() else (
        int(args[0]), args[1] if len(args) > 1 else None)
    if code == 444:
        return Answer("drop", None, d)
    if code in REDIRECT_CODES and url is not None:
        groups: dict[str, str] = {}
        if location is not None and location.regex:
            found = _search(location.path, request.path, location.modifier == "~*")
            groups = _groups(found) if found is not None else {}
        return Answer(code, _expand(url, request, server, groups), d)
    if url is not None:
        raise Unknown("return with a body")
    return Answer(code, None, d)


def _expand(text: str, request: _Request, server: NServer, groups: dict[str, str]) -> str:
    values = {
        "scheme": request.scheme, "host": request.host, "http_host": request.host,
        "request_uri": request.raw, "uri": request.path, "document_uri": request.path,
        "args": request.query, "query_string": request.query,
        "is_args": "?" if request.query else "", "server_name": server.primary,
    }

    def one(found: re.Match[str]) -> str:
        name = found[1] or found[2] or found[3]
        if name in groups:
            return groups[name]
        if name.isdigit():
            return ""
        if name not in values:
            raise Unknown(f"${name}")
        return values[name]

    return _VARIABLE.sub(one, text)


def _groups(found: re.Match[str]) -> dict[str, str]:
    groups = {str(i): value or "" for i, value in enumerate(found.groups(), start=1)}
    groups.update({k: v or "" for k, v in found.groupdict().items()})
    return groups


def _search(regex: str, path: str, fold: bool) -> re.Match[str] | None:
    if regex.startswith("(?i)"):
        regex, fold = regex[4:], True
    python = re.sub(r"\(\?<(?![=!])", "(?P<", regex)
    try:
        return re.search(python, path, re.IGNORECASE if fold else 0)
    except re.error as error:
        raise Unknown(str(error)) from None
