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
from pia.text import text
from pia.wording import SCORES, basis_label, label, outcome_label, score_word

from . import audit, state
from .jump import goto_question, jump_buttons  # noqa: F401  (pages use panel.goto_question)
from .safe import log, md

ss = st.session_state
BAD = {"prohibited", "do_not_proceed"}
ASSUMED = "assumed"   # CSS class of a rating that rests on unknown answers (hatched, dashed: see app.CSS)
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


def render(q: Questionnaire, a: Any | None, note: str | None, ctx: str = "panel", outcome: bool = True) -> None:
    """The whole panel; `ctx` keeps button keys unique when drawn on several pages.

    `outcome`: False where the page shows the outcome box itself (the review page leads with it).
    """
    st.header("Live assessment" if outcome else "Findings")
    if a is None:
        st.info(note or "No assessment yet.")
        return
    if outcome:
        outcome_box(a)
    if not a.decided and a.decisive_gaps:
        st.markdown(f"**The outcome turns on {len(a.decisive_gaps)} answer{'s' if len(a.decisive_gaps) != 1 else ''} "
                    "not yet known:**")
        jump_buttons(q, a.decisive_gaps[:8], f"{ctx}_decisive")
        if len(a.decisive_gaps) > 8:
            st.caption(f"and {len(a.decisive_gaps) - 8} more, listed in the review.")
    labels = level_labels(a)
    if a.overall_level:
        st.markdown(f"Overall risk after verified safeguards: **{md(labels.get(a.overall_level, a.overall_level))}**")

    triggered = [f for f in a.red_flags if f.status == "triggered"]
    potential = [f for f in a.red_flags if f.status == "potential"]
    if triggered or potential:
        st.markdown("### Red flags")
    traced = audit.data(q, a) if (triggered or potential or a.rights) else None
    flags = {f["id"]: f for f in traced["red_flags"]} if traced else {}
    for f in triggered:
        st.error(f"**{md(f.id)}: {md(text(f.title))}** — {outcome_label(f.outcome)}. No safeguard can lift this.",
                 icon=":material/flag:")
        if f.clears:
            st.caption(f"What would clear it: {md(text(f.clears))}")
        jump_buttons(q, list(f.answers), f"{ctx}_rf_{f.id}")
        audit.flag(q, flags[f.id], f"{ctx}_rf")
    if potential:
        with audit.lazy(f"{len(potential)} possible red flag{'s' if len(potential) != 1 else ''} "
                        "(depend on unanswered or unknown questions)", f"{ctx}_possible") as box:
            for f in potential if box.open else []:
                st.markdown(f"**{md(f.id)}: {md(text(f.title))}** would mean {outcome_label(f.outcome)}.")
                jump_buttons(q, f.gap_questions or list(f.answers), f"{ctx}_prf_{f.id}")
        for f in potential:
            audit.flag(q, flags[f.id], f"{ctx}_prf")

    if a.rights:
        st.markdown("### Risk to each right")
        st.html(matrix_html(a))
        rights_table(a, labels)
        st.markdown("**Why these ratings** (the rules, answers and derivation, as in the full report)")
        for row in traced["rights"]:
            audit.right(q, row, f"{ctx}_r")
        audit.method(traced, ctx)

    gaps = list(a.evidence_gaps)
    if gaps:
        material = [g for g in gaps if g.material]
        title = f"Evidence gaps: {len(gaps)}" + (f" ({len(material)} could change the outcome)" if material else "")
        with audit.lazy(title, f"{ctx}_gaps") as box:
            if box.open:
                st.caption("Questions left open or answered 'unknown' that the rules depend on.")
                jump_buttons(q, [g.question for g in gaps], f"{ctx}_gap")


def rights_table(a: Any, labels: dict[str, str]) -> None:
    """Ratings per right as a compact table that fits beside the questions."""
    colours = {lv.id: lv.color for lv in a.matrix.levels}

    def cell(level: str, basis: str = "established") -> str:
        bg = colours.get(level, "#888888")
        return (f'<td class="{ASSUMED if basis == "assumed" else "est"}" style="background:{bg};'
                f'color:{_text_colour(bg)}">{html.escape(labels.get(level, level))}</td>')

    def basis(r: Any) -> str:
        assumed = "assumed" in (r.inherent_basis, r.residual_basis)
        word = basis_label("assumed" if assumed else "established", short=True)
        return f'<td class="basis">{"<strong>" + html.escape(word) + "</strong>" if assumed else html.escape(word)}</td>'

    rows = "".join(
        f"<tr><th scope='row'>{n}. {html.escape(text(r.name))}</th>{cell(r.inherent, r.inherent_basis)}"
        f"{cell(r.residual, r.residual_basis)}{cell(r.projected, r.residual_basis)}{basis(r)}</tr>"
        for n, r in enumerate(a.rights, start=1)
    )
    st.html(
        '<table class="pia-matrix"><caption style="caption-side:top;text-align:left;color:#262730">'
        "Rating of each right</caption><thead><tr><th scope='col'>Right</th><th scope='col'>Before safeguards</th>"
        "<th scope='col'>With verified safeguards</th><th scope='col'>If planned safeguards work</th>"
        f"<th scope='col'>{html.escape(label('basis.heading'))}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    if any("assumed" in (r.inherent_basis, r.residual_basis) for r in a.rights):
        st.caption(f"Hatched, dashed cells are assumed, not established. {md(label('basis.note'))}")


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
        placed.setdefault(key, []).append((n, text(r.name), r.residual_basis))
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
                    f"<span class='pin {ASSUMED if b == 'assumed' else 'est'}' title='{html.escape(name)}'>{n}"
                    f"<span class='sr'> {html.escape(name)}"
                    f"{' (' + html.escape(basis_label('assumed', short=True)) + ')' if b == 'assumed' else ''}"
                    "</span></span>"
                    for n, name, b in names) + "</div>"
            cells.append(f'<td style="background:{bg};color:{_text_colour(bg)}">{inner}</td>')
        body.append(f'<tr><th scope="row">{sev}</th>{"".join(cells)}</tr>')
    return (
        '<table class="pia-matrix"><caption style="caption-side:top;text-align:left;color:#262730">'
        "Risk matrix: each numbered right sits where its rating after verified safeguards falls "
        "(rows: severity, 4 = most severe; columns: likelihood)</caption>"
        f'<thead><tr><th scope="col">Severity</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )
