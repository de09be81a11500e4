"""hostgen.live.dkimproxy: Net::Server's reading of dkimproxy_out.conf (dkimproxy.md 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostgen.live.dkimproxy import DkimLine, parse

FIXTURE = Path(__file__).parent / "live" / "dkimproxy" / "dkimproxy_out.conf"


def test_hand_written_file() -> None:
    conf = parse(FIXTURE.read_text(), "/etc/dkimproxy_out.conf")
    assert conf.options == {
        "listen": "127.0.0.1:10027",
        "relay": "127.0.0.1:10028",
        "domain": "22decembre.eu",
        "keyfile": "/etc/mail/dkim/private.key",
        "selector": "blackblock2",
        "min_servers": "2",
    }
    assert conf.signatures == ("dkim(a=rsa-sha256,c=relaxed/relaxed)", "domainkeys(c=nofws)")
    assert conf.get("reject_error") is None  # a key without a value is ignored
    assert conf.warnings == (
        (21, "min_servers: Net::Server up to 2.013 reads '2', 2.014 and later '2   '"),
        (22, "selector: Net::Server up to 2.013 reads 'blackblock2', 2.014 and later "
             "'blackblock2 '"),
    )
    assert conf.lines[2] == DkimLine(3, "listen    127.0.0.1:10027", "listen", "127.0.0.1:10027",
                                     "127.0.0.1:10027")
    assert conf.lines[0].key is None and conf.path == "/etc/dkimproxy_out.conf"


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("listen 127.0.0.1:10027", "listen", "127.0.0.1:10027"),
        ("  relay=127.0.0.1:10028", "relay", "127.0.0.1:10028"),
        ("relay : 127.0.0.1", "relay", "127.0.0.1"),
        ("--selector\tsel", "--selector", "sel"),
        ("domain a.example, b.example", "domain", "a.example,"),
        ("# listen 1.2.3.4:5", None, None),
        ("reject_error", None, None),
        ("reject-error 1", None, None),
        ("", None, None),
    ],
)
def test_line_pattern(line: str, key: str | None, value: str | None) -> None:
    (parsed,) = parse(line + "\n").lines
    assert (parsed.key, parsed.value) == (key, value)


def test_leading_dashes_are_dropped_from_option_names() -> None:
    assert parse("--selector=s1\n").options == {"selector": "s1"}


@pytest.mark.parametrize(
    ("line", "warning"),
    [
        ("listen 127.0.0.1:10027 ", "listen: Net::Server up to 2.013 reads '127.0.0.1:10027', "
         "2.014 and later '127.0.0.1:10027 '"),
        ("listen 127.0.0.1:10027\r", "listen: Net::Server up to 2.013 reads '127.0.0.1:10027', "
         "2.014 and later '127.0.0.1:10027\\r'"),
        ("domain a.example, b.example", "domain: Net::Server up to 2.013 reads 'a.example,', "
         "2.014 and later 'a.example, b.example'"),
        ("selector #1", "ignored by Net::Server 2.014 and later"),
        ("selector a\\#1",
         "selector: Net::Server up to 2.013 reads 'a\\\\#1', 2.014 and later 'a#1'"),
        ("keyfile /k%41", "keyfile: '%' before a hex digit is decoded by Net::Server"),
    ],
)
def test_lines_the_versions_read_differently(line: str, warning: str) -> None:
    assert parse(line).warnings == ((1, warning),)


def test_portable_lines_give_no_warning() -> None:
    text = "listen 127.0.0.1:10027\nsignature dkim(a=rsa-sha256,c=relaxed/relaxed)\n# note\n\n"
    assert parse(text).warnings == ()


def test_last_wins_and_signatures_accumulate() -> None:
    conf = parse("selector a\nsignature dkim\nselector b\nsignature domainkeys\n")
    assert conf.options == {"selector": "b"} and conf.signatures == ("dkim", "domainkeys")


@given(st.text())
def test_any_text_parses(text: str) -> None:
    conf = parse(text)
    assert len(conf.lines) == (len(text.removesuffix("\n").split("\n")) if text else 0)
    assert all(line.key is None or line.value for line in conf.lines)
