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
from ..wording import headline

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
    harm_id: str | None = None
    """The harm the rule rates (its `harm_id`, or its own id)."""
    kind: str = "misuse"
    """`interference` (certain by design) or `misuse` (likelihood of misuse or error)."""
    irreducible: Text | None = None
    """The legal reason no safeguard lowers this rule, if it declares one."""


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
    harms: list[str] = []
    """Ids of the harms whose floor is the value (see `RightResult.harm_ratings` for each one's derivation)."""


class HarmReduction(BaseModel):
    """What one safeguard took off one dimension of one harm (after the cap and any irreducible floor)."""

    model_config = _FROZEN
    safeguard: str
    source: Literal["plan", "answer"]
    dimension: str
    max_reduction: int
    reduction: int
    projected_reduction: int


class HarmRating(BaseModel):
    """One harm of one right, rated on its own: the derivation an auditor can redo by hand.

    `inherent` is the highest floor of its rules per dimension (with the right's
    baseline); `hard_floor` is what no safeguard can go below (1, or the floors
    of irreducible rules, and the likelihood of an interference); `reductions`
    lists each safeguard's take per dimension; `residual` counts verified
    safeguards only, `projected` adds planned and implemented ones. For an
    uplift (`uplift` true) the dimensions hold the uplift steps, before and after
    the safeguards that target the vulnerable group.
    """

    model_config = _FROZEN
    id: str
    harm: Text
    kind: str
    rules: list[str]
    status: Literal["holds", "potential"] = "holds"
    uplift: bool = False
    irreducible: Text | None = None
    irreducible_rules: list[str] = []
    by_design: bool = False
    """Every rule of the harm is `by_design`: the interference is the proposal itself (see `RiskRule.by_design`)."""
    lowered_by: dict[str, Any] = {}
    inherent: dict[str, int]
    hard_floor: dict[str, int] = {}
    reductions: list[HarmReduction] = []
    residual: dict[str, int]
    projected: dict[str, int]
    rates_likelihood: bool = True
    """False when none of the harm's rules sets a likelihood floor; the harm is then placed in the matrix at
    the right's likelihood (the highest of its harms)."""


class AnswerSafeguardResult(BaseModel):
    """A governance answer that acts as a safeguard: whether it holds on known answers, and what it read.

    `counted` is true when it lowers ratings: it holds and, if it stands for a
    catalogue safeguard, the mitigation plan does not list that safeguard (the
    plan row then decides).
    """

    model_config = _FROZEN
    id: str
    title: Text
    counts_as: str | None = None
    status: Literal["holds", "unknown", "absent"]
    counted: bool = False
    answers: dict[str, Any] = {}


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
    source: str = "plan"
    """`plan` (a row of the mitigation plan) or `answer` (a governance answer that is a safeguard, counted only
    when the plan does not list the safeguard it stands for)."""
    harms: list[str] = []
    """Ids of the harms it lowered on this dimension; `reduction` is the most it took off any of them."""


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
    residual_likelihood: int | None = None
    """Likelihood of the harm that sets the residual level: (`residual_severity`, this) is the matrix cell of
    the residual. Each harm is placed on its own dimensions; `residual_dimensions` shows the highest value per
    dimension over the harms, which need not be one harm's cell."""
    residual: str
    residual_rank: int
    ladder_rank: int | None = None
    """The rank the outcome ladder reads: the residual rank, except that a High resting only on harms the
    design makes by itself (`HarmRating.by_design`) counts one rung lower (proceed with conditions). None in
    records made before it existed: the residual rank."""
    projected_dimensions: dict[str, int]
    projected_severity: int
    projected_likelihood: int | None = None
    """Likelihood of the harm that sets the projected level (with `projected_severity`, its matrix cell)."""
    projected: str
    projected_rank: int
    harms: list[Text] = []
    rule_hits: list[RuleHit] = []
    mitigations: list[AppliedMitigation] = []
    red_flags: list[str] = []
    evidence_gaps: list[str] = []
    material_gap: bool = False
    known_only: str | None = None
    inherent_basis: Literal["established", "assumed"] = "established"
    """`assumed` when the inherent level rests on unknown answers read at their worst."""
    residual_basis: Literal["established", "assumed"] = "established"
    """`assumed` when the residual level rests on unknown answers read at their worst."""
    residual_known_only: str | None = None
    """The residual level the known answers alone give (every unknown at its most favourable)."""
    harm_ratings: list[HarmRating] = []
    """Each harm rated on its own (inherent, reductions per safeguard, residual); the right's residual
    dimension is the highest residual of its harms plus any uplift left after targeted safeguards."""
    irreducible_rules: list[str] = []
    """Rules that hold and declare that no safeguard can lower them, with the legal reason in `harm_ratings`."""
    by_design_rules: list[str] = []
    """When `ladder_rank` is below `residual_rank`: the by-design rules the High rests on."""
    harm_cells: dict[str, dict[str, tuple[int, int]]] = {}
    """Each harm's (severity, likelihood) cell in the matrix, before (`inherent`) and after verified safeguards
    (`residual`), with the uplift and the scope cap applied: the one placement the right's level is taken
    from (its worst harm), recorded so no surface re-derives it."""


def rung_rank(r: RightResult) -> int:
    """The rank a right puts on the outcome ladder (`RightResult.ladder_rank`, else its residual rank)."""
    return r.residual_rank if r.ladder_rank is None else r.ladder_rank


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
    evidence_missing: dict[str, str] = {}
    """Answers that would clear this flag but lack their evidence record, with why (they read as unknown)."""


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
    verified_by: str | None = None
    """Who checked the evidence; must not be the owner for the row to count as verified."""
    verified_on: str | None = None
    """When the evidence was checked (a date)."""
    harms: list[str] = []
    """Ids of the harms the safeguard may lower."""


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
    - `possible_red_flag`: a red flag that depends on unknown `questions`; `outcome` is what it would force;
    - `evidence_gap`: a right (`rights`) whose residual level, and so `outcome`, rests on unknown `questions`;
    - `residual`: a right whose residual level sets the outcome on the ladder;
    - `by_design`: a right whose High residual rests only on the interference the design makes by itself
      (`rules`), so it sets "proceed with conditions", the High level's obligations being the conditions;
    - `all_low`: every right's residual risk is at the lowest level;
    - `no_rights`: the instrument rates no right and no red flag applies;
    - `ladder`: no red flag; the outcome is the worst residual level's rung.
    """

    model_config = _FROZEN
    kind: Literal["open", "established", "red_flag", "possible_red_flag", "evidence_gap", "residual", "by_design",
                  "all_low", "no_rights", "ladder"]
    outcome: str
    flags: list[str] = []
    rights: list[str] = []
    questions: list[str] = []
    rules: list[str] = []
    by_design: bool = False
    """For `established`: the right (`rights`) sets it only through the design's own interference (`rules`), as a
    `by_design` reason would."""


class AnchorState(BaseModel):
    """A catalogue anchor a finding cites: its status, the dates it applies between and whether it is in force.

    `in_force` is on the assessment date; None when the answers give no date and
    the anchor is dated (it cannot be known).
    """

    model_config = _FROZEN
    id: str
    cite: str
    status: Literal["binding", "soft_law", "local_policy"]
    applies_from: str | None = None
    applies_until: str | None = None
    jurisdictions: list[str] = []
    in_force: bool | None = None


class DatedObligation(BaseModel):
    """A red flag (or obligation entry) whose binding basis does not apply on the assessment date.

    It is not a current stop: the duty is listed with the date it applies from.
    `timing` says why:
    - `later`: its binding basis applies only from `applies_from`, after the assessment date; `due` is that
      date when it falls within the planned operation (`within_period` true or unknown end), else None and
      `within_period` false (it binds only if operation runs past the planned end);
    - `unknown`: the answers give no assessment date (`meta.date`); the flag is *also* kept as a current stop
      among `red_flags` (the worst reading), and this entry says when it would be a dated obligation instead;
    - `lapsed`: every source of its basis ceased to apply (`applies_until`) before the assessment date.
    `status` is the flag's own status (its condition holds, or depends on an unknown answer); `outcome` the
    outcome it forces once it applies; `anchors` all its citations, `basis` those that decided the timing.
    """

    model_config = _FROZEN
    id: str
    source: Literal["red_flag", "obligation"]
    title: Text
    outcome: str | None = None
    status: Status
    timing: Literal["later", "unknown", "lapsed"]
    applies_from: str | None = None
    applies_until: str | None = None
    due: str | None = None
    within_period: bool | None = None
    assessment_date: str | None = None
    anchors: list[str] = []
    basis: list[str] = []
    clears: Text | None = None
    answers: dict[str, Any] = {}
    gap_questions: list[str] = []
    reason: str


class GroupRate(BaseModel):
    """One demographic group's false-match rate at the operating threshold, as answered."""

    model_config = _FROZEN
    group: str
    fmr_per_million: float | None = None


class DeploymentAlerts(BaseModel):
    """Expected false alerts for one planned deployment."""

    model_config = _FROZEN
    row: int
    place: str | None = None
    people: float | None = None
    watchlist_size: float | None = None
    fpir: float | None = None
    false_alerts: float | None = None


class AccuracyResult(BaseModel):
    """Accuracy weighed: what independent test results imply at this threshold, list size and footfall.

    Built by pia/assess/accuracy.py; every figure comes with the inputs it came
    from (`inputs`: question id -> answer). Rates are false matches per million
    comparisons (FMR x 10^6, NIST FRTE 1:1 sense); `fpir` is the false-positive
    identification rate per search against a list of `watchlist_size`
    (1 - (1 - FMR)^N); false alerts are people scanned x FPIR, an upper
    estimate at the worst-served group's rate. `result` is `pass`, `fail`,
    `untested` (no credited provenance) or `unknown` (results not known);
    only `pass` credits bias testing. `None` means not worked out.
    """

    model_config = _FROZEN
    provenance: str | None = None
    credited: bool = False
    groups: list[GroupRate] = []
    unknown_groups: list[str] = []
    disparity_ratio: float | None = None
    max_disparity_ratio: float
    acceptance_source: str
    result: Literal["pass", "fail", "untested", "unknown"]
    reason: str
    derivation: list[str] = []
    fmr_per_million: float | None = None
    worst_group: str | None = None
    watchlist_size: float | None = None
    fpir: float | None = None
    false_alerts_per_10000: float | None = None
    people_per_day: float | None = None
    false_alerts_per_day: float | None = None
    deployments: list[DeploymentAlerts] = []
    false_alerts_per_deployment: float | None = None
    computed: dict[str, Any] = {}
    inputs: dict[str, Any] = {}


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
`none_found`: no set up to the search's size; `answer_gaps`: the outcome is open (`decided` false) and
the one set lists its decisive gaps; `prohibited`: no set is ever proposed and no target;
`none_needed`: already proceed), `sets` (up to three smallest sets, each a list of
`{kind: safeguard|answer|evidence, id, from, to}`: a safeguard goes from its plan state, or null, to
verified with its evidence record; an answer change made as a risk rule's own way out (`lowered_by`)
names that rule in `lowers`; `evidence` records the evidence an answer that clears a legal stop
lacks; a decisive gap has `to` null, `better` (the answers that keep the better end, [] when no single
answer does, null when none can be tried) and `better_outcome`), `reaches` (the outcome each set
gives), `flags` (per red flag id: `clears_text`, `answer_changes` (smallest sets of answer changes
or evidence records that lift it), `evidence_questions` (those that need an evidence record),
`evidence_claims` (questions it reads whose clearing answers need a record), `evidence_missing`
(answers given without their record, with why), `gap_questions` (unknown answers it depends on) and
`facts` (questions it reads that describe the world and are never proposed as changes)),
`exhaustive` (the search finished within its cap) and `evaluations` (assessments run).
Questions marked `fact` in the instrument are never changed by any set.
"""


class Assessment(BaseModel):
    """The whole result of `assess()`: outcome, findings, ratings and their trace.

    `answer_safeguards` lists the governance answers that act as safeguards
    (from the instrument's `answer_safeguards:`), whether each holds on known
    answers and whether it lowered any harm; each right's `harm_ratings` shows
    what every safeguard took off which harm.
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
    decided: bool = True
    """False when the unknown answers leave the outcome open (`outcome` is then `incomplete`)."""
    outcome_worst: str = ""
    """The outcome with every unknown answer at its least favourable value."""
    outcome_best: str = ""
    """The outcome with every unknown answer at its most favourable value: what the known answers establish."""
    decisive_gaps: list[str] = []
    """Unknown answers whose resolution alone changes an end of the open range."""
    unevidenced: dict[str, str] = {}
    """Answers that clear a legal stop but lack their evidence record (read as unknown), with why."""
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
    answer_safeguards: list[AnswerSafeguardResult] = []
    evidence_gaps: list[EvidenceGap] = []
    obligations: list[ObligationResult] = []
    frameworks: list[str] = []
    matrix: Matrix
    reduction_cap: int
    completeness: CompletenessResult
    assessment_date: str | None = Field(
        default=None, description="The assessment date (ISO) from the answers' meta.date; None when missing or not "
                                  "a YYYY-MM-DD date, and then the timing of dated duties is unknown")
    operation_start: str | None = Field(
        default=None, description="Planned start of operation (ISO), from the instrument's operating_period.start "
                                  "question; None when not answered")
    operation_end: str | None = Field(
        default=None, description="Planned end of operation (ISO), from operating_period.end; None: open-ended or "
                                  "not answered")
    dated_obligations: list[DatedObligation] = Field(
        default=[], description="Red flags and obligation entries whose binding basis does not apply on the "
                                "assessment date: duties with the date they apply from, not current stops")
    law: list[AnchorState] = Field(
        default=[], description="Every catalogue anchor the red flags and dated obligations cite, with status, "
                                "dates and whether it is in force on the assessment date")


    accuracy: AccuracyResult | None = Field(
        default=None, description="Accuracy weighed (pia/assess/accuracy.py): per-group false-match rates, the "
                                  "disparity ratio against the acceptance rule, and expected false alerts per "
                                  "10,000 scanned, per day and per deployment with their inputs; None when the "
                                  "instrument declares no accuracy settings or they do not apply")
    remedy: dict[str, Any] = Field(default={}, description=REMEDY_DOC)

    def to_json(self) -> str:
        """Canonical JSON: sorted keys, two-space indent, UTF-8 text, final newline."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, indent=2) + "\n"

    @property
    def headline(self) -> str:
        """The outcome as every surface heads it ("Open between X and Y" when the unknowns leave it open)."""
        return headline(self.outcome, self.outcome_worst, self.outcome_best)

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
