"""The report context as types: every variable a report (and a municipality's Word template) can use.

`build_context` returns a `ReportContext`; renderers and templates read its
plain-data dump. Because the model forbids extra fields, this file is the
complete, documented list of template variables: `schemas/context.schema.json`
is exported from it, `docs/templates.md` is generated from that schema, and
`pia lint-template` checks a template's variables against it.

Every text here is already worded for the reader (labels from `pia.wording`,
answers as people read them) and scrubbed of control characters.
"""

from __future__ import annotations

import typing

from pydantic import BaseModel, ConfigDict

_DATA = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Level(BaseModel):
    """A risk level of the instrument's matrix, with its colours."""

    model_config = _DATA
    id: str
    """Level id, e.g. `high`; empty when not rated."""
    label: str
    """Level name as the instrument words it, e.g. "High", or "Not rated"."""
    color: str
    """Colour as `#rrggbb`."""
    tint: str
    """A lighter tint of the colour as `RRGGBB` (no #), for table cell shading with `{% cellbg %}`."""
    rank: int
    """Position in the matrix, 0 = lowest; -1 when not rated."""


class Meta(BaseModel):
    """What the answers file says about itself."""

    model_config = _DATA
    title: str
    """Title of the proposal as entered (may be empty)."""
    organisation: str
    """Organisation proposing the system."""
    prepared_by: str
    """Who prepared the assessment."""
    date: str
    """Date of the answers as entered."""
    reference: str
    """The organisation's own reference."""
    contact: str
    """Contact for questions about the assessment."""
    extra: list[KeyValue]
    """Any further meta entries, sorted by key."""


class KeyValue(BaseModel):
    """One further meta entry."""

    model_config = _DATA
    key: str
    """The entry's name."""
    value: str
    """The entry's text."""


class QuestionnaireInfo(BaseModel):
    """The questionnaire the answers were assessed against."""

    model_config = _DATA
    id: str
    """Questionnaire id, e.g. `camera_hria`."""
    version: str
    """Its version (semantic versioning)."""
    title: str
    """Its title."""
    description: str
    """Its description (may be empty)."""


class Reproducibility(BaseModel):
    """What an auditor needs to reproduce the report line by line."""

    model_config = _DATA
    questionnaire_id: str
    """Questionnaire id used by the engine."""
    questionnaire_version: str
    """Questionnaire version used by the engine."""
    engine_version: str
    """Version of the pia engine that made the assessment."""
    answers_sha256: str
    """SHA-256 of the answers, identifying exactly which answers were assessed."""
    questionnaire_sha256: str
    """Digest of the questionnaire files used: the SHA-256 of `sha256sum` over them, sorted by name."""
    questionnaire_files: list[FileHash]
    """Each questionnaire file used, with its SHA-256."""
    generated: str
    """Report date (YYYY-MM-DD), or "not stated"."""
    how: str
    """One sentence on how to reproduce the report."""


class FileHash(BaseModel):
    """One questionnaire file and its fingerprint."""

    model_config = _DATA
    name: str
    """File name (core file or module)."""
    sha256: str
    """SHA-256 of the file's bytes."""


class Jurisdiction(BaseModel):
    """The body of law the assessment applies."""

    model_config = _DATA
    id: str
    """Profile id, e.g. `uk`; empty when not determined."""
    name: str
    """Profile name, or "Not determined"."""
    frameworks: list[str]
    """Names of the legal frameworks that apply in it."""


class Outcome(BaseModel):
    """The decision and why, in the engine's order."""

    model_config = _DATA
    id: str
    """Outcome id: prohibited, do_not_proceed, incomplete, revise, proceed_with_conditions or proceed."""
    label: str
    """The outcome in the words every surface uses (app, CLI, reports); "Open between X and Y" when the unknown
    answers leave it open."""
    decided: bool
    """False when the unknown answers leave the outcome open between `worst` and `best`."""
    worst: str
    """Outcome id with every unknown answer at its least favourable value."""
    worst_label: str
    """That outcome in words."""
    best: str
    """Outcome id with every unknown answer at its most favourable value: what the known answers establish."""
    best_label: str
    """That outcome in words."""
    decisive_gaps: list[str]
    """The questions (as worded) whose answer alone would move an end of the open range."""
    state: str
    """For a decided outcome, a note that the unknown answers cannot change it; empty when open."""
    turns_on: str
    """For an open outcome, what it turns on (the decisive questions, as worded); empty when decided."""
    established: str
    """For an open outcome, what the known answers already establish, in plain words; empty when decided."""
    sentence: str
    """The outcome as one sentence for the reader."""
    reasons: list[str]
    """Why, in the engine's sentences: red flags by id and title, questions by their wording (at most five,
    then how many more); the ids of the questions and rules are in the trace."""
    plain_reasons: list[str]
    """Why, for the council: the same reasons without rule ids."""
    decision_requested: str
    """The decision the council is asked to take."""


class TracedAnswer(BaseModel):
    """An answer a finding rests on."""

    model_config = _DATA
    id: str
    """Question id."""
    question: str
    """Question wording."""
    answer: str
    """The answer as people read it ("Unknown", "Not answered", choice labels ...)."""


class RedFlag(BaseModel):
    """A legal red flag that applies, or may apply."""

    model_config = _DATA
    id: str
    """Red flag id, e.g. `RF-01`."""
    title: str
    """What the red flag is."""
    outcome: str
    """Outcome id the flag forces."""
    outcome_label: str
    """That outcome in words."""
    status: str
    """`triggered` (applies) or `potential` (depends on an unknown answer)."""
    status_label: str
    """The status in words."""
    status_short: str
    """The status in fewer words, for narrow table cells."""
    explanation: str
    """Why the flag exists (may be empty)."""
    clears: str
    """What would clear the flag (may be empty)."""
    anchors: str
    """Legal anchors, comma-separated; one not in force on the assessment date says when it applies."""
    law: list[AnchorRow]
    """Each legal anchor with its status (binding, soft law, local policy) and the dates it applies between."""
    law_text: str
    """The same, as one text: 'ECHR Art. 8 (Binding, in force on the assessment date); ...'."""
    evidence_missing: list[MissingEvidence]
    """Answers that would clear the flag but lack their evidence record (they read as unknown)."""
    evidence_missing_text: str
    """The same, as one text (empty when none)."""
    rights: list[str]
    """Ids of the rights the flag concerns (empty: all)."""
    answers: list[TracedAnswer]
    """The answers that trigger it."""


class AnchorRow(BaseModel):
    """A legal anchor a finding cites, with its status and dates."""

    model_config = _DATA
    cite: str
    """The citation."""
    status: str
    """Binding, Soft law or Local policy (empty when the anchor is not in the catalogue)."""
    dates: str
    """When it applies, e.g. "applies from 2 Aug 2026" (empty when undated)."""
    in_force: str
    """Whether it is in force on the assessment date, in words (empty when not in the catalogue)."""


class MissingEvidence(BaseModel):
    """An answer that would clear a red flag but has no evidence record yet."""

    model_config = _DATA
    question: str
    """Question wording."""
    why: str
    """What is missing."""


class DatedObligationRow(BaseModel):
    """A red flag (or obligation) whose binding basis applies only from a later date: a duty with a date."""

    model_config = _DATA
    id: str
    """Red flag id (e.g. `RF-21`), or the obligation's level."""
    title: str
    """What the duty is."""
    outcome_label: str
    """The outcome the flag forces once it applies, in words (empty for an obligation)."""
    timing: str
    """`later` (applies after the assessment date), `unknown` (the assessment has no date; the flag is also
    listed as applying now) or `lapsed` (its basis no longer applies)."""
    applies_from: str
    """The date its binding basis applies from (YYYY-MM-DD), or empty."""
    due: str
    """The date it is due by (YYYY-MM-DD); empty when it falls after the planned end of operation."""
    when: str
    """When it applies, in words, e.g. "Due by 2 Dec 2027"."""
    anchors: str
    """Legal anchors, comma-separated, each not yet in force with the date it applies from."""
    law: str
    """The anchors with their status and dates, as one text."""
    clears: str
    """What meets the duty (may be empty)."""
    reason: str
    """Why it is not a stop now, for the auditor."""
    answers: list[TracedAnswer]
    """The answers that raise it."""


class Position(BaseModel):
    """A right's cell in the risk matrix."""

    model_config = _DATA
    severity: int
    """Severity 1-4 (the highest of scale, scope and irremediability)."""
    likelihood: int
    """Likelihood 1-4."""


class Dimension(BaseModel):
    """One rated dimension of a right before safeguards."""

    model_config = _DATA
    dimension: str
    """Dimension id: scale, scope, irremediability or likelihood."""
    name: str
    """Dimension name."""
    value: int
    """Score 1-4."""
    word: str
    """The score in words (low, moderate, high, very high)."""
    rules: list[str]
    """Ids of the rules that set the score."""
    answers: list[TracedAnswer]
    """The answers those rules read."""
    evidence_gap: bool
    """True when the score rests on an unknown answer rated at its worst."""
    reason: str
    """Why the score is what it is, in one sentence."""


class RightMitigation(BaseModel):
    """What one safeguard does for one right."""

    model_config = _DATA
    id: str
    """Mitigation id."""
    state: str
    """Its state in words (Proposed, Planned, Implemented, Verified)."""
    dimension: str
    """The dimension it lowers, in words."""
    reduction: int
    """How much it lowers that dimension now (only verified safeguards count)."""
    counted: bool
    """True when it lowers the rating now."""


class Right(BaseModel):
    """The risk to one right, before and after safeguards."""

    model_config = _DATA
    id: str
    """Right id."""
    number: int
    """Position in the list, from 1."""
    name: str
    """Right name."""
    summary: str
    """One sentence: the rating before, after verified and with planned safeguards."""
    main_reason: str
    """The main harm behind the rating, in a few words, for the council."""
    anchors: str
    """Legal anchors, comma-separated."""
    scale: int
    """Scale score 1-4 before safeguards."""
    scope: int
    """Scope score 1-4 before safeguards."""
    irremediability: int
    """Irremediability score 1-4 before safeguards."""
    likelihood: int
    """Likelihood score 1-4 before safeguards."""
    severity: int
    """Severity 1-4 before safeguards."""
    inherent: Level
    """Rating before safeguards."""
    residual: Level
    """Rating after verified safeguards."""
    projected: Level
    """Rating if the planned safeguards are done and verified."""
    inherent_basis: str
    """"established" or "assumed": whether the rating before safeguards rests on unknown answers."""
    residual_basis: str
    """"established" or "assumed", for the rating after verified safeguards."""
    basis: str
    """Both in one cell: "Established", or "Assumed (before and after safeguards)", "Assumed (after safeguards)"."""
    inherent_assumed: bool
    """True when the rating before safeguards is assumed (rests on unknown answers read at their worst)."""
    residual_assumed: bool
    """True when the rating after verified safeguards is assumed."""
    residual_known_only: str
    """The level after verified safeguards on the known answers alone (every unknown at its most favourable)."""
    changed: bool
    """True when verified safeguards lowered the rating."""
    residual_position: Position
    """Matrix cell after verified safeguards."""
    projected_position: Position
    """Matrix cell with planned safeguards."""
    dimensions: list[Dimension]
    """Each dimension with its rules and answers."""
    reasons: list[str]
    """One sentence per dimension."""
    harms: list[str]
    """The harms the rules found."""
    mitigations: list[RightMitigation]
    """The safeguards that act on this right."""
    evidence_gaps: list[str]
    """Ids of unknown questions the rating depends on."""


class Mitigation(BaseModel):
    """A safeguard in the mitigation plan."""

    model_config = _DATA
    id: str
    """Mitigation id."""
    title: str
    """What the safeguard is."""
    state: str
    """State id: proposed, planned, implemented or verified."""
    state_label: str
    """The state in words."""
    owner: str
    """Who is responsible, or "Not assigned"."""
    due: str
    """Due date as entered (may be empty)."""
    evidence: str
    """Evidence given that it is in place (may be empty)."""
    evidence_needed: str
    """Evidence the catalogue asks for."""
    rights: str
    """Names of the rights it protects, comma-separated."""
    counted: bool
    """True when it lowers ratings now (verified with evidence)."""
    counted_label: str
    """`counted` in words."""
    issues: str
    """Problems with the entry (e.g. verified without evidence), or empty."""
    still_needed: str
    """What is still needed before it counts (empty when counted)."""


class EvidenceGap(BaseModel):
    """An unknown or missing answer a finding depends on."""

    model_config = _DATA
    question_id: str
    """Question id."""
    question: str
    """Question wording."""
    section: str
    """Title of its section."""
    status: str
    """"Unknown" or "Not answered"."""
    drives: str
    """Ids of the findings it drives, comma-separated."""
    material: bool
    """True when answering it could change the outcome."""


class Obligation(BaseModel):
    """What follows from the outcome: approval, consultation, review, publication."""

    model_config = _DATA
    level: str
    """Level id it follows from, or `red_flag`."""
    level_label: str
    """That level in words."""
    because: str
    """Why it applies, without rule ids."""
    approver: str
    """Who must approve."""
    consultation: str
    """Consultation required."""
    independent_review: str
    """Independent review required."""
    publication: str
    """What must be published."""
    review: str
    """How often the assessment must be reviewed."""
    reason: str
    """Why it applies, for the auditor."""


class AnswerRow(BaseModel):
    """One question and its answer in a section."""

    model_config = _DATA
    id: str
    """Question id."""
    question: str
    """Question wording."""
    answer: str
    """The answer as people read it."""
    status: str
    """answered, unknown or missing."""
    legal_refs: str
    """Legal references, comma-separated."""
    elements: str
    """Framework element ids it covers, comma-separated."""


class Section(BaseModel):
    """A questionnaire section shown for these answers."""

    model_config = _DATA
    id: str
    """Section id."""
    title: str
    """Section title."""
    intro: str
    """Section introduction (may be empty)."""
    screening: bool
    """True for screening sections."""
    role: str
    """The role the instrument gives it: consultation, signoff, or empty."""
    questions: list[AnswerRow]
    """Its visible questions with their answers."""


class QuestionAnswer(BaseModel):
    """A question and its answer, for short tables."""

    model_config = _DATA
    question: str
    """Question wording (or a row heading)."""
    answer: str
    """The answer as people read it."""


class Limb(BaseModel):
    """One limb of the legality test and the answers that evidence it."""

    model_config = _DATA
    key: str
    """Limb id, e.g. `law`."""
    title: str
    """The limb as the instrument states it."""
    status: str
    """"Answered", "Evidence incomplete (...)" or "Not covered by the questionnaire"."""
    answers: list[QuestionAnswer]
    """The questions of this limb with their answers (long answers shortened)."""
    evidence: str
    """The same as one text, one "question: answer" per line."""


class RightLegality(BaseModel):
    """One right's position under the legality test."""

    model_config = _DATA
    right: str
    """Right name."""
    anchors: str
    """Legal anchors, comma-separated."""
    interference: str
    """The harms found, or a sentence saying none."""
    red_flags: str
    """Red flags on this right with their status, or "None"."""
    verdict: str
    """What follows for this right."""


class Legality(BaseModel):
    """The legality and proportionality test, limb by limb, then right by right."""

    model_config = _DATA
    limbs: list[Limb]
    """The limbs the instrument declares (`legality_limbs`)."""
    rights: list[RightLegality]
    """Each right's position."""


class SignoffRow(BaseModel):
    """A row of the sign-off table."""

    model_config = _DATA
    role: str
    """The sign-off question (who approves, when ...)."""
    entry: str
    """Its answer."""


class CrosswalkElement(BaseModel):
    """One required or optional element of a legal framework."""

    model_config = _DATA
    id: str
    """Element id."""
    title: str
    """What it requires."""
    required: str
    """"Required" or "Optional"."""
    where: str
    """Which questions answer it and their status, one per line."""
    status: str
    """Answered, Unknown, Not answered, Not applicable ..., or Not covered."""


class CrosswalkFramework(BaseModel):
    """A legal framework and how the assessment covers it."""

    model_config = _DATA
    id: str
    """Framework id."""
    name: str
    """Framework name."""
    applies: bool
    """True when it applies in the jurisdiction."""
    applies_label: str
    """Applies, For reference, or Jurisdiction not known."""
    summary: str
    """How many required elements are answered."""
    elements: list[CrosswalkElement]
    """Its elements (empty when it does not apply)."""


class MatrixCell(BaseModel):
    """One cell of the risk matrix with the rights placed in it."""

    model_config = _DATA
    likelihood: int
    """Likelihood 1-4 (column)."""
    level: str
    """Level id of the cell."""
    label: str
    """Level name."""
    color: str
    """Colour as `#rrggbb`."""
    tint: str
    """Lighter tint as `RRGGBB`."""
    rights: list[str]
    """Numbers of the rights placed here, as text."""
    text: str
    """What the cell shows."""


class MatrixRow(BaseModel):
    """One severity row of the risk matrix."""

    model_config = _DATA
    severity: int
    """Severity 1-4 (row)."""
    word: str
    """The severity in words."""
    cells: list[MatrixCell]
    """The row's cells by likelihood 1-4."""


class MatrixLevel(BaseModel):
    """A level in the matrix legend."""

    model_config = _DATA
    id: str
    """Level id."""
    label: str
    """Level name."""
    color: str
    """Colour as `#rrggbb`."""


class Matrix(BaseModel):
    """The risk matrix as data (the picture itself is `matrix_image`)."""

    model_config = _DATA
    present: bool
    """False when the instrument rates no rights."""
    rows: list[MatrixRow]
    """Rows from severity 4 down to 1."""
    levels: list[MatrixLevel]
    """The legend."""
    alt: str
    """A text description of the matrix (the picture's alternative text)."""
    caption: str
    """Caption under the matrix."""


class Completeness(BaseModel):
    """How far the answers are."""

    model_config = _DATA
    visible: int
    """Questions shown for these answers."""
    answered: int
    """Of those, answered with a value other than unknown."""
    unknown: int
    """Answered "unknown"."""
    required: int
    """Required questions shown."""
    required_answered: int
    """Of those, answered."""
    missing_required: list[str]
    """Wording of required questions still unanswered."""
    unanswered: int
    """Shown but left blank."""
    percent: int
    """Share of shown questions with a known answer ("unknown" not counted), rounded down, 0-100: the one
    completeness figure every surface shows (`pia.assess.summary.completeness_figure`)."""
    phrase: str
    """That figure in words, e.g. "34 of 140 questions answered (24%); 4 answered “unknown” and 102 not answered
    (91 of them required)"."""


class ScoreWord(BaseModel):
    """A score and its word, for the legend."""

    model_config = _DATA
    score: int
    """1-4."""
    word: str
    """low, moderate, high or very high."""


class DimensionHelp(BaseModel):
    """A dimension and what it measures, for the legend."""

    model_config = _DATA
    name: str
    """Dimension name."""
    help: str
    """What it measures."""


class Scores(BaseModel):
    """The four dimensions, 1-4 (0-3 for the steps of a vulnerability uplift)."""

    model_config = _DATA
    scale: int
    """Scale."""
    scope: int
    """Scope."""
    irremediability: int
    """Irremediability."""
    likelihood: int
    """Likelihood."""


class HarmReductionRow(BaseModel):
    """What one safeguard took off one dimension of one harm."""

    model_config = _DATA
    safeguard: str
    """Safeguard id."""
    dimension: str
    """Dimension id."""
    reduction: int
    """Taken off now (verified safeguards only, after the cap and the hard floor)."""
    projected_reduction: int
    """Taken off once planned safeguards are verified."""
    text: str
    """The same as a line, e.g. "M-SECURITY likelihood −0 (−1 once planned safeguards are verified)"."""


class HarmDerivation(BaseModel):
    """One harm of one right rated on its own: inherent -> reductions -> residual."""

    model_config = _DATA
    id: str
    """Harm id."""
    harm: str
    """What the harm is."""
    kind: str
    """interference (certain by design), misuse (likelihood of misuse or error), baseline or vulnerability
    uplift."""
    uplift: bool
    """True for a vulnerability uplift (its scores are uplift steps)."""
    status: str
    """holds, or potential (a rule rests on an unknown answer)."""
    rules: str
    """Its rules with their floors (or uplift steps), e.g. "R-PRIV-SHARING: irremediability 2, likelihood 3"."""
    irreducible: str
    """The legal reason no safeguard lowers it (empty when reducible)."""
    inherent: Scores
    """Highest floor of its rules per dimension (with the right's baseline)."""
    hard_floor: Scores
    """What no safeguard can go below."""
    reductions: list[HarmReductionRow]
    """Each safeguard's take per dimension."""
    reductions_text: str
    """The reductions that take something, as one text ("none" when none)."""
    residual: Scores
    """After verified safeguards: inherent minus the reductions."""
    projected: Scores
    """With planned safeguards verified too."""
    rates_likelihood: bool
    """False when none of its rules rates likelihood: placed, it takes the right's likelihood."""
    inherent_cell: str = ""
    """Where the harm sits in the matrix before safeguards (uplift added), e.g. "severity 3, likelihood 2: High"."""
    residual_cell: str = ""
    """Where it sits after verified safeguards."""
    line: str
    """Inherent -> residual as scale/scope/irremediability/likelihood."""


class DimensionDerivation(BaseModel):
    """One dimension of one right: baseline -> floor -> uplift -> inherent, and its residual."""

    model_config = _DATA
    dimension: str
    """Dimension id."""
    name: str
    """Dimension name."""
    baseline: int
    """The right's baseline."""
    floor: int
    """The highest floor of the rules that hold (or may hold)."""
    floor_rules: str
    """The rules that set that floor ("none")."""
    uplift: int
    """The uplift added on top."""
    uplift_rules: str
    """The rules that set the uplift ("none")."""
    inherent: int
    """Before safeguards: floor + uplift, capped at 4."""
    residual: int
    """After verified safeguards."""
    residual_how: str
    """How the residual is reached: highest harm residual + uplift left."""
    assumed: bool
    """True when the value rests on an unknown answer read at its worst."""


class RuleAnswers(BaseModel):
    """A rule that holds (or may) for a right and the answers that decide it."""

    model_config = _DATA
    id: str
    """Rule id."""
    harm: str
    """The harm it rates."""
    status: str
    """holds, or may hold (unknown answer)."""
    answers: str
    """The decisive answers, "question = answer; ..."."""


class RightDerivation(BaseModel):
    """How one right's ratings are reached, step by step."""

    model_config = _DATA
    id: str
    """Right id."""
    name: str
    """Right name."""
    baseline: Scores
    """Where each dimension starts."""
    dimensions: list[DimensionDerivation]
    """Each dimension before and after safeguards."""
    harms: list[HarmDerivation]
    """Each harm rated on its own."""
    core: Scores
    """Highest residual of the harms (not uplifts) per dimension; the baseline when no harm is rated."""
    uplift: Scores
    """Uplift left after targeted safeguards (0 when none)."""
    residual: Scores
    """Residual dimensions: core + uplift, capped at 4."""
    severity: int
    """Residual severity = max(scale, scope, irremediability)."""
    likelihood: int
    """Residual likelihood."""
    cell: str
    """The matrix cell's level at (severity, likelihood)."""
    inherent_severity: int
    """Severity before safeguards."""
    inherent_likelihood: int
    """Likelihood before safeguards."""
    steps: list[str]
    """The level before and after safeguards, worked through the matrix, with established or assumed."""
    rules: list[RuleAnswers]
    """The rules that hold and their decisive answers."""
    safeguards: str
    """What each safeguard took off this right, as one text."""


class Derivation(BaseModel):
    """Annex: every rating reproducible by hand."""

    model_config = _DATA
    method: list[str]
    """The method box: how every number is reached."""
    reduction_cap: int
    scope_above_scale: int | None
    """How many steps above scale scope may count in severity (None: no limit)."""
    place_each_harm: bool
    """True when each harm is placed in the matrix on its own and the right takes its worst harm's level."""
    """The most safeguards can take off one dimension of one harm."""
    questionnaire_sha256: str
    """SHA-256 of the questionnaire files."""
    answers_sha256: str
    """SHA-256 of the answers."""
    rights: list[RightDerivation]
    """One block per right."""


class Accuracy(BaseModel):
    """Accuracy weighed: independent test results per group and the expected false alerts."""

    model_config = _DATA
    present: bool
    """True when the instrument and the answers call for it."""
    heading: str
    """The heading."""
    result: str
    """pass, fail, untested or unknown (empty when not present)."""
    reason: str
    """The result against the acceptance rule, in words."""
    derivation: list[str]
    """Each step: false alert chance, expected false alerts per 10,000, per day, per deployment."""


class RemedySet(BaseModel):
    """One smallest set of changes."""

    model_config = _DATA
    title: str
    """E.g. "Smallest set (2 changes), reaching '<the next better outcome>':" (empty for a list of gaps)."""
    reaches: str
    """The outcome it reaches, in words."""
    changes: list[str]
    """Each change, worded with question and safeguard titles."""


class RemedyFlag(BaseModel):
    """What clears one red flag."""

    model_config = _DATA
    id: str
    """Red flag id."""
    title: str
    """What the red flag is."""
    clears: str
    """What would clear it."""
    answers: list[str]
    """Smallest answer changes that lift it."""
    evidence: str
    """Questions whose clearing answer needs an evidence record."""


class Remedy(BaseModel):
    """What it would take to reach the next better outcome (shown when the assessment carries it)."""

    model_config = _DATA
    present: bool
    """True when it was worked out for this report."""
    basis: str
    """search (sets found), none_found, answer_gaps (answer the decisive questions first), prohibited (no set
    can lift a prohibition) or none_needed (already the best outcome); empty when not worked out."""
    heading: str
    """The heading."""
    target_label: str
    """The next better outcome, in words."""
    intro: str
    """A sentence when there is no set to show (prohibited, none needed, none found, answer the gaps)."""
    sets: list[RemedySet]
    """Up to three smallest sets."""
    flags: list[RemedyFlag]
    """Per red flag, what clears it."""


class Decision(BaseModel):
    """What the council is asked to decide (council brief, page 1)."""

    model_config = _DATA
    id: str
    """approve, approve_conditions, send_back, refuse, or, for a system already in use, suspend or stop."""
    label: str
    """The decision in words, e.g. "Send back"."""
    sentence: str
    """The decision the council is asked to take, as one sentence."""
    note: str
    """For an open outcome whose better end is already a stop: that the open answers cannot change the decision;
    else empty."""
    running: bool
    """True when the answers say the system is already in use (then it is suspended or stopped, not refused)."""
    running_text: str
    """Whether the system is already in use, in words (empty when the questionnaire does not ask)."""
    options: list[str]
    """The options open to the council, in words."""
    options_text: str
    """The same as one sentence."""


class CouncilFlag(BaseModel):
    """A red flag as the brief's first page shows it."""

    model_config = _DATA
    title: str
    """What the red flag is."""
    status: str
    """Established (applies on the known answers), potential (depends on an unknown answer) or dated (its legal
    basis applies from a later date), in words."""
    reason: str
    """Why it is a red flag."""
    law: str
    """Its legal basis: citations; soft law and local policy say so, and an anchor not yet in force its date."""
    clears: str
    """What would clear it (may be empty)."""


class CouncilGaps(BaseModel):
    """How complete the assessment is and what the open gaps could change."""

    model_config = _DATA
    figure: str
    """The completeness figure in words (the same as `completeness.phrase`)."""
    percent: int
    """Share of shown questions with a known answer, 0-100."""
    could_change: list[str]
    """What the unknown answers could change: the outcome (or that they cannot), the assumed ratings, the
    potential red flags."""


class CouncilRemedy(BaseModel):
    """What it would take, in the brief's compact form."""

    model_config = _DATA
    heading: str
    """The heading."""
    intro: str
    """The sentence before the list: the smallest set's title, or why there is none."""
    changes: list[str]
    """The changes of the first smallest set, or the questions to answer."""
    note: str
    """That what clears each red flag is in its row of `flags` (empty when no red flag)."""


class Council(BaseModel):
    """The council brief's first page, decision first."""

    model_config = _DATA
    decision: Decision
    """What the council is asked to decide."""
    reasons: list[str]
    """The (up to) three reasons that decide the outcome, in plain words."""
    flags: list[CouncilFlag]
    """Every red flag that bears on the decision: established first, then potential, then dated."""
    moot_flags: str
    """One sentence naming the potential red flags that cannot change the outcome (their own outcome is no worse
    than what the known answers establish), or empty; their rows are in the full report."""
    completeness: CouncilGaps
    """How complete the assessment is and what the open gaps could change."""
    remedy: CouncilRemedy
    """What it would take to reach a better outcome."""
    obligations: list[Obligation]
    """The obligations that follow: those of the red flags when one applies, else those of the remaining risk
    (at most one block)."""


class ReportContext(BaseModel):
    """Everything a report shows. A Word template may use exactly these variables (and `matrix_image`)."""

    model_config = _DATA
    brief: bool
    """True for the council brief, false for the full assessment."""
    kind: str
    """"Council brief" or "Full assessment"."""
    title: str
    """Title of the proposal (or of the questionnaire when none was entered)."""
    subtitle: str
    """Subtitle naming the kind of report."""
    generated: str
    """Report date (YYYY-MM-DD), or "not stated"."""
    meta: Meta
    """What the answers file says about itself."""
    questionnaire: QuestionnaireInfo
    """The questionnaire used."""
    reproducibility: Reproducibility
    """What an auditor needs to reproduce the report."""
    jurisdiction: Jurisdiction
    """The body of law applied."""
    outcome: Outcome
    """The decision and why."""
    overall_level: Level | None
    """The highest rating after verified safeguards, or none when no right is rated."""
    overall_level_label: str
    """Its name, or "Not rated"."""
    red_flags: list[RedFlag]
    """Red flags that apply or may apply."""
    red_flags_triggered: list[RedFlag]
    """Only those that apply."""
    dated_obligations: list[DatedObligationRow]
    """Red flags and obligations whose binding basis applies only from a later date: duties with a due date,
    not current stops."""
    assessment_date: str
    """The assessment date (the answers' meta date) as words, e.g. "20 Nov 2026", or "Not dated"."""
    rights: list[Right]
    """The risk to each right."""
    basis_note: str
    """What "established" and "assumed" mean; empty when no rating is assumed."""
    accuracy: Accuracy
    """Accuracy weighed, with the expected false alerts and their derivation."""
    remedy: Remedy
    """What it would take to reach the next better outcome."""
    derivation: Derivation
    """Annex: the derivation of every rating."""
    mitigations: list[Mitigation]
    """The whole mitigation plan."""
    conditions: list[Mitigation]
    """Safeguards not yet counted: the conditions attached to going ahead."""
    safeguards_verified: list[Mitigation]
    """Safeguards verified with evidence."""
    evidence_gaps: list[EvidenceGap]
    """Unknown or missing answers that findings depend on."""
    obligations: list[Obligation]
    """What follows from the outcome."""
    screening: list[Section]
    """Screening sections with their answers."""
    sections: list[Section]
    """The other sections shown, with their answers."""
    all_sections: list[Section]
    """Screening and other sections together, in order."""
    contents: list[str]
    """Headings of the report's parts, in order."""
    legality: Legality
    """The legality and proportionality test."""
    consultation: list[Section]
    """Sections the instrument marks `role: consultation`."""
    signoff: list[SignoffRow]
    """Rows from sections the instrument marks `role: signoff`."""
    crosswalk: list[CrosswalkFramework]
    """Each legal framework and how the assessment covers it."""
    matrix: Matrix
    """The risk matrix as data."""
    completeness: Completeness
    """How far the answers are."""
    scale_legend: list[ScoreWord]
    """Scores 1-4 and their words."""
    dimension_legend: list[DimensionHelp]
    """The four dimensions and what each measures."""
    proposal: list[QuestionAnswer]
    """What is proposed: proposal, organisation, author and the screening answers."""
    council: Council
    """The council brief's first page: decision, reasons, red flags, completeness, what it would take."""


Meta.model_rebuild()
Reproducibility.model_rebuild()


def context_schema() -> dict:
    """The JSON Schema of the report context (committed as schemas/context.schema.json)."""
    schema = ReportContext.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "pia report context (the variables a Word template may use)"
    return schema


def _type_name(annotation: typing.Any) -> str:
    """A reader's name for a field type: text, number, yes/no, list of X, X or none."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        kinds = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(kinds) + (" or none" if type(None) in args else "")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return {str: "text", int: "number", bool: "yes/no"}.get(annotation, str(annotation))


def _models() -> list[type[BaseModel]]:
    """ReportContext first, then every model it reaches, in the order first met."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for field in model.model_fields.values():
            stack = [field.annotation]
            while stack:
                t = stack.pop()
                if isinstance(t, type) and issubclass(t, BaseModel):
                    visit(t)
                stack.extend(typing.get_args(t))

    visit(ReportContext)
    return seen


def templates_markdown() -> str:
    """docs/templates.md: the variables a Word template may use, generated from these models."""
    out = [
        "# Variables for Word report templates",
        "",
        "<!-- Generated by `pia schema --kind templates-doc > docs/templates.md`; a test keeps it fresh. -->",
        "",
        "A municipality's own Word template (`pia report --template mine.docx`) is rendered with Jinja",
        "in a sandbox and sees exactly the variables below: plain text, numbers, yes/no values and lists",
        "of them, nothing else. `pia lint-template mine.docx` checks a template against this list and",
        "renders it with every example. The machine-readable form is `schemas/context.schema.json`.",
        "",
        "Write `{{ outcome.label }}` for a value, `{%p for r in rights %}` ... `{%p endfor %}` around",
        "paragraphs to repeat, and `{%tr for r in rights %}` ... `{%tr endfor %}` around a table row.",
        "The risk matrix picture is `{{ matrix_image }}`, in the body, a header or a footer: during",
        "rendering it is only a placeholder text, and pia puts the picture in its place afterwards",
        "(`matrix_image.anything` is refused). Every text is already worded for the reader; no variable",
        "gives access to files, Python objects or the network.",
        "",
    ]
    for model in _models():
        out += [f"## {model.__name__}", "", " ".join((model.__doc__ or "").split()), ""]
        out += ["| variable | type | meaning |", "|---|---|---|"]
        for name, field in model.model_fields.items():
            desc = " ".join((field.description or "").split()).replace("|", "\\|")
            out.append(f"| `{name}` | {_type_name(field.annotation)} | {desc} |")
        out.append("")
    return "\n".join(out)
