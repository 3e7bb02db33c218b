"""Comparing two assessments of the same instrument: outcome, per-right ratings, answers.

Used for two vendors' proposals, "before and after mitigations", and two
revisions of one draft. `pia diff A.yaml B.yaml` and the app's compare page
both print this one comparison, so they always agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .answers import AnswerSet, visible_questions
from .assess import assess
from .errors import PiaError
from .model import Questionnaire
from .present import describe
from .text import text

META_FIELDS = ("title", "organisation", "prepared_by", "date", "reference", "contact")


@dataclass(frozen=True)
class AnswerChange:
    question: str
    label: str
    section: str
    before: Any
    after: Any
    before_text: str
    after_text: str
    counts: bool          # visible (so it matters to the assessment) in at least one of the two


@dataclass(frozen=True)
class RightChange:
    id: str
    name: str
    inherent: tuple[str | None, str | None]
    residual: tuple[str | None, str | None]

    @property
    def changed(self) -> bool:
        return self.inherent[0] != self.inherent[1] or self.residual[0] != self.residual[1]


@dataclass(frozen=True)
class Comparison:
    questionnaire: str
    versions: tuple[str, str]
    titles: tuple[str, str]
    answers: list[AnswerChange]
    meta: list[tuple[str, str, str]] = field(default_factory=list)
    outcome: tuple[str | None, str | None] = (None, None)
    headlines: tuple[str, str] = ("", "")
    """Each side's outcome as every surface heads it: a decided label, or "Open between X and Y"."""
    possible_flags: tuple[list[str], list[str]] = ([], [])
    """Red flags that only may apply (they rest on unknown answers), apart from the triggered ones."""
    overall: tuple[str | None, str | None] = (None, None)
    red_flags: tuple[list[str], list[str]] = ([], [])
    rights: list[RightChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # e.g. a report made with other questionnaire files

    @property
    def same(self) -> bool:
        """Nothing that matters differs: answers, outcome, red flags and ratings all equal."""
        return (
            not self.answers
            and self.outcome[0] == self.outcome[1]
            and self.overall[0] == self.overall[1]
            and sorted(self.red_flags[0]) == sorted(self.red_flags[1])
            and not any(r.changed for r in self.rights)
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["same"] = self.same
        return d


def diff_answers(q: Questionnaire, a: dict[str, Any], b: dict[str, Any], lang: str = "en") -> list[AnswerChange]:
    """Every question whose answer differs, in questionnaire order."""
    visible_a = _visible_ids(q, a)
    visible_b = _visible_ids(q, b)
    order = [qq.id for qq in q.questions()]
    extra = sorted((set(a) | set(b)) - set(order))
    out = []
    for qid in order + extra:
        va, vb = a.get(qid), b.get(qid)
        if _norm(va) == _norm(vb):
            continue
        question = q.question(qid)
        section = q.section_of(qid)
        out.append(AnswerChange(
            question=qid,
            label=text(question.label, lang) if question else qid,
            section=text(section.title, lang) if section else "",
            before=va, after=vb,
            before_text=describe(question, va, lang), after_text=describe(question, vb, lang),
            counts=qid in visible_a or qid in visible_b,
        ))
    return out


def _visible_ids(q: Questionnaire, answers: dict[str, Any]) -> set[str]:
    return set(visible_questions(q, answers))


def _norm(v: Any) -> Any:
    return None if v in ("", [], None) else v


def compare(q: Questionnaire, a: AnswerSet, b: AnswerSet, lang: str = "en", notes: list[str] | None = None,
            ) -> Comparison:
    """The whole comparison; `notes` carry what the caller learnt opening the two (see pia.intake.Opened.note)."""
    if a.questionnaire != b.questionnaire:
        raise PiaError(f"cannot compare answers for {a.questionnaire!r} with answers for {b.questionnaire!r}: "
                       "different instruments")
    meta = [(k, a.meta.get(k, ""), b.meta.get(k, "")) for k in META_FIELDS if a.meta.get(k, "") != b.meta.get(k, "")]
    base = dict(
        questionnaire=q.id,
        versions=(a.questionnaire_version, b.questionnaire_version),
        titles=(a.meta.get("title", ""), b.meta.get("title", "")),
        answers=diff_answers(q, a.answers, b.answers, lang),
        meta=meta,
        notes=list(notes or []),
    )
    x, y = assess(q, a), assess(q, b)
    rights_b = {r.id: r for r in y.rights}
    rights = []
    for r in x.rights:
        other = rights_b.get(r.id)
        rights.append(RightChange(
            id=r.id, name=text(r.name, lang) if not isinstance(r.name, str) else r.name,
            inherent=(r.inherent, other.inherent if other else None),
            residual=(r.residual, other.residual if other else None),
        ))
    return Comparison(
        **base,
        outcome=(x.outcome, y.outcome),
        headlines=(x.headline, y.headline),
        overall=(x.overall_level, y.overall_level),
        red_flags=([f.id for f in x.red_flags if f.status == "triggered"],
                   [f.id for f in y.red_flags if f.status == "triggered"]),
        possible_flags=([f.id for f in x.red_flags if f.status != "triggered"],
                        [f.id for f in y.red_flags if f.status != "triggered"]),
        rights=rights,
    )


def format_text(c: Comparison, names: tuple[str, str] = ("A", "B")) -> str:
    """Plain text for the terminal; the app draws the same data as tables."""
    na, nb = names
    lines = [f"Comparing {na} and {nb} ({c.questionnaire} {c.versions[0]} / {c.versions[1]})"]
    lines += c.notes
    same = c.outcome[0] == c.outcome[1] and c.headlines[0] == c.headlines[1]
    lines.append(f"Outcome: {c.headlines[0] or _h(c.outcome[0])} -> {c.headlines[1] or _h(c.outcome[1])}"
                 + ("  (same)" if same else ""))
    lines.append(f"Overall risk: {_h(c.overall[0])} -> {_h(c.overall[1])}")
    lines += _only_in("Red flags", c.red_flags, names)
    lines += _only_in("Red flags that may apply", c.possible_flags, names)
    changed = [r for r in c.rights if r.changed]
    if changed:
        lines.append("Rights whose rating changed:")
        for r in changed:
            lines.append(f"  {r.name}: inherent {_h(r.inherent[0])} -> {_h(r.inherent[1])}, "
                         f"residual {_h(r.residual[0])} -> {_h(r.residual[1])}")
    for k, va, vb in c.meta:
        lines.append(f"{k}: {va or '(empty)'} -> {vb or '(empty)'}")
    if c.answers:
        lines.append(f"{len(c.answers)} answer{'s' if len(c.answers) != 1 else ''} differ:")
        for ch in c.answers:
            note = "" if ch.counts else "  [hidden in both: does not count]"
            lines.append(f"  {ch.question} ({ch.label}): {ch.before_text} -> {ch.after_text}{note}")
    else:
        lines.append("The answers are the same.")
    lines.append("Same assessment." if c.same else "The assessments differ.")
    return "\n".join(lines) + "\n"


def _only_in(what: str, ids: tuple[list[str], list[str]], names: tuple[str, str]) -> list[str]:
    """'<what> only in A: ...' and '... only in B: ...' for the ids one side has and the other lacks."""
    a, b = set(ids[0]), set(ids[1])
    return [f"{what} only in {name}: {', '.join(sorted(mine - other))}"
            for name, mine, other in ((names[0], a, b), (names[1], b, a)) if mine - other]


def _h(v: str | None) -> str:
    return (v or "-").replace("_", " ")
