"""Regenerate tests/import/*/expected from the current code. Review the diff before committing.

    .venv/bin/python tests/regen_imports.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from importcases import CASES, roundtrip, run_import  # noqa: E402


def main() -> None:
    for case in CASES:
        expected = case / "expected"
        shutil.rmtree(expected, ignore_errors=True)
        expected.mkdir()
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "site.yaml"
            code, stdout, stderr = run_import(case, out)
            (expected / "exit").write_text(f"{code}\n")
            (expected / "stdout").write_text(stdout)
            (expected / "stderr").write_text(stderr)
            if out.exists():
                shutil.copy(out, expected / "site.yaml")
                (expected / "roundtrip").write_text(
                    "".join(f"{line}\n" for line in roundtrip(case / "etc", out)))
        print(f"{case.name}: exit {code}")


if __name__ == "__main__":
    main()
