"""Rewrite the expected files of every case under tests/cases from the current output.

Run it after an intended change of output, then read `git diff tests/cases` as the review:
    .venv/bin/python tests/regen_cases.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casefiles import CASES, run_case  # noqa: E402


def main() -> None:
    for case in CASES:
        expected = case / "expected"
        shutil.rmtree(expected, ignore_errors=True)
        result = run_case(case, expected)  # writes expected/etc directly
        expected.mkdir(exist_ok=True)
        (expected / ".hostgen-rendered").unlink(missing_ok=True)  # render's own; not compared
        (expected / "exit").write_text(f"{result.exit_code}\n")
        (expected / "stdout").write_text(result.stdout)
        (expected / "stderr").write_text(result.stderr)
        print(f"{case.name}: exit {result.exit_code}")


if __name__ == "__main__":
    main()
