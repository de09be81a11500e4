"""The settings httpd acts on for a server or a location: httpd-conf.md 2.6 applied.

The parsed structure (hostgen.live.httpd_ast) says None for "not set here"; config.c
(config_getserver_config) then gives a location what it does not set from its server: index,
auto index, root, FastCGI on/off, authentication, block/pass, rewrite. The FastCGI socket,
params and strip and `request strip` are not inherited: a location that does not set them has
httpd's defaults.
"""

from __future__ import annotations

from typing import Literal

from hostgen.httpd.simulate.matching import GlobTest, PatternTest, compile_glob, compile_pattern
from hostgen.live.httpd_ast import (
    Authenticate,
    BlockAction,
    FastcgiTcp,
    FastcgiUnix,
    Location,
    Options,
    Server,
)
from hostgen.live.records import record

DEFAULT_ROOT = "/htdocs"                                  # HTTPD_DOCROOT
DEFAULT_INDEX = "index.html"                              # HTTPD_INDEX
DEFAULT_SOCKET: FastcgiUnix = FastcgiUnix("/run/slowcgi.sock")  # HTTPD_FCGI_SOCKET
BLOCK_CODE = 403                                          # `block` without `return`


# A record (frozen for mypy only, equal and hashed as if frozen): a table has one per location
# (11,000 for 1000 servers), and a frozen dataclass's __init__, which calls
# object.__setattr__ for each of the 15 fields, took three times as long to make them.
@record(slots=True)
class Conf:
    """Effective settings of a server entry (`location` None) or of one of its locations.

    `block` is None when nothing blocks (or `pass` cancels the server's block); `rewrite` is
    None without a rewrite; `index` None means `no index`."""

    root: str
    index: str | None
    auto_index: bool
    fastcgi: bool
    socket: FastcgiUnix | FastcgiTcp
    params: tuple[tuple[str, str], ...]
    fcgi_strip: int
    strip: int
    block: BlockAction | None
    rewrite: str | None
    auth: Authenticate | None
    location: Location | None = None
    number: int = -1                      # position among the server's locations
    glob: GlobTest | None = None          # set for a glob location
    pattern: PatternTest | None = None    # set for a `match` location

    @property
    def label(self) -> str:
        """How httpd.conf writes the location: `location not found match "^/x"`."""
        if self.location is None:
            return "server"
        found = {None: "", True: "found ", False: "not found "}[self.location.found]
        kind = "match " if self.location.match else ""
        return f'location {found}{kind}"{self.location.pattern}"'


def _block(options: Options) -> BlockAction | None:
    block = options.block
    if block is None or block.kind == "pass":
        return None
    return block


def _auth(options: Options) -> Authenticate | Literal[False] | None:
    """The block's own authentication: an Authenticate, False for `no authenticate` alone,
    None when it says nothing (then a location inherits)."""
    if options.authenticate is not None:
        return options.authenticate  # httpd tests this flag first, even with `no authenticate`
    if options.no_authenticate:
        return False
    return None


def server_conf(server: Server) -> Conf:
    options = server.options
    fastcgi = options.fastcgi
    auth = _auth(options)
    return Conf(
        root=options.root or DEFAULT_ROOT,
        index=_index(options.index, DEFAULT_INDEX),
        auto_index=bool(options.auto_index),
        fastcgi=bool(fastcgi.enabled),
        socket=fastcgi.socket or DEFAULT_SOCKET,
        params=fastcgi.params,
        fcgi_strip=fastcgi.strip or 0,
        strip=options.strip or 0,
        block=_block(options),
        rewrite=options.rewrite or None,
        auth=auth or None,
    )


def location_conf(location: Location, number: int, parent: Conf) -> Conf:
    options = location.options
    fastcgi = options.fastcgi
    own_auth = _auth(options)
    auth = parent.auth if own_auth is None else (own_auth or None)
    block = parent.block if options.block is None else _block(options)
    rewrite = parent.rewrite if options.rewrite is None else (options.rewrite or None)
    index = parent.index if options.index is None else _index(options.index, DEFAULT_INDEX)
    return Conf(
        root=options.root or parent.root,
        index=index,
        auto_index=parent.auto_index if options.auto_index is None else options.auto_index,
        fastcgi=parent.fastcgi if fastcgi.enabled is None else fastcgi.enabled,
        socket=fastcgi.socket or DEFAULT_SOCKET,
        params=fastcgi.params,
        fcgi_strip=fastcgi.strip or 0,
        strip=options.strip or 0,
        block=block,
        rewrite=rewrite,
        auth=auth,
        location=location,
        number=number,
        glob=None if location.match else compile_glob(location.pattern),
        pattern=compile_pattern(location.pattern) if location.match else None,
    )


def _index(value: str | bool | None, default: str) -> str | None:
    if value is False:
        return None
    return value if isinstance(value, str) else default
