"""The blocks being read: a server, and the body (the server's own or a location's) that a
statement stands in. Statement handlers (httpd_server, httpd_groups, httpd_options) take the
token stream and the body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from hostgen.live.httpd_ast import (
    Alias,
    ConnectionOptions,
    Hsts,
    Listen,
    Location,
    Options,
    TcpOptions,
    TlsOptions,
)
from hostgen.live.httpd_grammar import DIRECTIVES
from hostgen.live.httpd_tokens import TokenStream


@dataclass
class ServerState:
    """A server block while it is being read."""

    name: str
    match: bool
    path: str
    line: int
    global_errdocs: str | None
    global_no_banner: bool
    listens: list[Listen] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    tls: TlsOptions | None = None
    hsts: Hsts | None = None
    connection: ConnectionOptions | None = None
    tcp: TcpOptions | None = None
    errdocs: str | Literal[False] | None = None
    banner: bool | None = None


@dataclass
class Block:
    """The body being read: the server itself or one of its locations."""

    server: ServerState
    in_location: bool
    options: Options = field(default_factory=Options)


#: Reads the rest of one statement of a body (its words up to the handler's are read).
Handler = Callable[[TokenStream, Block], None]


def place(p: TokenStream, block: Block, word: str, argument: str = "") -> None:
    """httpd's error when statement `word` may not stand in a location and `block` is one."""
    misplaced = DIRECTIVES[word].misplaced
    if block.in_location and misplaced is not None:
        raise p.fail(misplaced.format(argument))
