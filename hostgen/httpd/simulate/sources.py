"""Where a simulated configuration comes from, and how to point back into it.

From site.yaml: the site is rendered and the rendered httpd.conf parsed like a live one (so the
simulator judges exactly what would be deployed); each server block is then mapped back to its
site.yaml server through hostgen.site.layout.blocks (same order), and each location to the
site.yaml location of the same rank. The ACME location that hostgen puts first in a port-80
block comes from `httpd.acme`; the whole-server 301 of an `http: redirect` block from `http:`.
From an httpd.conf: positions are the file and line of the statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hostgen.errors import HostgenError
from hostgen.httpd.simulate.conf import Conf
from hostgen.httpd.simulate.table import Entry, Table, build_table
from hostgen.live.httpd import parse
from hostgen.live.httpd_ast import HttpdConfig
from hostgen.live.records import record
from hostgen.render.outputs import render
from hostgen.site.layout import SYSTEM_TYPES, SYSTEM_TYPES_STAND_IN, Block, blocks
from hostgen.site.load import LoadedSite
from hostgen.site.model import Site
from hostgen.site.problems import Loc
from hostgen.site.versions import requirement


@record(eq=False, repr=False)
class ConfigSource:
    """A configuration read from an httpd.conf file."""

    table: Table

    def loc(self, entry: Entry, conf: Conf) -> Loc | None:
        return None

    def where(self, entry: Entry, conf: Conf) -> str:
        node = conf.location if conf.location is not None else entry.server
        return f"{node.path}:{node.line}"

    def where_server(self, entry: Entry) -> str:
        return f"{entry.server.path}:{entry.server.line}"


@record(eq=False, repr=False)
class SiteSource:
    """A configuration rendered from site.yaml, mapped back to it."""

    table: Table
    loaded: LoadedSite
    blocks: list[Block]

    def loc(self, entry: Entry, conf: Conf) -> Loc | None:
        """The path in site.yaml's data of what `conf` came from (None if unmapped)."""
        if entry.block >= len(self.blocks):
            return None
        block = self.blocks[entry.block]
        server: Loc = ("httpd", "servers", block.index)
        acme = 1 if block.acme else 0
        if conf.location is None:
            return (*server, "http") if block.https_redirect else server
        if conf.number < acme:
            return ("httpd", "acme")
        return (*server, "locations", conf.number - acme)

    def where(self, entry: Entry, conf: Conf) -> str:
        loc = self.loc(entry, conf)
        if loc is None:
            node = conf.location if conf.location is not None else entry.server
            return f"rendered httpd.conf:{node.line}"
        return self._mark(loc)

    def where_server(self, entry: Entry) -> str:
        """Where the server itself is written (not its `http: redirect`)."""
        if entry.block >= len(self.blocks):
            return f"rendered httpd.conf:{entry.server.line}"
        return self._mark(("httpd", "servers", self.blocks[entry.block].index))

    def _mark(self, loc: Loc) -> str:
        file, mark = self.loaded.positions.where(loc)   # an included file's, or the site's
        return f"{file or self.loaded.filename}:{mark.line}:{mark.col}"


Source = ConfigSource | SiteSource


def rendered_config(site: Site) -> HttpdConfig:
    """The site's httpd.conf as rendered, parsed (includes read from the rendered fragments)."""
    if site.httpd is None:
        raise HostgenError("the site has no httpd section: nothing to route")
    outputs = render(site)

    def read_include(name: str) -> str:
        output = outputs.get(name.removeprefix("/etc/"))
        if output is not None:
            return output.text
        if name == SYSTEM_TYPES:
            return SYSTEM_TYPES_STAND_IN
        raise OSError(f"{name} is not rendered")

    text = outputs["httpd.conf"].text
    if requirement("request_strip", site.host.openbsd) is not None:
        # Before 6.4 hostgen writes `root strip N`, which 6.4 renamed `request strip N` with
        # the same meaning (httpd-conf.md 2.4.3, 5.3); the parser reads 6.4 onwards.
        text = _ROOT_STRIP.sub(r"\1request strip ", text)
    return parse(text, "httpd.conf", read_include=read_include)


_ROOT_STRIP = re.compile(r"^(\t+)root strip (?=[0-9]+$)", re.MULTILINE)


_CACHE: list[tuple[Site, Table]] = []


def site_table(site: Site) -> Table:
    """The table of the site's rendered configuration. `hostgen check` asks for it twice
    (lints, then expectations) and parsing a large rendered httpd.conf takes seconds, so the
    last one is kept (with the site itself, so that its identity stays unique)."""
    if _CACHE and _CACHE[0][0] is site:
        return _CACHE[0][1]
    table = build_table(rendered_config(site))
    _CACHE[:] = [(site, table)]
    return table


def from_site(loaded: LoadedSite) -> SiteSource:
    table = site_table(loaded.site)
    assert loaded.site.httpd is not None
    mapped = blocks(loaded.site.httpd, loaded.site.host.openbsd)
    if len(mapped) != len(table.config.servers):
        mapped = []  # the template does not write one block per layout block: lines only
    return SiteSource(table, loaded, mapped)


def from_config(path: Path) -> ConfigSource:
    """A live httpd.conf; `include` files are read as written, or else from the folder of the
    configuration (a copy of /etc on a workstation)."""
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise HostgenError(f"cannot read {path}: {exc.strerror}") from None
    return ConfigSource(build_table(parse(text, str(path), read_include=_reader(path))))


def _reader(config: Path) -> Callable[[str], str]:
    def read_include(name: str) -> str:
        for candidate in (Path(name), config.parent / Path(name).name):
            try:
                return candidate.read_text(encoding="utf-8", errors="surrogateescape")
            except OSError:
                continue
        raise OSError(name)

    return read_include
