"""adopt_nginx(): an nginx configuration -> a commented site.yaml with losses and expectations."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hostgen.adopt.nginx.context import Context, unquotable
from hostgen.adopt.nginx.directives import ADVICE, fixed_script
from hostgen.adopt.nginx.document import Server, document
from hostgen.adopt.nginx.expectations import Target, expectations, redirect_expectation
from hostgen.adopt.nginx.hosts import split_host_ifs
from hostgen.adopt.nginx.locations import (
    NAMED_REWRITE,
    emit,
    emit_server_rewrites,
    location_body,
    order,
)
from hostgen.adopt.nginx.plan import Emitted, NLocation, NServer
from hostgen.adopt.nginx.read import Directive, read
from hostgen.adopt.nginx.release import missing
from hostgen.adopt.nginx.rewrites import return_fields
from hostgen.adopt.nginx.servers import Shape, read_server, server_fields, shape
from hostgen.adopt.nginx.tls import agree_on_tls
from hostgen.adopt.nginx.twins import acme_root, https_twin, scheme_redirect
from hostgen.adopt.nginx.validity import keep_valid_locations, keep_valid_server
from hostgen.adopt.result import Adopted
from hostgen.errors import LiveFileError
from hostgen.httpd.globs import fnmatch_casefold
from hostgen.site.rules.httpd import SERVING
from hostgen.site.types import Domain

ACME_PATH = "/.well-known/acme-challenge/"
# what a FastCGI or MIME include holds, httpd does itself (nginx-to-httpd.md 10)
_STANDARD_INCLUDE = re.compile(r"fastcgi|mime\.types")


@dataclass
class _Plan:
    shape: Shape
    default: bool = False
    twin: Shape | None = None
    names: list[str] = field(default_factory=list)
    upgrade: Directive | None = None   # the `if ($scheme = http)` that became `http: redirect`


def adopt_nginx(conf: Path, release: str | None) -> Adopted:
    config = read(conf)
    if not config.servers:
        raise LiveFileError(str(conf), 0, "no http server {} block to translate")
    ctx = Context(release=release)
    for include in config.missing:
        if not _STANDARD_INCLUDE.search(include.args[0]):
            ctx.lose(include, f"include {include.args[0]}: no such file, not translated")
    for block in config.blocks:
        if block.name in ("stream", "mail"):
            ctx.lose(block, f"{block.name} {{}} dropped: httpd serves HTTP only (relayd(8) "
                            "relays TCP; smtpd(8) is the mail server)")
        elif block.name in ("map", "geo", "split_clients", "perl_set", "js_set"):
            advice = ADVICE.get(block.name, "httpd has no variables")
            ctx.lose(block, f"{block.name} {' '.join(block.args)} dropped: {advice}")
    shapes = [shape(part, ctx) for d in config.servers
              for part in split_host_ifs(read_server(d, config.http, ctx), ctx)]
    plans = _plans(shapes)
    acme = _merge_twins(plans, ctx)
    _drop_duplicate_names(plans, ctx)
    listen = _listen(plans)
    servers: list[Server] = []
    targets: list[Target] = []
    extra: list[dict[str, Any]] = []
    ordered = sorted(plans, key=_rank)
    _report_shadowed(ordered, ctx)
    for plan in ordered:
        try:
            site, emitted, whole = _server(plan, listen, ctx)
        except (ValueError, IndexError, KeyError) as error:   # never a traceback for a user
            ctx.lose(plan.shape.server.directive, f"server left out: hostgen could not "
                                                  f"translate it ({error!r}); please report")
            continue
        bad = _unwritable(site, emitted, ctx)
        if bad is not None:
            ctx.lose(plan.shape.server.directive, f"server left out: its {bad} holds a backslash "
                     "or a control character, which httpd.conf cannot be given "
                     "(httpd-conf.md 1.9)")
            continue
        if not keep_valid_server(site, plan.shape.server, ctx):
            continue
        servers.append(Server(site, plan.shape.server.directive, emitted))
        scheme, port = plan.shape.reached()
        host = _host(plan.names)
        targets.append(Target(plan.shape.server, scheme, host, emitted, whole, port))
        if plan.upgrade is not None:
            extra.append({"url": f"http://{host}/", "status": 301,
                          "redirect": f"https://{host}/"})
        if plan.twin is not None:
            found = redirect_expectation(plan.twin.server, host)
            extra += [found] if found else []
            if acme is not None:
                extra.append({"url": f"http://{host}{ACME_PATH}token", "status": 200,
                              "location": f"{ACME_PATH}*"})
    for table in (ctx.materials, ctx.responders):   # only left-out servers used these
        for name in [name for name, value in table.items() if unquotable(value)]:
            del table[name]
    agree_on_tls(servers, ctx)
    expect = expectations(targets, ctx.lost) + extra
    doc = document(_host_name(_all_names(plans)), release, ctx, listen, acme, servers, expect,
                   conf.parent)
    return Adopted(doc, sorted(ctx.losses))


# the nginx directives a server key is made from, where the oracle's answer depends on them
_MADE_BY = {"authenticate": ("auth_basic", "auth_basic_user_file")}


def _unwritable(site: dict[str, Any], emitted: list[Emitted], ctx: Context) -> str | None:
    """The first key of a translated server, or of a TLS material or FastCGI responder it
    uses, that httpd.conf could not be given; None when all can be written. (Locations and
    server options are checked where they are made; this also covers a whole-server return
    and the named materials and responders.)"""
    for key, value in site.items():
        if unquotable(value):
            return key
    tls = site.get("tls")
    material = tls.get("material") if isinstance(tls, dict) else tls
    if isinstance(material, str) and unquotable(ctx.materials.get(material)):
        return "TLS material"
    used = [site.get("fastcgi")] + [e.fields.get("fastcgi") for e in emitted]
    if any(isinstance(name, str) and unquotable(ctx.responders.get(name)) for name in used):
        return "FastCGI socket"
    return None


def _plans(shapes: list[Shape]) -> list[_Plan]:
    """Each server, marked when nginx makes it the default of one of its sockets."""
    plans = [_Plan(s) for s in shapes]
    sockets = {socket for s in shapes for socket in s.sockets()}
    for socket in sorted(sockets):
        on = [p for p in plans if socket in p.shape.sockets()]
        marked = [p for p in on if any(listen.default and (listen.port, listen.tls) == socket
                                       for listen in p.shape.listens)]
        (marked or on)[0].default = True
    for plan in plans:
        plan.names = plan.shape.names or ["*" if plan.default else "_"]
    return plans


def _rank(plan: _Plan) -> tuple[int, int]:
    """httpd takes the first server of a socket as its default and the first name that
    matches: defaults first, then exact names before wildcards; a nameless default (nginx's
    `server_name _`) last, as "*", catching every other host as nginx does."""
    if plan.names == ["*"]:
        return (3, 0)
    if plan.default:
        return (0, 0)
    if plan.names == ["_"]:
        return (2, 0)
    return (1, max(0 if "*" not in n else 1 if n.startswith("*") else 2 for n in plan.names))


def _merge_twins(plans: list[_Plan], ctx: Context) -> str | None:
    """A port-80 server that only redirects to https for the names of a TLS server becomes
    that server's `http: redirect` (and its ACME location `httpd.acme`)."""
    acme: str | None = None
    for plan in [p for p in plans if p.shape.tls and not p.shape.plain and p.shape.standard]:
        for other in plans:
            if other is plan or other.shape.tls or other.twin is not None or \
                    not other.shape.standard or \
                    set(other.shape.names) != set(plan.shape.names) or not plan.shape.names:
                continue
            if not https_twin(other.shape.server, plan.shape.names):
                continue
            root = acme_root(other.shape.server, ctx)
            if root is False or (isinstance(root, str) and acme not in (None, root)):
                continue
            acme = root if isinstance(root, str) else acme
            plan.twin = other.shape
            other.twin = plan.shape
            break
    plans[:] = [p for p in plans if not (p.twin is not None and not p.shape.tls)]
    return acme


def _drop_duplicate_names(plans: list[_Plan], ctx: Context) -> None:
    """nginx ignores a server_name an earlier server already has on the same port
    ("conflicting server name"); httpd refuses it ("server defined twice")."""
    used: set[tuple[str, int]] = set()
    for plan in list(plans):
        s = plan.shape
        ports = {port for port, _ in s.sockets()} | ({80} if plan.twin else set())
        if not s.listens:
            ports = {80}
        kept = []
        for name in plan.names:
            taken = {(name.lower(), port) for port in ports}
            if taken & used:
                ctx.lose(s.server.directive, f"server name {name} dropped: an earlier server "
                                             "has it on the same port (nginx ignores it too)")
            else:
                used |= taken
                kept.append(name)
        plan.names = kept
        if not kept:
            plans.remove(plan)


def _report_shadowed(ordered: list[_Plan], ctx: Context) -> None:
    """A default server must come first in httpd; if its wildcard name also covers an exact
    name of a later server, httpd answers that name from the default (nginx prefers exact
    names whatever the order)."""
    for i, plan in enumerate(ordered):
        for glob in (n for n in plan.names if "*" in n and n != "*"):
            for later in ordered[i + 1:]:
                for name in (n for n in later.names if "*" not in n):
                    if fnmatch_casefold(glob, name):
                        ctx.lose(plan.shape.server.directive,
                                 f"server name {glob} comes first (this is the default "
                                 f"server) and also matches {name}: httpd answers {name} "
                                 "from this server, nginx from the one that names it")


def _listen(plans: list[_Plan]) -> str:
    """httpd's `listen`: the address most servers of the string form use."""
    counts = Counter(_address(p.shape) for p in plans if p.shape.standard)
    return counts.most_common(1)[0][0] if counts else "*"


def _address(s: Shape) -> str:
    addresses = {listen.address for listen in s.listens}
    if {"0.0.0.0", "::"} <= addresses:
        return "*"
    return next(iter(addresses), "*")


def _server(plan: _Plan, listen: str, ctx: Context) -> tuple[dict[str, Any], list[Emitted],
                                                              Directive | None]:
    s = plan.shape
    site: dict[str, Any] = {"name": plan.names[0]}
    if plan.names[1:]:
        site["aliases"] = plan.names[1:]
    address = _address(s)
    if not s.standard:
        site["listen"] = s.listeners()   # exactly these listeners; `http:` does not apply
    elif address != listen:
        site["listen"] = address
    if s.tls and s.standard:
        site["http"] = "serve" if s.plain else "redirect" if plan.twin else "off"
        upgrade = scheme_redirect(s.server, s.names) if s.plain else None
        if upgrade is not None:
            site["http"] = "redirect"
            s.server.rewrites.remove(upgrade)
            plan.upgrade = upgrade
    for key, value in server_fields(s.server, ctx, s.tls).items():
        needs = missing({key: value}, ctx.release)
        if needs is not None:
            ctx.lose(s.server.directive, f"{key} left out: {needs}")
        elif unquotable(value):
            ctx.lose(s.server.directive, f"{key} left out: a backslash or a control character "
                                         "cannot be written in httpd.conf")
            # what nginx answers because of them is not httpd's answer any more
            ctx.lost.update(id(d) for d in s.server.simple if d.name in _MADE_BY.get(key, ()))
        else:
            site[key] = value
    emitted, whole = _locations(s.server, site, ctx)
    emitted = keep_valid_locations(emitted, ctx)
    serving = [e for e in emitted if "root" not in e.fields and
               not {"redirect", "block"} & set(e.fields)]
    if "root" not in site and not {"redirect", "block"} & set(site) and (serving or not emitted):
        ctx.lose(s.server.directive, "no root: nginx serves from the html folder of its "
                                     "prefix, httpd from /var/www/htdocs")
    return site, emitted, whole


def _locations(server: NServer, site: dict[str, Any], ctx: Context) -> tuple[list[Emitted],
                                                                            Directive | None]:
    emitted, final = emit_server_rewrites(server, ctx)
    if final is not None:
        returned = return_fields(final, None, {}, server, ctx)
        needs = missing(returned or {}, ctx.release)
        if needs is not None:
            ctx.lose(final, f"left out: {needs}")
            return _unique(emitted, ctx), None
        if returned is not None and {"redirect", "block"} & set(returned) and not emitted:
            for key in ("root", "index", "auto_index", "fastcgi", "errdocs"):
                site.pop(key, None)   # the whole server redirects / blocks: never applied
            site.update(returned)
            return [], final
        if returned is not None:
            emitted.append(Emitted({"path": "*", **returned}, final, "*", final))
        return _unique(emitted, ctx), None
    wanted = {d.args[-1][1:] for loc in server.locations for d in loc.rewrites
              if d.name == "try_files" and d.args[-1].startswith("@")}
    named = {name: _named(loc, server, ctx) for name, loc in server.named.items()
             if name in wanted}   # others are reached only from error_page (a loss) or nowhere
    for location in order(server.locations, ctx):
        emitted += emit(location, server, ctx, named)
    return _unique(emitted, ctx), None


_EVERY_PATH = frozenset({"^", "^(.*)$", "^/(.*)$", ".*", "^.*$", "(.*)", "^/", "^(.+)$", "(.+)",
                         "^.+$", ".+"})


def _named(loc: NLocation, server: NServer, ctx: Context) -> dict[str, Any]:
    """What a `try_files ... @name` fallback does: the named location's settings, a `return`,
    or a rewrite of every path to one target (httpd has no named locations)."""
    fields = location_body(loc, ctx, server.simple)
    script = fixed_script(loc.simple)
    if script is not None and "fastcgi" in fields:
        # httpd takes the script from the path: send the path to that script instead
        fields["rewrite"] = script
    for d in loc.rewrites:
        if d.name == "return":
            returned = return_fields(d, None, {}, server, ctx)
            return returned if returned is not None else fields
        if d.name == "rewrite" and len(d.args) >= 2 and d.args[0] in _EVERY_PATH and \
                "$" not in d.args[1] and d.args[1].startswith("/"):
            fields["rewrite"] = d.args[1]
            continue
        if d.name == "rewrite" and len(loc.rewrites) == 1:
            fields[NAMED_REWRITE] = d   # written with its own regex where it is used
            continue
        ctx.lose(d, f"{d.name} in location @{loc.path} dropped: httpd has no named "
                    "locations, and this one cannot be written as the fallback itself")
    return fields


def _unique(emitted: list[Emitted], ctx: Context) -> list[Emitted]:
    """httpd refuses the same location twice ("location defined twice"); the second could
    never answer anyway (first match wins). A location holding a backslash or a control
    character cannot be quoted in httpd.conf: it is left out, with a loss."""
    seen: set[tuple[str, str, object]] = set()
    out = []
    for e in emitted:
        if unquotable(e.fields):
            ctx.lose(e.origin, "left out: a backslash or a control character cannot be "
                               "written in httpd.conf")
            continue
        if "redirect" in e.fields or "block" in e.fields:
            for serving in SERVING:   # what the location would serve: it answers first
                e.fields.pop(serving, None)
        needs = missing(e.fields, ctx.release)
        if needs is not None:
            ctx.lose(e.origin, f"left out: {needs}")
            continue
        if not set(e.fields) - {"path", "match", "found"}:
            e.fields["pass"] = True   # httpd refuses an empty location block
        key = ("match" if "match" in e.fields else "path", e.text, e.fields.get("found"))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _host(names: list[str]) -> str:
    """A host name that reaches a server: its first exact name, or one made from a glob."""
    for name in names:
        if "*" not in name and name != "_":
            return name
    for name in names:
        if name.startswith("*."):
            return "www" + name[1:]
        if name.endswith(".*"):
            return name[:-1] + "com"
    return "default.invalid"


def _host_name(names: list[str]) -> str:
    """host.name: the host a server name reaches when it is a domain name, as the model wants
    it (an IP literal or a name such as "a..b" is not), else default.invalid."""
    host = _host(names)
    try:
        _DOMAIN.validate_python(host)
    except ValidationError:
        return "default.invalid"
    return host


_DOMAIN: TypeAdapter[str] = TypeAdapter(Domain)


def _all_names(plans: list[_Plan]) -> list[str]:
    return [name for p in plans for name in p.names]
