"""The Assessment: what the engine concluded and, for every conclusion, why.

Plain frozen data (pydantic v2) so reports, the app and the CLI read the same
record, and `to_json()` gives one canonical text: the same answers, questionnaire
version and engine version always give byte-identical JSON (an auditor can
diff two runs). Field names are the contract in ASSESSMENT_API.md; translatable
texts are kept as declared (a string or a language map; read them with
`pia.text.text`).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..rules_model import Matrix
from ..text import Text

_FROZEN = ConfigDict(frozen=True, extra="forbid")

Status = Literal["triggered", "potential"]


class RuleHit(BaseModel):
    """A risk rule whose condition holds (or might: `potential`), with the answers it read."""

    model_config = _FROZEN
    id: str
    right: str
    harm: Text
    status: Literal["holds", "potential"]
    floors: dict[str, int] = {}
    uplift: dict[str, int] = {}
    rationale: Text | None = None
    anchors: list[str] = []
    answers: dict[str, Any] = {}


class DimensionResult(BaseModel):
    """One dimension (1-4) of one right, and the rules and answers that set it.

    `rules` are the floor rules that produced the value (the highest floor; all
    of them when several tie), `uplift_rules` the vulnerability uplift applied on
    top. `baseline` is where the dimension starts before any rule. When
    `evidence_gap` is true the value is higher than the known answers alone
    would give: it rests on an unknown answer rated at its worst plausible.
    """

    model_config = _FROZEN
    value: int
    baseline: int = 1
    floor: int = 1
    rules: list[str] = []
    uplift: int = 0
    uplift_rules: list[str] = []
    answers: dict[str, Any] = {}
    evidence_gap: bool = False
    gap_questions: list[str] = []


class AppliedMitigation(BaseModel):
    """What one mitigation did to one dimension of one right.

    `reduction` is the amount actually taken off after the per-dimension cap
    and the floor of 1; `counted` means it lowers the (verified) residual,
    `projected` that it lowers the projected residual.
    """

    model_config = _FROZEN
    id: str
    state: str
    dimension: str
    max_reduction: int
    reduction: int
    projected_reduction: int
    counted: bool
    projected: bool


class RightResult(BaseModel):
    """One right, rated separately: inherent, verified residual and projected residual."""

    model_config = _FROZEN
    id: str
    name: Text
    anchors: list[str] = []
    dimensions: dict[str, DimensionResult]
    severity: int
    likelihood: int
    inherent: str
    inherent_rank: int
    residual_dimensions: dict[str, int]
    residual_severity: int
    residual: str
    residual_rank: int
    projected_dimensions: dict[str, int]
    projected_severity: int
    projected: str
    projected_rank: int
    harms: list[Text] = []
    rule_hits: list[RuleHit] = []
    mitigations: list[AppliedMitigation] = []
    red_flags: list[str] = []
    evidence_gaps: list[str] = []
    material_gap: bool = False
    known_only: str | None = None


class RedFlagResult(BaseModel):
    """A legality-gate finding; no mitigation lifts it."""

    model_config = _FROZEN
    id: str
    title: Text
    outcome: str
    status: Status
    explanation: Text | None = None
    clears: Text | None = None
    anchors: list[str] = []
    rights: list[str] = []
    jurisdictions: list[str] = []
    answers: dict[str, Any] = {}
    gap_questions: list[str] = []


class MitigationResult(BaseModel):
    """One row of the mitigation plan as the engine read it.

    `counted`: lowers the residual (verified, with evidence recorded).
    `projected`: lowers the projected residual (planned, implemented, or
    verified). `issues` says, in plain words, why a row counts for less than its
    state suggests (e.g. verified without evidence, planned without an owner).
    """

    model_config = _FROZEN
    row: int
    id: str
    title: Text
    state: str
    owner: str | None = None
    due: str | None = None
    evidence: str | None = None
    evidence_required: Text | None = None
    rights: list[str] = []
    reduces: list[dict[str, str]] = []
    max_reduction: int = 1
    counted: bool = False
    projected: bool = False
    duplicate: bool = False
    issues: list[str] = []


class EvidenceGap(BaseModel):
    """An unknown (or required but unanswered) answer that a finding depends on."""

    model_config = _FROZEN
    question: str
    label: Text
    section: str | None = None
    value: Literal["unknown", "missing"]
    drives: list[str]
    material: bool = False


class ObligationResult(BaseModel):
    """What follows from the overall level or from a red flag."""

    model_config = _FROZEN
    level: str
    approver: Text
    consultation: Text
    independent_review: Text
    publication: Text
    review_interval_months: int | None = None
    jurisdictions: list[str] = []
    reason: str


class OutcomeReason(BaseModel):
    """One reason the outcome is what it is, as data, in the order that decides it.

    The engine decides; every surface (CLI, app, full report, council brief,
    JSON) words these same records and never re-derives which flags, rights or
    gaps decided. `kind` says what decided:
    - `red_flag`: a triggered red flag (`flags`), forcing `outcome`;
    - `possible_red_flag`: a red flag that depends on unknown `questions`;
    - `evidence_gap`: a right (`rights`) rated high only because of unknown `questions`;
    - `residual`: a right whose residual level sets the outcome on the ladder;
    - `all_low`: every right's residual risk is at the lowest level;
    - `no_rights`: the instrument rates no right and no red flag applies;
    - `ladder`: no red flag; the outcome is the worst residual level's rung.
    """

    model_config = _FROZEN
    kind: Literal["red_flag", "possible_red_flag", "evidence_gap", "residual", "all_low", "no_rights", "ladder"]
    outcome: str
    flags: list[str] = []
    rights: list[str] = []
    questions: list[str] = []
    rules: list[str] = []


class CompletenessResult(BaseModel):
    model_config = _FROZEN
    visible: int
    answered: int
    unknown: int
    required: int
    required_answered: int
    missing_required: list[str] = []


REMEDY_DOC = """What it would take (pia.assess.remedy); empty unless asked for (`assess(..., remedy=True)`).

Plain data: `target_outcome` (the next better rung, or null), `basis` (`search`: sets found;
`none_found`: no set up to the search's size; `answer_gaps`: answer the decisive unknown questions
listed as the one set; `prohibited`: no set is ever proposed and no target; `none_needed`: already proceed),
`sets` (up to three smallest sets, each a list of `{kind: safeguard|answer, id, from, to}`;
a safeguard goes from its plan state, or null, to verified with its evidence record), `reaches`
(the outcome each set gives), `flags` (per red flag id: `clears_text`, `answer_changes` (smallest
answer sets that lift it) and `evidence_questions` (those changes that need an evidence record)),
`exhaustive` (the search finished within its cap) and `evaluations` (assessments run).
"""


class Assessment(BaseModel):
    """The whole result of `assess()`: outcome, findings, ratings and their trace.

    `remedy` says what it would take to reach the next better outcome (see REMEDY_DOC);
    it is empty unless the caller asked for it, because finding it runs the engine again.
    """

    model_config = _FROZEN
    questionnaire_id: str
    questionnaire_version: str
    engine_version: str
    answers_sha256: str
    questionnaire_files: dict[str, str] = Field(
        default={}, description="SHA-256 of each questionnaire source file used, by name relative to the core file")
    questionnaire_sha256: str = Field(
        default="", description="Digest of all questionnaire source files (see pia.fingerprint); empty when the "
                                "questionnaire was not loaded from files")
    meta: dict[str, str] = {}
    jurisdiction: str | None
    jurisdiction_known: bool
    outcome: str
    outcome_reasons: list[str]
    reasons: list[OutcomeReason] = []
    outcome_rules: list[str] = []
    outcome_answers: dict[str, Any] = {}
    overall_level: str | None
    overall_rank: int | None = None
    overall_projected_level: str | None = None
    inherent_level: str | None = None
    red_flags: list[RedFlagResult] = []
    red_flags_clear: list[str] = []
    rights: list[RightResult] = []
    mitigations: list[MitigationResult] = []
    evidence_gaps: list[EvidenceGap] = []
    obligations: list[ObligationResult] = []
    frameworks: list[str] = []
    matrix: Matrix
    reduction_cap: int
    completeness: CompletenessResult
    remedy: dict[str, Any] = Field(default={}, description=REMEDY_DOC)

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, two-space indent, UTF-8 text, final newline."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, indent=2) + "\n"

    def right(self, rid: str) -> RightResult | None:
        return next((r for r in self.rights if r.id == rid), None)

    def red_flag(self, fid: str) -> RedFlagResult | None:
        return next((f for f in self.red_flags if f.id == fid), None)

    @property
    def triggered(self) -> list[RedFlagResult]:
        return [f for f in self.red_flags if f.status == "triggered"]

    @property
    def potential(self) -> list[RedFlagResult]:
        return [f for f in self.red_flags if f.status == "potential"]
