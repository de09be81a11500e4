"""nginx locations -> site.yaml locations in httpd's first-match order (nginx-to-httpd.md 6.4).

nginx: exact, then the longest prefix (`^~` stops there), then regexes in file order, then the
remembered prefix. httpd: the first location that matches. So emit exact ones, `^~` ones
longest first, regexes in file order, plain prefixes longest first; each location's rewrites
and `try_files` fallback (`found: false`) go right before it.
"""

from __future__ import annotations

import re
from typing import Any

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.directives import body, finish_authenticate
from hostgen.adopt.nginx.plan import Emitted, NLocation, NServer, split_modifier
from hostgen.adopt.nginx.read import Directive
from hostgen.adopt.nginx.regex import Untranslatable, Variant, translate
from hostgen.adopt.nginx.rewrites import (
    if_loss,
    missing_file_rewrite,
    return_fields,
    rewrite_locations,
    try_files_target,
)
from hostgen.httpd.globs import fnmatch_casefold
from hostgen.httpd.patterns import PatternError, match
from hostgen.site.versions import requirement

REWRITE_PHASE = ("rewrite", "return", "if", "try_files")
NAMED_REWRITE = "_rewrite"   # in a named location's fields: its one rewrite, kept whole
_NOT_SIMPLE = frozenset({"location", "#", *REWRITE_PHASE})
_GLOB_SPECIAL = re.compile(r"[*?\[\\]")
_CAPTURE_REF = re.compile(r"\$(\d|\{\d\})")


def flatten(block: list[Directive], inherited: list[Directive], ctx: Context,
            outer: str = "/") -> tuple[list[NLocation], dict[str, NLocation]]:
    """The locations of a block, nested ones before their parent, inheriting its directives."""
    found: list[NLocation] = []
    named: dict[str, NLocation] = {}
    for d in block:
        if d.name != "location" or d.block is None or not d.args:
            continue
        modifier, path = split_modifier(d.args)
        own = [c for c in d.block if c.name not in _NOT_SIMPLE]
        names = {c.name for c in own}
        simple = [c for c in inherited if c.name not in names] + own
        location = NLocation(modifier, path, d, simple,
                             [c for c in d.block if c.name in REWRITE_PHASE])
        if modifier == "@":
            named[path] = location
            continue
        if d.args[0].startswith("^~") and len(d.args) == 1:
            # nginx's parser only splits off an attached "=" or "~": "^~/x/" is a prefix
            # that no request path (always starting with "/") can have
            ctx.lose(d, f"location {d.args[0]} left out: nginx reads an attached ^~ as part "
                        "of a plain prefix, which no request matches")
            continue
        if location.regex:
            try:
                location.translation = translate(path, modifier == "~*")
            except Untranslatable as error:
                location.untranslatable = str(error)
        children, inner_named = flatten(d.block, simple, ctx, path)
        for child in children:
            if child.regex and path != "/" and modifier in ("", "^~"):
                ctx.lose(child.directive, f"nested regex location now also applies outside "
                                          f"its parent {location.label()}")
        found += [*children, location]
        named.update(inner_named)
    return found, named


def order(locations: list[NLocation], ctx: Context) -> list[NLocation]:
    """The emitting order of nginx-to-httpd.md 6.4, with its warning for plain prefixes
    under a `^~` one."""
    exact = [loc for loc in locations if loc.modifier == "="]
    stop = [loc for loc in locations if loc.modifier == "^~"]
    regex = [loc for loc in locations if loc.regex]
    plain = []
    for loc in (loc for loc in locations if loc.modifier == ""):
        under = next((s for s in stop if loc.path.startswith(s.path) and
                      len(loc.path) > len(s.path)), None)
        if under is None:
            plain.append(loc)
            continue
        ctx.lose(loc.directive, f"location '{loc.path}' lies under '^~ {under.path}': regex "
                                "locations no longer take precedence below it")
        stop.append(loc)
    by_length = lambda loc: -len(loc.path)   # noqa: E731 - sorted() is stable: file order kept
    return [*exact, *sorted(stop, key=by_length), *regex, *sorted(plain, key=by_length)]


def emit_server_rewrites(server: NServer, ctx: Context) -> tuple[list[Emitted], Directive | None]:
    """Server-level rewrites (nginx runs them before choosing a location), and the server-level
    `return` that ends them, if any."""
    out: list[Emitted] = []
    for i, d in enumerate(server.rewrites):
        if d.name == "return":
            return out, d
        out += _rewrite_phase(d, server, {}, ctx, server.rewrites[i + 1:])
    return out, None


def emit(location: NLocation, server: NServer, ctx: Context,
         named: dict[str, dict[str, Any]]) -> list[Emitted]:
    patterns = _patterns(location, ctx)
    if not patterns:
        return []
    base = location_body(location, ctx, server.simple)
    out: list[Emitted] = []
    final: Directive | None = None
    fallback: Directive | None = None
    for i, d in enumerate(location.rewrites):
        if d.name == "return":
            final = d
            break
        if d.name == "try_files":
            fallback = d
        else:
            out += _rewrite_phase(d, server, base, ctx, location.rewrites[i + 1:])
    names = location.translation.names if location.translation else {}
    for key, text, variant in patterns:
        fields = dict(base)
        returned = None if final is None else return_fields(final, variant, names, server, ctx)
        if returned is not None:
            fields = returned
        elif fallback is not None:
            target = try_files_target(fallback, variant, names, server, ctx, named,
                                      directories=not location.regex)
            if target is None and fallback.args[-1] == "=404" and "fastcgi" in base:
                # httpd would hand a missing script to the responder; nginx answers 404
                target = {"block": 404}
            if target is not None and "rewrite" in target and base.get("authenticate"):
                ctx.lose(fallback, f"try_files fallback {fallback.args[-1]} is not protected: "
                                   "httpd asks for the password of the location the rewritten "
                                   "path lands in, nginx of this one")
            rewrite = target.pop(NAMED_REWRITE, None) if target else None
            if isinstance(rewrite, Directive):
                # the named location rewrites with its own regex: not found + that regex
                for item in rewrite_locations(rewrite, server, base, ctx):
                    item.fields = {"match": item.fields.pop("match"), "found": False,
                                   **item.fields}
                    item.source = location
                    if "$uri/" in fallback.args[:-1]:
                        out += root_guard(item, base, location)
                    out.append(item)
            elif target:
                kept = {} if "block" in target else base   # a block answers by itself
                missing = Emitted({key: text, "found": False, **kept, **target}, fallback,
                                  text, location, variant)
                if "$uri/" in fallback.args[:-1]:
                    out += root_guard(missing, base, location)
                out.append(missing)
        out.append(Emitted({key: text, **(fields or {"pass": True})}, location.directive, text,
                           location, variant))
    return out


def location_body(location: NLocation, ctx: Context,
                  outer: list[Directive]) -> dict[str, Any]:
    fields = body(location.simple, ctx, server=False)
    finish_authenticate(fields, location.simple, outer, ctx)
    alias = fields.pop("alias", None)
    if alias is not None:
        _alias(location, alias, fields, ctx)
    params = fields.pop("fastcgi_param", None)
    needs = requirement("fastcgi_param", ctx.release) if ctx.release and params else None
    if needs is not None:
        where = next(d for d in location.simple if d.name == "fastcgi_param")
        ctx.lose(where, f"fastcgi_param dropped: {needs}")
    elif params and "fastcgi" in fields:
        socket = ctx.responders[fields["fastcgi"]]["socket"]
        fields["fastcgi"] = ctx.name_for(ctx.responders, f"{fields['fastcgi']}-params",
                                         {"socket": socket, "param": params})
    return fields


def _alias(location: NLocation, d: Directive, fields: dict[str, Any], ctx: Context) -> None:
    """`alias DIR/` in `location /p/` -> root DIR + `request strip` of the prefix's parts."""
    if location.modifier not in ("", "^~") or location.path.endswith("/") != \
            d.args[0].endswith("/"):
        ctx.lose(d, "alias dropped: httpd can only strip whole leading path components "
                    "(alias DIR/ in a prefix location /P/)")
        return
    fields["root"] = ctx.chrooted(d, d.args[0], "alias")
    fields["strip"] = len([part for part in location.path.split("/") if part])


def _rewrite_phase(d: Directive, server: NServer, base: dict[str, Any],
                   ctx: Context, later: list[Directive] | None = None) -> list[Emitted]:
    if d.name == "rewrite":
        if len(d.args) == 2 and any(o.name == "rewrite" for o in later or []):
            ctx.lose(d, "rewrite without a flag: nginx goes on with the next rewrite on the "
                        "new path, httpd rewrites once")
        return rewrite_locations(d, server, base, ctx)
    if d.name == "if":
        inner = missing_file_rewrite(d)
        if inner is None:
            if_loss(d, ctx)
            return []
        out = []
        for item in rewrite_locations(inner, server, base, ctx):
            item.fields = {"match": item.fields.pop("match"), "found": False, **item.fields}
            if d.args[0] == "!-e":
                out += root_guard(item, base, d)
            out.append(item)
        return out
    if d.name == "try_files":
        ctx.lose(d, "try_files at server level: nginx uses it only when no location "
                    "matches; put it in `location /`")
    return []


def root_guard(missing: Emitted, base: dict[str, Any],
               source: NLocation | Directive) -> list[Emitted]:
    """httpd never counts "/" as found (faccessat(rootfd, "") fails, httpd-conf.md 3.4), nginx
    does (it is a directory): a location for "/" alone, before the `not found` one, keeps the
    site's front page where nginx serves it (the directory's index)."""
    text = missing.text
    matches = fnmatch_casefold(text, "/") if "path" in missing.fields else \
        _lua_matches(text, "/")
    if not matches:
        return []
    return [Emitted({"path": "/", **(base or {"pass": True})}, missing.origin, "/", source)]


def _lua_matches(pattern: str, path: str) -> bool:
    try:
        return match(pattern, path) is not None
    except PatternError:
        return False


def _patterns(location: NLocation, ctx: Context) -> list[tuple[str, str, Variant | None]]:
    """(key, text, variant) of each httpd location an nginx location becomes."""
    if location.untranslatable is not None:
        ctx.lose(location.directive, f"{location.label()} left out: {location.untranslatable}")
        return []
    if location.translation is None:
        if _GLOB_SPECIAL.search(location.path):
            ctx.lose(location.directive, f"{location.label()} left out: *, ?, [ or \\ in a "
                                         "path cannot be written as an httpd glob")
            return []
        return [("path", location.path + ("" if location.modifier == "=" else "*"), None)]
    uses_captures = any(_CAPTURE_REF.search(" ".join(d.args)) for d in location.rewrites)
    out: list[tuple[str, str, Variant | None]] = []
    for variant in location.translation.variants:
        glob = None if location.modifier == "~" or uses_captures else _glob(variant.lua)
        out.append(("path", glob, variant) if glob else ("match", variant.lua, variant))
    return out


_FOLDED = re.compile(r"\[([a-z])([A-Z])\]")


def _glob(lua: str) -> str | None:
    """A case-insensitive Lua variant as the glob that means the same (nginx-to-httpd.md 7.3):
    globs are case-insensitive and `*` crosses `/`, like an unanchored regex search."""
    start, end = lua.startswith("^"), lua.endswith("$") and not lua.endswith("%$")
    body = lua[1 if start else 0:len(lua) - 1 if end else len(lua)].replace("(", "").replace(
        ")", "")
    literal: list[str] = []
    i = 0
    while i < len(body):
        folded = _FOLDED.match(body, i)
        if folded and folded[1].upper() == folded[2]:
            literal.append(folded[1])
            i = folded.end()
        elif body[i] == "%" and i + 1 < len(body) and not body[i + 1].isalnum():
            literal.append(body[i + 1])
            i += 2
        elif body[i] in "^$()%.[]*+-?" or body[i].isalpha():
            return None
        else:
            literal.append(body[i])
            i += 1
    text = "".join(literal)
    if not text or _GLOB_SPECIAL.search(text) or (start and not text.startswith("/")):
        return None
    return ("" if start else "*") + text + ("" if end else "*")
