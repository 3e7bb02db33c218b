"""What it would take: the smallest change that reaches the next better outcome.

An auditor told "Revise" needs to know what would end it. This module answers
by running the public engine (`engine.assess`) as a black box on modified
answers, so it stays right whatever the engine weighs inside. A candidate
change is either

- a catalogue safeguard (`rules.mitigations`) recorded as verified, with every
  required or evidence-like field of the mitigation plan filled (a new row, or
  an existing row upgraded), or
- a design change a firing rule names as its way out (`lowered_by`), preferred
  over other answer changes when sizes tie,
- an answer change to a question that a firing risk rule, a governance answer
  acting as a safeguard or a red flag reads: another option of a choice
  question, a value removed from or added to a multiple choice, or a number
  moved just across a threshold the rule tests, or
- the evidence record an answer that clears a legal stop still lacks.

Questions marked `fact` (who passes by, which groups are affected, how likely
people are to stay away, which law applies) describe the world, not the
proposal: they are never changed. The jurisdiction and the plan itself are not
either.

The goal is split into obstacles: every triggered red flag, and every right
whose residual level alone gives an outcome worse than the target. For each
obstacle the smallest sets of its linked candidates that remove it are found
by increasing size (1, 2, 3); sets of two or more only combine candidates
that, alone, change something on that obstacle. The obstacles' sets are then
combined and every combination is checked by a full assessment; the smallest
that reaches the target win, safeguards preferred over changes to the proposal
when sizes tie. Every evaluation is memoised and the search stops at a fixed
number of evaluations, so the result is deterministic (never timed).

A prohibition is never given a set: no safeguard lifts it, and the flag's own
entry says what would clear it. An outcome left open by unknown answers
(`Assessment.decided` false) is ended by answering its decisive gaps, which
are listed instead, each with the answers that would give the better end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations
from typing import Any

from ..answers import AnswerSet, evidence_problem
from ..conditions import UNKNOWN, Condition, leaves
from ..model import Group, MultiChoice, Number, Questionnaire, SingleChoice, YesNo
from ..rules_model import OUTCOMES
from ..text import text
from ..wording import label, outcome_label
from .engine import assess, outcome_for_rank
from .models import Assessment, RightResult, rung_rank

MAX_SET_SIZE = 3
"""The largest set tried for one obstacle (a red flag or a right)."""
MAX_SETS = 3
"""How many equally small sets are reported."""
MAX_EVALUATIONS = 1500
"""Cap on full assessments run for one remedy; past it the result says it is not exhaustive."""
_MAX_UNIONS = 400
_MAX_VISITS = 20_000
_EVIDENCE_LIKE = ("owner", "due", "evidence", "verified")


@dataclass(frozen=True, order=True)
class _Change:
    """One atomic candidate change; hashable so sets of them can be memoised."""

    kind: str  # "safeguard", "answer", "lowered" (a rule's lowered_by) or "evidence"
    target: str  # safeguard id, question id or rule id
    op: str  # "verify", "set", "add", "remove" or "record"
    value: Any = None


class _Budget(Exception):
    """The evaluation cap was reached."""


class _Search:
    """Evaluate sets of changes on top of one answer set, memoised and capped."""

    def __init__(self, q: Questionnaire, answers: AnswerSet, base: Assessment, limit: int):
        self.q = q
        self.answers = answers
        self.base = base
        self.limit = limit
        self.evaluations = 0
        self.exhausted = False
        self.memo: dict[frozenset[_Change], Assessment | None] = {frozenset(): base}
        self.mq = q.rules.mitigation_question
        group = q.question(self.mq) if self.mq else None
        self.group = group if isinstance(group, Group) else None
        day = str(answers.meta.get("date", ""))
        try:
            self.day = date.fromisoformat(day).isoformat()
        except ValueError:
            self.day = "1970-01-01"

    # applying changes ---------------------------------------------------------------
    def apply(self, changes: frozenset[_Change]) -> dict[str, Any] | None:
        """The answers with the changes made, or None when two changes contradict."""
        values = dict(self.answers.answers)
        by_q: dict[str, list[_Change]] = {}
        for c in sorted(changes):
            if c.kind == "evidence":
                continue  # a record, not an answer: see answer_set
            if c.kind == "lowered":
                for qid, v in c.value:
                    by_q.setdefault(qid, []).append(_Change("answer", qid, "set", v))
                continue
            by_q.setdefault(c.target if c.kind == "answer" else "\0safeguards", []).append(c)
        for key, cs in by_q.items():
            if key == "\0safeguards":
                if self.group is None or self.mq is None:
                    return None
                values[self.mq] = self._verify_rows(values.get(self.mq), [c.target for c in cs])
                continue
            if any(c.op == "set" for c in cs):
                if len(set(cs)) > 1:
                    return None  # two values for one question
                values[key] = list(cs[0].value) if isinstance(cs[0].value, tuple) else cs[0].value
                continue
            current = values.get(key)
            chosen = list(current) if isinstance(current, list) else []
            adds = {c.value for c in cs if c.op == "add"}
            removes = {c.value for c in cs if c.op == "remove"}
            if adds & removes:
                return None
            chosen = [v for v in chosen if v not in removes] + sorted(v for v in adds if v not in chosen)
            values[key] = chosen
        return values

    def _verify_rows(self, rows: Any, mids: list[str]) -> list[Any]:
        out = list(rows) if isinstance(rows, list) else []
        for mid in mids:
            at = next((i for i, r in enumerate(out) if isinstance(r, Mapping) and r.get("mitigation") == mid), None)
            row = self._verified_row(mid, out[at] if at is not None else None)
            if at is None:
                out.append(row)
            else:
                out[at] = row
        return out

    def _verified_row(self, mid: str, existing: Mapping[str, Any] | None) -> dict[str, Any]:
        """A verified row with a complete evidence record, built from the plan's own field list.

        Every required or evidence-like field gets a value, so the row still
        counts when the plan gains fields (e.g. `verified_by`, `verified_on`).
        Each placeholder names its own field, so no two people coincide.
        """
        assert self.group is not None
        row = dict(existing or {})
        row["mitigation"] = mid
        row["state"] = "verified"
        texts: set[str] = set()
        for f in self.group.fields:
            if f.id in ("mitigation", "state"):
                continue
            value = row.get(f.id)
            given = value not in (None, "", [], UNKNOWN)
            if given and f.type in ("text", "long_text") and str(value) in texts:
                given = False  # e.g. verified_by equal to owner: not an independent check
            if not given and (f.required or any(k in f.id for k in _EVIDENCE_LIKE)):
                value = self._placeholder(f)
            if value not in (None, "", [], UNKNOWN):
                row[f.id] = value
                if f.type in ("text", "long_text"):
                    texts.add(str(value))
        return row

    def _placeholder(self, f: Any) -> Any:
        if f.type in ("text", "long_text"):
            return f"({f.id.replace('_', ' ')} to be recorded)"
        if f.type == "date":
            return self.day
        if f.type == "yes_no":
            return "yes"
        if f.type == "single_choice":
            return f.options[0].value
        if f.type == "multi_choice":
            return [f.options[0].value]
        if f.type == "number":
            return f.min if f.min is not None else 1
        return None

    def answer_set(self, changes: frozenset[_Change], values: dict[str, Any]) -> AnswerSet:
        """The changed answers as an AnswerSet, keeping whatever else the answers file holds.

        Where the instrument asks for an evidence record before an answer counts
        (`needs_evidence` on the question, an `evidence` map on the answers), the
        changed answer gets a record naming what is still to be recorded, as the
        remedy then says.
        """
        new = replace(self.answers, answers=values, meta=dict(self.answers.meta))
        records = getattr(self.answers, "evidence", None)
        if isinstance(records, Mapping):
            added = dict(records)
            for qid in _touched(changes):
                needs = getattr(self.q.question(qid), "needs_evidence", None)
                if needs and _needs(needs, values.get(qid)) and evidence_problem(added.get(qid)):
                    added[qid] = self.record()
            for c in changes:
                if c.kind == "evidence":
                    added[c.target] = self.record()
            new = replace(new, evidence=added)
        return new

    def record(self) -> dict[str, str]:
        """A complete evidence record whose parts say what is still to be recorded."""
        return {"document": "(document to be recorded)", "confirmed_by": "(confirmed by to be recorded)",
                "date": self.day}

    # evaluating ---------------------------------------------------------------------
    def run(self, changes: Iterable[_Change]) -> Assessment | None:
        key = frozenset(changes)
        if key in self.memo:
            return self.memo[key]
        values = self.apply(key)
        if values is None:
            self.memo[key] = None
            return None
        if self.evaluations >= self.limit:
            self.exhausted = True
            raise _Budget
        self.evaluations += 1
        result = assess(self.q, self.answer_set(key, values))
        self.memo[key] = result
        return result


# --- candidates ----------------------------------------------------------------------


def _answer_candidates(q: Questionnaire, cond: Condition | None, answers: Mapping[str, Any],
                       skip: set[str]) -> list[_Change]:
    """Changes to the questions a condition reads that could flip one of its tests."""
    out: list[_Change] = []
    for leaf, _ in leaves(cond) if cond is not None else []:
        qid = leaf.question
        question = q.question(qid)
        if leaf.field is not None or qid in skip or question is None or leaf.op in ("answered", "unknown"):
            continue
        current = answers.get(qid)
        known = current is not None and current != UNKNOWN
        if isinstance(question, (SingleChoice, YesNo)):
            values = question.values() if isinstance(question, SingleChoice) else ["yes", "no"]
            out += [_Change("answer", qid, "set", v) for v in values if v != current]
        elif isinstance(question, MultiChoice):
            tested = leaf.value if isinstance(leaf.value, list) else [leaf.value]
            chosen = current if isinstance(current, list) else []
            if not known:
                out.append(_Change("answer", qid, "set", ()))
                continue
            for v in tested:
                out.append(_Change("answer", qid, "remove" if v in chosen else "add", v))
        elif isinstance(question, Number) and isinstance(leaf.value, (int, float)):
            out += [_Change("answer", qid, "set", v) for v in _flips(question, leaf.op, leaf.value, current)]
    return out


def _lowered(rule: Any, skip: set[str], answers: Mapping[str, Any]) -> list[_Change]:
    """The rule's own way out (`lowered_by`) as one change, its fact questions left as they are.

    A multiple choice named with a list is read two ways, both tried: the
    listed values added to those chosen (`add`, e.g. on-device processing added
    to the minimisation measures), or exactly the list (`set`, e.g. CCTV as
    the only technology).
    """
    out: list[_Change] = []
    for op in ("add", "set"):
        parts = []
        for qid, v in sorted((rule.lowered_by or {}).items()):
            if qid in skip:
                continue
            to = _merge(answers.get(qid), v) if op == "add" else v
            if to != answers.get(qid):
                parts.append((qid, tuple(to) if isinstance(to, list) else to))
        change = _Change("lowered", rule.id, "set", tuple(parts))
        if parts and change not in out:
            out.append(change)
    return out


def _merge(current: Any, listed: Any) -> Any:
    """The listed values added to a multiple choice's current ones (a plain value as it is)."""
    if not isinstance(listed, list):
        return listed
    chosen = current if isinstance(current, list) else []
    return chosen + sorted(v for v in listed if v not in chosen)


def _touched(changes: Iterable[_Change]) -> list[str]:
    """The questions whose answers a set of changes sets, in a stable order."""
    out: set[str] = set()
    for c in changes:
        if c.kind == "answer":
            out.add(c.target)
        elif c.kind == "lowered":
            out.update(qid for qid, _ in c.value)
    return sorted(out)


def _flips(question: Number, op: str, bound: float, current: Any) -> list[float]:
    """Numbers just either side of a threshold, those that change the test's result."""
    step = 1
    below, above = {"gt": (bound, bound + step), "gte": (bound - step, bound),
                    "lt": (bound, bound - step), "lte": (bound + step, bound)}.get(op, (None, None))
    # `below` makes the test false, `above` makes it true.
    out: list[float] = []
    for v in (below, above):
        if v is None or v == current:
            continue
        if (question.min is not None and v < question.min) or (question.max is not None and v > question.max):
            continue
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        out.append(v)
    return out


def _dedupe(changes: Iterable[_Change]) -> list[_Change]:
    return sorted(set(changes), key=_order_key)


_KIND_ORDER = {"safeguard": 0, "evidence": 1, "lowered": 2, "answer": 3}


def _order_key(c: _Change) -> tuple[Any, ...]:
    return (_KIND_ORDER.get(c.kind, 9), c.target, c.op, repr(c.value))


# --- obstacles -----------------------------------------------------------------------


@dataclass
class _Obstacle:
    kind: str  # "flag" or "right"
    id: str
    candidates: list[_Change]


def _right_signature(r: RightResult | None) -> Any:
    if r is None:
        return None
    # Per-harm residuals too: a safeguard that lowers one harm changes nothing on the right while another,
    # irreducible harm dominates, yet it is needed once that harm is designed out.
    return (
        tuple((d, v.value, tuple(v.rules), tuple(v.uplift_rules)) for d, v in r.dimensions.items()),
        tuple(sorted(r.residual_dimensions.items())),
        tuple((h.id, tuple(sorted(h.residual.items()))) for h in r.harm_ratings),
    )


def _index(outcome: str) -> int:
    return OUTCOMES.index(outcome)


class _Remedy:
    def __init__(self, q: Questionnaire, answers: AnswerSet, base: Assessment, limit: int):
        self.q = q
        self.rb = q.rules
        self.answers = answers.answers
        self.base = base
        self.search = _Search(q, answers, base, limit)
        self.facts = {qq.id for qq in q.questions() if getattr(qq, "fact", False)}
        self.skip = {x for x in (self.rb.jurisdiction_question, self.rb.mitigation_question) if x} | self.facts
        self.rules = {x.id: x for x in self.rb.risk_rules}
        self.counted = {m.id for m in base.mitigations if m.counted and not m.duplicate}
        self.state = {m.id: m.state for m in base.mitigations if not m.duplicate}
        self.complete = True
        self.in_plan = frozenset(self.state)

    def key(self, s: frozenset[_Change]) -> tuple[Any, ...]:
        return _set_key(s, self.in_plan)

    # the pieces -------------------------------------------------------------------
    def target(self) -> str | None:
        """The next rung: do not proceed -> revise -> proceed with conditions -> proceed.

        An outcome that is incomplete because a process step is missing (a triggered
        flag) also aims at revise; "incomplete" is never itself the aim.
        """
        later = [o for o in OUTCOMES[_index(self.base.outcome) + 1:] if o != "incomplete"]
        return later[0] if later else None

    def gaps(self) -> list[dict[str, Any]]:
        """The open outcome's decisive gaps, each with the answers that would give its better end.

        For every decisive gap the search tries each answer it can give (each
        option; for a multiple choice, none of the values the rules test; for a
        number, either side of each threshold the rules test) with the other
        unknowns left as they are. `better` lists the answers that keep the
        best end highest (and, among those, raise the worst end most), and
        `better_outcome` that best end; both are empty when every answer does
        the same alone, and None where no single answer can be tried (a table).
        An answer given without its evidence record is ended by recording the
        evidence.
        """
        a = self.base
        missing = {g.question: g.value for g in a.evidence_gaps}
        conds = [r.when for r in self.rb.risk_rules] + [f.when for f in self.rb.red_flags] + [
            x.when for x in self.rb.answer_safeguards]
        out: list[dict[str, Any]] = []
        for qid in a.decisive_gaps:
            if qid in a.unevidenced:
                out.append({"kind": "evidence", "id": qid, "from": self.answers.get(qid), "to": "recorded"})
                continue
            entry: dict[str, Any] = {"kind": "answer", "id": qid, "from": missing.get(qid, UNKNOWN), "to": None,
                                     "better": []}
            tries = [c for cond in conds for c in _answer_candidates(self.q, cond, {}, set()) if c.target == qid]
            question = self.q.question(qid)
            if isinstance(question, (SingleChoice, YesNo)):
                tries = [_Change("answer", qid, "set", v) for v in
                         (question.values() if isinstance(question, SingleChoice) else ["yes", "no"])]
            if not tries:
                entry["better"] = None  # e.g. a table of test results: no single answer to try
                entry["better_outcome"] = None
                out.append(entry)
                continue
            scores: list[tuple[tuple[int, int], Any]] = []
            for c in _dedupe(tries):
                try:
                    r = self.search.run([c])
                except _Budget:
                    self.complete = False
                    break
                if r is not None:
                    to = (self.search.apply(frozenset([c])) or {}).get(qid)
                    scores.append(((_index(r.outcome_best or r.outcome), _index(r.outcome_worst or r.outcome)),
                                   list(to) if isinstance(to, tuple) else to))
            top = max((sc for sc, _ in scores), default=None)
            if top is not None and any(sc != top for sc, _ in scores):
                entry["better"] = [v for sc, v in scores if sc == top]
                entry["better_outcome"] = OUTCOMES[top[0]]
            else:
                entry["better"], entry["better_outcome"] = [], None
            out.append(entry)
        return out

    def obstacles(self, target: str) -> list[_Obstacle]:
        out: list[_Obstacle] = []
        for f in self.base.red_flags:
            if _index(f.outcome) < _index(target):
                out.append(_Obstacle("flag", f.id, self.flag_candidates(f.id)))
        for r in self.base.rights:
            if _index(outcome_for_rank(rung_rank(r))) < _index(target):
                out.append(_Obstacle("right", r.id, self.right_candidates(r)))
        return out

    def answer_candidates(self, conds: list[Condition]) -> list[_Change]:
        out: list[_Change] = []
        for cond in conds:
            out += _answer_candidates(self.q, cond, self.answers, self.skip)
        return _dedupe(out)

    def flag_candidates(self, fid: str) -> list[_Change]:
        """Answer changes to the (non-fact) questions the flag reads, and the evidence records it lacks."""
        flag = next((f for f in self.rb.red_flags if f.id == fid), None)
        result = self.base.red_flag(fid)
        out = self.answer_candidates([flag.when]) if flag is not None else []
        if result is not None:
            out += [_Change("evidence", qid, "record") for qid in result.evidence_missing]
        return _dedupe(out)

    def right_candidates(self, r: RightResult) -> list[_Change]:
        """Safeguards that lower a harm of this right, the held rules' ways out, and answers they read."""
        harms = {h.id for h in r.harm_ratings} | {h.harm_id or h.id for h in r.rule_hits}
        safeguards = [
            _Change("safeguard", m.id, "verify")
            for m in self.rb.mitigations
            if m.id not in self.counted and any(x.right == r.id or x.harm in harms for x in m.reduces)
        ] if self.rb.mitigation_question else []
        held = [self.rules[h.id] for h in r.rule_hits if h.id in self.rules]
        lowered = [c for rule in held for c in _lowered(rule, self.skip, self.answers)]
        governance = [x.when for x in self.rb.answer_safeguards
                      if any(y.right == r.id or y.harm in harms for y in x.reduces)]
        return _dedupe(safeguards + lowered + self.answer_candidates([x.when for x in held] + governance))

    def removes(self, ob: _Obstacle, a: Assessment, target: str) -> bool:
        if ob.kind == "flag":
            return a.red_flag(ob.id) is None
        r = a.right(ob.id)
        return r is not None and _index(outcome_for_rank(rung_rank(r))) >= _index(target)

    def touches(self, ob: _Obstacle, a: Assessment) -> bool:
        if ob.kind == "flag":
            return True
        return _right_signature(a.right(ob.id)) != _right_signature(self.base.right(ob.id))

    # the search ---------------------------------------------------------------------
    def smallest(self, ob: _Obstacle, target: str) -> list[frozenset[_Change]]:
        """All smallest sets of the obstacle's candidates that remove it (empty if none up to MAX_SET_SIZE)."""
        singles: list[_Change] = []
        found: list[frozenset[_Change]] = []
        for c in ob.candidates:
            a = self.search.run([c])
            if a is None:
                continue
            if self.removes(ob, a, target):
                found.append(frozenset([c]))
            elif self.touches(ob, a):
                singles.append(c)
        if found:
            return found
        for size in range(2, MAX_SET_SIZE + 1):
            for combo in combinations(singles, size):
                a = self.search.run(combo)
                if a is not None and self.removes(ob, a, target):
                    found.append(frozenset(combo))
            if found:
                return found
        return []

    def sets(self, target: str) -> tuple[list[frozenset[_Change]], list[str]]:
        per: list[list[frozenset[_Change]]] = []
        for ob in self.obstacles(target):
            options = sorted(self.smallest(ob, target), key=self.key)
            if not options:
                return [], []
            per.append(options)
        found: dict[frozenset[_Change], str] = {}
        smallest = None
        for s in sorted(self.unions(per), key=self.key):
            if smallest is not None and _size(s) > smallest:
                break
            a = self.search.run(s)
            if a is None or _index(a.outcome) < _index(target):
                continue
            s, outcome = self.trim(s, a.outcome, target)
            found[s] = outcome
            smallest = min(_size(x) for x in found)
        best = sorted((s for s in found if _size(s) == smallest), key=self.key)[:MAX_SETS]
        return best, [found[s] for s in best]

    def unions(self, per: list[list[frozenset[_Change]]]) -> set[frozenset[_Change]]:
        """Unions taking one smallest set per obstacle, an obstacle already covered adding none.

        Depth first, bounded by the smallest union seen plus one (a union may
        fail when checked whole); capped, in which case the result is not exhaustive.
        """
        order = sorted(range(len(per)), key=lambda i: (len(per[i]), i))
        out: set[frozenset[_Change]] = set()
        bound = [_size(frozenset().union(*(p[0] for p in per))) if per else 0]
        visits = [0]

        def walk(k: int, union: frozenset[_Change]) -> None:
            visits[0] += 1
            if visits[0] > _MAX_VISITS or len(out) >= _MAX_UNIONS:
                self.complete = False
                return
            if _size(union) > bound[0] + 1:
                return
            if k == len(order):
                out.add(union)
                bound[0] = min(bound[0], _size(union))
                return
            options = per[order[k]]
            if any(o <= union for o in options):
                walk(k + 1, union)
                return
            for o in options:
                walk(k + 1, union | o)

        walk(0, frozenset())
        return {u for u in out if _size(u) <= bound[0] + 1}

    def trim(self, s: frozenset[_Change], outcome: str, target: str) -> tuple[frozenset[_Change], str]:
        """Drop changes the set does not need (changes to the proposal first), checking each drop."""
        for c in sorted(s, key=_order_key, reverse=True):
            if len(s) == 1:
                break
            a = self.search.run(s - {c})
            if a is not None and _index(a.outcome) >= _index(target):
                s, outcome = s - {c}, a.outcome
        return s, outcome

    def flag_entry(self, fid: str) -> dict[str, Any]:
        flag = next((f for f in self.rb.red_flags if f.id == fid), None)
        result = self.base.red_flag(fid)
        entry: dict[str, Any] = {
            "clears_text": result.clears if result is not None else None,
            "answer_changes": [],
            "evidence_questions": [],
            "evidence_missing": dict(result.evidence_missing) if result is not None else {},
            "evidence_claims": {},
            "gap_questions": list(result.gap_questions) if result is not None else [],
            "facts": [],
        }
        if flag is None:
            return entry
        read = list(dict.fromkeys(leaf.question for leaf, _ in leaves(flag.when)))
        entry["facts"] = [x for x in read if x in self.facts]
        for qid in read:
            needs = getattr(self.q.question(qid), "needs_evidence", None)
            if needs:
                entry["evidence_claims"][qid] = list(needs)
        ob = _Obstacle("flag", fid, self.flag_candidates(fid))
        found: list[frozenset[_Change]] = []
        try:
            found = sorted(self.smallest(ob, "proceed"), key=self.key)[:MAX_SETS]
        except _Budget:
            self.complete = False
        entry["answer_changes"] = [self.describe(s) for s in found]
        evidence: list[str] = []
        for s in found:
            for c in self.describe(s):
                question = self.q.question(c["id"])
                needs = getattr(question, "needs_evidence", None)
                claims = c["kind"] == "evidence" or (needs and _needs(needs, c["to"]))
                if claims and c["id"] not in evidence:
                    evidence.append(c["id"])
        entry["evidence_questions"] = evidence
        return entry

    # words as data ----------------------------------------------------------------
    def describe(self, s: Iterable[_Change]) -> list[dict[str, Any]]:
        """The changes of a set as plain records, one per safeguard and one per question."""
        changes = sorted(s, key=_order_key)
        out: list[dict[str, Any]] = []
        for c in changes:
            if c.kind == "safeguard":
                out.append({"kind": "safeguard", "id": c.target, "from": self.state.get(c.target), "to": "verified"})
        order = {qq.id: i for i, qq in enumerate(self.q.questions())}
        by = {qid: c.target for c in changes if c.kind == "lowered" for qid, _ in c.value}
        qids = sorted(_touched(changes), key=lambda x: (order.get(x, len(order)), x))
        values = self.search.apply(frozenset(c for c in changes if c.kind in ("answer", "lowered"))) or {}
        for qid in qids:
            to = values.get(qid)
            record = {"kind": "answer", "id": qid, "from": self.answers.get(qid),
                      "to": list(to) if isinstance(to, (list, tuple)) else to}
            if qid in by:
                record["lowers"] = by[qid]  # the rule whose way out (lowered_by) this is
            out.append(record)
        for c in changes:
            if c.kind == "evidence":
                out.append({"kind": "evidence", "id": c.target, "from": self.answers.get(c.target),
                            "to": "recorded"})
        return out


def _size(s: Iterable[_Change]) -> int:
    """Changes as the council reads them: one per safeguard, evidence record and question changed."""
    s = list(s)
    return sum(c.kind in ("safeguard", "evidence") for c in s) + len(_touched(s))


def _set_key(s: frozenset[_Change], in_plan: frozenset[str] = frozenset()) -> tuple[Any, ...]:
    """Smallest first; then fewer changes to the proposal, a rule's own way out (lowered_by) before other
    answers; then measures already in the plan."""
    changes = sorted(s, key=_order_key)
    new = sum(c.kind == "safeguard" and c.target not in in_plan for c in changes)
    answers = len(_touched(changes))
    others = len(_touched(c for c in changes if c.kind == "answer"))
    return (_size(changes), answers, others, new, [_order_key(c) for c in changes])


def _needs(needs: Any, value: Any) -> bool:
    if needs is True:
        return True
    if not isinstance(needs, (list, tuple, set)):
        return False
    wanted = value if isinstance(value, list) else [value]
    return any(v in needs for v in wanted)


def what_it_would_take(q: Questionnaire, answers: AnswerSet, assessment: Assessment | None = None,
                       *, max_evaluations: int = MAX_EVALUATIONS) -> dict[str, Any]:
    """The remedy for one assessment, as plain data (see `Assessment.remedy`).

    Pure and deterministic: it only runs `assess()` on modified copies of the
    answers, at most `max_evaluations` times.
    """
    base = assessment if assessment is not None else assess(q, answers)
    r = _Remedy(q, answers, base, max_evaluations)
    target = r.target()
    out: dict[str, Any] = {"target_outcome": target, "basis": "", "sets": [], "reaches": [], "flags": {}}
    # Flags first: their few evaluations are shared with the search and never starved by it.
    for f in base.red_flags:
        out["flags"][f.id] = r.flag_entry(f.id)
    if base.outcome == "prohibited":
        out["basis"] = "prohibited"
        out["target_outcome"] = None  # nothing is aimed at: no set lifts a prohibition
    elif not base.decided:
        # Open between worst and best: answering the decisive gaps ends it; nothing is aimed at until then.
        out["basis"] = "answer_gaps"
        out["target_outcome"] = None
        out["sets"] = [r.gaps()]
    elif target is None:
        out["basis"] = "none_needed"
    else:
        try:
            sets, reaches = r.sets(target)
        except _Budget:
            sets, reaches = [], []
            r.complete = False
        out["basis"] = "search" if sets else "none_found"
        out["sets"] = [r.describe(s) for s in sets]
        out["reaches"] = reaches
    out["exhaustive"] = r.complete and not r.search.exhausted
    out["evaluations"] = r.search.evaluations
    return out


# --- words for the terminal ----------------------------------------------------------


def _value(v: Any) -> str:
    if v is None:
        return label("answer.missing")
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def _change_line(c: Mapping[str, Any], titles: Mapping[str, Any], lang: str) -> str:
    if c["kind"] == "safeguard":
        was = c["from"] or label("remedy.not_in_plan")
        return label("remedy.safeguard").format(id=c["id"], title=text(titles.get(c["id"], c["id"]), lang),
                                                was=was)
    if c["kind"] == "evidence":
        return label("remedy.evidence").format(id=c["id"], was=_value(c["from"]))
    if c["to"] is None:
        line = label("remedy.answer_gap").format(id=c["id"])
        if c.get("better"):
            line += label("remedy.answer_gap_better").format(
                values=" / ".join(_value(v) for v in c["better"]), target=outcome_label(c["better_outcome"]))
        return line
    line = label("remedy.answer").format(id=c["id"], was=_value(c["from"]), to=_value(c["to"]))
    if c.get("lowers"):
        line += label("remedy.lowers").format(rule=c["lowers"])
    return line


def remedy_lines(a: Assessment, q: Questionnaire, lang: str = "en") -> list[str]:
    """The "What it would take" block of `pia assess`, every word from pia.wording."""
    rem = a.remedy
    if not rem:
        return []
    titles = {m.id: m.title for m in q.rules.mitigations}
    out = [label("remedy.heading")]
    basis = rem.get("basis")
    if basis == "prohibited":
        out.append("  " + label("remedy.prohibited"))
    elif basis == "none_needed":
        out.append("  " + label("remedy.none_needed"))
    elif basis == "answer_gaps":
        out.append("  " + label("remedy.gaps"))
    elif basis == "none_found":
        out.append("  " + label("remedy.none_found").format(target=outcome_label(rem["target_outcome"])))
    for i, s in enumerate(rem.get("sets", [])):
        if basis == "search":
            reaches = rem["reaches"][i] if i < len(rem.get("reaches", [])) else rem["target_outcome"]
            key = "remedy.set_first" if i == 0 else "remedy.set_other"
            n = label("remedy.one_change") if len(s) == 1 else label("remedy.n_changes").format(n=len(s))
            out.append("  " + label(key).format(n=n, target=outcome_label(reaches)))
        out += ["      - " + _change_line(c, titles, lang) for c in s]
    if basis == "search" and not rem.get("exhaustive", True):
        out.append("  " + label("remedy.not_exhaustive"))
    for fid, entry in rem.get("flags", {}).items():
        out.append("  " + label("remedy.flag").format(id=fid))
        if entry.get("clears_text"):
            out.append("      " + label("remedy.flag_clears").format(text=text(entry["clears_text"], lang)))
        for s in entry.get("answer_changes", []):
            out.append("      " + label("remedy.flag_answers").format(
                changes="; ".join(_change_line(c, titles, lang) for c in s)))
        if entry.get("evidence_questions"):
            out.append("      " + label("remedy.flag_evidence").format(ids=", ".join(entry["evidence_questions"])))
        for qid, why in entry.get("evidence_missing", {}).items():
            out.append("      " + label("remedy.flag_evidence_missing").format(id=qid, why=why))
        if entry.get("gap_questions"):
            out.append("      " + label("remedy.flag_gaps").format(ids=", ".join(entry["gap_questions"])))
        if entry.get("facts"):
            out.append("      " + label("remedy.flag_facts").format(ids=", ".join(entry["facts"])))
    out.append("")
    return out


__all__ = ["MAX_EVALUATIONS", "MAX_SETS", "MAX_SET_SIZE", "remedy_lines", "what_it_would_take"]
