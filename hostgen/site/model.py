"""The site model: inert, strictly typed data (pydantic v2), the shape of DESIGN.md's site.yaml.

Only per-value rules live here; rules that look across the site (names that must exist, versions,
captures, duplicates) are in hostgen.site.rules, so each stays small and testable. Keys are exactly
the YAML keys; unknown keys are errors (`extra="forbid"`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag

from hostgen.site.types import (
    AbsPath,
    Domain,
    HostName,
    IPAddress,
    IPv4Address,
    ListenAddress,
    MailPath,
    MailText,
    MailUser,
    MaterialName,
    NonEmpty,
    Port,
    PositiveInt,
    ShellPath,
    ShellWord,
    Text,
    fail,
)
from hostgen.site.versions import NEWEST, RELEASES


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def one_of(expected: str, **tests: Callable[[Any], bool]) -> Discriminator:
    """Validate a union with exactly one member, the first whose test accepts the value, so a
    bad value gives one clear error ("expected ...") instead of one error per member. Each
    member of the union is tagged with the name of its test."""

    def pick(value: Any) -> str | None:
        return next((tag for tag, test in tests.items() if test(value)), None)

    return Discriminator(pick, custom_error_type="hostgen", custom_error_message=expected)


def _is(kind: type) -> Callable[[Any], bool]:
    return lambda value: type(value) is kind


def _is_false(value: Any) -> bool:
    return value is False


def _is_true(value: Any) -> bool:
    return value is True


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


# ---- TLS material and FastCGI responders -------------------------------------------------

class AcmeAuthority(Model):
    """A custom ACME authority (acme-client-conf.md 1.3): its directory URL and account key."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    url: MailText
    account_key: MailPath | None = None   # default /etc/acme/NAME-privkey.pem


AuthorityRef = Annotated[
    Annotated[Literal["letsencrypt", "letsencrypt-staging"], Tag("known")]
    | Annotated[AcmeAuthority, Tag("custom")],
    one_of(
        'expected "letsencrypt", "letsencrypt-staging" or {name, url, account_key}',
        known=_is(str), custom=_is(dict),
    ),
]


class Acme(Model):
    """How acme-client obtains the material's certificate (-> acme-client.conf)."""

    authority: AuthorityRef = "letsencrypt"


class TlsMaterial(Model):
    certificate: AbsPath
    key: AbsPath
    acme: Acme | None = None


class Fastcgi(Model):
    socket: AbsPath | None = None
    param: dict[str, Text] = {}
    strip: Annotated[int, Field(ge=0, le=2147483647)] | None = None


FastcgiRef = Annotated[
    Annotated[MaterialName, Tag("name")]
    | Annotated[Literal[False], Tag("off")]
    | Annotated[Literal[True], Tag("on")]
    | Annotated[Fastcgi, Tag("inline")],
    one_of(
        "expected a responder name from fastcgi:, true, false, or {socket, param, strip}",
        name=_is(str), off=_is_false, on=_is_true, inline=_is(dict),
    ),
]

# ---- httpd --------------------------------------------------------------------------------

RedirectStatus = Literal[301, 302, 303, 307, 308]


class Hsts(Model):
    max_age: Annotated[int, Field(ge=0, le=2147483647)] | None = None
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
        off=_is_false, on=_is(dict),
    ),
]
AuthRef = Annotated[
    Annotated[Literal[False], Tag("off")]
    | Annotated[Authenticate, Tag("on")],
    one_of(
        "expected false (no authenticate) or {realm, htpasswd}",
        off=_is_false, on=_is(dict),
    ),
]
HstsRef = Annotated[
    Annotated[bool, Tag("flag")]
    | Annotated[Hsts, Tag("spec")],
    one_of(
        "expected true, false or {max_age, subdomains, preload}",
        flag=_is(bool), spec=_is(dict),
    ),
]
IndexRef = Annotated[
    Annotated[NonEmpty, Tag("name")]
    | Annotated[Literal[False], Tag("off")],
    one_of(
        'expected a file name such as "index.html", or false (no index)',
        name=_is(str), off=_is_false,
    ),
]
BlockRef = Annotated[
    Annotated[Literal[True], Tag("flag")]
    | Annotated[int, Tag("status")]
    | Annotated[Literal["drop"], Tag("drop")],
    one_of(
        'expected true (403), an HTTP status such as 410, or "drop"',
        flag=_is_true, status=_is(int), drop=lambda v: v == "drop",
    ),
]
TlsRef = Annotated[
    Annotated[MaterialName, Tag("name")]
    | Annotated[Literal[False], Tag("off")],
    one_of(
        "expected a TLS material name from tls:, or false (plain HTTP only)",
        name=_is(str), off=_is_false,
    ),
]
MimeType = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.+_-]{0,62}/"
                                        r"[A-Za-z0-9][A-Za-z0-9.+_-]{0,62}$")]


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
    rewrite: NonEmpty | None = None
    strip: Annotated[int, Field(ge=0, le=2147483647)] | None = None
    authenticate: AuthRef | None = None
    log: LogRef | None = None
    gzip_static: bool | None = None
    default_type: MimeType | None = None
    silence: list[NonEmpty] = []   # lint rules not to report for this location


class Server(Model):
    name: HostName
    aliases: list[HostName] = []
    listen: ListenAddress | None = None
    http: Literal["serve", "redirect", "off"] = "serve"
    tls: TlsRef | None = None
    root: AbsPath | None = None
    index: IndexRef | None = None
    auto_index: bool | None = None
    fastcgi: FastcgiRef | None = None
    redirect: NonEmpty | None = None
    status: RedirectStatus | None = None
    hsts: HstsRef | None = None
    log: LogRef | None = None
    authenticate: AuthRef | None = None
    locations: list[Location] = []


class Httpd(Model):
    listen: ListenAddress = "egress"
    tls: MaterialName | None = None
    prefork: Annotated[int, Field(ge=1, le=32)] | None = None
    acme: AbsPath | None = None   # port-80 redirect blocks still serve ACME challenges from here
    servers: Annotated[list[Server], Field(min_length=1)]


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


class Maildir(Model):
    maildir: MailText | None = None   # None: ~/Maildir; "~/" and %{dest.user} are smtpd's
    junk: bool = False                # move X-Spam: yes to the Junk folder
    user: MailUser | None = None      # deliver as this user (virtual domains)


class Lmtp(Model):
    lmtp: MailText                    # "/var/dovecot/lmtp" or "127.0.0.1:24"
    rcpt_to: bool = False             # give the agent the original recipient
    user: MailUser | None = None


Delivery = Annotated[
    Annotated[Literal["mbox", "maildir"], Tag("word")]
    | Annotated[Maildir, Tag("to_maildir")]
    | Annotated[Lmtp, Tag("to_lmtp")],
    one_of(   # tags are not key names: the error positions drop them (validate._project)
        "expected mbox, maildir, {maildir: PATH, junk, user} or {lmtp: SOCKET or HOST:PORT}",
        word=_is(str), to_lmtp=lambda v: isinstance(v, dict) and "lmtp" in v,
        to_maildir=_is(dict),
    ),
]


class Submission(Model):
    """Port 587 with STARTTLS required before AUTH (and 465, TLS from the first byte)."""

    auth: MailPath | None = None       # credentials table; without it, the system's passwords
    smtps: bool = False
    listen: Annotated[list[ListenAddress], Field(min_length=1)] | None = None   # default mta's


class Smarthost(Model):
    url: MailText                     # smtp+tls://label@host:587 and friends
    auth: MailPath | None = None       # credentials table for the URL's label


class Mta(Model):
    tls: MaterialName | None = None
    hostname: Domain | None = None    # banner, EHLO and pki name; default host.name
    mx: list[Domain] = []   # the MX host names; TLSA records go to _25._tcp.<each>
    listen: Annotated[list[ListenAddress], Field(min_length=1)] = ["egress"]
    domains: list[Domain] = []        # mail for these is delivered here
    delivery: Delivery = "mbox"
    aliases: MailPath | None = None    # table file, e.g. /etc/mail/aliases
    virtual: MailPath | None = None    # virtual users table for `domains`
    submission: Submission | None = None
    smarthost: Smarthost | None = None


ExpectStatus = Annotated[
    Annotated[Annotated[int, Field(ge=100, le=599)], Tag("status")]
    | Annotated[Literal["drop"], Tag("drop")],
    one_of(
        'expected an HTTP status such as 301, or "drop"',
        status=_is(int), drop=lambda v: v == "drop",
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
