"""The bundled camera instrument as the engine tests read it: its folder, its examples, rates that pass, and
the loader's refusal of an edited copy.

The instrument itself is the session fixture `camera` (tests/conftest.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pia.answers import AnswerSet, load
from pia.errors import PiaError
from pia.loader import load_questionnaire

INSTRUMENT = Path(__file__).resolve().parents[2] / "questionnaires" / "camera-hria"

# False matches per million comparisons for each group tested, about 10 for every group: highest over lowest is
# 11 / 9 = 1.22, within the acceptance rule (`max_disparity_ratio: 1.5`, rules.yaml). Independent bias testing
# (M-BIAS-TESTING) counts only with a test that passes; an example that gives no rates per group takes these so
# its ratings, not the missing accuracy figures, decide its outcome.
PASSING_RATES = [{"group": g, "fmr_per_million": r} for g, r in [("Women", 10), ("Men", 9), ("Darker skin", 11)]]


def example(name: str) -> AnswerSet:
    """The answers of one shipped example, by its file name without `.yaml`."""
    return load(INSTRUMENT / "examples" / f"{name}.yaml")[0]


def change(answer_set: AnswerSet, **values: object) -> AnswerSet:
    """The answers with each question id set to its value."""
    for qid, value in values.items():
        answer_set = answer_set.with_answer(qid, value)
    return answer_set


def status(assessment: object, rule_id: str) -> str | None:
    """'holds', 'potential' or None (the rule does not apply)."""
    for right in assessment.rights:  # type: ignore[attr-defined]
        for hit in right.rule_hits:
            if hit.id == rule_id:
                return hit.status
    return None


def harm(right: object, hid: str) -> object:
    """One harm's rating of a right, by harm id."""
    return next(h for h in right.harm_ratings if h.id == hid)  # type: ignore[attr-defined]


def refusal(tmp_path: Path, file: str, old: str, new: str) -> str:
    """The loader's message for a copy of the instrument (examples left out) with `old` replaced by `new` in
    `file`; fails unless the loader refuses it. The edit is made in a scratch folder, never in the shipped one."""
    folder = tmp_path / "camera-hria"
    shutil.copytree(INSTRUMENT, folder, ignore=shutil.ignore_patterns("examples"))
    path = folder / file
    source = path.read_text(encoding="utf-8")
    assert old in source, f"{file} no longer says {old!r}: the test edits nothing"
    path.write_text(source.replace(old, new), encoding="utf-8")
    with pytest.raises(PiaError) as err:
        load_questionnaire(folder / "camera_hria.yaml")
    return str(err.value)
