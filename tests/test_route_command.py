"""`hostgen route`: called as the CLI is, exit codes and output asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hostgen.cli import main

SITE = str(Path(__file__).resolve().parent.parent / "site.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["route", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_photos_capture_redirect(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "https://photos.22decembre.eu/index/category/42", "--site", SITE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "request   https://photos.22decembre.eu/index/category/42"
    assert lines[1] == ("          GET /index/category/42, Host: photos.22decembre.eu, "
                        "port 443, TLS")
    assert lines[2].startswith('server    "photos.22decembre.eu" on egress tls port 443  (')
    assert 'location  match "^/index/category/([%g]+)$"  (' in out
    assert "captures  %0=/index/category/42 %1=42" in lines
    assert lines[-1] == "outcome   301 -> /index.php?/category/42"


def test_positions_are_site_yaml_lines(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "https://photos.22decembre.eu/index/category/42", "--site", SITE)
    location = next(line for line in out.splitlines() if line.startswith("location"))
    where = location.rsplit("(", 1)[1].rstrip(")")
    path, line, column = where.rsplit(":", 2)
    assert path == SITE and int(column) > 0
    assert "^/index/category/" in Path(SITE).read_text().splitlines()[int(line) - 1]


def test_blackblock_https_redirect(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "http://blackblock.22decembre.eu/a?b=c", "--site", SITE)
    assert code == 0
    assert out.splitlines()[-1] == "outcome   301 -> https://blackblock.22decembre.eu/a?b=c"
    assert "location  none matches: the server's own settings" in out


def test_found_test_without_root_shows_both(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "/books/42", "--host", "biblib.22decembre.eu", "--port", "443",
                    "--site", SITE)
    assert "if /var/www/biblib/htdocs/books/42 does not exist:" in out
    assert "if /var/www/biblib/htdocs/books/42 exists:" in out
    assert "  rewrite   /index.php" in out


def test_root_folder_decides(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "biblib/htdocs/books").mkdir(parents=True)
    (tmp_path / "biblib/htdocs/books/42").write_text("x")
    _, out, _ = run(capsys, "https://biblib.22decembre.eu/books/42", "--site", SITE,
                    "--root", str(tmp_path))
    assert "if " not in out
    assert out.splitlines()[-1] == "outcome   file /var/www/biblib/htdocs/books/42"


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "https://dansk.22decembre.eu/ord/hygge", "--site", SITE,
                       "--json")
    assert code == 0
    data = json.loads(out)
    (answer,) = data["answers"]
    assert answer["outcome"]["status"] == 302
    assert answer["outcome"]["location"] == "/ordbog/hygge.html"
    assert answer["server"]["name"] == "dansk.22decembre.eu"
    assert answer["steps"][0]["location"] == 'match "^/ord/(%a+)$"'
    assert answer["captures"] == ["/ord/hygge", "hygge"]


def test_live_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "httpd.tls").write_text('listen on 192.0.2.1 tls port 443\n')
    config = tmp_path / "httpd.conf"
    config.write_text('server "a.example" {\n\tinclude "/etc/httpd.tls"\n'
                      '\tlocation "/old/*" {\n\t\tblock return 308 "/new/"\n\t}\n}\n')
    code, out, _ = run(capsys, "https://a.example/old/x", "--config", str(config))
    assert code == 0
    assert f'location  "/old/*"  ({config}:3)' in out
    assert out.splitlines()[-1] == "outcome   308 -> /new/"


def test_hostile_output_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "https://www.22decembre.eu/%1b[2J%ff", "--site", SITE)
    assert code == 0
    assert "\x1b" not in out
    assert "outcome   file /var/www/pelican/\\x1b[2J\\xff" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["ftp://x/"], 'unsupported scheme "ftp"'),
    (["/x"], "--host"),
    (["http://x/", "--address", "egress"], "--address needs an IP address"),
    (["http://x/", "--config", "/nonexistent/httpd.conf"], "cannot read"),
])
def test_invalid_input_exits_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                               message: str) -> None:
    code, _, err = run(capsys, *argv, *([] if "--config" in argv else ["--site", SITE]))
    assert code == 2
    assert message in err


def test_broken_config_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "httpd.conf"
    config.write_text('server "a" {\n\troot "/x"\n}\n')
    code, _, err = run(capsys, "http://a/", "--config", str(config))
    assert code == 2
    assert "listen address not specified" in err
