"""Rules of the mail side: spamd flags (spamd.md 2, 4, 6), dkimproxy (dkimproxy.md 3, 5), mta."""

from __future__ import annotations

import re

from hostgen.site.mailplan import ipv4_port
from hostgen.site.model import Site
from hostgen.site.problems import Problem, unknown_name

SPAMD_DEFAULT_MAXCON = 800  # spamd.c: maxcon and maxblack both start at 800
_SHELL_UNSAFE = set("#$`;&|<>\\\"'")


def check_mail(site: Site) -> list[Problem]:
    return _spamd(site) + _dkimproxy(site) + _mta(site)


def _material(site: Site, loc: tuple[str, ...], name: str | None) -> list[Problem]:
    if name is None or name in site.tls:
        return []
    return [Problem(loc, unknown_name("TLS material", name, "tls", site.tls))]


def _spamd(site: Site) -> list[Problem]:
    spamd = site.spamd
    if spamd is None:
        return []
    problems = _material(site, ("spamd", "tls"), spamd.tls)
    if spamd.tls in site.tls:
        material = site.tls[spamd.tls]
        for key in ("certificate", "key"):
            path = getattr(material, key)
            bad = sorted(set(path) & (_SHELL_UNSAFE | set(" \t")))
            if bad:
                problems.append(Problem(("tls", spamd.tls, key), f"spamd reads this path from "
                                        f"its command line; {' '.join(bad)!s} cannot be passed "
                                        "safely through rc.conf.local"))
    maxcon = spamd.maxcon if spamd.maxcon is not None else SPAMD_DEFAULT_MAXCON
    if spamd.maxcon is not None and spamd.maxcon < SPAMD_DEFAULT_MAXCON and spamd.maxblack is None:
        problems.append(Problem(("spamd", "maxcon"), f"maxcon below {SPAMD_DEFAULT_MAXCON} needs "
                                "maxblack (at most maxcon): spamd's default maxblack of 800 "
                                "would exceed it and spamd exits (spamd.md 2.2)"))
    if spamd.maxblack is not None and spamd.maxblack > maxcon:
        problems.append(Problem(("spamd", "maxblack"), f"maxblack ({spamd.maxblack}) must not "
                                f"exceed maxcon ({maxcon}); spamd exits with its usage"))
    if spamd.banner is not None:
        bad = sorted(set(spamd.banner) & _SHELL_UNSAFE) or \
            (["control characters"] if re.search(r"[\x00-\x1f\x7f]", spamd.banner) else [])
        if bad:
            problems.append(Problem(("spamd", "banner"), f"{' '.join(bad)} cannot be passed "
                                    "safely through rc.conf.local and /bin/sh (spamd.md 6.2)"))
    return problems


def _dkimproxy(site: Site) -> list[Problem]:
    proxy = site.dkimproxy
    if proxy is None:
        return []
    problems = []
    ends = {}
    for key, default in (("listen", None), ("relay", 25)):
        try:
            ends[key] = ipv4_port(getattr(proxy, key), default)
        except Exception as exc:  # PydanticCustomError carries the message
            problems.append(Problem(("dkimproxy", key), str(exc)))
    if len(ends) == 2 and ends["listen"] == ends["relay"]:
        problems.append(Problem(("dkimproxy", "relay"), "relay is the listen address itself: "
                                "mail would loop through the proxy"))
    if proxy.min_servers and proxy.max_servers and proxy.min_servers > proxy.max_servers:
        problems.append(Problem(("dkimproxy", "min_servers"), f"min_servers ({proxy.min_servers}) "
                                f"must not exceed max_servers ({proxy.max_servers})"))
    return problems


def _mta(site: Site) -> list[Problem]:
    if site.mta is None:
        return []
    problems = _material(site, ("mta", "tls"), site.mta.tls)
    spamd = site.spamd
    if site.mta.tls is None or spamd is None or problems:
        return problems
    if spamd.tls is None:
        problems.append(Problem(("spamd",), "the MTA offers TLS but spamd, in front of it on "
                                "port 25, does not: DANE senders abort before RCPT and are "
                                "never whitelisted (spamd.md 4.1); set spamd.tls",
                                level="warning", rule="spamd-starttls", at="key"))
    elif spamd.tls != site.mta.tls and spamd.tls in site.tls and \
            site.tls[spamd.tls].certificate != site.tls[site.mta.tls].certificate:
        problems.append(Problem(("spamd", "tls"), f'spamd presents material "{spamd.tls}" '
                                f'but the MTA presents "{site.mta.tls}": the published TLSA '
                                "record can match only one key (check --live compares them)",
                                level="warning", rule="spamd-mta-certificate"))
    return problems
