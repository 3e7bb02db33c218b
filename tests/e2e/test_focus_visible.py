"""Keyboard focus can be seen (WCAG 2.4.7), in a real Chromium.

After Next, Back or a jump to a question the app puts focus on the step heading (pia/ui/focus.py); a keyboard
user must see where it is. The focused element must show an indicator: a computed outline or box shadow that
is not none, in a colour with at least 3:1 contrast against the background behind it (WCAG 1.4.11), and the
indicator must really be painted (a parent that clips it would hide it): the pixels around the element change
when it takes focus. The same holds for a button reached with Tab.
"""

from __future__ import annotations

import io
import re

import pytest

from ..serverkit import RunWatch
from .test_in_view import choose, pick, start

pytestmark = pytest.mark.e2e


@pytest.fixture
def pg(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1400, "height": 800})
    page = context.new_page()
    page.set_default_timeout(20_000)
    RunWatch().attach(page)
    yield page
    context.close()


# The focused element's indicator and the colour behind it, as the browser computes them.
_STYLE = """() => {
  const a = document.activeElement;
  // A radio's input is hidden: its option (the label) shows the focus.
  const e = a.tagName === 'INPUT' && a.type === 'radio' ? a.closest('label') : a;
  const s = getComputedStyle(e);
  let bg = null;
  // An outline drawn outside the element (offset >= 0) stands on what is behind the element: its parent's colour.
  const outside = s.outlineStyle !== 'none' && parseFloat(s.outlineOffset) >= 0;
  for (let n = outside ? e.parentElement : e; n && n.nodeType === 1; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)) { bg = c; break; }
  }
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, id: e.id, outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
          outlineColor: s.outlineColor, outlineOffset: parseFloat(s.outlineOffset), boxShadow: s.boxShadow,
          background: bg || 'rgb(255, 255, 255)', box: {x: r.x, y: r.y, width: r.width, height: r.height}};
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    nums = [float(x) for x in re.findall(r"[\d.]+", css)[:3]]
    return nums[0], nums[1], nums[2]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _indicator(style: dict) -> str:
    """The colour of the focus indicator: the outline's, else the first box-shadow's."""
    if style["outlineStyle"] != "none" and style["outlineWidth"] >= 2:
        return style["outlineColor"]
    if style["boxShadow"] and style["boxShadow"] != "none":
        return re.match(r"rgba?\([^)]*\)", style["boxShadow"]).group(0)
    return ""


def _ring(page, box: dict, pad: int = 8) -> list[tuple[int, int, int]]:  # noqa: ANN001
    """The pixels of a band around the element (where an outline or ring is painted), from a screenshot."""
    from PIL import Image

    clip = {"x": max(box["x"] - pad, 0), "y": max(box["y"] - pad, 0),
            "width": box["width"] + 2 * pad, "height": box["height"] + 2 * pad}
    img = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")
    w, h = img.size
    px = img.load()
    band = [(x, y) for x in range(w) for y in range(h)
            if x < pad or y < pad or x >= w - pad or y >= h - pad]
    return [px[x, y] for x, y in band]


def assert_focus_visible(page, what: str) -> None:  # noqa: ANN001
    style = page.evaluate(_STYLE)
    colour = _indicator(style)
    assert colour, f"{what}: no focus indicator: {style}"
    ratio = contrast(colour, style["background"])
    assert ratio >= 3, f"{what}: indicator {colour} on {style['background']} has contrast {ratio:.2f}:1: {style}"
    # Painted, not clipped: pixels of the indicator's colour stand around the element.
    target = _rgb(colour)
    ring = _ring(page, style["box"])
    near = sum(1 for p in ring if all(abs(p[i] - target[i]) <= 40 for i in range(3)))
    perimeter = 2 * (style["box"]["width"] + style["box"]["height"])
    assert near >= perimeter * 0.5, f"{what}: the indicator is not painted around it ({near} px): {style}"


def test_the_step_heading_shows_focus_after_next_and_back(pg, server, idle):
    from playwright.sync_api import expect

    page = pg
    start(page, server, idle, "Focus visible")
    choose(page, idle, "w_jurisdiction", "United Kingdom")
    pick(page, idle, "w_technologies", "Fixed cameras")
    choose(page, idle, "w_law_enforcement", "No")
    nxt = page.get_by_role("button", name="Next")
    nxt.scroll_into_view_if_needed()
    nxt.click()
    idle(page)   # the run Next started has finished drawing: the old step's heading is gone
    heading = page.locator("#pia-step")
    expect(heading).to_have_text("System description")
    expect(heading).to_be_focused()
    assert_focus_visible(page, "step heading after Next")

    page.get_by_role("button", name="Back").click()
    idle(page)
    expect(heading).to_have_text("Screening")
    expect(heading).to_be_focused()
    assert_focus_visible(page, "step heading after Back")


def test_a_jump_to_a_question_shows_focus_on_its_first_answer(pg, server, idle):
    from playwright.sync_api import expect

    page = pg
    start(page, server, idle, "Focus visible")
    choose(page, idle, "w_jurisdiction", "European Union")
    pick(page, idle, "w_technologies", "Live face recognition")
    choose(page, idle, "w_law_enforcement", "No")
    choose(page, idle, "w_at_assemblies", "Yes")
    flag = page.locator(".st-key-pia_decision").get_by_role("button", name="RF-10: Face recognition at assemblies")
    flag.click()
    idle(page)
    pointer = page.get_by_text("This is the question you selected.")
    expect(pointer).to_be_visible()
    target = page.locator("[class*='st-key-qb_']").filter(has=pointer)
    expect(target.locator(":focus")).to_have_count(1)
    assert_focus_visible(page, "first answer of the question jumped to")


def _tab_to(page, check: str, what: str) -> None:  # noqa: ANN001
    """Press Tab until `check` (a JS expression on the active element `e`) holds."""
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!({check}); }}"):
            return
    pytest.fail(f"Tab never reached {what}")


def test_a_button_and_a_link_reached_with_tab_show_focus(pg, server, idle):
    page = pg
    start(page, server, idle, "Focus visible")
    choose(page, idle, "w_jurisdiction", "United Kingdom")
    # From the answer just given, Tab on to the Next button, then on to the page links in the sidebar.
    _tab_to(page, "e.tagName === 'BUTTON' && e.innerText.trim().startsWith('Next')", "the Next button")
    assert_focus_visible(page, "Next button")
    _tab_to(page, "e.tagName === 'A' && e.innerText.includes('Review and report')", "the sidebar link")
    assert_focus_visible(page, "sidebar link")
