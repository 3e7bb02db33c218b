"""Review page: what is still open or unknown, the outcome, and the downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from pia.answers import completeness
from pia.assess.summary import completeness_figure
from pia.model import Questionnaire
from pia.present import describe
from pia.text import text

from . import downloads, panel, signoff_common, state
from .safe import md

ss = st.session_state


def _question_list(q: Questionnaire, qids: list[str], ctx: str) -> None:
    by_section: dict[str, list[str]] = {}
    for qid in qids:
        s = q.section_of(qid)
        by_section.setdefault(text(s.title) if s else "", []).append(qid)
    for title, ids in by_section.items():
        st.markdown(f"*{md(title)}*")
        for qid in ids:
            question = q.question(qid)
            st.button(md(text(question.label)), key=f"rv_{ctx}_{qid}", on_click=panel.goto_question, args=(q, qid),
                      type="tertiary", icon=":material/edit:", help="Go to this question")


def _offer(o: downloads.Offer, key: str, disabled: bool = False) -> None:
    st.download_button(o.label, data=o.make, file_name=o.file_name, mime=o.mime, key=key, on_click="ignore",
                       icon=":material/download:", disabled=disabled, width="stretch")


def _downloads(q: Questionnaire, answers: Any) -> None:
    st.header("Reports")
    st.caption("Files are made when you click, from the answers as they are now.")
    blockers = downloads.report_blockers(q, answers)
    if blockers:
        st.error("Reports cannot be made until these answers are fixed:\n\n"
                 + "\n".join(f"- {md(b)}" for b in blockers[:10]))
    else:
        today = dt.date.today()
        signed = signoff_common.signed_envelope()   # an approval signed for these answers travels with them
        audit = signoff_common.audit_now()   # annexed to the full report
        if signed:
            st.success("These answers are approved and signed: the reports carry the signature "
                       "(`pia verify` checks it).", icon=":material/verified:")
        formats = ["docx"] + (["pdf"] if downloads.pdf_available() else []) + ["md", "json"]
        c1, c2 = st.columns(2)
        for col, brief in ((c1, True), (c2, False)):
            with col:
                st.markdown("**Council brief**" if brief else "**Full assessment**")
                for fmt in formats:
                    offer = downloads.report(q, answers, fmt, brief, today, signed, audit)
                    what = f"{'brief' if brief else 'full report'} {fmt}"
                    _offer(signoff_common.audited(offer, what), f"dl_{'brief' if brief else 'full'}_{fmt}")
        if "pdf" not in formats:
            st.caption("PDF needs LibreOffice on the server; it is not installed here. "
                       "Open the Word file and save it as PDF instead.")
    _offer(downloads.answers_file(q, answers), "dl_answers")


def page() -> None:
    st.title("Review and reports")
    if not state.has_open():
        st.info("Start a new assessment or open a saved draft first.")
        st.button("Go to the start page", key="to_start", on_click=state.request_page, args=("start",))
        return
    q = state.questionnaire()
    state.show_flash()
    answers = state.answer_set()
    comp = completeness(q, answers.answers)
    st.markdown(f"**{md(answers.meta.get('title', '(untitled)'))}** — {md(text(q.title))} {md(q.version)}")
    fig = completeness_figure(comp)   # the one figure the brief, the full report and the JSON show
    st.progress(fig.percent / 100, text=fig.text)
    a, note = panel.current_assessment(q)
    # The page leads with the decision and the reports; what is still open follows, folded.
    if a is not None:
        panel.outcome_box(a)
    _downloads(q, answers)

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header("Still open")
        if comp.missing_required:
            n = len(comp.missing_required)
            st.warning(f"{n} required question{'s are' if n != 1 else ' is'} not answered yet. A report can still "
                       "be made; it lists them as gaps.")
            with st.expander(f"The {n} unanswered required question{'s' if n != 1 else ''}"):
                _question_list(q, comp.missing_required, "missing")
        else:
            st.success("Every required question has an answer.")
        if comp.unknown_ids:
            n = len(comp.unknown_ids)
            with st.expander(f"{n} answer{'s' if n != 1 else ''} “unknown”"):
                st.caption("Each unknown is an evidence gap in the report. Find out and come back when you can.")
                _question_list(q, comp.unknown_ids, "unknown")
        with st.expander("All answers"):
            for section in q.sections:
                rows = [(question, answers.answers.get(question.id)) for question in section.questions
                        if question.id in answers.answers]
                if rows:
                    st.markdown(f"**{md(text(section.title))}**")
                    st.markdown("\n".join(f"- {md(text(qq.label))}: {md(describe(qq, v))}" for qq, v in rows))
    with right:
        panel.render(q, a, note, ctx="review", outcome=False)
