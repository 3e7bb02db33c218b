"""The app's frame: pages, sidebar, draft resumption from the address bar.

app.py calls main(); each page lives in its own module and only reads and
changes the domain record through pia.ui.state.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from . import (
    compare,
    decision,
    focus,
    history,
    identity,
    panel,
    review,
    signoff_actions,
    signoff_page,
    start,
    state,
    wizard,
)
from .downloads import answers_file

ss = st.session_state
# A bundled image, served by this server: a ":material/...:" page icon makes every browser
# fetch the icon from fonts.gstatic.com (review F7). Icons on buttons and pages use the
# Material Symbols font Streamlit bundles, which the browser loads from this server.
ICON = Path(__file__).with_name("icon.png")
PAGES: dict[str, st.Page] = {}


# Streamlit's default caption grey is about 4.1:1 on white, below the WCAG AA 4.5:1 for small
# text; pia puts guidance in captions, so they get a darker grey (about 7:1). The matrix and
# ratings tables (panel.py) share one compact style.
CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4a4d57; opacity: 1; }
.pia-matrix { border-collapse: collapse; width: 100%; max-width: 100%; table-layout: fixed; font-size: 0.8rem; }
.pia-matrix caption { overflow-wrap: anywhere; }
.pia-matrix td, .pia-matrix th { border: 1px solid #fff; padding: 4px; vertical-align: top; text-align: left;
  overflow-wrap: break-word; }
.pia-matrix .pins { margin-top: 2px; display: flex; flex-wrap: wrap; gap: 2px; }
.pia-matrix .pin { display: inline-block; min-width: 1.3rem; padding: 0 3px; border-radius: 0.65rem; text-align: center;
  background: #ffffff; color: #000000; font-weight: 700; border: 1px solid #000000; }
.pia-matrix .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
[data-testid="stHtml"] { max-width: 100%; overflow-x: auto; }
.pia-matrix th { background: #f0f2f6; color: #262730; font-weight: 600; }
.pia-matrix td.assumed { background-image: repeating-linear-gradient(135deg, rgba(255,255,255,.55) 0 4px,
  transparent 4px 9px) !important; outline: 2px dashed #262730; outline-offset: -3px; font-style: italic; }
.pia-matrix .pin.assumed { border-style: dashed; font-style: italic; }
.pia-matrix td.basis { background: #ffffff; color: #262730; }
/* The decision bar stays in view at every width (decision.py); long contents scroll inside it. */
[data-testid="stLayoutWrapper"]:has(> .st-key-pia_decision) { position: sticky; top: 3.75rem; z-index: 990;
  background: #ffffff; border-bottom: 2px solid #d0d3da; padding: 0.35rem 0 0.45rem; max-height: 45vh;
  overflow-y: auto; }
/* What scrolls into view (a focused field, a found element) is not hidden under the bar. */
[data-testid="stMain"] { scroll-padding-top: 9rem; }
@media (max-width: 640px) { [data-testid="stMain"] { scroll-padding-top: 16rem; } }
/* Pills show each choice in full: a chosen value is never cut off. */
[data-testid="stButtonGroup"] button { height: auto; min-height: 2rem; text-align: left; }
[data-testid="stButtonGroup"] button * { white-space: normal !important; text-overflow: clip !important;
  overflow: visible !important; }
/* Links to questions read as text, left-aligned when they wrap. */
[data-testid="stBaseButton-tertiary"] { justify-content: flex-start; text-align: left; }
.pia-outcome { padding: 0.3rem 0.7rem; border-radius: 0.4rem; font-size: 1rem; line-height: 1.4; }
.pia-outcome .pia-kind { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; margin-right: 0.3rem; }
.pia-bad { background: #8b1a1a; color: #ffffff; }
.pia-warn { background: #fff3cd; color: #3d2e00; border: 1px solid #8a6d00; }
.pia-good { background: #e3f4e8; color: #0b3d1c; border: 1px solid #1e6b36; }
.st-key-pia_landing { display: none; }
.st-key-pia_decision [class*="st-key-bar_"] button { border: 2px solid #8b1a1a; color: #8b1a1a; font-weight: 600; }
[data-testid="stRadio"] label:has(input:focus-visible) { outline: 3px solid #1f4e99; outline-offset: 2px; }
h1:focus, h2:focus { outline: 3px solid #1f4e99 !important; outline-offset: 4px; }
</style>"""


def _sidebar() -> None:
    with st.sidebar:
        if identity.acting().user is None:   # with a login, the login names who saved: nothing to type
            ss["who_w"] = ss.get(state.WHO, "")
            fallback = (ss.get(state.META) or {}).get("prepared_by", "") if state.has_open() else ""
            st.text_input("Your name (recorded in the history)", key="who_w", max_chars=200,
                          placeholder=f"Otherwise recorded as {fallback}" if fallback else "Name and role",
                          on_change=lambda: ss.__setitem__(state.WHO, ss["who_w"].strip()))
        if state.has_open():
            q = state.questionnaire()
            offer = answers_file(q, state.answer_set())
            st.download_button("Download answers file", data=offer.make, file_name=offer.file_name, mime=offer.mime,
                               on_click="ignore", key="dl_answers_sidebar", icon=":material/download:",
                               help="Your answers as a YAML file: keep a copy, share it, or load it again later.")


def main() -> None:
    st.set_page_config(page_title="pia — camera impact assessment", page_icon=str(ICON), layout="wide")
    ident = identity.gate()   # a login, the proxy's header, or single-user mode (pia.ui.identity)
    if ident is None:
        st.html(CSS)
        st.stop()
    identity.remember(ident)
    PAGES.update({
        "start": st.Page(start.page, title="Start", icon=":material/home:", url_path="start", default=True),
        "wizard": st.Page(wizard.page, title="Assessment", icon=":material/checklist:", url_path="assessment"),
        "review": st.Page(review.page, title="Review and reports", icon=":material/description:", url_path="review"),
        "signoff": st.Page(signoff_page.page, title="Sign-off", icon=":material/approval:", url_path="signoff"),
        "actions": st.Page(signoff_actions.page, title="Action plan", icon=":material/task_alt:", url_path="actions"),
        "compare": st.Page(compare.page, title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        "history": st.Page(history.page, title="History", icon=":material/history:", url_path="history"),
    })
    nav = st.navigation(list(PAGES.values()), position="sidebar")
    state.ensure_from_url()
    target = ss.pop("goto_page", None)
    if ss.pop("goto_wizard", False):
        target = "wizard"
    if target and PAGES[target].url_path != nav.url_path:
        if not focus.pending():
            focus.request(focus.PAGE)
        st.switch_page(PAGES[target])
    if ss.get("_page") != nav.url_path:     # a new page opens at its top, with focus on its title
        if ss.get("_page") is not None and not focus.pending():
            focus.request(focus.PAGE)
        ss["_page"] = nav.url_path
    st.html(CSS)
    identity.sidebar(ident)
    _sidebar()
    if state.has_open():
        state.check_newer()
        q = state.questionnaire()
        a, _ = panel.current_assessment(q)
        decision.render(q, a, nav.url_path or "start")
    nav.run()
    focus.emit()
