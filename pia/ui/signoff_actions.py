"""Action plan page: each safeguard with owner and due date, overdue ones flagged; CSV and calendar files.

The plan is the answers' own mitigation plan (pia.signoff.actions), never a
second copy; the downloads are made on click and written to the audit log.
Below it, the assessments (that this visitor can see) due for their review
or past their sunset date.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pia import wording
from pia.errors import PiaError
from pia.signoff import actions as plan

from . import state
from .downloads import slug
from .safe import md, store_failure
from .signoff_common import context

ss = st.session_state


def _table(items: list[plan.ActionItem], today: dt.date) -> None:
    cols = [wording.label(f"actions.column.{c}") for c in ("row", "safeguard", "state", "owner", "due", "overdue")]
    rows = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for i in items:
        late = i.overdue(today)
        flag = f":red-background[**{wording.label('actions.overdue')}**]" if late else wording.label("actions.not_overdue")
        due = i.due.isoformat() if i.due else "–"
        rows.append(f"| {i.row} | {md(i.title) or '–'} | {md(i.state) or '–'} | {md(i.owner) or '–'} | "
                    f"{due} | {flag} |")
    st.markdown("\n".join(rows))


def _due_list(today: dt.date) -> None:
    st.header("Assessments due for review")
    s = state.store()
    if s is None:
        return
    try:
        due = s.due_for_review(today)
    except PiaError as exc:
        st.error(store_failure("listing the assessments due for review", exc))
        return
    if not due:
        st.caption("None of the assessments you can see is due for review or past its sunset date.")
        return
    for draft_id, title, sched in due[:50]:
        parts = []
        if sched.review and sched.review <= today:
            parts.append(f"{wording.label('schedule.review')}: {sched.review.isoformat()}")
        if sched.sunset and sched.sunset <= today:
            parts.append(f"{wording.label('schedule.sunset')}: {sched.sunset.isoformat()}")
        st.markdown(f"- **{md(title) or '(untitled)'}** ({md(draft_id[:8])}): " + "; ".join(parts))


def page() -> None:
    st.title("Action plan")
    today = dt.date.today()
    ctx = context()
    if ctx is None:
        _due_list(today)
        return
    s, draft_id, _roles = ctx
    state.show_flash()
    q = state.questionnaire()
    try:
        items = s.action_plan(draft_id, q)
        answers, _ = s.load(draft_id)
    except PiaError as exc:
        st.error(md(exc))
        return
    title = answers.meta.get("title", "")
    st.markdown(f"**{md(title) or '(untitled)'}** — the safeguards the answers commit to, as of {today.isoformat()}.")
    if not items:
        st.info("The answers hold no action plan yet (the mitigation plan question is empty).")
    else:
        late = [i for i in items if i.overdue(today)]
        if late:
            st.error(f"{len(late)} safeguard(s) are overdue: past their due date and not implemented or verified.",
                     icon=":material/schedule:")
        _table(items, today)
        c1, c2 = st.columns(2)
        name = slug(title)
        c1.download_button("Action plan (CSV)", data=lambda: s.export_actions(draft_id, q, "csv", today),
                           file_name=f"{name}-actions.csv", mime="text/csv", key="dl_actions_csv",
                           on_click="ignore", icon=":material/download:", width="stretch")
        c2.download_button("Calendar of due dates (ICS)", data=lambda: s.export_actions(draft_id, q, "ics", today),
                           file_name=f"{name}-actions.ics", mime="text/calendar", key="dl_actions_ics",
                           on_click="ignore", icon=":material/event:", width="stretch")
    sched = plan.schedule(answers.answers)
    st.markdown(f"{wording.label('schedule.review')}: **{sched.review.isoformat() if sched.review else 'not set'}** · "
                f"{wording.label('schedule.sunset')}: **{sched.sunset.isoformat() if sched.sunset else 'not set'}**")
    _due_list(today)
