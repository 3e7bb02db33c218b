"""What the assessment engine reads from the instrument, declared as data.

Rights, jurisdiction profiles, red flags, risk rules, the risk matrix, the
mitigations catalogue, obligations per level and the framework-element
catalogue all live in the questionnaire YAML, so a municipality can add a
local ban or change a rule without touching Python, and an auditor reads the
same rules the engine ran. See scoring-methodology.md section 6.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .conditions import Condition
from .text import Text

Dimension = Literal["scale", "scope", "irremediability", "likelihood"]
DIMENSIONS: tuple[str, ...] = ("scale", "scope", "irremediability", "likelihood")
RuleId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=80)]
Score = Annotated[int, Field(ge=1, le=4)]

# Outcomes, worst first. The ladder is fixed by the methodology, not by data.
OUTCOMES: tuple[str, ...] = (
    "prohibited",
    "do_not_proceed",
    "incomplete",
    "revise",
    "proceed_with_conditions",
    "proceed",
)
RedFlagOutcome = Literal["prohibited", "do_not_proceed", "incomplete"]
MITIGATION_STATES: tuple[str, ...] = ("proposed", "planned", "implemented", "verified")

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Right(BaseModel):
    """A right assessed separately; never folded into a global score."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    anchors: list[str] = []
    description: Text | None = None
    baseline: dict[Dimension, Score] = {}


class JurisdictionProfile(BaseModel):
    """Switches which frameworks, red flags, rules and obligations apply."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    frameworks: list[str] = []
    description: Text | None = None


class RedFlag(BaseModel):
    """A legality-gate finding that forces an outcome no mitigation can lift."""

    model_config = _FROZEN
    id: RuleId
    title: Text
    when: Condition
    outcome: RedFlagOutcome
    explanation: Text | None = None
    clears: Text | None = None
    anchors: list[str] = []
    rights: list[str] = []
    jurisdictions: list[str] = []


class RiskRule(BaseModel):
    """When its condition holds, sets dimension floors (max wins) or an uplift."""

    model_config = _FROZEN
    id: RuleId
    right: str
    harm: Text
    when: Condition
    floors: dict[Dimension, Score] = {}
    uplift: dict[Dimension, Annotated[int, Field(ge=1, le=3)]] = {}
    rationale: Text | None = None
    anchors: list[str] = []
    jurisdictions: list[str] = []

    @model_validator(mode="after")
    def _sets_something(self) -> RiskRule:
        if not self.floors and not self.uplift:
            raise ValueError("a risk rule must set floors or an uplift")
        return self


class Level(BaseModel):
    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text
    color: str = Field("#888888", pattern=r"^#[0-9a-fA-F]{6}$")


class Matrix(BaseModel):
    """Severity x likelihood -> level, as data the report also draws."""

    model_config = _FROZEN
    levels: list[Level] = Field(min_length=2)
    cells: dict[Score, Annotated[list[str], Field(min_length=4, max_length=4)]]
    severity4_floor: str = "high"

    @model_validator(mode="after")
    def _well_formed(self) -> Matrix:
        ids = [lv.id for lv in self.levels]
        if sorted(self.cells) != [1, 2, 3, 4]:
            raise ValueError("cells needs rows for severity 1, 2, 3 and 4")
        for sev, row in self.cells.items():
            for lv in row:
                if lv not in ids:
                    raise ValueError(f"severity {sev}: unknown level {lv!r}; levels are {', '.join(ids)}")
        rank = {lv: i for i, lv in enumerate(ids)}
        for sev in (1, 2, 3, 4):
            row = [rank[x] for x in self.cells[sev]]
            if row != sorted(row):
                raise ValueError(f"severity {sev}: levels must not fall as likelihood rises")
            if sev > 1 and any(a < b for a, b in zip(row, [rank[x] for x in self.cells[sev - 1]], strict=False)):
                raise ValueError(f"severity {sev}: a cell is lower than the one below it")
        if self.severity4_floor not in rank:
            raise ValueError(f"severity4_floor {self.severity4_floor!r} is not a level")
        if min(rank[x] for x in self.cells[4]) < rank[self.severity4_floor]:
            raise ValueError(f"severity 4 must never be below {self.severity4_floor}")
        return self

    def level(self, severity: int, likelihood: int) -> str:
        return self.cells[severity][likelihood - 1]

    def rank(self, level: str) -> int:
        return [lv.id for lv in self.levels].index(level)


class Reduction(BaseModel):
    model_config = _FROZEN
    right: str
    dimension: Dimension


class Mitigation(BaseModel):
    """A catalogue safeguard: which right and dimension it may lower, on what evidence."""

    model_config = _FROZEN
    id: RuleId
    title: Text
    description: Text | None = None
    reduces: list[Reduction] = Field(min_length=1)
    max_reduction: Annotated[int, Field(ge=1, le=3)] = 1
    evidence: Text
    anchors: list[str] = []


class Obligation(BaseModel):
    """What follows from an overall level (or from a red flag): who decides, how openly."""

    model_config = _FROZEN
    level: str
    approver: Text
    consultation: Text
    independent_review: Text
    publication: Text
    review_interval_months: int | None = Field(None, ge=1, le=120)
    jurisdictions: list[str] = []


class FrameworkElement(BaseModel):
    model_config = _FROZEN
    id: str = Field(min_length=1, max_length=80)
    title: Text
    required: bool = True
    source: str | None = None


class Framework(BaseModel):
    """A legal framework's required elements, for the crosswalk annex."""

    model_config = _FROZEN
    id: str = Field(min_length=1, max_length=40)
    name: Text
    elements: list[FrameworkElement] = Field(min_length=1)


class LegalityLimb(BaseModel):
    """One limb of the legality test (e.g. "provided by law") and the questions that evidence it.

    The full report sets out, limb by limb, what the answers say; the
    instrument declares which questions belong to which limb, so renaming a
    section never silently empties the table.
    """

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Short stable id of the limb, e.g. `law`, `aim`, `necessity`, `proportionality`."""
    title: Text
    """The limb as the report states it, e.g. "Provided by law: a clear, accessible and foreseeable legal basis"."""
    sections: list[str] = []
    """Ids of sections whose every question evidences this limb."""
    elements: list[str] = []
    """Framework element ids (see `frameworks`); a question that satisfies one of them evidences this limb."""
    questions: list[str] = []
    """Ids of further single questions that evidence this limb."""


class Rulebook(BaseModel):
    """The engine and crosswalk data of one file (core or module) or of the assembly."""

    model_config = _FROZEN
    rights: list[Right] = []
    jurisdiction_question: str | None = None
    jurisdictions: list[JurisdictionProfile] = []
    red_flags: list[RedFlag] = []
    risk_rules: list[RiskRule] = []
    matrix: Matrix | None = None
    reduction_cap: Annotated[int, Field(ge=1, le=3)] | None = None
    mitigation_question: str | None = None
    mitigations: list[Mitigation] = []
    obligations: list[Obligation] = []
    frameworks: list[Framework] = []
    legality_limbs: list[LegalityLimb] = []

