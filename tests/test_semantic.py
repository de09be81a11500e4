"""hostgen diff --semantic: differences in meaning, in words; equal meaning is no difference."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hostgen.cli import main
from hostgen.host import semantic

FAKEROOT = Path(__file__).parent / "fakeroot"
SITE_TEXT = (FAKEROOT / "site.yaml").read_text()
SITE = str(FAKEROOT / "site.yaml")
CLEAN = "0 changed, 5 unchanged, 0 missing, 0 changed on the host since the last apply\n"


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """A root rendered from the fake root's site with `old` replaced by `new`: the "live" side."""
    assert old in SITE_TEXT
    site = tmp_path / "variant.yaml"
    site.write_text(SITE_TEXT.replace(old, new))
    assert main(["render", str(site), "--out", str(tmp_path / "live")]) == 0
    return tmp_path / "live" / "etc"


def semantic_diff(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["diff", str(root), "--site", SITE, "--semantic"])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_the_fake_root_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "etc"
    shutil.copytree(FAKEROOT / "etc", root)
    code, out = semantic_diff(capsys, root)
    assert code == 1
    assert out == (FAKEROOT / "semantic.expected").read_text()


def test_a_location_added(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = variant(tmp_path, '        - {match: "^/index/category/([%g]+)$", '
                             'redirect: "/index.php?/category/%1"}\n', "")
    assert semantic_diff(capsys, root) == (1, (
        'server "photos.22decembre.eu": location match "^/index/category/([%g]+)$" added\n'
        "1 changed, 4 unchanged, 0 missing, 0 changed on the host since the last apply\n"))


def test_reordered_locations_always_differ(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bib = '        - {path: /bibliotheque/*, redirect: "https://biblib.22decembre.eu/"}\n'
    drafts = "        - {path: /drafts/*, auto_index: true}\n"
    root = variant(tmp_path, bib + drafts, drafts + bib)
    assert semantic_diff(capsys, root) == (1, (
        'server "www.22decembre.eu": location "/drafts/*" moved from position 1 to 2\n'
        "1 changed, 4 unchanged, 0 missing, 0 changed on the host since the last apply\n"))


def test_reordered_servers_and_reformatting_are_no_difference(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = variant(tmp_path, "x", "x")
    conf = root / "httpd.conf"
    blocks = conf.read_text().split("\n\n")[1:]
    conf.write_text("# servers in another order, spaces for tabs\n" + "\n".join(
        block.replace("\t", "    ").replace('alias "22decembre.eu"', "alias 22decembre.eu")
        for block in reversed(blocks)))
    assert semantic_diff(capsys, root) == (0, CLEAN)
    assert main(["diff", str(root), "--site", SITE]) == 1   # the text does differ


def test_a_change_in_one_block_of_a_server_names_its_listener(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Live, a server as two blocks (ports 80 and 443), rendered as one: compared listener by
    listener, only the edited one differs."""
    root = variant(tmp_path, "x", "x")
    conf = root / "httpd.conf"
    text = conf.read_text()
    # the live file has the two blocks of a release before 7.0; the TLS one was edited
    start = text.index('server "www.22decembre.eu" {')
    end = text.index("\n}\n", start) + 3
    block = text[start:end]
    plain = block.replace('\tinclude "/etc/httpd.tls"\n', "")
    tls = block.replace("\tlisten on egress port 80\n", "").replace('"/pelican"', '"/old"', 1)
    conf.write_text(text[:start] + plain + "\n" + tls + text[end:])
    assert semantic_diff(capsys, root)[1].splitlines()[0] == (
        'server "www.22decembre.eu" (egress:443 tls): root "/old" -> "/pelican"')


def test_spamd_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(SITE_TEXT.replace("pass_minutes: 25", "pass_minutes: 2"))
    root = variant(tmp_path, "x", "x")
    capsys.readouterr()
    assert main(["diff", str(root), "--site", str(site), "--semantic"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == "spamd: -G 25:4:864 -> 2:4:864"


def test_a_missing_spamd_flags_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = variant(tmp_path, "x", "x")
    (root / "rc.conf.local").write_text("pf=YES\n")
    assert semantic_diff(capsys, root)[1].splitlines()[0] == (
        "spamd: spamd_flags (no line) -> -v -G 25:4:864 -C /etc/ssl/mx.22decembre.eu.crt "
        "-K /etc/ssl/private/mx.22decembre.eu.key")


def test_spamd_flags_without_arguments_on_the_host(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A hand-edited line where `-C /etc/ssl/...` lost its blank and path start: getopt reads
    `-decembre.eu.crt` as -d, -e and -c with the argument "embre.eu.crt" (a crash once: a flag
    without an argument had no words to show)."""
    root = variant(tmp_path, "x", "x")
    rc = root / "rc.conf.local"
    rc.write_text(rc.read_text().replace("-C /etc/ssl/mx.22", "-"))
    assert semantic_diff(capsys, root)[1].splitlines()[:4] == [
        "spamd: -C /etc/ssl/mx.22decembre.eu.crt added",
        "spamd: -c embre.eu.crt removed",
        "spamd: -d removed",
        "spamd: -e removed",
    ]


def test_nameservers_added_removed_and_moved(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root = variant(tmp_path, 'nameservers: ["::1"]\n  fallback: ["9.9.9.9"]',
                   'nameservers: ["9.9.9.9"]\n  fallback: ["::1", "192.0.2.53"]')
    assert semantic_diff(capsys, root)[1].splitlines() == [
        "resolv.conf: nameserver 192.0.2.53 removed",
        "resolv.conf: nameserver 9.9.9.9 moved from position 1 to 2",
        "1 changed, 4 unchanged, 0 missing, 0 changed on the host since the last apply"]


def test_dkimproxy_and_tls_fragment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = variant(tmp_path, "selector: blackblock", "selector: old")
    tls = root / "httpd.tls"
    tls.write_text(tls.read_text().replace("22decembre.eu.crt", "old.crt"))
    assert semantic_diff(capsys, root)[1].splitlines()[:2] == [
        "dkimproxy_out.conf: selector old -> blackblock",
        'httpd.tls: tls certificate "/etc/ssl/old.crt" -> "/etc/ssl/22decembre.eu.crt"']


def test_a_live_file_httpd_cannot_read_is_a_positioned_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = variant(tmp_path, "x", "x")
    (root / "httpd.conf").write_text('server "x" {\n\tlisten on egress port 80\n\tlokation\n}\n')
    capsys.readouterr()
    assert main(["diff", str(root), "--site", SITE, "--semantic"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"hostgen: {root}/httpd.conf:3: syntax error\n")


def test_missing_live_file_is_a_new_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = variant(tmp_path, "x", "x")
    (root / "dkimproxy_out.conf").unlink()
    assert semantic_diff(capsys, root) == (1, (
        "dkimproxy_out.conf: new file\n"
        "0 changed, 4 unchanged, 1 missing, 0 changed on the host since the last apply\n"))


@pytest.mark.parametrize("value, flags", [
    (None, None),
    ("NO", "NO"),
    ("", {}),
    ("-v -G 25:4:864", {"-v": True, "-G": "25:4:864"}),
    ("-vG25:4:864", {"-v": True, "-G": "25:4:864"}),
    ("-G 25:4:864 -v", {"-v": True, "-G": "25:4:864"}),
    ('-n "Sendmail 8.14.9" -h mx.example.org', {"-n": "Sendmail 8.14.9", "-h": "mx.example.org"}),
    ("-Y a -Y b:2", {"-Y": ["a", "b:2"]}),
    ("-v -- extra", {"-v": True, "operands": "extra"}),
])
def test_spamd_flags_as_getopt_reads_them(value: str | None, flags: object) -> None:
    assert semantic.spamd_flags(value) == flags


def test_equal_structures_have_no_changes() -> None:
    assert semantic.changes("rc.conf.local", {"-v": True}, {"-v": True}) == []


def test_the_story_host_imported_back_means_the_same(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """render, then import the rendered files: the importer leaves httpd's defaults out
    (`directory index "index.html"`, `hsts max-age 31536000`), so the text differs, but the
    semantic diff finds no difference of meaning."""
    out = tmp_path / "out"
    assert main(["render", str(Path(__file__).parent.parent / "site.yaml"), "--out",
                 str(out)]) == 0
    etc = out / "etc"
    (etc / "myname").write_text("blackblock.22decembre.eu\n")
    site = tmp_path / "site.yaml"
    assert main(["import", str(etc), "--out", str(site)]) == 0
    capsys.readouterr()
    assert main(["diff", str(etc), "--site", str(site)]) == 1   # the text differs
    assert main(["diff", str(etc), "--site", str(site), "--semantic"]) == 0
    assert capsys.readouterr().out.endswith(CLEAN)
