"""nginx `server {}` -> a site.yaml server: names, listeners, TLS, HSTS and the server-wide
settings (nginx-to-httpd.md 4 and 11)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hostgen.adopt.nginx.context import Context
from hostgen.adopt.nginx.directives import ADVICE, body, finish_authenticate
from hostgen.adopt.nginx.locations import REWRITE_PHASE, flatten
from hostgen.adopt.nginx.plan import NServer
from hostgen.adopt.nginx.read import Directive
from hostgen.adopt.nginx.regex import Untranslatable, translate
from hostgen.adopt.nginx.tls import tls_options
from hostgen.site.types import HostName, ListenAddress
from hostgen.site.versions import requirement

CATCH_ALL = frozenset({"_", "", "default", "default_server", "localhost"})
_GENERIC_STEMS = frozenset({"fullchain", "cert", "chain", "privkey", "key", "server"})
_HOST_NAME: TypeAdapter[str] = TypeAdapter(HostName)
_ADDRESS: TypeAdapter[str] = TypeAdapter(ListenAddress)
_LITERAL = re.compile(r"\^((?:[A-Za-z0-9_-]|%\.)+)\$")
_HSTS = "strict-transport-security"
_PLAIN_FOLDER = re.compile(r"(?:/[A-Za-z0-9._-]+)*/")


@dataclass
class Listen:
    address: str      # "0.0.0.0", "::" or an address
    port: int
    tls: bool
    default: bool


@dataclass
class Shape:
    """What decides a server's place and its listeners."""

    server: NServer
    listens: list[Listen] = field(default_factory=list)
    names: list[str] = field(default_factory=list)    # httpd names, in httpd order
    catch_all: bool = False

    @property
    def tls(self) -> bool:
        return any(listen.tls for listen in self.listens)

    @property
    def plain(self) -> bool:
        return any(not listen.tls for listen in self.listens)

    def sockets(self) -> set[tuple[int, bool]]:
        return {(listen.port, listen.tls) for listen in self.listens}

    @property
    def standard(self) -> bool:
        """Port 80 and/or 443 on one address (or all of both families): what the string form
        of `listen` with `http:` says; anything else needs the list form."""
        addresses = {listen.address for listen in self.listens}
        return all(listen.port == (443 if listen.tls else 80) for listen in self.listens) and \
            (len(addresses) <= 1 or addresses == {"0.0.0.0", "::"})

    def listeners(self) -> list[dict[str, Any]]:
        """The list form of `listen`, in nginx's order; IPv4 and IPv6 wildcards on one port
        together are httpd's `*` (nginx-to-httpd.md 4.4)."""
        out: list[dict[str, Any]] = []
        for listen in self.listens:
            same = [other.address for other in self.listens
                    if (other.port, other.tls) == (listen.port, listen.tls)]
            address = "*" if {"0.0.0.0", "::"} <= set(same) and listen.address in (
                "0.0.0.0", "::") else listen.address
            item: dict[str, Any] = {"address": address, "port": listen.port}
            if listen.tls:
                item["tls"] = True
            if item not in out:
                out.append(item)
        return out

    def reached(self) -> tuple[str, str]:
        """The scheme and port suffix (":8443", or "" for 80 / 443) expectations use."""
        listen = next((listen for listen in self.listens if listen.tls), None) or \
            next(iter(self.listens), Listen("0.0.0.0", 80, False, False))
        default = 443 if listen.tls else 80
        return ("https" if listen.tls else "http",
                "" if listen.port == default else f":{listen.port}")


def read_server(directive: Directive, http: list[Directive], ctx: Context) -> NServer:
    block = directive.block or []
    own = [d for d in block if d.name not in ("location", "#", *REWRITE_PHASE)]
    names = {d.name for d in own}
    simple = [d for d in http if d.name not in names] + own
    server_names = [name for d in block if d.name == "server_name" for name in d.args]
    locations, named = flatten(block, [], ctx)
    return NServer(directive, server_names, simple,
                   [d for d in block if d.name in REWRITE_PHASE], locations, named,
                   [d for d in block if d.name == "listen"])


def shape(server: NServer, ctx: Context) -> Shape:
    result = Shape(server)
    ssl_on = any(d.name == "ssl" and d.args == ["on"] for d in server.simple)
    for d in server.listens or [Directive("listen", ["80"], server.directive.file,
                                          server.directive.line)]:
        listen = _listen(d, ssl_on, ctx)
        if listen is not None:
            result.listens.append(listen)
    for d in server.simple:
        if d.name == "http2" and d.args == ["on"]:
            ctx.lose(d, "http2 dropped: httpd speaks HTTP/1.1 (clients fall back by ALPN)")
    result.names = _names(server, ctx)
    result.catch_all = all(name in CATCH_ALL for name in server.names)
    return result


def _listen(d: Directive, ssl_on: bool, ctx: Context) -> Listen | None:
    where, flags = d.args[0], d.args[1:]
    if where.startswith("unix:"):
        ctx.lose(d, f"listen {where} dropped: httpd listens on TCP sockets only")
        return None
    host, _, port = where.rpartition(":") if not where.isdigit() else ("", "", where)
    if not port.isdigit():
        host, port = where, "80"
    address = {"": "0.0.0.0", "*": "0.0.0.0", "[::]": "::"}.get(host, host.strip("[]"))
    try:
        _ADDRESS.validate_python(address)   # the model's own type: the written site validates
    except ValidationError as error:
        ctx.lose(d, f"listen {where} dropped: {error.errors()[0]['msg']}")
        return None
    for flag in flags:
        if flag == "http2":
            ctx.lose(d, "http2 dropped: httpd speaks HTTP/1.1 (clients fall back by ALPN)")
        elif flag in ("quic", "http3"):
            ctx.lose(d, f"listen {where} {flag} dropped: httpd has no HTTP/3")
            return None
        elif flag not in ("ssl", "default_server", "default") and not flag.startswith(
                ("ipv6only=", "backlog=", "reuseport", "deferred", "fastopen=", "so_keepalive")):
            ctx.lose(d, f"listen flag {flag} has no httpd equivalent")
    tls = "ssl" in flags or ssl_on
    if not 0 < int(port) < 65536:
        ctx.lose(d, f"listen {where} dropped: no such port")
        return None
    return Listen(address, int(port), tls, "default_server" in flags or "default" in flags)


def _names(server: NServer, ctx: Context) -> list[str]:
    """httpd names in first-match order: exact, then leading wildcards longest first, then
    trailing wildcards (nginx-to-httpd.md 4.3)."""
    exact: list[str] = []
    leading: list[str] = []
    trailing: list[str] = []
    where = next((d for d in server.directive.block or [] if d.name == "server_name"),
                 server.directive)
    for name in server.names:
        if name in CATCH_ALL:
            continue
        if name.startswith("~"):
            exact += _regex_name(name[1:], where, ctx)
        elif (refused := _refused_name(name)) is not None:
            ctx.lose(where, f"server_name {name!r} dropped: {refused}")
        elif name.startswith("."):
            exact.append(name[1:])
            leading.append("*" + name)
        elif name.startswith("*"):
            leading.append(name)
        elif name.endswith("*"):
            trailing.append(name)
        else:
            exact.append(name.lower())
    leading.sort(key=len, reverse=True)
    return list(dict.fromkeys(exact + leading + trailing))


def _refused_name(name: str) -> str | None:
    """Why site.yaml cannot hold this name (blanks, control characters, a backslash: what
    nginx takes in quotes but httpd.conf cannot be given), or None. The model's own type
    decides, so the written site always validates."""
    try:
        _HOST_NAME.validate_python(name)
    except ValidationError as error:
        return str(error.errors()[0]["msg"])
    if not _REQUEST_HOST.fullmatch(name):
        # httpd would take it, but no request carries it in Host: (RFC 9110 7.2, a host and
        # an optional port), and the expect: URLs the importer writes could not name it
        return "no request names such a host"
    return None


# a host name, an IP literal (in brackets for IPv6) or nginx's wildcard forms of them
_REQUEST_HOST = re.compile(r"[A-Za-z0-9._*-]+|\[[0-9A-Fa-f:.]+\]")


def _regex_name(regex: str, where: Directive, ctx: Context) -> list[str]:
    """A regex server_name whose variants are all literal host names is a list of names;
    anything else is approximated by a glob (httpd's `server match` selects every host,
    httpd-conf.md 4.6, so it is never written)."""
    try:
        variants = translate(regex, True).variants
    except Untranslatable as error:
        ctx.lose(where, f"server_name ~{regex} dropped: {error}")
        return []
    names: list[str] = []
    for variant in variants:
        unfolded = re.sub(r"\[([a-z])[A-Z]\]", r"\1", variant.lua).replace("(", "").replace(")", "")
        literal = _LITERAL.fullmatch(unfolded)
        if literal:
            names.append(literal[1].replace("%.", "."))
            continue
        glob = re.sub(r"(?:[^%.a-z0-9-]|%[^.])+", "*", unfolded.strip("^$")).replace("%.", ".")
        glob = re.sub(r"\*+", "*", glob)
        ctx.lose(where, f"server_name ~{regex} approximated by the glob {glob}: httpd "
                        "matches server names with globs only")
        names.append(glob)
    return names


def server_fields(server: NServer, ctx: Context, tls: bool) -> dict[str, Any]:
    """The server-wide keys: root, index, log, authenticate, ..., TLS material and HSTS."""
    simple = [d for d in server.simple if not _is_hsts(d) and d.name != "error_page"]
    fields = body(simple, ctx, server=True)
    _errdocs([d for d in server.simple if d.name == "error_page"], fields, ctx)
    finish_authenticate(fields, simple, [], ctx)
    for key in ("alias", "fastcgi_param"):
        if key in fields:
            d = next(d for d in simple if d.name == key)
            ctx.lose(d, f"{key} at server level dropped")
            del fields[key]
    hsts = next((d for d in server.simple if _is_hsts(d)), None)
    if tls:
        material = _material(server, ctx)
        options = tls_options(server, ctx)
        fields["tls"] = {"material": material, **options} if options else material
        if hsts is not None:
            fields["hsts"] = _hsts(hsts)
    return fields


def _errdocs(pages: list[Directive], fields: dict[str, Any], ctx: Context) -> None:
    """`error_page CODE /DIR/CODE.html` (each code its own page, all in one folder under a
    plain root) is httpd's `errdocs` (httpd-conf.md 3.12, nginx-to-httpd.md 8.4): httpd
    looks for CODE.html there, as nginx's internal redirect finds it. Anything else (one page
    for several codes, `=CODE`, a named location or a URL) stays a loss."""
    if not pages:
        return
    folders: set[str | None] = set()
    for d in pages:
        codes, uri = d.args[:-1], d.args[-1]
        folder, _, page = uri.rpartition("/")
        if len(codes) != 1 or page != f"{codes[0]}.html" or not uri.startswith("/") or \
                "$" in uri or not _PLAIN_FOLDER.fullmatch(folder + "/"):
            folders.add(None)
        else:
            folders.add(folder)
    root = fields.get("root")
    old = requirement("errdocs", ctx.release) if ctx.release else None
    if None in folders or len(folders) != 1 or not isinstance(root, str) or old:
        for d in pages:
            ctx.lose(d, f"error_page dropped: {old or ADVICE['error_page']}")
        return
    errdocs = root.rstrip("/") + (folders.pop() or "") or "/"
    fields["errdocs"] = errdocs
    ctx.lose(pages[0], f"error_page became `errdocs: {errdocs}`: httpd also answers the other "
                       "errors with err.html if that folder has one, and fills in "
                       "$HTTP_ERROR, $RESPONSE_CODE and $SERVER_SOFTWARE in the pages")


def _is_hsts(d: Directive) -> bool:
    return d.name == "add_header" and bool(d.args) and d.args[0].lower() == _HSTS


def _hsts(d: Directive) -> dict[str, Any] | bool:
    value = d.args[1] if len(d.args) > 1 else ""
    parts = [p.strip().lower() for p in value.split(";") if p.strip()]
    spec: dict[str, Any] = {}
    for part in parts:
        if part.startswith("max-age=") and part[8:].strip('"').isdigit():
            spec["max_age"] = int(part[8:].strip('"'))
        elif part == "includesubdomains":
            spec["subdomains"] = True
        elif part == "preload":
            spec["preload"] = True
    return spec or True


def _material(server: NServer, ctx: Context) -> str:
    certs = [d for d in server.simple if d.name == "ssl_certificate"]
    keys = [d for d in server.simple if d.name == "ssl_certificate_key"]
    for extra in certs[1:] + keys[1:]:
        ctx.lose(extra, "a second certificate dropped: httpd serves one per server")
    if not certs or not keys or "$" in certs[0].args[0] + keys[0].args[0]:
        ctx.lose(server.directive, "TLS server without a usable ssl_certificate / "
                                   "ssl_certificate_key: httpd's defaults "
                                   "/etc/ssl/server.crt and /etc/ssl/private/server.key written")
        value = {"certificate": "/etc/ssl/server.crt", "key": "/etc/ssl/private/server.key"}
        return ctx.name_for(ctx.materials, "server", value)
    certificate = PurePosixPath(certs[0].args[0])
    wanted = certificate.stem
    if wanted in _GENERIC_STEMS:
        wanted = certificate.parent.name
    value = {"certificate": str(certificate), "key": keys[0].args[0]}
    return ctx.name_for(ctx.materials, wanted, value)
