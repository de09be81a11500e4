"""hostgen import: the golden cases of tests/import, their round trip, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from casefiles import CASES as GOLDEN
from casefiles import site_of
from importcases import CASES, roundtrip, run_import

from hostgen.cli import main
from hostgen.site.load import load_site

CASES_WITH_FILES = [case for case in GOLDEN if (case / "expected" / "etc" / "httpd.conf").exists()]

HERE = Path(__file__).resolve().parent


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_import_case(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "site.yaml"
    code, stdout, stderr = run_import(case, out)
    expected = case / "expected"
    assert stderr == (expected / "stderr").read_text()
    assert code == int((expected / "exit").read_text())
    assert stdout == (expected / "stdout").read_text()
    assert out.read_text() == (expected / "site.yaml").read_text()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_round_trip_means_the_same(case: Path, tmp_path: Path) -> None:
    """render(import(root)), read back, means what root meant; the only differences are the
    ones the warnings announced (listed in expected/roundtrip, empty for an exact import)."""
    out = tmp_path / "site.yaml"
    code, _, stderr = run_import(case, out)
    found = roundtrip(case / "etc", out)
    assert found == (case / "expected" / "roundtrip").read_text().splitlines()
    if code == 0:
        assert found == [] and stderr == ""


def test_every_case_is_exact_but_a_macro_in_a_word_and_the_older_layout() -> None:
    lossy = {c.name for c in CASES if (c / "expected" / "exit").read_text() != "0\n"}
    assert lossy == {"macro-addresses", "story-two-blocks"}


def test_the_story_host_imports_idiomatically(tmp_path: Path) -> None:
    """One TLS material for the websites, http: redirect on blackblock, redirects as
    redirect: entries (DESIGN.md's site.yaml)."""
    from ruamel.yaml import YAML

    for name in ("story", "story-handwritten"):
        out = tmp_path / f"{name}.yaml"
        run_import(HERE / "import" / name, out)
        site = YAML(typ="safe").load(out.read_text())
        web = [n for n, m in site["tls"].items() if "/22decembre.eu." in m["certificate"]]
        assert len(web) == 1 and site["httpd"]["tls"] == web[0]
        servers = {s["name"]: s for s in site["httpd"]["servers"]}
        assert servers["blackblock.22decembre.eu"]["http"] == "redirect"
        www = servers["www.22decembre.eu"]["locations"]
        assert www[0] == {"path": "/bibliotheque/*", "redirect": "https://biblib.22decembre.eu/"}
        assert site["spamd"]["tls"] in site["tls"]


def copy_case(name: str, tmp_path: Path) -> Path:
    root = tmp_path / "etc"
    shutil.copytree(HERE / "import" / name / "etc", root)
    return root


def test_syntax_error_is_httpds_message_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_case("story", tmp_path)
    text = (root / "httpd.conf").read_text().replace('root "/piwik"', 'root "/piwik" {')
    (root / "httpd.conf").write_text(text)
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 2
    line = text.splitlines().index('\troot "/piwik" {') + 1
    assert capsys.readouterr().err == f"hostgen: {root}/httpd.conf:{line}: syntax error\n"
    assert not out.exists()


def test_error_in_an_include_is_placed_in_the_include(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_case("story", tmp_path)
    (root / "httpd.tls").write_text("listen on egress tls port 443\ntls certificat \"x\"\n")
    assert main(["import", str(root), "--out", str(tmp_path / "site.yaml")]) == 2
    assert capsys.readouterr().err == "hostgen: /etc/httpd.tls:2: syntax error\n"


def test_missing_include_is_httpds_message(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_case("story", tmp_path)
    (root / "httpd.tls").unlink()
    assert main(["import", str(root), "--out", str(tmp_path / "site.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hostgen: {root}/httpd.conf:") and \
        err.endswith(": failed to include file /etc/httpd.tls\n")


def test_syntax_the_release_lacks_names_the_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "etc"
    root.mkdir()
    (root / "httpd.conf").write_text('server "a" {\n\tlisten on * port 80\n\tgzip-static\n}\n')
    (root / "motd").write_text("OpenBSD 6.9 (GENERIC.MP) #473: Mon Apr 19 10:40:28 MDT 2021\n")
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"hostgen: {root}/httpd.conf:3: syntax error (OpenBSD 6.9's httpd does not know this "
        "syntax)\n")
    assert not out.exists()
    assert main(["import", str(root), "--out", str(out), "--release", "7.1"]) == 1
    assert 'openbsd: "7.1"' in out.read_text()


@pytest.mark.parametrize(("motd", "release"), [
    ("OpenBSD 7.6 (GENERIC.MP) #338: Mon Sep 30 08:55:35 MDT 2024\n", "7.6"),
    ("OpenBSD 7.5-current (GENERIC.MP) #12: Fri Aug  2 10:00:00 MDT 2024\n", "7.6"),
    ("Welcome!\n", "7.9"),
])
def test_release_from_motd(motd: str, release: str, tmp_path: Path) -> None:
    from hostgen.adopt.release import target_release

    (tmp_path / "motd").write_text(motd)
    assert target_release(tmp_path, None)[0] == release


def test_existing_site_is_never_overwritten_without_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site.yaml"
    out.write_text("mine\n")
    case = HERE / "import" / "story" / "etc"
    assert main(["import", str(case), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"hostgen: {out} exists; nothing written (use --force "
                                       "to replace it)\n")
    assert out.read_text() == "mine\n"
    assert main(["import", str(case), "--out", str(out), "--force"]) == 0
    assert out.read_text() == (HERE / "import" / "story" / "expected" / "site.yaml").read_text()


def test_missing_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope"), "--out", str(tmp_path / "s.yaml")]) == 2
    assert capsys.readouterr().err == f"hostgen: {tmp_path / 'nope'}: no such directory\n"


def test_unknown_release(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = HERE / "import" / "story" / "etc"
    assert main(["import", str(case), "--out", str(tmp_path / "s.yaml"), "--release",
                 "7.10"]) == 2
    assert "--release 7.10: unknown OpenBSD release" in capsys.readouterr().err


def test_comments_are_carried_beside_what_they_described(tmp_path: Path) -> None:
    text = (HERE / "import" / "story-handwritten" / "expected" / "site.yaml").read_text()
    assert "    # the blog (Pelican)\n    - name: www.22decembre.eu\n" in text
    assert "        # the library moved to its own name\n" \
           '        - {path: "/bibliotheque/*"' in text
    assert "  # specify what address/port DKIMproxy should listen on\n  listen: " in text
    assert "resolvd" not in text


def test_an_empty_root_writes_only_the_host(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "etc"
    root.mkdir()
    (root / "myname").write_text("h.example.org\n")
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 0
    assert out.read_text() == 'host:\n  name: h.example.org\n  openbsd: "7.9"\n'


def write_root(tmp_path: Path, httpd_conf: str, **files: str) -> Path:
    root = tmp_path / "etc"
    root.mkdir()
    (root / "myname").write_text("h.example.org\n")
    (root / "httpd.conf").write_text(httpd_conf)
    for name, text in files.items():
        (root / name.replace("_", ".")).write_text(text)
    return root


def test_a_fragment_comment_goes_to_its_material_and_a_stray_one_is_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_root(
        tmp_path,
        'server "a.example.org" {\n\tinclude "/etc/httpd.tls"\n}\n# the end\n',
        httpd_tls='# renewed by acme-client\nlisten on egress tls port 443\n'
                  'tls certificate "/etc/ssl/a.crt"\ntls key "/etc/ssl/private/a.key"\n')
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"{root}/httpd.conf:4: warning: a comment with nothing after it to describe is not "
        "carried over\n")
    assert "tls:\n  # renewed by acme-client\n  a:\n" in out.read_text()


def test_servers_keep_the_order_of_every_listener(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """httpd takes the first entry of a listener whose name matches (glob names overlap): the
    servers are written in an order that keeps every listener's order, file order otherwise."""
    blocks = [("b", "80", ""), ("c", "443", " tls"), ("b", "443", " tls")]
    root = write_root(tmp_path, "".join(
        f'server "{n}.example.org" {{\n\tlisten on egress{t} port {p}\n\troot "/{n}"\n}}\n'
        for n, p, t in blocks))
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 0
    text = out.read_text()
    assert [line.split()[-1] for line in text.splitlines() if "name:" in line][1:] == [
        "c.example.org", "b.example.org"]
    assert roundtrip(root, out) == []


def test_when_no_order_keeps_every_listener_the_import_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocks = [("a", "80", ""), ("b", "80", ""), ("b", "443", " tls"), ("a", "443", " tls")]
    root = write_root(tmp_path, "".join(
        f'server "{n}.example.org" {{\n\tlisten on egress{t} port {p}\n\troot "/{n}"\n}}\n'
        for n, p, t in blocks))
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"{root}/httpd.conf:9: warning: the servers on egress tls port 443 come in another "
        "order: no order of site.yaml's servers (each writes its blocks together) keeps the "
        "order of every listener, and httpd takes the first name that matches\n")
    assert roundtrip(root, out) == [
        "httpd.conf: ['listeners']['egress:443 tls'][0]['name']: 'b.example.org' -> "
        "'a.example.org'",
        "httpd.conf: ['listeners']['egress:443 tls'][0]['options']['root']: '/b' -> '/a'",
        "httpd.conf: ['listeners']['egress:443 tls'][1]['name']: 'a.example.org' -> "
        "'b.example.org'",
        "httpd.conf: ['listeners']['egress:443 tls'][1]['options']['root']: '/a' -> '/b'",
    ]


def test_an_import_that_breaks_a_rule_says_what_check_will_say(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """resolv.conf naming only the local resolver: carried over, and hostgen check refuses it
    (the bsd.rd upgrade with no DNS)."""
    root = write_root(tmp_path, 'server "a" {\n\tlisten on * port 80\n}\n',
                      resolv_conf="nameserver ::1\n")
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 1
    assert capsys.readouterr().err.startswith(
        f"{root}/resolv.conf:1: warning: hostgen check: every nameserver is this host's own "
        "resolver")
    assert 'nameservers: ["::1"]' in out.read_text()


BACKSLASHES = """\
server "a.example.org" {
\tlisten on * port 80
\talias "b\\\\x.example.org"
\talias "c.example.org"
\troot "/htdocs/a"
\tlocation "/old/*" {
\t\tblock return 301 "/new\\\\path"
\t}
\tlocation "/keep/*" {
\t\troot "/htdocs/keep"
\t}
\tlocation "/odd\\\\*" {
\t\troot "/htdocs/odd"
\t}
}
"""


def test_a_value_no_quoting_carries_is_left_out_at_its_live_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """httpd reads a backslash inside quotes; site.yaml cannot carry it to httpd.conf safely.
    The alias is left out, and each location holding one goes whole (a location without its
    redirect would answer differently); the written site validates."""
    root = write_root(tmp_path, BACKSLASHES)
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 1
    unsafe = "a backslash cannot be written safely in httpd.conf (httpd-conf.md 1.9)"
    assert capsys.readouterr().err == (
        f"{root}/httpd.conf:3: warning: alias left out: {unsafe}\n"
        f"{root}/httpd.conf:6: warning: location left out (its redirect): {unsafe}\n"
        f"{root}/httpd.conf:12: warning: location left out: {unsafe}\n")
    assert out.read_text() == (
        "host:\n  name: h.example.org\n  openbsd: \"7.9\"\nhttpd:\n  listen: \"*\"\n"
        "  servers:\n    - name: a.example.org\n      aliases: [c.example.org]\n"
        "      root: /htdocs/a\n      locations:\n"
        "        - {path: \"/keep/*\", root: /htdocs/keep}\n")
    assert main(["check", str(out)]) == 0


def test_spamd_flags_site_yaml_cannot_say_are_warnings(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = write_root(tmp_path, 'server "a" {\n\tlisten on * port 80\n}\n',
                      rc_conf_local="httpd_flags=\nspamd_flags=-v -b -C /etc/ssl/a.crt\n")
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"{root}/rc.conf.local:2: warning: spamd -C and -K come together in site.yaml "
        "(spamd.tls); the one given alone is left out\n"
        f"{root}/rc.conf.local:2: warning: spamd -b has no site.yaml key; left out\n")
    assert "spamd:\n  verbose: true\n" in out.read_text()


def test_a_comment_yaml_cannot_hold_is_a_warning_not_a_broken_site(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A control character in a comment (a NUL from a damaged file): httpd skips comments, but
    a YAML comment cannot hold it, and site.yaml would not load again."""
    root = write_root(tmp_path,
                      '# web\x00site\nserver "a" {\n\tlisten on * port 80 # main\x7f\n}\n')
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 1
    lost = ("warning: comment not carried over: it holds a control character or a byte that is "
            "not UTF-8, which a YAML comment cannot\n")
    assert capsys.readouterr().err == f"{root}/httpd.conf:1: {lost}{root}/httpd.conf:3: {lost}"
    assert main(["check", str(out)]) == 0


def test_a_dkimproxy_key_that_only_ends_in_signature_is_not_a_signature(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`rootsignature` (a damaged line) is an unknown key, not the signature line (a crash once:
    the two lists of signatures disagreed)."""
    root = write_root(tmp_path, 'server "a" {\n\tlisten on * port 80\n}\n')
    (root / "dkimproxy_out.conf").write_text(
        "listen 127.0.0.1:10027\nrelay 127.0.0.1:10028\ndomain example.org\n"
        "keyfile /etc/dkimproxy/private.key\nselector s1\n"
        "rootsignature dkim(a=rsa-sha256,c=relaxed/relaxed)\n")
    out = tmp_path / "site.yaml"
    assert main(["import", str(root), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"{root}/dkimproxy_out.conf:6: warning: rootsignature has no site.yaml key; left out\n")
    assert main(["check", str(out)]) == 0


ROUND_TRIP = [case for case in CASES_WITH_FILES if case.name != "release-6.3-strip"]


@pytest.mark.parametrize("case", ROUND_TRIP, ids=[case.name for case in ROUND_TRIP])
def test_a_rendered_case_imported_back_means_the_same(
        case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """import(render(site)) renders files whose meaning is the rendered ones': the semantic
    diff of the golden case's expected files against the imported site finds nothing, though
    the importer leaves out what httpd does by default. (6.3 is refused: the live parser
    reads 6.4 onwards.)"""
    etc = tmp_path / "etc"
    shutil.copytree(case / "expected" / "etc", etc)
    (etc / "myname").write_text("h.example.org\n")
    release = load_site(site_of(case)).site.host.openbsd
    site = tmp_path / "site.yaml"
    assert main(["import", str(etc), "--out", str(site), "--release", release]) in (0, 1)
    capsys.readouterr()
    assert main(["diff", str(etc), "--site", str(site), "--semantic"]) == 0, \
        capsys.readouterr().out
