"""Messages where the user is, and typed text that a refresh would lose, in a real Chromium."""

from __future__ import annotations

import re

import pytest

from .test_in_view import box, choose, in_key, pick, start

pytestmark = pytest.mark.e2e


def test_typed_text_not_yet_saved_makes_the_browser_ask_before_leaving(page, server, idle):
    from playwright.sync_api import expect

    start(page, server, idle, "Typed text")
    choose(page, idle, "w_jurisdiction", "United Kingdom")
    pick(page, idle, "w_technologies", "Fixed cameras")
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#pia-step")).to_have_text("System description")
    idle(page)
    asked: list[str] = []

    def answer(dialog) -> None:  # noqa: ANN001
        asked.append(dialog.type)
        dialog.accept()           # leave anyway: the warning was given

    page.on("dialog", answer)
    field = page.get_by_label("What problem does it address?")
    field.click()
    page.keyboard.type("Reduce bicycle theft")
    page.reload()                 # the browser asks first
    idle(page)
    assert asked == ["beforeunload"]
    # Leaving the field saves the text; after that a refresh asks nothing and brings the text back.
    field = page.get_by_label("What problem does it address?")
    field.click()
    page.keyboard.type("Reduce bicycle theft")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("stProgress").first).to_contain_text(re.compile(r"(^|\D)3 of \d+ questions answered"))
    idle(page)
    page.reload()
    idle(page)
    assert asked == ["beforeunload"]
    expect(page.get_by_label("What problem does it address?")).to_have_value("Reduce bicycle theft")


def test_a_restore_confirmation_appears_where_the_user_is(page, server, idle):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1400, "height": 700})
    start(page, server, idle, "Restore message")
    choose(page, idle, "w_jurisdiction", "United Kingdom")
    choose(page, idle, "w_law_enforcement", "No")
    page.get_by_role("link", name="History").click()
    idle(page)
    box_ = in_key(page, "hist_pick").get_by_role("combobox")
    box_.click()
    page.keyboard.press("ArrowDown")
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    options.filter(has_text=re.compile(r"^\s*1\s*$")).click()
    idle(page)
    restore = page.get_by_role("button", name="Make revision 1 current again")
    restore.scroll_into_view_if_needed()
    restore.click()
    message = page.get_by_text("Revision 1 is current again")
    expect(message).to_be_visible()
    idle(page)
    b = box(page, message)
    assert b["top"] >= 0 and b["bottom"] <= page.viewport_size["height"], b
    expect(in_key(page, "pia_flash")).to_be_focused()
