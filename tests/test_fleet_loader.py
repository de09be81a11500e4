"""`include:` and its merge rule, with every problem at the file and position of its text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hostgen.site.fleet import Includes, host_files, load_document, repository_of
from hostgen.site.load import check_site_file
from hostgen.site.problems import format_problems


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def problems_of(root: Path, host: str = "hosts/web.yaml") -> list[str]:
    """`hostgen check`'s lines for one host, named relative to `root` as a user in it would."""
    here = os.getcwd()
    os.chdir(root)
    try:
        site, problems, positions = check_site_file(Path(host))
        return format_problems(problems, positions, host)
    finally:
        os.chdir(here)


def data_of(root: Path, host: str = "hosts/web.yaml") -> object:
    path = root / host
    loaded = load_document(path, host, path.read_text(), Includes(root))
    assert loaded.problems == []
    return loaded.data


def test_maps_merge_key_by_key_and_the_host_wins(tmp_path: Path) -> None:
    write(tmp_path, {
        "common/a.yaml": "resolver: {nameservers: ['::1'], lookup: [file]}\n"
                         "host: {openbsd: '7.5'}\n",
        "common/b.yaml": "resolver: {fallback: [192.0.2.1], lookup: [bind]}\n",
        "hosts/web.yaml": "include: [../common/a.yaml, ../common/b.yaml]\n"
                          "host: {name: web.example.org, openbsd: '7.6'}\n"
                          "resolver: {nameservers: [192.0.2.9]}\n",
    })
    assert data_of(tmp_path) == {
        # the later file wins over the earlier; lists are replaced, never concatenated
        "resolver": {"nameservers": ["192.0.2.9"], "lookup": ["bind"],
                     "fallback": ["192.0.2.1"]},
        "host": {"openbsd": "7.6", "name": "web.example.org"},
    }


def test_a_server_written_once_is_an_include_in_a_list_item(tmp_path: Path) -> None:
    write(tmp_path, {
        "common/www.yaml": "name: www.example.org\nroot: /htdocs/www\n",
        "hosts/web.yaml": "host: {name: web.example.org}\n"
                          "httpd:\n  servers:\n"
                          "    - {include: ../common/www.yaml, root: /htdocs/web}\n"
                          "    - {name: blog.example.org}\n",
    })
    assert data_of(tmp_path) == {"host": {"name": "web.example.org"}, "httpd": {"servers": [
        {"name": "www.example.org", "root": "/htdocs/web"}, {"name": "blog.example.org"}]}}


def test_a_problem_in_a_shared_file_is_reported_there_via_the_host(tmp_path: Path) -> None:
    write(tmp_path, {
        "common/tls.yaml": "# shared\ntls:\n  web:\n    certificate: etc/ssl/a.crt\n"
                           "    key: /etc/ssl/private/a.key\n",
        "common/base.yaml": "include: tls.yaml\nhost:\n  openbsd: '7.6'\n  nmae: x\n",
        "common/www.yaml": "name: www.example.org\naliasses: [example.org]\n",
        "hosts/web.yaml": "include: [../common/base.yaml]\nhost: {name: web.example.org}\n"
                          "httpd:\n  servers:\n    - include: ../common/www.yaml\n"
                          "    - {name: b.example.org, tls: nope}\n",
    })
    assert problems_of(tmp_path) == [
        # the rules run beside the type errors (every problem at once); the host's own first
        'hosts/web.yaml:6:34: error: unknown TLS material "nope": the tls section defines '
        'only "web"',
        'common/base.yaml:4:3: error: unknown key "nmae" (did you mean "name"?) '
        "(via hosts/web.yaml)",
        'common/tls.yaml:4:18: error: expected an absolute path starting with "/", '
        'got "etc/ssl/a.crt" (via hosts/web.yaml)',
        'common/www.yaml:2:1: error: unknown key "aliasses" (did you mean "aliases"?) '
        "(via hosts/web.yaml)",
    ]


def test_rules_after_the_types_point_into_the_right_file(tmp_path: Path) -> None:
    write(tmp_path, {
        "common/www.yaml": "name: www.example.org\ntls: nope\n",
        "hosts/web.yaml": "host: {name: web.example.org}\n"
                          "httpd:\n  servers:\n    - include: ../common/www.yaml\n"
                          "    - {name: b.example.org, tls: gone}\n",
    })
    lines = problems_of(tmp_path)
    assert [line.split(": error:")[0] for line in lines] == [
        "hosts/web.yaml:5:34", "common/www.yaml:2:6"]
    assert lines[1].endswith("(via hosts/web.yaml)")


def test_yaml_problems_of_an_included_file_are_at_its_own_lines(tmp_path: Path) -> None:
    write(tmp_path, {
        "common/bad.yaml": "tls:\n  web: {certificate: /a, key: /b}\n  web: {key: /b}\n",
        "common/syntax.yaml": "tls:\n  web: [\n",
        "hosts/web.yaml": "include:\n  - ../common/bad.yaml\n  - ../common/syntax.yaml\n"
                          "host: {name: web.example.org}\n",
    })
    lines = problems_of(tmp_path)
    assert lines[0] == ('common/bad.yaml:3:3: error: duplicate key "web" (first defined at '
                        "line 2) (via hosts/web.yaml)")
    assert lines[1].startswith("common/syntax.yaml:3:1: error: YAML syntax: ")
    assert lines[1].endswith("(via hosts/web.yaml)")


def test_loops_outside_files_and_bad_values_are_errors_at_the_include(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "secret.yaml").write_text("tls: {}\n")
    write(tmp_path / "repo", {
        "common/a.yaml": "include: b.yaml\n",
        "common/b.yaml": "include: [a.yaml]\n",
        "common/list.yaml": "- 1\n",
        "hosts/web.yaml": "include:\n  - ../common/a.yaml\n  - ../../secret.yaml\n"
                          "  - /etc/x.yaml\n  - ../common/missing.yaml\n"
                          "  - ../common/list.yaml\n  - 5\n"
                          "host: {name: web.example.org, include: 3}\n",
    })
    assert problems_of(tmp_path / "repo") == [
        'hosts/web.yaml:3:5: error: include "../../secret.yaml" is outside the repository '
        f"({tmp_path / 'repo'})",
        'hosts/web.yaml:4:5: error: include "/etc/x.yaml": write the path relative to this '
        "file, so the repository works wherever it is checked out",
        "hosts/web.yaml:5:5: error: cannot read common/missing.yaml: No such file or directory",
        "hosts/web.yaml:7:5: error: expected the path of a file, relative to this file",
        "hosts/web.yaml:8:40: error: include takes a file or a list of files (paths relative "
        "to this file)",
        "common/b.yaml:1:11: error: include loop: hosts/web.yaml -> common/a.yaml -> "
        "common/b.yaml -> common/a.yaml (via hosts/web.yaml)",
        "common/list.yaml:1:1: error: an included file holds a mapping of keys to merge, not a "
        "list (via hosts/web.yaml)",
    ]


def test_a_plain_site_pays_nothing_for_includes(tmp_path: Path) -> None:
    write(tmp_path, {"site.yaml": "host: {name: a.example.org}\n"})
    loaded = load_document(tmp_path / "site.yaml", "site.yaml", "host: {name: a.example.org}\n")
    assert loaded.positions.parts == {} and loaded.positions.file is None


def test_the_repository_is_the_git_top_or_the_folder_above_the_fleet(tmp_path: Path) -> None:
    write(tmp_path, {"infra/hosts/a.yaml": "", "infra/hosts/b.yaml": "", "infra/hosts/x.yml": "",
                     "infra/hosts/common/c.yaml": ""})
    assert repository_of(tmp_path / "infra/hosts/a.yaml") == tmp_path / "infra"
    (tmp_path / ".git").mkdir()
    assert repository_of(tmp_path / "infra/hosts/a.yaml") == tmp_path
    assert [p.name for p in host_files(tmp_path / "infra/hosts")] == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize("hostile", ['"; include \\"/etc/passwd', "a\nb"])
def test_hostile_include_names_are_only_file_names(tmp_path: Path, hostile: str) -> None:
    text = json.dumps({"include": [hostile], "host": {"name": "a.example.org"}})
    write(tmp_path, {"hosts/web.yaml": text})
    lines = problems_of(tmp_path)
    assert len(lines) == 1 and "cannot read" in lines[0]


def test_a_list_taken_whole_from_a_file_keeps_its_positions(tmp_path: Path) -> None:
    write(tmp_path, {
        "common/servers.yaml": "httpd:\n  listen: egress\n  servers:\n"
                               "    - {name: a.example.org}\n    - {name: b.example.org, "
                               "root: here}\n",
        "common/materials.yaml": "web: {certificate: /a.crt, key: b.key}\n",
        "hosts/web.yaml": "include: ../common/servers.yaml\nhost: {name: web.example.org}\n"
                          "tls:\n  include: ../common/materials.yaml\n"
                          "httpd: {tls: web, prefork: 0}\n",
    })
    assert problems_of(tmp_path) == [
        "hosts/web.yaml:5:28: error: must be at least 1, got 0",
        'common/materials.yaml:1:33: error: expected an absolute path starting with "/", got '
        '"b.key" (via hosts/web.yaml)',
        'common/servers.yaml:5:35: error: expected an absolute path starting with "/", got '
        '"here" (via hosts/web.yaml)',
    ]
