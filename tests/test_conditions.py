"""Three-valued conditions: unknown is never read as no."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from pia.conditions import Condition, evaluate, is_visible, referenced

parse = TypeAdapter(Condition).validate_python


@pytest.mark.parametrize(
    ("cond", "answers", "expected"),
    [
        ({"question": "a", "op": "equals", "value": "yes"}, {"a": "yes"}, True),
        ({"question": "a", "op": "equals", "value": "yes"}, {"a": "no"}, False),
        ({"question": "a", "op": "equals", "value": "yes"}, {"a": "unknown"}, None),
        ({"question": "a", "op": "not_equals", "value": "yes"}, {"a": "unknown"}, None),
        ({"question": "a", "op": "in", "value": ["x", "y"]}, {"a": "y"}, True),
        ({"question": "a", "op": "not_in", "value": ["x", "y"]}, {"a": "y"}, False),
        ({"question": "m", "op": "contains", "value": "x"}, {"m": ["x", "z"]}, True),
        ({"question": "m", "op": "contains", "value": "q"}, {"m": ["x", "z"]}, False),
        ({"question": "m", "op": "contains_any", "value": ["q", "z"]}, {"m": ["x", "z"]}, True),
        ({"question": "n", "op": "gte", "value": 3}, {"n": 3}, True),
        ({"question": "n", "op": "gt", "value": 3}, {"n": 3}, False),
        ({"question": "n", "op": "lte", "value": 3}, {"n": 2.5}, True),
        ({"question": "n", "op": "lt", "value": 3}, {"n": 3}, False),
        ({"question": "d", "op": "gte", "value": "2026-01-01"}, {"d": "2026-06-30"}, True),
        ({"question": "a", "op": "answered"}, {"a": "no"}, True),
        ({"question": "a", "op": "answered"}, {"a": "unknown"}, False),
        ({"question": "a", "op": "answered"}, {}, False),
        ({"question": "a", "op": "unknown"}, {"a": "unknown"}, True),
        ({"question": "a", "op": "unknown"}, {"a": "yes"}, False),
    ],
)
def test_leaf_ops(cond, answers, expected):
    assert evaluate(parse(cond), answers) is expected


def test_missing_answer_is_false_for_visibility_and_none_for_the_engine():
    cond = parse({"question": "a", "op": "equals", "value": "yes"})
    assert evaluate(cond, {}, missing=False) is False
    assert evaluate(cond, {}, missing=None) is None


def test_kleene_logic():
    t = {"question": "a", "op": "equals", "value": "yes"}
    u = {"question": "b", "op": "equals", "value": "yes"}
    f = {"question": "c", "op": "equals", "value": "yes"}
    ans = {"a": "yes", "b": "unknown", "c": "no"}
    assert evaluate(parse({"all": [t, u]}), ans) is None
    assert evaluate(parse({"all": [f, u]}), ans) is False
    assert evaluate(parse({"any": [t, u]}), ans) is True
    assert evaluate(parse({"any": [f, u]}), ans) is None
    assert evaluate(parse({"not": u}), ans) is None
    assert evaluate(parse({"not": f}), ans) is True
    assert evaluate(parse({"not": {"all": [t, {"not": f}]}}), ans) is False


def test_unknown_keeps_follow_ups_visible():
    cond = parse({"question": "a", "op": "equals", "value": "yes"})
    assert is_visible(cond, {"a": "unknown"}) is True
    assert is_visible(cond, {"a": "no"}) is False
    assert is_visible(None, {}) is True


def test_group_field_means_any_row():
    cond = parse({"question": "sites", "field": "kind", "op": "equals", "value": "school"})
    assert evaluate(cond, {"sites": [{"kind": "street"}, {"kind": "school"}]}) is True
    assert evaluate(cond, {"sites": [{"kind": "street"}]}) is False
    assert evaluate(cond, {"sites": [{"kind": "street"}, {"kind": "unknown"}]}) is None
    assert evaluate(cond, {"sites": "unknown"}) is None
    assert evaluate(cond, {"sites": []}) is False


def test_type_mismatch_at_run_time_is_unknown_not_a_crash():
    cond = parse({"question": "n", "op": "gte", "value": 3})
    assert evaluate(cond, {"n": "three"}) is None


def test_referenced_ids():
    cond = parse({"all": [{"question": "a", "op": "answered"}, {"not": {"question": "b", "op": "unknown"}}]})
    assert referenced(cond) == {"a", "b"}


def test_malformed_condition_rejected():
    with pytest.raises(ValueError):
        parse({"question": "a", "op": "matches", "value": "x"})
    with pytest.raises(ValueError):
        parse({"all": []})
