"""The structure of a parsed httpd.conf: inert records (frozen for mypy, hostgen.live.records).

Values are unquoted and macro-expanded. `None` always means "not set in this block", so that a
request simulator can apply httpd's inheritance rules itself (httpd-conf.md 2.6: a location
takes from its server what it does not set; config.c `config_getserver_config`). Nodes that
come from statements carry `path` and `line` (the file named in an `include` for included
statements); aggregated option groups carry the position of their first statement.
"""

from __future__ import annotations

from dataclasses import field
from typing import Literal

from hostgen.live.records import record


@record
class MediaType:
    """`TYPE/SUBTYPE`, as in `default type text/html`."""

    type: str
    subtype: str

    def __str__(self) -> str:
        return f"{self.type}/{self.subtype}"


@record(kw_only=True)
class TypesEntry:
    """One line of a `types { }` block: a media type and the file name extensions it serves."""

    media: MediaType
    names: tuple[str, ...]
    path: str
    line: int


@record(kw_only=True)
class GlobalOption:
    """A top-level option as written (`chroot`, `logdir`, `prefork`, `default type`, `errdocs`,
    `no banner`), in file order; `before_first_server` tells whether httpd's first parsing pass
    sees it (httpd-conf.md 2.2)."""

    name: str
    value: str | int | MediaType | bool
    before_first_server: bool
    path: str
    line: int


@record(kw_only=True)
class Listen:
    """`listen on ADDRESS [tls] port PORT`; the port as written (number or service name)."""

    address: str
    port: str
    tls: bool
    path: str
    line: int


@record(kw_only=True)
class Alias:
    """`alias [match] NAME`."""

    name: str
    match: bool
    path: str
    line: int


@record(kw_only=True)
class TlsOptions:
    """The `tls` statements of a server (httpd-conf.md 2.4.15). `ticket_lifetime`: seconds,
    7200 for `ticket lifetime default`, 0 for `no ticket`. `optional` follows parse.y: a later
    `crl` item resets it."""

    certificate: str | None = None
    key: str | None = None
    ciphers: str | None = None
    protocols: str | None = None
    dhe: str | None = None
    ecdhe: str | None = None
    ocsp: str | None = None
    client_ca: str | None = None
    crl: str | None = None
    optional: bool | None = None
    ticket_lifetime: int | None = None
    path: str
    line: int


@record(kw_only=True)
class Hsts:
    """The `hsts` statements of a server; `max_age` None means httpd's default (31536000)."""

    max_age: int | None = None
    subdomains: bool = False
    preload: bool = False
    path: str
    line: int


@record(kw_only=True)
class ConnectionOptions:
    """The `connection` statements of a server (bytes, counts and seconds)."""

    max_request_body: int | None = None
    max_requests: int | None = None
    timeout: int | None = None
    request_timeout: int | None = None
    path: str
    line: int


@record(kw_only=True)
class TcpOptions:
    """The `tcp` statements of a server."""

    nodelay: bool | None = None
    sack: bool | None = None
    backlog: int | None = None
    socket_buffer: int | None = None
    ip_ttl: int | None = None
    ip_minttl: int | None = None
    path: str
    line: int


@record
class LogOptions:
    """`log` / `no log` items. `enabled`: True after a `style` item, False after `no log`
    (both set the style inherited together, config.c). `syslog`: True/False for
    `syslog` / `no syslog`."""

    enabled: bool | None = None
    style: str | None = None
    access: str | None = None
    error: str | None = None
    syslog: bool | None = None


@record
class FastcgiUnix:
    """`socket "PATH"`: a UNIX socket inside the chroot."""

    path: str


@record
class FastcgiTcp:
    """`socket tcp HOST [PORT]` (6.8+); PORT defaults to 9000."""

    host: str
    port: str = "9000"


@record
class FastcgiOptions:
    """`fastcgi` / `no fastcgi`. Only `enabled` is inherited by locations (2.6); `params` keep
    file order and accumulate over several `fastcgi` statements."""

    enabled: bool | None = None
    socket: FastcgiUnix | FastcgiTcp | None = None
    params: tuple[tuple[str, str], ...] = ()
    strip: int | None = None
    pass_chunked: bool | None = None


@record
class Authenticate:
    """`authenticate [REALM] with HTPASSWD` (the file is inside the chroot)."""

    realm: str | None
    htpasswd: str


@record
class BlockAction:
    """`block` (code 403), `block drop`, `block return CODE [URI]`, or `pass`."""

    kind: Literal["block", "drop", "return", "pass"]
    code: int | None = None
    uri: str | None = None


@record
class Options:
    """What a server or a location may set; every field None/empty when not set here.

    `index`: a file name, or False for `no index`. `rewrite`: a path, or False for
    `no rewrite`. `authenticate` and `no_authenticate` mirror httpd's two independent flags:
    `no authenticate` stops a location from inheriting, while in a block that also has
    `authenticate` httpd still asks for credentials (it tests only the first flag).
    """

    root: str | None = None
    index: str | Literal[False] | None = None
    auto_index: bool | None = None
    log: LogOptions = field(default_factory=LogOptions)
    fastcgi: FastcgiOptions = field(default_factory=FastcgiOptions)
    authenticate: Authenticate | None = None
    no_authenticate: bool | None = None
    block: BlockAction | None = None
    rewrite: str | Literal[False] | None = None
    strip: int | None = None
    default_type: MediaType | None = None
    gzip_static: bool | None = None
    static_cache_control: bool | None = None


@record(kw_only=True)
class Location:
    """`location [[not] found] [match] PATTERN { ... }`; `found` None/True/False."""

    pattern: str
    match: bool
    found: bool | None
    options: Options
    path: str
    line: int


@record(kw_only=True)
class Server:
    """A `server` block as written (httpd expands it into one entry per name and address,
    httpd-conf.md 3.1; that is left to the simulator).

    `errdocs`: a directory, False for `no errdocs`, None when not set here; `global_errdocs`
    and `global_no_banner` are the global settings in force when the block started (httpd
    copies them into the server at that point). `banner`: True/False for `banner` /
    `no banner` (7.9+).
    """

    name: str
    match: bool
    listens: tuple[Listen, ...]
    aliases: tuple[Alias, ...] = ()
    tls: TlsOptions | None = None
    hsts: Hsts | None = None
    connection: ConnectionOptions | None = None
    tcp: TcpOptions | None = None
    errdocs: str | Literal[False] | None = None
    banner: bool | None = None
    global_errdocs: str | None = None
    global_no_banner: bool = False
    options: Options = field(default_factory=Options)
    locations: tuple[Location, ...] = ()
    path: str
    line: int

    def names(self) -> tuple[tuple[str, bool], ...]:
        """(name, match) of the server name then of each alias, in httpd's entry order."""
        return ((self.name, self.match),) + tuple((a.name, a.match) for a in self.aliases)


@record(kw_only=True)
class HttpdConfig:
    """A whole configuration.

    The typed globals are the values httpd acts on: `prefork`, `chroot` and `default_type` come
    from the part before the first `server` block (only httpd's first pass, which the child
    processes repeat, sees them), `logdir` is the last one in the file (the parent uses the
    full parse), `errdocs` / `no_banner` are the last global settings (each server records the
    ones in force when it started). `globals` lists every global option as written.
    """

    chroot: str | None = None
    logdir: str | None = None
    prefork: int | None = None
    default_type: MediaType | None = None
    errdocs: str | None = None
    no_banner: bool = False
    globals: tuple[GlobalOption, ...] = ()
    types: tuple[TypesEntry, ...] = ()
    servers: tuple[Server, ...] = ()
    path: str
    line: int = 1
