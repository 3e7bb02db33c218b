"""Fixtures for the report tests (helpers live in reportkit.py, a uniquely named module)."""

from __future__ import annotations

import pytest

from .reportkit import HERE, Example, example_files, load_example


@pytest.fixture(params=example_files(), ids=lambda p: p.stem)
def example(request: pytest.FixtureRequest) -> Example:
    return load_example(request.param)


@pytest.fixture
def hostile() -> Example:
    return load_example(HERE / "answers" / "mini-drone-hostile-text.yaml")
