"""hostgen.httpd.simulate.encoding: httpd.c's url_decode, url_encode, canonicalize_path;
server_root_strip; strtonum (httpd-conf.md 3.2, 3.8, 3.9)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostgen.httpd.simulate.encoding import (
    canonicalize_path,
    root_strip,
    strtonum,
    url_decode,
    url_encode,
)


@pytest.mark.parametrize(("raw", "encoded"), [
    ("/a b", "/a%20b"),
    ('"#%&<?', "%22%23%25%26%3C%3F"),
    ("/:=+$'>*@!,;~", "/:=+$'>*@!,;~"),          # copied as they are
    ("\x01\x1f\x7f", "%01%1F%7F"),
    ("é", "%C3%A9"),                               # bytes >= 0x80, upper-case hex
    ("/\udcff", "/%FF"),                           # a byte that is not UTF-8
])
def test_url_encode_escapes_only_httpds_set(raw: str, encoded: str) -> None:
    assert url_encode(raw) == encoded


@pytest.mark.parametrize(("raw", "decoded"), [
    ("/a%20b", "/a b"),
    ("/a+b", "/a+b"),                 # + is not a space
    ("/%2e%2E/x", "/../x"),           # decoded before canonicalization
    ("/a%00b", "/a"),                 # a NUL ends the C string
    ("/%C3%A9", "/é"),
    ("/%ff", "/\udcff"),
])
def test_url_decode(raw: str, decoded: str) -> None:
    assert url_decode(raw) == decoded


@pytest.mark.parametrize("raw", ["/a%", "/a%2", "/a%zz", "/a%2g", "%"])
def test_url_decode_refuses_a_bad_escape(raw: str) -> None:
    assert url_decode(raw) is None


@pytest.mark.parametrize(("path", "canonical"), [
    ("/", "/"),
    ("//a///b", "/a/b"),
    ("/a/./b/.", "/a/b"),
    ("/a/b/../c", "/a/c"),
    ("/a/b/..", "/a"),
    ("/..", "/"),
    ("/../../etc/passwd", "/etc/passwd"),
    ("/a/../../..//b/", "/b/"),
    ("/a/...", "/a/..."),
    ("/a/..b/.c", "/a/..b/.c"),
    ("/a/", "/a/"),
])
def test_canonicalize_path(path: str, canonical: str) -> None:
    assert canonicalize_path(path) == canonical


def test_canonicalize_path_refuses_relative_and_too_long() -> None:
    assert canonicalize_path("a/b") is None
    assert canonicalize_path("") is None
    assert canonicalize_path("/" + "a" * 1022) == "/" + "a" * 1022   # 1023 bytes fit
    assert canonicalize_path("/" + "a" * 1023) is None
    assert canonicalize_path("/./" + "a" * 1022) is not None          # the result counts


@pytest.mark.parametrize(("path", "count", "stripped"), [
    ("/a/b/c", 0, "/a/b/c"),
    ("/a/b/c", 1, "/b/c"),
    ("/.well-known/acme-challenge/tok", 2, "/tok"),
    ("/a/b/c", 3, ""),
    ("/a/b/c", 9, ""),
    ("/", 1, ""),
])
def test_root_strip(path: str, count: int, stripped: str) -> None:
    assert root_strip(path, count) == stripped


@pytest.mark.parametrize(("text", "value"), [
    ("80", 80), ("080", 80), (" 80", 80), ("+80", 80), ("-0", 0), ("65535", 65535),
    ("65536", None), ("", None), ("80 ", None), ("0x50", None), ("8o", None), ("-1", None),
])
def test_strtonum(text: str, value: int | None) -> None:
    assert strtonum(text, 0, 65535) == value


@given(st.text(st.characters(blacklist_characters="\0", blacklist_categories=["Cs"]),
               max_size=40))
def test_decoding_the_encoded_gives_the_original(text: str) -> None:
    assert url_decode(url_encode(text)) == text


@given(st.lists(st.sampled_from(["/", "a", ".", "..", "b", "%"]), max_size=20))
def test_canonical_paths_are_stable(parts: list[str]) -> None:
    once = canonicalize_path("/" + "".join(parts))
    assert once is not None
    assert canonicalize_path(once) == once
    assert "//" not in once and "/./" not in once and "/../" not in once
