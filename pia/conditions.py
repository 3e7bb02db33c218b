"""Structured `when` conditions: a small tree of data, never code.

A condition is `{question, op, value}` (optionally `field` to look inside the
rows of a repeatable group) combined with `all`, `any` and `not`. Evaluation
is three-valued: True, False, or None for "we do not know" — because an
answer of "unknown" must never be read as "no". Visibility shows a question
unless its condition is definitely False; the engine treats None as a
*potential* finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

UNKNOWN = "unknown"

Op = Literal[
    "equals",
    "not_equals",
    "in",
    "not_in",
    "contains",
    "contains_any",
    "answered",
    "unknown",
    "gte",
    "lte",
    "gt",
    "lt",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)  # docstrings -> schema


class Leaf(BaseModel):
    """One comparison against one answer (or, with `field`, any row of a group)."""

    model_config = _FROZEN
    question: str
    """Id of the question whose answer is tested; in a `when` of a question or section it must be asked earlier."""
    op: Op
    """The test: `equals`, `not_equals`, `in`, `not_in`; `contains`, `contains_any` (multiple choice); `gte`,
    `lte`, `gt`, `lt` (numbers and dates); `answered` or `unknown` (any question, no value)."""
    field: str | None = None
    """For a group question: the id of the field to test; the condition holds when any entry matches."""
    value: Any = None
    """What to compare with: an option value, `yes`/`no`, a number, text or a YYYY-MM-DD date; a list for `in`,
    `not_in` and `contains_any`; left out for `answered` and `unknown`."""


class AllOf(BaseModel):
    """Holds when every listed condition holds."""

    model_config = _FROZEN
    all: list[Condition] = Field(min_length=1)
    """The conditions that must all hold; at least one."""


class AnyOf(BaseModel):
    """Holds when at least one listed condition holds."""

    model_config = _FROZEN
    any: list[Condition] = Field(min_length=1)
    """The conditions of which at least one must hold; at least one."""


class NotOf(BaseModel):
    """Holds when the condition inside does not; an unknown answer stays unknown."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, use_attribute_docstrings=True)
    not_: Condition = Field(alias="not")
    """The condition to negate."""


def _kind(value: Any) -> str:
    if isinstance(value, BaseModel):
        return {Leaf: "leaf", AllOf: "all", AnyOf: "any", NotOf: "not"}[type(value)]
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
    return "leaf"


Condition = Annotated[
    Annotated[Leaf, Tag("leaf")] | Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")] | Annotated[NotOf, Tag("not")],
    Discriminator(_kind),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def leaves(cond: Condition) -> list[tuple[Leaf, tuple[Any, ...]]]:
    """Every leaf with its path inside the condition (for error locations)."""
    out: list[tuple[Leaf, tuple[Any, ...]]] = []

    def walk(c: Any, path: tuple[Any, ...]) -> None:
        if isinstance(c, Leaf):
            out.append((c, path))
        elif isinstance(c, AllOf):
            for i, sub in enumerate(c.all):
                walk(sub, path + ("all", i))
        elif isinstance(c, AnyOf):
            for i, sub in enumerate(c.any):
                walk(sub, path + ("any", i))
        elif isinstance(c, NotOf):
            walk(c.not_, path + ("not",))

    walk(cond, ())
    return out


def referenced(cond: Condition | None) -> set[str]:
    """Question ids a condition reads — what an auditor needs in a trace."""
    return {leaf.question for leaf, _ in leaves(cond)} if cond is not None else set()


# --- evaluation -----------------------------------------------------------------


def _compare(op: str, actual: Any, expected: Any) -> bool | None:
    """One comparison on a present, known value."""
    if op == "equals":
        return actual == expected
    if op == "not_equals":
        return actual != expected
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if op == "contains":
        return isinstance(actual, list) and expected in actual
    if op == "contains_any":
        return isinstance(actual, list) and any(v in actual for v in expected)
    try:
        if op == "gte":
            return actual >= expected
        if op == "lte":
            return actual <= expected
        if op == "gt":
            return actual > expected
        if op == "lt":
            return actual < expected
    except TypeError:
        return None
    raise ValueError(f"unknown op {op}")


def _leaf_on_value(leaf: Leaf, present: bool, value: Any, missing: bool | None) -> bool | None:
    if leaf.op == "answered":
        return present and value != UNKNOWN
    if leaf.op == "unknown":
        return present and value == UNKNOWN
    if not present:
        return missing
    if value == UNKNOWN:
        return None
    return _compare(leaf.op, value, leaf.value)


def eval_leaf(leaf: Leaf, answers: Mapping[str, Any], missing: bool | None) -> bool | None:
    """Evaluate one leaf; `missing` is what an absent answer yields (False or None)."""
    present = leaf.question in answers
    value = answers.get(leaf.question)
    if leaf.field is None:
        return _leaf_on_value(leaf, present, value, missing)
    # A leaf over a group's field: true when any row satisfies it.
    if not present:
        return _leaf_on_value(leaf, False, None, missing)
    if value == UNKNOWN:
        return None if leaf.op not in ("answered", "unknown") else _leaf_on_value(leaf, True, value, missing)
    rows = value if isinstance(value, list) else []
    results = [
        _leaf_on_value(leaf, leaf.field in row, row.get(leaf.field), missing)
        for row in rows
        if isinstance(row, Mapping)
    ]
    return _any3(results) if results else (False if missing is False else missing)


def _all3(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _any3(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    if any(v is None for v in values):
        return None
    return False


def evaluate(cond: Condition | None, answers: Mapping[str, Any], missing: bool | None = False) -> bool | None:
    """Kleene three-valued evaluation. No condition means always true."""
    if cond is None:
        return True
    if isinstance(cond, Leaf):
        return eval_leaf(cond, answers, missing)
    if isinstance(cond, AllOf):
        return _all3([evaluate(c, answers, missing) for c in cond.all])
    if isinstance(cond, AnyOf):
        return _any3([evaluate(c, answers, missing) for c in cond.any])
    if isinstance(cond, NotOf):
        inner = evaluate(cond.not_, answers, missing)
        return None if inner is None else not inner
    raise TypeError(f"not a condition: {cond!r}")


def is_visible(cond: Condition | None, answers: Mapping[str, Any]) -> bool:
    """Show unless definitely hidden: an unknown answer keeps follow-ups visible."""
    return evaluate(cond, answers, missing=False) is not False


def driving_answers(cond: Condition | None, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a condition read, for the trace (absent ones shown as None)."""
    return {qid: answers.get(qid) for qid in sorted(referenced(cond))}


def decisive(cond: Condition | None, answers: Mapping[str, Any], missing: bool | None = False) -> list[Leaf]:
    """The leaves that settle a condition's value: the branch that fired, not every answer it mentions.

    `all` that holds needs every part; `all` that fails is settled by its first failing part; `any` the
    other way round; `not` is settled by whatever settles its inner condition. When the value is unknown,
    the parts still unknown are what it depends on. An auditor reads these as "the answers that made the
    rule apply" (a negated answer that played no part is left out).
    """
    return _decisive(cond, answers, missing, {})


def _decisive(cond: Condition | None, answers: Mapping[str, Any], missing: bool | None,
              seen: dict[int, bool | None]) -> list[Leaf]:
    """decisive(), each part's value computed once (`seen`, by node) instead of again at every level."""
    if cond is None:
        return []
    value = _evaluate_once(cond, answers, missing, seen)
    if isinstance(cond, Leaf):
        return [cond]
    if isinstance(cond, NotOf):
        return _decisive(cond.not_, answers, missing, seen)
    parts = cond.all if isinstance(cond, AllOf) else cond.any
    settle = not isinstance(cond, AllOf)   # what settles an `all` is a False part; an `any`, a True one
    out: list[Leaf] = []
    if value is settle:
        first = next(c for c in parts if _evaluate_once(c, answers, missing, seen) is settle)
        return _decisive(first, answers, missing, seen)
    for c in parts:
        if value is None and _evaluate_once(c, answers, missing, seen) is not None:
            continue
        out += [x for x in _decisive(c, answers, missing, seen) if x not in out]
    return out


def _evaluate_once(cond: Condition, answers: Mapping[str, Any], missing: bool | None,
                   seen: dict[int, bool | None]) -> bool | None:
    """evaluate(), remembering every node's value in `seen` (the nodes live as long as the call)."""
    key = id(cond)
    if key in seen:
        return seen[key]
    if isinstance(cond, AllOf):
        value = _all3([_evaluate_once(c, answers, missing, seen) for c in cond.all])
    elif isinstance(cond, AnyOf):
        value = _any3([_evaluate_once(c, answers, missing, seen) for c in cond.any])
    elif isinstance(cond, NotOf):
        inner = _evaluate_once(cond.not_, answers, missing, seen)
        value = None if inner is None else not inner
    else:
        value = evaluate(cond, answers, missing)
    seen[key] = value
    return value
