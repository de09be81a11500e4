"""The site model: inert, strictly typed data (pydantic v2), the shape of DESIGN.md's site.yaml.

Only per-value rules live here; rules that look across the site (names that must exist, versions,
captures, duplicates) are in hostgen.site.rules, so each stays small and testable. Keys are exactly
the YAML keys; unknown keys are errors (`extra="forbid"`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, Tag

from hostgen.site.model_base import Model, is_, one_of
from hostgen.site.model_httpd import (
    AliasMatch,
    Authenticate,
    ClientCa,
    Connection,
    Fastcgi,
    FastcgiTcp,
    Httpd,
    Listener,
    Location,
    Log,
    Server,
    Tcp,
    TlsOptions,
    TypeEntry,
    Types,
)
from hostgen.site.types import (
    AbsPath,
    Domain,
    IPAddress,
    IPv4Address,
    MaterialName,
    NonEmpty,
    Port,
    PositiveInt,
    ShellPath,
    ShellWord,
    fail,
)
from hostgen.site.versions import NEWEST, RELEASES

__all__ = [
    "AliasMatch", "Authenticate", "ClientCa", "Connection", "Dkimproxy", "Expectation",
    "Fastcgi", "FastcgiTcp", "Greylist", "Host", "Httpd", "Listener", "Location", "Log",
    "Model", "Mta", "Resolver", "Server", "Site", "Spamd", "Tcp", "TlsMaterial", "TlsOptions",
    "TypeEntry", "Types", "one_of",
]


def _release(value: Any) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise fail(f'quote the release so YAML keeps it as text: "{value}"')
    if isinstance(value, str) and value not in RELEASES:
        raise fail(f'unknown OpenBSD release "{value}": hostgen knows {RELEASES[0]} to {NEWEST}')
    return value


# ---- host and resolver -------------------------------------------------------------------

class Host(Model):
    name: Domain
    openbsd: Annotated[str, BeforeValidator(_release)] = NEWEST


class Resolver(Model):
    nameservers: Annotated[list[IPAddress], Field(min_length=1)]
    fallback: list[IPAddress] = []
    lookup: list[Literal["file", "bind"]] | None = None
    family: list[Literal["inet4", "inet6"]] | None = None
    domain: Domain | None = None
    search: list[Domain] | None = None
    options: list[str] | None = None


# ---- TLS material (httpd, spamd and the MTA name it) -----------------------------------

class TlsMaterial(Model):
    certificate: AbsPath
    key: AbsPath


# ---- mail --------------------------------------------------------------------------------

class Greylist(Model):
    pass_minutes: PositiveInt = 25
    grey_hours: PositiveInt = 4
    white_hours: PositiveInt = 864


class Spamd(Model):
    tls: MaterialName | None = None
    greylist: Greylist | None = None
    verbose: bool = False
    reply_550: bool = False
    maxcon: PositiveInt | None = None
    maxblack: Annotated[int, Field(ge=0)] | None = None
    listen: IPv4Address | None = None
    port: Port | None = None
    hostname: Annotated[ShellWord, Field(max_length=255)] | None = None
    banner: Annotated[str, Field(min_length=1)] | None = None
    lowprio_mx: IPv4Address | None = None
    stutter_seconds: Annotated[int, Field(ge=0, le=90)] | None = None
    stutter_delay: Annotated[int, Field(ge=0, le=10)] | None = None
    window: PositiveInt | None = None


class Dkimproxy(Model):
    listen: NonEmpty
    relay: NonEmpty
    domains: Annotated[list[Domain], Field(min_length=1)]
    selector: Annotated[ShellWord, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    keyfile: ShellPath
    method: Literal["relaxed/relaxed", "relaxed/simple", "simple/relaxed", "simple/simple",
                    "relaxed", "simple"] = "relaxed/relaxed"
    reject_error: bool = True
    min_servers: PositiveInt | None = None
    min_spare_servers: Annotated[int, Field(ge=0)] | None = None
    max_servers: PositiveInt | None = None


class Mta(Model):
    tls: MaterialName | None = None
    mx: list[Domain] = []   # the MX host names; TLSA records go to _25._tcp.<each>


ExpectStatus = Annotated[
    Annotated[Annotated[int, Field(ge=100, le=599)], Tag("status")]
    | Annotated[Literal["drop"], Tag("drop")],
    one_of(
        'expected an HTTP status such as 301, or "drop"',
        status=is_(int), drop=lambda v: v == "drop",
    ),
]


class Expectation(Model):
    """What a URL must get from the rendered httpd.conf (checked by `hostgen check`)."""

    url: NonEmpty
    status: ExpectStatus
    location: NonEmpty | None = None   # the path or match text of the location that answers
    redirect: NonEmpty | None = None   # the Location header, after macro and %N expansion


class Site(Model):
    host: Host
    resolver: Resolver | None = None
    tls: dict[MaterialName, TlsMaterial] = {}
    fastcgi: dict[MaterialName, Fastcgi] = {}
    httpd: Httpd | None = None
    spamd: Spamd | None = None
    dkimproxy: Dkimproxy | None = None
    mta: Mta | None = None
    expect: list[Expectation] = []
