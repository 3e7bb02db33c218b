"""The live assessment panel: outcome, red flags, per-right ratings, matrix, evidence gaps.

It re-runs the (pure) engine on the current answers at every change, so a
prohibited use shows the moment screening reveals it. Every finding names the
questions behind it, with a button to go to each one.
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from pia.assess import Assessment, assess
from pia.model import Questionnaire
from pia.present import describe
from pia.text import text
from pia.wording import SCORES, outcome_label, score_word

from . import state
from .safe import log, md

ss = st.session_state
BAD = {"prohibited", "do_not_proceed"}
WARN = {"incomplete", "revise"}


def current_assessment(q: Questionnaire) -> tuple[Assessment | None, str | None]:
    """(Assessment, None), or (None, why not): a failure is logged and never takes the questionnaire down."""
    def compute() -> tuple[Assessment | None, str | None]:
        try:
            return assess(q, state.answer_set()), None
        except Exception:  # the panel must never take the questionnaire down with it
            log.exception("the live assessment could not be computed for %s %s", q.id, q.version)
            return None, ("The live assessment could not be computed for these answers (the details are in the "
                          "server log). Your answers are kept and saved as usual.")

    return state.derived("assessment", q, compute)


def level_labels(a: Any) -> dict[str, str]:
    return {lv.id: text(lv.label) for lv in a.matrix.levels}


def goto_question(q: Questionnaire, qid: str) -> None:
    """Open the section that holds a question (from any page)."""
    section = q.section_of(qid)
    if section is not None:
        ss[state.SECTION] = section.id
        ss["focus"] = qid
        ss["goto_wizard"] = True


def _jump_buttons(q: Questionnaire, qids: list[str], ctx: str) -> None:
    for qid in qids:
        question = q.question(qid)
        if question is None:
            continue
        value = ss[state.ANSWERS].get(qid)
        st.button(f"{md(text(question.label))} — {md(describe(question, value))}", key=f"jump_{ctx}_{qid}",
                  on_click=goto_question, args=(q, qid), type="tertiary", icon=":material/arrow_forward:",
                  help="Go to this question")


def outcome_box(a: Any) -> None:
    body = f"**Outcome: {a.headline}**"  # built from the wording table only, never from answers
    if a.outcome in BAD:
        st.error(body, icon=":material/block:")
    elif a.outcome in WARN:
        st.warning(body, icon=":material/warning:")
    else:
        st.success(body, icon=":material/check_circle:")
    if a.outcome_reasons:
        st.caption(md(a.outcome_reasons[0]))
    if len(a.outcome_reasons) > 1:
        with st.expander("Why this outcome"):
            for reason in a.outcome_reasons[1:]:
                st.caption(md(reason))


def render(q: Questionnaire, a: Any | None, note: str | None, ctx: str = "panel") -> None:
    """The whole panel; `ctx` keeps button keys unique when drawn on several pages."""
    st.header("Live assessment")
    if a is None:
        st.info(note or "No assessment yet.")
        return
    outcome_box(a)
    if not a.decided and a.decisive_gaps:
        st.markdown(f"**The outcome turns on {len(a.decisive_gaps)} answer{'s' if len(a.decisive_gaps) != 1 else ''} "
                    "not yet known:**")
        _jump_buttons(q, a.decisive_gaps[:8], f"{ctx}_decisive")
        if len(a.decisive_gaps) > 8:
            st.caption(f"and {len(a.decisive_gaps) - 8} more, listed in the review.")
    labels = level_labels(a)
    if a.overall_level:
        st.markdown(f"Overall risk after verified safeguards: **{md(labels.get(a.overall_level, a.overall_level))}**")

    triggered = [f for f in a.red_flags if f.status == "triggered"]
    potential = [f for f in a.red_flags if f.status == "potential"]
    if triggered or potential:
        st.markdown("### Red flags")
    for f in triggered:
        st.error(f"**{md(f.id)}: {md(text(f.title))}** — {outcome_label(f.outcome)}. No safeguard can lift this.",
                 icon=":material/flag:")
        if f.clears:
            st.caption(f"What would clear it: {md(text(f.clears))}")
        _jump_buttons(q, list(f.answers), f"{ctx}_rf_{f.id}")
    if potential:
        with st.expander(f"{len(potential)} possible red flag{'s' if len(potential) != 1 else ''} "
                         "(depend on unanswered or unknown questions)"):
            for f in potential:
                st.markdown(f"**{md(f.id)}: {md(text(f.title))}** would mean {outcome_label(f.outcome)}.")
                _jump_buttons(q, f.gap_questions or list(f.answers), f"{ctx}_prf_{f.id}")

    if a.rights:
        st.markdown("### Risk to each right")
        st.html(matrix_html(a))
        rights_table(a, labels)
        with st.expander("Why these ratings"):
            for r in a.rights:
                drivers: list[str] = []
                for dim in r.dimensions.values():
                    drivers += [k for k in dim.answers if k not in drivers]
                st.markdown(f"**{md(text(r.name))}**: "
                            + (md("; ".join(text(h) for h in r.harms)) or "no specific harm found"))
                if drivers:
                    _jump_buttons(q, drivers, f"{ctx}_r_{r.id}")

    gaps = list(a.evidence_gaps)
    if gaps:
        material = [g for g in gaps if g.material]
        title = f"Evidence gaps: {len(gaps)}" + (f" ({len(material)} could change the outcome)" if material else "")
        with st.expander(title):
            st.caption("Questions left open or answered 'unknown' that the rules depend on.")
            _jump_buttons(q, [g.question for g in gaps], f"{ctx}_gap")


def rights_table(a: Any, labels: dict[str, str]) -> None:
    """Ratings per right as a compact table that fits beside the questions."""
    colours = {lv.id: lv.color for lv in a.matrix.levels}

    def cell(level: str) -> str:
        bg = colours.get(level, "#888888")
        return f'<td style="background:{bg};color:{_text_colour(bg)}">{html.escape(labels.get(level, level))}</td>'

    rows = "".join(
        f"<tr><th scope='row'>{n}. {html.escape(text(r.name))}</th>{cell(r.inherent)}{cell(r.residual)}"
        f"{cell(r.projected)}</tr>"
        for n, r in enumerate(a.rights, start=1)
    )
    st.html(
        '<table class="pia-matrix"><caption style="caption-side:top;text-align:left;color:#262730">'
        "Rating of each right</caption><thead><tr><th scope='col'>Right</th><th scope='col'>Before safeguards</th>"
        "<th scope='col'>With verified safeguards</th><th scope='col'>If planned safeguards work</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _text_colour(bg: str) -> str:
    """Black or white, whichever contrasts more with the cell colour (WCAG luminance)."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(bg[i:i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def matrix_html(a: Any) -> str:
    """The severity x likelihood grid with each right placed by its residual rating."""
    colours = {lv.id: lv.color for lv in a.matrix.levels}
    labels = {lv.id: text(lv.label) for lv in a.matrix.levels}
    placed: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for n, r in enumerate(a.rights, start=1):
        key = (r.residual_severity, r.residual_likelihood or r.residual_dimensions.get("likelihood", r.likelihood))
        placed.setdefault(key, []).append((n, text(r.name)))
    head = "".join(f'<th scope="col">{n}</th>' for n in (f"{k} {score_word(k)}" for k in SCORES))
    body = []
    for sev in (4, 3, 2, 1):
        cells = []
        for lik in (1, 2, 3, 4):
            lv = a.matrix.cells[sev][lik - 1]
            bg = colours.get(lv, "#888888")
            names = placed.get((sev, lik), [])
            inner = f"<span class='lv'>{html.escape(labels.get(lv, lv))}</span>"
            if names:   # numbered pins; the ratings table below gives each number its right
                inner += "<div class='pins'>" + "".join(
                    f"<span class='pin' title='{html.escape(name)}'>{n}<span class='sr'> {html.escape(name)}</span></span>"
                    for n, name in names) + "</div>"
            cells.append(f'<td style="background:{bg};color:{_text_colour(bg)}">{inner}</td>')
        body.append(f'<tr><th scope="row">{sev}</th>{"".join(cells)}</tr>')
    return (
        '<table class="pia-matrix"><caption style="caption-side:top;text-align:left;color:#262730">'
        "Risk matrix: each numbered right sits where its rating after verified safeguards falls "
        "(rows: severity, 4 = most severe; columns: likelihood)</caption>"
        f'<thead><tr><th scope="col">Severity</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )
