"""hostgen.httpd.simulate.expand: server_expand_http() (httpd-conf.md 3.8),
substring quirks included."""

from __future__ import annotations

import string

import pytest

from hostgen.httpd.simulate.expand import BLOCK_SIZE, REWRITE_SIZE, Context, expand


def context(**changes: object) -> Context:
    values: dict[str, object] = {
        "captures": None, "path": "/a b/c", "query": "x=%41&y=$SERVER_PORT",
        "http_host": "www.example.com:8080", "server_name": "www.example.com",
        "server_addr": "203.0.113.10", "server_port": 443, "tls": True,
        "remote_addr": "192.0.2.100", "remote_port": 49152,
    }
    values.update(changes)
    return Context(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("template", "expanded"), [
    ("$DOCUMENT_URI", "/a%20b/c"),
    ("$REQUEST_URI", "/a%20b/c?x=%41&y=$SERVER_PORT"),          # query raw, not expanded again
    ("$QUERY_STRING", "x=%41&y=$SERVER_PORT"),
    ("$QUERY_STRING_ENC", "x=%2541%26y=$SERVER_PORT"),
    ("$HTTP_HOST", "www.example.com:8080"),
    ("$REQUEST_SCHEME://$SERVER_NAME:$SERVER_PORT/", "https://www.example.com:443/"),
    ("$SERVER_ADDR $REMOTE_ADDR:$REMOTE_PORT", "203.0.113.10 192.0.2.100:49152"),
    ("[$REMOTE_USER]", "[]"),
    ("$SERVER_NAMEX", "www.example.comX"),          # plain substring: no word boundary
    ("$UNKNOWN $server_name", "$UNKNOWN $server_name"),
    ("%1 and %0", "%1 and %0"),                     # no `match` location: % left alone
])
def test_macros(template: str, expanded: str) -> None:
    assert expand(template, context(), BLOCK_SIZE) == expanded


def test_a_macro_in_the_query_is_expanded_when_the_template_names_it_too() -> None:
    # $QUERY_STRING is replaced before $SERVER_PORT, so the query's text is rewritten too
    assert expand("$QUERY_STRING $SERVER_PORT", context(), BLOCK_SIZE) == "x=%41&y=443 443"


def test_no_query() -> None:
    ctx = context(query=None)
    assert expand("$REQUEST_URI|$QUERY_STRING|$QUERY_STRING_ENC", ctx, BLOCK_SIZE) == "/a%20b/c||"


def test_an_empty_query_keeps_its_question_mark() -> None:
    assert expand("$REQUEST_URI", context(query=""), BLOCK_SIZE) == "/a%20b/c?"


def test_server_name_and_http_host_are_encoded() -> None:
    ctx = context(server_name="a b", http_host="h<t")
    assert expand("$SERVER_NAME $HTTP_HOST", ctx, BLOCK_SIZE) == "a%20b h%3Ct"


def test_captures_are_encoded() -> None:
    ctx = context(captures=("/index/category/a&b c", "a&b c"))
    assert expand("/index.php?/category/%1", ctx, BLOCK_SIZE) == "/index.php?/category/a%26b%20c"
    assert expand("%0", ctx, BLOCK_SIZE) == "/index/category/a%26b%20c"


def test_an_earlier_short_reference_rewrites_a_longer_one() -> None:
    ctx = context(captures=("whole", *string.ascii_lowercase[:12]))
    assert expand("%1 %12", ctx, BLOCK_SIZE) == "a a2"
    assert expand("%12 %1", ctx, BLOCK_SIZE) == "l a"


def test_an_encoded_percent_is_hit_by_a_later_reference() -> None:
    ctx = context(captures=("whole", "a%b", "c d"))
    assert expand("%1|%2", ctx, BLOCK_SIZE) == "ac%20d5b|c%20d"


def test_captures_before_macros() -> None:
    ctx = context(captures=("/x", "$SERVER_NAME"))
    assert expand("/%1/$SERVER_NAME", ctx, BLOCK_SIZE) == "/www.example.com/www.example.com"


@pytest.mark.parametrize("template", ["%2", "%99", "%1%3", "%0" + "1" * 126])
def test_a_reference_beyond_the_captures_fails(template: str) -> None:
    assert expand(template, context(captures=("/x", "x")), BLOCK_SIZE) is None


def test_leading_zeros_name_the_same_capture() -> None:
    assert expand("%01", context(captures=("/x", "y")), BLOCK_SIZE) == "y"


def test_http_host_without_host_fails() -> None:
    assert expand("$HTTP_HOST", context(http_host=None), BLOCK_SIZE) is None
    assert expand("/fine", context(http_host=None), BLOCK_SIZE) == "/fine"


def test_length_limits() -> None:
    long_path = "/" + "a" * 700
    assert expand("$DOCUMENT_URI", context(path=long_path), REWRITE_SIZE) == long_path
    assert expand("$DOCUMENT_URI$DOCUMENT_URI", context(path=long_path), REWRITE_SIZE) is None
    assert expand("x" * 1024, context(), REWRITE_SIZE) is None   # 1023 bytes and the NUL fit
    assert expand("x" * 1023, context(), REWRITE_SIZE) == "x" * 1023


def test_an_http_host_too_long_is_left_unexpanded() -> None:
    # the one failure server_expand_http() ignores: the text stays as it is
    ctx = context(http_host="h" * 2000)
    assert expand("$HTTP_HOST/$SERVER_PORT", ctx, REWRITE_SIZE) == "$HTTP_HOST/443"
