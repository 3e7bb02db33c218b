"""A newcomer in a real Chromium against a real `streamlit run app.py`, plus an accessibility check."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SHOTS = os.environ.get("PIA_SCREENSHOTS")
wait_idle = None  # set by the autouse fixture below (conftest helpers are fixtures, not imports)


@pytest.fixture(autouse=True)
def _wait_helper(idle):  # noqa: ANN001
    global wait_idle
    wait_idle = idle   # set to a folder to keep screenshots of each page


def shot(page, name: str) -> None:  # noqa: ANN001
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def in_key(page, key: str):  # noqa: ANN001, ANN201
    """The element Streamlit renders for a widget with this key (class st-key-<key>)."""
    return page.locator(f".st-key-{key}")


def choose(page, key: str, label: str) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    in_key(page, key).get_by_text(label, exact=True).click()
    expect(in_key(page, key).get_by_role("radio", name=label, exact=True)).to_be_checked()
    wait_idle(page)


def pick(page, key: str, label: str) -> None:  # noqa: ANN001
    """Tick one choice of a multiple-choice question (pills: every choice on screen, aria-pressed when chosen)."""
    from playwright.sync_api import expect

    pill = in_key(page, key).get_by_role("button", name=label, exact=True)
    pill.click()
    expect(pill).to_have_attribute("aria-pressed", "true")
    wait_idle(page)


def outcome(page):  # noqa: ANN001, ANN201
    """The outcome line of the live panel, as a locator (assert on it with expect, which retries)."""
    return page.get_by_text("Outcome:").first


def start_assessment(page, server, title: str) -> None:  # noqa: ANN001
    page.goto(server.url)
    wait_idle(page)
    page.get_by_label("Questionnaire").click()
    page.get_by_role("option", name="Mini camera assessment (test fixture) (version 1.2.0)").click()
    page.get_by_label("Title of the proposal").fill(title)
    page.get_by_label("Organisation").fill("City of Utrecht")
    page.get_by_label("Prepared by").fill("Sam Newcomer")
    page.get_by_role("button", name="Start the assessment").click()
    wait_idle(page)


def test_newcomer_screening_section_outcome_and_docx(page, server, tmp_path):
    from playwright.sync_api import expect

    start_assessment(page, server, "Market square cameras")
    expect(page.get_by_role("heading", name="Screening")).to_be_visible()
    assert "draft=" in page.url
    shot(page, "2-wizard-screening")

    choose(page, "w_jurisdiction", "European Union")
    pick(page, "w_technologies", "Fixed cameras")
    pick(page, "w_technologies", "Live face recognition")
    expect(in_key(page, "w_at_assemblies")).to_be_visible()     # the follow-up question appears
    choose(page, "w_law_enforcement", "No")
    choose(page, "w_at_assemblies", "Yes")
    # A prohibited use shows the moment screening reveals it.
    expect(page.get_by_text("RF-10: Face recognition at assemblies").first).to_be_visible()
    expect(outcome(page)).to_contain_text("Do not proceed")
    shot(page, "3-wizard-red-flag")
    choose(page, "w_at_assemblies", "No")
    expect(page.get_by_text("RF-10: Face recognition at assemblies")).to_have_count(0)
    # The flag is gone: "Do not proceed" is no longer decided (it may remain the worse end of an open range).
    expect(outcome(page)).not_to_have_text(re.compile(r"^Outcome: Do not proceed"))

    page.get_by_role("button", name="Next").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="System description")).to_be_visible()
    name = page.get_by_label("Name of the system")
    name.fill("Square watch")
    name.press("Enter")
    wait_idle(page)
    purpose = page.get_by_label("What problem does it address?")
    purpose.fill("Reduce bicycle theft at the market")
    page.get_by_label("How many cameras? (cameras)").click()      # leaving the text area commits it
    wait_idle(page)
    count = page.get_by_label("How many cameras? (cameras)")
    count.fill("20")
    count.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Add site").click()
    wait_idle(page)
    site = in_key(page, "g_sites__0__name").get_by_role("textbox")
    site.fill("Market square")
    site.press("Enter")
    wait_idle(page)
    choose(page, "w_legal_basis", "None identified")
    expect(page.get_by_text("RF-11: No legal basis").first).to_be_visible()
    expect(outcome(page)).to_contain_text("Do not proceed")
    choose(page, "w_legal_basis", "A specific statute")
    expect(page.get_by_text("RF-11: No legal basis")).to_have_count(0)
    # The flag is gone: "Do not proceed" is no longer decided (it may remain the worse end of an open range).
    expect(outcome(page)).not_to_have_text(re.compile(r"^Outcome: Do not proceed"))
    shot(page, "4-wizard-description")

    # Everything typed is already saved: a reload brings it back.
    page.reload()
    wait_idle(page)
    expect(page.get_by_label("Name of the system")).to_have_value("Square watch")

    page.get_by_role("button", name="Next").click()
    wait_idle(page)
    page.get_by_role("button", name="Review and reports").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Review and reports")).to_be_visible()
    button = page.get_by_role("button", name="Full assessment (Word)")
    expect(button).to_be_visible()
    shot(page, "5-review")
    t0 = time.perf_counter()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    elapsed = time.perf_counter() - t0
    print(f"\nclick-to-file for the full assessment docx: {elapsed:.2f} s")
    assert target.name.endswith("-full-assessment.docx")

    from docx import Document

    from pia.embedded import answers_from_docx

    doc = Document(io.BytesIO(target.read_bytes()))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Market square cameras" in body or "Market square cameras" in (doc.core_properties.title or "")
    embedded = answers_from_docx(target.read_bytes())
    assert "system_name: Square watch" in embedded and "camera_count: 20" in embedded


# axe-core rules that fire on Streamlit's own markup, not on anything pia draws. Each is listed
# with the reason; everything else at serious/critical impact fails the test.
FRAMEWORK_ALLOWED: dict[str, str] = {}


def serious(results) -> list[dict]:  # noqa: ANN001
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("width", [1400, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("where", ["start", "wizard", "review", "compare", "history"])
def test_accessibility_no_serious_violations(page, server, where, width):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    if where == "start":
        page.goto(server.url)
        wait_idle(page)
    else:
        start_assessment(page, server, f"Accessibility check {where}")
        choose(page, "w_jurisdiction", "United Kingdom")
        choose(page, "w_law_enforcement", "Don't know yet")
        link = {"review": "Review and reports", "compare": "Compare", "history": "History"}.get(where)
        if link:
            if width < 500:   # on a phone the page list sits in the collapsed sidebar: open the page's address
                from urllib.parse import parse_qs, urlsplit

                draft = parse_qs(urlsplit(page.url).query)["draft"][0]
                page.goto(f"{server.url}/{where}?draft={draft}")
            else:
                page.get_by_role("link", name=link).click()
            wait_idle(page)
        # The last thing each page draws: axe must not run on a half-drawn page.
        last = {"wizard": page.get_by_role("button", name="Next"),
                "review": page.get_by_role("button", name="Full assessment (Word)"),
                "compare": page.get_by_text(re.compile(r"answers? differ|The answers are the same")),
                "history": page.get_by_role("button", name="Download revision")}[where]
        expect(last.first).to_be_visible()
        # A rerun fades the page's elements while it runs (stale elements): axe must see a page at rest, or it
        # reports the faded text's contrast.
        wait_idle(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{where}-{width}.png"))   # the viewport, as the user sees it
    results = Axe().run(page)
    every = sorted({(v["id"], v["impact"]) for v in results.response["violations"]})
    print(f"\naxe on the {where} page at {width} px, all impacts: {every or 'no violations'}")
    found = serious(results)
    ours = [v for v in found if v["id"] not in FRAMEWORK_ALLOWED]
    detail = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
                       for v in ours)
    assert not ours, f"serious accessibility violations on the {where} page:\n{detail}"
