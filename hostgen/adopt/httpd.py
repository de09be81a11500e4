"""A parsed live httpd.conf -> the `tls:`, `fastcgi:` and `httpd:` sections of site.yaml.

Servers are put back together as hostgen.adopt.httpd_servers says; each key-pair becomes one
named TLS material (named after the fragment hostgen wrote for it, `/etc/httpd.NAME.tls`, else
after the certificate's file), each FastCGI socket one named responder; `httpd.listen` and
`httpd.tls` are the address and material most servers use. What site.yaml cannot say is a loss
at its line, never dropped in silence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.comments import Homes
from hostgen.adopt.httpd_lines import Outline
from hostgen.adopt.httpd_options import OptionsReader, Responders, slug, unique
from hostgen.adopt.httpd_servers import (
    DEFAULT_CERTIFICATE,
    DEFAULT_KEY,
    Draft,
    Merged,
    acme_root,
    draft,
    merge,
)
from hostgen.adopt.result import Loss
from hostgen.live.httpd import HttpdConfig, Location, Server

_FRAGMENT = re.compile(r"/etc/httpd\.([a-z0-9][a-z0-9_-]*)\.tls")
_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".cert", ".fullchain", ".chain")
#: The first words of a server statement -> the site.yaml keys it may have become (comments).
_STATEMENT_KEYS: dict[str, tuple[str, ...]] = {
    "root": ("root",), "directory": ("index", "auto_index"), "log": ("log",),
    "no log": ("log",), "fastcgi": ("fastcgi",), "no fastcgi": ("fastcgi",),
    "authenticate": ("authenticate",), "no authenticate": ("authenticate",),
    "block": ("redirect", "block"), "hsts": ("hsts",), "alias": ("aliases",),
    "listen": ("listen", "http"), "tls": ("tls",), "include": ("tls",),
}
SERVER_INDENT, KEY_INDENT, LOCATION_INDENT = 4, 6, 8


@dataclass
class Materials:
    by_pair: dict[tuple[str, str], str] = field(default_factory=dict)
    entries: dict[str, CommentedMap] = field(default_factory=dict)

    def name_for(self, certificate: str, key: str, hint: str | None = None) -> str:
        if (certificate, key) not in self.by_pair:
            stem = PurePosixPath(certificate).name
            while stem.endswith(_CERT_SUFFIXES):
                stem = stem[: stem.rfind(".")]
            name = unique(hint or slug(stem) or "tls", self.entries)
            self.entries[name] = CommentedMap(certificate=certificate, key=key)
            self.by_pair[(certificate, key)] = name
        return self.by_pair[(certificate, key)]


@dataclass
class HttpdImport:
    """The sections the import of one httpd.conf gives, and what it lost."""

    httpd: CommentedMap
    materials: Materials
    responders: Responders
    losses: list[Loss]
    homes: Homes


def adopt_httpd(config: HttpdConfig, outline: Outline, materials: Materials) -> HttpdImport:
    reader = OptionsReader(outline, Responders())
    losses = reader.losses
    acme = acme_root(config)
    drafts: list[Draft] = []
    for block in config.servers:
        if block.match:
            losses.append(Loss(block.path, block.line, f'server match "{block.name}" has no '
                               "site.yaml key yet; left out"))
            continue
        drafts.append(draft(block, acme))
    merged = merge(drafts)
    material_of = {id(m): _material(m, materials) for m in merged}
    addresses = Counter(m.main.address for m in merged if m.main.address is not None)
    used = Counter(name for name in material_of.values() if name is not None)
    httpd = CommentedMap()
    homes = Homes(config.path)
    listen = addresses.most_common(1)[0][0] if addresses else "egress"
    if listen != "egress":
        httpd["listen"] = listen
    default_tls = used.most_common(1)[0][0] if used else None
    if default_tls is not None:
        httpd["tls"] = default_tls
    _globals(config, outline, httpd, losses)
    if acme is not None:
        httpd["acme"] = acme
    servers = CommentedSeq()
    for m in merged:
        server = _server(m, material_of[id(m)], listen, default_tls, reader, outline)
        servers.append(server)
        for d in m.blocks:
            homes.put(d.block.line, servers, len(servers) - 1, SERVER_INDENT)
            _option_homes(homes, outline, d.block, server)
            _location_homes(homes, server, d.locations)
    httpd["servers"] = servers

    def fallback(line: int) -> tuple[CommentedMap | CommentedSeq, object, int] | None:
        owner = outline.owner.get(line, 0)
        while owner and owner not in homes.places:
            owner = outline.owner.get(owner, 0)
        return homes.places.get(owner) if owner else None

    homes.fallback = fallback
    return HttpdImport(httpd, materials, reader.responders, losses, homes)


def _material(m: Merged, materials: Materials) -> str | None:
    if m.tls_block is None:
        return None
    tls = m.tls_block.block.tls
    certificate = (tls.certificate if tls else None) or DEFAULT_CERTIFICATE
    key = (tls.key if tls else None) or DEFAULT_KEY
    fragment = _FRAGMENT.fullmatch(tls.path) if tls is not None else None
    return materials.name_for(certificate, key, fragment.group(1) if fragment else None)


def _globals(config: HttpdConfig, outline: Outline, httpd: CommentedMap,
             losses: list[Loss]) -> None:
    for option in config.globals:
        if option.name == "prefork" and option.before_first_server:
            if option.value != 3 and option.value == config.prefork:
                httpd["prefork"] = option.value
            continue
        defaults = {"chroot": "/var/www", "logdir": "/var/www/logs"}
        if defaults.get(option.name) == option.value and option.before_first_server:
            continue
        losses.append(Loss(option.path, option.line, f"global {option.name} has no site.yaml "
                           "key yet; left out"))
    line = next((n for n, w in outline.words.items()
                 if outline.owner[n] == 0 and w.startswith("types")), None)
    if line is not None or config.types:
        line = line or config.types[0].line
        losses.append(Loss(outline.path, line, "types has no site.yaml key yet; left out "
                           "(httpd then uses its built-in list)"))


def _server(m: Merged, material: str | None, listen: str, default_tls: str | None,
            reader: OptionsReader, outline: Outline) -> CommentedMap:
    main = m.main
    block = main.block
    server = CommentedMap(name=block.name)
    aliases = [a.name for a in block.aliases if not a.match]
    for alias in block.aliases:
        if alias.match:
            reader.losses.append(Loss(alias.path, alias.line, f'alias match "{alias.name}" has '
                                      "no site.yaml key yet; left out"))
    if aliases:
        server["aliases"] = _flow(CommentedSeq(aliases))
    if main.address is None:
        _listen_losses(block, reader.losses)
    address = main.address or (block.listens[0].address if block.listens else listen)
    if address != listen:
        server["listen"] = address
    if material is not None and m.http != "serve":
        server["http"] = m.http
    if material is None and default_tls is not None:
        server["tls"] = False
    elif material is not None and material != default_tls:
        server["tls"] = material
    options = reader.keys(block.options, block.line, server=True)
    server.update(options)
    tls_block = m.tls_block.block if m.tls_block is not None else None
    if tls_block is not None and tls_block.hsts is not None:
        h = tls_block.hsts
        hsts = CommentedMap()
        if h.max_age is not None and h.max_age != 31536000:
            hsts["max_age"] = h.max_age
        if h.subdomains:
            hsts["subdomains"] = True
        if h.preload:
            hsts["preload"] = True
        server["hsts"] = _flow(hsts) if hsts else True
    for key in ("log", "authenticate"):   # after hsts, as DESIGN.md lists them
        if key in server:
            server.move_to_end(key)
    _server_losses(m, reader, outline)
    locations = CommentedSeq()
    for location in main.locations:
        locations.append(_location(location, server, reader))
    if locations:
        server["locations"] = locations
    return server


def _location(location: Location, server: CommentedMap, reader: OptionsReader) -> CommentedMap:
    entry = CommentedMap()
    entry["match" if location.match else "path"] = location.pattern
    if location.found is not None:
        entry["found"] = location.found
    entry.update(reader.keys(location.options, location.line, server=False))
    # httpd gives a location only the server's FastCGI on/off, not its socket (2.6); hostgen
    # writes the server's responder into a location that serves and says nothing, so say it
    serves = "redirect" not in entry and "block" not in entry
    if "fastcgi" not in entry and serves and server.get("fastcgi") not in (None, True, False):
        entry["fastcgi"] = True
    if all(not isinstance(v, CommentedMap | CommentedSeq) for v in entry.values()):
        entry.fa.set_flow_style()
    return entry


def _server_losses(m: Merged, reader: OptionsReader, outline: Outline) -> None:
    losses = reader.losses
    for d in m.blocks:
        b = d.block
        if b.connection is not None:
            losses.append(Loss(b.connection.path, b.connection.line, "connection has no "
                               "site.yaml key yet; left out"))
        if b.tcp is not None:
            losses.append(Loss(b.tcp.path, b.tcp.line, "tcp has no site.yaml key yet; left out"))
        if b.errdocs is not None:
            losses.append(Loss(outline.path, outline.find(b.line, "errdocs", "no errdocs"),
                               "errdocs in a server has no site.yaml key yet; left out"))
        if b.banner is not None:
            losses.append(Loss(outline.path, outline.find(b.line, "banner", "no banner"),
                               "banner in a server has no site.yaml key yet; left out"))
        tls = b.tls
        if tls is not None:
            extra = [k for k in ("ciphers", "protocols", "dhe", "ecdhe", "ocsp", "client_ca",
                                 "ticket_lifetime") if getattr(tls, k) is not None]
            if extra:
                losses.append(Loss(tls.path, tls.line, "tls " + ", ".join(
                    k.replace("_", " ") for k in extra) + " has no site.yaml key yet; left out"))
    plain = m.plain_block
    if m.http == "redirect" and plain is not None:
        log = plain.block.options.log
        if log != type(log)():
            losses.append(Loss(outline.path, outline.find(plain.block.line, "log", "no log"),
                               "the log settings of the port-80 redirect block are not carried "
                               "over (http: redirect logs as httpd does by default)"))


def _listen_losses(block: Server, losses: list[Loss]) -> None:
    first = block.listens[0] if block.listens else None
    for listen in block.listens:
        if listen is first and (listen.port, listen.tls) in (("80", False), ("443", True)):
            continue
        losses.append(Loss(listen.path, listen.line, f"listen on {listen.address}"
                           f"{' tls' if listen.tls else ''} port {listen.port}: site.yaml cannot "
                           "say this listener yet (a server listens on port 80, and 443 with "
                           "TLS); left out"))


def _flow(node: CommentedMap | CommentedSeq) -> CommentedMap | CommentedSeq:
    node.fa.set_flow_style()
    return node


def _option_homes(homes: Homes, outline: Outline, block: Server, server: CommentedMap) -> None:
    for line in outline.lines_of(block.line):
        words = outline.words.get(line, "")
        for start, keys in _STATEMENT_KEYS.items():
            if words.startswith(start):
                key = next((k for k in keys if k in server), None)
                if key is not None:
                    homes.put(line, server, key, KEY_INDENT)
                break


def _location_homes(homes: Homes, server: CommentedMap,
                    locations: tuple[Location, ...]) -> None:
    seq = server.get("locations")
    for index, location in enumerate(locations):
        if seq is not None:
            homes.put(location.line, seq, index, LOCATION_INDENT)
