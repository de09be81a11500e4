"""The port-80 server next to a TLS one that only sends clients to https (nginx-to-httpd.md
12): in site.yaml it is the TLS server's `http: redirect`, its ACME location `httpd.acme`."""

from __future__ import annotations

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.plan import NLocation, NServer
from hostgen.adopt.nginx.read import Directive

ACME_PREFIX = "/.well-known/acme-challenge/"


def https_twin(server: NServer, names: list[str]) -> bool:
    """True when every request but ACME challenges gets `301 https://<the name asked><uri>`,
    which is what hostgen's `http: redirect` answers (https://$SERVER_NAME$REQUEST_URI)."""
    targets = _targets(names)
    others = [loc for loc in server.locations if not _is_acme(loc)]
    if certbot(server, names):
        return not others
    if server.rewrites:
        return len(server.rewrites) == 1 and _returns(server.rewrites[0].args, targets)
    return (len(others) == 1 and others[0].modifier == "" and others[0].path == "/"
            and len(others[0].rewrites) == 1
            and _returns(others[0].rewrites[0].args, targets))


def certbot(server: NServer, names: list[str]) -> bool:
    """Certbot's port-80 server: `if ($host = NAME) { return 301 https://$host$request_uri; }`
    for each name, then `return 404` for any other Host (which httpd's own 404 for an
    unknown name does not need: that Host reaches another server or the default)."""
    covered: set[str] = set()
    for d in server.rewrites:
        inner = [c for c in d.block or [] if c.name != "#"]
        if d.name == "if" and len(d.args) == 3 and d.args[:2] == ["$host", "="] and \
                len(inner) == 1 and inner[0].name == "return" and \
                _returns(inner[0].args, _targets([d.args[2]])):
            covered.add(d.args[2].lower())
        elif not (d.name == "return" and d.args == ["404"]) and d.name != "#":
            return False
    return bool(covered) and covered == {name.lower() for name in names}


def scheme_redirect(server: NServer, names: list[str]) -> Directive | None:
    """`if ($scheme = http) { return 301 https://$host$request_uri; }` (or `!= https`) in a
    server that listens on both: httpd's `http: redirect` (nginx-to-httpd.md 8.5)."""
    for d in server.rewrites:
        if d.name != "if":
            continue
        condition = [a.strip("'\"") for a in d.args]
        inner = [c for c in d.block or [] if c.name != "#"]
        if condition in (["$scheme", "=", "http"], ["$scheme", "!=", "https"]) and \
                len(inner) == 1 and inner[0].name == "return" and \
                _returns(inner[0].args, _targets(names)):
            return d
    return None


def acme_root(server: NServer, ctx: Context) -> str | None | bool:
    """The chroot folder an ACME location serves challenges from; None without one, False
    when it does something `httpd.acme` cannot say."""
    for loc in server.locations:
        if not _is_acme(loc):
            continue
        if loc.rewrites:
            return False
        roots = [d for d in loc.simple if d.name in ("root", "alias")] or \
            [d for d in server.simple if d.name == "root"]
        if len(roots) != 1:
            return False
        folder = ctx.chrooted(roots[0], roots[0].args[0], roots[0].name)
        if roots[0].name == "root":
            return folder.rstrip("/") + ACME_PREFIX.rstrip("/")
        return folder
    return None


def _targets(names: list[str]) -> set[str]:
    targets = {"https://$host$request_uri", "https://$http_host$request_uri"}
    if len(names) == 1:
        targets |= {"https://$server_name$request_uri", f"https://{names[0]}$request_uri"}
    return targets


def _is_acme(loc: NLocation) -> bool:
    return loc.modifier in ("", "^~") and loc.path in (ACME_PREFIX, ACME_PREFIX.rstrip("/"))


def _returns(args: list[str], targets: set[str]) -> bool:
    return len(args) == 2 and args[0] == "301" and args[1] in targets
