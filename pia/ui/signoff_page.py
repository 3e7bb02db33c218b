"""Sign-off page: the status of the newest revision, roles, review, formal records and the decision.

One page with tabs, in the order the work happens: who is involved, the
reviewers' marks and comments, then the DPO's advice, the consultation and
the approver's decision. What a tab offers depends on the visitor's roles on
the draft; the store refuses anything else with a message shown here.
"""

from __future__ import annotations

import streamlit as st

from pia.errors import PiaError
from pia.text import text

from . import signoff_records, signoff_review, signoff_roles, state
from .safe import md
from .signoff_common import context, roles_line, status_badge

ss = st.session_state
PARTS = ("Review", "Records and decision", "People and roles")


def page() -> None:
    st.title("Review and sign-off")
    ctx = context()
    if ctx is None:
        return
    s, draft_id, roles = ctx
    state.show_flash()   # newer saves and the conflict banner are handled once per run, in the decision bar
    q = state.questionnaire()
    try:
        sig = s.signoff_state(draft_id)
    except PiaError as exc:
        st.error(md(exc))
        return
    title = (ss.get(state.META) or {}).get("title", "")
    st.markdown(f"**{md(title) or '(untitled)'}** — {md(text(q.title))} {md(q.version)}, revision {sig.head}. "
                f"You are {roles_line(roles).lower()}.")
    status_badge(sig, q)
    # A radio, not st.tabs: the part chosen stays chosen when a form's button reruns the page.
    part = st.radio("Part of the sign-off", PARTS, key="so_part", horizontal=True, label_visibility="collapsed")
    if part == PARTS[1]:
        signoff_records.show(s, draft_id, q, roles)
    elif part == PARTS[2]:
        signoff_roles.show(s, draft_id, roles)
    else:
        signoff_review.show(s, draft_id, q, roles)
