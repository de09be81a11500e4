"""The fast paths of the httpd.conf reader give what the character reader alone gives: the same
tokens (hostgen.live.httpd_fastpath: lines read by their text, windows) and the same parse,
AST or first error (hostgen.live.httpd_server: location bodies looked up by their tokens).
The reference run turns the fast path off, which also turns off the look-up of bodies (it
only looks at tokens read ahead)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostgen.errors import LiveFileError
from hostgen.live.httpd import HttpdConfig, parse
from hostgen.live.httpd_fastpath import FastPath, Source
from hostgen.live.httpd_keywords import keywords_for
from hostgen.live.httpd_lexer import Lexer
from hostgen.live.httpd_tokens import TokenStream


def _without_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(self: FastPath, src: Source) -> bool:
        return False

    monkeypatch.setattr(FastPath, "read_ahead", never)


def tokens(text: str) -> list[tuple[str, str, str, int, int]] | str:
    """Every token of `text` as (kind, text, path, line, number), or the error."""
    lexer = Lexer(text, "t.conf", keywords_for("current"))
    out: list[tuple[str, str, str, int, int]] = []
    try:
        while True:
            tok = lexer.next()
            out.append((tok.kind, tok.text, tok.path, tok.line, tok.number))
            if tok.kind == "EOF":
                return out
    except LiveFileError as problem:
        return f"{problem} after {out}"


def outcome(text: str, included: str = "") -> HttpdConfig | str:
    try:
        return parse(text, "t.conf", read_include=lambda name: included)
    except LiveFileError as problem:
        return str(problem)


def both(monkeypatch: pytest.MonkeyPatch, function, *args):  # type: ignore[no-untyped-def]
    fast = function(*args)
    with monkeypatch.context() as patch:
        _without_fast_path(patch)
        slow = function(*args)
    return fast, slow


HOSTILE = [
    'server "a" {\n\tlisten on * port 80\n}\n' * 3,
    "a = 1\n" + "x \\\n y\n" * 3 + "$a\n" * 2,
    'root "/a\\"b"\n' * 2 + "# comment \\\n continued\n" * 2,
    "word" * 300 + "\n" + "word " * 300 + "\n" + '"' + "q" * 1500 + '"\n',
    "1234567890123456789 x\n" * 2 + "-5 -x 080a\n" * 2,
    'include "x"\nroot "/a"\ninclude "y" # include\n' * 2,
    "a\r\nb\n" * 2 + "c\0d\n",
    "last line without a newline",
    '"open quote\nstill open"\n' * 2,
    "\x01a\x02 b\n" * 2 + "\t \t\n\n" * 2,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_fast_path_tokens_equal_the_character_reader(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    fast, slow = both(monkeypatch, tokens, text)
    assert fast == slow


LINES = [
    'server "s" {\n', 'server "t" {\n', "}\n", "\tlisten on * port 80\n",
    "\tlisten on * tls port 443\n", '\tlocation "/a/*" {\n', '\tlocation "/a/*" { block }\n',
    "\t\tblock\n", '\t\tblock return 301 "/x"\n', "\t\tblock return 200 \"/x\"\n",
    '\t\troot "/r"\n', "\t\tlisten on * port 81\n", '\t\tinclude "i"\n', "\t}\n",
    '\t\tdirectory { index "i", auto index }\n', "\t\tdirectory {\n", "\t\tno log\n",
    '\t\tfastcgi socket "/s"\n', "\t\ttls key \"/k\"\n", '\t\tlocation "/b" { pass }\n',
    "a = 1\n", "\t\t$a\n", "\t\tgzip-static # note\n", "\t\tblock \\\n return 403\n",
    "\t\tpass\n\n", '\t\t"block"\n', "\t\tauthenticate with \"/h\"\n", "\t}}\n",
    "\t\trequest strip 2\n", 'include "i"\n', 'include "i"\\\n', 'include "i" # c\n',
    "\\\tpass\n",
]
INCLUDED = ["", "pass\n", "}\n", "pass", "\\\n", "$a\n", '\\root "/r"\n', 'root "/r" # c\n',
            'include "i"\n']


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40), st.sampled_from(INCLUDED))
def test_fast_parse_equals_the_character_reader(lines: list[str], included: str) -> None:
    # repeated lines and bodies are what the fast paths keep; hypothesis does not take
    # pytest's monkeypatch fixture, hence the context of its own
    text = "".join(lines) * 2
    with pytest.MonkeyPatch.context() as patch:
        fast, slow = both(patch, outcome, text, included)
    assert fast == slow


def test_a_body_seen_before_is_taken_whole_and_errors_keep_their_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = '\tlocation "/a" {\n\t\tblock return 301 "/b"\n\t}\n'
    head = 'server "s" {\n\tlisten on * port 80\n'
    text = head + body * 2 + '\tlocation "/a" {\n\t\tpass\n\t}\n}\n'
    assert outcome(text) == 't.conf:8: location "/a" defined twice'
    fast, slow = both(monkeypatch, outcome, text)
    assert fast == slow
    good = head + body.replace("/a", "/c") + body + "}\n"
    config = outcome(good)
    assert isinstance(config, HttpdConfig)
    first, second = config.servers[0].locations
    assert (first.line, second.line) == (3, 6)
    assert first.options is second.options  # the same body: the same Options


def test_a_body_is_known_by_the_kinds_of_its_tokens_too() -> None:
    head = 'server "s" {\n\tlisten on * port 80\n'
    text = head + '\tlocation "/a" {\n\t\tblock\n\t}\n\tlocation "/b" {\n\t\t"block"\n\t}\n}\n'
    assert outcome(text) == "t.conf:7: syntax error"
    text = head + '\tlocation "/a" {\n\t\tpass\n\t}\n\tlocation "/b" { pass }\n}\n'
    config = outcome(text)
    assert isinstance(config, HttpdConfig)  # the same words on other lines: another body
    assert [loc.line for loc in config.servers[0].locations] == [3, 6]



INCLUDE_TOKENS = {
    # (kind, text, path, line) after `include "NAME"` in `include "NAME" # note\nroot "/a"\n`:
    # the included file's leading newline (line 0), its tokens, the newline of its end, then
    # the rest of the including line (the comment's newline) and the lines after it
    'root "/x"\n': [("NL", "\n", "i", 0), ("KEYWORD", "root", "i", 1), ("STRING", "/x", "i", 1),
                    ("NL", "\n", "i", 1), ("NL", "\n", "i", 2)],
    "": [("NL", "\n", "i", 0), ("NL", "\n", "i", 1)],
    'root \\\n"/c"': [("NL", "\n", "i", 0), ("KEYWORD", "root", "i", 1), ("STRING", "/c", "i", 2),
                      ("NL", "\n", "i", 2)],
}


@pytest.mark.parametrize("included", sorted(INCLUDE_TOKENS))
def test_tokens_around_an_include(included: str) -> None:
    stream = TokenStream('include "i" # note\nroot "/a"\n', "m", lambda name: included, None)
    assert stream.next().text == "include"
    stream.include()
    seen = []
    while (tok := stream.next()).kind != "EOF":
        seen.append((tok.kind, tok.text, tok.path, tok.line))
    assert seen == INCLUDE_TOKENS[included] + [
        ("NL", "\n", "m", 1), ("KEYWORD", "root", "m", 2), ("STRING", "/a", "m", 2),
        ("NL", "\n", "m", 2), ("NL", "\n", "m", 3),
    ]
    assert tok.line == 4


@pytest.mark.parametrize(("text", "expected"), [
    # httpd's lgetc() returns the character after an included file as it is: a backslash
    # there is a character of its own, not an escape (a syntax error here)
    ('include "i"\\\nchroot "/x"\n', "t.conf:1: syntax error"),
    ('include "i" \\\nchroot "/x"\n', "/x"),
    ('include "i"\n\\\nchroot "/x"\n', "/x"),
    ('include "i" # c\nchroot "/x"\n', "/x"),
])
def test_the_character_after_an_included_file(text: str, expected: str) -> None:
    for included in ("", 'logdir "/l"\n', 'logdir "/l"'):
        config = outcome(text, included)
        assert (config.chroot if isinstance(config, HttpdConfig) else config) == expected
