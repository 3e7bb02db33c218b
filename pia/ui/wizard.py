"""The wizard: screening first, then one section per step, with the live panel beside it."""

from __future__ import annotations

import streamlit as st

from pia.answers import completeness, effective_answers, visible_questions
from pia.assess.summary import completeness_figure
from pia.conditions import is_visible
from pia.model import Questionnaire, Section
from pia.text import text

from . import focus, panel, signoff_review, state, widgets
from .safe import md

ss = st.session_state


def steps(q: Questionnaire, answers: dict) -> list[Section]:
    """The sections to walk through now: screening ones first, hidden ones left out."""
    effective = effective_answers(q, answers)
    shown = [s for s in q.sections if is_visible(s.when, effective)]
    return [s for s in shown if s.screening] + [s for s in shown if not s.screening]


def _go(section_id: str) -> None:
    ss[state.SECTION] = section_id
    focus.request(focus.STEP)   # the new step opens at its heading, with focus on it


def _to_review() -> None:
    state.request_page("review")


def conflict_banner() -> None:
    """Shown when another tab or person saved this draft after this window last did."""
    c = ss.get(state.CONFLICT)
    if not c:
        return
    who = f" by {md(c['author'])}" if c.get("author") else ""
    st.error(
        f"**This draft was changed elsewhere** (revision {c['number']}, saved{who} at {md(c['when'])}). "
        "Your latest changes in this window are **not saved yet**, so nothing has been overwritten. Choose:",
        icon=":material/sync_problem:",
    )
    c1, c2 = st.columns(2)
    with c1:
        st.button("Load the newer version (drop my unsaved changes)", key="conflict_theirs",
                  on_click=state.take_theirs)
    with c2:
        st.button("Keep my answers (save them as the newest revision)", key="conflict_mine",
                  on_click=state.keep_mine, type="primary")
    st.caption("Either way, every earlier revision stays in the history. To be safe, download your answers file "
               "from the sidebar first.")


def save_status() -> None:
    err = ss.get(state.SAVE_ERROR)
    if err:
        st.warning(err, icon=":material/cloud_off:")


def _copy_meta(key: str, widget_key: str) -> None:
    if state.user_changed(widget_key):   # drawn on the first step only: see state.user_changed
        state.set_meta(key, ss[widget_key])


def _meta_editor() -> None:
    meta = ss.get(state.META) or {}
    with st.expander("About this assessment (title, organisation, author)"):
        for key, label in (("title", "Title of the proposal"), ("organisation", "Organisation"),
                           ("prepared_by", "Prepared by"), ("reference", "Reference number (optional)")):
            wk = f"meta_{key}"
            state.show(wk, meta.get(key, ""))
            st.text_input(label, key=wk, max_chars=200, on_change=_copy_meta, args=(key, wk),
                          disabled=state.read_only())


def _sidebar(q: Questionnaire, shown: list[Section], current: Section) -> None:
    comp = state.derived("completeness", q, lambda: completeness(q, ss[state.ANSWERS]))
    progress = {sp.section: sp for sp in comp.sections}
    shown_ids = {s.id for s in shown}
    marks = signoff_review.section_marks(q)   # the reviewers' marks, if any
    with st.sidebar:
        st.markdown("**Sections**")
        for s in shown:
            sp = progress[s.id]
            done = sp.answered + sp.unknown
            mark = ":material/check_circle:" if done >= sp.questions and not sp.required_missing \
                else ":material/radio_button_unchecked:"
            review = f" · {marks[s.id]}" if s.id in marks else ""
            st.button(f"{md(text(s.title))} · {done}/{sp.questions}{review}", key=f"nav_{s.id}", on_click=_go, args=(s.id,),
                      icon=mark, type="primary" if s.id == current.id else "secondary", width="stretch")
        skipped = [s for s in q.sections if s.id not in shown_ids]
        if skipped:
            st.caption("Not asked for this proposal: " + md(", ".join(text(s.title) for s in skipped)))


def page() -> None:
    if not state.has_open():
        st.title("Assessment")
        st.info("Start a new assessment or open a saved draft first.")
        st.button("Go to the start page", key="to_start", on_click=state.request_page, args=("start",))
        return
    q = state.questionnaire()
    answers = ss[state.ANSWERS]
    shown = steps(q, answers)
    ids = [s.id for s in shown]
    if ss.get(state.SECTION) not in ids:
        ss[state.SECTION] = ids[0]
    idx = ids.index(ss[state.SECTION])
    current = shown[idx]
    if st.query_params.get("section") != current.id:
        st.query_params["section"] = current.id   # a refresh comes back to this step
    _sidebar(q, shown, current)

    meta = ss.get(state.META) or {}
    st.title(md(meta.get("title")) or "Assessment")
    state.show_flash()
    state.check_rights()
    if state.read_only():
        st.info("You may read this draft but not change its answers (only its owner and authors may). Mark "
                "sections and comment on questions under Sign-off.", icon=":material/visibility:")
    save_status()
    comp = state.derived("completeness", q, lambda: completeness(q, answers))
    fig = completeness_figure(comp)   # the one figure the brief, the full report and the JSON show
    st.progress(fig.percent / 100, text=f"{fig.text} Step {idx + 1} of {len(shown)}.")

    main, side = st.columns([3, 2], gap="large")
    with main:
        # The step heading keeps one place in the page whatever the step: the proposal's details (first step
        # only) go into a slot that is always there. Streamlit then redraws the heading in place on Next or Back;
        # were it to move, the old heading would stay on screen, stale, beside the new one until the run ends:
        # two headings with the step's id, which the focus script and a screen reader could land on.
        details = st.container()
        if idx == 0:
            with details:
                _meta_editor()
        st.header(md(text(current.title)), anchor=focus.STEP_ANCHOR)
        if current.screening:
            st.caption("Screening: these answers decide which parts of the assessment apply and reveal uses "
                       "the law does not allow.")
        if current.intro:
            st.markdown(md(text(current.intro)))
        st.caption("Where you do not know an answer yet, say so: it is listed as an evidence gap, never read as No.")
        visible = set(_visible_ids(q, answers))
        for question in current.questions:
            if question.id in visible:
                widgets.question_block(q, question)
        ss.pop("focus", None)   # the pointer shows once, right after a jump
        c1, c2, c3 = st.columns([1, 1, 2])
        with c1:
            st.button("Back", key="back", disabled=idx == 0, on_click=_go,
                      args=(ids[idx - 1] if idx else ids[0],), icon=":material/arrow_back:", width="stretch")
        with c2:
            if idx < len(shown) - 1:
                st.button("Next", key="next", type="primary", on_click=_go, args=(ids[idx + 1],),
                          icon=":material/arrow_forward:", icon_position="right", width="stretch")
            else:
                st.button("Review and reports", key="next", type="primary", on_click=_to_review,
                          icon=":material/arrow_forward:", icon_position="right", width="stretch")
    with side:
        a, note = panel.current_assessment(q)
        panel.render(q, a, note)


def _visible_ids(q: Questionnaire, answers: dict) -> list[str]:
    return state.derived("visible", q, lambda: visible_questions(q, answers))
