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
3. Mitigations. Only verified rows (with evidence recorded) lower the
   residual; planned (with owner and due date), implemented and verified rows
   lower the projected residual, shown apart. The reduction per dimension is
   capped and never goes below 1.
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
from ..answers import AnswerSet, completeness, effective_answers, visible_questions
from ..conditions import UNKNOWN, Condition, evaluate, leaves, referenced
from ..fingerprint import questionnaire_digest
from ..model import Group, Questionnaire
from ..rules_model import DIMENSIONS, MITIGATION_STATES, OUTCOMES, Matrix, Mitigation, Rulebook
from ..text import text
from ..wording import label, outcome_label
from .accuracy import weigh
from .models import (
    AppliedMitigation,
    Assessment,
    CompletenessResult,
    DimensionResult,
    EvidenceGap,
    MitigationResult,
    ObligationResult,
    OutcomeReason,
    RedFlagResult,
    RightResult,
    RuleHit,
)

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


def outcome_index(outcome: str) -> int:
    """Position on the ladder; lower is worse (prohibited = 0)."""
    return OUTCOMES.index(outcome)


# --- three-valued helpers ---------------------------------------------------------------


def _and3(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


# --- the answers the engine reads --------------------------------------------------------


class _Answers:
    """Effective answers, with required visible questions left blank read as unknown."""

    def __init__(self, q: Questionnaire, answers: Mapping[str, Any]):
        effective = effective_answers(q, dict(answers))
        working: dict[str, Any] = {}
        self.missing: set[str] = set()
        for qid in visible_questions(q, dict(answers)):
            question = q.question(qid)
            if qid in effective:
                value = effective[qid]
                if isinstance(question, Group) and isinstance(value, list):
                    value = [_fill_row(question, row) for row in value]
                working[qid] = value
            elif question is not None and question.required:
                working[qid] = UNKNOWN
                self.missing.add(qid)
        self.values = working
        # Accuracy weighed (E): derived figures conditions may read, and the inputs behind unknown ones.
        weighed = weigh(q.rules.accuracy, working)
        working.update(weighed.computed)
        self.accuracy, self.derived_from = weighed.result, weighed.derived_from

    def shown(self, qid: str) -> Any:
        """The answer as the trace shows it: None when absent, hidden or not yet given."""
        if qid in self.missing:
            return None
        return self.values.get(qid)

    def evaluate(self, cond: Condition | None) -> bool | None:
        return evaluate(cond, self.values, missing=False)

    def unknown_inputs(self, cond: Condition | None) -> list[str]:
        """Question ids a condition reads whose answer is unknown (or missing)."""
        out: list[str] = []
        for leaf, _ in leaves(cond) if cond is not None else []:
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

    def trace(self, cond: Condition | None) -> dict[str, Any]:
        """question id -> answer for every question a condition reads.

        For a group, only the fields the condition looks at, one entry per row.
        """
        out: dict[str, Any] = {}
        fields: dict[str, list[str]] = {}
        for leaf, _ in leaves(cond) if cond is not None else []:
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

    def __init__(self, q: Questionnaire, answers: AnswerSet):
        self.q = q
        self.answers = answers
        self.rb: Rulebook = q.rules
        self.matrix = self.rb.matrix or DEFAULT_MATRIX
        self.cap = self.rb.reduction_cap or DEFAULT_REDUCTION_CAP
        self.a = _Answers(q, answers.answers)
        self.gaps: dict[str, list[str]] = {}
        self.material_gaps: set[str] = set()
        self._jurisdiction()

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
        applies = self.applies(scoped)
        if applies is False:
            return False
        return _and3(applies, self.a.evaluate(cond))

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
    def right(self, right: Any, red_flags: list[RedFlagResult], plan: dict[str, _PlanEntry]) -> RightResult:
        hits: list[tuple[Any, bool | None]] = []
        for rule in self.rb.risk_rules:
            if rule.right != right.id:
                continue
            st = self.status(rule.when, rule.jurisdictions)
            if st is not False:
                hits.append((rule, st))
        gap_of = {rule.id: self.gap_inputs(rule.when, rule.jurisdictions) for rule, st in hits if st is None}
        answers_of = {rule.id: self.trace(rule.when, rule.jurisdictions) for rule, _ in hits}

        dims: dict[str, DimensionResult] = {}
        known: dict[str, int] = {}
        for d in DIMENSIONS:
            base = right.baseline.get(d, 1)
            floors = [(rule.floors[d], rule, st) for rule, st in hits if d in rule.floors]
            ups = [(rule.uplift[d], rule, st) for rule, st in hits if d in rule.uplift]
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
            )

        values = {d: dims[d].value for d in DIMENSIONS}
        severity = _severity(values)
        inherent = self.matrix.level(severity, values["likelihood"])
        known_level = self.matrix.level(_severity(known), known["likelihood"])
        material = self.matrix.rank(inherent) != self.matrix.rank(known_level)
        for rule, st in hits:
            if st is None:
                self.record_gap(gap_of[rule.id], rule.id, material=material)

        applied, residual, projected = self.mitigate(right.id, values, plan)
        r_sev, p_sev = _severity(residual), _severity(projected)
        residual_level = self._not_above(self.matrix.level(r_sev, residual["likelihood"]), inherent)
        projected_level = self._not_above(self.matrix.level(p_sev, projected["likelihood"]), residual_level)

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
            likelihood=values["likelihood"],
            inherent=inherent,
            inherent_rank=self.matrix.rank(inherent),
            residual_dimensions=residual,
            residual_severity=r_sev,
            residual=residual_level,
            residual_rank=self.matrix.rank(residual_level),
            projected_dimensions=projected,
            projected_severity=p_sev,
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
                )
                for rule, st in hits
            ],
            mitigations=applied,
            red_flags=[f.id for f in red_flags if right.id in f.rights],
            evidence_gaps=gaps,
            material_gap=material,
            known_only=known_level,
        )

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
            owner, due, evidence = (_given(row.get(k)) for k in ("owner", "due", "evidence"))
            issues: list[str] = []
            counted = projected = False
            if m is None:
                issues.append("no measure from the catalogue is chosen; this entry counts for nothing")
            elif state == "verified":
                if evidence:
                    counted = projected = True
                else:
                    projected = True
                    issues.append("marked verified but no evidence is recorded; counted as implemented only")
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
                evidence_required=m.evidence if m else None,
                rights=sorted({r.right for r in m.reduces}, key=[x.id for x in self.rb.rights].index) if m else [],
                reduces=[{"right": r.right, "dimension": r.dimension} for r in m.reduces] if m else [],
                max_reduction=m.max_reduction if m else 0,
                counted=counted and not duplicate,
                projected=projected and not duplicate,
                duplicate=duplicate,
                issues=issues,
            ))
        return results, best

    def mitigate(
        self, right_id: str, inherent: dict[str, int], plan: dict[str, _PlanEntry]
    ) -> tuple[list[AppliedMitigation], dict[str, int], dict[str, int]]:
        """Lower the dimensions by the linked measures; capped, never below 1."""
        applied: list[AppliedMitigation] = []
        residual = dict(inherent)
        projected = dict(inherent)
        for d in DIMENSIONS:
            linked = [
                e for e in plan.values()
                if any(r.right == right_id and r.dimension == d for r in e.m.reduces)
            ]
            # Verified first so they keep their share of the cap in the projection.
            linked.sort(key=lambda e: (not e.counted, not e.projected, e.index))
            room_v = min(self.cap, inherent[d] - 1)
            room_p = room_v
            for e in linked:
                take_v = min(e.m.max_reduction, room_v) if e.counted else 0
                take_p = min(e.m.max_reduction, room_p) if e.projected else 0
                room_v -= take_v
                room_p -= take_p
                residual[d] -= take_v
                projected[d] -= take_p
                applied.append(AppliedMitigation(
                    id=e.m.id,
                    state=e.state,
                    dimension=d,
                    max_reduction=e.m.max_reduction,
                    reduction=take_v,
                    projected_reduction=take_p,
                    counted=e.counted,
                    projected=e.projected,
                ))
        applied.sort(key=lambda x: (x.id, DIMENSIONS.index(x.dimension)))
        return applied, residual, projected

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
                out.append(ObligationResult(**o.model_dump(), reason=reason))
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

    # outcome -------------------------------------------------------------------------
    def reasons(
        self,
        rights: list[RightResult],
        triggered: list[RedFlagResult],
        potential: list[RedFlagResult],
        overall_rank: int | None,
    ) -> list[OutcomeReason]:
        """What decides the outcome, in order; the first reason's outcome is the outcome.

        This is the only place the decision is made: red flags first (no
        mitigation lifts them), then gaps that could change the decision, then
        the ladder on the worst residual level.
        """
        if triggered:
            ordered = sorted(triggered, key=lambda f: (outcome_index(f.outcome), f.id))
            return [OutcomeReason(kind="red_flag", outcome=f.outcome, flags=[f.id], rules=[f.id]) for f in ordered]
        gap_rights = [r for r in rights if r.material_gap and r.inherent_rank >= HIGH_RANK]
        if potential or gap_rights:
            out = [OutcomeReason(kind="possible_red_flag", outcome="incomplete", flags=[f.id],
                                 questions=list(f.gap_questions), rules=[f.id]) for f in potential]
            out += [OutcomeReason(kind="evidence_gap", outcome="incomplete", rights=[r.id],
                                  questions=list(r.evidence_gaps),
                                  rules=[h.id for h in r.rule_hits if h.status == "potential"])
                    for r in gap_rights]
            return out
        outcome = outcome_for_rank(overall_rank) if overall_rank is not None else "proceed"
        if overall_rank is None:
            return [OutcomeReason(kind="no_rights", outcome=outcome)]
        out: list[OutcomeReason] = []
        worst = [r for r in rights if r.residual_rank == overall_rank]
        if overall_rank == 0 and len(worst) == len(rights) and len(rights) > 1:
            out.append(OutcomeReason(kind="all_low", outcome=outcome, rights=[r.id for r in rights]))
            worst = [r for r in worst if _drivers(r)]
        out += [OutcomeReason(kind="residual", outcome=outcome, rights=[r.id], rules=_drivers(r)) for r in worst]
        out.append(OutcomeReason(kind="ladder", outcome=outcome))
        return out

    def word(self, reason: OutcomeReason, rights: list[RightResult], flags: list[RedFlagResult]) -> str:
        """The auditor's sentence for a reason, with rule and question ids (the brief words it plainly)."""
        flag = next((f for f in flags if f.id in reason.flags), None)
        right = next((r for r in rights if r.id in reason.rights), None)
        if reason.kind == "red_flag" and flag is not None:
            return (f"Red flag {flag.id} ({text(flag.title)}) is triggered; it forces "
                    f"'{outcome_label(flag.outcome)}' and no mitigation can lift it.")
        if reason.kind == "possible_red_flag" and flag is not None:
            qs = reason.questions
            return (f"Red flag {flag.id} ({text(flag.title)}) may apply: it depends on {_qlist(qs)}, which "
                    f"{'is' if len(qs) == 1 else 'are'} not known. Answer it to clear or confirm the flag.")
        if reason.kind == "evidence_gap" and right is not None:
            return (f"The risk to {text(right.name).lower()} is rated {text(self._label(right.inherent)).lower()} "
                    f"only because of unknown answers ({_qlist(reason.questions)}; rules "
                    f"{', '.join(reason.rules)}); with the known answers alone it would be "
                    f"{text(self._label(right.known_only or right.inherent)).lower()}.")
        if reason.kind == "no_rights":
            return "The instrument rates no rights and no red flag applies."
        if reason.kind == "all_low":
            level = rights[0].residual if rights else None
            return f"The residual risk to every right is {text(self._label(level)).lower()}."
        if reason.kind == "residual" and right is not None:
            return (f"The residual risk to {text(right.name).lower()} is {text(self._label(right.residual)).lower()}: "
                    f"severity {right.residual_severity} and likelihood {right.residual_dimensions['likelihood']} "
                    f"after verified measures (inherent risk {text(self._label(right.inherent)).lower()}"
                    + (f", set by rules {', '.join(reason.rules)})" if reason.rules else ", at its baseline)")
                    + ".")
        if reason.kind == "ladder":
            return (f"No red flag is triggered; the overall level is the worst residual, "
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

        overall_rank = max((r.residual_rank for r in rights), default=None)
        overall = self.matrix.levels[overall_rank].id if overall_rank is not None else None
        proj_rank = max((r.projected_rank for r in rights), default=None)
        inh_rank = max((r.inherent_rank for r in rights), default=None)

        decided = self.reasons(rights, triggered, potential, overall_rank)
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
        )


class _PlanEntry:
    """The row of the plan that speaks for one catalogue measure."""

    __slots__ = ("m", "state", "counted", "projected", "index")

    def __init__(self, m: Mitigation, state: str, counted: bool, projected: bool, index: int):
        self.m, self.state, self.counted, self.projected, self.index = m, state, counted, projected, index


def _given(value: Any) -> str | None:
    if value is None or value == UNKNOWN or (isinstance(value, str) and not value.strip()):
        return None
    return str(value)


def _severity(dims: Mapping[str, int]) -> int:
    return max(dims[d] for d in SEVERITY_DIMENSIONS)


def _drivers(r: RightResult) -> list[str]:
    out: list[str] = []
    for d in r.dimensions.values():
        out += [x for x in d.rules + d.uplift_rules if x not in out]
    return out


def _qlist(qids: list[str]) -> str:
    return ", ".join(qids) if qids else "an answer"


def assess(questionnaire: Questionnaire, answers: AnswerSet) -> Assessment:
    """Assess one answer set against its questionnaire. Pure and deterministic.

    The answers should have passed `pia.answers.validate`; values the engine
    cannot read (e.g. a malformed row) are ignored rather than raising.
    """
    return _Run(questionnaire, answers).run()


__all__ = ["assess", "DEFAULT_MATRIX", "LEVEL_OUTCOMES", "outcome_for_rank"]
