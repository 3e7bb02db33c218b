"""What the assessment engine reads from the instrument, declared as data.

Rights, jurisdiction profiles, red flags, risk rules, the risk matrix, the
mitigations catalogue, obligations per level and the framework-element
catalogue all live in the questionnaire YAML, so a municipality can add a
local ban or change a rule without touching Python, and an auditor reads the
same rules the engine ran. See scoring-methodology.md section 6.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .conditions import Condition
from .text import Text

Dimension = Literal["scale", "scope", "irremediability", "likelihood"]
HarmKind = Literal["interference", "misuse"]
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
AnchorStatus = Literal["binding", "soft_law", "local_policy"]
ANCHOR_STATUSES: tuple[str, ...] = ("binding", "soft_law", "local_policy")
MITIGATION_STATES: tuple[str, ...] = ("proposed", "planned", "implemented", "verified")

# Attribute docstrings become the JSON Schema descriptions authors see in their editor.
_FROZEN = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Right(BaseModel):
    """A right assessed separately; never folded into a global score."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Id of the right, lower case with underscores, e.g. `assembly`; rules, red flags and safeguards name it."""
    name: Text
    """The right's name as the report shows it, e.g. `Freedom of peaceful assembly`."""
    anchors: list[str] = []
    """Legal sources of the right, cited in the report, e.g. `["ECHR Art. 11", "ICCPR Art. 21"]`."""
    description: Text | None = None
    """What harm to this right looks like with cameras, in a sentence."""
    baseline: dict[Dimension, Score] = {}
    """Starting rating (1 to 4) per dimension (scale, scope, irremediability, likelihood) before any rule
    raises it; a dimension left out starts at 1."""


class JurisdictionProfile(BaseModel):
    """Switches which frameworks, red flags, rules and obligations apply."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Id of the profile; it must be a choice value of the `jurisdiction_question`, e.g. `eu`, `uk`, `us_city`."""
    name: Text
    """The jurisdiction's name as the report shows it."""
    frameworks: list[str] = []
    """Ids of the frameworks (from `frameworks:`) that apply here, e.g. `[GDPR_DPIA, LED]`; an assessment in
    this jurisdiction is checked against these in the crosswalk and the report."""
    description: Text | None = None
    """Which laws and standards the profile stands for, in a sentence."""


class RedFlag(BaseModel):
    """A legality-gate finding that forces an outcome no mitigation can lift."""

    model_config = _FROZEN
    id: RuleId
    """Stable id of the red flag, e.g. `RF-08` or `RF-LINDAU-FR-BAN` (letters, digits, `_`, `.`, `-`)."""
    title: Text
    """The finding in one line, e.g. `Face recognition is banned by the city by-law`."""
    when: Condition
    """When the flag is raised; it may test any question. If it depends on an unknown answer the flag is
    potential and the outcome incomplete until someone answers."""
    outcome: RedFlagOutcome
    """The outcome it forces: `prohibited`, `do_not_proceed` or `incomplete`. No safeguard can lift it."""
    explanation: Text | None = None
    """What the finding means, written for the council."""
    clears: Text | None = None
    """What would have to change for the flag to clear, e.g. remove face recognition from the proposal."""
    anchors: list[str] = []
    """Legal sources of the flag, cited in the report, e.g. `["AI Act Art. 5(1)(h)"]`."""
    rights: list[str] = []
    """Ids of the rights the flag concerns, e.g. `[privacy, assembly]`."""
    jurisdictions: list[str] = []
    """Jurisdiction profile ids the flag is limited to, e.g. `[eu]`; left out, it applies everywhere."""


class Anchor(BaseModel):
    """One legal source in the anchor catalogue: what it says where, how binding it is, and from when.

    Red flags, risk rules, obligations, safeguards and rights name catalogue entries in their `anchors:` (by
    id or by the exact citation), so every citation the report shows carries a status and the dates it
    applies between. A red flag whose binding anchors all apply only from a later date is not a stop yet:
    the assessment lists it as a dated obligation (see pia/assess/timeline.py).
    """

    model_config = _FROZEN
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.()/-]*$", max_length=80)
    """Stable id of the anchor, e.g. `AIA-26-10` (letters, digits and `_ . ( ) / -`)."""
    cite: str = Field(min_length=1, max_length=300)
    """The citation exactly as the report shows it, e.g. `AI Act Art. 26(10)`; `anchors:` lists may name it."""
    status: AnchorStatus
    """`binding` (law that binds the municipality), `soft_law` (guidelines, recommendations, case law of
    another system) or `local_policy` (the council's own decision). Only binding anchors decide when a red
    flag becomes a current stop."""
    applies_from: date | None = None
    """First day the source applies, YYYY-MM-DD, e.g. `2027-12-02`; left out, it applied before any
    assessment this instrument is for."""
    applies_until: date | None = None
    """Last day the source applies, YYYY-MM-DD; left out, it applies until further notice."""
    jurisdictions: list[str] = []
    """Jurisdiction profile ids where the source applies, e.g. `[eu]`; left out, everywhere."""
    note: Text | None = None
    """For the auditor: where the status or date comes from and what to re-check, e.g. the amending act."""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Anchor:
        if self.applies_from and self.applies_until and self.applies_until < self.applies_from:
            raise ValueError("applies_until is before applies_from")
        return self


class OperatingPeriod(BaseModel):
    """Which date questions give the planned operating period, so a later duty can be shown as due in it."""

    model_config = _FROZEN
    start: str | None = None
    """Id of the date question with the planned start of operation, e.g. `start_date`."""
    end: str | None = None
    """Id of the date question with the planned end of operation, e.g. `sunset_date`; left unanswered, the
    operation is open-ended."""


class RiskRule(BaseModel):
    """When its condition holds, sets dimension floors (max wins) or an uplift."""

    model_config = _FROZEN
    id: RuleId
    """Stable id of the rule, e.g. `R-PRIV-SCOPE-DISTRICT` (letters, digits, `_`, `.`, `-`)."""
    right: str
    """Id of the right the rule rates, e.g. `privacy`."""
    harm: Text
    """The harm in one line, e.g. `Monitoring of a whole neighbourhood or town centre`."""
    when: Condition
    """When the rule applies; it may test any question. If it depends on an unknown answer the rule is applied
    anyway and the answer is listed as an evidence gap."""
    floors: dict[Dimension, Score] = {}
    """Minimum rating (1 to 4) per dimension while the rule applies, e.g. `{scope: 3, likelihood: 3}`.
    The highest floor of all rules wins; floors never add up."""
    uplift: dict[Dimension, Annotated[int, Field(ge=1, le=3)]] = {}
    """Raise per dimension (1 to 3), e.g. `{scale: 1}` for vulnerable groups; capped at 4, and only the largest
    uplift counts. A rule needs floors, an uplift or both."""
    rationale: Text | None = None
    """Why the answers justify this rating; recorded with the rule in the assessment's trace."""
    anchors: list[str] = []
    """Sources behind the rule, cited in the report, e.g. `["GDPR Art. 35(3)(c)"]`."""
    jurisdictions: list[str] = []
    """Jurisdiction profile ids the rule is limited to, e.g. `[uk]`; left out, it applies everywhere."""
    harm_id: RuleId | None = None
    """Stable id of the harm the rule rates, e.g. `H-PRIV-RETENTION`; several rules of one right may rate the
    same harm (the highest floor wins within it). Safeguards name harm ids in their `reduces`. Left out, the
    rule's own id."""
    kind: HarmKind = "misuse"
    """`interference` when the rule rates what the design does to everyone in view, with certainty (no
    organisational safeguard lowers its likelihood; only a change of the design does); `misuse` (the default)
    when it rates the likelihood of misuse or error, which safeguards can lower."""
    irreducible: Text | None = None
    """The legal reason no safeguard can lower this rule's floors, e.g. that the law bans the practice; set, its
    floors hold in the residual whatever is verified. Left out, some safeguard must be able to lower its harm."""
    lowered_by: dict[str, Any] | None = None
    """Answers (question id -> value) that describe a change of the design under which the rule no longer
    applies, e.g. `{retention_days: 30}`; shown to the council as the way out, and checked by the tests."""
    by_design: bool = False
    """`true` for an irreducible interference that is the proposal itself (the biometric scan of every face by
    face recognition): its only way out is not using the technology, and whether it is lawful is for the red
    flags (legal basis, necessity, authorisation). A residual of High that rests only on such harms gives
    `proceed_with_conditions`, the obligations of a High level being the conditions, not `revise`, which must
    name a change that ends it. Very high still gives `do_not_proceed`. Needs `kind: interference` and
    `irreducible:`."""

    @property
    def harm_key(self) -> str:
        """The harm id, defaulting to the rule id."""
        return self.harm_id or self.id

    @model_validator(mode="after")
    def _sets_something(self) -> RiskRule:
        if not self.floors and not self.uplift:
            raise ValueError("a risk rule must set floors or an uplift")
        if self.by_design and (self.kind != "interference" or self.irreducible is None):
            raise ValueError("`by_design: true` needs `kind: interference` and `irreducible:` (the legal reason)")
        return self


class Level(BaseModel):
    """One risk level of the matrix, such as low or very high."""

    model_config = _FROZEN
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """Id of the level, e.g. `very_high`; matrix cells and obligations name it."""
    label: Text
    """The level as the app and the report show it, e.g. `Very high`."""
    color: str = Field("#888888", pattern=r"^#[0-9a-fA-F]{6}$")
    """Colour of the level in the matrix and the report, as `#rrggbb`; grey (`#888888`) if left out."""


class Matrix(BaseModel):
    """Severity x likelihood -> level, as data the report also draws."""

    model_config = _FROZEN
    levels: list[Level] = Field(min_length=2)
    """The risk levels from lowest to highest, at least two."""
    cells: dict[Score, Annotated[list[str], Field(min_length=4, max_length=4)]]
    """One row per severity 1 to 4, each listing the level for likelihood 1, 2, 3 and 4, e.g.
    `4: [high, very_high, very_high, very_high]`. Levels must never fall as severity or likelihood rise."""
    severity4_floor: str = "high"
    """The lowest level any severity-4 cell may have (`high` if left out): a grave harm is never rated low
    because it seems unlikely."""
    scope_above_scale: Annotated[int, Field(ge=0, le=3)] | None = None
    """How many steps scope may count above scale in severity, e.g. `1`: a harm to everyone is one step graver
    than the harm itself, but breadth alone never makes a slight harm grave. Left out, severity is
    max(scale, scope, irremediability)."""
    place_each_harm: bool = False
    """`true`: each harm sits in the matrix on its own dimensions and a right's level is its worst harm's, so
    the likelihood of one harm never meets the gravity of another. Left out, the right's highest value per
    dimension is placed as one."""

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
    """One rating a safeguard may lower: a harm (or, in older instruments, every harm of a right) and a dimension.

    Naming the harm keeps a safeguard from lowering ratings it does not treat:
    signs do not make face scanning less certain, audit logs do not shorten
    retention.
    """

    model_config = _FROZEN
    harm: RuleId | None = None
    """Id of the harm lowered (a risk rule's `harm_id`, or its id), e.g. `H-PRIV-RETENTION`."""
    right: str | None = None
    """Id of a right, e.g. `privacy`, when the safeguard lowers every harm of that right; give `harm` instead
    wherever you can."""
    dimension: Dimension
    """The dimension lowered: `scale`, `scope`, `irremediability` or `likelihood`."""
    by: Annotated[int, Field(ge=1, le=3)] | None = None
    """Steps (1 to 3) for this harm and dimension, overriding the safeguard's `max_reduction`."""

    @model_validator(mode="after")
    def _names_one_target(self) -> Reduction:
        if (self.harm is None) == (self.right is None):
            raise ValueError("a reduction names either a harm or a right")
        return self


class Mitigation(BaseModel):
    """A catalogue safeguard: which right and dimension it may lower, on what evidence."""

    model_config = _FROZEN
    id: RuleId
    """Stable id of the safeguard; add it also as a choice of the `mitigation` field of the mitigation plan so
    that people can pick it."""
    title: Text
    """The safeguard in a few words, e.g. `Masking of private windows and gardens`."""
    description: Text | None = None
    """What the safeguard involves in practice."""
    reduces: list[Reduction] = Field(min_length=1)
    """The ratings it may lower, e.g. `[{right: privacy, dimension: scope}]`; at least one."""
    max_reduction: Annotated[int, Field(ge=1, le=3)] = 1
    """How many steps (1 to 3; 1 if left out) it may lower each of those dimensions, within the `reduction_cap`."""
    evidence: Text
    """The evidence that shows it is in place, e.g. a signed policy or a configuration export. Only plan rows
    marked verified with an evidence record (document, verifier other than the owner, date) lower the residual
    rating."""
    anchors: list[str] = []
    """Sources recommending the safeguard, cited in the report."""
    counts_when: Condition | None = None
    """Only while this holds may the safeguard lower a rating, e.g. bias testing counts only when the test
    results pass the acceptance rule. Left out, it always may."""


class AccuracySettings(BaseModel):
    """Where the engine reads independent accuracy test results, and the ids of the values it derives.

    The engine (pia/assess/accuracy.py) turns per-group false-match rates, the
    watchlist size and the number of people scanned into expected false alerts
    and a disparity ratio, and injects them as computed values that red flags,
    risk rules and `counts_when` of safeguards may read like answers. Nothing is
    evaluated as code: the arithmetic is fixed, the wiring is data.
    """

    model_config = _FROZEN
    when: Condition
    """When the accuracy figures apply at all, e.g. face recognition is among the technologies."""
    provenance_question: str
    """Id of the single-choice question saying who tested the software, e.g. `bias_testing`."""
    credited_provenance: list[str] = Field(min_length=1)
    """The choices of that question that count as independent testing; any other choice counts as untested."""
    group_rates_question: str
    """Id of the group question holding one entry per demographic group tested."""
    group_field: str = "group"
    """Field of that group naming the demographic group."""
    rate_field: str = "fmr_per_million"
    """Number field of that group: false matches per million comparisons at the operating threshold."""
    watchlist_size_question: str
    """Id of the number question giving the largest watchlist (the N of each 1:N search)."""
    people_per_day_question: str | None = None
    """Id of the number question giving the people scanned on an ordinary day."""
    live_when: Condition | None = None
    """When every person captured is searched against the list (live scanning); only then are false alerts
    per day and per deployment worked out. Left out, always."""
    deployments_question: str | None = None
    """Id of a group question with one entry per deployment."""
    deployment_people_field: str = "expected_faces"
    """Number field of a deployment: the faces expected to be scanned."""
    deployment_watchlist_field: str = "watchlist_size"
    """Number field of a deployment: its watchlist size (the largest watchlist is used when left blank)."""
    max_disparity_ratio: Annotated[float, Field(ge=1)]
    """Acceptance rule: the highest group false-match rate divided by the lowest must not exceed this."""
    min_groups: Annotated[int, Field(ge=2)] = 2
    """The fewest groups with a known rate for the ratio to mean anything."""
    acceptance_source: str
    """Where the acceptance threshold comes from, cited with every result (or `tool policy`)."""
    computed: dict[Literal["test_result", "disparity_ratio", "false_alerts_per_10000", "false_alerts_per_day",
                           "false_alerts_per_deployment"], str]
    """The ids under which conditions read each derived value, e.g. `{test_result: fr_accuracy_test}`.
    `test_result` is `pass`, `fail` or `untested`; the others are numbers."""

    @model_validator(mode="after")
    def _ids(self) -> AccuracySettings:
        bad = [v for v in self.computed.values() if not v or not v.replace("_", "a").isalnum() or not v[0].isalpha()]
        if bad:
            raise ValueError(f"computed id {bad[0]!r}: use lower case letters, digits and underscores")
        if len(set(self.computed.values())) != len(self.computed):
            raise ValueError("each computed value needs its own id")
        return self


class AnswerSafeguard(BaseModel):
    """A governance answer that is a safeguard in substance, e.g. prior judicial authorisation of every use.

    It lowers the harms it treats when its condition holds on known answers;
    an unknown answer never counts. With `counts_as` it stands for a catalogue
    safeguard (so the two never count twice); otherwise it names its own
    `reduces`.
    """

    model_config = _FROZEN
    id: RuleId
    """Stable id, e.g. `A-PRIOR-AUTHORISATION`."""
    title: Text
    """The safeguard in a few words, as the report lists it."""
    when: Condition
    """The answers that make it a safeguard, e.g. `{question: audit_logging, op: equals, value: full}`."""
    counts_as: RuleId | None = None
    """Id of the catalogue safeguard these answers establish; it then lowers what that safeguard lowers."""
    reduces: list[Reduction] = []
    """What it lowers, when it stands for no catalogue safeguard."""
    max_reduction: Annotated[int, Field(ge=1, le=3)] = 1
    """How many steps it may lower each of those dimensions (with `reduces` only)."""
    anchors: list[str] = []
    """Sources behind it, cited in the report."""

    @model_validator(mode="after")
    def _lowers_something(self) -> AnswerSafeguard:
        if (self.counts_as is None) == (not self.reduces):
            raise ValueError("an answer safeguard needs either counts_as or reduces, not both")
        return self


class Obligation(BaseModel):
    """What follows from an overall level (or from a red flag): who decides, how openly."""

    model_config = _FROZEN
    level: str
    """The matrix level id these obligations follow from, e.g. `high`, or `red_flag` for a triggered red flag."""
    approver: Text
    """Who must approve the proposal, e.g. `City council`."""
    consultation: Text
    """Who must be consulted, and how, before a decision."""
    independent_review: Text
    """What independent review is needed, e.g. `External expert review, published`; say `None required` if none."""
    publication: Text
    """What must be published, e.g. the full assessment or a summary."""
    review_interval_months: int | None = Field(None, ge=1, le=120)
    """Months until the assessment must be reviewed (1 to 120); left out, no fixed interval."""
    anchors: list[str] = []
    """Legal sources of the entry (catalogue ids or citations); an entry whose binding anchors apply only
    from a later date is listed as a dated obligation instead."""
    jurisdictions: list[str] = []
    """Jurisdiction profile ids this entry is for; where a profile has its own entries for a level they replace
    the unscoped ones. Left out, it applies everywhere."""


class FrameworkElement(BaseModel):
    """One thing a framework asks an assessment to address, such as the views of the people concerned."""

    model_config = _FROZEN
    id: str = Field(min_length=1, max_length=80)
    """Stable id of the element, e.g. `GDPR-35-7b`; questions name it in their `elements:`."""
    title: Text
    """What the element asks for, in a few words."""
    required: bool = True
    """Whether every assessment must address it (the default); `pia crosswalk` fails when a required element
    has no question. Set false for elements that apply only in some cases."""
    source: str | None = None
    """Where the element comes from, e.g. `GDPR Art. 35(7)(b)`."""


class Framework(BaseModel):
    """A legal framework's required elements, for the crosswalk annex."""

    model_config = _FROZEN
    id: str = Field(min_length=1, max_length=40)
    """Stable id of the framework, e.g. `GDPR_DPIA`; jurisdiction profiles list it under `frameworks:`."""
    name: Text
    """The framework's full name as the crosswalk annex shows it."""
    elements: list[FrameworkElement] = Field(min_length=1)
    """The framework's elements, at least one."""


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
    """The rights rated, each separately and never summed into one score."""
    jurisdiction_question: str | None = None
    """Id of the single-choice question whose answer picks the jurisdiction profile, e.g. `jurisdiction`; every
    choice needs a profile. Set in one file only; without it nothing may be limited by `jurisdictions`."""
    jurisdictions: list[JurisdictionProfile] = []
    """The jurisdiction profiles, one per choice of the jurisdiction question."""
    red_flags: list[RedFlag] = []
    """The legality gate: stop rules checked before any rating."""
    risk_rules: list[RiskRule] = []
    """The rules that raise a right's ratings when their condition holds."""
    matrix: Matrix | None = None
    """Severity x likelihood -> risk level. Set in one file only; left out, the standard 4 x 4 matrix with low,
    medium, high and very high."""
    reduction_cap: Annotated[int, Field(ge=1, le=3)] | None = None
    """The most steps (1 to 3) all safeguards together may lower one dimension. Set in one file only; 2 if left
    out."""
    mitigation_question: str | None = None
    """Id of the group question holding the mitigation plan, with fields `mitigation`, `state`, `owner`, `due`,
    `evidence`, `verified_by` and `verified_on` (a row counts as verified only with evidence, a verifier other
    than the owner and a date). Set in one file only; left out, no safeguard lowers a rating."""
    accuracy: AccuracySettings | None = None
    """Where independent accuracy test results are read and which computed ids rules may test. Set in one file
    only; left out, no accuracy figures are derived."""
    mitigations: list[Mitigation] = []
    """The safeguards catalogue: what each may lower and on what evidence."""
    answer_safeguards: list[AnswerSafeguard] = []
    """Governance answers that act as safeguards (e.g. two-person confirmation of every match) and what they
    lower when the answers are known."""
    obligations: list[Obligation] = []
    """What follows from each overall level and from a triggered red flag: approver, consultation, review,
    publication."""
    frameworks: list[Framework] = []
    """The legal frameworks and their elements, for the crosswalk annex."""
    legality_limbs: list[LegalityLimb] = []
    """The limbs of the legality test (law, aim, necessity, proportionality) and which sections, framework
    elements and questions evidence each; the full report's legality table is built from them."""
    anchors: list[Anchor] = []
    """The anchor catalogue: every legal source with its status (binding, soft law, local policy) and the
    dates it applies between. Once any file declares it, every `anchors:` entry of rights, red flags, risk
    rules, safeguards and obligations must name one of its entries (by id or exact citation)."""
    operating_period: OperatingPeriod | None = None
    """Which date questions give the planned operating period (`start`, `end`). Set in one file only; a duty
    that applies later is then shown as due within it, or as applying only after the planned end."""

