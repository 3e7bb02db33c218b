"""Fixtures for the camera instrument tests: the instrument, its examples, an answers builder."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTRUMENT_DIR = ROOT / "questionnaires" / "camera-hria"
CORE = INSTRUMENT_DIR / "camera_hria.yaml"
EXAMPLES = sorted((INSTRUMENT_DIR / "examples").glob("*.yaml"))


@pytest.fixture(scope="session")
def examples(camera):
    """name -> AnswerSet of every example answers file."""
    from pia.answers import load

    return {p.stem: load(p)[0] for p in EXAMPLES}


@pytest.fixture()
def answer_set(camera):
    """Build an AnswerSet for the camera instrument from a dict of answers."""
    from pia.answers import AnswerSet

    def build(answers: dict, meta: dict | None = None) -> AnswerSet:
        return AnswerSet(camera.id, camera.version, dict(meta or {}), dict(answers))

    return build
