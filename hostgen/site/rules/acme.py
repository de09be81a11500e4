"""Rules of `tls.NAME.acme`: what acme-client can obtain (acme-client-conf.md 0.1, 1.4, 4)."""

from __future__ import annotations

import re

from hostgen.site import acme
from hostgen.site.model import AcmeAuthority, Site
from hostgen.site.problems import Loc, Problem
from hostgen.site.versions import parse_release

ACME_V2_SINCE = "6.6"      # acme-client speaks ACME v2 from 6.6; Let's Encrypt ended v1 in 2021
MAX_NAMES = 100            # Let's Encrypt: names per certificate (acme-client-conf.md 4)
MAX_COMMON_NAME = 64       # X.509 commonName; the handle becomes the CN (4)
# Lower-case ASCII host names (acme-client-conf.md 4, "Name rules for a generator").
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*")
_GLOB = set("*?[")


def check_acme(site: Site) -> list[Problem]:
    problems: list[Problem] = []
    materials = [(name, tls) for name, tls in site.tls.items() if tls.acme is not None]
    if not materials:
        return []
    if parse_release(site.host.openbsd) < parse_release(ACME_V2_SINCE):
        return [Problem(("tls", name, "acme"), f"acme-client speaks ACME v2 from OpenBSD "
                        f"{ACME_V2_SINCE} (host.openbsd is {site.host.openbsd}); Let's Encrypt "
                        "switched ACME v1 off in 2021", at="key") for name, _ in materials]
    if acme.challengedir(site) is None:
        problems += [Problem(("tls", name, "acme"), "acme: needs httpd.acme, the folder httpd "
                             "serves /.well-known/acme-challenge/ from on port 80 (acme-client "
                             "writes its challenges there)", at="key") for name, _ in materials]
    for name, _ in materials:
        problems += _names(site, name)
    problems += _authorities(site) + _shared_files(site)
    return problems


def _names(site: Site, material: str) -> list[Problem]:
    names = acme.names_of(site, material)
    loc: Loc = ("tls", material, "acme")
    if not names:
        return [Problem(loc, "no server and not the MTA presents this material: acme-client "
                        "would have no name to ask a certificate for", at="key")]
    problems = []
    for name in names:
        if _GLOB & set(name.name):
            problems.append(Problem(name.loc, f'"{name.name}": acme-client answers only the '
                                    "http-01 challenge, and a CA issues a wildcard name only "
                                    "through dns-01; give this server another material, or "
                                    "name its hosts one by one"))
        elif not _NAME.fullmatch(name.name) or len(name.name) > 253:
            problems.append(Problem(name.loc, f'"{name.name}" cannot be in a certificate '
                                    "acme-client asks for: letters, digits, '-' and '.' only "
                                    "(punycode for other scripts)"))
    handle = names[0]
    if len(handle.name) > MAX_COMMON_NAME:
        problems.append(Problem(handle.loc, f"the first name of the certificate becomes its "
                                f"common name, at most {MAX_COMMON_NAME} characters: put a "
                                "shorter name first"))
    count = len({n.name for n in names})
    if count > MAX_NAMES:
        problems.append(Problem(loc, f"{count} names use this material: Let's Encrypt puts at "
                                f"most {MAX_NAMES} in one certificate", at="key"))
    return problems


def _authorities(site: Site) -> list[Problem]:
    problems = []
    seen: dict[str, AcmeAuthority] = dict(acme.KNOWN_AUTHORITIES)
    for name, tls in site.tls.items():
        if tls.acme is None or not isinstance(tls.acme.authority, AcmeAuthority):
            continue
        custom = acme.authority(tls)
        loc: Loc = ("tls", name, "acme", "authority")
        if not custom.url.startswith("https://") or re.search(r'[\s"]', custom.url):
            problems.append(Problem((*loc, "url"), "expected the authority's directory URL, "
                                    f'https://..., got "{custom.url}"'))
        other = seen.setdefault(custom.name, custom)
        if other != custom:
            problems.append(Problem((*loc, "name"), f'authority "{custom.name}" is already '
                                    "defined with another URL or account key"))
    return problems


def _shared_files(site: Site) -> list[Problem]:
    """acme-client refuses a key or certificate path used by two domains (1.4, E12/E30)."""
    problems = []
    seen: dict[str, str] = {}
    for block in acme.domains(site):
        for key in ("key", "certificate"):
            path = getattr(block.tls, key)
            if path in seen:
                problems.append(Problem(("tls", block.material, key), f"{path} is also the "
                                        f'{seen[path]}: acme-client writes each file for one '
                                        "domain only"))
            seen.setdefault(path, f'{key} of material "{block.material}"')
    return problems
