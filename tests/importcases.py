"""The import cases: each folder of tests/import holds a live root and what importing it gives.

NAME/etc/ is the ROOT given to `hostgen import` (with motd, myname, and the files hostgen owns;
NAME/usr/ holds what the host has outside /etc, such as /usr/share/misc/mime.types).
NAME/expected/ holds site.yaml (what import wrote), stderr (the warnings), exit, and roundtrip:
every difference in meaning between the live files and the files the written site.yaml renders,
one per line (empty: the import is exact). The round trip reads both httpd.conf files with
hostgen's parser and compares what httpd makes of them (hostgen.adopt.meaning); rc.conf.local,
dkimproxy_out.conf and resolv.conf are compared with `diff --semantic`'s structures.
"""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path
from typing import Any

from hostgen.adopt.etc import read_httpd
from hostgen.adopt.meaning import meaning
from hostgen.cli import main
from hostgen.host import semantic
from hostgen.host.files import read_text
from hostgen.host.liveview import include_reader
from hostgen.live import httpd
from hostgen.render.outputs import render
from hostgen.site.load import load_site

HERE = Path(__file__).resolve().parent
CASES = sorted(p for p in (HERE / "import").iterdir() if p.is_dir())
MAIL_FILES = ("rc.conf.local", "dkimproxy_out.conf", "resolv.conf")


def run_import(case: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    """`hostgen import etc --out OUT` from inside the case folder; OUT shown as OUT."""
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(case)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["import", "etc", "--out", str(out), *extra])
    finally:
        os.chdir(previous)
    return code, stdout.getvalue().replace(str(out), "OUT"), stderr.getvalue()


def roundtrip(root: Path, site_path: Path) -> list[str]:
    """The differences in meaning between the live files under ROOT and what the site renders."""
    site = load_site(site_path).site
    rendered = {name: output.text for name, output in render(site).items()}
    lines: list[str] = []
    read = read_httpd(root, site.host.openbsd)
    if read is not None or "httpd.conf" in rendered:
        before = meaning(read[0]) if read is not None else None
        after = None
        if "httpd.conf" in rendered:
            after = meaning(httpd.parse(rendered["httpd.conf"], "rendered/httpd.conf",
                                        read_include=include_reader(root, rendered)))
        lines += [f"httpd.conf: {line}" for line in differences(before, after)]
    for name in MAIL_FILES:
        live = read_text(root / name)
        if live is None and name not in rendered:
            continue
        old = semantic.structure(name, live, name) if live is not None else None
        new = semantic.structure(name, rendered[name], name) if name in rendered else None
        lines += [f"{name}: {line}" for line in differences(old, new)]
    return lines


def differences(old: Any, new: Any, path: str = "") -> list[str]:
    """`PATH: OLD -> NEW` for each leaf that differs, in order."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in list(old) + [k for k in new if k not in old]:
            found += differences(old.get(key), new.get(key), f"{path}[{key!r}]")
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        found = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found += differences(a, b, f"{path}[{index}]")
        return found
    return [] if old == new else [f"{path or '.'}: {old!r} -> {new!r}"]
