"""The httpd part of the site model: every directive of httpd.conf(5) as one snake_case key
(httpd-conf.md sections 2, 5.3 and Appendix A; /work/wt/SPEC-model.md is the agreed shape).

Values only; which release knows a key, and rules across keys, are in hostgen.site.rules.
A `false` is the directive's `no` form wherever httpd has one (`log: false` is `no log`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Tag

from hostgen.site.model_base import Model, fresh_list, is_, is_false, is_true, one_of
from hostgen.site.types import (
    AbsPath,
    Count,
    Extension,
    FastcgiHost,
    HostName,
    ListenAddress,
    MaterialName,
    MimeType,
    NonEmpty,
    Port,
    Text,
)

# ---- FastCGI responders ------------------------------------------------------------------


class FastcgiTcp(Model):
    host: FastcgiHost
    port: Port = 9000


class Fastcgi(Model):
    socket: AbsPath | None = None     # a UNIX socket inside the chroot
    tcp: FastcgiTcp | None = None     # `socket tcp HOST PORT` (6.8+); not with socket
    param: dict[str, Text] = {}
    strip: Count | None = None


FastcgiRef = Annotated[
    Annotated[MaterialName, Tag("name")]
    | Annotated[Literal[False], Tag("off")]
    | Annotated[Literal[True], Tag("on")]
    | Annotated[Fastcgi, Tag("inline")],
    one_of(
        "expected a responder name from fastcgi:, true, false, or {socket, tcp, param, strip}",
        name=is_(str), off=is_false, on=is_true, inline=is_(dict),
    ),
]

# ---- what servers and locations share ------------------------------------------------------

RedirectStatus = Literal[301, 302, 303, 307, 308]


class Hsts(Model):
    max_age: Count | None = None
    subdomains: bool = False
    preload: bool = False


class Log(Model):
    access: Text | None = None
    error: Text | None = None
    style: Literal["common", "combined", "connection", "forwarded"] | None = None
    syslog: bool | None = None


class Authenticate(Model):
    realm: Text | None = None
    htpasswd: AbsPath


LogRef = Annotated[
    Annotated[Literal[False], Tag("off")]
    | Annotated[Log, Tag("on")],
    one_of(
        "expected false (no log) or {access, error, style, syslog}",
        off=is_false, on=is_(dict),
    ),
]
AuthRef = Annotated[
    Annotated[Literal[False], Tag("off")]
    | Annotated[Authenticate, Tag("on")],
    one_of(
        "expected false (no authenticate) or {realm, htpasswd}",
        off=is_false, on=is_(dict),
    ),
]
HstsRef = Annotated[
    Annotated[bool, Tag("flag")]
    | Annotated[Hsts, Tag("spec")],
    one_of(
        "expected true, false or {max_age, subdomains, preload}",
        flag=is_(bool), spec=is_(dict),
    ),
]
IndexRef = Annotated[
    Annotated[NonEmpty, Tag("name")]
    | Annotated[Literal[False], Tag("off")],
    one_of(
        'expected a file name such as "index.html", or false (no index)',
        name=is_(str), off=is_false,
    ),
]
BlockRef = Annotated[
    Annotated[Literal[True], Tag("flag")]
    | Annotated[int, Tag("status")]
    | Annotated[Literal["drop"], Tag("drop")],
    one_of(
        'expected true (403), an HTTP status such as 410, or "drop"',
        flag=is_true, status=is_(int), drop=lambda v: v == "drop",
    ),
]
RewriteRef = Annotated[
    Annotated[NonEmpty, Tag("path")]
    | Annotated[Literal[False], Tag("off")],
    one_of(
        'expected a path such as "/index.php", or false (request no rewrite)',
        path=is_(str), off=is_false,
    ),
]
ErrdocsRef = Annotated[
    Annotated[AbsPath, Tag("dir")]
    | Annotated[Literal[False], Tag("off")],
    one_of(
        'expected a directory inside the chroot such as "/errdocs", or false (no errdocs)',
        dir=is_(str), off=is_false,
    ),
]


class Location(Model):
    path: NonEmpty | None = None
    match: NonEmpty | None = None
    found: bool | None = None
    redirect: NonEmpty | None = None
    status: RedirectStatus | None = None
    block: BlockRef | None = None
    pass_: bool | None = Field(default=None, alias="pass")
    root: AbsPath | None = None
    index: IndexRef | None = None
    auto_index: bool | None = None
    fastcgi: FastcgiRef | None = None
    rewrite: RewriteRef | None = None
    strip: Count | None = None
    authenticate: AuthRef | None = None
    log: LogRef | None = None
    gzip_static: bool | None = None
    default_type: MimeType | None = None
    silence: list[NonEmpty] = fresh_list()   # lint rules not to report for this location


# ---- servers -----------------------------------------------------------------------------

class AliasMatch(Model):
    match: NonEmpty   # `alias match "PATTERN"`


AliasRef = Annotated[
    Annotated[HostName, Tag("name")]
    | Annotated[AliasMatch, Tag("match")],
    one_of(
        'expected a name such as "example.org", or {match: PATTERN}',
        name=is_(str), match=is_(dict),
    ),
]


class Listener(Model):
    address: ListenAddress
    port: Port | None = None   # 80, or 443 with tls
    tls: bool = False


ListenRef = Annotated[
    Annotated[ListenAddress, Tag("address")]
    | Annotated[list[Listener], Tag("list")],
    one_of(
        'expected an address such as "egress", or a list of {address, port, tls}',
        address=is_(str), list=is_(list),
    ),
]


class ClientCa(Model):
    file: AbsPath
    crl: AbsPath | None = None
    optional: bool = False


TicketLifetime = Annotated[
    Annotated[int, Tag("seconds")]
    | Annotated[Literal["default"], Tag("default")]
    | Annotated[Literal[False], Tag("off")],
    one_of(
        'expected seconds (0 or 60 to 86400), "default", or false (no ticket)',
        seconds=is_(int), default=lambda v: v == "default", off=is_false,
    ),
]


class TlsOptions(Model):
    material: MaterialName | None = None   # default httpd.tls
    ciphers: NonEmpty | None = None
    protocols: NonEmpty | None = None
    dhe: NonEmpty | None = None
    ecdhe: NonEmpty | None = None
    ocsp: AbsPath | None = None
    client_ca: ClientCa | None = None
    ticket_lifetime: TicketLifetime | None = None


TlsRef = Annotated[
    Annotated[MaterialName, Tag("name")]
    | Annotated[Literal[False], Tag("off")]
    | Annotated[TlsOptions, Tag("options")],
    one_of(
        "expected a TLS material name from tls:, false (plain HTTP only), or {material, "
        "ciphers, protocols, dhe, ecdhe, ocsp, client_ca, ticket_lifetime}",
        name=is_(str), off=is_false, options=is_(dict),
    ),
]


class Connection(Model):
    max_request_body: Count | None = None
    max_requests: Count | None = None
    timeout: Count | None = None
    request_timeout: Count | None = None


class Tcp(Model):
    nodelay: bool | None = None
    sack: bool | None = None
    backlog: int | None = None        # 0..1024, checked by the rules with httpd's message
    socket_buffer: Count | None = None
    ip_ttl: Count | None = None
    ip_minttl: Count | None = None


class Server(Model):
    name: HostName | None = None       # exactly one of name and match
    match: NonEmpty | None = None      # `server match "PATTERN"`
    aliases: list[AliasRef] = fresh_list()
    listen: ListenRef | None = None
    http: Literal["serve", "redirect", "off"] | None = None   # None: serve
    tls: TlsRef | None = None
    connection: Connection | None = None
    tcp: Tcp | None = None
    root: AbsPath | None = None
    strip: Count | None = None
    rewrite: RewriteRef | None = None
    index: IndexRef | None = None
    auto_index: bool | None = None
    default_type: MimeType | None = None
    gzip_static: bool | None = None
    fastcgi: FastcgiRef | None = None
    errdocs: ErrdocsRef | None = None
    banner: bool | None = None
    redirect: NonEmpty | None = None
    status: RedirectStatus | None = None
    block: BlockRef | None = None
    pass_: bool | None = Field(default=None, alias="pass")
    hsts: HstsRef | None = None
    log: LogRef | None = None
    authenticate: AuthRef | None = None
    locations: list[Location] = fresh_list()


# ---- global options ------------------------------------------------------------------------

class TypeEntry(Model):
    type: MimeType
    extensions: Annotated[list[Extension], Field(min_length=1)]


class Types(Model):
    system: bool = False   # include "/usr/share/misc/mime.types" first
    entries: list[TypeEntry] = []


class Httpd(Model):
    listen: ListenAddress = "egress"
    tls: MaterialName | None = None
    prefork: Annotated[int, Field(ge=1, le=32)] | None = None
    acme: AbsPath | None = None   # port-80 redirect blocks still serve ACME challenges from here
    chroot: AbsPath | None = None
    logdir: AbsPath | None = None
    default_type: MimeType | None = None
    errdocs: AbsPath | None = None   # inside the chroot
    banner: bool | None = None       # false: `no banner`; true is httpd's default
    types: Types | None = None
    servers: Annotated[list[Server], Field(min_length=1)]
