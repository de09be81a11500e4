"""Static files, directories, index files, found/not found and FastCGI against a real folder
standing for the chroot (httpd-conf.md 3.4, 3.5, 3.9, 3.10)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hostgen.httpd.simulate import Answer, Disk, Table, build_table, request_from_url, simulate
from hostgen.live.httpd import parse

CONFIG = """\
server "site" {
	listen on egress port 80
	root "/htdocs"
	location "/noindex/*" {
		directory no index
	}
	location "/listing/*" {
		directory auto index
	}
	location "/php/*" {
		directory index "index.php"
	}
	location "*.php" {
		fastcgi socket "/run/php.sock"
	}
	location "/cgi/*" {
		fastcgi socket "/run/php.sock"
	}
	location "/idx/*" {
		directory index "index.php"
	}
	location "/deep/*" {
		root "/other"
		request strip 1
	}
	location not found "/app/*" {
		request rewrite "/app/index.php"
	}
	location found "/here/*" {
		block return 410
	}
	location "/todir/*" {
		request rewrite "/dir"
	}
	location "/strange/*" {
		block return 301 "$DOCUMENT_URI/"
	}
}
server "stripped" {
	listen on egress port 8080
	root "/htdocs"
	request strip 1
	location "*.php" {
		fastcgi {
			socket "/run/php.sock"
			strip 1
		}
		root "/htdocs/php"
		request strip 1
	}
}
"""


@pytest.fixture(scope="module")
def table() -> Table:
    return build_table(parse(CONFIG, "httpd.conf"))


@pytest.fixture()
def chroot(tmp_path: Path) -> Path:
    for folder in ("htdocs/dir", "htdocs/listing/sub", "htdocs/noindex", "htdocs/php",
                   "htdocs/app", "htdocs/here", "htdocs/php/tools", "htdocs/tools",
                   "htdocs/idx", "htdocs/cgi", "other/x"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    for file in ("htdocs/index.html", "htdocs/dir/index.html", "htdocs/php/index.php",
                 "htdocs/app/real.css", "htdocs/here/there", "other/x/y.txt",
                 "htdocs/php/tools/run.php", "htdocs/cgi/run.php", "htdocs/app/index.php",
                 "htdocs/secret"):
        (tmp_path / file).write_text("x")
    (tmp_path / "htdocs/secret").chmod(0)
    os.symlink("/dev/null", tmp_path / "htdocs/device")
    return tmp_path


def route(table: Table, chroot: Path, url: str, **options: object) -> Answer:
    answers = simulate(table, request_from_url(url, **options), Disk(chroot))  # type: ignore[arg-type]
    assert len(answers) == 1
    return answers[0]


@pytest.mark.parametrize(("path", "summary"), [
    ("/", "file /var/www/htdocs/index.html"),
    ("/dir/", "file /var/www/htdocs/dir/index.html"),
    ("/dir", "301 -> /dir/"),                                   # slash added, query dropped
    ("/missing", "404 (/var/www/htdocs/missing does not exist)"),
    ("/index.html/x", "404 (/var/www/htdocs/index.html/x does not exist)"),   # ENOTDIR
    ("/noindex/", "403 (/var/www/htdocs/noindex/ is a directory and `no index` is in effect)"),
    ("/listing/sub/", "auto index of /var/www/htdocs/listing/sub/"),
    ("/listing/sub", "301 -> /listing/sub/"),
    # "/php/index.php" is looked up again and "/php/*" comes before "*.php": served as a file
    ("/php/", "file /var/www/htdocs/php/index.php"),
    ("/php/tools/", "403 (/var/www/htdocs/php/tools/index.php does not exist and auto index "
                    "is off)"),
    ("/deep/x/y.txt", "file /var/www/other/x/y.txt"),
    ("/app/real.css", "file /var/www/htdocs/app/real.css"),
    ("/app/virtual/route", "fastcgi /var/www/run/php.sock SCRIPT_NAME=/app/index.php "
                           "QUERY_STRING=q=1"),
    ("/here/there", "410 (Gone)"),
    ("/here/not-there", "404 (/var/www/htdocs/here/not-there does not exist)"),
    ("/todir/x", "500 (the rewritten path /var/www/htdocs/dir is a directory)"),
])
def test_static_outcomes(table: Table, chroot: Path, path: str, summary: str) -> None:
    assert route(table, chroot, f"http://site{path}?q=1").outcome.summary() == summary


def test_unreadable_and_special_files(table: Table, chroot: Path) -> None:
    if os.geteuid() != 0:  # root reads everything
        secret = route(table, chroot, "http://site/secret").outcome
        assert secret.summary() == "403 (/var/www/htdocs/secret is not readable)"
    device = route(table, chroot, "http://site/device").outcome
    assert device.summary() == "403 (/var/www/htdocs/device is not a regular file)"


def test_an_index_lookup_can_change_location(table: Table, chroot: Path) -> None:
    answer = route(table, chroot, "http://site/idx/")
    assert [(step, conf.label) for step, conf in answer.chain] == [
        ("lookup", 'location "/idx/*"'), ("index", 'location "*.php"')]
    # FastCGI gets /idx/index.php although it does not exist: path_info() stops at /idx
    assert answer.outcome.summary() == ("fastcgi /var/www/run/php.sock SCRIPT_NAME=/idx "
                                        "PATH_INFO=/index.php")
    assert dict(answer.outcome.params)["PATH_INFO"] == "/index.php"


def test_static_files_answer_get_and_head_only(table: Table, chroot: Path) -> None:
    assert route(table, chroot, "http://site/", method="HEAD").outcome.status == 200
    assert route(table, chroot, "http://site/", method="POST").outcome.status == 405
    assert route(table, chroot, "http://site/missing", method="POST").outcome.status == 404
    assert route(table, chroot, "http://site/x.php", method="POST").outcome.kind == "fastcgi"


def test_path_info_is_split_at_the_script(table: Table, chroot: Path) -> None:
    # a "*.php" glob must match the whole path, so PATH_INFO needs a location like "/cgi/*"
    answer = route(table, chroot, "http://site/cgi/run.php/extra/path")
    params = dict(answer.outcome.params)
    assert params["SCRIPT_NAME"] == "/cgi/run.php"
    assert params["PATH_INFO"] == "/extra/path"
    assert params["SCRIPT_FILENAME"] == "/htdocs/cgi/run.php"
    assert route(table, chroot, "http://site/tools/run.php/x").outcome.status == 404


def test_fastcgi_strip_and_request_strip(table: Table, chroot: Path) -> None:
    answer = route(table, chroot, "http://stripped:8080/v1/tools/run.php")
    params = dict(answer.outcome.params)
    assert params["SCRIPT_FILENAME"] == "/php/tools/run.php"   # `fastcgi strip 1`
    assert params["DOCUMENT_ROOT"] == "/php"
    assert params["SCRIPT_NAME"] == "/v1/tools/run.php"        # the stripped part comes back
    static = route(table, chroot, "http://stripped:8080/v1/index.html")
    assert static.outcome.summary() == "file /var/www/htdocs/index.html"


def test_directory_redirect_expands_like_a_block_return(table: Table, chroot: Path) -> None:
    (chroot / "htdocs/a b$SERVER_NAME").mkdir()
    answer = route(table, chroot, "http://site/a%20b$SERVER_NAME")
    assert answer.outcome.summary() == "301 -> /a%20bsite/"


def test_not_found_checks_the_locations_own_root(table: Table, tmp_path: Path) -> None:
    answer = route(table, tmp_path, "http://site/app/anything")   # /htdocs cannot be opened
    assert answer.outcome.summary() == "500 (/var/www/htdocs cannot be opened)"


def test_without_files_both_answers_are_given(table: Table) -> None:
    answers = simulate(table, request_from_url("http://site/app/x"))
    assert [a.conditions for a in answers] == [("/var/www/htdocs/app/x does not exist",),
                                                ("/var/www/htdocs/app/x exists",)]
    assert [a.outcome.kind for a in answers] == ["fastcgi", "file"]
    assert answers[1].notes == ("assumed /var/www/htdocs/app/x is a regular file "
                                "(give --root to check)",)


def test_not_found_on_the_root_path_is_always_missing(table: Table, chroot: Path) -> None:
    config = ('server "s" {\n listen on egress port 80\n root "/htdocs"\n'
              ' location not found "/*" {\n  block return 404\n }\n}\n')
    answers = simulate(build_table(parse(config, "c")), request_from_url("http://s/"),
                       Disk(chroot))
    assert answers[0].outcome.status == 404   # faccessat(root, "") fails: "/" is "not found"
