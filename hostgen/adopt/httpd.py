"""A parsed live httpd.conf -> the `tls:`, `fastcgi:` and `httpd:` sections of site.yaml.

Servers are put back together as hostgen.adopt.httpd_servers says; each key-pair becomes one
named TLS material (named after the fragment hostgen wrote for it, `/etc/httpd.NAME.tls`, else
after the certificate's file), each FastCGI socket one named responder; `httpd.listen` and
`httpd.tls` are the address and material most servers use. What site.yaml cannot say is a loss
at its line, never dropped in silence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from hostgen.adopt.comments import Homes
from hostgen.adopt.httpd_globals import adopt_globals
from hostgen.adopt.httpd_lines import Outline
from hostgen.adopt.httpd_options import OptionsReader, Responders, slug, unique
from hostgen.adopt.httpd_server import FRAGMENT as _FRAGMENT
from hostgen.adopt.httpd_server import Layout, adopt_server
from hostgen.adopt.httpd_servers import (
    DEFAULT_CERTIFICATE,
    DEFAULT_KEY,
    Draft,
    Merged,
    acme_root,
    draft,
    in_order,
    merge,
)
from hostgen.adopt.result import Loss
from hostgen.live.httpd import HttpdConfig, Location, Server
from hostgen.site.versions import NEWEST, requirement

_DEFAULT_FRAGMENT = "/etc/httpd.tls"
_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".cert", ".fullchain", ".chain")
#: The first words of a server statement -> the site.yaml keys it may have become (comments).
_STATEMENT_KEYS: dict[str, tuple[str, ...]] = {
    "root": ("root",), "directory": ("index", "auto_index"), "log": ("log",),
    "no log": ("log",), "fastcgi": ("fastcgi",), "no fastcgi": ("fastcgi",),
    "authenticate": ("authenticate",), "no authenticate": ("authenticate",),
    "block": ("redirect", "block"), "hsts": ("hsts",), "alias": ("aliases",),
    "listen": ("listen", "http"), "tls": ("tls",), "include": ("tls",),
    "connection": ("connection",), "tcp": ("tcp",), "errdocs": ("errdocs",),
    "no errdocs": ("errdocs",), "banner": ("banner",), "no banner": ("banner",),
    "request": ("rewrite", "strip"), "default": ("default_type",),
    "gzip-static": ("gzip_static",), "no gzip-static": ("gzip_static",), "pass": ("pass",),
}
#: The first words of a global statement -> the key of httpd: it became.
_GLOBAL_KEYS = {"chroot": "chroot", "logdir": "logdir", "prefork": "prefork",
                "default": "default_type", "errdocs": "errdocs", "no": "banner",
                "types": "types"}
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


def adopt_httpd(config: HttpdConfig, outline: Outline, materials: Materials, *,
                comments: bool = True, system_types: bool = False,
                release: str = NEWEST) -> HttpdImport:
    """The sections of one httpd.conf; `comments`: whether it has any (else the homes of its
    statements are not worked out); `system_types`: whether it includes the system's
    mime.types in `types`."""
    reader = OptionsReader(outline, Responders())
    losses = reader.losses
    acme = acme_root(config)
    drafts: list[Draft] = []
    for block in config.servers:
        drafts.append(draft(block, acme))
    merged = merge(drafts)
    if requirement("listen_mixed", release) is None:
        for m in merged:
            plain = m.plain_block
            if (m.http == "serve" and m.tls_block is not None and plain is not m.tls_block
                    and plain and plain.acme_line):
                losses.append(Loss(plain.block.path, plain.acme_line, "the ACME challenge "
                                   "location now also answers on TLS port 443: hostgen writes "
                                   "a server that serves both ports as one block (7.0+)"))
    merged, changed = in_order(drafts, merged)
    for listener, block in changed:
        losses.append(Loss(block.path, block.line, f"the servers on {listener} "
                           "come in another order: no order of site.yaml's servers (each "
                           "writes its blocks together) keeps the order of every listener, and "
                           "httpd takes the first name that matches"))
    material_of = {id(m): _material(m, materials) for m in merged}
    addresses = Counter(m.main.address for m in merged if m.main.address is not None)
    used = Counter(name for name in material_of.values() if name is not None)
    httpd = CommentedMap()
    homes = Homes(config.path)
    # hostgen's own layout: the fragments' listener is httpd.listen, /etc/httpd.tls's material
    # httpd.tls, and a TLS block with its listener written in httpd.conf has its own listen
    in_fragments = [(m, listen) for m in merged if m.tls_block is not None
                    for listen in m.tls_block.block.listens if _FRAGMENT.fullmatch(listen.path)]
    listen = (in_fragments[0][1].address if in_fragments
              else addresses.most_common(1)[0][0] if addresses else "egress")
    if listen != "egress":
        httpd["listen"] = listen
    default_tls = next((material_of[id(m)] for m, found in in_fragments
                        if found.path == _DEFAULT_FRAGMENT), None)
    if not in_fragments:
        default_tls = used.most_common(1)[0][0] if used else None
    if default_tls is not None:
        httpd["tls"] = default_tls
    wide = adopt_globals(config, httpd, system_types)
    if acme is not None:
        httpd["acme"] = acme
    servers = CommentedSeq()
    for m in merged:
        layout = Layout(listen, default_tls, bool(in_fragments), wide)
        server = adopt_server(m, material_of[id(m)], layout, reader)
        servers.append(server)
        for d in m.blocks if comments else ():
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
    if comments:
        for line, owner in outline.owner.items():
            key = _GLOBAL_KEYS.get(outline.words.get(line, "").split(" ", 1)[0])
            if owner == 0 and key in httpd:
                homes.put(line, httpd, key, 2)
    return HttpdImport(httpd, materials, reader.responders, losses, homes)


def _material(m: Merged, materials: Materials) -> str | None:
    if not any(listen.tls for d in m.blocks for listen in d.block.listens):
        return None
    tls = m.main.block.tls
    certificate = (tls.certificate if tls else None) or DEFAULT_CERTIFICATE
    key = (tls.key if tls else None) or DEFAULT_KEY
    fragment = _FRAGMENT.fullmatch(tls.path) if tls is not None else None
    return materials.name_for(certificate, key, fragment.group(1) if fragment else None)


def _option_homes(homes: Homes, outline: Outline, block: Server, server: CommentedMap) -> None:
    for line in outline.lines_of(block.line):
        words = outline.words.get(line, "").split(" ", 2)
        keys = _STATEMENT_KEYS.get(" ".join(words[:2]) if words[0] == "no" else words[0])
        key = next((k for k in keys if k in server), None) if keys else None
        if key is not None:
            homes.put(line, server, key, KEY_INDENT)


def _location_homes(homes: Homes, server: CommentedMap,
                    locations: tuple[Location, ...]) -> None:
    seq = server.get("locations")
    for index, location in enumerate(locations):
        if seq is not None:
            homes.put(location.line, seq, index, LOCATION_INDENT)
