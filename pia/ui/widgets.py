"""Widgets generated from the question models.

Each widget is a view of one answer: before it is drawn, its key is seeded
from the answers record (state.show), and its on_change callback writes the
value back through state.set_answer (which autosaves) — only when the user
changed it from what was shown (state.user_changed), so a browser reporting
widgets of a step it has left cannot overwrite an answer. Because every run
re-seeds from the record, a question hidden by a condition and shown again —
or a section left and revisited — shows exactly what was typed (Streamlit
itself forgets the state of widgets that are not drawn).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import streamlit as st

from pia.conditions import UNKNOWN
from pia.model import Group, Questionnaire
from pia.references import shown_or_note
from pia.text import text

from . import state
from .safe import md

ss = st.session_state
UNKNOWN_LABEL = "Don't know yet"
UNKNOWN_BOX = "Not known yet"
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)
RADIO_MAX = 6


def wkey(qid: str) -> str:
    return f"w_{qid}"


def ukey(qid: str) -> str:
    return f"u_{qid}"


def gkey(qid: str, row: int, fid: str) -> str:
    return f"g_{qid}__{row}__{fid}"


def anchor(qid: str) -> str:
    return f"q-{qid}"


# --- value conversion between answers and widgets -------------------------------------


def to_widget(question: Any, value: Any) -> Any:
    """The widget value that shows `value` (an answer) for this question type."""
    kind = question.type
    if kind in ("yes_no", "single_choice"):
        allowed = (["yes", "no"] if kind == "yes_no" else question.values()) + [UNKNOWN]
        return value if value in allowed else None
    if value == UNKNOWN or value is None:
        return {"multi_choice": [], "text": "", "long_text": ""}.get(kind)
    if kind == "multi_choice":
        return [v for v in value if v in question.values()] if isinstance(value, list) else []
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return int(value) if question.integer else float(value)
    if kind == "date":
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            return None
    if kind in ("text", "long_text"):
        return value if isinstance(value, str) else str(value)
    return value


def from_widget(question: Any, value: Any) -> Any:
    """The answer a widget value stands for (None = no answer)."""
    kind = question.type
    if value is None:
        return None
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else None
    if kind == "number":
        if question.integer:
            return int(value)
        return int(value) if float(value).is_integer() else float(value)
    if kind == "text":
        return " ".join(value.split()) or None   # short text is one line
    if kind == "long_text":
        return value if value.strip() else None
    if kind == "multi_choice":
        return list(value) or None
    return value


# --- callbacks ---------------------------------------------------------------------------


def _copy(q: Questionnaire, qid: str) -> None:
    if not state.user_changed(wkey(qid)):
        return
    question = q.question(qid)
    state.set_answer(qid, from_widget(question, ss.get(wkey(qid))))


def _toggle_unknown(q: Questionnaire, qid: str) -> None:
    if not state.user_changed(ukey(qid)):
        return   # unticking restores the remembered answer, which may be none: only ever on a real click
    remembered = ss.setdefault("_before_unknown", {})
    if ss.get(ukey(qid)):
        current = ss[state.ANSWERS].get(qid)
        if current is not None and current != UNKNOWN:
            remembered[qid] = current
        state.set_answer(qid, UNKNOWN)
    else:
        state.set_answer(qid, remembered.pop(qid, None))


def _copy_field(q: Questionnaire, qid: str, row: int, fid: str) -> None:
    if not state.user_changed(gkey(qid, row, fid)):
        return
    group = q.question(qid)
    rows = copy.deepcopy(_rows(ss[state.ANSWERS].get(qid)))
    if row >= len(rows):
        return
    value = from_widget(group.field(fid), ss.get(gkey(qid, row, fid)))
    if value is None:
        rows[row].pop(fid, None)
    else:
        rows[row][fid] = value
    state.set_answer(qid, rows)


def _add_row(qid: str) -> None:
    rows = copy.deepcopy(_rows(ss[state.ANSWERS].get(qid)))
    state.set_answer(qid, rows + [{}])


def _remove_row(qid: str, row: int) -> None:
    rows = copy.deepcopy(_rows(ss[state.ANSWERS].get(qid)))
    if row < len(rows):
        del rows[row]
    state.set_answer(qid, rows or None)


def _rows(value: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in value if isinstance(r, dict)] if isinstance(value, list) else []


# --- drawing -----------------------------------------------------------------------------


def label_of(question: Any, lang: str = "en") -> str:
    """The widget label: Markdown, so the questionnaire's text is escaped."""
    label = md(text(question.label, lang))
    return label if question.required else f"{label} (optional)"


def _choice_labels(question: Any, lang: str) -> dict[str, str]:
    if question.type == "yes_no":
        labels = {"yes": "Yes", "no": "No"}
    else:
        labels = {o.value: text(o.label, lang) for o in question.options}
    labels[UNKNOWN] = UNKNOWN_LABEL
    return labels


def _choice(question: Any, key: str, label: str, on_change: Any, args: tuple[Any, ...], lang: str,
            allow_unknown: bool, compact: bool = False) -> None:
    labels = _choice_labels(question, lang)
    options = [v for v in labels if v != UNKNOWN] + ([UNKNOWN] if allow_unknown else [])
    if question.type == "yes_no" or (len(options) <= RADIO_MAX and not compact):
        shown = {v: md(t) for v, t in labels.items()}   # radio options are Markdown; select box options are not
        st.radio(label, options, index=None, format_func=shown.get, key=key, on_change=on_change, args=args,
                 horizontal=question.type == "yes_no" or compact, disabled=state.read_only())
    else:
        st.selectbox(label, options, index=None, format_func=labels.get, key=key, on_change=on_change, args=args,
                     placeholder="Choose an option", disabled=state.read_only())


def number_range(question: Any, lang: str = "en") -> str:
    """The range a number must fall in, said beside the box (a value outside it is not saved)."""
    lo, hi = question.min, question.max
    unit = f" {text(question.unit, lang)}" if question.unit else ""

    def n(x: float) -> str:
        return f"{int(x):,}" if float(x).is_integer() else f"{x:,}"

    if lo is not None and hi is not None:
        return f"From {n(lo)} to {n(hi)}{md(unit)}. A number outside this range is not saved."
    if lo is not None:
        return f"At least {n(lo)}{md(unit)}. A smaller number is not saved."
    if hi is not None:
        return f"At most {n(hi)}{md(unit)}. A larger number is not saved."
    return ""


def _plain(question: Any, key: str, label: str, on_change: Any, args: tuple[Any, ...], disabled: bool,
           lang: str) -> None:
    kind = question.type
    common = dict(key=key, on_change=on_change, args=args, disabled=disabled or state.read_only())
    if kind == "text":
        st.text_input(label, max_chars=question.max_length, **common)
    elif kind == "long_text":
        st.text_area(label, max_chars=question.max_length, height=110, **common)
    elif kind == "number":
        unit = text(question.unit, lang)
        shown = f"{label} ({md(unit)})" if unit else label
        if question.integer:
            st.number_input(shown, value=None, step=1,
                            min_value=int(question.min) if question.min is not None else None,
                            max_value=int(question.max) if question.max is not None else None, **common)
        else:
            st.number_input(shown, value=None, step=1.0,
                            min_value=float(question.min) if question.min is not None else None,
                            max_value=float(question.max) if question.max is not None else None, **common)
        allowed = number_range(question, lang)
        if allowed:
            st.caption(allowed)
    elif kind == "date":
        st.date_input(label, value=None, min_value=MIN_DATE, max_value=MAX_DATE, format="YYYY-MM-DD", **common)
    elif kind == "multi_choice":
        labels = {o.value: text(o.label, lang) for o in question.options}
        if question.max_selected is None:
            # Every choice stays on screen, the chosen ones marked: these answers decide the sections and flags.
            st.pills(label, list(labels), selection_mode="multi", format_func=labels.get, width="stretch", wrap=True,
                     **common)
        else:
            st.multiselect(label, list(labels), format_func=labels.get, placeholder="Choose one or more",
                           max_selections=question.max_selected, **common)


def question_input(q: Questionnaire, question: Any, lang: str = "en") -> None:
    """The input(s) for one question, seeded from the record."""
    qid = question.id
    value = ss[state.ANSWERS].get(qid)
    label = label_of(question, lang)
    if isinstance(question, Group):
        _group(q, question, value, lang)
        return
    key = wkey(qid)
    if question.type in ("yes_no", "single_choice"):
        state.show(key, to_widget(question, value))
        _choice(question, key, label, _copy, (q, qid), lang, question.allow_unknown)
        if question.needs_evidence and value in question.needs_evidence:
            _evidence(qid)
        return
    unknown = value == UNKNOWN
    state.show(key, to_widget(question, value))
    _plain(question, key, label, _copy, (q, qid), unknown, lang)
    if question.allow_unknown:
        state.show(ukey(qid), unknown)
        st.checkbox(UNKNOWN_BOX, key=ukey(qid), on_change=_toggle_unknown, args=(q, qid), disabled=state.read_only())


EVIDENCE_FIELDS = (("document", "Law, decision or document relied on"), ("confirmed_by", "Confirmed by (legal review)"),
                   ("date", "Confirmed on (YYYY-MM-DD)"))


def ekey(qid: str, field: str) -> str:
    return f"e_{qid}__{field}"


def _copy_evidence(qid: str, field: str) -> None:
    if not state.user_changed(ekey(qid, field)):
        return
    state.set_evidence(qid, field, ss.get(ekey(qid, field)) or "")


def _evidence(qid: str) -> None:
    """The record that makes a clearing answer count: without all three parts it reads as unknown."""
    from pia.answers import evidence_problem

    record = (ss.get(state.EVIDENCE) or {}).get(qid) or {}
    with st.container(border=True, key=f"ev_{qid}"):
        why = evidence_problem(record)
        if why:
            st.warning(f"This answer clears a legal stop, so it counts only with its evidence: {md(why)}. "
                       "Until then the assessment reads it as not known.", icon=":material/gavel:")
        for field, flabel in EVIDENCE_FIELDS:
            state.show(ekey(qid, field), record.get(field, ""))
            st.text_input(flabel, key=ekey(qid, field), on_change=_copy_evidence, args=(qid, field),
                          max_chars=500, disabled=state.read_only())


def _group(q: Questionnaire, group: Group, value: Any, lang: str) -> None:
    qid = group.id
    item = md(text(group.item_label, lang)) or "Entry"
    st.markdown(f"**{label_of(group, lang)}**")
    unknown = value == UNKNOWN
    rows = _rows(value)
    for i, row in enumerate(rows):
        with st.container(border=True, key=f"row_{qid}__{i}"):
            st.markdown(f"{item} {i + 1}")
            cols = st.columns(3 if len(group.fields) == 3 else 2, gap="small")
            for j, f in enumerate(group.fields):
                key = gkey(qid, i, f.id)
                with cols[j % len(cols)]:
                    state.show(key, to_widget(f, row.get(f.id)))
                    flabel = label_of(f, lang)
                    if f.type in ("yes_no", "single_choice"):
                        _choice(f, key, flabel, _copy_field, (q, qid, i, f.id), lang, f.allow_unknown, compact=True)
                    else:
                        _plain(f, key, flabel, _copy_field, (q, qid, i, f.id), False, lang)
            st.button(f"Remove {item.lower()} {i + 1}", key=f"rm_{qid}__{i}", on_click=_remove_row, args=(qid, i),
                      disabled=state.read_only())
    full = group.max_items is not None and len(rows) >= group.max_items
    st.button(f"Add {item.lower()}", key=f"add_{qid}", on_click=_add_row, args=(qid,),
              disabled=full or unknown or state.read_only(),
              icon=":material/add:")
    if not rows and not unknown:
        st.caption(f"No {item.lower()} added yet.")
    if group.allow_unknown and not rows:
        state.show(ukey(qid), unknown)
        st.checkbox(UNKNOWN_BOX, key=ukey(qid), on_change=_toggle_unknown, args=(q, qid), disabled=state.read_only())


def guidance(question: Any, lang: str = "en", q: Questionnaire | None = None) -> None:
    """Help, guidance and legal references: shown beside the question, never hidden in a tooltip.

    The references are those of the chosen jurisdiction (pia/references.py), once it is answered.
    """
    parts = []
    if question.help:
        parts.append(md(text(question.help, lang)))
    if question.guidance:
        parts.append(f"**Guidance.** {md(text(question.guidance, lang))}")
    refs = list(question.legal_refs)
    if refs and q is not None and q.rules.jurisdiction_question:
        answers = ss.get(state.ANSWERS) or {}
        profile = answers.get(q.rules.jurisdiction_question)
        refs = shown_or_note(refs, q.rules.anchors, profile if isinstance(profile, str) and profile != UNKNOWN
                             else None, answers)
    if refs:
        parts.append("**Legal references.** " + md("; ".join(refs)))
    if parts:
        st.caption("\n\n".join(parts))


def question_block(q: Questionnaire, question: Any, lang: str = "en") -> None:
    with st.container(key=f"qb_{question.id}"):
        if ss.get("focus") == question.id:
            st.info("This is the question you selected.", icon=":material/arrow_downward:")
        if isinstance(question, Group):   # rows need the full width; guidance goes above them
            guidance(question, lang, q)
            question_input(q, question, lang)
            st.divider()
            return
        left, right = st.columns([3, 2], gap="medium")
        with left:
            question_input(q, question, lang)
        with right:
            guidance(question, lang, q)
        st.divider()
