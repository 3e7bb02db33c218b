"""The questionnaire as frozen, validated data (pydantic v2).

Every question has a stable id that never changes meaning; the instrument has
an id and a semantic version. Misspelt fields are errors (`extra="forbid"`),
question kinds are a discriminated union on `type`, so an author gets one
precise message instead of a wall of union alternatives.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .conditions import UNKNOWN, Condition, Leaf
from .rules_model import Rulebook
from .text import Text, text  # noqa: F401  (re-exported)

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SEMVER_PATTERN = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$"
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_FROZEN = ConfigDict(frozen=True, extra="forbid")
DEFAULT_GROUP_ITEMS = 200
MAX_GROUP_ITEMS = 10_000


class Option(BaseModel):
    model_config = _FROZEN
    value: str = Field(min_length=1, max_length=100)
    label: Text
    help: Text | None = None

    @field_validator("value")
    @classmethod
    def _not_unknown(cls, v: str) -> str:
        if v == UNKNOWN:
            raise ValueError("'unknown' is reserved; set allow_unknown on the question instead")
        return v


class QuestionBase(BaseModel):
    """What every question carries: wording, guidance, legal hooks, visibility."""

    model_config = _FROZEN
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    label: Text
    help: Text | None = None
    guidance: Text | None = None
    required: bool = True
    allow_unknown: bool = True
    legal_refs: list[str] = []
    elements: list[str] = []
    when: Condition | None = None

    def check_value(self, value: Any) -> str | None:
        """Why a (non-unknown) answer is not acceptable, or None when it is."""
        raise NotImplementedError


class YesNo(QuestionBase):
    type: Literal["yes_no"]

    def check_value(self, value: Any) -> str | None:
        if value in ("yes", "no"):
            return None
        if isinstance(value, bool):
            return "write yes or no (not true/false)"
        return f"expected yes or no, got {value!r}"


def _unique_options(options: list[Option]) -> list[Option]:
    values = [o.value for o in options]
    dupes = sorted({v for v in values if values.count(v) > 1})
    if dupes:
        raise ValueError(f"duplicate option value(s): {', '.join(dupes)}")
    return options


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    options: list[Option] = Field(min_length=2)

    _unique = field_validator("options")(classmethod(lambda cls, v: _unique_options(v)))

    def values(self) -> list[str]:
        return [o.value for o in self.options]

    def check_value(self, value: Any) -> str | None:
        if value in self.values():
            return None
        return f"{value!r} is not one of the offered choices: {', '.join(self.values())}"


class MultiChoice(QuestionBase):
    type: Literal["multi_choice"]
    options: list[Option] = Field(min_length=2)
    min_selected: int = Field(0, ge=0)
    max_selected: int | None = Field(None, ge=1)

    _unique = field_validator("options")(classmethod(lambda cls, v: _unique_options(v)))

    def values(self) -> list[str]:
        return [o.value for o in self.options]

    def check_value(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return "expected a list of choices"
        bad = [v for v in value if v not in self.values()]
        if bad:
            return f"not offered: {', '.join(map(repr, bad))}; choices are {', '.join(self.values())}"
        if len(set(value)) != len(value):
            return "a choice is listed twice"
        if len(value) < self.min_selected:
            return f"choose at least {self.min_selected}"
        if self.max_selected is not None and len(value) > self.max_selected:
            return f"choose at most {self.max_selected}"
        return None


class ShortText(QuestionBase):
    type: Literal["text"]
    max_length: int = Field(500, ge=1, le=10_000)

    def check_value(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"expected text, got {type(value).__name__}"
        if "\n" in value:
            return "short text must be a single line"
        if len(value) > self.max_length:
            return f"longer than {self.max_length} characters"
        return None


class LongText(QuestionBase):
    type: Literal["long_text"]
    max_length: int = Field(20_000, ge=1, le=200_000)

    def check_value(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"expected text, got {type(value).__name__}"
        if len(value) > self.max_length:
            return f"longer than {self.max_length} characters"
        return None


class Number(QuestionBase):
    type: Literal["number"]
    unit: Text | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _bounds(self) -> Number:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        return self

    def check_value(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a number, got {value!r}"
        if value != value or value in (float("inf"), float("-inf")):
            return "expected a finite number"
        if self.integer and not float(value).is_integer():
            return "expected a whole number"
        if self.min is not None and value < self.min:
            return f"{value} is below the minimum {_num(self.min)}"
        if self.max is not None and value > self.max:
            return f"{value} is above the maximum {_num(self.max)}"
        return None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class DateQ(QuestionBase):
    type: Literal["date"]

    def check_value(self, value: Any) -> str | None:
        if not isinstance(value, str) or not DATE_PATTERN.match(value):
            return f"expected a date as YYYY-MM-DD, got {value!r}"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{value} is not a real date"
        return None


FieldQuestion = Annotated[
    YesNo | SingleChoice | MultiChoice | ShortText | LongText | Number | DateQ,
    Field(discriminator="type"),
]


class Group(QuestionBase):
    """A repeatable group: a list of records, e.g. one per camera site."""

    type: Literal["group"]
    fields: list[FieldQuestion] = Field(min_length=1)
    min_items: int = Field(0, ge=0)
    # A default bound, so no group answer can hold 150,000 rows unless the author
    # asks for more; MAX_GROUP_ITEMS is the hard cap either way.
    max_items: int = Field(
        DEFAULT_GROUP_ITEMS, ge=1, le=MAX_GROUP_ITEMS,
        description=f"Most entries allowed (default {DEFAULT_GROUP_ITEMS}, at most {MAX_GROUP_ITEMS})",
    )
    item_label: Text | None = None

    @model_validator(mode="after")
    def _fields_ok(self) -> Group:
        ids = [f.id for f in self.fields]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate field id(s): {', '.join(dupes)}")
        for f in self.fields:
            if f.when is not None:
                raise ValueError(f"field {f.id}: conditions are not supported inside a group")
        if self.min_items > self.max_items:
            raise ValueError(f"min_items {self.min_items} is greater than max_items {self.max_items}")
        return self

    def field(self, fid: str) -> FieldQuestion | None:
        return next((f for f in self.fields if f.id == fid), None)

    def row_problems(self, value: Any) -> list[tuple[tuple[Any, ...], str]]:
        """Every problem in a group answer, with its sub-path."""
        if not isinstance(value, list):
            return [((), "expected a list of entries")]
        out: list[tuple[tuple[Any, ...], str]] = []
        if len(value) < self.min_items:
            out.append(((), f"needs at least {self.min_items} entries"))
        if len(value) > self.max_items:
            out.append(((), f"at most {self.max_items} entries allowed"))
        for i, row in enumerate(value):
            if not isinstance(row, dict):
                out.append(((i,), "each entry must be a mapping of field: value"))
                continue
            for key in row:
                if self.field(str(key)) is None:
                    out.append(((i, key), f"unknown field {key!r}; fields are {', '.join(f.id for f in self.fields)}"))
            for f in self.fields:
                if f.id not in row:
                    continue
                v = row[f.id]
                if v == UNKNOWN and f.allow_unknown:
                    continue
                msg = f.check_value(v)
                if msg:
                    out.append(((i, f.id), msg))
        return out

    def check_value(self, value: Any) -> str | None:
        problems = self.row_problems(value)
        return problems[0][1] if problems else None


Question = Annotated[
    YesNo | SingleChoice | MultiChoice | ShortText | LongText | Number | DateQ | Group,
    Field(discriminator="type"),
]


class Section(BaseModel):
    model_config = _FROZEN
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    title: Text
    intro: Text | None = None
    when: Condition | None = None
    screening: bool = False
    questions: list[Question] = Field(min_length=1)


class ModuleFile(Rulebook):
    """One YAML file of an instrument: the core, or a technology module."""

    id: str = Field(pattern=ID_PATTERN)
    title: Text
    version: str | None = Field(None, pattern=SEMVER_PATTERN)
    description: Text | None = None
    modules: list[str] = []
    after: str | None = None
    sections: list[Section] = []


class Questionnaire(BaseModel):
    """The assembled instrument: core plus modules, ids unique across all."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)
    id: str
    title: Text
    version: str = Field(pattern=SEMVER_PATTERN)
    description: Text | None = None
    sections: list[Section]
    rules: Rulebook = Rulebook()
    source_files: list[str] = []

    def model_post_init(self, __context: Any) -> None:
        index: dict[str, Any] = {}
        owner: dict[str, Section] = {}
        for section in self.sections:
            for q in section.questions:
                index[q.id] = q
                owner[q.id] = section
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_owner", owner)

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def questions(self) -> list[Any]:
        """All questions in order (groups count as one question)."""
        return list(self._index.values())  # type: ignore[attr-defined]

    def question(self, qid: str) -> Any | None:
        return self._index.get(qid)  # type: ignore[attr-defined]

    def section_of(self, qid: str) -> Section | None:
        return self._owner.get(qid)  # type: ignore[attr-defined]


# --- static checks of conditions ----------------------------------------------------

_SCALAR_OPS = {"equals", "not_equals", "in", "not_in"}
_ORDER_OPS = {"gte", "lte", "gt", "lt"}


def check_leaf(leaf: Leaf, q: Any) -> str | None:
    """Why a condition leaf cannot work against question `q`, or None."""
    target = q
    if leaf.field is not None:
        if not isinstance(q, Group):
            return f"'field' is only for group questions; {q.id} is {q.type}"
        target = q.field(leaf.field)
        if target is None:
            return f"group {q.id} has no field {leaf.field!r}"
    elif isinstance(q, Group) and leaf.op not in ("answered", "unknown"):
        return f"{q.id} is a group: use 'field' to test its entries, or op answered/unknown"
    op, value = leaf.op, leaf.value
    name = f"{q.id}.{leaf.field}" if leaf.field else q.id
    if op in ("answered", "unknown"):
        return None if value is None else f"op {op} takes no value"
    if value is None:
        return f"op {op} needs a value"
    if op == "unknown" or value == UNKNOWN:
        return "test for 'unknown' with op: unknown"
    kind = target.type
    if op in ("contains", "contains_any"):
        if kind != "multi_choice":
            return f"op {op} is for multiple-choice questions; {name} is {kind}"
        wanted = value if op == "contains_any" else [value]
        if op == "contains_any" and not isinstance(value, list):
            return "contains_any needs a list of values"
        bad = [v for v in wanted if v not in target.values()]
        return f"{name} offers no choice {bad[0]!r}" if bad else None
    if op in _ORDER_OPS:
        if kind == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            return None if ok else f"{name} is a number question; compare it with a number, not {value!r}"
        if kind == "date":
            ok = isinstance(value, str) and bool(DATE_PATTERN.match(value))
            return None if ok else f"{name} is a date question; compare with YYYY-MM-DD, not {value!r}"
        return f"op {op} is for number and date questions; {name} is {kind}"
    # equals / not_equals / in / not_in
    if kind in ("multi_choice",):
        return f"{name} is multiple-choice: use contains or contains_any"
    values = value if op in ("in", "not_in") else [value]
    if op in ("in", "not_in") and not isinstance(value, list):
        return f"op {op} needs a list of values"
    for v in values:
        msg = target.check_value(v)
        if msg:
            return f"{name}: {msg}"
    return None
