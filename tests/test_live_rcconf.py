"""hostgen.live.rcconf: rc.subr's line model (spamd.md 6.2-6.4, every test vector) and the
one-line edit hostgen makes to rc.conf.local."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hostgen.live.rcconf import RcLine, parse, parse_line, replace_line, spamd_flags, split_flags

FIXTURES = Path(__file__).parent / "live" / "rcconf"

# spamd.md 6.4, "Test vectors" (blank = ␣, tab = →); None = the line is ignored
VECTORS = [
    ("spamd_flags=-v -G 25:4:864", ("spamd_flags", "-v -G 25:4:864")),
    ('spamd_flags="-v -G 25:4:864"', ("spamd_flags", "-v -G 25:4:864")),
    ("spamd_flags='-v'", ("spamd_flags", "-v")),
    ("spamd_flags=", ("spamd_flags", "")),
    ('spamd_flags=""', ("spamd_flags", "")),
    ("spamd_flags=NO", ("spamd_flags", "NO")),
    ("spamd_flags=-v # verbose", ("spamd_flags", "-v")),
    ('spamd_flags="-v # verbose"', ("spamd_flags", '"-v')),
    (
        'spamd_flags=-v -n "Sendmail 8.14.9" -h mx.example.org',
        ("spamd_flags", '-v -n "Sendmail 8.14.9" -h mx.example.org'),
    ),
    ("  SPAMD_FLAGS = -v  ", ("spamd_flags", "-v")),
    ("\tspamd_flags=\t-b\t", ("spamd_flags", "-b")),
    ("# spamd_flags=-v", None),
    ("=spamd_flags", None),
    ("spamd_black=YES", ("spamd_black", "YES")),
    ("pkg_scripts=dkimproxy_out clamd", ("pkg_scripts", "dkimproxy_out clamd")),
    (
        "dkimproxy_out_flags=--conf_file=/etc/x.conf",
        ("dkimproxy_out_flags", "--conf_file=/etc/x.conf"),
    ),
    ("httpd_rtable=1", ("httpd_rtable", "1")),
    ("smtpd_timeout=60", ("smtpd_timeout", "60")),
    ("unwind_execdir=/usr/sbin", ("unwind_execdir", "/usr/sbin")),
    ("slowcgi_logger=daemon.info", ("slowcgi_logger", "daemon.info")),
    ("export spamd_flags=-v", ("export spamd_flags", "-v")),
    ("spamd_flag=-v", None),
    ("random=1", None),
    ("echo hello", None),
    ("", None),
    ('spamd_flags="', ("spamd_flags", '"')),
    ("spamd_flags=\"-v'", ("spamd_flags", "\"-v'")),
    ('spamd_flags="a" "b"', ("spamd_flags", 'a" "b')),
    ("PF=YES", ("pf", "YES")),
]


@pytest.mark.parametrize(("line", "expected"), VECTORS, ids=[v[0] or "(empty)" for v in VECTORS])
def test_reference_vectors(line: str, expected: tuple[str, str] | None) -> None:
    assert parse_line(line) == expected
    (parsed,) = parse(line + "\n")
    assert (parsed.key, parsed.value) == (expected or (None, None))


def test_hand_written_file() -> None:
    text = (FIXTURES / "rc.conf.local").read_bytes().decode()
    lines = parse(text, "/etc/rc.conf.local")
    assert len(lines) == 12 and lines[-1] == RcLine(12, "ntpd_flags=-s", "ntpd_flags", "-s")
    assert lines[6] == RcLine(7, "  SPAMD_BLACK=NO", "spamd_black", "NO")
    assert [line.line_no for line in lines if line.key == "spamd_flags"] == [6, 9]
    assert spamd_flags(text) == "-v -G 25:4:864 -h mx.22decembre.eu"
    assert lines[10].key is None  # shell code is ignored by rc.subr


def test_spamd_flags_absent() -> None:
    assert spamd_flags("httpd_flags=\n# spamd_flags=-v\n") is None


def test_replace_keeps_every_other_byte_and_deletes_dead_lines() -> None:
    text = (FIXTURES / "rc.conf.local").read_bytes().decode()
    new = replace_line(text, "spamd_flags", "spamd_flags=-v -G 25:4:864")
    expected = text.replace("spamd_flags=-v -G 25:4:864\t# greylisting\n", "").replace(
        'spamd_flags="-v -G 25:4:864 -h mx.22decembre.eu"', "spamd_flags=-v -G 25:4:864"
    )
    assert new == expected
    assert new.endswith("ntpd_flags=-s")  # still no final newline
    assert spamd_flags(new) == "-v -G 25:4:864"


def test_replace_appends_when_absent() -> None:
    assert replace_line("httpd_flags=", "spamd_flags", "spamd_flags=") == (
        "httpd_flags=\nspamd_flags=\n"
    )
    assert replace_line("a=1\n", "spamd_flags", "spamd_flags=-v") == "a=1\nspamd_flags=-v\n"
    assert replace_line("", "spamd_flags", "spamd_flags=-v") == "spamd_flags=-v\n"


def test_replace_missing_file() -> None:
    assert replace_line(None, "spamd_flags", "spamd_flags=-v") == "spamd_flags=-v\n"


def test_replace_in_a_crlf_file() -> None:
    text = (FIXTURES / "crlf.rc.conf.local").read_bytes().decode()
    assert parse(text)[1].value == "-v\r"  # rc.subr keeps the CR in the value
    assert replace_line(text, "spamd_flags", "spamd_flags=-b") == (
        "httpd_flags=\r\nspamd_flags=-b\nsmtpd_flags=\r\n"
    )


def test_replace_matches_parsed_keys_not_text() -> None:
    text = "# spamd_flags=-x\nSPAMD_FLAGS = -v\nexport spamd_flags=-q\n"
    assert replace_line(text, "spamd_flags", "spamd_flags=") == (
        "# spamd_flags=-x\nspamd_flags=\nexport spamd_flags=-q\n"
    )


def test_replace_is_idempotent_and_round_trips() -> None:
    once = replace_line("a_flags=1\nspamd_flags=-v\nb_flags=2", "spamd_flags", "spamd_flags=-b")
    assert once == "a_flags=1\nspamd_flags=-b\nb_flags=2"
    assert replace_line(once, "spamd_flags", "spamd_flags=-b") == once


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("-v -G 25:4:864", ["-v", "-G", "25:4:864"]),
        ('-v -n "Sendmail 8.14.9" -h mx', ["-v", "-n", "Sendmail 8.14.9", "-h", "mx"]),
        ("-n 'a b'  -v", ["-n", "a b", "-v"]),
        ('-n \\"Sendmail\\"', ["-n", '"Sendmail"']),
        ("", []),
        ('-n "unfinished', ["-n", '"unfinished']),
    ],
)
def test_split_flags(value: str, words: list[str]) -> None:
    assert split_flags(value) == words


@given(st.text())
def test_any_text_parses_and_lines_round_trip(text: str) -> None:
    lines = parse(text)
    assert "\n".join(line.raw for line in lines) == text.removesuffix("\n")
    split_flags(text)


@given(st.text(), st.text(alphabet=st.characters(blacklist_characters="\n")))
def test_replace_sets_the_value(text: str, flags: str) -> None:
    line = "spamd_flags=" + flags
    new = replace_line(text, "spamd_flags", line)
    assert spamd_flags(new) == parse_line(line)[1]  # type: ignore[index]

    def key(raw: str) -> str | None:
        parsed = parse_line(raw)
        return parsed[0] if parsed else None

    others = [raw for raw in text.split("\n") if raw and key(raw) != "spamd_flags"]
    assert [raw for raw in new.split("\n") if raw and raw != line] == others
