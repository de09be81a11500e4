"""One `hostgen check` lists every problem it can know: rules and lints run on the parts that
validated; only what depends on a broken part is held back. `--strict` fails on warnings."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hostgen.checks.lints import check_lints
from hostgen.cli import main
from hostgen.site.loader import Loaded, load_text
from hostgen.site.problems import Positions, has_errors, unknown_name
from hostgen.site.rules.urls import check_expansion
from hostgen.site.validate import validate_parts

CASES = Path(__file__).resolve().parent / "cases"


def check(capsys: pytest.CaptureFixture[str], site: Path, *options: str) -> tuple[int, list[str]]:
    code = main(["check", str(site), *options])
    out, _ = capsys.readouterr()
    return code, [line.removeprefix(f"{site}:") for line in out.splitlines()]


def test_mistakes_of_every_kind_in_different_servers_appear_in_one_run(
        capsys: pytest.CaptureFixture[str]) -> None:
    # the same site renders in the golden case invalid-every-kind; check adds the lints
    code, lines = check(capsys, CASES / "invalid-every-kind" / "site.yaml")
    assert code == 2
    assert lines == [
        '5:3: error: unknown key "fallbak" (did you mean "fallback"?)',
        "8:47: error: expected a string, got the number 42",
        '15:7: error: unknown key "aliasses" (did you mean "aliases"?)',
        "17:45: error: %2 is beyond the pattern's captures: it has 1 capture(s)",
        "21:34: error: unknown macro $REQUEST_URL (did you mean $REQUEST_URI?)",
        '22:31: error: expected true (403), an HTTP status such as 410, or "drop", got the text '
        '"410"',
        '23:33: error: unknown FastCGI responder "phpp" (did you mean "php"?)',
        '25:12: error: unknown TLS material "webb" (did you mean "web"?)',
        '28:19: warning: "/blog/*" looks like a glob, but in a match pattern "/*" means "any '
        'number of slashes", not "anything": drop the "*" (a pattern matches anywhere unless '
        "anchored with ^ and $), or use path: for a glob (glob-like-pattern)",
        "29:11: error: a location must do something: redirect, block, pass, root, index, "
        "fastcgi, ... (httpd refuses an empty block)",
        "29:34: error: status has no effect without a redirect: it is the redirect's HTTP status",
        "30:31: error: location found / not found needs OpenBSD 6.9 or later (host.openbsd is "
        "6.8)",
        '30:43: warning: root is inside the chroot: "/var/www/htdocs" means '
        "/var/www/var/www/htdocs on the host (root-in-chroot)",
        '31:13: error: "b.example.org" is already defined on egress port 80 by server #2 '
        '(httpd: server "b.example.org" defined twice)',
        "36:13: error: maxblack (200) must not exceed maxcon (100); spamd exits with its usage",
        '37:12: error: unknown TLS material "mial" (did you mean "mail"?)',
        '40:45: error: expected an HTTP status such as 301, or "drop", got the text "ok"',
        " invalid: 15 error(s), 2 warning(s)",
    ]


def write(tmp_path: Path, text: str) -> Path:
    site = tmp_path / "site.yaml"
    site.write_text(text)
    return site


HEAD = "host: {name: a.example.org}\ntls:\n  web: {certificate: /c.crt, key: /k.key}\n"


def test_a_broken_material_is_still_known_by_name(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    site = write(tmp_path, HEAD.replace("key: /k.key", "key: k.key") +
                 "httpd:\n  servers:\n    - {name: a.example.org, tls: web}\n")
    assert check(capsys, site)[1][:-1] == [
        '3:35: error: expected an absolute path starting with "/", got "k.key"']


def test_a_broken_tls_section_holds_back_every_reference(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write(tmp_path, "host: {name: a.example.org}\ntls: [web]\n"
                 "httpd:\n  servers:\n    - {name: a.example.org, tls: web, root: /var/www}\n")
    assert check(capsys, site)[1][:-1] == [
        "2:6: error: expected a mapping, got a list",
        '5:45: warning: root is inside the chroot: "/var/www" means /var/www/var/www on the '
        "host (root-in-chroot)"]


def test_a_misspelt_section_others_refer_to_holds_back_their_references(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write(tmp_path, HEAD.replace("tls:", "tsl:") +
                 "httpd:\n  servers:\n    - {name: a.example.org, tls: web}\n")
    lines = check(capsys, site)[1]
    assert lines[0].startswith('2:1: error: unknown key "tsl" (did you mean "tls"?)')
    assert len(lines) == 2


def test_a_broken_httpd_key_holds_back_server_rules_but_not_location_rules(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # without httpd.tls the server would look plain and `http: redirect` would be an error
    site = write(tmp_path, HEAD + "httpd:\n  tls: 5\n  servers:\n"
                 "    - name: a.example.org\n      http: redirect\n      locations:\n"
                 "        - {path: /a/*, redirect: /b/%1}\n")
    assert check(capsys, site)[1][:-1] == [
        "5:8: error: expected a string, got the number 5",
        "10:34: error: %1 refers to a capture, but only a location with `match` has captures"]


def test_expectations_wait_for_a_site_without_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write(tmp_path, HEAD + "httpd:\n  servers:\n    - {name: a.example.org, tls: webb}\n"
                 "expect:\n  - {url: 'https://a.example.org/', status: 404}\n")
    assert check(capsys, site)[1][:-1] == [
        '6:34: error: unknown TLS material "webb" (did you mean "web"?)']
    site.write_text(site.read_text().replace("webb", "web"))
    code, lines = check(capsys, site)
    assert code == 2
    assert lines[0].startswith("8:45: error: https://a.example.org/: expected status 404")


@pytest.mark.parametrize(("name", "known", "message"), [
    ("webb", ["web", "mail"], 'unknown TLS material "webb" (did you mean "web"?)'),
    ("Web", ["web"], 'unknown TLS material "Web" (did you mean "web"?)'),
    ("other", ["web", "mail"],
     'unknown TLS material "other": the tls section defines only "mail", "web"'),
    ("web", [], 'unknown TLS material "web": the tls section defines none'),
])
def test_unknown_names_suggest_the_closest(name: str, known: list[str], message: str) -> None:
    assert unknown_name("TLS material", name, "tls", known) == message


@pytest.mark.parametrize(("text", "message"), [
    ("$REQUEST_URL", "unknown macro $REQUEST_URL (did you mean $REQUEST_URI?)"),
    ("$request_uri", "unknown macro $request_uri (did you mean $REQUEST_URI?)"),
    ("$ZZZ", "unknown macro $ZZZ: httpd knows only $DOCUMENT_URI, $QUERY_STRING, "
     "$QUERY_STRING_ENC, $HTTP_HOST, $REMOTE_ADDR, $REMOTE_PORT, $REMOTE_USER, $REQUEST_URI, "
     "$REQUEST_SCHEME, $SERVER_ADDR, $SERVER_NAME, $SERVER_PORT"),
])
def test_unknown_macros_suggest_the_closest(text: str, message: str) -> None:
    assert [p.message for p in check_expansion(text, (), "7.6", None)] == [message]


def test_strict_makes_warnings_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write(tmp_path, "host: {name: a.example.org}\n"
                 "httpd:\n  servers:\n    - {name: a.example.org, root: /var/www/x}\n")
    warning = ('4:35: warning: root is inside the chroot: "/var/www/x" means /var/www/var/www/x '
               "on the host (root-in-chroot)")
    assert check(capsys, site) == (0, [warning, " valid (1 warning(s))"])
    assert check(capsys, site, "--strict") == (2, [
        warning, " invalid: 0 error(s), 1 warning(s) (--strict: warnings count as errors)"])
    site.write_text(site.read_text().replace("/var/www/x", "/htdocs"))
    assert check(capsys, site, "--strict") == (0, [" valid"])


def test_a_broken_server_still_counts_for_the_rules_across_servers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # server 1's own rules wait (its hsts would be an error without TLS); its name still counts
    site = write(tmp_path, "host: {name: a.example.org}\nhttpd:\n  servers:\n"
                 "    - {name: a.example.org, tls: false, hsts: true, aliasses: [b]}\n"
                 "    - {name: a.example.org, tls: false}\n")
    assert check(capsys, site)[1][:-1] == [
        '4:53: error: unknown key "aliasses" (did you mean "aliases"?)',
        '5:14: error: "a.example.org" is already defined on egress port 80 by server #1 '
        '(httpd: server "a.example.org" defined twice)']


def test_an_unknown_rule_in_silence_names_the_closest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = write(tmp_path, "host: {name: a.example.org}\nhttpd:\n  servers:\n"
                 "    - name: a.example.org\n      locations:\n"
                 "        - {path: /a/*, pass: true, silence: [shadowed, nonsense]}\n")
    assert check(capsys, site)[1][:-1] == [
        '6:46: error: unknown rule "shadowed" (did you mean "shadowed-location"?)',
        '6:56: error: unknown rule "nonsense": a location can silence shadowed-location, '
        "glob-like-pattern, redirect-loop, relative-redirect, unmatchable-path, root-in-chroot"]


def test_every_location_warning_can_be_silenced() -> None:
    from hostgen.checks import lints
    from hostgen.site.rules.httpd import SILENCEABLE
    assert {lints.SHADOWED, lints.GLOB_LIKE, lints.LOOP} <= set(SILENCEABLE)


def _paths(node: object, here: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


_STORY = load_text((CASES.parent.parent / "site.yaml").read_text()).data
_PATHS = [p for p in _paths(_STORY) if p]
_JUNK = st.one_of(st.integers(-3, 700), st.booleans(), st.none(), st.text(max_size=4),
                  st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3),
                                                                       st.integers(), max_size=2))


@settings(max_examples=150)
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _JUNK), min_size=1, max_size=3))
def test_any_broken_part_gives_problems_never_a_crash(
        edits: list[tuple[tuple[object, ...], object]]) -> None:
    data = copy.deepcopy(_STORY)
    for path, junk in edits:
        node = data
        for part in path[:-1]:
            node = node[part] if isinstance(node, (dict, list)) and \
                (part in node if isinstance(node, dict) else
                 isinstance(part, int) and part < len(node)) else None
            if node is None:
                break
        if isinstance(node, dict) or (isinstance(node, list) and
                                      isinstance(path[-1], int) and path[-1] < len(node)):
            node[path[-1]] = junk  # type: ignore[index]
    result = validate_parts(Loaded(data, Positions(), []))
    if result.site is None:
        assert has_errors(result.problems)
    if result.parts is not None:
        check_lints(result.parts, simulate=False)
