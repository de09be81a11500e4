"""Every golden case that renders: its httpd.conf is accepted by hostgen's httpd parser with
the keyword table of the case's own release, and means what site.yaml says, key by key
(globals, types, each block's listeners, names, TLS options, server settings and locations)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from casefiles import CASES, site_of

from hostgen.cli import main
from hostgen.live import httpd as live
from hostgen.live.httpd_ast import HttpdConfig, Server
from hostgen.site import layout
from hostgen.site.load import load_site
from hostgen.site.model import Site

RENDERED = [c for c in CASES if (c / "expected" / "etc" / "httpd.conf").exists()]


def _parse(case: Path, release: str) -> HttpdConfig:
    etc = case / "expected" / "etc"

    def read(path: str) -> str:
        if path == layout.SYSTEM_TYPES:
            return layout.SYSTEM_TYPES_STAND_IN
        return (etc / path.removeprefix("/etc/")).read_text()

    return live.parse((etc / "httpd.conf").read_text(), "httpd.conf", read_include=read,
                      version=release)


def _site(case: Path) -> Site:
    return load_site(site_of(case)).site


@pytest.mark.parametrize("case", RENDERED, ids=[c.name for c in RENDERED])
def test_rendered_httpd_conf_means_the_site(case: Path) -> None:
    site = _site(case)
    assert site.httpd is not None
    release = site.host.openbsd
    if release not in live.RELEASES:
        pytest.skip(f"hostgen's httpd parser reads 6.4 onwards; this case targets {release}")
    config = _parse(case, release)
    h = site.httpd
    assert (config.chroot, config.logdir, config.prefork, config.errdocs) == (
        h.chroot, h.logdir, h.prefork, h.errdocs)
    assert (str(config.default_type) if config.default_type else None) == h.default_type
    assert config.no_banner is (h.banner is False)
    own = [(str(e.media), e.names) for e in config.types if e.path == "httpd.conf"]
    assert own == [(t.type, tuple(t.extensions)) for t in (h.types.entries if h.types else [])]
    blocks = layout.blocks(h, release)
    assert len(config.servers) == len(blocks)
    for block, server in zip(blocks, config.servers, strict=True):
        _check_block(site, block, server)


def _check_block(site: Site, block: layout.Block, got: Server) -> None:
    s = block.server
    assert (got.name, got.match) == ((s.match, True) if s.match else (s.name, False))
    assert [(a.name, a.match) for a in got.aliases] == layout.names(s)[1:]
    assert {(x.address, int(x.port), x.tls) for x in got.listens} == {
        (x.address, x.port, x.tls) for x in block.listens}
    if block.tls:
        assert got.tls is not None
        material = site.tls[block.tls]
        assert (got.tls.certificate, got.tls.key) == (material.certificate, material.key)
        _check_tls(layout.tls_options(s), got)
    assert _fields(got.connection) == _model(s.connection)
    assert _fields(got.tcp) == _model(s.tcp)
    assert (got.errdocs, got.banner) == (s.errdocs, s.banner)
    acme = ["/.well-known/acme-challenge/*"] if block.acme else []
    if block.https_redirect:
        assert [loc.pattern for loc in got.locations] == acme
        assert got.options.block is not None and got.options.block.code == 301
        return
    o = got.options
    assert (o.root, o.strip, o.rewrite, o.index, o.auto_index, o.gzip_static) == (
        s.root, s.strip, s.rewrite, s.index, s.auto_index, s.gzip_static)
    assert (str(o.default_type) if o.default_type else None) == s.default_type
    wanted = acme + [loc.match or loc.path for loc in s.locations]
    assert [loc.pattern for loc in got.locations] == wanted
    for location, read in zip(s.locations, got.locations[len(acme):], strict=True):
        r = read.options
        assert (r.root, r.strip, r.rewrite, r.gzip_static, r.auto_index) == (
            location.root, location.strip, location.rewrite, location.gzip_static,
            location.auto_index)
        if location.fastcgi is False:
            assert r.fastcgi.enabled is False
        if location.log is False:
            assert r.log.enabled is False
        if location.authenticate is False:
            assert r.no_authenticate is True


def _check_tls(options: Any, got: Server) -> None:
    assert got.tls is not None
    if options is None:
        return
    t = got.tls
    assert (t.ciphers, t.protocols, t.dhe, t.ecdhe, t.ocsp) == (
        options.ciphers, options.protocols, options.dhe, options.ecdhe, options.ocsp)
    ca = options.client_ca
    assert (t.client_ca, t.crl, bool(t.optional)) == (
        (ca.file, ca.crl, ca.optional) if ca else (None, None, False))
    lifetime = {None: None, False: 0, "default": 7200}.get(options.ticket_lifetime,
                                                           options.ticket_lifetime)
    assert t.ticket_lifetime == lifetime


def _fields(node: Any) -> dict[str, Any]:
    if node is None:
        return {}
    return {k: v for k, v in vars(node).items() if k not in ("path", "line") and v is not None}


def _model(node: Any) -> dict[str, Any]:
    return {} if node is None else node.model_dump(exclude_none=True)


EXPECTING = [c for c in RENDERED if load_site(site_of(c)).site.expect]


@pytest.mark.parametrize("case", EXPECTING, ids=[c.name for c in EXPECTING])
def test_the_expectations_of_a_case_hold(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`hostgen check` simulates each `expect:` URL against the rendered httpd.conf; the
    full-grammar case's ACME URLs fail when the challenge location inherits the server's
    authentication (401) and its patterns show httpd's `match` quirk."""
    assert main(["check", str(site_of(case))]) == 0, capsys.readouterr().out


def test_diff_and_apply_read_the_whole_grammar_in_a_copy_of_etc(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A copy of /etc has no /usr/share/misc/mime.types: `types: {system: true}` still reads
    (httpd's built-in list stands in), and a mixed block's change names its server."""
    case = next(c for c in CASES if c.name == "full-grammar")
    root = tmp_path / "etc"
    shutil.copytree(case / "expected" / "etc", root)
    conf = root / "httpd.conf"
    conf.write_text(conf.read_text().replace('root "/htdocs/intranet"', 'root "/old"'))
    site = str(site_of(case))
    capsys.readouterr()
    assert main(["diff", str(root), "--site", site, "--semantic"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        'server "intranet.example.org": root "/old" -> "/htdocs/intranet"')
    assert main(["apply", str(root), "--site", site]) == 0
    assert conf.read_text() == (case / "expected" / "etc" / "httpd.conf").read_text()
    assert main(["diff", str(root), "--site", site, "--semantic"]) == 0
