"""Review in the app: a mark per section, comment threads per question, resolved by the author.

A reviewer marks each section acceptable, improvable or to correct (a
comment is required for "to correct"); anyone with a role but reader
comments on a question; an author resolves or reopens a thread. The status
shows here and, as a short word, in the wizard's section list.
"""

from __future__ import annotations

import streamlit as st

from pia import wording
from pia.errors import PiaError
from pia.model import Questionnaire
from pia.signoff.records import MARKS, NOT_REVIEWED, TO_CORRECT, SectionReview, Thread
from pia.store import Store
from pia.text import text

from . import state
from .safe import md
from .signoff_common import attempt, can, cannot

ss = st.session_state
ICONS = {"acceptable": ":material/check_circle:", "improvable": ":material/info:",
         "to_correct": ":material/error:", "not_reviewed": ":material/radio_button_unchecked:"}


def section_marks(q: Questionnaire) -> dict[str, str]:
    """Section id -> its review mark in words, for the wizard's section list ({} when nothing is marked)."""
    s, draft_id = state.store(), ss.get(state.DRAFT)
    if s is None or not draft_id:
        return {}
    try:
        status = s.review_status(draft_id, q)
    except PiaError:
        return {}
    return {r.section: wording.label(f"review.{r.status}") + (" (changed since)" if r.changed_since else "")
            for r in status if r.status != NOT_REVIEWED}


def _mark(s: Store, draft_id: str, q: Questionnaire, section: str) -> None:
    mark = ss.get(f"so_mark_{section}")
    comment = ss.get(f"so_mark_note_{section}") or ""
    if mark is None:
        state.flash("warning", "Choose a mark first.")
        return
    sec = next((x for x in q.sections if x.id == section), None)
    title = text(sec.title) if sec else section
    if attempt(s.mark_section, draft_id, section, mark, comment, q,
               done=f"Marked “{md(title)}” {wording.label(f'review.{mark}').lower()}."):
        ss[f"so_mark_note_{section}"] = ""


def _status_table(q: Questionnaire, status: list[SectionReview]) -> None:
    rows = ["| Section | Review | By | On revision | Comment |", "|---|---|---|---|---|"]
    for r in status:
        sec = next((x for x in q.sections if x.id == r.section), None)
        title = md(text(sec.title)) if sec else md(r.section)
        word = wording.label(f"review.{r.status}")
        if r.changed_since:
            word += " — changed since"
        by = md(r.mark.by) if r.mark else "–"
        rev = str(r.mark.revision) if r.mark else "–"
        note = md(r.mark.comment) if r.mark and r.mark.comment else ""
        rows.append(f"| {title} | {word} | {by} | {rev} | {note} |")
    st.markdown("\n".join(rows))


def _mark_forms(s: Store, draft_id: str, q: Questionnaire, status: list[SectionReview]) -> None:
    current = {r.section: r for r in status}
    for sec in q.sections:
        r = current.get(sec.id)
        now = wording.label(f"review.{r.status if r else NOT_REVIEWED}")
        with st.expander(f"{md(text(sec.title))} — {now}", icon=ICONS.get(r.status if r else NOT_REVIEWED)), \
                st.form(f"so_markform_{sec.id}", border=False):
                st.radio("Mark", MARKS, key=f"so_mark_{sec.id}", horizontal=True, index=None,
                         format_func=lambda m: wording.label(f"review.{m}"))
                st.text_area(f"Comment (required for “{wording.label('review.to_correct')}”)",
                             key=f"so_mark_note_{sec.id}", max_chars=5000, height=80)
                st.form_submit_button("Save the mark", key=f"so_mark_save_{sec.id}", on_click=_mark,
                                      args=(s, draft_id, q, sec.id))


def _comment(s: Store, draft_id: str, q: Questionnaire, key: str, question: str, thread: int | None) -> None:
    body = ss.get(key) or ""
    if attempt(s.comment, draft_id, question, body, thread, q, done="Comment added."):
        ss[key] = ""


def _resolve(s: Store, draft_id: str, thread: int, resolve: bool) -> None:
    note = ss.get(f"so_resolve_note_{thread}") or ""
    method = s.resolve if resolve else s.reopen
    attempt(method, draft_id, thread, note, done="Thread resolved." if resolve else "Thread reopened.")


def _thread(s: Store, draft_id: str, q: Questionnaire, t: Thread, roles: frozenset[str]) -> None:
    question = q.question(t.question)
    label = md(text(question.label)) if question is not None else md(t.question)
    state_word = wording.label("thread.resolved" if t.resolved else "thread.open")
    with st.container(border=True, key=f"so_thread_{t.id}"):
        st.markdown(f"**{label}** · {state_word}")
        for e in t.entries:
            what = {"comment": "", "resolved": " resolved it", "reopened": " reopened it"}.get(e.kind, "")
            body = f": {md(e.body)}" if e.body else ""
            st.markdown(f"- *{md(e.by)}*{what} (revision {e.revision}, {e.at:%Y-%m-%d %H:%M} UTC){body}")
        if can("comment", roles):
            with st.form(f"so_reply_{t.id}", border=False):
                st.text_input("Reply", key=f"so_reply_body_{t.id}", max_chars=5000)
                st.form_submit_button("Reply", on_click=_comment,
                                      args=(s, draft_id, q, f"so_reply_body_{t.id}", t.question, t.id))
        if can("resolve", roles):
            st.text_input("Note (what was done)", key=f"so_resolve_note_{t.id}", max_chars=2000)
            st.button("Reopen" if t.resolved else "Resolve", key=f"so_resolve_{t.id}", on_click=_resolve,
                      args=(s, draft_id, t.id, not t.resolved))


def show(s: Store, draft_id: str, q: Questionnaire, roles: frozenset[str]) -> None:
    """The review tab: section marks, the mark forms (reviewers), comment threads."""
    try:
        status = s.review_status(draft_id, q)
        threads = s.threads(draft_id)
    except PiaError as exc:
        st.error(md(exc))
        return
    st.subheader("Section review")
    _status_table(q, status)
    bad = [r.section for r in status if r.status == TO_CORRECT]
    if bad:
        st.warning(f"{len(bad)} section(s) are marked {wording.label('review.to_correct').lower()}: the author "
                   "fixes them and the reviewer marks them again before an approver can approve.")
    if can("mark", roles):
        _mark_forms(s, draft_id, q, status)
    else:
        st.caption(cannot("mark", roles))

    st.subheader("Comments per question")
    open_ = [t for t in threads if not t.resolved]
    st.caption(f"{len(open_)} open, {len(threads) - len(open_)} resolved. An author resolves a thread after "
               "fixing the answer (or saying why not); a reply reopens it.")
    for t in threads:
        _thread(s, draft_id, q, t, roles)
    if can("comment", roles):
        with st.form("so_new_thread", border=True):
            st.markdown("**Start a thread on a question**")
            ids = [qq.id for sec in q.sections for qq in sec.questions]
            st.selectbox("Question", ids, key="so_new_q",
                         format_func=lambda i: text(q.question(i).label) if q.question(i) else i)
            st.text_area("Comment", key="so_new_body", max_chars=5000, height=80)
            st.form_submit_button("Add the comment", on_click=lambda: _comment(
                s, draft_id, q, "so_new_body", ss.get("so_new_q") or "", None))
    else:
        st.caption(cannot("comment", roles))
