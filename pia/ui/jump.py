"""Links from a finding to the question behind it, from any page."""

from __future__ import annotations

import streamlit as st

from pia.model import Questionnaire
from pia.present import describe
from pia.text import text

from . import focus, state
from .safe import md

ss = st.session_state


def goto_question(q: Questionnaire, qid: str) -> None:
    """Open the section that holds a question (from any page)."""
    section = q.section_of(qid)
    if section is not None:
        ss[state.SECTION] = section.id
        ss["focus"] = qid
        ss["goto_wizard"] = True
        focus.request(focus.question(qid), into=True)


def jump_buttons(q: Questionnaire, qids: list[str], ctx: str) -> None:
    """One button per question, its full wording and the answer given (wrapped, never cut off)."""
    for qid in qids:
        question = q.question(qid)
        if question is None:
            continue
        value = ss[state.ANSWERS].get(qid)
        st.button(f"{md(text(question.label))} — {md(describe(question, value))}", key=f"jump_{ctx}_{qid}",
                  on_click=goto_question, args=(q, qid), type="tertiary", icon=":material/arrow_forward:",
                  help="Go to this question", wrap=True)
