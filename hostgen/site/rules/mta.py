"""Rules of `mta:`, the OpenSMTPD host (smtpd-conf.md), and of its DKIM loop through dkimproxy.

smtpd checks none of the relay URL (3.3: `smtpd -n` accepts `host ftp://x`, a port 99999, an
lmtp URL without port), so hostgen checks it; the other values are quoted by the template and
reach smtpd unchanged.
"""

from __future__ import annotations

import ipaddress
import re

from hostgen.site.mailplan import SMTP, SMTPS, SUBMISSION, dkim_loop
from hostgen.site.model import Lmtp, Maildir, Mta, Site
from hostgen.site.problems import Loc, Problem
from hostgen.site.versions import parse_release

# The grammar hostgen writes (`action`/`match`) is that of smtpd-conf.md 1.9: 6.4 and later.
SMTPD_GRAMMAR_SINCE = "6.4"
# Relay URL schemes, smtpd's to.c from 6.4 to 7.8 (smtpd-conf.md 3.3): scheme -> may carry
# a LABEL@ for `auth` (smtpd refuses a label on the others when it relays).
RELAY_SCHEMES = {"smtp": False, "smtp+tls": True, "smtp+notls": False, "smtps": True,
                 "lmtp": False}
_URL = re.compile(r"(?P<scheme>[a-z+]+)://(?:(?P<label>[^@/]*)@)?"
                  r"(?P<host>\[[^\]/]*\]|[^:/\[\]@]+)(?::(?P<port>[^/]*))?")
_LABEL = re.compile(r"[A-Za-z0-9._-]+")
_HOST = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


def check_mta(site: Site) -> list[Problem]:
    mta = site.mta
    if mta is None:
        return []
    if parse_release(site.host.openbsd) < parse_release(SMTPD_GRAMMAR_SINCE):
        return [Problem(("mta",), f"mta: hostgen writes smtpd.conf in the grammar of OpenBSD "
                        f"{SMTPD_GRAMMAR_SINCE} and later (action/match); host.openbsd is "
                        f"{site.host.openbsd}, whose smtpd reads accept/deliver rules",
                        at="key")]
    problems = _listen(mta) + _delivery(mta) + _loop(site)
    if mta.submission is not None and mta.tls is None:
        problems.append(Problem(("mta", "submission"), "submission needs mta.tls: smtpd offers "
                                "AUTH only after TLS (auth requires tls/smtps)", at="key"))
    if mta.smarthost is not None:
        problems += _smarthost(mta)
    if mta.virtual is not None and not mta.domains:
        problems.append(Problem(("mta", "virtual"), "the virtual users table serves "
                                "mta.domains, and there are none: it is never used",
                                level="warning", rule="unused-virtual"))
    name = (mta.hostname or site.host.name).rstrip(".")
    if mta.tls is not None and "_" in name:
        where = ("mta", "hostname") if mta.hostname else ("host", "name")
        problems.append(Problem(where, f'"{name}" names smtpd\'s pki, which takes letters, '
                                "digits, '-' and '.' only (not a valid domain name)"))
    return problems


def _listen(mta: Mta) -> list[Problem]:
    places: list[tuple[Loc, str]] = [(("mta", "listen", i), a) for i, a in enumerate(mta.listen)]
    if mta.submission is not None and mta.submission.listen:
        places += [(("mta", "submission", "listen", i), a)
                   for i, a in enumerate(mta.submission.listen)]
    return [Problem(loc, '"*" is httpd\'s word: smtpd listens on an interface, a group such as '
                    '"egress" or "all", or an address') for loc, a in places if a == "*"]


def _delivery(mta: Mta) -> list[Problem]:
    delivery = mta.delivery
    if isinstance(delivery, Maildir) and delivery.maildir is not None and \
            not delivery.maildir.startswith(("/", "~")):
        return [Problem(("mta", "delivery", "maildir"), 'expected an absolute path or one '
                        f'starting with "~/" (the user\'s home), got "{delivery.maildir}"')]
    if isinstance(delivery, Lmtp):
        target = delivery.lmtp
        if target.startswith("/"):
            if any(part in (".", "..") for part in target.split("/")):
                return [Problem(("mta", "delivery", "lmtp"), '"." and ".." are not allowed in '
                                f'paths, got "{target}"')]
            return []
        host, sep, port = target.rpartition(":")
        if not sep or not _host_ok(host) or not _port_ok(port):
            return [Problem(("mta", "delivery", "lmtp"), "expected the agent's socket path "
                            '("/var/dovecot/lmtp") or HOST:PORT ("127.0.0.1:24"), '
                            f'got "{target}"')]
    return []


def _host_ok(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
        try:
            ipaddress.IPv6Address(host)
            return True
        except ValueError:
            return False
    return bool(_HOST.fullmatch(host))


def _port_ok(port: str) -> bool:
    return port.isdigit() and 1 <= int(port) <= 65535


def _smarthost(mta: Mta) -> list[Problem]:
    assert mta.smarthost is not None
    url, loc = mta.smarthost.url, ("mta", "smarthost", "url")
    hit = _URL.fullmatch(url)
    if hit is None or hit["scheme"] not in RELAY_SCHEMES or not _host_ok(hit["host"]):
        schemes = ", ".join(f"{s}://" for s in RELAY_SCHEMES)
        return [Problem(loc, f"expected a relay URL such as smtp+tls://label@smtp.example.org:587"
                        f" ({schemes}; a host name or [address], an optional port), "
                        f'got "{url}"')]
    problems = []
    if hit["port"] is not None and not _port_ok(hit["port"]):
        problems.append(Problem(loc, f'expected a port from 1 to 65535, got "{hit["port"]}"'))
    if hit["scheme"] == "lmtp" and hit["port"] is None:
        problems.append(Problem(loc, "an lmtp:// relay needs its port (smtpd has no default)"))
    label = hit["label"]
    if label is not None and not _LABEL.fullmatch(label):
        problems.append(Problem(loc, f'the credentials label "{label}" must be letters, digits, '
                                "'.', '_' or '-'"))
    if label is not None and not RELAY_SCHEMES[hit["scheme"]]:
        problems.append(Problem(loc, f"{hit['scheme']}:// sends no credentials: smtpd refuses "
                                "a label there; use smtp+tls:// or smtps://"))
    if mta.smarthost.auth is not None and label is None:
        problems.append(Problem(("mta", "smarthost", "auth"), "auth needs a label in the URL "
                                "(smtp+tls://LABEL@host): the label picks the credentials"))
    if mta.smarthost.auth is None and label is not None:
        problems.append(Problem(loc, f'the label "{label}" names credentials: give the table '
                                "in smarthost.auth"))
    return problems


def _loop(site: Site) -> list[Problem]:
    """The ends of the DKIM loop: smtpd takes signed mail back on dkimproxy's relay address,
    so that must be this host's loopback and a port no other listener uses."""
    ends = dkim_loop(site)
    mta = site.mta
    if ends is None or mta is None:
        return []
    (host, port), loc = ends[1], ("dkimproxy", "relay")
    taken = {SMTP} | ({SUBMISSION} | ({SMTPS} if mta.submission.smtps else set())
                      if mta.submission else set())
    problems = []
    if not ipaddress.IPv4Address(host).is_loopback:
        problems.append(Problem(loc, f"the MTA takes signed mail back on this address: it must "
                                f"be a loopback address such as 127.0.0.1, got {host}"))
    if port in taken:
        problems.append(Problem(loc, f"port {port} is one of the MTA's own listeners: signed "
                                "mail must come back on a port of its own (10028 is customary; "
                                "dkimproxy.md 6)"))
    return problems
