"""`check --live ROOT`: the files site.yaml refers to, as the host's daemons will find them.

Certificates and keys of every TLS material in use (parse, chain order, key match, dates, key
modes), the names each certificate must cover, spamd's key against the MTA's, the DKIM key, and
FastCGI sockets and document roots inside httpd's chroot. Files are read under ROOT (`/` on the
host, a folder in tests); messages name them by their host path.

Every problem is positioned at the site.yaml key it concerns: the material's `certificate` or
`key`, the server's `name` or alias, `spamd.tls`, `dkimproxy.keyfile`, the socket or root.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from hostgen.site.layout import material_of
from hostgen.site.model import Fastcgi, Server, Site
from hostgen.site.problems import Level, Loc, Problem
from hostgen.tls import tlsmaterial as tm

CHROOT = "/var/www"  # httpd's chroot: home of user www (httpd-conf.md, `chroot`)
SLOWCGI_SOCKET = "/run/slowcgi.sock"  # httpd's default FastCGI socket (httpd-conf.md 2.4.6)
GLOB = set("*?[")


@dataclass(frozen=True)
class LiveFile:
    """A file read under ROOT: its bytes and mode, or the problem met reading it."""

    host_path: str
    data: bytes | None
    mode: int
    problem: str | None


def read_live(root: Path, host_path: str) -> LiveFile:
    """Read `host_path` under `root`; never raises for a missing or unreadable file."""
    path = root / host_path.lstrip("/")
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            return LiveFile(host_path, None, mode, "is a directory, not a file")
        if not stat.S_ISREG(mode):
            return LiveFile(host_path, None, mode, "is not a regular file")
        return LiveFile(host_path, path.read_bytes(), mode, None)
    except FileNotFoundError:
        return LiveFile(host_path, None, 0, "no such file")
    except PermissionError:
        return LiveFile(host_path, None, 0, "cannot read it: permission denied")
    except OSError as exc:
        return LiveFile(host_path, None, 0, f"cannot read it: {exc.strerror or exc}")


@dataclass(frozen=True)
class LoadedMaterial:
    """A material's leaf certificate, None when it could not be loaded."""

    name: str
    cert: x509.Certificate | None


def check_live(
    site: Site, root: Path, *, expiry_days: int = 21, now: datetime | None = None
) -> list[Problem]:
    """Every problem of the live files of `site` under `root`. `now` defaults to the clock; a
    naive `now` is taken as UTC."""
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    problems: list[Problem] = []
    loaded: dict[str, LoadedMaterial] = {}
    for name in used_materials(site):
        material_problems, loaded[name] = _material(site, name, root, moment, expiry_days)
        problems += material_problems
    problems += _coverage(site, loaded)
    problems += _spamd_is_mta(site, loaded)
    problems += _dkim(site, root)
    problems += _sockets(site, root)
    problems += _roots(site, root)
    return problems


def used_materials(site: Site) -> list[str]:
    """Names of the TLS materials some daemon reads, in site order; unknown names are the static
    rules' business."""
    used: set[str] = set()
    if site.httpd is not None:
        if site.httpd.tls:
            used.add(site.httpd.tls)
        used.update(m for s in site.httpd.servers if (m := server_material(site, s)))
    for part in (site.spamd, site.mta):
        if part is not None and part.tls:
            used.add(part.tls)
    return [name for name in site.tls if name in used]


def server_material(site: Site, server: Server) -> str | None:
    """The material a server presents: its own `tls`, else `httpd.tls`; None for plain HTTP."""
    return material_of(server, site.httpd) if site.httpd is not None else None


# -- certificates and keys -------------------------------------------------------------------


def _material(
    site: Site, name: str, root: Path, now: datetime, expiry_days: int
) -> tuple[list[Problem], LoadedMaterial]:
    material = site.tls[name]
    cert_loc: Loc = ("tls", name, "certificate")
    key_loc: Loc = ("tls", name, "key")
    problems: list[Problem] = []

    def problem(loc: Loc, path: str, message: str, level: Level = "error") -> None:
        problems.append(Problem(loc, f"{path}: {message}", level=level))

    cert_file = read_live(root, material.certificate)
    cert = None
    if cert_file.problem or cert_file.data is None:
        problem(cert_loc, material.certificate, cert_file.problem or "unreadable")
    else:
        try:
            chain = tm.load_chain(cert_file.data)
        except tm.MaterialError as exc:
            problem(cert_loc, material.certificate, str(exc))
        else:
            cert = chain[0]
            for message in tm.chain_problems(chain):
                problem(cert_loc, material.certificate, message)
            finding = tm.validity(cert, now, expiry_days)
            if finding is not None:
                problem(cert_loc, material.certificate, finding.message, finding.level)
        who = tm.readable_by(cert_file.mode)
        if who and tm.holds_private_key(cert_file.data):
            problem(cert_loc, material.certificate, f"holds a private key and is readable by "
                    f"{who} (mode {tm.mode_text(cert_file.mode)})")

    key_file = read_live(root, material.key)
    if key_file.problem or key_file.data is None:
        problem(key_loc, material.key, key_file.problem or "unreadable")
    else:
        who = tm.readable_by(key_file.mode)
        if who:
            problem(key_loc, material.key, f"private key is readable by {who} "
                    f"(mode {tm.mode_text(key_file.mode)}); chmod 600 it")
        try:
            key = tm.load_private_key(key_file.data)
        except tm.MaterialError as exc:
            problem(key_loc, material.key, str(exc))
        else:
            if cert is not None and not tm.public_key_matches(cert, key):
                problem(key_loc, material.key,
                        f"private key does not match the certificate {material.certificate}")
    return problems, LoadedMaterial(name, cert)


# -- names -----------------------------------------------------------------------------------


def server_names(site: Site) -> Iterator[tuple[Loc, str, str]]:
    """(position, name, material) of every name and alias of every TLS server."""
    if site.httpd is None:
        return
    for index, server in enumerate(site.httpd.servers):
        material = server_material(site, server)
        if material is None:
            continue
        loc: Loc = ("httpd", "servers", index)
        if server.name is not None:
            yield (*loc, "name"), server.name, material
        elif server.match is not None:
            yield (*loc, "match"), server.match, material
        for number, alias in enumerate(server.aliases):
            if isinstance(alias, str):
                yield (*loc, "aliases", number), alias, material
            else:
                yield (*loc, "aliases", number, "match"), alias.match, material


def _coverage(site: Site, loaded: dict[str, LoadedMaterial]) -> list[Problem]:
    problems = []
    for loc, name, material in server_names(site):
        entry = loaded.get(material)
        if entry is None or entry.cert is None:
            continue  # unknown material or unreadable certificate: reported already
        names = tm.names(entry.cert)
        path = site.tls[material].certificate
        if loc[-1] == "match":
            # a `match` name is a pattern (httpd-conf.md 4): no certificate name is one
            message = f'cannot tell whether the certificate covers the pattern "{name}"'
            problems.append(Problem(loc, f"{path}: {message}", level="warning"))
        elif GLOB & set(name):
            # httpd server names are glob patterns (httpd-conf.md 2.4.1); a pattern is covered
            # only by the same wildcard name, which a client applies to one label.
            if name.lower().rstrip(".") in names:
                continue
            message = f'cannot tell whether the certificate covers the pattern "{name}"'
            problems.append(Problem(loc, f"{path}: {message}", level="warning"))
        elif not tm.covers(names, name):
            shown = ", ".join(names) or "none"
            problems.append(Problem(loc, f'{path}: certificate does not cover "{name}" '
                                    f"(its names: {shown})"))
    return problems


# -- spamd = MTA -----------------------------------------------------------------------------


def _spamd_is_mta(site: Site, loaded: dict[str, LoadedMaterial]) -> list[Problem]:
    """spamd must present the MTA's public key: the published TLSA 3 1 1 record pins it, and a
    DANE sender diverted to spamd aborts on another key (spamd.md 4.1, tlsa.md section 6)."""
    if site.spamd is None or site.mta is None or not site.spamd.tls or not site.mta.tls:
        return []
    spamd, mta = loaded.get(site.spamd.tls), loaded.get(site.mta.tls)
    if spamd is None or mta is None or spamd.cert is None or mta.cert is None:
        return []
    if tm.spki_der(spamd.cert.public_key()) == tm.spki_der(mta.cert.public_key()):
        return []
    path, mta_path = site.tls[spamd.name].certificate, site.tls[mta.name].certificate
    return [Problem(("spamd", "tls"), f"{path}: spamd's certificate has another public key "
                    f'than the MTA\'s ({mta_path}, tls "{mta.name}"): DANE senders that reach '
                    "spamd will not match the TLSA record and never deliver (spamd.md 4.1)")]


# -- DKIM ------------------------------------------------------------------------------------


def _dkim(site: Site, root: Path) -> list[Problem]:
    """dkimproxy's children read the key as _dkimproxy for every message (dkimproxy.md 7.1): it
    must be a private key, RSA, and not readable by others (0640 root:_dkimproxy)."""
    if site.dkimproxy is None:
        return []
    loc: Loc = ("dkimproxy", "keyfile")
    path = site.dkimproxy.keyfile
    found = read_live(root, path)
    if found.problem or found.data is None:
        return [Problem(loc, f"{path}: {found.problem or 'unreadable'}")]
    problems = []
    who = tm.readable_by(found.mode, tm.OTHERS)
    if who:
        problems.append(Problem(loc, f"{path}: DKIM key is readable by {who} (mode "
                                f"{tm.mode_text(found.mode)}); use 0640, group _dkimproxy"))
    try:
        key = tm.load_private_key(found.data)
    except tm.MaterialError as exc:
        problems.append(Problem(loc, f"{path}: {exc}"))
    else:
        public = key.public_key()
        if not tm.is_rsa(public):
            problems.append(Problem(loc, f"{path}: DKIM key is {tm.key_description(public)}, "
                                    "not RSA: dkimproxy signs with RSA only"))
    return problems


# -- inside the chroot -----------------------------------------------------------------------


def _chroot_path(root: Path, path: str, site: Site) -> tuple[Path, str]:
    chroot = (site.httpd.chroot if site.httpd else None) or CHROOT   # httpd.chroot, if set
    host = f"{chroot.rstrip('/')}/{path.lstrip('/')}"
    return root / host.lstrip("/"), host


def fastcgi_sockets(site: Site) -> Iterator[tuple[Loc, str]]:
    """(position, socket inside the chroot) of every FastCGI responder in use, once each."""
    if site.httpd is None:
        return
    seen: set[Loc] = set()
    for index, server in enumerate(site.httpd.servers):
        loc: Loc = ("httpd", "servers", index)
        places = [((*loc, "fastcgi"), server.fastcgi)]
        places += [((*loc, "locations", n, "fastcgi"), location.fastcgi)
                   for n, location in enumerate(server.locations)]
        for where, ref in places:
            found = _socket_of(site, where, ref)
            if found is not None and found[0] not in seen:
                seen.add(found[0])
                yield found


def _socket_of(site: Site, loc: Loc, ref: object) -> tuple[Loc, str] | None:
    if ref is True:
        return loc, SLOWCGI_SOCKET
    if isinstance(ref, str):
        responder = site.fastcgi.get(ref)
        if responder is None or responder.tcp is not None:
            return None  # unknown responder (the static rules report it), or a TCP one
        if responder.socket is None:
            return loc, SLOWCGI_SOCKET
        return ("fastcgi", ref, "socket"), responder.socket
    if isinstance(ref, Fastcgi):
        if ref.tcp is not None:
            return None  # a TCP responder has no file to look at
        if ref.socket is None:
            return loc, SLOWCGI_SOCKET
        return (*loc, "socket"), ref.socket
    return None


def _sockets(site: Site, root: Path) -> list[Problem]:
    problems = []
    for loc, socket in fastcgi_sockets(site):
        path, host = _chroot_path(root, socket, site)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            problems.append(Problem(loc, f"{host}: FastCGI socket does not exist "
                                    "(is the responder running?)"))
            continue
        except OSError as exc:
            problems.append(Problem(loc, f"{host}: cannot check it: {exc.strerror or exc}"))
            continue
        if not stat.S_ISSOCK(mode):
            problems.append(Problem(loc, f"{host}: is not a socket"))
    return problems


def document_roots(site: Site) -> Iterator[tuple[Loc, str]]:
    """(position, root inside the chroot) of every `root` the site sets, and `httpd.acme`."""
    if site.httpd is None:
        return
    if site.httpd.acme is not None:
        yield ("httpd", "acme"), site.httpd.acme
    for index, server in enumerate(site.httpd.servers):
        loc: Loc = ("httpd", "servers", index)
        if server.root is not None:
            yield (*loc, "root"), server.root
        for number, location in enumerate(server.locations):
            if location.root is not None:
                yield (*loc, "locations", number, "root"), location.root


def _roots(site: Site, root: Path) -> list[Problem]:
    problems = []
    for loc, directory in document_roots(site):
        path, host = _chroot_path(root, directory, site)
        if path.is_dir():
            continue
        what = "is not a directory" if os.path.lexists(path) else "document root does not exist"
        problems.append(Problem(loc, f"{host}: {what}"))
    return problems
