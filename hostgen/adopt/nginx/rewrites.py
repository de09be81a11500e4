"""`return`, `rewrite`, `try_files` and the one `if` idiom httpd can say (nginx-to-httpd.md 8).

nginx appends the original query to a rewrite's target unless the target ends with `?`;
httpd's `block return` never appends, and its `request rewrite` keeps the query unless the
target has one (8.2): so redirects get `?$QUERY_STRING` (or `&...`) written out, rewrites
whose target has a query get `&$QUERY_STRING`.
"""

from __future__ import annotations

import re
from typing import Any

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.plan import HTTPD_CODES, REDIRECT_CODES, Emitted, NServer
from hostgen.adopt.nginx.read import Directive
from hostgen.adopt.nginx.regex import Untranslatable, Variant, translate
from hostgen.adopt.nginx.replacement import replacement

# nginx variable -> httpd macro (nginx-to-httpd.md 8.6)
VARIABLES = {
    "scheme": "$REQUEST_SCHEME", "host": "$HTTP_HOST", "http_host": "$HTTP_HOST",
    "request_uri": "$REQUEST_URI", "uri": "$DOCUMENT_URI", "document_uri": "$DOCUMENT_URI",
    "args": "$QUERY_STRING", "query_string": "$QUERY_STRING", "is_args": "?",
    "remote_addr": "$REMOTE_ADDR", "remote_port": "$REMOTE_PORT",
    "server_addr": "$SERVER_ADDR", "server_port": "$SERVER_PORT",
}
_EXTERNAL = re.compile(r"^(https?://|\$scheme)")


def variables(server: NServer) -> dict[str, str]:
    # nginx's $server_name is the server's first name, a constant (httpd's $SERVER_NAME is
    # the name of the entry that matched, an alias included)
    return {**VARIABLES, "server_name": server.primary}


def return_fields(d: Directive, variant: Variant | None, names: dict[str, int],
                  server: NServer, ctx: Context) -> dict[str, Any] | None:
    """The keys of a `return`, or None (and a loss) when httpd cannot answer it."""
    args = d.args
    url: str | None
    if not args or (not args[0].isdigit() and len(args) > 1):
        ctx.lose(d, f"return {' '.join(args)}: the status must be a number in httpd")
        return None
    if len(args) == 1 and not args[0].isdigit():
        code, url = 302, args[0]
    else:
        code, url = int(args[0]), args[1] if len(args) > 1 else None
    if code == 444:
        return {"block": "drop"}
    if code in REDIRECT_CODES and url is not None:
        try:
            target = replacement(url, variant, names, variables(server))
        except Untranslatable as error:
            ctx.lose(d, f"return {code} dropped: {error}")
            return None
        return {"redirect": target, "status": code}
    if url is not None:
        ctx.lose(d, f"return {code} with a body: httpd has no inline responses; serve the "
                    "text from a file instead")
        return None
    if code not in HTTPD_CODES:
        ctx.lose(d, f"return {code}: httpd knows no status {code}")
        return None
    return {"block": True if code == 403 else code}


def rewrite_fields(d: Directive, variant: Variant, names: dict[str, int],
                   server: NServer) -> dict[str, Any]:
    """The keys of one variant of `rewrite REGEX TARGET [FLAG]` (raises Untranslatable)."""
    target, flag = d.args[1], d.args[2] if len(d.args) > 2 else ""
    keep_query = not target.endswith("?")
    source = target if keep_query else target[:-1]
    text = replacement(source, variant, names, variables(server))
    external = bool(_EXTERNAL.match(target))
    if external or flag in ("permanent", "redirect"):
        if keep_query:
            text += "&$QUERY_STRING" if "?" in text else "?$QUERY_STRING"
        return {"redirect": text, "status": 301 if flag == "permanent" else 302}
    if not keep_query:
        text += "?"
    elif "?" in text:
        text += "&$QUERY_STRING"
    return {"rewrite": text}


def rewrite_locations(d: Directive, server: NServer, base: dict[str, Any],
                      ctx: Context) -> list[Emitted]:
    """One `location match` per Lua variant of a rewrite's regex."""
    if len(d.args) < 2:
        return []
    if len(d.args) > 2 and d.args[2] not in ("last", "break", "redirect", "permanent"):
        ctx.lose(d, f"rewrite flag {d.args[2]} unknown")
        return []
    try:
        translation = translate(d.args[0])
        out = []
        for variant in translation.variants:
            fields = {"match": variant.lua, **base,
                      **rewrite_fields(d, variant, translation.names, server)}
            if not fields.get("rewrite", "/").startswith("/"):
                raise Untranslatable("httpd rewrites to a path starting with /")
            if "rewrite" in fields:
                fields["rewrite"] = to_index_file(fields["rewrite"], d, server, ctx)
            out.append(Emitted(fields, d, variant.lua, d, variant))
    except Untranslatable as error:
        ctx.lose(d, f"rewrite {d.args[0]} dropped: {error}")
        return []
    if len(d.args) > 2 and d.args[2] == "break" and "rewrite" in out[0].fields:
        ctx.lose(d, "rewrite ... break: httpd looks the new path up among all locations "
                    "again (as `last` does), nginx stays in this location")
    return out


def try_files_target(d: Directive, variant: Variant | None, names: dict[str, int],
                     server: NServer, ctx: Context,
                     named: dict[str, dict[str, Any]],
                     directories: bool = True) -> dict[str, Any] | None:
    """What the `not found` location does: the fallback of `try_files`, or None when httpd
    already does the same (a missing file is a 404) or cannot say it. `directories`: the
    location can be asked for a directory (a prefix one, not a regex for scripts)."""
    *tried, last = d.args
    # $fastcgi_script_name is $uri in a location whose regex ends the script name (Debian's
    # snippets/fastcgi-php.conf: try_files $fastcgi_script_name =404)
    tried = ["$uri" if arg == "$fastcgi_script_name" else arg for arg in tried]
    for arg in tried:
        if arg not in ("$uri", "$uri/"):
            ctx.lose(d, f"try_files {arg}: httpd's `not found` tests the request path only "
                        "($uri, $uri/)")
    if "$uri/" not in tried and "$uri" in tried and (last != "=404" or directories):
        ctx.lose(d, "try_files without $uri/: httpd counts an existing directory as found "
                    "(a 301 to DIR/, then its index) where nginx uses the fallback")
    if last == "=404":
        return None
    if last.startswith("=") and last[1:].isdigit():
        code = int(last[1:])
        if code not in HTTPD_CODES:
            ctx.lose(d, f"try_files {last}: httpd knows no status {code}")
            return None
        return {"block": True if code == 403 else code}
    if last.startswith("@"):
        if last[1:] not in named:
            ctx.lose(d, f"try_files {last}: no such named location")
            return None
        return dict(named[last[1:]])
    try:
        target = replacement(last, variant, names, variables(server))
    except Untranslatable as error:
        ctx.lose(d, f"try_files fallback {last} dropped: {error}")
        return None
    if not target.startswith("/"):
        ctx.lose(d, f"try_files fallback {last} dropped: httpd rewrites to a path "
                    "starting with /")
        return None
    if "?" in target and not target.endswith("?") and "$QUERY_STRING" not in target:
        target += "&$QUERY_STRING"
    return {"rewrite": to_index_file(target, d, server, ctx)}


def to_index_file(target: str, d: Directive, server: NServer, ctx: Context) -> str:
    """A rewrite to a directory (its path ends with "/") made a rewrite to the directory's
    index file: nginx looks the new path up and serves the index, httpd answers 500 for a
    directory after a rewrite (nginx-to-httpd.md 8.2, server_file.c). The index is the
    server's first `index` (nginx's default index.html), which a location the new path
    reaches may set otherwise: said at the directive's line."""
    path, question, query = target.partition("?")
    if not path.endswith("/"):
        return target
    index = next((x.args[0] for x in reversed(server.simple) if x.name == "index" and x.args),
                 "index.html")
    if "$" in index or "/" in index:
        ctx.lose(d, f"rewrite to the directory {path}: httpd answers 500 for a directory after a "
                    "rewrite; rewrite to its index file instead")
        return target
    ctx.note(d, f"rewrite to the directory {path} written as {path}{index}: httpd answers 500 "
                "for a directory after a rewrite (the server's index; check it is the one "
                "nginx serves there)")
    return f"{path}{index}{question}{query}"


def missing_file_rewrite(d: Directive) -> Directive | None:
    """`if (!-e $request_filename) { rewrite ... }` (or !-f, !-d): the one `if` idiom that is
    a `location not found` (nginx-to-httpd.md 8.5); its rewrite, or None."""
    if d.args[:2] in (["!-e", "$request_filename"], ["!-f", "$request_filename"]):
        inner = [c for c in d.block or [] if c.name != "#"]
        if len(inner) == 1 and inner[0].name == "rewrite":
            return inner[0]
    return None


def if_loss(d: Directive, ctx: Context) -> None:
    condition = " ".join(d.args)
    ctx.lose(d, f"if ({condition}) dropped with its block: httpd has no conditionals "
                "(split the cases into servers or locations by hand)")
