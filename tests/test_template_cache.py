"""Compiled templates are kept between runs (start-up) without changing a byte of output."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from jinja2.bccache import FileSystemBytecodeCache

from hostgen.cli import main
from hostgen.render.outputs import shipped_templates

STORY = Path(__file__).resolve().parent.parent / "site.yaml"


def render(out: Path, *options: str) -> dict[str, bytes]:
    assert main(["render", str(STORY), "--out", str(out), *options]) == 0
    return {str(p.relative_to(out)): p.read_bytes() for p in (out / "etc").rglob("*")
            if p.is_file()}


def test_the_cache_is_filled_and_read_and_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = render(tmp_path / "a")
    cached = sorted((tmp_path / "cache" / "hostgen").rglob("*.cache"))
    assert len(cached) == len(list(shipped_templates().glob("*.j2")))   # one per template
    assert render(tmp_path / "b") == first
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "nocache"))
    (tmp_path / "nocache").write_text("not a folder")   # the cache cannot be made
    assert render(tmp_path / "c") == first


def test_an_unwritable_cache_only_costs_the_compilation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = render(tmp_path / "a")

    def full_disk(self: object, bucket: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", full_disk)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other"))
    assert render(tmp_path / "b") == first
    assert not list((tmp_path / "other").rglob("*.cache"))


def test_an_edited_user_template_is_compiled_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "resolv.conf.j2").write_text("# one\n")
    assert render(tmp_path / "a", "--templates", str(templates))["etc/resolv.conf"] == b"# one\n"
    (templates / "resolv.conf.j2").write_text("# two\n")
    assert render(tmp_path / "b", "--templates", str(templates))["etc/resolv.conf"] == b"# two\n"
