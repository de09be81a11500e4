"""No value from site.yaml can break out of its quoting: either the model refuses it, with a
position, or the daemon's own reading of the rendered file gives the value back unchanged.

The readers are hostgen's live parsers, which follow httpd's lexer (httpd-conf.md 1.4),
rc.subr + /bin/sh (spamd.md 6.2) and Net::Server (dkimproxy.md 2) rule for rule.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostgen.live import dkimproxy as live_dkimproxy
from hostgen.live import httpd as live_httpd
from hostgen.live import rcconf
from hostgen.live import resolvconf as live_resolvconf
from hostgen.render.outputs import render
from hostgen.render.quoting import (
    UnsafeValue,
    httpd_option_list,
    httpd_quote,
    httpd_word,
    plain_value,
    shell_arg,
)
from hostgen.site.loader import Loaded
from hostgen.site.problems import Positions
from hostgen.site.validate import validate

# Text with everything that has meaning somewhere: quotes, backslashes, comment and macro
# characters, braces, blanks, control characters, line ends and non-ASCII.
NASTY = st.text(alphabet=st.sampled_from(list('ab/ "\'\\#$%{}\t\n\r\x00\x7f;,=*é') + ["\u2028"]),
                max_size=24)


def _no_blanks(value: str) -> str:
    return re.sub(r"\s", "", value)


def _validate(data: dict[str, Any]) -> tuple[Any, list[Any]]:
    return validate(Loaded(data, Positions(), []))


def _site(value: str) -> dict[str, Any]:
    name = _no_blanks(value)  # server names refuse blanks; every other field takes them
    return {
        "host": {"name": "a.example.org"},
        "httpd": {"servers": [{
            "name": "a" + name,
            "aliases": ["b" + name],
            "tls": False,
            "root": "/r" + value,
            "log": {"access": "x" + value},
            "locations": [
                {"path": "/p" + value, "redirect": "https://example.org/" + value},
                {"path": "/q", "authenticate": {"realm": value or "r", "htpasswd": "/h" + value}},
                {"path": "/s", "fastcgi": {"socket": "/s" + value, "param": {"N" + value: value}}},
            ],
        }]},
    }


@settings(max_examples=400)
@given(NASTY)
def test_httpd_values_round_trip_or_are_refused(value: str) -> None:
    _httpd_round_trip(value)


@pytest.mark.parametrize("value", ['say "hi" } { # $REQUEST_URI ;', "é\u2028x"])
def test_hostile_httpd_values_are_accepted_and_round_trip(value: str) -> None:
    assert _httpd_round_trip(value)


def _httpd_round_trip(value: str) -> bool:
    """True when the value was accepted (and then read back unchanged), False when refused."""
    site, problems = _validate(_site(value))
    if site is None or problems:
        assert problems, "a refused value must say why"
        assert all(p.loc[:2] == ("httpd", "servers") for p in problems), problems
        return False
    text = render(site)["httpd.conf"].text
    config = live_httpd.parse(text, "httpd.conf")
    (server,) = config.servers
    assert server.name == "a" + _no_blanks(value)
    assert [a.name for a in server.aliases] == ["b" + _no_blanks(value)]
    assert server.options.root == "/r" + value
    assert server.options.log.access == "x" + value
    redirect, auth, fcgi = server.locations
    assert redirect.pattern == "/p" + value
    assert redirect.options.block is not None
    assert redirect.options.block.uri == "https://example.org/" + value
    assert auth.options.authenticate is not None
    assert auth.options.authenticate.realm == (value or "r")
    assert auth.options.authenticate.htpasswd == "/h" + value
    assert fcgi.options.fastcgi.socket is not None
    assert fcgi.options.fastcgi.socket.path == "/s" + value  # type: ignore[union-attr]
    assert fcgi.options.fastcgi.params == (("N" + value, value),)
    return True


@settings(max_examples=300)
@given(NASTY)
def test_spamd_banner_reaches_spamd_as_one_argument_or_is_refused(value: str) -> None:
    site, problems = _validate({"host": {"name": "a.example.org"},
                                "spamd": {"banner": value or "x", "hostname": "mx" + value}})
    if site is None or problems:
        assert problems
        return
    line = render(site)["rc.conf.local"].text
    flags = rcconf.split_flags(rcconf.spamd_flags(line) or "")
    assert flags[flags.index("-n") + 1] == (value or "x")
    assert flags[flags.index("-h") + 1] == "mx" + value


@settings(max_examples=300)
@given(NASTY)
def test_dkimproxy_values_are_read_back_or_refused(value: str) -> None:
    site, problems = _validate({"host": {"name": "a.example.org"}, "dkimproxy": {
        "listen": "127.0.0.1:10027", "relay": "127.0.0.1:10028", "domains": ["example.org"],
        "selector": "s" + value, "keyfile": "/k" + value}})
    if site is None or problems:
        assert problems
        return
    conf = live_dkimproxy.parse(render(site)["dkimproxy_out.conf"].text)
    assert conf.get("selector") == "s" + value
    assert conf.get("keyfile") == "/k" + value
    assert conf.warnings == ()


@pytest.mark.parametrize(("value", "quoted"), [
    ("plain", '"plain"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("#not a comment", '"#not a comment"'),
    ("$NOT_EXPANDED", '"$NOT_EXPANDED"'),
    ("} {", '"} {"'),
])
def test_httpd_quote(value: str, quoted: str) -> None:
    assert httpd_quote(value) == quoted


@pytest.mark.parametrize("value", ["a\\b", "a\nb", "a\rb", "a\tb", "\x00", "end\\", "del\x7f"])
def test_httpd_quote_refuses(value: str) -> None:
    with pytest.raises(UnsafeValue):
        httpd_quote(value)


@pytest.mark.parametrize("value", ["no\u00a0break", "line\u2028separator", "soft\u00adhyphen"])
def test_httpd_quote_keeps_unprintable_characters_that_are_not_control_bytes(value: str) -> None:
    # str.isprintable() is false for these: only its fast path skips them, the lexer takes them
    assert httpd_quote(value) == f'"{value}"'


def test_httpd_option_list_writes_one_item_bare_and_several_in_braces() -> None:
    assert httpd_option_list(['index "a b.html"']) == 'index "a b.html"'
    assert httpd_option_list(['index "x"', "auto index"]) == '{ index "x", auto index }'
    with pytest.raises(UnsafeValue, match="empty option list"):
        httpd_option_list([])


@pytest.mark.parametrize(("value", "written"), [
    ("egress", "egress"), ("*", "*"), ("fe80::1%em0", "fe80::1%em0"),
    ("log", '"log"'), ("auto", '"auto"'), ("10.0.0.1", '"10.0.0.1"'), ("a/b", '"a/b"'),
    ("ssl", '"ssl"'),  # a keyword in 5.6, quoted in case an old grammar reads it
])
def test_httpd_word_quotes_keywords_of_every_release(value: str, written: str) -> None:
    assert httpd_word(value) == written


def test_shell_arg_and_plain_value() -> None:
    assert shell_arg("Sendmail 8.14.9") == '"Sendmail 8.14.9"'
    assert shell_arg("-v") == "-v"
    for bad in ("a#b", "$(x)", "a`b`", 'a"b', "a;b", "a\\b"):
        with pytest.raises(UnsafeValue):
            shell_arg(bad)
    assert plain_value("127.0.0.1:10027") == "127.0.0.1:10027"
    for bad in ("a b", "a#b", "a%41", "", "a;b"):
        with pytest.raises(UnsafeValue):
            plain_value(bad)


def test_scoped_nameserver_is_written_as_asr_reads_it() -> None:
    site, problems = _validate({"host": {"name": "a.example.org"}, "resolver": {
        "nameservers": ["::1"], "fallback": ["fe80::1%em0"]}})
    assert problems == []
    text = render(site)["resolv.conf"].text
    assert live_resolvconf.parse(text).nameservers == ("::1", "fe80::1%em0")


def _grammar_site(value: str) -> dict[str, Any]:
    """Every string key of the whole-grammar model that reaches httpd.conf as a quoted string."""
    return {
        "host": {"name": "a.example.org", "openbsd": "7.9"},
        "tls": {"web": {"certificate": "/etc/c", "key": "/etc/k"}},
        "httpd": {
            "chroot": "/c" + value, "logdir": "/l" + value, "errdocs": "/e" + value,
            "servers": [{
                "match": "m" + value,
                "aliases": [{"match": "a" + value}],
                "listen": "192.0.2.1", "http": "off",
                "tls": {"material": "web", "ciphers": "c" + value, "dhe": "d" + value,
                        "ecdhe": "e" + value, "ocsp": "/o" + value,
                        "client_ca": {"file": "/f" + value, "crl": "/r" + value}},
                "rewrite": "/w" + value, "errdocs": "/x" + value,
                "locations": [{"path": "/p", "rewrite": "/v" + value}],
            }],
        },
    }


@settings(max_examples=300)
@given(NASTY)
def test_whole_grammar_strings_round_trip_or_are_refused(value: str) -> None:
    _grammar_round_trip(value)


def _grammar_round_trip(value: str) -> None:
    site, problems = _validate(_grammar_site(value))
    errors = [p for p in problems if p.level == "error"]
    if site is None or errors:
        assert errors, "a refused value must say why"
        assert all(p.loc[:1] == ("httpd",) for p in errors), errors
        return
    config = live_httpd.parse(render(site)["httpd.conf"].text, "httpd.conf", version="7.9")
    assert (config.chroot, config.logdir, config.errdocs) == ("/c" + value, "/l" + value,
                                                             "/e" + value)
    (server,) = config.servers
    assert (server.name, server.match) == ("m" + value, True)
    assert [(a.name, a.match) for a in server.aliases] == [("a" + value, True)]
    tls = server.tls
    assert tls is not None
    assert (tls.ciphers, tls.dhe, tls.ecdhe, tls.ocsp, tls.client_ca, tls.crl) == (
        "c" + value, "d" + value, "e" + value, "/o" + value, "/f" + value, "/r" + value)
    assert (server.options.rewrite, server.errdocs) == ("/w" + value, "/x" + value)
    assert server.locations[0].options.rewrite == "/v" + value


@pytest.mark.parametrize("value", ['say "hi" } { # $SERVER_NAME ;,', "é"])
def test_hostile_whole_grammar_values_are_accepted_and_round_trip(value: str) -> None:
    site, problems = _validate(_grammar_site(value))
    assert site is not None and not [p for p in problems if p.level == "error"], problems
    _grammar_round_trip(value)
