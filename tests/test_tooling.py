"""The code checks a reviewer relies on, run with the tests so that CI holds them too: mypy in
strict mode over hostgen (records are frozen for mypy only, hostgen/live/records.py, so a stray
assignment is caught here and nowhere else) and ruff over the whole tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    if found is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]' brings it)")
    return found


def test_mypy_strict_finds_nothing_in_hostgen() -> None:
    done = subprocess.run([tool("mypy"), "hostgen"], cwd=REPO, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")


def test_ruff_finds_nothing() -> None:
    done = subprocess.run([tool("ruff"), "check", "hostgen", "tests", "benchmarks"], cwd=REPO,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
