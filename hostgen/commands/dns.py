"""hostgen dns: the TLSA and DKIM records the host needs, in zone-file syntax, or their check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cryptography import x509

from hostgen.commands._common import add_site_argument, load
from hostgen.errors import HostgenError
from hostgen.site.model import Site
from hostgen.site.problems import Loc, Problem
from hostgen.tls import dnsrecords as dr
from hostgen.tls import tlsmaterial as tm
from hostgen.tls.livecheck import GLOB, read_live, server_names

DESCRIPTION = """\
Print the DNS records the host needs, computed from the files site.yaml names (read under ROOT):
  _443._tcp.NAME. IN TLSA 3 1 1 ...   for every name and alias of every TLS server
  _25._tcp.MX.    IN TLSA 3 1 1 ...   for the MTA's certificate (MX: the certificate's names)
  SELECTOR._domainkey.DOMAIN. IN TXT  the DKIM public key, for every dkimproxy domain
A `;` comment names the file each record comes from. TLSA records only count in a
DNSSEC-signed zone.

With --check ZONEFILE, compare them with the records of a zone excerpt instead, and list every
expected record that is not published (a renewal with a new key, a forgotten name).

SITE may be a fleet folder: the records of all its hosts, each once, in zone-file order
(owner names sorted as DNSSEC sorts them, RFC 4034 section 6.1).

examples:
  hostgen dns --site site.yaml
  hostgen dns hosts/ --live /path/to/copies
  hostgen dns --check /var/nsd/zones/master/example.org.zone
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("dns", help="TLSA and DKIM records to publish, or check them",
                            description=DESCRIPTION,
                            formatter_class=argparse.RawDescriptionHelpFormatter,
                            epilog="exit codes: 0 ok, 1 --check found mismatches, "
                                   "2 invalid input or unreadable files")
    add_site_argument(parser, positional=False)
    parser.add_argument("site_given", nargs="?", metavar="SITE",
                        help="the same as --site: `hostgen dns hosts/` for a fleet")
    parser.add_argument("--live", default="/", type=Path, metavar="ROOT",
                        help="read the certificates and keys under ROOT (default: /)")
    parser.add_argument("--check", type=Path, metavar="ZONEFILE",
                        help="compare with the records of this zone excerpt")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.site_given is not None:
        if args.site != "site.yaml":
            raise HostgenError("give SITE once: as an argument or with --site")
        args.site = args.site_given
    if Path(args.site).is_dir():
        return _run_fleet(args)
    loaded = load(args.site)
    records, problems = expected_records(loaded.site, args.live)
    if problems:
        for line in loaded.format(problems):
            print(line, file=sys.stderr)
        return 2
    if args.check is None:
        header = [f"DNS records for {loaded.site.host.name}, from {loaded.filename} (hostgen dns)",
                  "TLSA records take effect only in a DNSSEC-signed zone (RFC 6698)"]
        sys.stdout.write(dr.render(records, header) if records else "; no records to publish\n")
        return 0
    return _check(args.check, records)


def _run_fleet(args: argparse.Namespace) -> int:
    """SITE is a fleet folder: the records of every host, each record once (a certificate
    shared by hosts gives one TLSA record per name), in zone-file order."""
    from hostgen.commands._fleet import load_fleet

    hosts = load_fleet(args.site)
    records: dict[tuple[str, str, tuple[str, ...]], dr.Record] = {}
    failed = False
    for loaded in hosts:
        found, problems = expected_records(loaded.site, args.live)
        for line in loaded.format(problems):
            print(line, file=sys.stderr)
        failed = failed or bool(problems)
        for record in found:
            records.setdefault((record.owner, record.rtype, record.data), record)
    if failed:
        return 2
    ordered = sorted(records.values(), key=lambda r: (dr.canonical(r.owner), r.rtype, r.data))
    if args.check is not None:
        return _check(args.check, ordered)
    names = ", ".join(loaded.site.host.name for loaded in hosts)
    header = [f"DNS records for the fleet {args.site} ({names}) (hostgen dns)",
              "TLSA records take effect only in a DNSSEC-signed zone (RFC 6698)"]
    sys.stdout.write(dr.render(ordered, header) if ordered else "; no records to publish\n")
    return 0


def _check(zonefile: Path, records: list[dr.Record]) -> int:
    try:
        text = zonefile.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        print(f"hostgen: cannot read {zonefile}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        published = dr.parse_zone(text)
    except dr.ZoneError as exc:
        print(f"{zonefile}:{exc.line}: error: {exc.message}", file=sys.stderr)
        return 2
    mismatches = dr.compare(records, published)
    for mismatch in mismatches:
        where = f"{zonefile}:{mismatch.line}" if mismatch.line else str(zonefile)
        print(f"{where}: {mismatch.message}")
    if mismatches:
        print(f"{zonefile}: {len(mismatches)} of {len(records)} record(s) not published")
        return 1
    print(f"{zonefile}: all {len(records)} record(s) published")
    return 0


# -- the records -----------------------------------------------------------------------------


def expected_records(site: Site, root: Path) -> tuple[list[dr.Record], list[Problem]]:
    """The records of `site` from the files under `root`, or the positioned problems that
    prevent computing them."""
    certs: dict[str, x509.Certificate | None] = {}
    problems: list[Problem] = []

    def cert_of(material: str) -> x509.Certificate | None:
        if material not in certs:
            certs[material] = _certificate(site, material, root, problems)
        return certs[material]

    records: list[dr.Record] = []
    seen: set[str] = set()
    for _, name, material in server_names(site):
        if material not in site.tls or GLOB & set(name):
            continue  # unknown material (a static error) or a pattern: no owner name
        cert = cert_of(material)
        if cert is not None and dr.absolute(name) not in seen:
            seen.add(dr.absolute(name))
            records.append(dr.tlsa_record(443, name, cert, site.tls[material].certificate))
    mail = _mail_material(site)
    if mail is not None and (cert := cert_of(mail)) is not None:
        for mx in mx_names(site, cert):
            records.append(dr.tlsa_record(25, mx, cert, site.tls[mail].certificate))
    records += _dkim_records(site, root, problems)
    return records, problems


def _mail_material(site: Site) -> str | None:
    """What port 25 presents: the MTA's material (spamd must present the same key)."""
    for part in (site.mta, site.spamd):
        if part is not None and part.tls in site.tls:
            return part.tls
    return None


def mx_names(site: Site, cert: x509.Certificate) -> list[str]:
    """The MX host names (a sending MTA looks up _25._tcp.<MX host>, RFC 7672 section 2.2.1):
    `mta.mx` when given, else `mta.hostname` (the name smtpd greets with), else the names of
    the mail certificate, wildcards left out; the host's own name when the certificate has no
    other."""
    if site.mta is not None and site.mta.mx:
        return [name.rstrip(".") for name in site.mta.mx]
    if site.mta is not None and site.mta.hostname:
        return [site.mta.hostname.rstrip(".").lower()]
    names = [name for name in tm.names(cert) if "*" not in name]
    return names or [site.host.name]


def _certificate(site: Site, material: str, root: Path, problems: list[Problem]
                 ) -> x509.Certificate | None:
    path = site.tls[material].certificate
    loc: Loc = ("tls", material, "certificate")
    found = read_live(root, path)
    if found.problem or found.data is None:
        problems.append(Problem(loc, f"{path}: {found.problem or 'unreadable'}"))
        return None
    try:
        return tm.load_chain(found.data)[0]
    except tm.MaterialError as exc:
        problems.append(Problem(loc, f"{path}: {exc}"))
        return None


def _dkim_records(site: Site, root: Path, problems: list[Problem]) -> list[dr.Record]:
    proxy = site.dkimproxy
    if proxy is None:
        return []
    loc: Loc = ("dkimproxy", "keyfile")
    found = read_live(root, proxy.keyfile)
    if found.problem or found.data is None:
        problems.append(Problem(loc, f"{proxy.keyfile}: {found.problem or 'unreadable'}"))
        return []
    try:
        key = tm.load_private_key(found.data)
        return [dr.dkim_record(proxy.selector, domain, key, proxy.keyfile)
                for domain in proxy.domains]
    except tm.MaterialError as exc:
        problems.append(Problem(loc, f"{proxy.keyfile}: {exc}"))
        return []
