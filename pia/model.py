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

# Attribute docstrings become the JSON Schema descriptions authors see in their editor.
_FROZEN = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)
DEFAULT_GROUP_ITEMS = 200
MAX_GROUP_ITEMS = 10_000


class Option(BaseModel):
    """One choice of a single- or multiple-choice question."""

    model_config = _FROZEN
    value: str = Field(min_length=1, max_length=100)
    """What the answers file stores when this choice is picked, e.g. `public_space`; unique within the question,
    at most 100 characters. `unknown` is reserved: use `allow_unknown` on the question instead."""
    label: Text
    """The wording people see for this choice."""
    help: Text | None = None
    """Optional note explaining the choice, for readers of the file."""

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
    """Stable id, the key of the answer in answers files: lower case letters, digits and underscores, starting
    with a letter, at most 80 characters, unique across all files (e.g. `school_cctv_hours`). Never reuse an id
    for a different meaning; give the question a new one."""
    label: Text
    """The question as people read it."""
    help: Text | None = None
    """Optional short hint shown under the question, e.g. what to count or where to find the figure."""
    guidance: Text | None = None
    """Why the question is asked and what a good answer contains; shown beside the question and expected on
    every question of the camera assessment."""
    required: bool = True
    """Whether the question must be answered while it is shown. A required question left blank counts as
    missing and the assessment reads it as unknown; set false for optional questions."""
    allow_unknown: bool = True
    """Whether `unknown` is an accepted answer (the default). Set false only for questions that steer the whole
    assessment, such as the jurisdiction; unknown is never read as no."""
    legal_refs: list[str] = []
    """Legal sources behind the question, shown to the person answering and in the report,
    e.g. `["GDPR Art. 35(7)(b)"]`."""
    elements: list[str] = []
    """Ids of the framework elements (from `frameworks:`) this question helps satisfy, for the crosswalk,
    e.g. `[GDPR-35-7b]`."""
    when: Condition | None = None
    """Show the question only when this condition holds; it may only test questions asked earlier. Left out,
    the question is always shown. An unknown answer keeps the question shown."""
    fact: bool = False
    """True when the question describes the world the system operates in, not a choice in the proposal (who
    passes by, which groups are affected, how likely people are to stay away, which law applies);
    what-it-would-take never proposes to change it."""
    needs_evidence: list[str] = []
    """Answers that are claims which clear a legal stop (e.g. `["yes"]` for "a national law allows it"): such
    an answer counts only with an evidence record in the answers file's `evidence:` (document or citation, who
    confirmed it, when). Without one the assessment reads the answer as unknown. Yes/no and single-choice
    questions only."""
    documentary: str | None = Field(None, min_length=10, max_length=500)
    """Why the question is kept although no red flag, risk rule, safeguard or derived figure reads it, e.g.
    `the council weighs the cost against the expected benefit`. Every choice and number question must feed a
    rule, a flag, a safeguard or the derivation, or say here why it is asked; tests/test_questions_earn_place.py
    names each one that does neither."""

    def check_value(self, value: Any) -> str | None:
        """Why a (non-unknown) answer is not acceptable, or None when it is."""
        raise NotImplementedError

    def claim_values(self) -> list[str] | None:
        """The answers `needs_evidence` may name; None where the type cannot carry evidence."""
        return None

    @model_validator(mode="after")
    def _evidence_on_claims(self) -> QuestionBase:
        if not self.needs_evidence:
            return self
        allowed = self.claim_values()
        if allowed is None:
            raise ValueError("needs_evidence is only for yes_no and single_choice questions")
        wrong = [v for v in self.needs_evidence if v not in allowed]
        if wrong:
            raise ValueError(f"needs_evidence names {', '.join(map(repr, wrong))}, not an answer of this "
                             f"question; answers are {', '.join(allowed)}")
        return self


class YesNo(QuestionBase):
    """A question answered `yes` or `no` (as words, not true/false)."""

    type: Literal["yes_no"]
    """`yes_no`: answered `yes` or `no`."""

    def claim_values(self) -> list[str] | None:
        return ["yes", "no"]

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
    """A question answered with exactly one of its options; the answer is the option's `value`."""

    type: Literal["single_choice"]
    """`single_choice`: one option is picked."""
    options: list[Option] = Field(min_length=2)
    """The choices offered, at least two, each with a unique `value`."""

    _unique = field_validator("options")(classmethod(lambda cls, v: _unique_options(v)))

    def values(self) -> list[str]:
        return [o.value for o in self.options]

    def claim_values(self) -> list[str] | None:
        return self.values()

    def check_value(self, value: Any) -> str | None:
        if value in self.values():
            return None
        return f"{value!r} is not one of the offered choices: {', '.join(self.values())}"


class MultiChoice(QuestionBase):
    """A question answered with a list of its options' values, e.g. `[cctv, live_fr]`."""

    type: Literal["multi_choice"]
    """`multi_choice`: any number of options are picked; test it in conditions with `contains` or `contains_any`."""
    options: list[Option] = Field(min_length=2)
    """The choices offered, at least two, each with a unique `value`."""
    min_selected: int = Field(0, ge=0)
    """The fewest choices an answer may list; 0 (the default) allows an empty list."""
    max_selected: int | None = Field(None, ge=1)
    """The most choices an answer may list; left out, there is no limit."""

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
    """A question answered with one line of text, such as a name or a reference number."""

    type: Literal["text"]
    """`text`: a single line of text."""
    max_length: int = Field(500, ge=1, le=10_000)
    """The longest answer accepted, in characters (1 to 10,000; 500 if left out)."""

    def check_value(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"expected text, got {type(value).__name__}"
        if "\n" in value:
            return "short text must be a single line"
        if len(value) > self.max_length:
            return f"longer than {self.max_length} characters"
        return None


class LongText(QuestionBase):
    """A question answered with free text over several lines or paragraphs, such as a purpose or a justification."""

    type: Literal["long_text"]
    """`long_text`: free text, line breaks allowed."""
    max_length: int = Field(20_000, ge=1, le=200_000)
    """The longest answer accepted, in characters (1 to 200,000; 20,000 if left out)."""

    def check_value(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return f"expected text, got {type(value).__name__}"
        if len(value) > self.max_length:
            return f"longer than {self.max_length} characters"
        return None


class Number(QuestionBase):
    """A question answered with a number, such as a count of cameras or a retention period."""

    type: Literal["number"]
    """`number`: a finite number; compare it in conditions with `gte`, `lte`, `gt` or `lt`."""
    unit: Text | None = None
    """The unit shown after the field, e.g. `days` or `people or vehicles per day`."""
    min: float | None = None
    """The smallest answer accepted; left out, there is no lower bound."""
    max: float | None = None
    """The largest answer accepted (not below `min`); left out, there is no upper bound."""
    integer: bool = False
    """Set true to accept whole numbers only, e.g. for a count of cameras."""

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
    """A question answered with a calendar date written YYYY-MM-DD, e.g. `2027-03-01`."""

    type: Literal["date"]
    """`date`: a real date as YYYY-MM-DD; compare it in conditions with `gte`, `lte`, `gt` or `lt`."""

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
    """`group`: the answer is a list of entries, each a mapping of field id to value."""
    fields: list[FieldQuestion] = Field(min_length=1)
    """The questions asked for each entry (any type except group), with ids unique within the group and no
    `when` conditions. Test them in conditions with `field:`; a condition holds when any entry matches."""
    min_items: int = Field(0, ge=0)
    """The fewest entries an answer must have; 0 (the default) allows none."""
    # A default bound, so no group answer can hold 150,000 rows unless the author
    # asks for more; MAX_GROUP_ITEMS is the hard cap either way.
    max_items: int = Field(DEFAULT_GROUP_ITEMS, ge=1, le=MAX_GROUP_ITEMS)
    """The most entries an answer may have (200 if left out, at most 10,000); the app offers no further
    "Add" once it is reached."""
    item_label: Text | None = None
    """What one entry is called in the app and the report, e.g. `Site` (shown as "Add site");
    left out, "Entry"."""

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
    """A page of questions: one step of the app's wizard and one chapter of the report."""

    model_config = _FROZEN
    id: str = Field(pattern=ID_PATTERN, max_length=80)
    """Stable id of the section, lower case with underscores, unique across all files; a module's `after:`
    names it."""
    title: Text
    """The heading shown in the app and the report."""
    intro: Text | None = None
    """Optional text shown above the questions, e.g. what the section is for."""
    when: Condition | None = None
    """Show the section (and all its questions) only when this condition holds; it may only test questions of
    earlier sections. Left out, the section is always shown."""
    screening: bool = False
    """Set true for the screening questions that decide which modules and rules apply: the app asks them
    first and the report shows their answers with the description of the proposal."""
    role: Literal["consultation", "signoff"] | None = None
    """What the report does with this section besides listing it: `consultation` sections form the
    consultation record, `signoff` sections the sign-off table. Leave it out for an ordinary section."""
    questions: list[Question] = Field(min_length=1)
    """The questions of the section in the order they are asked; at least one. `type` picks the kind."""


class ModuleFile(Rulebook):
    """One YAML file of a questionnaire: the core file, or a module it lists. Any text may be a plain string or a
    map of language code to string, e.g. `{en: Purpose, de: Zweck}`; check a change with `pia validate`."""

    id: str = Field(pattern=ID_PATTERN)
    """Id of this file, lower case with underscores. The core file's id is the questionnaire's id, which answers
    files name in `questionnaire:`; give a local copy its own id, e.g. `camera_hria_lindau`."""
    title: Text
    """The title of the questionnaire (core file) or of the module."""
    version: str | None = Field(None, pattern=SEMVER_PATTERN)
    """Semantic version, required in the core file (modules leave it out), e.g. `1.2.0`. Adding questions is a
    minor change; removing one or changing what answers mean is a major change, and old answers files are
    then refused."""
    description: Text | None = None
    """A short description of what the questionnaire (core file) or the module covers."""
    modules: list[str] = []
    """Core file only: the module files to include, by path relative to the core file's folder and inside it,
    e.g. `rules.yaml`. Modules cannot list further modules."""
    after: str | None = None
    """Module only: the id of the section this module's sections follow, e.g. the core section `locations`.
    Left out, they go at the end."""
    sections: list[Section] = []
    """The sections of questions in this file, in order."""


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
    source_sha256: dict[str, str] = {}  # file name (relative to the core's folder): SHA-256, in load order

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
