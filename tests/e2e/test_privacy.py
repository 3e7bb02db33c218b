"""In a real Chromium: nothing is fetched from other hosts, and user text never becomes a link or image.

Review F7 (the page icon was loaded from fonts.gstatic.com on every visit) and
F6 (titles, answers, names and file names rendered as Markdown, so a title like
``![t](http://host/pixel.png)`` made every visitor's browser fetch the pixel).
A canary HTTP server on another localhost port stands in for the outside host.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest

from pia.answers import AnswerSet, dumps
from pia.store import Store

from ..serverkit import free_port

pytestmark = pytest.mark.e2e


@pytest.fixture
def canary() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server that records every request it gets: any hit is a request leaving the page."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    srv.shutdown()
    srv.server_close()


def visit(page, url: str, idle) -> None:  # noqa: ANN001
    page.goto(url)
    idle(page)


def shown(page) -> str:  # noqa: ANN001
    """The page's text as a reader sees it (pia puts invisible word joiners into URLs in user text)."""
    return page.locator("body").inner_text().replace("\u2060", "")


def nav(page, name: str, idle) -> None:  # noqa: ANN001
    page.get_by_role("link", name=name).first.click()
    idle(page)


def test_every_page_loads_nothing_from_other_hosts(page, server, idle, browser_requests, outside_of, mini, tmp_path):
    """A tour of every page, an upload, a draft and its reports: every request stays on the app's origin."""
    from playwright.sync_api import expect

    visit(page, server.url, idle)
    icon = page.locator("link[rel~='icon']").first.get_attribute("href") or ""
    assert not re.match(r"(?i)^(https?:)?//", icon) or icon.startswith(server.url), icon
    answers = AnswerSet("mini", "1.2.0", {"title": "Tour of every page"}, {"jurisdiction": "uk",
                                                                          "technologies": ["cctv"]})
    page.locator("input[type=file]").first.set_input_files(
        {"name": "tour.yaml", "mimeType": "application/x-yaml", "buffer": dumps(answers, mini).encode()})
    idle(page)
    page.get_by_role("button", name="Open it as a new draft").click()
    idle(page)
    expect(page.get_by_role("heading", name="Tour of every page")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    idle(page)
    for name in ("Review and reports", "Compare", "History", "Assessment", "Start"):
        nav(page, name, idle)
    nav(page, "Review and reports", idle)
    page.get_by_text("All answers").click()
    idle(page)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Full assessment (Markdown)").click()
    assert info.value.suggested_filename.endswith(".md")
    assert len(browser_requests) > 10                      # the log did see the app's own traffic
    assert outside_of(browser_requests, server.url) == []


PIXEL = "![t]({c}/title.png)"
PHISH = "[Sign in]({c}/phish)"


def test_user_text_never_becomes_a_link_or_image(page, server, idle, browser_requests, outside_of, canary, mini):
    """Another visitor left Markdown in every field; this visitor's browser shows it as text and fetches nothing."""
    from playwright.sync_api import expect

    c, hits = canary
    pixel, phish = PIXEL.format(c=c), PHISH.format(c=c)
    title = f"{pixel} {phish}"
    meta = {"title": title, "organisation": phish, "prepared_by": pixel}
    answers = AnswerSet("mini", "1.2.0", meta, {"jurisdiction": "eu", "system_name": phish[:80], "purpose": title})
    s = Store(server.db_url)
    try:
        d = s.create(answers, author=title, note=phish, q=mini)
        s.save(d.id, answers.with_answer("purpose", f"{pixel} changed"), d.head, author=phish, note=title, q=mini)
    finally:
        s.dispose()

    def check(where: str) -> None:
        links = page.locator(f"a[href^='{c}']")
        images = page.locator(f"img[src^='{c}']")
        found = [(a.inner_text(), a.get_attribute("href"), a.evaluate("e => e.parentElement.outerHTML")[:300])
                 for a in links.all()]
        assert links.count() == 0 and images.count() == 0, f"{where}: a link or image to the canary: {found}"
        assert hits == [], f"{where}: the browser fetched {hits}"

    visit(page, server.url, idle)
    assert title in shown(page)                                                # shown as typed
    check("start page")
    visit(page, f"{server.url}/?draft=[Your session expired, sign in]({c}/phish2) {pixel}", idle)
    expect(page.get_by_text("does not exist").first).to_be_visible()
    assert page.get_by_text("Your session expired").count() == 0               # never echoed
    check("crafted ?draft= link")
    visit(page, f"{server.url}/assessment?draft={d.id}", idle)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.get_by_role("heading", level=1).inner_text().replace("\u2060", "") == title
    check("wizard")
    nav(page, "Review and reports", idle)
    page.get_by_text("All answers").click()
    idle(page)
    assert f"{pixel} changed" in shown(page)
    check("review page")
    nav(page, "History", idle)
    # Wait for the History page itself: until its run ends, the review page's tables may still be on screen.
    expect(page.get_by_role("heading", name="Revision history", exact=True).first).to_be_visible()
    idle(page)
    table = page.get_by_test_id("stMarkdown").locator("table")
    expect(table.first.locator("tr").first.locator("th")).to_have_count(4)    # the | in names adds no column
    assert phish in table.first.inner_text().replace("\u2060", "")
    check("history page")
    nav(page, "Compare", idle)
    expect(page.get_by_text(re.compile(r"answers? differ|The answers are the same")).first).to_be_visible()
    check("compare page")
    assert outside_of(browser_requests, server.url) == []
