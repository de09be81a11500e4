"""Golden cases: rendered bytes, printed lines and exit codes, exactly as recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from casefiles import CASES, run_case, tree


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, tmp_path: Path) -> None:
    expected = case / "expected"
    out = tmp_path / "out"
    result = run_case(case, out)
    assert result.exit_code == int((expected / "exit").read_text())
    assert result.stderr == (expected / "stderr").read_text()
    assert result.stdout == (expected / "stdout").read_text()
    assert tree(out / "etc") == tree(expected / "etc")
    if result.exit_code != 0:
        assert not out.exists(), "an invalid site must not write anything"


def test_every_case_has_expectations() -> None:
    for case in CASES:
        assert (case / "expected" / "exit").is_file(), case.name
