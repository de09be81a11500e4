"""Which socket takes the connection and which server entry answers (httpd-conf.md 3.1, 3.3)."""

from __future__ import annotations

import ipaddress

from hostgen.httpd.simulate.request import Prepared, Request
from hostgen.httpd.simulate.table import Entry, Group, Table
from hostgen.live.records import record

THIS_HOST = "this-host"   # what $HTTP_HOST / $SERVER_ADDR show for an address known by name only


@record(eq=False, repr=False, slots=True)
class Choice:
    entry: Entry
    http_host: str        # $HTTP_HOST: the Host header as sent, or the local address
    why: tuple[str, ...]  # one line per reason, for the explanation


def choose_group(table: Table, request: Request,
                 hostname: str | None = None) -> tuple[Group | None, tuple[str, ...]]:
    """The socket group the kernel hands the connection to, or None (nothing listens).

    Without a destination address, the request is taken to reach "this host": a socket on a
    listen address known by name first, then a wildcard, then a literal address; among those,
    the first where a server takes the Host name (its DNS name points there, presumably)."""
    groups = table.by_port.get(request.port, [])
    if not groups:
        return None, (f"nothing listens on port {request.port}",)
    if request.address is not None:
        return _by_address(groups, request)
    ranked = sorted(groups, key=lambda g: 0 if g.address.ip is None else
                    1 if g.address.wildcard else 2)
    chosen = ranked[0]
    if hostname is not None:
        chosen = next((g for g in ranked if g.lookup(hostname) is not None), chosen)
    if chosen.address.ip is None:
        return chosen, _named(chosen)
    if chosen.address.wildcard or len(groups) == 1:
        return chosen, ()
    return chosen, (f"assumed the request reaches {chosen.address.text} "
                    "(give --address to pick another listen address)",)


def _by_address(groups: list[Group], request: Request) -> tuple[Group | None, tuple[str, ...]]:
    wanted = ipaddress.ip_address(str(request.address))
    for group in groups:
        if group.address.ip == wanted:
            return group, ()
    for group in groups:
        ip = group.address.ip
        if ip is not None and group.address.wildcard and ip.version == wanted.version:
            return group, ()
    named = [g for g in groups if g.address.ip is None]
    if named:
        return named[0], (f"assumed {request.address} is an address of "
                          f"{named[0].address.text}",)
    return None, (f"nothing listens on {request.address} port {request.port}",)


def _named(group: Group) -> tuple[str, ...]:
    return (f'listen address "{group.address.text}" is resolved on the host; assumed every '
            "request reaches it",)


def choose_entry(group: Group, request: Request, prepared: Prepared) -> Choice:
    """server_response(): the first entry whose name accepts the Host name (and whose port
    equals the Host's port, if it names one), else the group's first entry."""
    default = group.entries[0]
    name = prepared.hostname
    if name is None:
        return Choice(default, _local(group, request), ("no Host header: the first server on "
                                                        "this socket answers",))
    if prepared.host_port is not None and prepared.host_port != group.port:
        reason = (f"Host names port {prepared.host_port} but the servers here listen on "
                  f"{group.port}: no name can match, the first server answers")
        return Choice(default, _local(group, request), (reason,))
    entry = group.lookup(name)
    if entry is None:
        reason = f'Host "{name}" matches no server name here: the first server answers'
        return Choice(default, _local(group, request), (reason,))
    how = "pattern" if entry.match else "name" if entry.name == entry.server.name else "alias"
    reason = f'Host "{name}" matches the server {how} "{entry.name}"'
    if entry.match:
        reason += " (server match accepts every Host its pattern raises no error for)"
    host = (request.host or "").lstrip(" \t\r\n")
    return Choice(entry, host, (reason,))


def _local(group: Group, request: Request) -> str:
    """server_http_host(): the local address, with ":PORT" unless the port is 80."""
    address = request.address
    if address is None:
        address = group.address.text if group.address.ip and not group.address.wildcard \
            else THIS_HOST
    if request.port == 80:
        return address
    if ":" in address:
        return f"[{address}]:{request.port}"
    return f"{address}:{request.port}"
