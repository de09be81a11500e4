"""`hostgen pattern PATTERN SUBJECT...`: exit codes and exact output."""

from __future__ import annotations

import pytest

from hostgen.cli import main

STORY = "^/index/category/([%g]+)$"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["pattern", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_story_host_match(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, STORY, "/index/category/42") == (
        0,
        "/index/category/42: match\n  %0 = /index/category/42\n  %1 = 42\n",
        "",
    )


def test_no_match_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, STORY, "/index/category/") == (1, "/index/category/: no match\n", "")


def test_every_subject_is_reported_and_one_miss_exits_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, STORY, "/index/category/7", "/about", "/index/category/x") == (
        1,
        "/index/category/7: match\n  %0 = /index/category/7\n  %1 = 7\n"
        "/about: no match\n"
        "/index/category/x: match\n  %0 = /index/category/x\n  %1 = x\n",
        "",
    )


def test_pattern_without_captures_shows_the_matched_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "/admin", "/x/admin/y") == (
        0,
        "/x/admin/y: match\n  %0 = /x/admin/y\n  %1 = /admin\n",
        "",
    )


def test_position_captures_show_empty(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "()aa()", "flaaap") == (
        0,
        "flaaap: match\n  %0 = flaaap\n  %1 = \n  %2 = \n",
        "",
    )


def test_malformed_pattern_exits_2_once_before_any_subject(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "^/x[a", "/y", "/z") == (
        2,
        "",
        "hostgen: pattern \"^/x[a\": malformed pattern (missing ']')\n",
    )


def test_static_error_is_reported_even_when_no_subject_reaches_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "x)*", "/abc") == (
        2,
        "",
        'hostgen: pattern "x)*": invalid pattern capture\n',
    )


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("a%", "malformed pattern (ends with '%')"),
        ("%bx", "malformed pattern (missing arguments to '%b')"),
        ("%fx", "missing '[' after '%f' in pattern"),
        ("(a)%2", "invalid capture index"),
        ("%0", "invalid capture index"),
        ("(abc", "unfinished capture"),
        ("(a)" * 32, "too many captures"),
    ],
)
def test_each_static_error(capsys: pytest.CaptureFixture[str], pattern: str, message: str) -> None:
    assert run(capsys, pattern, "/a") == (2, "", f'hostgen: pattern "{pattern}": {message}\n')


def test_runtime_error_for_one_subject_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    pattern = "^/" + "a?" * 200
    deep = "/" + "a" * 300
    code, out, err = run(capsys, pattern, "/b", deep)
    assert code == 2
    assert out == f"/b: match\n  %0 = /b\n  %1 = /\n{deep}: error\n"
    assert err == f'hostgen: pattern "{pattern}": pattern too complex\n'


def test_split_utf8_is_shown_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "^/(.)", "/é") == (0, "/é: match\n  %0 = /é\n  %1 = \\xc3\n", "")


def test_help_explains_with_the_story_host_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["pattern", "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert "hostgen pattern '^/index/category/([%g]+)$' /index/category/42" in out
    assert "  %1 = 42\n" in out
    assert "exit status: 0 every subject matched, 1 some subject did not match, 2" in out


def test_listed_in_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "pattern   test a `location match` pattern against request paths" in (
        capsys.readouterr().out
    )


def test_a_subject_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["pattern", STORY])
    assert exited.value.code == 2
    assert "the following arguments are required: SUBJECT" in capsys.readouterr().err
