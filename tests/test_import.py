"""hostgen import: the golden cases of tests/import, their round trip, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from importcases import CASES, roundtrip, run_import

from hostgen.cli import main

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


def test_exact_cases_are_exact() -> None:
    exact = {c.name for c in CASES if (c / "expected" / "exit").read_text() == "0\n"}
    assert {"story", "acme-redirect", "shared-tls", "match-redirects"} <= exact


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
    assert "openbsd: '7.1'" in out.read_text()


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
    assert out.read_text() == "host:\n  name: h.example.org\n  openbsd: '7.9'\n"
