"""Decided public camera cases, translated into answers files, run through pia and compared with the decision.

The fact sheets live outside the repository, in `shared/cases/cases.yaml` beside it (CI clones the repository
into a folder that has a copy of `shared/` next to it). Each sheet has an answers file `<id>.yaml` here, written
from the facts only, and a sidecar `<id>.flags.yaml` that maps every `must_flag` item of the sheet, by
judgement, to the pia red flags and risk rules that would express it, plus a one-line summary of the decision
and, where pia's outcome differs from the decision, the diagnosis of why.

Nothing here asserts that pia agrees with the decisions: the engine is being reworked, and this module only
measures. `run_all()` gives one `Row` per case for `tests.cases.table` and for tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pia.assess import Assessment, assess
from pia.errors import PiaError
from pia.intake import open_assessment
from pia.yamlio import load_file

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
QUESTIONNAIRE = REPO / "questionnaires" / "camera-hria" / "camera_hria.yaml"
SHEET_NAME = Path("shared") / "cases" / "cases.yaml"

# pia outcome id -> outcome class of the fact sheets (most to least severe).
CLASS_OF: dict[str, str] = {
    "prohibited": "PROHIBITED",
    "do_not_proceed": "DO_NOT_PROCEED",
    "incomplete": "INCOMPLETE",
    "revise": "REVISE",
    "proceed_with_conditions": "PROCEED_WITH_CONDITIONS",
    "proceed": "PROCEED",
}
CLASSES: tuple[str, ...] = tuple(CLASS_OF.values())

# How a must_flag item fares in one assessment.
COVERED = "covered"          # a listed red flag is triggered or a listed rule holds
POTENTIAL = "potential"      # a listed flag or rule only might apply (it rests on unknown answers)
NOT_RAISED = "not raised"    # pia has rules for it, but none fired on these answers
NO_RULE = "no rule"          # pia has no question or rule that could express it (empty list in the sidecar)


def sheet_path() -> Path:
    """cases.yaml: $PIA_CASES, else `shared/cases/cases.yaml` in the nearest folder above the repository.

    In CI and in /work/main the nearest such folder is the repository's parent; a worktree one level deeper
    finds the same sheet one level further up.
    """
    env = os.environ.get("PIA_CASES")
    if env:
        return Path(env)
    for folder in REPO.parents:
        candidate = folder / SHEET_NAME
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {SHEET_NAME} in any folder above {REPO}; set PIA_CASES to the fact sheets")


@dataclass(frozen=True)
class Case:
    """One fact sheet, as far as the comparison needs it."""

    id: str
    title: str
    jurisdiction: str
    decided_by: str
    decision: str
    expected: tuple[str, ...]
    must_not: tuple[str, ...]
    must_flag: tuple[str, ...]


def load_cases(path: Path | None = None) -> list[Case]:
    """Every sheet in cases.yaml, in file order (strict YAML: duplicate keys are refused)."""
    path = path or sheet_path()
    doc = load_file(path)
    if doc.problems:
        raise PiaError(doc.problems)
    if not isinstance(doc.data, list):
        raise PiaError(f"{path}: expected a list of case sheets")
    cases = []
    for raw in doc.data:
        expected = raw["expected"]
        cases.append(Case(
            id=raw["id"],
            title=raw["title"],
            jurisdiction=str(raw["jurisdiction"]),
            decided_by=raw["decided_by"],
            decision=" ".join(str(raw["decision"]).split()),
            expected=tuple(expected["outcome"]),
            must_not=tuple(expected.get("must_not", ())),
            must_flag=tuple(expected.get("must_flag", ())),
        ))
    return cases


def answers_path(case_id: str) -> Path:
    return HERE / f"{case_id}.yaml"


def flags_path(case_id: str) -> Path:
    return HERE / f"{case_id}.flags.yaml"


@dataclass(frozen=True)
class Sidecar:
    """The judgement recorded beside an answers file: flag mapping, decision line, diagnosis."""

    must_flag: dict[str, list[str]]
    decision_line: str
    diagnosis_for: str | None
    diagnosis: str | None


def load_sidecar(case_id: str) -> Sidecar:
    doc = load_file(flags_path(case_id))
    if doc.problems:
        raise PiaError(doc.problems)
    data: dict[str, Any] = doc.data
    mapping = {str(k): [str(x) for x in (v or [])] for k, v in (data.get("must_flag") or {}).items()}
    diag = data.get("diagnosis") or {}
    return Sidecar(
        must_flag=mapping,
        decision_line=" ".join(str(data.get("decision_line", "")).split()),
        diagnosis_for=diag.get("outcome"),
        diagnosis=" ".join(str(diag["text"]).split()) if diag.get("text") else None,
    )


def open_case(case_id: str) -> Any:
    """The answers file opened and validated against the bundled instrument (raises PiaError if invalid)."""
    return open_assessment(answers_path(case_id), questionnaire=QUESTIONNAIRE)


@dataclass(frozen=True)
class Row:
    """One case: what the decision was, what pia says now, and which must-flag items pia expresses."""

    case: Case
    sidecar: Sidecar
    outcome: str                                 # pia's outcome as a sheet class
    worst: str                                   # the worse end of an open outcome (= outcome when decided)
    best: str                                    # the better end of an open outcome (= outcome when decided)
    red_flags: tuple[str, ...]                   # triggered
    potential_flags: tuple[str, ...]
    top_rights: tuple[tuple[str, str, bool], ...]   # (right id, residual level, rests on unknown answers), worst first
    known_worst: tuple[str, str] | None          # the worst right rated on known answers alone (RightResult.known_only)
    coverage: tuple[tuple[str, str, tuple[str, ...]], ...]   # (must_flag item, status, ids that fired)
    decisive: tuple[tuple[str, bool], ...] = ()   # (decisive gap, True when a claim lacks its evidence record)

    @property
    def reachable(self) -> tuple[str, ...]:
        """The classes pia may end at once its open questions are answered: the ends of an open outcome and every
        decided class between them (INCOMPLETE between the ends is the open label itself, not a decision)."""
        if self.worst == self.best:
            return (self.outcome,)
        lo, hi = CLASSES.index(self.worst), CLASSES.index(self.best)
        return tuple(c for i, c in enumerate(CLASSES) if lo <= i <= hi and (c != "INCOMPLETE" or i in (lo, hi)))

    @property
    def within_expected(self) -> bool:
        """Decided: the outcome is an expected class. Open: every class it may end at is one, so however the open
        questions are answered pia agrees with the decision."""
        return all(c in self.case.expected for c in self.reachable)

    @property
    def clearly_wrong(self) -> bool:
        """Decided: the outcome is a class the sheet calls clearly wrong. Open: either end is one."""
        return self.outcome in self.case.must_not or self.worst in self.case.must_not or self.best in self.case.must_not

    @property
    def established_wrong(self) -> bool:
        """What the known answers establish (the decided outcome, or the better end of an open one) is a class the
        sheet calls clearly wrong: pia concludes wrongly on what the sheet states, not only through unknowns."""
        return self.best in self.case.must_not or (self.worst == self.best and self.outcome in self.case.must_not)

    @property
    def shown(self) -> str:
        """The outcome as the table prints it: an open one with its two ends."""
        return self.outcome if self.worst == self.best else f"{self.outcome} (open: {self.worst} .. {self.best})"

    @property
    def uncovered(self) -> list[tuple[str, str]]:
        return [(item, status) for item, status, _ in self.coverage if status != COVERED]


def fired(a: Assessment) -> tuple[set[str], set[str]]:
    """(ids that hold or are triggered, ids that might apply) over red flags and every right's rule hits."""
    holds = {f.id for f in a.red_flags if f.status == "triggered"}
    maybe = {f.id for f in a.red_flags if f.status != "triggered"}
    for right in a.rights:
        for hit in right.rule_hits:
            (holds if hit.status == "holds" else maybe).add(hit.id)
    return holds, maybe - holds


def coverage(mapping: dict[str, list[str]], a: Assessment) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    holds, maybe = fired(a)
    out = []
    for item, ids in mapping.items():
        if not ids:
            out.append((item, NO_RULE, ()))
        elif any(i in holds for i in ids):
            out.append((item, COVERED, tuple(i for i in ids if i in holds)))
        elif any(i in maybe for i in ids):
            out.append((item, POTENTIAL, tuple(i for i in ids if i in maybe)))
        else:
            out.append((item, NOT_RAISED, ()))
    return tuple(out)


def top_rights(a: Assessment, n: int = 3) -> tuple[tuple[str, str, bool], ...]:
    """The n worst rights by residual level; the flag says the level rests on unknown answers (a material gap)."""
    ranked = sorted(a.rights, key=lambda r: (-r.residual_rank, r.material_gap, -r.inherent_rank, r.id))
    return tuple((r.id, r.residual, r.material_gap) for r in ranked[:n])


def known_worst(a: Assessment) -> tuple[str, str] | None:
    """The right rated worst when only known answers count: separates what the facts establish from the gaps."""
    best: tuple[int, str, str] | None = None
    for r in a.rights:   # instrument order breaks ties
        if r.known_only and (best is None or a.matrix.rank(r.known_only) > best[0]):
            best = (a.matrix.rank(r.known_only), r.id, r.known_only)
    return (best[1], best[2]) if best else None


def run_case(case: Case) -> Row:
    opened = open_case(case.id)
    a = assess(opened.questionnaire, opened.answers)
    side = load_sidecar(case.id)
    return Row(
        case=case,
        sidecar=side,
        outcome=CLASS_OF[a.outcome],
        worst=CLASS_OF[a.outcome_worst],
        best=CLASS_OF[a.outcome_best],
        red_flags=tuple(f.id for f in a.red_flags if f.status == "triggered"),
        potential_flags=tuple(f.id for f in a.red_flags if f.status != "triggered"),
        top_rights=top_rights(a),
        known_worst=known_worst(a),
        coverage=coverage(side.must_flag, a),
        decisive=tuple((q, q in a.unevidenced) for q in a.decisive_gaps),
    )


def run_all(path: Path | None = None) -> list[Row]:
    """Every case of the sheet, in sheet order."""
    return [run_case(c) for c in load_cases(path)]


def as_dicts(rows: list[Row]) -> list[dict[str, Any]]:
    """Plain rows (case id, title, decided_by, expected, pia outcome, flags, top rights, must_flag coverage)."""
    return [
        {
            "case": r.case.id,
            "title": r.case.title,
            "decided_by": r.case.decided_by,
            "expected": list(r.case.expected),
            "must_not": list(r.case.must_not),
            "pia_outcome": r.outcome,
            "pia_range": [r.worst, r.best],
            "within_expected": r.within_expected,
            "red_flags": list(r.red_flags),
            "potential_flags": list(r.potential_flags),
            "top_rights": [f"{rid}: {level}" + (" (rests on unknown answers)" if gap else "")
                           for rid, level, gap in r.top_rights],
            "known_worst": f"{r.known_worst[0]}: {r.known_worst[1]}" if r.known_worst else None,
            "must_flag": {item: {"status": status, "ids": list(ids)} for item, status, ids in r.coverage},
            "decisive_gaps": [q for q, _ in r.decisive],
        }
        for r in rows
    ]
