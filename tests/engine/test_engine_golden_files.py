"""Whole-record golden files: the full JSON of three answers files, reviewed by hand when written.

Any change to what the engine concludes or records for these inputs shows up
as a diff here. After an intended change, regenerate with
`PIA_UPDATE_GOLDEN=1 python -m pytest tests/engine/test_engine_golden_files.py`
and review the diff before committing. The engine version is left out so a
version bump alone does not churn the files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pia.answers import load
from pia.assess import assess

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "engine"
CASES = ["busy", "clean", "red_flag"]


def _normalised(text: str) -> str:
    data = json.loads(text)
    data["engine_version"] = "(any)"
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("case", CASES)
def test_golden_assessment(engine_q, case):
    answers, _ = load(FIXTURE / "answers" / f"{case}.yaml")
    got = _normalised(assess(engine_q, answers).to_json())
    golden = FIXTURE / "golden" / f"{case}.json"
    if os.environ.get("PIA_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"{golden} missing; run with PIA_UPDATE_GOLDEN=1 and review it"
    assert got == golden.read_text(encoding="utf-8")
