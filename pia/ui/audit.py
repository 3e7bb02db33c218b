"""The auditor's view in the app: for every red flag and rating, the decisive answers, the rule, the law
and the derivation, as the full report gives them (pia.report.trace), each answer linked to its question.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pia.answers import effective_answers
from pia.model import Questionnaire
from pia.report.trace import trace

from . import state
from .jump import goto_question
from .safe import md

ss = st.session_state


def data(q: Questionnaire, a: Any) -> dict[str, Any]:
    """The trace, computed once per change of the answers."""
    return state.derived("trace", q, lambda: trace(q, a, answers=effective_answers(q, ss[state.ANSWERS])))


def lazy(label: str, key: str) -> Any:
    """An expander whose contents are drawn only while it is open (its body checks `.open`).

    A trace holds a link per decisive answer: drawn closed on every rerun they were most of a wizard
    step's elements and of the server's work per action (benchmarks/RESULTS.md, load). Opening one
    reruns the page, which then draws what is inside.
    """
    return st.expander(label, key=key, on_change="rerun")


def _answers(q: Questionnaire, traced: list[dict[str, str]], ctx: str) -> None:
    """Each decisive answer in full, with a link to its question."""
    for i, x in enumerate(traced):
        st.button(f"{md(x['question'])} — **{md(x['answer'])}**", key=f"au_{ctx}_{i}_{x['id']}",
                  on_click=goto_question, args=(q, x["id"]), type="tertiary", wrap=True,
                  icon=":material/arrow_forward:", help="Go to this question")


def flag(q: Questionnaire, f: dict[str, Any], ctx: str) -> None:
    """One red flag as the full report traces it."""
    with lazy(f"Trace of {md(f['id'])}: why it {'applies' if f['status'] == 'triggered' else 'may apply'}",
              f"trace_{ctx}_{f['id']}") as box:
        if not box.open:
            return
        st.markdown(f"**{md(f['id'])}: {md(f['title'])}** — {md(f['status_label'])}; would mean "
                    f"{md(f['outcome_label'])}.")
        if f["explanation"]:
            st.markdown(f"**Rule.** {md(f['explanation'])}")
        st.markdown("**Decisive answers.**" if f["answers"] else "**Decisive answers.** None recorded.")
        _answers(q, f["answers"], f"{ctx}_{f['id']}")
        if f["law_text"]:
            st.markdown(f"**Legal references.** {md(f['law_text'])}")
        if f["evidence_missing_text"]:
            st.markdown(f"**Evidence still missing.** {md(f['evidence_missing_text'])}")
        if f["clears"]:
            st.markdown(f"**What would clear it.** {md(f['clears'])}")


def right(q: Questionnaire, r: dict[str, Any], ctx: str) -> None:
    """One right's rating: each dimension's rule and answers, then the derivation of the annex."""
    d = r["derivation"]
    with lazy(f"How {md(r['name'])} is rated ({md(r['basis'])})", f"trace_{ctx}_{r['id']}") as box:
        if not box.open:
            return
        st.markdown(md(r["summary"]))
        if r["residual_known_only"]:
            st.caption(f"On the known answers alone it would be {md(r['residual_known_only'])}.")
        for dim in r["dimensions"]:
            mark = " — *assumed at its worst: an answer is unknown*" if dim["evidence_gap"] else ""
            st.markdown(f"**{md(dim['name'])} {dim['value']}**{mark}. {md(dim['reason'])}")
        st.markdown("**Rules that hold and their decisive answers.**")
        for rule in d["rules"]:
            st.markdown(f"- **{md(rule['id'])}** ({md(rule['status'])}): {md(rule['harm'])}")
            _answers(q, rule["traced"], f"{ctx}_{r['id']}_{rule['id']}")
        st.markdown("**Derivation.**")
        st.markdown("\n".join(f"- {md(h['harm'])} ({md(h['kind'])}): {md(h['rules'])}; "
                              f"{md(h['line'])} (scale/scope/irremediability/likelihood); safeguards: "
                              f"{md(h['reductions_text'])}" for h in d["harms"]))
        st.markdown("\n".join(f"- {md(s)}" for s in d["steps"]))
        st.caption(f"Safeguards counted: {md(d['safeguards'])}. Legal references of this right: "
                   f"{md(r['anchors']) or 'none'}.")


def method(t: dict[str, Any], ctx: str = "") -> None:
    with lazy("The method every rating follows", f"trace_{ctx}_method") as box:
        if not box.open:
            return
        st.markdown("\n".join(f"- {md(m)}" for m in t["method"]))
