"""The golden cases: each folder of tests/cases holds a site.yaml and expected/ output.

expected/exit, expected/stdout, expected/stderr are what `hostgen render` printed; expected/etc/
holds the files it wrote. The `story` case has no site.yaml of its own: it is the shipped one.
Paths in the output are made relative (CASE/ and OUT/) so the files do not depend on where the
checkout lives.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from hostgen.cli import main

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CASES = sorted(p for p in (HERE / "cases").iterdir() if p.is_dir())


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def site_of(case: Path) -> Path:
    own = case / "site.yaml"
    return own if own.exists() else REPO / "site.yaml"


def run_case(case: Path, out: Path) -> Result:
    """Render the case's site into `out` from inside the case folder (relative names)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(site_of(case).parent)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["render", "site.yaml", "--out", str(out)])
    finally:
        os.chdir(previous)
    clean = str(out)
    return Result(code, stdout.getvalue().replace(clean, "OUT"),
                  stderr.getvalue().replace(clean, "OUT"))


def tree(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
