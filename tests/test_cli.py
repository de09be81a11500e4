"""The render, check and schema commands as a user runs them: exit codes, output, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostgen import __version__
from hostgen.cli import main

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "site.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"hostgen {__version__}\n"


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 2
    assert err.startswith("usage: hostgen")


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--bogus"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["render", "check", "schema"])
def test_command_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: hostgen {command}")


def test_check_story_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(STORY))
    assert (code, out, err) == (0, f"{STORY}: valid\n", "")


def test_check_reports_every_problem_with_positions(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("host: {name: a.example.org, openbsd: \"7.6\"}\n"
                    "resolver:\n  nameservers: [\"::1\"]\n  fallbak: [9.9.9.9]\n"
                    "httpd:\n  servers:\n    - {name: a.example.org, root: /var/www/x}\n")
    code, out, _ = run(capsys, "check", str(site))
    assert code == 2
    # the misspelt key holds back the resolver's rules (no "no fallback" error), not httpd's
    assert out.splitlines() == [
        f'{site}:4:3: error: unknown key "fallbak" (did you mean "fallback"?)',
        f'{site}:7:35: warning: root is inside the chroot: "/var/www/x" means '
        "/var/www/var/www/x on the host (root-in-chroot)",
        f"{site}: invalid: 1 error(s), 1 warning(s)",
    ]
    site.write_text(site.read_text().replace("fallbak", "fallback"))
    code, out, _ = run(capsys, "check", str(site))
    assert code == 0
    assert out.splitlines() == [
        f'{site}:7:35: warning: root is inside the chroot: "/var/www/x" means '
        "/var/www/var/www/x on the host (root-in-chroot)",
        f"{site}: valid (1 warning(s))",
    ]


def test_invalid_site_leaves_existing_output_untouched(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    assert run(capsys, "render", str(STORY), "--out", str(out))[0] == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.yaml"
    bad.write_text(STORY.read_text().replace("selector: blackblock", "selector: black block"))
    code, stdout, err = run(capsys, "render", str(bad), "--out", str(out))
    assert code == 2
    assert stdout == ""
    assert err.splitlines()[-1] == f"hostgen: {bad}: 1 error(s), nothing written"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("content", "expected"), [
    (b"", 'site.yaml:1:1: error: missing required key "host"'),
    (b"- a\n- b\n", "site.yaml:1:1: error: expected a mapping with the keys host, resolver, "
                    "tls, fastcgi, httpd, spamd, dkimproxy, mta, expect, got a list"),
    (b"host: {name: a.org}\n\tresolver: x\n",
     "site.yaml:2:1: error: YAML syntax: a tab cannot start a token: YAML indents with spaces "
     "only"),
    (b"host: {name: a.org}\nhost: {name: b.org}\n",
     'site.yaml:2:1: error: duplicate key "host" (first defined at line 1)'),
    (b"host: {name: a.org}\n? [a, b]\n: c\n", "site.yaml:2:3: error: keys must be plain strings"),
])
def test_malformed_files_are_positioned(content: bytes, expected: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("site.yaml").write_bytes(content)
    code, out, err = run(capsys, "render")
    assert code == 2
    assert err.splitlines()[0] == expected
    assert not Path("rendered").exists()


def test_unreadable_and_binary_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert run(capsys, "render", str(missing))[0:2] == (2, "")
    assert capsys.readouterr().err == ""
    code, _, err = run(capsys, "check", str(missing))
    assert code == 2
    assert err == f"hostgen: cannot read {missing}: No such file or directory\n"
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"host: {name: caf\xe9.org}\n")
    code, _, err = run(capsys, "render", str(latin))
    assert (code, err) == (2, f"hostgen: {latin}: not UTF-8 text (byte 16)\n")


def test_render_prints_one_line_per_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "render", str(STORY), "--out", str(tmp_path))
    assert code == 0 and err == ""
    assert out.splitlines() == [f"wrote {tmp_path}/etc/{name}" for name in (
        "acme-client.conf", "dkimproxy_out.conf", "httpd.conf", "httpd.tls", "mail/smtpd.conf",
        "rc.conf.local", "resolv.conf")]


def test_render_is_byte_identical_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "hostgen", "render", str(STORY), "--out", str(out)],
                       check=True, env=env, capture_output=True)
        trees.append({str(p.relative_to(out)): p.read_bytes()
                      for p in sorted(out.rglob("*")) if p.is_file()})
    assert trees[0] == trees[1]
    assert all(b"\r" not in text for text in trees[0].values())


def test_user_templates_override_shipped_ones(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "resolv.conf.j2").write_text(
        "# mine\n{% for a in resolver.nameservers + resolver.fallback %}"
        "nameserver {{ a | plain }}\n{% endfor %}")
    out = tmp_path / "out"
    code, _, _ = run(capsys, "render", str(STORY), "--out", str(out), "--templates", str(mine))
    assert code == 0
    assert (out / "etc/resolv.conf").read_text() == (
        "# mine\nnameserver ::1\nnameserver 9.9.9.9\nnameserver 2620:fe::fe\n")
    assert (out / "etc/httpd.conf").read_text().startswith("# Generated by hostgen")


def test_broken_user_template_is_reported_with_its_line(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "httpd.tls.j2").write_text("listen on x\n{% if %}\n")
    code, out, err = run(capsys, "render", str(STORY), "--out", str(tmp_path / "o"),
                         "--templates", str(mine))
    assert code == 2
    assert err == (f"hostgen: {mine}/httpd.tls.j2:2: "
                   "Expected an expression, got 'end of statement block'\n")
    assert not (tmp_path / "o").exists()


def test_schema_matches_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out) == json.loads((REPO / "site.schema.json").read_text())
    assert out == (REPO / "site.schema.json").read_text()
    assert STORY.read_text().splitlines()[0] == "# yaml-language-server: $schema=site.schema.json"


def test_a_location_silences_its_warnings_but_not_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site.yaml"
    body = ("host: {name: a.example.org}\n"
            "httpd:\n  servers:\n    - name: a.example.org\n      tls: false\n      locations:\n"
            "        - {path: /a, redirect: elsewhere, silence: [relative-redirect]}\n"
            "        - {path: /b, redirect: elsewhere}\n")
    site.write_text(body)
    code, out, _ = run(capsys, "check", str(site))
    assert (code, out.splitlines()) == (0, [
        f'{site}:8:32: warning: redirect target "elsewhere" has no scheme and is not an absolute '
        "path; browsers would resolve it relative to the current URL (relative-redirect)",
        f"{site}: valid (1 warning(s))"])
    site.write_text(body.replace("redirect: elsewhere, silence", "redirect: /x/%1, silence"))
    code, out, _ = run(capsys, "check", str(site))
    assert code == 2
    assert out.splitlines()[0] == (f"{site}:7:32: error: %1 refers to a capture, but only a "
                                   "location with `match` has captures")


def test_a_passing_location_keeps_the_root_of_a_redirecting_server(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A location with `pass` inherits the server's root and index (httpd-conf.md 2.6): they
    only have no effect when every passing location sets its own."""
    case = REPO / "tests" / "cases" / "redirect-with-passing-locations" / "site.yaml"
    code, out, _ = run(capsys, "check", str(case))
    assert (code, out) == (0, f"{case}: valid\n")
    own = case.read_text().replace("pass: true", "pass: true, root: /htdocs/own")
    site = tmp_path / "site.yaml"
    site.write_text(own)
    code, out, _ = run(capsys, "check", str(site))
    assert (code, out) == (2, f"{site}:10:13: error: root has no effect: the whole server "
                              f"redirects\n{site}: invalid: 1 error(s), 0 warning(s)\n")
