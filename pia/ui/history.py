"""History page: every saved revision with who and when; compare two, restore one, name one."""

from __future__ import annotations

import streamlit as st

from pia.diff import compare
from pia.errors import PiaError
from pia.store import Conflict

from . import compare as compare_page
from . import signoff_audit, state
from .safe import md, store_failure

ss = st.session_state


def _restore(number: int) -> None:
    s = state.store()
    if s is None or ss.get(state.CONFLICT):
        return
    try:
        head = s.restore(ss[state.DRAFT], number, ss[state.BASE], state.who())
    except Conflict as exc:  # someone saved meanwhile: show the choice, restore nothing
        state.flash("error", f"Not restored: {md(exc)}")
        return
    except PiaError as exc:
        state.flash("error", state.problem_message("**Not restored.**", exc, "restoring a revision"))
        return
    section = ss.get(state.SECTION)
    state.open_draft(ss[state.DRAFT])
    ss[state.SECTION] = section
    state.flash("success", f"Revision {number} is current again (saved as revision {head}).")


def _name_version() -> None:
    note = (ss.get("version_note") or "").strip()
    if not note:
        state.flash("warning", "Write a short name for the version first.")
        return
    before = ss.get(state.BASE)
    state.autosave(note=note)
    if ss.get(state.BASE) != before:
        state.flash("success", f"Saved as revision {ss[state.BASE]}: {md(note)}")
        ss["version_note"] = ""


def page() -> None:
    st.title("Revision history")
    if not state.has_open() or not ss.get(state.DRAFT):
        st.info("Open a saved draft to see its history.")
        st.button("Go to the start page", key="to_start", on_click=state.request_page, args=("start",))
        return
    s = state.store()
    if s is None:
        st.warning("Saved drafts are unavailable.")
        return
    state.show_flash()
    draft_id = ss[state.DRAFT]
    try:
        hist = s.history(draft_id)
    except PiaError as exc:
        st.error(store_failure("reading the history", exc))
        return
    st.caption(f"Every change is saved as a revision. Draft {md(draft_id)}.")
    rows = ["| Revision | Saved (UTC) | By | Note |", "|---|---|---|---|"]
    for r in hist[:200]:
        rows.append(f"| {r.number} | {r.created_at:%Y-%m-%d %H:%M:%S} | {md(r.author) or '–'} | {md(r.note or '')} |")
    st.markdown("\n".join(rows))
    if len(hist) > 200:
        st.caption(f"Showing the newest 200 of {len(hist)} revisions.")
    numbers = [r.number for r in hist]

    with st.form("name_version", border=True):
        st.text_input("Name this version (e.g. “sent to the data protection officer”)", key="version_note",
                      max_chars=200)
        st.form_submit_button("Save a named version", on_click=_name_version)

    st.header("What changed")
    c1, c2 = st.columns(2)
    with c1:
        older = st.selectbox("From revision", numbers, index=min(1, len(numbers) - 1), key="hist_from")
    with c2:
        newer = st.selectbox("To revision", numbers, index=0, key="hist_to")
    try:
        a, _ = s.load(draft_id, older)
        b, _ = s.load(draft_id, newer)
        compare_page.show(compare(state.questionnaire(), a, b), (f"revision {older}", f"revision {newer}"))
    except PiaError as exc:
        st.error(state.problem_message("**These revisions cannot be compared.**", exc, "reading revisions"))

    st.header("Restore or download a revision")
    pick = st.selectbox("Revision", numbers, key="hist_pick")
    c1, c2 = st.columns(2)
    with c1:
        st.button(f"Make revision {pick} current again", key="restore", on_click=_restore, args=(pick,),
                  disabled=pick == ss.get(state.BASE), help="Adds a new revision; nothing is deleted")
    with c2:
        q = state.questionnaire()
        st.download_button(f"Download revision {pick} (answers file)",
                           data=lambda: s.content(draft_id, pick, q).encode("utf-8"),
                           file_name=f"draft-{draft_id[:8]}-rev{pick}.yaml", mime="application/x-yaml",
                           key="dl_rev", on_click="ignore")
    signoff_audit.show(s, draft_id)
