"""The blocks being read: a server, and the body (the server's own or a location's) that a
statement stands in. Statement handlers (httpd_server, httpd_groups, httpd_options) take the
token stream and the body."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, TypeVar

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
from hostgen.live.httpd_tokens import OptionsMade, TokenStream
from hostgen.live.records import record

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Node = TypeVar("_Node", bound="DataclassInstance")


def evolve(node: _Node, /, **changes: Any) -> _Node:
    """dataclasses.replace for the nodes of httpd_ast (all their fields are init fields and
    none has __post_init__), without replace's checks of each field's kind: the class called
    with the current values and the changes."""
    cls = type(node)
    values = {name: getattr(node, name) for name in _field_names(cls)}
    values.update(changes)
    return cls(**values)


def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


_FIELD_NAMES: dict[type[DataclassInstance], tuple[str, ...]] = {}


@dataclass(eq=False, repr=False)  # changed as the block is read: not a record
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
    #: (pattern, found) of `locations`, for httpd's "defined twice" check
    location_keys: set[tuple[str, bool | None]] = field(default_factory=set)
    tls: TlsOptions | None = None
    hsts: Hsts | None = None
    connection: ConnectionOptions | None = None
    tcp: TcpOptions | None = None
    errdocs: str | Literal[False] | None = None
    banner: bool | None = None


_NO_OPTIONS = Options()


@record(eq=False, repr=False)
class Block:
    """The body being read: the server itself or one of its locations. Its Options are made
    once, at the end (`options()`): statements record their fields in `changes`, a later one
    replacing an earlier one, which is what replacing the Options at each statement gave."""

    server: ServerState
    in_location: bool
    changes: dict[str, Any] = field(default_factory=dict)

    def option(self, name: str) -> Any:
        """The value of Options field `name` so far."""
        changes = self.changes
        return changes[name] if name in changes else getattr(_NO_OPTIONS, name)

    def options(self, made: OptionsMade) -> Options:
        """The Options of the body. Bodies that set the same fields to the same values get
        the same (frozen) Options, from `made` (one per parse): a large file has few distinct
        ones, and fewer objects to make and to keep is faster. A field holds values of one
        type (str, bool, int or a node), so equal values are the same values."""
        key = tuple(self.changes.items())
        options = made.get(key)
        if options is None:
            options = made[key] = Options(
                **{"log": _NO_OPTIONS.log, "fastcgi": _NO_OPTIONS.fastcgi, **self.changes}
            )
        return options


#: Reads the rest of one statement of a body (its words up to the handler's are read).
Handler = Callable[[TokenStream, Block], None]


def place(p: TokenStream, block: Block, word: str, argument: str = "") -> None:
    """httpd's error when statement `word` may not stand in a location and `block` is one."""
    misplaced = DIRECTIVES[word].misplaced
    if block.in_location and misplaced is not None:
        raise p.fail(misplaced.format(argument))
