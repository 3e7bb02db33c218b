"""The decision bar: the outcome (decided or open), the red flags and the gaps, always in view.

The live panel sits beside (or, on a phone, below) the questions and scrolls
away; this bar is pinned to the top of the page (CSS on its keyed container,
see app.CSS) on every page with an open assessment, at every width. Each
flag and the gaps link to their questions. A conflict with another window is
shown here too, so the choice it asks for is where the user is.
"""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from pia.model import Questionnaire
from pia.text import text
from pia.wording import label, status_label

from . import panel
from .safe import md

ss = st.session_state
KEY = "pia_decision"
SHOW_GAPS = 12


def _tone(a: Any) -> str:
    if a.outcome in panel.BAD:
        return "bad"
    if a.outcome in panel.WARN or not a.decided:
        return "warn"
    return "good"


def badge_html(a: Any) -> str:
    """The outcome as one line; role=status so a screen reader announces a change of decision."""
    # An open outcome's headline already says "Open between ..."; a decided one says so in a tag.
    kind = f'<span class="pia-kind">{html.escape(label("outcome.decided.short"))}</span> ' if a.decided else ""
    return (f'<div class="pia-outcome pia-{_tone(a)}" role="status" aria-live="polite">'
            f'{kind}<strong>{html.escape(a.headline)}</strong></div>')


def _flag_button(q: Questionnaire, f: Any, ctx: str) -> None:
    qids = [x for x in f.answers if q.question(x) is not None] or list(f.gap_questions)
    title = f"{md(f.id)}: {md(text(f.title))}"
    if qids:
        st.button(title, key=f"bar_{ctx}_{f.id}", on_click=panel.goto_question, args=(q, qids[0]),
                  icon=":material/flag:", type="secondary", wrap=True,
                  help=f"{status_label(f.status)}. Go to the answer that decides it")
    else:
        st.markdown(f":material/flag: {title}")


def render(q: Questionnaire, a: Any | None, ctx: str) -> None:
    """The bar, drawn first on the page; `ctx` keeps button keys unique per page."""
    with st.container(key=KEY):
        if a is None:
            st.caption("The live assessment could not be computed (see the panel).")
        else:
            with st.container(horizontal=True, vertical_alignment="center", gap="small", key="pia_decision_row"):
                st.html(badge_html(a), width="content")
                for f in a.triggered:
                    _flag_button(q, f, ctx)
                if a.potential:
                    # Drawn only while open (opening reruns the page): on a young draft most flags may apply,
                    # each with its links, and the bar is redrawn on every action (see audit.lazy).
                    with st.popover(f"{len(a.potential)} possible red flag{'s' if len(a.potential) != 1 else ''}",
                                    icon=":material/outlined_flag:", key=f"bar_{ctx}_possible",
                                    on_change="rerun") as box:
                        for f in a.potential if box.open else []:
                            st.markdown(f"**{md(f.id)}: {md(text(f.title))}** — {status_label(f.status)}")
                            panel.jump_buttons(q, f.gap_questions or list(f.answers), f"bar_{ctx}_p_{f.id}")
                _gaps(q, a, ctx)
        _conflict()


def _gaps(q: Questionnaire, a: Any, ctx: str) -> None:
    gaps = list(a.evidence_gaps)
    if not gaps:
        return
    first = [x for x in a.decisive_gaps] + [g.question for g in gaps if g.material]
    order = list(dict.fromkeys(first + [g.question for g in gaps]))
    decisive = len(a.decisive_gaps)
    name = f"{len(gaps)} gap{'s' if len(gaps) != 1 else ''}" + (f" ({decisive} decisive)" if decisive else "")
    with st.popover(name, icon=":material/help:"):
        st.caption("Questions left open or answered “unknown” that the rules depend on; the decisive ones, "
                   "whose answer alone can change the outcome, come first.")
        panel.jump_buttons(q, order[:SHOW_GAPS], f"bar_{ctx}_gap")
        if len(order) > SHOW_GAPS:
            st.caption(f"and {len(order) - SHOW_GAPS} more, listed on the review page.")


def _conflict() -> None:
    from .wizard import conflict_banner

    conflict_banner()
