"""render --out: outputs the site no longer produces are removed, one line each; files hostgen
never wrote are never touched (DIR/.hostgen-rendered lists what it wrote)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hostgen.cli import main

CASE = Path(__file__).resolve().parent / "cases" / "full-httpd" / "site.yaml"


def render(capsys: pytest.CaptureFixture[str], site: Path, out: Path) -> list[str]:
    assert main(["render", str(site), "--out", str(out)]) == 0
    return capsys.readouterr().out.splitlines()


def test_an_output_the_site_no_longer_produces_is_removed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rendered"
    render(capsys, CASE, out)
    assert (out / "etc" / "httpd.other.tls").is_file()
    assert (out / ".hostgen-rendered").read_text().splitlines()[1:] == [
        "etc/httpd.conf", "etc/httpd.other.tls", "etc/httpd.tls", "etc/rc.conf.local",
        "etc/resolv.conf"]
    mine = {out / "etc" / "notes.txt": "by hand\n", out / "etc" / "httpd.mine.tls": "mine\n",
            out / "README": "mine too\n"}
    for path, text in mine.items():
        path.write_text(text)
    site = tmp_path / "site.yaml"   # the server that used material "other" now uses the default
    site.write_text(CASE.read_text().replace("      tls: other\n", ""))
    lines = render(capsys, site, out)
    assert lines == [f"wrote {out}/etc/{name}" for name in
                     ("httpd.conf", "httpd.tls", "rc.conf.local", "resolv.conf")] + \
        [f"removed {out}/etc/httpd.other.tls"]
    assert not (out / "etc" / "httpd.other.tls").exists()
    assert {path: path.read_text() for path in mine} == mine
    assert "removed" not in "".join(render(capsys, site, out))   # nothing stale the second time


def test_an_output_in_a_subfolder_is_removed_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = Path(__file__).resolve().parent.parent / "site.yaml"
    out = tmp_path / "rendered"
    render(capsys, story, out)
    assert (out / "etc" / "mail" / "smtpd.conf").is_file()
    site = tmp_path / "site.yaml"   # the host stops describing its MTA
    text = story.read_text()
    site.write_text(text[:text.index("\nmta:")] + "\n" + text[text.index("\nexpect:"):])
    lines = render(capsys, site, out)
    assert f"removed {out}/etc/mail/smtpd.conf" in lines
    assert not (out / "etc" / "mail" / "smtpd.conf").exists()


@pytest.mark.parametrize("entry", ["../victim", "/victim", "etc/../../victim", "etc/.hidden",
                                   "victim", "etc/sub/victim"])
def test_a_manifest_entry_that_is_not_an_output_name_is_never_followed(
        entry: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    (out / "etc" / "sub").mkdir(parents=True)
    victims = [tmp_path / "victim", out / "victim", out / "etc" / ".hidden",
               out / "etc" / "sub" / "victim"]
    for victim in victims:
        victim.write_text("keep\n")
    absolute = str(tmp_path / "victim")
    (out / ".hostgen-rendered").write_text((absolute if entry == "/victim" else entry) + "\n")
    render(capsys, CASE, out)
    assert all(victim.read_text() == "keep\n" for victim in victims)


def test_a_file_replaced_by_a_symlink_or_a_folder_is_left_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    render(capsys, CASE, out)
    target = tmp_path / "elsewhere"
    target.write_text("keep\n")
    (out / "etc" / "httpd.other.tls").unlink()
    (out / "etc" / "httpd.other.tls").symlink_to(target)
    site = tmp_path / "site.yaml"
    site.write_text(CASE.read_text().replace("      tls: other\n", ""))
    assert not [line for line in render(capsys, site, out) if line.startswith("removed")]
    assert target.read_text() == "keep\n"


def test_the_default_out_folder_is_not_where_pip_builds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site.yaml").write_text(CASE.read_text())
    assert render(capsys, Path("site.yaml"), Path("rendered"))[0] == "wrote rendered/etc/httpd.conf"
    assert main(["render", "site.yaml"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "wrote rendered/etc/httpd.conf"
    assert not (tmp_path / "build").exists()
