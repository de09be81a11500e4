"""What smtpd.conf says, worked out from the `mta:` section (and `dkimproxy:` for the loop).

Pure data for templates/smtpd.conf.j2: tables, listeners, actions and rules in file order, raw
values (the template quotes every one with the `smtpd` filter). The shape is that of
smtpd-conf.md 4.2 (the complete maildir variant, checked with smtpd -n on 6.8 and 7.8 and with
the 6.4 - 6.7 grammars): pki, tables, listeners, actions, then the rules, first match wins.
"""

from __future__ import annotations

import ipaddress
from dataclasses import field

from hostgen.live.records import record
from hostgen.site.model import Lmtp, Maildir, Mta, Site, TlsMaterial
from hostgen.site.types import fail

DKIM_TAG = "DKIM"          # the tag of signed mail coming back from dkimproxy.out
SMTP, SUBMISSION, SMTPS = 25, 587, 465   # numbers: `port smtps` fails before 6.6 (1.10)
# Table names are bare words: `<"name">` only parses from 6.7 on (smtpd-conf.md 1.10, K02), so
# each is a word that is a keyword in no release (1.5).
ALIASES, VIRTUALS, DOMAINS, SECRETS, RELAY_SECRETS = (
    "aliases", "virtuals", "domains", "secrets", "relaysecrets")


def ipv4_port(text: str, default_port: int | None) -> tuple[str, int]:
    """`ADDRESS[:PORT]` of dkimproxy_out.conf: an IPv4 literal (dkimproxy.md 5) and a port."""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, ""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        raise fail("an IPv4 literal is required, such as 127.0.0.1:10027: dkimproxy.out dies "
                   "on IPv6 sockets and resolves names to ::1 too (dkimproxy.md 5)") from None
    if not port:
        if default_port is None:
            raise fail("a port is required, as in 127.0.0.1:10027")
        return host, default_port
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise fail(f"expected a port from 1 to 65535, got {port!r}")
    return host, int(port)


def dkim_loop(site: Site) -> tuple[tuple[str, int], tuple[str, int]] | None:
    """(where smtpd sends mail to be signed, where it takes signed mail back): dkimproxy's
    `listen` and `relay`, the two ends written from one place (dkimproxy.md 6); None without
    dkimproxy or when its ends do not parse (the rules report that)."""
    if site.mta is None or site.dkimproxy is None:
        return None
    try:
        return ipv4_port(site.dkimproxy.listen, None), ipv4_port(site.dkimproxy.relay, 25)
    except Exception:   # noqa: BLE001 - PydanticCustomError: reported by rules.mail
        return None


def table_backend(path: str) -> str:
    """A table file as smtpd names it: `db:` for a makemap(8) database, else `file:`."""
    return ("db:" if path.endswith(".db") else "file:") + path


@record
class Listener:
    address: str
    port: int
    tls: str | None = None        # "tls", "tls-require" or "smtps"
    auth: bool = False
    auth_table: str | None = None   # a table name
    tag: str | None = None


@record
class Action:
    name: str
    method: str                   # mbox, maildir, lmtp, relay
    target: str | None = None     # maildir path, lmtp socket or host:port, relay URL
    options: tuple[tuple[str, str | None], ...] = ()   # (keyword, quoted value or table ref)


@record
class Rule:
    conditions: str               # grammar words only, no site values but table references
    action: str


@record
class SmtpdPlan:
    hostname: str                 # listen ... hostname, and the pki name (lower case, N53)
    material: TlsMaterial | None
    tables: list[tuple[str, str]] = field(default_factory=list)   # name -> backend:path
    domains: list[str] = field(default_factory=list)
    listeners: list[Listener] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


def smtpd_plan(site: Site) -> SmtpdPlan:
    mta = site.mta
    assert mta is not None
    material = site.tls.get(mta.tls) if mta.tls else None
    plan = SmtpdPlan((mta.hostname or site.host.name).rstrip(".").lower(), material)
    for name, path in ((ALIASES, mta.aliases), (VIRTUALS, mta.virtual),
                       (SECRETS, mta.submission.auth if mta.submission else None),
                       (RELAY_SECRETS, mta.smarthost.auth if mta.smarthost else None)):
        if path is not None:
            plan.tables.append((name, table_backend(path)))
    plan.domains.extend(dict.fromkeys(d.rstrip(".").lower() for d in mta.domains))
    _listeners(plan, mta, material is not None, dkim_loop(site))
    _actions(plan, mta, dkim_loop(site))
    return plan


def _listeners(plan: SmtpdPlan, mta: Mta, tls: bool,
               loop: tuple[tuple[str, int], tuple[str, int]] | None) -> None:
    for address in mta.listen:
        plan.listeners.append(Listener(address, SMTP, "tls" if tls else None))
    if mta.submission is not None:
        sub = mta.submission
        for address in sub.listen or mta.listen:
            table = SECRETS if sub.auth else None
            plan.listeners.append(Listener(address, SUBMISSION, "tls-require", True, table))
            if sub.smtps:
                plan.listeners.append(Listener(address, SMTPS, "smtps", True, table))
    if loop is not None:
        # no tls here: dkimproxy passes smtpd's EHLO answer through (smtpd-conf.md 4.1)
        host, port = loop[1]
        plan.listeners.append(Listener(host, port, tag=DKIM_TAG))


def _local_action(name: str, mta: Mta, mapping: tuple[str, str] | None,
                  user: bool) -> Action:
    delivery = mta.delivery
    options: list[tuple[str, str | None]] = []
    if isinstance(delivery, Maildir) and delivery.junk:
        options.append(("junk", None))
    if isinstance(delivery, Lmtp) and delivery.rcpt_to:
        options.append(("rcpt-to", None))
    if mapping is not None:
        options.append((mapping[0], f"<{mapping[1]}>"))
    who = delivery.user if isinstance(delivery, Maildir | Lmtp) else None
    if user and who is not None:
        options.append(("user", who))
    if isinstance(delivery, Maildir):
        return Action(name, "maildir", delivery.maildir, tuple(options))
    if isinstance(delivery, Lmtp):
        return Action(name, "lmtp", delivery.lmtp, tuple(options))
    return Action(name, delivery, None, tuple(options))


def _actions(plan: SmtpdPlan, mta: Mta,
             loop: tuple[tuple[str, int], tuple[str, int]] | None) -> None:
    virtual = mta.virtual is not None
    plan.actions.append(_local_action("local", mta, ("alias", ALIASES) if mta.aliases else None,
                                      user=not virtual))
    if virtual:
        plan.actions.append(_local_action("virtual", mta, ("virtual", VIRTUALS), user=True))
    relay_options: tuple[tuple[str, str | None], ...] = ()
    if mta.smarthost is not None and mta.smarthost.auth is not None:
        relay_options = (("auth", f"<{RELAY_SECRETS}>"),)
    plan.actions.append(Action("relay", "relay", mta.smarthost.url if mta.smarthost else None,
                               relay_options))
    out = "relay"
    if loop is not None:
        host, port = loop[0]
        # smtp+notls: no STARTTLS on the hop to the proxy (smtpd-conf.md 4.1, F4)
        plan.actions.append(Action("dkim", "relay", f"smtp+notls://{host}:{port}"))
        out = "dkim"
        # first: signed mail coming back must not be sent to the proxy again (4.1)
        plan.rules.append(Rule(f'tag "{DKIM_TAG}" for any', "relay"))
    if plan.domains:
        plan.rules.append(Rule(f"from any for domain <{DOMAINS}>",
                               "virtual" if virtual else "local"))
    plan.rules.append(Rule("from local for local", "local"))
    if mta.submission is not None:
        plan.rules.append(Rule("from any auth for any", out))   # `from auth` is 6.7+ (4.2)
    plan.rules.append(Rule("from local for any", out))
