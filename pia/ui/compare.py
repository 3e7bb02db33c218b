"""Compare page: two assessments side by side — the same comparison as `pia diff A B`."""

from __future__ import annotations

from typing import Any

import streamlit as st

from pia.answers import AnswerSet
from pia.diff import Comparison, compare
from pia.errors import PiaError
from pia.intake import MAX_UPLOAD_BYTES
from pia.model import Questionnaire
from pia.wording import outcome_label

from . import panel, state, uploads
from .safe import md, store_failure

ss = st.session_state
SOURCES = ("This assessment", "A saved draft", "A file")


def show(c: Comparison, names: tuple[str, str]) -> None:
    """Outcome, red flags, per-right ratings and differing answers, as tables (columns named A and B)."""
    full_a, full_b = names
    a, b = "A", "B"
    c1, c2 = st.columns(2)
    for col, tag, name, outcome, head, level in ((c1, a, full_a, c.outcome[0], c.headlines[0], c.overall[0]),
                                                 (c2, b, full_b, c.outcome[1], c.headlines[1], c.overall[1])):
        with col:
            st.markdown(f"**{tag}: {md(name)}**")
            line = f"Outcome: **{md(head) or outcome_label(outcome or '')}**"
            if level:
                line += f" · overall risk {level.replace('_', ' ')}"
            (st.error if outcome in panel.BAD else st.warning if outcome in panel.WARN else st.success)(line)
    fa, fb = set(c.red_flags[0]), set(c.red_flags[1])
    pa, pb = set(c.possible_flags[0]), set(c.possible_flags[1])
    if fa or fb:
        st.markdown(f"Red flags — {a}: {md(', '.join(sorted(fa))) or 'none'}; "
                    f"{b}: {md(', '.join(sorted(fb))) or 'none'}")
    if pa or pb:
        st.markdown(f"Red flags that may apply (they rest on unknown answers) — {a}: "
                    f"{md(', '.join(sorted(pa))) or 'none'}; {b}: {md(', '.join(sorted(pb))) or 'none'}")
    if c.rights:
        rows = [f"| Right | {a}: before | {a}: after | {b}: before | {b}: after | Changed |",
                "|---|---|---|---|---|---|"]
        for r in c.rights:
            rows.append(f"| {md(r.name)} | {_lv(r.inherent[0])} | {_lv(r.residual[0])} | {_lv(r.inherent[1])} | "
                        f"{_lv(r.residual[1])} | {'yes' if r.changed else ''} |")
        st.markdown("\n".join(rows))
    for key, va, vb in c.meta:
        st.caption(f"{md(key)}: {md(va) or '(empty)'} → {md(vb) or '(empty)'}")
    if c.answers:
        st.markdown(f"**{len(c.answers)} answer{'s' if len(c.answers) != 1 else ''} differ**")
        rows = [f"| Question | Section | {a} | {b} |", "|---|---|---|---|"]
        for ch in c.answers:
            note = " *(hidden in both; does not count)*" if not ch.counts else ""
            rows.append(f"| {md(ch.label)}{note} | {md(ch.section)} | {md(ch.before_text)} | {md(ch.after_text)} |")
        st.markdown("\n".join(rows))
    else:
        st.markdown("The answers are the same.")
    if c.same:
        st.success("Same assessment.")


def _lv(v: str | None) -> str:
    return md((v or "–").replace("_", " "))


def _pick(side: str) -> tuple[AnswerSet, Questionnaire, str] | None:
    options = list(SOURCES) if state.has_open() else list(SOURCES[1:])
    default = 1 if side == "B" and len(options) == 3 else 0   # this one against a saved one, to start with
    kind = st.radio(f"Assessment {side}", options, index=default, key=f"cmp_kind_{side}", horizontal=True)
    if kind == "This assessment":
        a = state.answer_set()
        return a, state.questionnaire(), a.meta.get("title") or "this assessment"
    if kind == "A saved draft":
        s = state.store()
        if s is None:
            st.warning("Saved drafts are unavailable.")
            return None
        try:
            drafts = s.drafts()
        except PiaError as exc:
            st.error(store_failure("listing the drafts", exc))
            return None
        if not drafts:
            st.caption("No saved drafts.")
            return None
        labels = {d.id: f"{d.title or '(untitled)'} — revision {d.head}, {d.updated_at:%Y-%m-%d %H:%M}" for d in drafts}
        did = st.selectbox("Draft", list(labels), format_func=labels.get, key=f"cmp_draft_{side}")
        head = next(d.head for d in drafts if d.id == did)
        rev = st.number_input("Revision", min_value=1, max_value=head, value=head, step=1, key=f"cmp_rev_{side}_{did}")
        try:
            answers, _ = s.load(did, int(rev))
        except PiaError as exc:
            st.error(state.problem_message("**This revision cannot be read.**", exc, "reading a draft"))
            return None
        q = state.resolve(answers.questionnaire)
        if q is None:
            st.error(f"Questionnaire {md(answers.questionnaire)} is not installed here.")
            return None
        return answers, q, f"{answers.meta.get('title') or 'draft'} (rev. {int(rev)})"
    up = st.file_uploader(f"Answers file or report for {side}", type=["yaml", "yml", "docx"], key=f"cmp_up_{side}",
                          max_upload_size=MAX_UPLOAD_BYTES // (1024 * 1024))
    checked = uploads.check(f"cmp_up_{side}", up, lambda: uploads.opened(up))
    if checked is None:
        return None
    if not checked.ok:
        st.error(f"**{md(up.name)} cannot be used.**\n\n" + uploads.problems_markdown(checked, 10))
        return None
    if checked.note:
        st.warning(md(checked.note.capitalize()), icon=":material/info:")
    return checked.answers, checked.q, up.name


def page() -> None:
    st.title("Compare two assessments")
    st.caption("For example two vendors' proposals, or the same proposal before and after safeguards. "
               "The command line gives the same comparison: pia diff A.yaml B.yaml")
    c1, c2 = st.columns(2, gap="large")
    picked: list[Any] = []
    with c1:
        picked.append(_pick("A"))
    with c2:
        picked.append(_pick("B"))
    if None in picked:
        return
    (a, qa, na), (b, qb, nb) = picked
    if qa.id != qb.id:
        st.error(f"These are assessments with different questionnaires ({md(qa.id)} and {md(qb.id)}); "
                 "they cannot be compared.")
        return
    st.divider()
    try:
        c = compare(qa, a, b)
    except PiaError as exc:
        st.error("\n".join(f"- {md(p)}" for p in exc.problems[:10]))
        return
    show(c, (na, nb))
