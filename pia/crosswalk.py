"""The framework crosswalk: which questions satisfy which framework elements.

One assessment is meant to serve several frameworks at once (a data protection
impact assessment, a fundamental-rights impact assessment, a surveillance
impact report...). Every question names the framework elements it covers
(`elements:`), and the instrument declares each framework's elements with a
`required` flag. This module inverts that mapping so an author can prove that
no required element is left without a question, and so a reader of a filled-in
assessment can see, per framework, which elements are answered, unknown,
missing, or not applicable because the questions covering them are hidden.

Pure functions over the loaded Questionnaire (and optionally an AnswerSet); the
CLI (`pia crosswalk`) and the report annex only format what this returns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .answers import AnswerSet, effective_answers, visible_questions
from .conditions import UNKNOWN
from .model import Group, Questionnaire
from .text import text

# Status of one element given an answers file, best first.
ANSWERED, UNKNOWN_STATUS, MISSING, NOT_APPLICABLE = "answered", "unknown", "missing", "not_applicable"
STATUSES: tuple[str, ...] = (ANSWERED, UNKNOWN_STATUS, MISSING, NOT_APPLICABLE)


@dataclass(frozen=True)
class QuestionRef:
    """A question (or a field of a repeatable group, as `group.field`) covering an element."""

    id: str
    label: str
    section: str
    status: str | None = None  # with answers: answered / unknown / missing / not_applicable


@dataclass(frozen=True)
class ElementCoverage:
    id: str
    title: str
    required: bool
    source: str | None
    questions: list[QuestionRef]
    status: str | None = None  # with answers: the best status among its questions

    @property
    def covered(self) -> bool:
        return bool(self.questions)


@dataclass(frozen=True)
class FrameworkCoverage:
    id: str
    name: str
    applies: bool | None  # with answers: does the jurisdiction profile include it (None: not known)
    elements: list[ElementCoverage]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def required(self) -> list[ElementCoverage]:
        return [e for e in self.elements if e.required]

    @property
    def uncovered_required(self) -> list[ElementCoverage]:
        return [e for e in self.required if not e.covered]

    @property
    def coverage(self) -> float:
        """Share of required elements that at least one question covers."""
        req = self.required
        return 1.0 if not req else sum(e.covered for e in req) / len(req)


_INDEXES: dict[int, tuple[Questionnaire, dict[str, list[QuestionRef]]]] = {}


def element_index(q: Questionnaire) -> dict[str, list[QuestionRef]]:
    """element id -> the questions (and group fields) tagged with it, in questionnaire order.

    Depends on the questionnaire alone, so it is built once per loaded questionnaire
    (every report and app rerun asks for it).
    """
    hit = _INDEXES.get(id(q))
    if hit is not None and hit[0] is q:
        return hit[1]
    index = _build_index(q)
    if len(_INDEXES) >= 8:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(q)] = (q, index)
    return index


def _build_index(q: Questionnaire) -> dict[str, list[QuestionRef]]:
    index: dict[str, list[QuestionRef]] = {}
    for section in q.sections:
        for question in section.questions:
            refs = [(question.id, question)]
            if isinstance(question, Group):
                refs += [(f"{question.id}.{f.id}", f) for f in question.fields]
            for qid, item in refs:
                for el in item.elements:
                    index.setdefault(el, []).append(QuestionRef(qid, text(item.label), section.id))
    return index


def _question_status(qid: str, effective: dict[str, Any], visible: set[str]) -> str:
    base = qid.split(".", 1)[0]
    if base not in visible:
        return NOT_APPLICABLE
    value = effective.get(base)
    if value is None:
        return MISSING
    if value == UNKNOWN:
        return UNKNOWN_STATUS
    if "." in qid and isinstance(value, list):
        fid = qid.split(".", 1)[1]
        cells = [row.get(fid) for row in value if isinstance(row, dict)]
        if any(c not in (None, "", UNKNOWN) for c in cells):
            return ANSWERED
        return UNKNOWN_STATUS if any(c == UNKNOWN for c in cells) else MISSING
    return ANSWERED


def _best(statuses: list[str]) -> str:
    if not statuses:
        return MISSING  # nothing covers it: as good as unanswered
    return min(statuses, key=STATUSES.index) if any(s != NOT_APPLICABLE for s in statuses) else NOT_APPLICABLE


def crosswalk(
    q: Questionnaire, answers: AnswerSet | None = None, frameworks: list[str] | None = None
) -> list[FrameworkCoverage]:
    """Per framework, each element with the questions covering it (and, with answers, their status).

    `frameworks` limits the result to those ids, in the order given; unknown ids
    raise ValueError so a typo on the command line is never a silent empty list.
    """
    catalogue = {f.id: f for f in q.rules.frameworks}
    if frameworks:
        bad = [f for f in frameworks if f not in catalogue]
        if bad:
            raise ValueError(f"no framework {', '.join(map(repr, bad))}; known: {', '.join(catalogue)}")
        chosen = [catalogue[f] for f in frameworks]
    else:
        chosen = list(q.rules.frameworks)
    index = element_index(q)

    applying: set[str] | None = None
    status_of: dict[str, str] = {}
    if answers is not None:
        raw = dict(answers.answers)
        effective = effective_answers(q, raw)
        visible = set(visible_questions(q, raw))
        jq = q.rules.jurisdiction_question
        profile = effective.get(jq) if jq else None
        prof = next((p for p in q.rules.jurisdictions if p.id == profile), None)
        applying = set(prof.frameworks) if prof is not None else None
        for refs in index.values():
            for ref in refs:
                status_of[ref.id] = _question_status(ref.id, effective, visible)

    out: list[FrameworkCoverage] = []
    for fw in chosen:
        elements: list[ElementCoverage] = []
        counts = dict.fromkeys(STATUSES, 0) if answers is not None else {}
        for el in fw.elements:
            refs = index.get(el.id, [])
            if answers is not None:
                refs = [QuestionRef(r.id, r.label, r.section, status_of[r.id]) for r in refs]
                status = _best([r.status for r in refs if r.status])
                if el.required:
                    counts[status] += 1
            else:
                status = None
            elements.append(ElementCoverage(el.id, text(el.title), el.required, el.source, refs, status))
        applies: bool | None = None
        if answers is not None:
            applies = None if applying is None else fw.id in applying
        out.append(FrameworkCoverage(fw.id, text(fw.name), applies, elements, counts))
    return out


def uncovered_required(q: Questionnaire) -> list[tuple[str, str]]:
    """(framework id, element id) of every required element no question covers."""
    return [(fw.id, e.id) for fw in crosswalk(q) for e in fw.uncovered_required]


def has_findings(result: list[FrameworkCoverage], with_answers: bool) -> bool:
    """What `pia crosswalk` reports with exit code 1.

    Without answers: a required element that no question covers. With answers:
    also a required element of an applicable framework that is missing or unknown.
    """
    for fw in result:
        if fw.uncovered_required:
            return True
        if with_answers and fw.applies is not False and any(
            e.status in (MISSING, UNKNOWN_STATUS) for e in fw.required
        ):
            return True
    return False


def to_dict(result: list[FrameworkCoverage]) -> list[dict[str, Any]]:
    """Plain data for JSON output and reports."""
    out = []
    for fw in result:
        d = asdict(fw)
        d["coverage"] = round(fw.coverage, 4)
        d["required_total"] = len(fw.required)
        d["required_covered"] = sum(e.covered for e in fw.required)
        out.append(d)
    return out


_MARK = {ANSWERED: "answered", UNKNOWN_STATUS: "UNKNOWN", MISSING: "MISSING", NOT_APPLICABLE: "not applicable"}


def render_text(result: list[FrameworkCoverage], with_answers: bool, show_optional: bool = True) -> str:
    """A readable listing: per framework, its elements and the questions covering them."""
    lines: list[str] = []
    for fw in result:
        req = fw.required
        covered = sum(e.covered for e in req)
        head = f"{fw.id}: {fw.name}"
        if with_answers and fw.applies is False:
            head += " (does not apply to this jurisdiction)"
        lines.append(head)
        summary = f"  required elements with a question: {covered}/{len(req)} ({fw.coverage:.0%})"
        if with_answers:
            c = fw.counts
            summary += (f"; answered {c.get(ANSWERED, 0)}, unknown {c.get(UNKNOWN_STATUS, 0)}, "
                        f"missing {c.get(MISSING, 0)}, not applicable {c.get(NOT_APPLICABLE, 0)}")
        lines.append(summary)
        for e in fw.elements:
            if not e.required and not show_optional:
                continue
            flag = "*" if e.required else " "
            qs = ", ".join(r.id for r in e.questions) if e.questions else "NO QUESTION"
            status = f"  [{_MARK[e.status]}]" if with_answers and e.status else ""
            lines.append(f"  {flag} {e.id:<20} {e.title}{status}")
            lines.append(f"      questions: {qs}")
        lines.append("")
    lines.append("* = required element")
    return "\n".join(lines) + "\n"
