"""acme-client.conf's domains, computed from the servers (acme-client-conf.md 1.4, 2.4, 4).

One `domain` block per TLS material that says `acme:`. Its names are every server name and
alias that presents the material, so a new vhost is never missing from the certificate: the
first name of the first such server is the handle (the certificate's common name), all the
others are `alternative names`, lower case, sorted, without duplicates and without the handle
(a repeated name makes acme-client re-issue on every run, 2.4). A material no server presents
but the MTA does gets the MTA's names (its hostname, then its MX names).
"""

from __future__ import annotations

from hostgen.live.records import record
from hostgen.site.layout import names
from hostgen.site.model import AcmeAuthority, Server, Site, TlsMaterial
from hostgen.site.problems import Loc

CHROOT = "/var/www"   # httpd's chroot: httpd.acme is a folder inside it
# The authorities of /etc/examples/acme-client.conf rev 1.6 (acme-client-conf.md 1.5).
KNOWN_AUTHORITIES = {
    "letsencrypt": AcmeAuthority(
        name="letsencrypt", url="https://acme-v02.api.letsencrypt.org/directory",
        account_key="/etc/acme/letsencrypt-privkey.pem"),
    "letsencrypt-staging": AcmeAuthority(
        name="letsencrypt-staging", url="https://acme-staging-v02.api.letsencrypt.org/directory",
        account_key="/etc/acme/letsencrypt-staging-privkey.pem"),
}


@record
class Name:
    name: str                # lower case, no trailing dot
    loc: Loc                 # where site.yaml says it


@record
class Domain:
    material: str
    handle: Name
    alternatives: list[Name]
    tls: TlsMaterial
    authority: AcmeAuthority


def authority(material: TlsMaterial) -> AcmeAuthority:
    assert material.acme is not None
    ref = material.acme.authority
    if isinstance(ref, AcmeAuthority):
        if ref.account_key is None:
            return ref.model_copy(update={"account_key": f"/etc/acme/{ref.name}-privkey.pem"})
        return ref
    return KNOWN_AUTHORITIES[ref]


def _presents(site: Site, server: Server) -> str | None:
    if server.tls is False:
        return None
    if isinstance(server.tls, str):
        return server.tls
    return site.httpd.tls if site.httpd is not None else None


def names_of(site: Site, material: str) -> list[Name]:
    """Every name that presents `material`, in site order (duplicates kept: rules report)."""
    found: list[Name] = []
    if site.httpd is not None:
        for index, server in enumerate(site.httpd.servers):
            if _presents(site, server) != material:
                continue
            loc: Loc = ("httpd", "servers", index)
            where: list[Loc] = [(*loc, "match" if server.match is not None else "name")]
            where += [(*loc, "aliases", number) for number in range(len(server.aliases))]
            # a `match` pattern names no host a certificate could carry: only the plain names
            found += [Name(_clean(text), at) for (text, pattern), at
                      in zip(names(server), where, strict=True) if not pattern]
    if not found and site.mta is not None and site.mta.tls == material:
        if site.mta.hostname is not None:
            found.append(Name(_clean(site.mta.hostname), ("mta", "hostname")))
        else:
            found.append(Name(_clean(site.host.name), ("host", "name")))
        found += [Name(_clean(mx), ("mta", "mx", i)) for i, mx in enumerate(site.mta.mx)]
    return found


def _clean(name: str) -> str:
    return name.rstrip(".").lower()


def domains(site: Site) -> list[Domain]:
    """The domain blocks, in the order of `tls:`; materials without names are left out (the
    rules report them)."""
    blocks = []
    for material, tls in site.tls.items():
        if tls.acme is None:
            continue
        names = names_of(site, material)
        if not names:
            continue
        handle = names[0]
        others = {n.name: n for n in reversed(names[1:]) if n.name != handle.name}
        blocks.append(Domain(material, handle, [others[k] for k in sorted(others)], tls,
                             authority(tls)))
    return blocks


def authorities(blocks: list[Domain]) -> list[AcmeAuthority]:
    """Each authority the domains sign with, once, in order of first use."""
    seen: dict[str, AcmeAuthority] = {}
    for block in blocks:
        seen.setdefault(block.authority.name, block.authority)
    return list(seen.values())


def challengedir(site: Site) -> str | None:
    """Where acme-client writes its tokens: the host path of `httpd.acme`, the folder httpd
    serves /.well-known/acme-challenge/ from on port 80 (acme-client-conf.md 3)."""
    if site.httpd is None or site.httpd.acme is None:
        return None
    return CHROOT + "/" + site.httpd.acme.strip("/") if site.httpd.acme != "/" else CHROOT


def renewed(site: Site, blocks: list[Domain]) -> tuple[tuple[str, str], ...]:
    """What to do once acme-client wrote a certificate: httpd re-reads its certificates on
    reload; smtpd and spamd only on restart (acme-client-conf.md 2.5)."""
    used = {block.material for block in blocks}
    steps = [("httpd", "reload")]
    if site.mta is not None and site.mta.tls in used:
        steps.append(("smtpd", "restart"))
    if site.spamd is not None and site.spamd.tls in used:
        steps.append(("spamd", "restart"))
    return tuple(steps)
