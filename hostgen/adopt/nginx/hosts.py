"""`if ($host = NAME) { return ...; }` at the top of a server (nginx-to-httpd.md 8.5): httpd has
no conditionals, but it chooses servers by name, so the names the `if` selects become a server
of their own that only returns, and the rest keep the original server."""

from __future__ import annotations

from dataclasses import replace

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.plan import NServer
from hostgen.adopt.nginx.twins import certbot


def split_host_ifs(server: NServer, ctx: Context) -> list[NServer]:
    """The server, and one server per leading `if ($host =|!= NAME) { return ...; }`.
    Certbot's port-80 server (an `if` per name) stays whole: it is an https twin."""
    if certbot(server, server.names):
        return [server]
    out: list[NServer] = []
    names = [name.lower() for name in server.names]
    rewrites = list(server.rewrites)
    while rewrites and rewrites[0].name == "if":
        d = rewrites[0]
        args = [a.strip("'\"") for a in d.args]
        inner = [c for c in d.block or [] if c.name != "#"]
        if len(args) != 3 or args[0] not in ("$host", "$http_host") or \
                args[1] not in ("=", "!=") or len(inner) != 1 or inner[0].name != "return" or \
                any("*" in n or n.startswith(("~", ".")) for n in names):
            break
        target = args[2].lower()
        chosen = [n for n in names if (n == target) == (args[1] == "=")]
        if not chosen or len(chosen) == len(names):
            break
        out.append(replace(server, directive=d, names=chosen, rewrites=inner, locations=[],
                           named={}))
        if args[1] == "!=":
            ctx.lose(d, f"if ($host != {args[2]}) became a server for the other names "
                        f"({', '.join(chosen)}): a Host that no server names is not sent "
                        "there by httpd")
        names = [n for n in names if n not in chosen]
        rewrites.pop(0)
    if not out:
        return [server]
    return [replace(server, names=names, rewrites=rewrites), *out]
