"""Rules of resolv.conf as OpenBSD's asr reads it (resolv-conf.md 1-3)."""

from __future__ import annotations

import ipaddress
import re

from hostgen.site.model import Site
from hostgen.site.problems import Problem

MAX_NAMESERVERS = 5    # ASR_MAXNS: later lines are silently ignored
MAX_SEARCH = 9         # 10 tokens per line, one of them "search"
_OPTION = re.compile(r"tcp|edns0|trust-ad|ndots:(\d+)")


def _loopback(address: str) -> bool:
    return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback


def check_resolver(site: Site) -> list[Problem]:
    resolver = site.resolver
    if resolver is None:
        return []
    problems: list[Problem] = []
    servers = [("nameservers", i, a) for i, a in enumerate(resolver.nameservers)]
    servers += [("fallback", i, a) for i, a in enumerate(resolver.fallback)]
    seen: set[str] = set()
    for count, (key, index, address) in enumerate(servers, start=1):
        loc = ("resolver", key, index)
        if address in seen:
            problems.append(Problem(loc, f"{address} is listed twice; list each server once"))
        seen.add(address)
        if count == MAX_NAMESERVERS + 1:
            problems.append(Problem(loc, f"the resolver reads at most {MAX_NAMESERVERS} "
                                    f"nameservers; {address} and any after it are ignored"))
    if all(_loopback(a) for _, _, a in servers):
        problems.append(Problem(("resolver", "nameservers"),
                                "every nameserver is this host's own resolver and there is no "
                                "fallback: when it is down (upgrade from bsd.rd, crash) the host "
                                "has no DNS at all; add resolver.fallback"))
    for key in ("lookup", "family"):
        words = getattr(resolver, key)
        if words is not None and len(set(words)) != len(words):
            problems.append(Problem(("resolver", key), f"a {key} word repeated makes the resolver "
                                    "ignore the whole line"))
        if words is not None and not words:
            problems.append(Problem(("resolver", key), "must not be empty"))
    if resolver.search is not None and len(resolver.search) > MAX_SEARCH:
        problems.append(Problem(("resolver", "search", MAX_SEARCH), f"the resolver reads at most "
                                f"{MAX_SEARCH} search domains on one line; the rest are dropped"))
    for index, option in enumerate(resolver.options or []):
        match = _OPTION.fullmatch(option)
        if match is None:
            problems.append(Problem(("resolver", "options", index), f'option "{option}" is ignored '
                                    "by OpenBSD's resolver (it knows tcp, edns0, trust-ad, "
                                    "ndots:N)"))
        elif match.group(1) is not None and not 1 <= int(match.group(1)) <= 16:
            problems.append(Problem(("resolver", "options", index),
                                    f"ndots must be 1 to 16, got {match.group(1)}"))
        elif option == "trust-ad" and not all(_loopback(a) for _, _, a in servers):
            problems.append(Problem(("resolver", "options", index), "trust-ad with a non-loopback "
                                    "nameserver trusts the AD bit of an unauthenticated path",
                                    level="warning", rule="trust-ad"))
    return problems
