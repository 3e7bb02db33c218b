"""The assessment engine: a pure function from (questionnaire, answers) to an Assessment.

Everything it weighs is data the instrument declares (`Questionnaire.rules`):
red flags, risk rules, the matrix, the mitigations catalogue and the
obligations. The steps follow scoring-methodology.md section 6:

1. Legality gate. Red flags are checked first; a flag whose condition holds
   is *triggered*, one that depends on an unknown answer is *potential*. No
   mitigation lifts either.
2. Per right, inherent risk. Every dimension starts at the right's baseline;
   each rule that holds (or might hold) raises it to its floor, the highest
   floor wins, floors never add up. Vulnerability uplifts then raise it by the
   largest uplift (they do not stack), capped at 4. severity =
   max(scale, scope, irremediability); inherent = matrix[severity][likelihood].
   An instrument's matrix may count scope at most `scope_above_scale` steps
   above scale (breadth never makes a slight harm grave) and may place each
   harm in the matrix on its own dimensions (`place_each_harm`), the right
   taking its worst harm's level.
3. Mitigations, per harm. Each rule names the harm it rates; a safeguard
   lowers only the harms it names. Only verified rows with an evidence record
   (evidence, a verifier other than the owner, a date) and governance answers
   that act as safeguards (known, where the plan is silent) lower the
   residual; planned (with owner and due date), implemented and verified rows
   lower the projected residual, shown apart. The reduction per harm and
   dimension is capped and never goes below 1, nor below the floors of rules
   that declare themselves irreducible, nor below the likelihood of an
   interference (certain by design). A right's residual dimension is the
   highest residual of its harms, plus any vulnerability uplift the targeted
   safeguards leave.
4. Outcome, from worst to best: a triggered red flag decides; else potential
   red flags or a material evidence gap on a right rated high or worse give
   "incomplete"; else the worst verified residual level decides (never an
   average).
5. Obligations follow from the overall level and from triggered red flags.

Unknown is never read as No. Conditions are evaluated three-valued; an answer
that is "unknown", or a required question that is visible but unanswered,
makes a condition that depends on it *None*: the rule is applied at its worst
plausible value and the answer is listed as an evidence gap. A question hidden
by its own condition is not applicable and is never a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ENGINE_VERSION
from ..answers import AnswerSet, completeness, evidence_problem
from ..conditions import UNKNOWN, Condition, decisive, evaluate, referenced
from ..fingerprint import questionnaire_digest
from ..model import Group, Questionnaire
from ..references import catalogue as anchor_catalogue
from ..references import convention_party, for_jurisdiction
from ..rules_model import DIMENSIONS, MITIGATION_STATES, OUTCOMES, Matrix, Mitigation, Rulebook
from ..text import text
from ..wording import headline, label, outcome_label
from .accuracy import weigh
from .models import (
    AnswerSafeguardResult,
    AppliedMitigation,
    Assessment,
    CompletenessResult,
    DimensionResult,
    EvidenceGap,
    HarmRating,
    HarmReduction,
    MitigationResult,
    ObligationResult,
    OutcomeReason,
    RedFlagResult,
    RightResult,
    RuleHit,
    rung_rank,
)
from .naming import MAX_NAMED, named_questions
from .timeline import Timeline

# The methodology's 4x4 severity-weighted matrix, used when an instrument declares none.
DEFAULT_MATRIX = Matrix(
    levels=[
        {"id": "low", "label": "Low", "color": "#2e7d32"},
        {"id": "medium", "label": "Medium", "color": "#f9a825"},
        {"id": "high", "label": "High", "color": "#ef6c00"},
        {"id": "very_high", "label": "Very high", "color": "#b71c1c"},
    ],
    cells={
        1: ["low", "low", "low", "medium"],
        2: ["low", "medium", "medium", "high"],
        3: ["medium", "high", "high", "very_high"],
        4: ["high", "very_high", "very_high", "very_high"],
    },
)
DEFAULT_REDUCTION_CAP = 2

# Level rank -> outcome when no red flag or gap decides. Rank is the position of
# the level in the matrix (0 = lowest); ranks beyond 3 count as the top rank.
LEVEL_OUTCOMES: tuple[str, ...] = ("proceed", "proceed_with_conditions", "revise", "do_not_proceed")
# A right rated at this rank or above ("high" in the 4-level matrix) with a
# material evidence gap makes the outcome incomplete.
HIGH_RANK = 2


SEVERITY_DIMENSIONS = ("scale", "scope", "irremediability")


def outcome_for_rank(rank: int) -> str:
    """The outcome a residual level of this rank gives on its own."""
    return LEVEL_OUTCOMES[max(0, min(rank, len(LEVEL_OUTCOMES) - 1))]


_OUTCOME_INDEX = {o: i for i, o in enumerate(OUTCOMES)}


def outcome_index(outcome: str) -> int:
    """Position on the ladder; lower is worse (prohibited = 0)."""
    found = _OUTCOME_INDEX.get(outcome)
    return OUTCOMES.index(outcome) if found is None else found   # .index: the same error for a stray value


# --- three-valued helpers ---------------------------------------------------------------


def _and3(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


# --- the answers the engine reads --------------------------------------------------------


class _Answers:
    """The answers the engine reads, built in questionnaire order.

    - A visible question left blank reads as unknown when it is required.
    - A follow-up whose visibility hangs on an unknown (or blank required)
      answer is itself unknown, never "not applicable": hiding it would let a
      blank parent switch a red flag off.
    - An answer that clears a legal stop (`needs_evidence`) without a complete
      evidence record reads as unknown; `unevidenced` says why.
    """

    def __init__(self, q: Questionnaire, answers: AnswerSet):
        raw = answers.answers
        working: dict[str, Any] = {}
        self.missing: set[str] = set()
        self.unevidenced: dict[str, tuple[Any, str]] = {}
        for section in q.sections:
            shown = evaluate(section.when, working, missing=False)
            if shown is False:
                continue
            for question in section.questions:
                vis = evaluate(question.when, working, missing=False)
                if vis is False:
                    continue
                value = raw.get(question.id)
                if value is not None and value != "" and value != []:
                    if isinstance(question, Group) and isinstance(value, list):
                        value = [_fill_row(question, row) for row in value]
                    if question.needs_evidence and value in question.needs_evidence:
                        why = evidence_problem(answers.evidence.get(question.id))
                        if why:
                            self.unevidenced[question.id] = (value, why)
                            value = UNKNOWN
                    working[question.id] = value
                elif question.required or vis is None or shown is None:
                    working[question.id] = UNKNOWN
                    self.missing.add(question.id)
        self.values = working
        # Accuracy weighed (E): derived figures conditions may read, and the inputs behind unknown ones.
        weighed = weigh(q.rules.accuracy, working)
        working.update(weighed.computed)
        self.accuracy, self.derived_from = weighed.result, weighed.derived_from
        # Per condition, what it gives on these (fixed) answers: one assessment asks the same conditions
        # again for every run it makes on this view (the best reading, each gap's decisive test).
        self._memo: dict[tuple[str, Any], tuple[Any, Any]] = {}

    def rules_of(self, rb: Rulebook, right: str) -> list[Any]:
        """The risk rules of one right, in rulebook order (indexed once per assessment)."""
        index = self._memo.get(("rules", id(rb)))
        if index is None or index[0] is not rb:
            by_right: dict[str, list[Any]] = {}
            for rule in rb.risk_rules:
                by_right.setdefault(rule.right, []).append(rule)
            index = self._memo[("rules", id(rb))] = (rb, by_right)
        return index[1].get(right, [])

    def _once(self, kind: str, cond: Condition | None, compute: Any) -> Any:
        key = (kind, id(cond))
        hit = self._memo.get(key)
        if hit is None or hit[0] is not cond:
            hit = self._memo[key] = (cond, compute(cond))
        return hit[1]

    def _value(self, cond: Condition | None) -> bool | None:
        return evaluate(cond, self.values, missing=False)

    def shown(self, qid: str) -> Any:
        """The answer as the trace shows it: None when absent, hidden or not yet given."""
        if qid in self.missing:
            return None
        return self.values.get(qid)

    def evaluate(self, cond: Condition | None) -> bool | None:
        return self._once("value", cond, self._value)

    def unknown_inputs(self, cond: Condition | None) -> list[str]:
        """Question ids a condition reads whose answer is unknown (or missing)."""
        return list(self._once("unknown", cond, self._unknown_inputs))

    def trace(self, cond: Condition | None) -> dict[str, Any]:
        """question id -> answer for the answers that settled the condition (the branch that fired)."""
        return dict(self._once("trace", cond, self._trace))

    def _unknown_inputs(self, cond: Condition | None) -> list[str]:
        out: list[str] = []
        # Only the unknowns the value hangs on: an unknown inside a branch already settled is no gap.
        for leaf in decisive(cond, self.values, missing=False):
            if leaf.question in out:
                continue
            value = self.values.get(leaf.question)
            if value == UNKNOWN and leaf.question in self.derived_from:  # a computed value: name its inputs
                out += [x for x in self.derived_from[leaf.question] if x not in out]
                continue
            if value == UNKNOWN or (
                leaf.field is not None
                and isinstance(value, list)
                and any(isinstance(row, Mapping) and row.get(leaf.field) == UNKNOWN for row in value)
            ):
                out.append(leaf.question)
        return out

    def _trace(self, cond: Condition | None) -> dict[str, Any]:
        """question id -> answer for the answers that settled the condition (the branch that fired).

        For a group, only the fields the condition looks at, one entry per row.
        """
        out: dict[str, Any] = {}
        fields: dict[str, list[str]] = {}
        for leaf in decisive(cond, self.values, missing=False):
            if leaf.field is None:
                out[leaf.question] = self.shown(leaf.question)
            else:
                fields.setdefault(leaf.question, [])
                if leaf.field not in fields[leaf.question]:
                    fields[leaf.question].append(leaf.field)
        for qid, names in fields.items():
            if qid in out:
                continue
            value = self.shown(qid)
            if isinstance(value, list):
                value = [
                    {f: row.get(f) for f in names} if isinstance(row, Mapping) else row
                    for row in value
                ]
            out[qid] = value
        return out


def _fill_row(group: Group, row: Any) -> Any:
    if not isinstance(row, Mapping):
        return row
    filled = dict(row)
    for f in group.fields:
        if f.required and filled.get(f.id) in (None, "", []):
            filled[f.id] = UNKNOWN
    return filled


# --- the engine --------------------------------------------------------------------------


class _Run:
    """State of one assessment run; assess() is the public face."""

    def __init__(self, q: Questionnaire, answers: AnswerSet, view: _Answers | None = None,
                 best: bool = False, favourable: frozenset[str] = frozenset(),
                 unfavourable: frozenset[str] = frozenset()):
        """`best`: every unknown at its most favourable value (a condition that depends on one does not
        hold), except those in `unfavourable`; otherwise at its least favourable (the condition applies,
        as a potential finding), except when every unknown it depends on is in `favourable`."""
        self.q = q
        self.answers = answers
        self.rb: Rulebook = q.rules
        self.matrix = self.rb.matrix or DEFAULT_MATRIX
        self.cap = self.rb.reduction_cap or DEFAULT_REDUCTION_CAP
        self.a = view or _Answers(q, answers)
        self.best = best
        self.favourable = favourable
        self.unfavourable = unfavourable
        self.gaps: dict[str, list[str]] = {}
        self.material_gaps: set[str] = set()
        self._jurisdiction()
        self._law_timeline: Timeline | None = None

    @property
    def law(self) -> Timeline:
        """The law in time for these answers; made when first asked (a run that only re-rates rights,
        as each decisive-gap test does, never needs it)."""
        if self._law_timeline is None:
            self._law_timeline = Timeline(self.rb, self.answers.meta, self.a.values, self.profile)
        return self._law_timeline

    # jurisdiction ------------------------------------------------------------------
    def _jurisdiction(self) -> None:
        jq = self.rb.jurisdiction_question
        self.jq = jq
        self.profile: str | None = None
        if jq is None:
            return
        value = self.a.values.get(jq)
        ids = {p.id for p in self.rb.jurisdictions}
        if isinstance(value, str) and value in ids:
            self.profile = value

    @property
    def jurisdiction_known(self) -> bool:
        return self.jq is None or self.profile is not None

    def applies(self, scoped: list[str]) -> bool | None:
        """Whether an item limited to some jurisdictions applies here (None: not known)."""
        if not scoped or self.jq is None:
            return True
        if self.profile is None:
            return None
        return self.profile in scoped

    def status(self, cond: Condition, scoped: list[str]) -> bool | None:
        """True, False, or None (applied at its worst, as a potential finding) under this run's policy."""
        applies = self.applies(scoped)
        if applies is False:
            return False
        st = _and3(applies, self.a.evaluate(cond))
        return st if st is not None else self._by_policy(self._gap_set(cond, scoped))

    def _by_policy(self, gaps: frozenset[str]) -> bool | None:
        """A finding that hangs on unknown answers (`gaps`), under this run's policy: potential (None) or off."""
        if self.best:
            return None if self.unfavourable and self.unfavourable & gaps else False
        if self.favourable and gaps <= self.favourable:
            return False
        return None

    def _gap_set(self, cond: Condition, scoped: list[str]) -> frozenset[str]:
        """set(gap_inputs(...)), kept on the view: the same for every run on it (the jurisdiction is)."""
        return self.a._once(f"gaps:{self.applies(scoped) is None}", cond,
                            lambda c: frozenset(self.gap_inputs(c, scoped)))

    def gap_inputs(self, cond: Condition, scoped: list[str]) -> list[str]:
        qids = self.a.unknown_inputs(cond)
        if self.applies(scoped) is None and self.jq is not None and self.jq not in qids:
            qids.append(self.jq)
        return qids

    def trace(self, cond: Condition, scoped: list[str]) -> dict[str, Any]:
        out = self.a.trace(cond)
        if scoped and self.jq is not None:
            out[self.jq] = self.a.shown(self.jq)
        return out

    def record_gap(self, qids: list[str], driver: str, material: bool) -> None:
        for qid in qids:
            drivers = self.gaps.setdefault(qid, [])
            if driver not in drivers:
                drivers.append(driver)
            if material:
                self.material_gaps.add(qid)

    # red flags ---------------------------------------------------------------------
    def red_flags(self) -> tuple[list[RedFlagResult], list[str]]:
        found: list[RedFlagResult] = []
        clear: list[str] = []
        for rf in self.rb.red_flags:
            st = self.status(rf.when, rf.jurisdictions)
            if st is False:
                if self.applies(rf.jurisdictions) is not False:
                    clear.append(rf.id)
                continue
            gap_q = self.gap_inputs(rf.when, rf.jurisdictions) if st is None else []
            if self.law.defer_flag(rf, st, gap_q, self.trace(rf.when, rf.jurisdictions)):
                self.record_gap(gap_q, rf.id, material=False)  # a dated duty, not a stop today
                continue
            if st is None:
                self.record_gap(gap_q, rf.id, material=True)
            found.append(RedFlagResult(
                id=rf.id,
                title=rf.title,
                outcome=rf.outcome,
                status="triggered" if st else "potential",
                explanation=rf.explanation,
                clears=rf.clears,
                anchors=list(rf.anchors),
                rights=list(rf.rights),
                jurisdictions=list(rf.jurisdictions),
                answers=self.trace(rf.when, rf.jurisdictions),
                gap_questions=gap_q,
            ))
        return found, clear

    # rights --------------------------------------------------------------------------
    def _hits(self, right: Any) -> list[tuple[Any, bool | None]]:
        """The right's risk rules that hold (True) or might (None) under this run's policy: status() of
        each rule, its policy-free part read once per assessment (`_rule_states`)."""
        hits: list[tuple[Any, bool | None]] = []
        for rule, st, gaps in self._rule_states(right.id):
            if st is None:   # hangs on unknowns: the policy decides, as in status()
                st = self._by_policy(gaps)
            if st is not False:
                hits.append((rule, st))
        return hits

    def _rule_states(self, right: str) -> list[tuple[Any, bool | None, frozenset[str]]]:
        """(rule, value on the known answers, its unknown inputs) for a right's rules; the same for every
        run on this view, whatever its policy."""
        key = ("states", right)
        hit = self.a._memo.get(key)
        if hit is None:
            states = []
            for rule in self.a.rules_of(self.rb, right):
                applies = self.applies(rule.jurisdictions)
                st = False if applies is False else _and3(applies, self.a.evaluate(rule.when))
                states.append((rule, st, self._gap_set(rule.when, rule.jurisdictions) if st is None
                               else frozenset()))
            hit = self.a._memo[key] = (None, states)
        return hit[1]

    def _rank_of_hits(self, right: Any, hits: list[tuple[Any, bool | None]], plan: dict[str, _PlanEntry]) -> int:
        harmed = any(rule.floors for rule, _ in hits)
        values: dict[str, int] = {}
        for d in DIMENSIONS:
            floor = max([right.baseline.get(d, 1)] + [rule.floors[d] for rule, _ in hits if d in rule.floors])
            up = max([0] + [rule.uplift[d] for rule, _ in hits if d in rule.uplift]) if harmed else 0
            values[d] = min(4, floor + up)
        _applied, residual, _projected, harm_ratings = self.mitigate(right, hits, self._safeguards(plan))
        inherent = self.matrix.level(*self._position(_harm_dims(harm_ratings, "inherent", values), values))
        placed = _harm_dims(harm_ratings, "residual", residual)
        r_sev, r_lik = self._position(placed, residual)
        return self._ladder(harm_ratings, placed,
                            self.matrix.rank(self._not_above(self.matrix.level(r_sev, r_lik), inherent)))[0]

    def _ladder(self, harm_ratings: list[HarmRating], placed: list[dict[str, int]], rank: int) -> tuple[int, list[str]]:
        """The rank the outcome ladder reads for a right, and the by-design rules that lowered it.

        A High that rests only on harms the design makes by itself (`by_design`: the proposal's own,
        irreducible interference, whose lawfulness the red flags decide) reads one rung lower, "proceed with
        conditions": "Revise" must name a change that ends it, and no change but dropping the technology
        would. The level itself, and the High level's obligations, stay. Very high is never lowered.
        """
        if rank != HIGH_RANK or not placed:
            return rank, []
        step = self.matrix.scope_above_scale
        core = [h for h in harm_ratings if not h.uplift]
        top = [h for h, dims in zip(core, placed, strict=True)
               if self.matrix.rank(self.matrix.level(_severity(dims, step), dims["likelihood"])) >= HIGH_RANK]
        if top and all(h.by_design for h in top):
            return HIGH_RANK - 1, [rule for h in top for rule in h.rules]
        return rank, []

    def right(self, right: Any, red_flags: list[RedFlagResult], plan: dict[str, _PlanEntry]) -> RightResult:
        hits = self._hits(right)
        gap_of = {rule.id: self.gap_inputs(rule.when, rule.jurisdictions) for rule, st in hits if st is None}
        answers_of = {rule.id: self.trace(rule.when, rule.jurisdictions) for rule, _ in hits}

        dims: dict[str, DimensionResult] = {}
        known: dict[str, int] = {}
        # An uplift weighs a harm for a vulnerable group; with no harm rated there is nothing to weigh (M-08).
        harmed = any(rule.floors for rule, _ in hits)
        for d in DIMENSIONS:
            base = right.baseline.get(d, 1)
            floors = [(rule.floors[d], rule, st) for rule, st in hits if d in rule.floors]
            ups = [(rule.uplift[d], rule, st) for rule, st in hits if d in rule.uplift] if harmed else []
            floor = max([base] + [f for f, _, _ in floors])
            floor_known = max([base] + [f for f, _, st in floors if st])
            up = max([0] + [u for u, _, _ in ups])
            up_known = max([0] + [u for u, _, st in ups if st])
            value = min(4, floor + up)
            known[d] = min(4, floor_known + up_known)
            rules = [r.id for f, r, _ in floors if f == floor]
            uplift_rules = [r.id for u, r, _ in ups if u == up] if up and value > floor else []
            gap = value > known[d]
            gap_q: list[str] = []
            if gap:
                for _f, r, st in floors + ups:
                    if st is None and (r.id in rules or r.id in uplift_rules):
                        gap_q += [x for x in gap_of[r.id] if x not in gap_q]
            trace: dict[str, Any] = {}
            for rid in rules + uplift_rules:
                trace.update(answers_of[rid])
            dims[d] = DimensionResult(
                value=value,
                baseline=base,
                floor=floor,
                rules=rules,
                uplift=value - floor,
                uplift_rules=uplift_rules,
                answers=trace,
                evidence_gap=gap,
                gap_questions=gap_q,
                harms=list(dict.fromkeys(r.harm_key for f, r, _ in floors if f == floor)),
            )

        values = {d: dims[d].value for d in DIMENSIONS}
        applied, residual, projected, harm_ratings = self.mitigate(right, hits, self._safeguards(plan))
        # Each harm is placed in the matrix on its own dimensions; the right's level is its worst harm's.
        placed_in = _harm_dims(harm_ratings, "inherent", values)
        severity, likelihood = self._position(placed_in, values)
        inherent = self.matrix.level(severity, likelihood)
        known_hits = [(rule, st) for rule, st in hits if st]
        known_level = self.matrix.level(*self._position(
            _harm_dims(self.mitigate(right, known_hits, [])[3], "inherent", known), known))
        material = self.matrix.rank(inherent) != self.matrix.rank(known_level)
        for rule, st in hits:
            if st is None:
                self.record_gap(gap_of[rule.id], rule.id, material=material)

        placed_res = _harm_dims(harm_ratings, "residual", residual)
        r_sev, r_lik = self._position(placed_res, residual)
        step = self.matrix.scope_above_scale
        core = [h.id for h in harm_ratings if not h.uplift]
        harm_cells = {hid: {"inherent": (_severity(i, step), i["likelihood"]),
                            "residual": (_severity(r, step), r["likelihood"])}
                      for hid, i, r in zip(core, placed_in, placed_res, strict=True)}
        p_sev, p_lik = self._position(_harm_dims(harm_ratings, "projected", projected), projected)
        residual_level = self._not_above(self.matrix.level(r_sev, r_lik), inherent)
        ladder_rank, by_design_rules = self._ladder(harm_ratings, placed_res, self.matrix.rank(residual_level))
        projected_level = self._not_above(self.matrix.level(p_sev, p_lik), residual_level)

        gaps: list[str] = []
        for qids in gap_of.values():
            gaps += [x for x in qids if x not in gaps]
        harms: list[Any] = []
        for rule, _ in hits:
            if rule.harm not in harms:
                harms.append(rule.harm)
        return RightResult(
            id=right.id,
            name=right.name,
            anchors=list(right.anchors),
            dimensions=dims,
            severity=severity,
            likelihood=likelihood,
            inherent=inherent,
            inherent_rank=self.matrix.rank(inherent),
            residual_dimensions=residual,
            residual_severity=r_sev,
            residual_likelihood=r_lik,
            residual=residual_level,
            residual_rank=self.matrix.rank(residual_level),
            ladder_rank=ladder_rank,
            by_design_rules=by_design_rules,
            projected_dimensions=projected,
            projected_severity=p_sev,
            projected_likelihood=p_lik,
            projected=projected_level,
            projected_rank=self.matrix.rank(projected_level),
            harms=harms,
            rule_hits=[
                RuleHit(
                    id=rule.id,
                    right=rule.right,
                    harm=rule.harm,
                    status="holds" if st else "potential",
                    floors=dict(rule.floors),
                    uplift=dict(rule.uplift),
                    rationale=rule.rationale,
                    anchors=list(rule.anchors),
                    answers=answers_of[rule.id],
                    harm_id=rule.harm_key,
                    kind=rule.kind,
                    irreducible=rule.irreducible,
                )
                for rule, st in hits
            ],
            mitigations=applied,
            red_flags=[f.id for f in red_flags if right.id in f.rights],
            evidence_gaps=gaps,
            material_gap=material,
            known_only=known_level,
            harm_ratings=harm_ratings,
            harm_cells=harm_cells,
            irreducible_rules=[rule.id for rule, _ in hits if rule.irreducible is not None],
        )

    def _position(self, harms: list[dict[str, int]], dims: Mapping[str, int]) -> tuple[int, int]:
        """(severity, likelihood) of the worst harm: each harm sits in the matrix on its own dimensions, so the
        likelihood of one harm never meets the gravity of another (scoring-methodology 6.2 D, per right/harm;
        legal review M-02). Ties go to the graver harm. With no harm rated, the right's own dimensions."""
        step = self.matrix.scope_above_scale
        if not harms or not self.matrix.place_each_harm:
            return _severity(dims, step), dims["likelihood"]
        pos = [(_severity(h, step), h["likelihood"]) for h in harms]
        return max(pos, key=lambda p: (self.matrix.rank(self.matrix.level(*p)), p[0], p[1]))

    def _not_above(self, level: str, ceiling: str) -> str:
        """Residual never exceeds inherent (guaranteed by a monotone matrix; kept explicit)."""
        return ceiling if self.matrix.rank(level) > self.matrix.rank(ceiling) else level

    # mitigations ---------------------------------------------------------------------
    def plan(self) -> tuple[list[MitigationResult], dict[str, _PlanEntry]]:
        """Read the mitigation plan rows; one entry per catalogue measure (best row wins)."""
        mq = self.rb.mitigation_question
        catalogue = {m.id: m for m in self.rb.mitigations}
        rows = self.a.values.get(mq) if mq else None
        results: list[MitigationResult] = []
        best: dict[str, _PlanEntry] = {}
        if not isinstance(rows, list):
            return results, best
        for i, row in enumerate(rows):
            if not isinstance(row, Mapping):
                continue
            mid = row.get("mitigation")
            m = catalogue.get(mid) if isinstance(mid, str) else None
            state = row.get("state")
            state = state if state in MITIGATION_STATES else UNKNOWN
            owner, due, evidence, verified_by, verified_on = (
                _given(row.get(k)) for k in ("owner", "due", "evidence", "verified_by", "verified_on"))
            issues: list[str] = []
            counted = projected = False
            if m is None:
                issues.append("no measure from the catalogue is chosen; this entry counts for nothing")
            elif state == "verified":
                # Verification is an evidence record: what shows it, who checked it (not its owner) and when.
                projected = True
                if not evidence:
                    issues.append("marked verified but no evidence is recorded; counted as implemented only")
                elif not verified_by or not verified_on:
                    issues.append("marked verified but the evidence record does not say who checked it and when; "
                                  "counted as implemented only")
                elif owner is not None and verified_by.strip().casefold() == owner.strip().casefold():
                    issues.append("verified by its own owner; someone else must check the evidence; "
                                  "counted as implemented only")
                else:
                    counted = True
            elif state == "implemented":
                projected = True
            elif state == "planned":
                if owner and due:
                    projected = True
                else:
                    issues.append("planned without an owner and a due date; counted as proposed")
            elif state != "proposed":
                issues.append("state not known; counted as proposed")
            if m is not None and m.counts_when is not None and (counted or projected):
                holds = self.a.evaluate(m.counts_when)
                if holds is not True:  # e.g. bias testing whose results fail the acceptance rule
                    qids = ", ".join(sorted({x for c in referenced(m.counts_when)
                                             for x in self.a.derived_from.get(c, [c])}))
                    counted, projected = False, projected and holds is None
                    issues.append(label("mitigation.condition_unknown" if holds is None
                                        else "mitigation.condition_fails").format(questions=qids))
            duplicate = False
            if m is not None:
                prev = best.get(m.id)
                strength = (counted, projected)
                if prev is None or strength > (prev.counted, prev.projected):
                    if prev is not None:
                        results[prev.index] = results[prev.index].model_copy(
                            update={"duplicate": True, "issues": [*results[prev.index].issues,
                                                                   f"{m.id} is listed again in a later entry; that entry is used"]}
                        )
                    best[m.id] = _PlanEntry(m, state, counted, projected, len(results))
                else:
                    duplicate = True
                    issues.append(f"{m.id} is listed more than once; the first entry with the most advanced state is used")
            results.append(MitigationResult(
                row=i,
                id=m.id if m else (mid if isinstance(mid, str) else UNKNOWN),
                title=m.title if m else "(no measure chosen)",
                state=state,
                owner=owner,
                due=due,
                evidence=evidence,
                verified_by=verified_by,
                verified_on=verified_on,
                evidence_required=m.evidence if m else None,
                rights=self._rights_of(m.reduces) if m else [],
                reduces=[self._reduction_dict(r) for r in m.reduces] if m else [],
                harms=list(dict.fromkeys(r.harm for r in m.reduces if r.harm)) if m else [],
                max_reduction=m.max_reduction if m else 0,
                counted=counted and not duplicate,
                projected=projected and not duplicate,
                duplicate=duplicate,
                issues=issues,
            ))
        return results, best

    def _harm_rights(self) -> dict[str, str]:
        """harm id -> the right its rules rate."""
        return {rule.harm_key: rule.right for rule in self.rb.risk_rules}

    def _rights_of(self, reduces: list[Any]) -> list[str]:
        of = self._harm_rights()
        order = [x.id for x in self.rb.rights]
        found = {r.right or of.get(r.harm or "") for r in reduces}
        return sorted((x for x in found if x in order), key=order.index)

    def _reduction_dict(self, r: Any) -> dict[str, str]:
        out = {"right": r.right or self._harm_rights().get(r.harm or "", ""), "dimension": r.dimension}
        if r.harm:
            out["harm"] = r.harm
        return out

    def _safeguards(self, plan: dict[str, _PlanEntry]) -> list[_Safeguard]:
        """Plan rows and governance answers that act as safeguards, one entry per safeguard."""
        cached = getattr(self, "_safeguard_cache", None)
        if cached is not None:
            return cached
        catalogue = {m.id: m for m in self.rb.mitigations}
        entries: dict[str, _Safeguard] = {
            mid: _Safeguard(mid, list(e.m.reduces), e.m.max_reduction, e.counted, e.projected, e.index, e.state, "plan")
            for mid, e in plan.items()
        }
        results: list[AnswerSafeguardResult] = []
        for i, sg in enumerate(self.rb.answer_safeguards):
            st = self.a.evaluate(sg.when)
            status = "holds" if st is True else "unknown" if st is None else "absent"
            counted = False
            if st is True:
                m = catalogue.get(sg.counts_as) if sg.counts_as else None
                # Where the plan lists the safeguard, its row (state and evidence record) decides: an answer
                # never turns a planned or self-verified row into a verified one.
                if m is not None and m.id not in entries:
                    entries[m.id] = _Safeguard(m.id, list(m.reduces), m.max_reduction, True, True,
                                               10_000 + i, "verified", "answer")
                    counted = True
                elif m is None and sg.reduces:
                    entries[sg.id] = _Safeguard(sg.id, list(sg.reduces), sg.max_reduction, True, True,
                                                10_000 + i, "verified", "answer")
                    counted = True
            results.append(AnswerSafeguardResult(
                id=sg.id, title=sg.title, counts_as=sg.counts_as, status=status, counted=counted,
                answers=self.a.trace(sg.when),
            ))
        self.answer_results = results
        self._safeguard_cache = list(entries.values())
        return self._safeguard_cache

    def answer_safeguards(self, plan: dict[str, _PlanEntry]) -> list[AnswerSafeguardResult]:
        """The governance answers that act as safeguards, as read for this run."""
        self._safeguards(plan)
        return list(self.answer_results)

    def mitigate(
        self, right: Any, hits: list[tuple[Any, bool | None]], safeguards: list[_Safeguard]
    ) -> tuple[list[AppliedMitigation], dict[str, int], dict[str, int], list[HarmRating]]:
        """Lower each harm by the safeguards that treat it; capped per harm, never below its hard floor.

        A right's residual dimension is the highest residual of its harms, plus
        whatever uplift for a vulnerable group the targeted safeguards leave.
        """
        base = {d: right.baseline.get(d, 1) for d in DIMENSIONS}
        floor_hits = [(r, st) for r, st in hits if r.floors]
        up_hits = [(r, st) for r, st in hits if r.uplift] if floor_hits else []
        groups: dict[str, list[tuple[Any, bool | None]]] = {}
        for rule, st in floor_hits:
            groups.setdefault(rule.harm_key, []).append((rule, st))
        up_groups: dict[str, list[tuple[Any, bool | None]]] = {}
        for rule, st in up_hits:
            up_groups.setdefault(rule.harm_key, []).append((rule, st))

        def linked(harm: str, d: str) -> list[tuple[_Safeguard, int]]:
            out = []
            for sg in safeguards:
                for red in sg.reduces:
                    if red.dimension == d and (red.harm == harm or (red.harm is None and red.right == right.id)):
                        out.append((sg, red.by or sg.max_reduction))
                        break
            out.sort(key=lambda x: (not x[0].counted, not x[0].projected, x[0].index))
            return out

        took: dict[tuple[str, str], list[tuple[int, int, str, int, _Safeguard]]] = {}

        def lower(harm: str, inherent: dict[str, int], hard: dict[str, int]) -> tuple[
                dict[str, int], dict[str, int], list[HarmReduction]]:
            residual, projected, reductions = dict(inherent), dict(inherent), []
            for d in DIMENSIONS:
                room_v = room_p = max(0, min(self.cap, inherent[d] - hard[d]))
                for sg, amount in linked(harm, d):
                    take_v = min(amount, room_v) if sg.counted else 0
                    take_p = min(amount, room_p) if sg.projected else 0
                    room_v -= take_v
                    room_p -= take_p
                    residual[d] -= take_v
                    projected[d] -= take_p
                    reductions.append(HarmReduction(safeguard=sg.id, source=sg.source, dimension=d,
                                                    max_reduction=amount, reduction=take_v,
                                                    projected_reduction=take_p))
                    took.setdefault((sg.id, d), []).append((take_v, take_p, harm, amount, sg))
            return residual, projected, reductions

        ratings: list[HarmRating] = []
        core_v = dict(base) if not groups else {d: 1 for d in DIMENSIONS}
        core_p = dict(core_v)
        if not groups and (any(v > 1 for v in base.values()) or any(
                red.harm is None and red.right == right.id for sg in safeguards for red in sg.reduces)):
            groups_or_base: dict[str, list[tuple[Any, bool | None]]] = {"baseline": []}
        else:
            groups_or_base = groups
        for harm, rules in groups_or_base.items():
            inherent = {d: max([base[d]] + [r.floors[d] for r, _ in rules if d in r.floors]) for d in DIMENSIONS}
            hard = {d: max([1] + [r.floors[d] for r, _ in rules if d in r.floors and r.irreducible is not None]
                           + [r.floors[d] for r, _ in rules
                              if d == "likelihood" and d in r.floors and r.kind == "interference"])
                    for d in DIMENSIONS}
            res, proj, reductions = lower(harm, inherent, hard)
            for d in DIMENSIONS:
                core_v[d] = max(core_v[d], res[d])
                core_p[d] = max(core_p[d], proj[d])
            irreducible = next((r.irreducible for r, _ in rules if r.irreducible is not None), None)
            first = rules[0][0] if rules else None
            lowered: dict[str, Any] = {}
            for r, _ in rules:
                lowered.update(r.lowered_by or {})
            ratings.append(HarmRating(
                id=harm,
                rates_likelihood=any("likelihood" in r.floors for r, _ in rules),
                harm=first.harm if first is not None else right.name,
                kind=first.kind if first is not None else "baseline",
                rules=[r.id for r, _ in rules],
                status="holds" if any(st for _, st in rules) or not rules else "potential",
                irreducible=irreducible,
                irreducible_rules=[r.id for r, _ in rules if r.irreducible is not None],
                by_design=bool(rules) and all(r.by_design for r, _ in rules),
                lowered_by=lowered,
                inherent=inherent,
                hard_floor=hard,
                reductions=reductions,
                residual=res,
                projected=proj,
            ))
        up_v = {d: 0 for d in DIMENSIONS}
        up_p = dict(up_v)
        for harm, rules in up_groups.items():
            inherent = {d: max([0] + [r.uplift[d] for r, _ in rules if d in r.uplift]) for d in DIMENSIONS}
            hard = {d: max([0] + [r.uplift[d] for r, _ in rules if d in r.uplift and r.irreducible is not None])
                    for d in DIMENSIONS}
            res, proj, reductions = lower(harm, inherent, hard)
            for d in DIMENSIONS:
                up_v[d] = max(up_v[d], res[d])
                up_p[d] = max(up_p[d], proj[d])
            first = rules[0][0]
            ratings.append(HarmRating(
                id=harm, harm=first.harm, kind=first.kind, rules=[r.id for r, _ in rules],
                status="holds" if any(st for _, st in rules) or not rules else "potential", uplift=True,
                irreducible=next((r.irreducible for r, _ in rules if r.irreducible is not None), None),
                irreducible_rules=[r.id for r, _ in rules if r.irreducible is not None],
                inherent=inherent, hard_floor=hard, reductions=reductions, residual=res, projected=proj,
            ))
        residual = {d: min(4, core_v[d] + up_v[d]) for d in DIMENSIONS}
        projected = {d: min(4, core_p[d] + up_p[d]) for d in DIMENSIONS}

        applied: list[AppliedMitigation] = []
        for (sid, d), takes in took.items():
            sg = takes[0][4]
            applied.append(AppliedMitigation(
                id=sid,
                state=sg.state,
                dimension=d,
                max_reduction=max(t[3] for t in takes),
                reduction=max(t[0] for t in takes),
                projected_reduction=max(t[1] for t in takes),
                counted=sg.counted,
                projected=sg.projected,
                source=sg.source,
                harms=list(dict.fromkeys(t[2] for t in takes)),
            ))
        applied.sort(key=lambda x: (x.id, DIMENSIONS.index(x.dimension)))
        return applied, residual, projected, ratings

    # obligations ---------------------------------------------------------------------
    def obligations(self, overall: str | None, triggered: list[RedFlagResult]) -> list[ObligationResult]:
        wanted: list[tuple[str, str]] = []
        if overall is not None:
            wanted.append((overall, f"The overall residual risk is {text(self._label(overall)).lower()}."))
        if triggered:
            ids = ", ".join(f.id for f in triggered)
            wanted.append(("red_flag", f"Red flag{'s' if len(triggered) > 1 else ''} {ids} triggered."))
        out: list[ObligationResult] = []
        for level, reason in wanted:
            obs = [o for o in self.rb.obligations if o.level == level]
            if self.profile is not None:
                scoped = [o for o in obs if self.profile in o.jurisdictions]
                obs = scoped or [o for o in obs if not o.jurisdictions]
            for o in obs:
                if self.law.defer_obligation(o, reason):
                    continue
                out.append(ObligationResult(**o.model_dump(exclude={"anchors"}), reason=reason))
        return out

    def _label(self, level: str) -> Any:
        return next((lv.label for lv in self.matrix.levels if lv.id == level), level)

    def frameworks(self) -> list[str]:
        if self.profile is not None:
            return list(next(p for p in self.rb.jurisdictions if p.id == self.profile).frameworks)
        seen: list[str] = []
        if self.jq is not None and self.rb.jurisdictions:
            for p in self.rb.jurisdictions:
                seen += [f for f in p.frameworks if f not in seen]
            return seen
        return [f.id for f in self.rb.frameworks]

    def _with_evidence(self, f: RedFlagResult) -> RedFlagResult:
        """A potential flag names the clearing answers it still needs evidence for."""
        missing = {q: self.a.unevidenced[q][1] for q in f.gap_questions if q in self.a.unevidenced}
        if not missing:
            return f
        claimed = {q: self.a.unevidenced[q][0] for q in missing}
        return f.model_copy(update={"evidence_missing": missing, "answers": {**f.answers, **claimed}})

    # outcome -------------------------------------------------------------------------
    def findings(self) -> tuple[list[RedFlagResult], list[RightResult]]:
        """Red flags and rated rights under this run's policy (no outcome yet)."""
        red_flags, _clear = self.red_flags()
        _rows, plan = self.plan()
        return red_flags, [self.right(r, red_flags, plan) for r in self.rb.rights]

    def extreme(self, red_flags: list[RedFlagResult], rights: list[RightResult]) -> str:
        """The outcome if every finding of this run held: the worst flag, else the worst residual's rung.

        Potential findings count as holding: in the default policy that is the least favourable reading of
        every unknown; in the best policy only `unfavourable` unknowns leave potential findings.
        """
        return self._extreme_ranks(red_flags, [rung_rank(r) for r in rights])

    def _sibling(self, plan: dict[str, Any], **policy: Any) -> _Run:
        """A run on the same answers (same view) under another policy, for re-rating rights only. The
        safeguards depend on the view and the plan alone, so the sibling takes this run's."""
        run = _Run(self.q, self.answers, view=self.a, **policy)
        run._safeguard_cache = self._safeguards(plan)
        run.answer_results = self.answer_results
        return run

    @staticmethod
    def _extreme_ranks(red_flags: list[RedFlagResult], ranks: list[int]) -> str:
        out = outcome_for_rank(max(ranks)) if ranks else "proceed"
        for f in red_flags:
            if outcome_index(f.outcome) < outcome_index(out):
                out = f.outcome
        return out

    def outcome_only(self) -> str:
        return self.extreme(*self.findings())

    def decisive_gaps_by_rerun(self, worst: str, best: str) -> list[str]:
        """The definition, by two whole runs per gap; kept as the reference the fast path is tested against."""
        out: list[str] = []
        for qid in self.gaps:
            one = frozenset({qid})
            w = _Run(self.q, self.answers, view=self.a, favourable=one).outcome_only()
            if w != worst or _Run(self.q, self.answers, view=self.a, best=True,
                                  unfavourable=one).outcome_only() != best:
                out.append(qid)
        return out

    def decisive_gaps(
        self,
        worst: str,
        best: str,
        flags: list[RedFlagResult],
        rights: list[RightResult],
        b_flags: list[RedFlagResult],
        b_rights: list[RightResult],
        plan: dict[str, Any],
    ) -> list[str]:
        """Unknown answers whose resolution alone changes an end of the range.

        A gap is decisive when answering it favourably (the others still at their worst) betters the worst
        outcome, or answering it unfavourably (the others at their best) worsens the best outcome. Only the
        findings that depend on the gap can change, so only those are re-evaluated: red flags by their gap
        lists, rights by re-rating just the rights whose ratings hang on it (same result as two whole runs
        per gap, `decisive_gaps_by_rerun`, at a fraction of the cost).
        """
        spec = {r.id: r for r in self.rb.rights}
        main = {r.id: r for r in rights}
        ranked: dict[tuple[Any, ...], int] = {}
        flag_gaps = [(f, set(f.gap_questions)) for f in flags]

        def rank(run: _Run, right: Any) -> int:
            # A right's rank follows from its hits (the safeguards are shared by every sibling run):
            # most gaps leave most rules as they were, so equal hits are rated once.
            hits = run._hits(right)
            key = (right.id, *((id(rule), st) for rule, st in hits))
            if key not in ranked:
                ranked[key] = run._rank_of_hits(right, hits, plan)
            return ranked[key]

        out: list[str] = []
        for qid in self.gaps:
            one = frozenset({qid})
            # Worst end, the gap answered favourably: flags that hang on it alone drop out.
            w_flags = [f for f, g in flag_gaps if not (f.status == "potential" and g <= one)]
            w = self.extreme(w_flags, [])
            if outcome_index(w) > outcome_index(worst):
                fav = self._sibling(plan, favourable=one)
                w = self._extreme_ranks(w_flags, [rank(fav, spec[r.id]) if qid in r.evidence_gaps
                                                  else rung_rank(r) for r in rights])
            if w != worst:
                out.append(qid)
                continue
            # Best end, the gap answered unfavourably: flags that hang on it join.
            b_flags_q = b_flags + [f for f in flags if f.status == "potential" and qid in f.gap_questions]
            b = self.extreme(b_flags_q, [])
            if outcome_index(b) >= outcome_index(best):
                unfav = self._sibling(plan, best=True, unfavourable=one)
                b = self._extreme_ranks(b_flags_q, [rank(unfav, spec[r.id])
                                                    if qid in main[r.id].evidence_gaps else rung_rank(r)
                                                    for r in b_rights])
            if b != best:
                out.append(qid)
        return out

    def reasons(
        self,
        rights: list[RightResult],
        triggered: list[RedFlagResult],
        potential: list[RedFlagResult],
        overall_rank: int | None,
        worst: str | None = None,
        best: str | None = None,
        established: OutcomeReason | None = None,
        decisive_gaps: list[str] | None = None,
        best_rights: dict[str, RightResult] | None = None,
    ) -> list[OutcomeReason]:
        """What decides the outcome, in order; the first reason's outcome is the outcome.

        This is the only place the decision is made. Decided (both readings of the unknowns agree): red
        flags first (no mitigation lifts them), then the ladder on the worst residual level. Open: the
        range, the potential flags and assumed ratings that make its worse end, and what the known
        answers already establish (a gap never hides that).
        """
        if worst is not None and best is not None and worst != best:
            out = [OutcomeReason(kind="open", outcome="incomplete", questions=list(decisive_gaps or []))]
            out += [OutcomeReason(kind="possible_red_flag", outcome=f.outcome, flags=[f.id],
                                  questions=list(f.gap_questions), rules=[f.id])
                    for f in sorted(potential, key=lambda f: (outcome_index(f.outcome), f.id))
                    if outcome_index(f.outcome) < outcome_index(best)]
            known = best_rights or {}
            for r in rights:
                rung = outcome_for_rank(rung_rank(r))
                b = known.get(r.id)
                if outcome_index(rung) < outcome_index(best) and (b is None or rung_rank(b) < rung_rank(r)):
                    out.append(OutcomeReason(kind="evidence_gap", outcome=rung, rights=[r.id],
                                             questions=list(r.evidence_gaps),
                                             rules=[h.id for h in r.rule_hits if h.status == "potential"]))
            if established is not None:
                out.append(established)
            return out
        if triggered:
            ordered = sorted(triggered, key=lambda f: (outcome_index(f.outcome), f.id))
            return [OutcomeReason(kind="red_flag", outcome=f.outcome, flags=[f.id], rules=[f.id]) for f in ordered]
        if overall_rank is None:
            return [OutcomeReason(kind="no_rights", outcome="proceed")]
        top = max(rung_rank(r) for r in rights)
        outcome = outcome_for_rank(top)
        out = []
        worst_rights = [r for r in rights if rung_rank(r) == top]
        if overall_rank == 0 and len(worst_rights) == len(rights) and len(rights) > 1:
            out.append(OutcomeReason(kind="all_low", outcome=outcome, rights=[r.id for r in rights]))
            worst_rights = [r for r in worst_rights if _drivers(r)]
        out += [OutcomeReason(kind="by_design", outcome=outcome, rights=[r.id], rules=list(r.by_design_rules))
                if r.by_design_rules else
                OutcomeReason(kind="residual", outcome=outcome, rights=[r.id], rules=_drivers(r))
                for r in worst_rights]
        out.append(OutcomeReason(kind="ladder", outcome=outcome))
        return out

    def _harms(self, rule_ids: list[str]) -> str:
        """The harms these rules rate, in words (people read reasons; the ids stay in the reason's `rules`)."""
        harms = dict.fromkeys(text(r.harm) for r in self.rb.risk_rules if r.id in rule_ids)
        return "; ".join(h[:1].lower() + h[1:] for h in harms)

    def word(self, reason: OutcomeReason, rights: list[RightResult], flags: list[RedFlagResult]) -> str:
        """The auditor's sentence for a reason, with rule and question ids (the brief words it plainly)."""
        flag = next((f for f in flags if f.id in reason.flags), None)
        right = next((r for r in rights if r.id in reason.rights), None)
        if reason.kind == "red_flag" and flag is not None:
            return (f"Red flag {flag.id} ({text(flag.title)}) is triggered; it forces "
                    f"'{outcome_label(flag.outcome)}' and no mitigation can lift it.")
        if reason.kind == "possible_red_flag" and flag is not None:
            qs = reason.questions
            return (f"Red flag {flag.id} ({text(flag.title)}) may apply: it depends on {_qlist(self.q, qs)}. "
                    f"Answer {'it' if len(qs) <= 1 else 'them'} to clear or confirm the flag.")
        if reason.kind == "evidence_gap" and right is not None:
            return (f"The residual risk to {text(right.name).lower()} is rated "
                    f"{text(self._label(right.residual)).lower()} only because of "
                    f"{_qlist(self.q, reason.questions)}, which would mean "
                    f"'{outcome_label(reason.outcome)}'; with the known answers alone it would be "
                    f"{text(self._label(right.residual_known_only or right.residual)).lower()}.")
        if reason.kind == "open":
            return (f"{headline(reason.outcome, self.worst, self.best)}: "
                    + (f"it turns on {_qlist(self.q, reason.questions, 'not yet known or claimed without evidence')}. "
                       if reason.questions else
                       "several unknown answers together decide it; none settles it alone. ")
                    + f"Answer {'it' if len(reason.questions) == 1 else 'them'} to decide it.")
        if reason.kind == "established":
            why = ""
            if flag is not None:
                why = f": red flag {flag.id} ({text(flag.title)}) holds on the known answers"
            elif right is not None:
                why = f": the residual risk to {text(right.name).lower()} is already " \
                      f"{text(self._label(right.residual_known_only or right.residual)).lower()}"
                if reason.by_design:
                    why += f", only through the interference the design makes by itself, {self._harms(reason.rules)}"
            return (f"The known answers alone already establish '{outcome_label(reason.outcome)}'{why}; "
                    "no answer still open can make it better.")
        if reason.kind == "no_rights":
            return "The instrument rates no rights and no red flag applies."
        if reason.kind == "all_low":
            level = rights[0].residual if rights else None
            return f"The residual risk to every right is {text(self._label(level)).lower()}."
        if reason.kind == "residual" and right is not None:
            return (f"The residual risk to {text(right.name).lower()} is {text(self._label(right.residual)).lower()}: "
                    f"severity {right.residual_severity} and likelihood "
                    f"{right.residual_likelihood or right.residual_dimensions['likelihood']} "
                    f"after verified measures (inherent risk {text(self._label(right.inherent)).lower()}"
                    + (f", set by rules {_ids(reason.rules)})" if reason.rules else ", at its baseline)")
                    + ".")
        if reason.kind == "by_design" and right is not None:
            return (f"The residual risk to {text(right.name).lower()} is {text(self._label(right.residual)).lower()} "
                    f"only through the interference the design makes by itself ({self._harms(reason.rules)}), which "
                    "no safeguard and no change short of not using the technology lowers; whether it is lawful is "
                    f"for the red flags, none of which holds, so it gives '{outcome_label(reason.outcome)}' with the "
                    "obligations of that level as conditions.")
        if reason.kind == "ladder":
            return (f"No red flag is triggered; the outcome is the rung of the worst residual level, "
                    f"giving '{outcome_label(reason.outcome)}'.")
        raise ValueError(f"a {reason.kind} reason names no {'right' if reason.rights else 'red flag'} it can word")

    def run(self) -> Assessment:
        red_flags, _clear = self.red_flags()
        rows, plan = self.plan()
        rights = [self.right(r, red_flags, plan) for r in self.rb.rights]
        triggered = [f for f in red_flags if f.status == "triggered"]
        potential = [f for f in red_flags if f.status == "potential"]
        if self.jq is not None and self.profile is None:
            # Which frameworks and obligations apply also hangs on the jurisdiction.
            self.record_gap([self.jq], "frameworks", material=False)
            self.record_gap([self.jq], "obligations", material=False)

        # Decided or open: every unknown at its least favourable value (this run) and at its most
        # favourable (a second run on the same answers).
        best_run = _Run(self.q, self.answers, view=self.a, best=True)
        b_flags, b_rights = best_run.findings()
        self.worst = self.extreme(red_flags, rights)
        self.best = best_run.extreme(b_flags, b_rights)
        known = {r.id: r for r in b_rights}
        rights = [_with_basis(r, known.get(r.id)) for r in rights]
        red_flags = [self._with_evidence(f) for f in red_flags]
        triggered = [f for f in red_flags if f.status == "triggered"]
        potential = [f for f in red_flags if f.status == "potential"]
        b_rank = max((r.residual_rank for r in b_rights), default=None)  # None only when no right is rated
        b_reasons = best_run.reasons(b_rights, [f for f in b_flags if f.status == "triggered"], [], b_rank)
        established = b_reasons[0].model_copy(update={"kind": "established", "by_design": b_reasons[0].kind == "by_design"}
                                              ) if b_reasons else None
        decisive_gaps = [] if self.worst == self.best else self.decisive_gaps(
            self.worst, self.best, red_flags, rights, b_flags, b_rights, plan)

        overall_rank = max((r.residual_rank for r in rights), default=None)
        overall = self.matrix.levels[overall_rank].id if overall_rank is not None else None
        proj_rank = max((r.projected_rank for r in rights), default=None)
        inh_rank = max((r.inherent_rank for r in rights), default=None)

        decided = self.reasons(rights, triggered, potential, overall_rank, self.worst, self.best,
                               established, decisive_gaps, known)
        outcome = decided[0].outcome if decided else "proceed"
        reasons = [self.word(r, rights, red_flags) for r in decided]
        o_rules: list[str] = []
        o_answers: dict[str, Any] = {}
        for r in decided:
            if r.kind == "red_flag" and r.outcome != outcome:
                continue  # a lesser flag is listed, but the worst one decides
            o_rules += [x for x in r.rules if x not in o_rules]
            for f in red_flags:
                if f.id in r.flags:
                    o_answers.update(f.answers)
            for right in rights:
                if right.id not in r.rights:
                    continue
                if r.kind == "evidence_gap":
                    for h in right.rule_hits:
                        if h.status == "potential":
                            o_answers.update(h.answers)
                else:
                    for d in right.dimensions.values():
                        o_answers.update(d.answers)

        label_of = {qq.id: qq for qq in self.q.questions()}
        order = {qid: i for i, qid in enumerate(label_of)}
        gaps = [
            EvidenceGap(
                question=qid,
                label=label_of[qid].label if qid in label_of else qid,
                section=(s.id if (s := self.q.section_of(qid)) else None),
                value="missing" if qid in self.a.missing else "unknown",
                drives=drivers,
                material=qid in self.material_gaps,
            )
            for qid, drivers in sorted(self.gaps.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
        ]
        comp = completeness(self.q, dict(self.answers.answers))
        red_flags, rights = self._cited(red_flags, rights)
        return Assessment(
            questionnaire_id=self.q.id,
            questionnaire_version=self.q.version,
            engine_version=ENGINE_VERSION,
            answers_sha256=self.answers.sha256(self.q),
            questionnaire_files=dict(self.q.source_sha256),
            questionnaire_sha256=questionnaire_digest(self.q),
            meta={k: str(v) for k, v in self.answers.meta.items()},
            jurisdiction=self.profile,
            jurisdiction_known=self.jurisdiction_known,
            outcome=outcome,
            decided=self.worst == self.best,
            outcome_worst=self.worst,
            outcome_best=self.best,
            decisive_gaps=decisive_gaps,
            unevidenced={k: why for k, (_v, why) in self.a.unevidenced.items()},
            outcome_reasons=reasons,
            reasons=decided,
            outcome_rules=o_rules,
            outcome_answers=o_answers,
            overall_level=overall,
            overall_rank=overall_rank,
            overall_projected_level=self.matrix.levels[proj_rank].id if proj_rank is not None else None,
            inherent_level=self.matrix.levels[inh_rank].id if inh_rank is not None else None,
            red_flags=red_flags,
            red_flags_clear=_clear,
            rights=rights,
            mitigations=rows,
            answer_safeguards=self.answer_safeguards(plan),
            evidence_gaps=gaps,
            obligations=self.obligations(overall, triggered),
            frameworks=self.frameworks(),
            matrix=self.matrix,
            reduction_cap=self.cap,
            accuracy=self.a.accuracy,
            completeness=CompletenessResult(
                visible=comp.visible,
                answered=comp.answered,
                unknown=comp.unknown,
                required=comp.required,
                required_answered=comp.required_answered,
                missing_required=list(comp.missing_required),
            ),
            **self._law(),
        )

    def _cited(self, flags: list[RedFlagResult], rights: list[RightResult]
               ) -> tuple[list[RedFlagResult], list[RightResult]]:
        """The findings with only the citations that apply in the assessment's jurisdiction (legal review L-12
        to L-14): a US city's record never cites the GDPR as its law, and a state outside the Council of Europe
        never the Convention. While the jurisdiction is unknown nothing is dropped; a Convention citation whose
        force turns on `echr_party` still unknown stays, and the surfaces say "if the state is a party"."""
        if self.profile is None:
            return flags, rights
        seen = _applying(self.rb, self.profile, convention_party(self.a.values))

        def keep(refs: list[str]) -> list[str]:
            for ref in refs:
                if ref not in seen:
                    seen[ref] = bool(for_jurisdiction([ref], seen.catalogue, self.profile, self.a.values).shown)
            return [ref for ref in refs if seen[ref]]

        def hits(r: RightResult) -> list[RuleHit]:
            return [h if (kept := keep(h.anchors)) == h.anchors else h.model_copy(update={"anchors": kept})
                    for h in r.rule_hits]

        flags = [f.model_copy(update={"anchors": keep(f.anchors)}) for f in flags]
        rights = [r.model_copy(update={"anchors": keep(r.anchors), "rule_hits": hits(r)}) for r in rights]
        return flags, rights

    def _law(self) -> dict[str, Any]:
        """The Assessment's law-in-time fields (pia/assess/timeline.py)."""
        return {
            "assessment_date": self.law.on.isoformat() if self.law.on else None,
            "operation_start": self.law.start.isoformat() if self.law.start else None,
            "operation_end": self.law.end.isoformat() if self.law.end else None,
            "dated_obligations": list(self.law.dated),
            "law": self.law.states(),
        }


class _Applying(dict[str, bool]):
    """Citation -> applies in one (instrument, jurisdiction, ECHR party) setting; filled as citations are met."""

    def __init__(self, rb: Rulebook):
        super().__init__()
        self.rb = rb  # held so the cache key's id() stays this instrument's
        self.catalogue = anchor_catalogue(rb.anchors)


_APPLYING: dict[tuple[int, str, bool | None], _Applying] = {}


def _applying(rb: Rulebook, profile: str, party: bool | None) -> _Applying:
    """The per-setting cache of which citations apply: the catalogue is static, so each citation is looked up
    once per instrument and setting, not on every assessment (the app assesses on every answer)."""
    key = (id(rb), profile, party)
    hit = _APPLYING.get(key)
    if hit is None or hit.rb is not rb:
        if len(_APPLYING) > 64:
            _APPLYING.clear()
        hit = _APPLYING[key] = _Applying(rb)
    return hit


class _PlanEntry:
    """The row of the plan that speaks for one catalogue measure."""

    __slots__ = ("m", "state", "counted", "projected", "index")

    def __init__(self, m: Mitigation, state: str, counted: bool, projected: bool, index: int):
        self.m, self.state, self.counted, self.projected, self.index = m, state, counted, projected, index


def _with_basis(r: RightResult, known: RightResult | None) -> RightResult:
    """Mark a right's ratings established (the known answers alone give them) or assumed."""
    if known is None:
        return r
    return r.model_copy(update={
        "inherent_basis": "established" if known.inherent_rank == r.inherent_rank else "assumed",
        "residual_basis": "established" if known.residual_rank == r.residual_rank else "assumed",
        "residual_known_only": known.residual,
    })


class _Safeguard:
    """A safeguard as the residual sees it: from a plan row, from governance answers, or both."""

    __slots__ = ("id", "reduces", "max_reduction", "counted", "projected", "index", "state", "source")

    def __init__(self, sid: str, reduces: list[Any], max_reduction: int, counted: bool, projected: bool,
                 index: int, state: str, source: str):
        self.id, self.reduces, self.max_reduction = sid, reduces, max_reduction
        self.counted, self.projected, self.index, self.state, self.source = counted, projected, index, state, source


def _given(value: Any) -> str | None:
    if value is None or value == UNKNOWN or (isinstance(value, str) and not value.strip()):
        return None
    return str(value)


def _severity(dims: Mapping[str, int], scope_above_scale: int | None = None) -> int:
    """max(scale, scope, irremediability), scope counting at most `scope_above_scale` steps above scale.

    The cap (the matrix's `scope_above_scale`) keeps breadth from making a slight harm grave: proportionality
    is not "a question of simple multiplication" (R (Bridges) v CC South Wales Police [2020] EWCA Civ 1058
    para 143; legal review M-04), while scope still counts (UNGP 14).
    """
    scope = dims["scope"] if scope_above_scale is None else min(dims["scope"], dims["scale"] + scope_above_scale)
    return max(dims["scale"], scope, dims["irremediability"])


def _harm_dims(ratings: list[HarmRating], which: str, right: Mapping[str, int]) -> list[dict[str, int]]:
    """Each harm's dimensions (inherent, residual or projected) with the right's uplift for vulnerable groups
    added; empty when the right has no harm rated.

    A harm none of whose rules rates its likelihood takes the right's likelihood (`right`), as before
    harms were placed one by one: a rule that rates only gravity says nothing about how likely the harm is,
    and silence never makes a harm less likely.
    """
    core = [h for h in ratings if not h.uplift]
    ups = [getattr(h, which) for h in ratings if h.uplift]
    up = {d: max([0] + [u.get(d, 0) for u in ups]) for d in DIMENSIONS}
    out = []
    for h in core:
        dims = {d: min(4, getattr(h, which)[d] + up[d]) for d in DIMENSIONS}
        if not h.rates_likelihood:
            dims["likelihood"] = right["likelihood"]
        out.append(dims)
    return out




def _drivers(r: RightResult) -> list[str]:
    out: list[str] = []
    for d in r.dimensions.values():
        out += [x for x in d.rules + d.uplift_rules if x not in out]
    return out


def _qlist(q: Questionnaire, qids: list[str], state: str = "not yet known") -> str:
    """'an answer not yet known (“…”)' or '3 answers not yet known (“…”; “…”; “…”)': by wording, capped.

    People read reasons; the question ids stay in the reason's structured fields and the report's trace.
    """
    if not qids:
        return f"an answer {state}"
    head = "an answer" if len(qids) == 1 else f"{len(qids)} answers"
    return f"{head} {state} ({named_questions(q, qids)})"


def _ids(ids: list[str]) -> str:
    """Rule ids for the auditor, the first few only (the trace lists them all)."""
    return ", ".join(ids[:MAX_NAMED]) + (label("questions.more").format(n=len(ids) - MAX_NAMED)
                                         if len(ids) > MAX_NAMED else "")


def assess(questionnaire: Questionnaire, answers: AnswerSet) -> Assessment:
    """Assess one answer set against its questionnaire. Pure and deterministic.

    The answers should have passed `pia.answers.validate`; values the engine
    cannot read (e.g. a malformed row) are ignored rather than raising.
    """
    return _Run(questionnaire, answers).run()


__all__ = ["assess", "DEFAULT_MATRIX", "LEVEL_OUTCOMES", "outcome_for_rank"]
