"""A plain-text summary of an Assessment for the terminal (`pia assess`).

Readable by a council officer without the JSON: outcome and why, red flags,
one line per right (inherent -> residual, projected shown apart), evidence
gaps, the mitigation plan and the obligations that follow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..model import Questionnaire
from ..references import for_jurisdiction, qualified
from ..text import text
from ..wording import anchor_status_label, basis_label, label, long_date, outcome_label
from .models import Assessment


class _Counts(Protocol):
    """What `pia.answers.Completeness` and the Assessment's `CompletenessResult` both carry."""

    visible: int
    answered: int
    unknown: int
    missing_required: list[str]


@dataclass(frozen=True)
class CompletenessFigure:
    """How complete an assessment is, as one figure: the share of the questions shown that have a known answer.

    "Unknown" counts as not yet known, like a question left blank: both are gaps a council should see.
    """

    answered: int
    """Questions shown with a known answer (not "unknown")."""
    shown: int
    """Questions shown for these answers."""
    unknown: int
    """Answered "unknown"."""
    unanswered: int
    """Left blank."""
    required_unanswered: int
    """Of those left blank, the required ones."""
    percent: int
    """answered / shown, rounded down (100 only when every question shown has a known answer)."""
    text: str
    """The figure in words, the same on every surface."""


def completeness_figure(c: _Counts) -> CompletenessFigure:
    """The one completeness figure every surface shows (brief, full report, JSON, CLI, app).

    Takes `pia.answers.completeness(q, answers)` or `Assessment.completeness`: the same counts give the same
    figure and the same words.
    """
    shown, answered, unknown = c.visible, c.answered, c.unknown
    unanswered = max(shown - answered - unknown, 0)
    required = len(c.missing_required)
    percent = 100 if shown == 0 else (100 * answered) // shown
    words = label("completeness.figure").format(answered=answered, shown=shown, percent=percent)
    rest = []
    if unknown:
        rest.append(label("completeness.unknown").format(n=unknown))
    if unanswered:
        part = label("completeness.unanswered").format(n=unanswered)
        if required:
            part += label("completeness.required").format(n=required)
        rest.append(part)
    if rest:
        words += "; " + label("completeness.and").join(rest)
    return CompletenessFigure(answered, shown, unknown, unanswered, required, percent, words + ".")


def _label(a: Assessment, level: str | None, lang: str) -> str:
    if level is None:
        return "-"
    return next((text(lv.label, lang) for lv in a.matrix.levels if lv.id == level), level)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _value(v: Any) -> str:
    if v is None:
        return label("answer.missing")
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) if not isinstance(x, dict) else
                               "{" + ", ".join(f"{k}: {_value(y)}" for k, y in x.items()) + "}" for x in v) + "]"
    return str(v)


def render_summary(a: Assessment, q: Questionnaire | None = None, lang: str = "en",
                   answers: Mapping[str, Any] | None = None) -> str:
    """The terminal summary; deterministic for a given assessment.

    With the questionnaire, each red flag's legal sources are those of the assessment's jurisdiction, as the app
    and the reports show them (`answers`: whether an international assessment's state is a party to the ECHR).
    """
    out: list[str] = []
    title = text(q.title, lang) if q is not None else a.questionnaire_id
    out.append(f"Assessment against {title} ({a.questionnaire_id} {a.questionnaire_version})")
    out.append(f"Engine {a.engine_version}; answers SHA-256 {a.answers_sha256}")
    if a.jurisdiction is not None:
        out.append(f"Jurisdiction: {a.jurisdiction}")
    elif not a.jurisdiction_known:
        out.append("Jurisdiction: not known (rules for every jurisdiction are applied)")
    c = a.completeness
    out.append(f"Completeness: {completeness_figure(c).text}")
    out.append("")
    out.append(f"OUTCOME: {a.headline.upper()}")
    if a.decided:
        out.append(f"  {label('outcome.decided.note')}")
    else:
        out.append(f"  worst: {outcome_label(a.outcome_worst)}; best (what the known answers establish): "
                   f"{outcome_label(a.outcome_best)}")
        gaps = ", ".join(f"{qid} ({_question(q, qid, lang)})" for qid in a.decisive_gaps)
        out.append(f"  decisive gaps: {gaps or label('outcome.open.together')}")
    for r in a.outcome_reasons:
        out.append(f"  - {r}")
    out.append(f"Overall residual risk: {_label(a, a.overall_level, lang)}"
               + (f" (projected with planned measures: {_label(a, a.overall_projected_level, lang)})"
                  if a.overall_projected_level != a.overall_level else ""))
    out.append("")

    out.append("Red flags (no mitigation can lift these)")
    if not a.red_flags:
        out.append(f"  none triggered ({len(a.red_flags_clear)} checked)")
    for f in a.red_flags:
        status = "TRIGGERED" if f.status == "triggered" else "POTENTIAL"
        out.append(f"  {status} {f.id}: {text(f.title, lang)} -> {outcome_label(f.outcome)}")
        out.append(f"      answers: {explain_answers(f.answers)}")
        if f.status == "potential":
            out.append(f"      depends on: {', '.join(f.gap_questions)}")
        for qid, why in f.evidence_missing.items():
            out.append(f"      evidence needed for {qid}: {why}")
        if f.anchors:
            out.append(f"      law: {_law_here(a, f.anchors, q, answers)}")
        if f.clears:
            out.append(f"      clears when: {text(f.clears, lang)}")
    out.append("")
    if a.dated_obligations:
        out.append(f"{label('dated.heading')} (assessment date: {long_date(a.assessment_date)})")
        for d in a.dated_obligations:
            when = (label("timing.later") if d.timing == "later" and d.within_period is not False
                    else label("timing.after_period") if d.timing == "later" else label(f"timing.{d.timing}"))
            out.append(f"  {d.id}: {text(d.title, lang)} -> {when.format(date=long_date(d.applies_from))}")
            out.append(f"      {d.reason}")
        out.append("")

    if a.rights:
        out.append("Risk per right (S/S/I/L = scale/scope/irremediability/likelihood, 1-4)")
        out.append(f"  ({label('basis.note')})")
        rows = [["Right", "Inherent", "S/S/I/L", "Residual", "S/S/I/L", "Projected", "Basis", "Rules"]]
        for r in a.rights:
            dims = "/".join(str(r.dimensions[d].value) for d in ("scale", "scope", "irremediability", "likelihood"))
            rdims = "/".join(str(r.residual_dimensions[d]) for d in ("scale", "scope", "irremediability", "likelihood"))
            rules: list[str] = []
            for d in r.dimensions.values():
                rules += [x for x in d.rules + d.uplift_rules if x not in rules]
            assumed = [w for w, b in (("inherent", r.inherent_basis), ("residual", r.residual_basis))
                       if b == "assumed"]
            basis = (f"{basis_label('assumed', short=True)} ({', '.join(assumed)})" if assumed
                     else basis_label("established"))
            rows.append([
                text(r.name, lang),
                _label(a, r.inherent, lang),
                dims,
                _label(a, r.residual, lang),
                rdims,
                _label(a, r.projected, lang) if r.projected != r.residual else "same",
                basis,
                ", ".join(rules) or "-",
            ])
        out += _table(rows)
        out.append("")

    out.append("Evidence gaps (unknown or missing answers rated at their worst)")
    if not a.evidence_gaps:
        out.append("  none")
    for g in a.evidence_gaps:
        flag = " [material]" if g.material else ""
        out.append(f"  {g.question} ({g.value}){flag}: {text(g.label, lang)}")
        out.append(f"      drives: {', '.join(g.drives)}")
    out.append("")

    if a.accuracy is not None:  # accuracy weighed: the test against the acceptance rule, then the false alerts
        out.append(label("accuracy.heading"))
        out.append(f"  {a.accuracy.reason}")
        out += [f"  {line}" for line in a.accuracy.derivation]
        out.append("")

    if a.mitigations:
        out.append("Mitigation plan")
        for m in a.mitigations:
            effect = "counted" if m.counted else ("projected only" if m.projected else "not counted")
            who = ", ".join(x for x in (m.owner, m.due) if x)
            out.append(f"  {m.id} ({m.state}, {effect}){': ' + who if who else ''} - {text(m.title, lang)}")
            for issue in m.issues:
                out.append(f"      note: {issue}")
        out.append("")

    out.append("Obligations")
    if not a.obligations:
        out.append("  none declared for this level")
    for o in a.obligations:
        level = "red flag" if o.level == "red_flag" else _label(a, o.level, lang)
        out.append(f"  [{level}] {o.reason}")
        out.append(f"      approver: {text(o.approver, lang)}")
        out.append(f"      consultation: {text(o.consultation, lang)}")
        out.append(f"      independent review: {text(o.independent_review, lang)}")
        out.append(f"      publication: {text(o.publication, lang)}")
        if o.review_interval_months:
            out.append(f"      review every {o.review_interval_months} months")
    return "\n".join(out) + "\n"


def _question(q: Questionnaire | None, qid: str, lang: str) -> str:
    question = q.question(qid) if q is not None else None
    return text(question.label, lang) if question is not None else qid


def _law_here(a: Assessment, cites: list[str], q: Questionnaire | None, answers: Mapping[str, Any] | None) -> str:
    """`_law` for the sources that apply in the assessment's jurisdiction, or the note that none does."""
    if q is None:
        return _law(a, cites)
    refs = for_jurisdiction(cites, q.rules.anchors, a.jurisdiction, answers)
    if not refs.shown:
        return refs.note
    return _law(a, list(refs.shown), set(refs.if_party))


def _law(a: Assessment, cites: list[str], if_party: set[str] | None = None) -> str:
    """Each anchor with its status and the dates it applies between (from `Assessment.law`)."""
    states = {st.cite: st for st in a.law}
    parts = []
    for c in cites:
        st = states.get(c)
        shown = qualified(c) if if_party and c in if_party else c
        if st is None:
            parts.append(shown)
            continue
        bits = [anchor_status_label(st.status)]
        if st.applies_from:
            bits.append(label("anchor.applies_from").format(date=long_date(st.applies_from)))
        if st.applies_until:
            bits.append(label("anchor.applies_until").format(date=long_date(st.applies_until)))
        bits.append(label("anchor.in_force" if st.in_force else "anchor.not_in_force" if st.in_force is False
                          else "anchor.in_force_unknown"))
        parts.append(f"{shown} ({', '.join(bits)})")
    return "; ".join(parts)


def explain_answers(answers: dict[str, Any]) -> str:
    """question=value pairs for a one-line trace."""
    return "; ".join(f"{k}={_value(v)}" for k, v in answers.items())
