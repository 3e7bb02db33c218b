"""Hypothesis strategies for answers files, generic over any questionnaire.

`answer_sets(q)` draws an AnswerSet that passes `pia.answers.validate(…, q)`:
every value is one the question accepts (or "unknown" where allowed), some
questions are left out, and answers to questions that end up hidden are kept
(as a real file may have them). Reuse it from any test:

    from tests.strategies import answer_sets
    @given(answer_sets(q))
    def test_x(answers): ...
"""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from hypothesis import strategies as st

from pia.answers import AnswerSet
from pia.conditions import UNKNOWN
from pia.model import Group, Questionnaire

# Small, printable, single-line text keeps examples readable and fast.
_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,-'éü", min_size=1, max_size=20)


def value_for(question: Any, *, unknown: bool = True, max_rows: int = 3) -> st.SearchStrategy[Any]:
    """A strategy for one valid answer to `question` (groups: a list of rows)."""
    base = _known_value(question, max_rows=max_rows)
    if unknown and question.allow_unknown:
        return st.one_of(base, base, base, st.just(UNKNOWN))
    return base


def _known_value(question: Any, *, max_rows: int) -> st.SearchStrategy[Any]:
    kind = question.type
    if kind == "yes_no":
        return st.sampled_from(["yes", "no"])
    if kind == "single_choice":
        return st.sampled_from(question.values())
    if kind == "multi_choice":
        values = question.values()
        hi = len(values) if question.max_selected is None else min(question.max_selected, len(values))
        lo = min(question.min_selected, hi)
        return st.lists(st.sampled_from(values), min_size=lo, max_size=hi, unique=True)
    if kind == "text":
        return _TEXT.filter(lambda s: len(s) <= question.max_length)
    if kind == "long_text":
        return st.text(alphabet=string.ascii_letters + " \n.", min_size=1, max_size=60).filter(
            lambda s: s.strip() != "" and len(s) <= question.max_length
        )
    if kind == "number":
        lo = question.min if question.min is not None else -1_000_000
        hi = question.max if question.max is not None else 1_000_000
        if question.integer:
            return st.integers(min_value=int(-(-lo // 1)), max_value=int(hi // 1))
        return st.one_of(
            st.integers(min_value=int(-(-lo // 1)), max_value=int(hi // 1)),
            st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False),
        )
    if kind == "date":
        return st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)).map(date.isoformat)
    if kind == "group":
        return _rows(question, max_rows)
    raise AssertionError(f"no strategy for question type {kind}")


def _rows(group: Group, max_rows: int) -> st.SearchStrategy[list[dict[str, Any]]]:
    lo = group.min_items
    hi = max(lo, min(max_rows, group.max_items if group.max_items is not None else max_rows))

    @st.composite
    def row(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in group.fields:
            # Required fields are usually present; optional ones often left out.
            if draw(st.integers(0, 9)) < (8 if f.required else 5):
                out[f.id] = draw(value_for(f, max_rows=0))
        return out

    return st.lists(row(), min_size=lo, max_size=hi)


@st.composite
def answers_dicts(draw: st.DrawFn, q: Questionnaire, *, fill: float = 0.8, max_rows: int = 3) -> dict[str, Any]:
    """A dict question id -> valid value; each question answered with probability ~fill."""
    out: dict[str, Any] = {}
    threshold = int(fill * 100)
    for question in q.questions():
        if draw(st.integers(0, 99)) < threshold:
            out[question.id] = draw(value_for(question, max_rows=max_rows))
    return out


def answer_sets(q: Questionnaire, *, fill: float = 0.8, max_rows: int = 3) -> st.SearchStrategy[AnswerSet]:
    """A valid AnswerSet for `q` (passes pia.answers.validate)."""
    return answers_dicts(q, fill=fill, max_rows=max_rows).map(
        lambda answers: AnswerSet(q.id, q.version, {"title": "generated"}, answers)
    )
