"""Hostile requests get httpd's answer, never a traceback: percent-encoding, `..`, NUL, very
long paths, odd Host headers, odd methods (httpd-conf.md 3.2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostgen.httpd.simulate import BadUrl, Request, Table, build_table, request_from_url, simulate
from hostgen.live.httpd import parse

CONFIG = """\
server "default" {
	listen on egress port 80
	root "/htdocs"
}
server "www.example.com" {
	listen on egress port 80
	root "/www"
	location "/admin/*" {
		block
	}
	location match "^/p/(.+)$" {
		block return 302 "/q/%1?from=$DOCUMENT_URI"
	}
	location match "^/two/(.)(.)$" {
		block return 301 "/%3"
	}
	location "/r/*" {
		request rewrite "/%1"
	}
	location "/big/*" {
		request rewrite "$DOCUMENT_URI$DOCUMENT_URI"
	}
}
"""


@pytest.fixture(scope="module")
def table() -> Table:
    return build_table(parse(CONFIG, "httpd.conf"))


def answer(table: Table, url: str, **options: object) -> str:
    answers = simulate(table, request_from_url(url, **options))  # type: ignore[arg-type]
    return answers[0].outcome.summary()


@pytest.mark.parametrize(("path", "summary"), [
    ("/%61dmin/x", "403 (Forbidden)"),                 # decoded before matching
    ("/ADMIN/x", "403 (Forbidden)"),                   # globs ignore case
    ("/x/../admin/y", "403 (Forbidden)"),              # canonical before matching
    ("/x/%2e%2e/admin/y", "403 (Forbidden)"),
    ("//admin//y", "403 (Forbidden)"),
    ("/admin%2fy", "403 (Forbidden)"),                 # an encoded slash is a slash
    ("/../../../etc/passwd", "file /var/www/www/etc/passwd"),
    ("/x%00/admin/y", "file /var/www/www/x"),          # NUL ends the path
    ("/a%zz", "400 (bad request)"),
    ("/a%4", "400 (bad request)"),
    ("/p/a b&c", "302 -> /q/a%20b%26c?from=/p/a%20b%26c"),
    ("/p/%3F%23", "302 -> /q/%3F%23?from=/p/%3F%23"),
    ("/p/%ff", "302 -> /q/%FF?from=/p/%FF"),
    ("/two/ab", "drop (\"/%3\" does not expand for this request: httpd closes the connection "
                "without an answer)"),
    ("/r/x", "file /var/www/www/%1"),     # a glob location has no captures: "%1" stays
])
def test_paths(table: Table, path: str, summary: str) -> None:
    assert answer(table, "http://www.example.com" + path) == summary


def test_long_paths(table: Table) -> None:
    assert answer(table, "http://www.example.com/" + "a" * 1018) \
        == f"file /var/www/www/{'a' * 1018}"
    # the path fits, but root + path does not fit server_file()'s PATH_MAX buffer
    assert answer(table, "http://www.example.com/" + "a" * 1022) == "500 (file path too long)"
    assert answer(table, "http://www.example.com/" + "a" * 1023) == "400 (bad request)"
    assert answer(table, "http://www.example.com/" + "a" * 9000) \
        == "413 (request line and headers longer than 8192 bytes)"
    assert answer(table, "http://www.example.com/big/" + "a" * 600).startswith("400 (the rewrite")


@pytest.mark.parametrize(("host", "server"), [
    ("www.example.com", "www.example.com"),
    ("WWW.EXAMPLE.COM", "www.example.com"),
    ("  www.example.com", "www.example.com"),          # the header parser skips leading blanks
    ("www.example.com:80", "www.example.com"),
    ("www.example.com:+80", "www.example.com"),
    ("www.example.com:8080", "default"),
    ("www.example.com.", "default"),
    ("www.example.com\0evil", "www.example.com"),       # a C string ends at NUL
    ("[www.example.com]", "www.example.com"),
    ("", "default"),
    ("*", "default"),
    ("é.example.com", "default"),
])
def test_odd_host_headers(table: Table, host: str, server: str) -> None:
    answers = simulate(table, request_from_url("/", host=host))
    assert answers[0].entry is not None and answers[0].entry.name == server


@pytest.mark.parametrize("host", ["www.example.com:", "www.example.com:99999",
                                  "www.example.com:80x", "[::1]:", "[::1", "h" * 256,
                                  "a:b:c"])
def test_bad_host_headers_are_400(table: Table, host: str) -> None:
    assert answer(table, "/", host=host) == "400 (bad request)"


def test_methods(table: Table) -> None:
    assert answer(table, "http://www.example.com/x", method="BREW") == "400 (bad request)"
    assert answer(table, "http://www.example.com/x", method="TRACE") == \
        "405 (method not allowed)"


@pytest.mark.parametrize("url", ["ftp://x/", "www.example.com/", "http://", "http://x:0/",
                                 "http://x:70000/", "http://[::1/", "relative/path"])
def test_unusable_urls_are_refused_clearly(url: str) -> None:
    with pytest.raises(BadUrl):
        request_from_url(url, host="x" if url == "relative/path" else None)


def test_a_path_needs_a_host() -> None:
    with pytest.raises(BadUrl, match="--host"):
        request_from_url("/x")


def test_what_a_browser_sends() -> None:
    request = request_from_url("HTTPS://user@Example.com:443/a b/é?q=1#frag")
    assert request == Request("/a%20b/%C3%A9?q=1", "Example.com", 443, True)
    assert request_from_url("http://x:8080").target == "/"
    assert request_from_url("http://x:8080?a").target == "/?a"
    assert request_from_url("http://x:8080?a").host == "x:8080"


@given(target=st.text(max_size=60), host=st.one_of(st.none(), st.text(max_size=30)),
       method=st.sampled_from(["GET", "HEAD", "POST", "get", "TRACE"]))
def test_any_request_gets_an_answer(table: Table, target: str, host: str | None,
                                    method: str) -> None:
    request = Request("/" + target, host, 80, False, method)
    answers = simulate(table, request)
    assert answers and all(a.outcome.summary() for a in answers)
