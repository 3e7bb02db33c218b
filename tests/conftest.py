"""Shared fixtures, and the rule that CI may not skip anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    """Under PIA_NO_SKIP=1 (set by .ci/run) a skipped test counts as failed."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("PIA_NO_SKIP") == "1" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped under PIA_NO_SKIP=1 (CI must run everything): {reason}"


@pytest.fixture(autouse=True)
def patient_expect():
    """Every check on the page waits for its state as long as an action or `wait_idle` does (30 s).

    Playwright's `expect` gives up after 5 s by default, shorter than one rerun of a step on a loaded CI
    machine: a step change redraws the page, and until that run ends the old step's heading is still in the
    page beside the new one. A check made during that run must wait for its end, not fail at 5 s.
    """
    try:
        from playwright.sync_api import expect
    except ImportError:     # no browser tests can run; nothing to set
        yield
        return
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def mini_path() -> Path:
    return FIXTURES / "mini" / "mini.yaml"


@pytest.fixture(scope="session")
def mini(mini_path: Path):
    from pia.loader import load_questionnaire

    return load_questionnaire(mini_path)


@pytest.fixture(scope="session")
def camera():
    """The bundled camera instrument, loaded once for every folder that weighs its rules or examples."""
    from pia.loader import load_questionnaire

    return load_questionnaire(ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml")
