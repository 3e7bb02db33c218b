"""The bundled camera instrument as the engine tests read it: its folder, its examples, rates that pass.

The instrument itself is the session fixture `camera` (tests/conftest.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pia.answers import AnswerSet, load

INSTRUMENT = Path(__file__).resolve().parents[2] / "questionnaires" / "camera-hria"

# False matches per million comparisons for each group tested, about 10 for every group: highest over lowest is
# 11 / 9 = 1.22, within the acceptance rule (`max_disparity_ratio: 1.5`, rules.yaml). Independent bias testing
# (M-BIAS-TESTING) counts only with a test that passes; an example that gives no rates per group takes these so
# its ratings, not the missing accuracy figures, decide its outcome.
PASSING_RATES = [{"group": g, "fmr_per_million": r} for g, r in [("Women", 10), ("Men", 9), ("Darker skin", 11)]]


def example(name: str) -> AnswerSet:
    """The answers of one shipped example, by its file name without `.yaml`."""
    return load(INSTRUMENT / "examples" / f"{name}.yaml")[0]


def edited_copy(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """The core file of a copy of the instrument (examples left out) in which `old` is replaced by `new` in `file`:
    what the loader must refuse is written in a scratch folder, never in the shipped one."""
    folder = tmp_path / "camera-hria"
    shutil.copytree(INSTRUMENT, folder, ignore=shutil.ignore_patterns("examples"))
    path = folder / file
    source = path.read_text(encoding="utf-8")
    assert old in source, f"{file} no longer says {old!r}: the test edits nothing"
    path.write_text(source.replace(old, new), encoding="utf-8")
    return folder / "camera_hria.yaml"
