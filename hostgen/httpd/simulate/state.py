"""The state httpd keeps for one request while it decides (its `struct client`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hostgen.httpd.simulate.conf import Conf
from hostgen.httpd.simulate.disk import View
from hostgen.httpd.simulate.expand import Context
from hostgen.httpd.simulate.request import Prepared, Request
from hostgen.httpd.simulate.servers import THIS_HOST
from hostgen.httpd.simulate.table import Entry, Table


@dataclass(eq=False, repr=False)  # changed as the request goes: not a record
class Run:
    """One request in flight: the entry, the configuration in effect (`clt_srv_conf`), the
    captures of the last `match` attempt, the rewritten path and query (`http_path_alias`,
    `http_query_alias`), and what happened on the way."""

    table: Table
    request: Request
    prepared: Prepared
    entry: Entry
    http_host: str
    view: View
    conf: Conf = field(init=False)
    captures: tuple[str, ...] | None = None
    alias: str | None = None
    query_alias: str | None = None
    rewritten: bool = False
    chain: list[tuple[str, Conf]] = field(default_factory=list)  # (lookup|rewrite|index, conf)
    shown_captures: tuple[str, ...] | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.conf = self.entry.conf

    def context(self, template: str = "") -> Context:
        """The macro values; notes what stands in for an address known on the host only."""
        if "$SERVER_ADDR" in template and self.entry.address.ip is None:
            self.notes.append(f"$SERVER_ADDR is the address {self.entry.address.text} has on "
                              f"the host; shown as \"{self.entry.address.text}\"")
        if "$HTTP_HOST" in template and THIS_HOST in self.http_host:
            self.notes.append(f'$HTTP_HOST is the local address of the connection; shown as '
                              f'"{THIS_HOST}" (give --address)')
        entry = self.entry
        return Context(
            captures=self.captures,
            path=self.prepared.path,
            query=self.prepared.query,
            http_host=self.http_host,
            server_name=entry.name,
            server_addr=entry.address.text,
            server_port=entry.port,
            tls=entry.tls,
            remote_addr=self.request.client,
            remote_port=self.request.client_port,
        )
