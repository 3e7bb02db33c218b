"""The app server dies (SIGKILL) while a user works: after a restart, everything typed is there.

A real `streamlit run app.py` on a free port and Debian's Chromium: the user
starts an assessment and types answers of several kinds; the server process is
killed without warning; a new server starts on the same database; the user
reloads the draft's address and finds every answer typed before the kill.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from pia.store import Store

from .. import serverkit
from ..serverkit import CHROMIUM, CHROMIUM_ARGS, RunWatch, free_port, wait_idle

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def start_server(port: int, db_url: str, log: Path):
    return serverkit.start_server(port, db_url, log, FIXTURES / "mini")


def choose(page, key: str, label: str) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.locator(f".st-key-{key}").get_by_text(label, exact=True).click()
    expect(page.locator(f".st-key-{key}").get_by_role("radio", name=label, exact=True)).to_be_checked()
    wait_idle(page)


def wait_saved(page, db_url: str, expected: dict, timeout: float = 30) -> None:  # noqa: ANN001
    """Poll the database (read-only) until the newest revision holds `expected`.

    Waits with the page, not with sleep: the run watch relays the browser's messages only while Playwright runs.
    """
    deadline = time.monotonic() + timeout
    while True:
        store = Store(db_url)
        try:
            drafts = store.drafts()
            answers = store.load(drafts[0].id)[0].answers if drafts else {}
        finally:
            store.dispose()
        if answers == expected or time.monotonic() > deadline:
            assert answers == expected, "the app never saved what was typed"
            return
        page.wait_for_timeout(100)


def test_server_killed_mid_session_loses_nothing_typed(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed: apt-get install chromium (CI installs it)")
    from playwright.sync_api import expect, sync_playwright

    db_url = f"sqlite:///{tmp_path / 'drafts.db'}"
    port, log = free_port(), tmp_path / "server.log"
    server = start_server(port, db_url, log)
    url = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(20_000)
            RunWatch().attach(page)
            page.goto(url)
            wait_idle(page)
            page.get_by_label("Questionnaire").click()
            page.get_by_role("option", name="Mini camera assessment (test fixture) (version 1.2.0)").click()
            page.get_by_label("Title of the proposal").fill("Harbour cameras — «test» & <b>")
            page.get_by_label("Organisation").fill("Ville de Genève")
            page.get_by_label("Prepared by").fill("Noor")
            page.get_by_role("button", name="Start the assessment").click()
            wait_idle(page)
            choose(page, "w_jurisdiction", "European Union")
            page.get_by_role("button", name="Next").click()
            wait_idle(page)
            name = page.get_by_label("Name of the system")
            name.fill("Harbour watch 🚢 {{ x }}")
            name.press("Enter")
            wait_idle(page)
            purpose = page.get_by_label("What problem does it address?")
            purpose.fill("Theft from boats\nat night — مرحبا")
            page.get_by_label("How many cameras? (cameras)").click()   # leaving the text area commits it
            wait_idle(page)
            count = page.get_by_label("How many cameras? (cameras)")
            count.fill("7")
            count.press("Enter")
            wait_idle(page)
            draft_url = page.url
            assert "draft=" in draft_url
            # The browser has sent the last keystrokes; kill only once the app has acted on them
            # (a server killed before it received a change cannot keep it — no app can).
            typed = {"jurisdiction": "eu", "system_name": "Harbour watch 🚢 {{ x }}",
                     "purpose": "Theft from boats\nat night — مرحبا", "camera_count": 7}
            wait_saved(page, db_url, typed)

            server.send_signal(signal.SIGKILL)                  # no shutdown, no flush, no goodbye
            server.wait(timeout=30)
            server = start_server(port, db_url, log)          # same port, same database

            page.goto(draft_url)
            wait_idle(page)
            resume = page.get_by_role("button", name="Continue")
            if resume.count():
                resume.first.click()
                wait_idle(page)
            if not page.get_by_label("Name of the system").count():
                page.get_by_role("button", name="Next").click()
                wait_idle(page)
            expect(page.get_by_label("Name of the system")).to_have_value("Harbour watch 🚢 {{ x }}")
            expect(page.get_by_label("What problem does it address?")).to_have_value("Theft from boats\nat night — مرحبا")
            expect(page.get_by_label("How many cameras? (cameras)")).to_have_value("7")
            page.get_by_role("button", name="Back").click()
            wait_idle(page)
            expect(page.locator(".st-key-w_jurisdiction").get_by_role("radio", name="European Union",
                                                                        exact=True)).to_be_checked()
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    # And the database says the same, independently of the browser.
    store = Store(db_url)
    try:
        (draft,) = store.drafts()
        answers, _ = store.load(draft.id)
    finally:
        store.dispose()
    assert answers.meta["title"] == "Harbour cameras — «test» & <b>"
    assert answers.meta["organisation"] == "Ville de Genève"
    assert answers.answers == typed

