"""Where the user lands after moving: the top of the new step (or the chosen question), with focus there.

Streamlit keeps the old scroll position and drops keyboard focus to <body>
when a rerun replaces the page, so after Next an official faced blank space
and a keyboard user had to Tab from the top again. A navigation callback
records a target here; the page ends with a small inline script (no network,
nothing loaded from elsewhere) that, once the run has finished drawing,
scrolls the target just below the sticky decision bar and focuses it.
"""

from __future__ import annotations

import json

import streamlit as st

ss = st.session_state
TARGET, SEQ = "_focus_target", "_focus_seq"
STEP_ANCHOR = "pia-step"     # the wizard step's heading (st.header anchor)
PAGE = "[data-testid='stMain'] h1"
STEP = f"#{STEP_ANCHOR}"
FLASH = ".st-key-pia_flash"


def question(qid: str) -> str:
    return f".st-key-qb_{qid}"


def request(selector: str, *, into: bool = False) -> None:
    """Land on `selector` after this run; `into`: focus its first input rather than the element itself."""
    ss[SEQ] = ss.get(SEQ, 0) + 1
    ss[TARGET] = (selector, into)


def pending() -> bool:
    return ss.get(TARGET) is not None


_SCRIPT = """<script>(function () {
  var seq = %(seq)s, sel = %(sel)s, into = %(into)s;
  var doc = window.parent && window.parent.document ? window.parent.document : document;
  if (window.__piaLanded === seq) return;
  function land() {
    if (window.__piaLanded === seq) return;
    var el = doc.querySelector(sel);
    if (!el) return;
    window.__piaLanded = seq;
    var head = doc.querySelector("[data-testid='stHeader']");
    var bar = doc.querySelector(".st-key-pia_decision");
    bar = bar ? bar.parentElement : null;
    var off = (head ? head.getBoundingClientRect().height : 0) + (bar ? bar.getBoundingClientRect().height : 0) + 8;
    var main = doc.querySelector("[data-testid='stMain']");
    if (main) main.scrollTop += el.getBoundingClientRect().top - off;   // exact, whatever scroll-padding says
    else el.scrollIntoView({block: "start"});
    var f = into ? (el.querySelector("input:not([disabled]), textarea:not([disabled]), button:not([disabled])") || el) : el;
    if (!/^(INPUT|TEXTAREA|BUTTON|A|SELECT)$/.test(f.tagName) && !f.hasAttribute("tabindex")) f.setAttribute("tabindex", "-1");
    doc.querySelectorAll("[data-pia-landed]").forEach(function (x) { x.removeAttribute("data-pia-landed"); });
    f.setAttribute("data-pia-landed", "");   // shows the focus ring even when a mouse click led here (focus.py)
    f.focus({preventScroll: true});
  }
  var app = doc.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") === "notRunning") { land(); return; }
  var watch = new MutationObserver(function () {
    if (app.getAttribute("data-test-script-state") === "notRunning") { watch.disconnect(); land(); }
  });
  watch.observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
})();</script>"""


# Where focus is must be seen (WCAG 2.4.7). Streamlit removes the outline of an element with tabindex -1 that
# was focused without the keyboard ([tabindex="-1"]:focus:not(:focus-visible) { outline: 0 !important }), which
# is exactly how the landing script focuses a heading after Next, Back or a jump; these rules are more specific.
# A jump to a question focuses its first input the same way: the script marks what it focused
# (data-pia-landed) so it shows the ring too; a radio's input is hidden, so its option shows it. Buttons, links and other controls reached with the keyboard get the same ring instead of the
# theme's half-transparent one (1.7:1 beside the dark primary button): a 3px dark-blue outline (8.6:1 on
# white) with a white gap inside it. Nothing is loaded from elsewhere.
_FOCUS_CSS = """<style>
[data-testid="stMain"] :is(h1, h2, h3)[tabindex="-1"]:is(:focus, :focus-visible), #pia-step:focus {
  outline: 3px solid #1f4e99 !important; outline-offset: 4px !important; }
[data-testid="stMain"] [data-pia-landed][data-pia-landed]:focus,
[data-testid="stMain"] [data-testid="stRadio"] label:has(input[data-pia-landed]:focus) {
  outline: 3px solid #1f4e99 !important; outline-offset: 2px !important; }
:is(button, a[href], summary, [role="button"], [role="tab"], [role="option"], [role="link"]):focus-visible {
  outline: 3px solid #1f4e99 !important; outline-offset: 2px !important; box-shadow: 0 0 0 2px #ffffff !important; }
</style>"""


# Text is saved when its field loses focus (or on Ctrl+Enter); until then a refresh would lose it, so the
# browser asks before leaving while a field holds typed text not yet saved.
_GUARD = """<script>(function () {
  if (window.__piaGuard) return;
  window.__piaGuard = true;
  var typing = null;
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type === "text"))) typing = t;
  }, true);
  document.addEventListener("focusout", function (e) { if (e.target === typing) typing = null; }, true);
  window.addEventListener("beforeunload", function (e) {
    if (typing) { e.preventDefault(); e.returnValue = ""; }
  });
})();</script>"""


def emit() -> None:
    """Draw, last on the page, the script that lands on the requested target (once per request)."""
    target = ss.pop(TARGET, None)
    with st.container(key="pia_landing"):
        if target is None:
            st.html(_FOCUS_CSS + _GUARD, unsafe_allow_javascript=True)
            return
        selector, into = target
        st.html(_FOCUS_CSS + _GUARD + _SCRIPT % {"seq": int(ss.get(SEQ, 0)), "sel": json.dumps(selector),
                                    "into": json.dumps(into)}, unsafe_allow_javascript=True)
