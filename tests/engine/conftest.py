"""Fixtures for the engine tests: the engine fixture instrument and an answers builder."""

from __future__ import annotations

from pathlib import Path

import pytest

ENGINE_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "engine" / "engine.yaml"


@pytest.fixture(scope="session")
def engine_q():
    from pia.loader import load_questionnaire

    return load_questionnaire(ENGINE_FIXTURE)
