"""The report context: one plain-data view of questionnaire + answers + assessment.

Every renderer (docx, Markdown, JSON, PDF) reads this same dictionary, so the
formats cannot disagree. It holds only str, int, bool, None, lists and dicts:
a custom Word template sees nothing but data, and the JSON export can include
it verbatim. User text is scrubbed of control characters here, once, so what
is stored, printed and exported is the same text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from .. import wording
from ..answers import AnswerSet, completeness, effective_answers
from ..assess.models import (
    AnchorState,
    Assessment,
    DatedObligation,
    EvidenceGap,
    MitigationResult,
    ObligationResult,
    RedFlagResult,
    RightResult,
)
from ..assess.summary import completeness_figure
from ..conditions import UNKNOWN, is_visible
from ..crosswalk import crosswalk
from ..model import Group, Questionnaire
from ..references import shown_or_note
from ..rules_model import DIMENSIONS
from ..text import text
from ..wording import dimension_help, dimension_label, score_word, state_label, status_label
from . import council, derivation, findings, plain
from .context_model import ReportContext

EVIDENCE_CHARS = 240

_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def clean(value: str) -> str:
    """Text safe for XML and plain output: no control characters, one kind of newline.

    Tabs and newlines stay (they carry meaning); everything else in C0/C1,
    lone surrogates and non-characters goes, because XML cannot hold it and
    Word templates would turn \\a and \\f into new paragraphs and page breaks.
    """
    if value.isprintable():  # the common case, checked in C: nothing to remove
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def scrub(obj: Any) -> Any:
    """Apply clean() to every string in a nest of dicts and lists."""
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, Mapping):
        return {clean(str(k)): scrub(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [scrub(v) for v in obj]
    return obj


def tint(color: str, keep: float = 0.45) -> str:
    """A light version of a level colour (hex without '#'), so black text on it stays readable."""
    c = color.lstrip("#")
    rgb = [int(c[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(255 - (255 - v) * keep):02X}" for v in rgb)


def _t(value: Any, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, dict)):
        return text(value, lang)
    return str(value)


def _num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


class Formatter:
    """Turns raw answer values into the words a reader sees."""

    def __init__(self, q: Questionnaire, lang: str):
        self.q, self.lang = q, lang

    def label(self, qid: str) -> str:
        question = self.q.question(qid)
        return _t(question.label, self.lang) if question is not None else qid

    def value(self, question: Any, value: Any) -> str:
        if value is None or value == "" or value == []:
            return wording.label("answer.missing")
        if value == UNKNOWN:
            return wording.label("answer.unknown")
        kind = getattr(question, "type", None)
        if kind == "yes_no":
            return {"yes": "Yes", "no": "No"}.get(value, str(value))
        if kind == "single_choice":
            return self._option(question, value)
        if kind == "multi_choice" and isinstance(value, list):
            return "; ".join(self._option(question, v) for v in value)
        if kind == "number":
            unit = _t(question.unit, self.lang) if question.unit else ""
            return f"{_num(value)} {unit}".strip()
        if kind == "group" and isinstance(value, list):
            return "\n".join(self._row(question, i, row) for i, row in enumerate(value, 1))
        if isinstance(value, list):
            return "; ".join(map(str, value))
        return _num(value) if isinstance(value, (int, float)) else str(value)

    def _option(self, question: Any, value: Any) -> str:
        for option in getattr(question, "options", []):
            if option.value == value:
                return _t(option.label, self.lang)
        return str(value)

    def _row(self, group: Group, i: int, row: Any) -> str:
        name = _t(group.item_label, self.lang) if group.item_label else "Entry"
        if not isinstance(row, dict):
            return f"{name} {i}: {row}"
        parts = []
        for f in group.fields:
            if f.id in row:
                parts.append(f"{_t(f.label, self.lang)}: {self.value(f, row[f.id])}")
        return f"{name} {i}: " + "; ".join(parts)

    def answer(self, qid: str, value: Any) -> str:
        return self.value(self.q.question(qid), value)

    def traced(self, answers: Mapping[str, Any] | None) -> list[dict[str, str]]:
        """The answers behind a finding, as question wording and the answer given."""
        out = []
        for qid, value in (answers or {}).items():
            out.append({"id": str(qid), "question": self.label(str(qid)), "answer": self.answer(str(qid), value)})
        return out


def _date_text(generated: date | str | None) -> str:
    if generated is None:
        return ""
    if isinstance(generated, date):
        return generated.isoformat()
    return str(generated)


def build_context(
    q: Questionnaire,
    answers: AnswerSet,
    a: Assessment,
    *,
    generated: date | str | None = None,
    brief: bool = False,
    lang: str = "en",
) -> dict[str, Any]:
    """Everything a report shows, as plain data checked against ReportContext (see the module docstring)."""
    fmt = Formatter(q, lang)
    rules = q.rules
    levels = _levels(q, lang)
    effective = effective_answers(q, answers.answers)
    rule_harm = {r.id: _t(r.harm, lang) for r in rules.risk_rules}

    meta_keys = ("title", "organisation", "prepared_by", "date", "reference", "contact")
    meta = {k: str(answers.meta.get(k, "")) for k in meta_keys}
    meta["extra"] = [
        {"key": k, "value": str(v)} for k, v in sorted(answers.meta.items()) if k not in meta_keys
    ]
    q_title = _t(q.title, lang)
    title = meta["title"] or q_title
    outcome = a.outcome

    law = {st.cite: st for st in a.law}
    # Only the references of the chosen jurisdiction are shown (pia/references.py).
    refs = lambda cites: shown_or_note(cites, rules.anchors, a.jurisdiction, effective)  # noqa: E731
    red_flags = [_red_flag(rf.model_copy(update={"anchors": refs(rf.anchors)}), fmt, lang, law) for rf in a.red_flags]
    rights = [_right(r.model_copy(update={"anchors": refs(r.anchors)}), fmt, levels, rule_harm, lang) for r in a.rights]
    for i, r in enumerate(rights, 1):
        r["number"] = i
    mitigations = [_mitigation(m, q, lang) for m in a.mitigations]
    gaps = [_gap(g, fmt, q, lang) for g in a.evidence_gaps]
    triggered = sum(1 for rf in red_flags if rf["status"] == "triggered")
    obligations = [_obligation(o, levels, lang, triggered) for o in a.obligations]
    sections = _sections(q, effective, fmt, lang)
    overall = a.overall_level
    done = completeness(q, answers.answers)
    figure = completeness_figure(done)
    running = council.in_use(q, effective)
    jurisdiction = a.jurisdiction
    profile = next((p for p in rules.jurisdictions if p.id == jurisdiction), None)

    ctx: dict[str, Any] = {
        "brief": brief,
        "kind": "Council brief" if brief else "Full assessment",
        "title": title,
        "subtitle": f"Human-rights impact assessment: {'council brief' if brief else 'full assessment'}",
        "generated": _date_text(generated) or "not stated",
        "meta": meta,
        "questionnaire": {
            "id": q.id,
            "version": q.version,
            "title": q_title,
            "description": _t(q.description, lang),
        },
        "reproducibility": {
            "questionnaire_id": a.questionnaire_id,
            "questionnaire_version": a.questionnaire_version,
            "engine_version": a.engine_version,
            "answers_sha256": a.answers_sha256,
            "questionnaire_sha256": a.questionnaire_sha256,
            "questionnaire_files": [{"name": name, "sha256": sha} for name, sha in a.questionnaire_files.items()],
            "generated": _date_text(generated) or "not stated",
            "how": "Run `pia report` on the same answers file with the same questionnaire files and engine "
            "version; the SHA-256 fingerprints identify the exact answers and questionnaire files used "
            "(the questionnaire digest is the SHA-256 of `sha256sum` over its files, sorted by name).",
        },
        "jurisdiction": {
            "id": jurisdiction or "",
            "name": _t(profile.name, lang) if profile else (jurisdiction or "Not determined"),
            "frameworks": [
                _t(f.name, lang) for f in rules.frameworks
                if f.id in a.frameworks
            ],
        },
        "outcome": {
            "id": outcome,
            "label": a.headline,
            "decided": a.decided,
            "worst": a.outcome_worst,
            "worst_label": wording.outcome_label(a.outcome_worst or outcome),
            "best": a.outcome_best,
            "best_label": wording.outcome_label(a.outcome_best or outcome),
            "decisive_gaps": [fmt.label(x) for x in a.decisive_gaps],
            "state": wording.label("outcome.decided.note") if a.decided else "",
            "turns_on": "" if a.decided else plain.turns_on([fmt.label(x) for x in a.decisive_gaps]),
            "established": "" if a.decided else plain.established(a, rights, red_flags, levels),
            "sentence": _outcome_sentence(outcome, red_flags),
            "reasons": list(a.outcome_reasons),
            # The same conclusions for the council brief, without rule ids (see plain.py).
            "plain_reasons": plain.outcome_reasons(a, rights, red_flags, levels, fmt.label),
            "decision_requested": "",
        },
        "overall_level": levels.get(str(overall)) if overall else None,
        "overall_level_label": levels[str(overall)]["label"] if overall in levels else wording.label("level.none"),
        "red_flags": red_flags,
        "red_flags_triggered": [rf for rf in red_flags if rf["status"] == "triggered"],
        "dated_obligations": [_dated(d.model_copy(update={"anchors": refs(d.anchors)}), fmt, law, lang)
                              for d in a.dated_obligations],
        "assessment_date": wording.long_date(a.assessment_date),
        "rights": rights,
        # Said only when some rating is assumed; "Established" alone needs no gloss.
        "basis_note": wording.label("basis.note") if any(
            "assumed" in (r.inherent_basis, r.residual_basis) for r in a.rights) else "",
        "accuracy": findings.accuracy(a.accuracy),
        "remedy": findings.remedy(a, q, fmt, lang),
        "derivation": derivation.annex(a, fmt, levels, lang),
        "mitigations": mitigations,
        "conditions": [m for m in mitigations if not m["counted"]],
        "safeguards_verified": [m for m in mitigations if m["counted"]],
        "evidence_gaps": gaps,
        "obligations": obligations,
        "screening": [s for s in sections if s["screening"]],
        "sections": [s for s in sections if not s["screening"]],
        "all_sections": sections,
        "contents": _contents(brief),
        "legality": _legality(q, rights, red_flags, effective, fmt, lang),
        "consultation": [s for s in sections if s["role"] == "consultation"],
        "signoff": _signoff(sections),
        "crosswalk": _crosswalk(q, answers, lang),
        "matrix": _matrix(q, rights, lang),
        "completeness": {
            "visible": done.visible,
            "answered": done.answered,
            "unknown": done.unknown,
            "required": done.required,
            "required_answered": done.required_answered,
            "missing_required": [fmt.label(x) for x in done.missing_required],
            "unanswered": figure.unanswered,
            "percent": figure.percent,
            "phrase": figure.text,
        },
        "scale_legend": [{"score": k, "word": score_word(k)} for k in wording.SCORES],
        "dimension_legend": [
            {"name": dimension_label(d), "help": dimension_help(d)} for d in DIMENSIONS
        ],
    }
    ctx["proposal"] = _proposal(ctx)
    ctx["council"] = _council(q, a, ctx, running, law, lang)
    ctx["outcome"]["decision_requested"] = ctx["council"]["decision"]["sentence"]
    ctx = scrub(ctx)
    # The documented shape (context_model.py) is checked on every build, so a key
    # added here without documenting it for template authors fails every test.
    ReportContext.model_validate(ctx)
    return ctx


def _council(q: Questionnaire, a: Assessment, ctx: dict[str, Any], running: bool | None,
             law: dict[str, AnchorState], lang: str) -> dict[str, Any]:
    """The brief's first page (council.py): decision, three reasons, red flags, completeness, what it would take."""
    when = {d["id"]: d["when"] for d in ctx["dated_obligations"]}
    flags = ctx["red_flags"]
    # The obligations that follow: those of the red flags when one applies, else those of the remaining risk.
    governing = [o for o in ctx["obligations"] if o["level"] == "red_flag"] or ctx["obligations"]
    established = a.outcome_best or a.outcome
    return {
        "decision": council.decision(a, running, q),
        "reasons": council.key_reasons(ctx["outcome"]),
        "flags": council.flags(flags, list(a.dated_obligations), q, law, when, lang, established),
        "moot_flags": council.moot_flags(flags, established),
        "completeness": council.gaps(a, ctx["outcome"], flags),
        # Its note points to the rows of the red-flag table, which only the flags that bear on the outcome have.
        "remedy": council.remedy(ctx["remedy"], [f for f in flags if not council.moot(f, established)]),
        "obligations": governing[:1],
    }


def _outcome_sentence(outcome: str, red_flags: list[dict[str, Any]]) -> str:
    """The outcome in one sentence; 'do not proceed' names its real cause (a red flag or the risk level)."""
    return wording.outcome_sentence(outcome, by_red_flag=any(f["status"] == "triggered" for f in red_flags))


def _levels(q: Questionnaire, lang: str) -> dict[str, dict[str, Any]]:
    m = q.rules.matrix
    if m is None:
        return {}
    return {
        lv.id: {"id": lv.id, "label": _t(lv.label, lang), "color": lv.color, "tint": tint(lv.color), "rank": i}
        for i, lv in enumerate(m.levels)
    }


def _level(levels: dict[str, dict[str, Any]], lid: Any) -> dict[str, Any]:
    if lid is None:
        return {"id": "", "label": wording.label("level.none"), "color": "#ffffff", "tint": "FFFFFF", "rank": -1}
    return levels.get(str(lid), {"id": str(lid), "label": str(lid), "color": "#888888", "tint": "DDDDDD", "rank": -1})


def _cited(cites: list[str], law: dict[str, AnchorState]) -> str:
    """Citations, comma-separated; one that is not in force on the assessment date says when it applies."""
    out = []
    for c in cites:
        st = law.get(c)
        if st is not None and st.in_force is not True and st.applies_from:
            c += f" ({wording.label('anchor.applies_from').format(date=wording.long_date(st.applies_from))})"
        elif st is not None and st.in_force is False and st.applies_until:
            c += f" ({wording.label('anchor.applied_until').format(date=wording.long_date(st.applies_until))})"
        out.append(c)
    return ", ".join(out)


def _dated(d: DatedObligation, fmt: Formatter, law: dict[str, AnchorState], lang: str) -> dict[str, Any]:
    if d.timing == "later":
        when = wording.label("timing.later" if d.within_period is not False else "timing.after_period")
    else:
        when = wording.label(f"timing.{d.timing}")
    return {
        "id": d.id,
        "title": _t(d.title, lang),
        "outcome_label": wording.outcome_label(d.outcome) if d.outcome else "",
        "timing": d.timing,
        "applies_from": d.applies_from or "",
        "due": d.due or "",
        "when": when.format(date=wording.long_date(d.applies_from or d.applies_until)),
        "anchors": _cited(d.anchors, law),
        "law": findings.anchors_text(findings.anchor_rows(d.anchors, law)),
        "clears": _t(d.clears, lang),
        "reason": d.reason,
        "answers": fmt.traced(d.answers),
    }


def _red_flag(rf: RedFlagResult, fmt: Formatter, lang: str, law: dict[str, AnchorState] | None = None
              ) -> dict[str, Any]:
    outcome, status = rf.outcome, rf.status
    missing = findings.evidence_missing(rf, fmt.label)
    return {
        "id": rf.id,
        "title": _t(rf.title, lang),
        "outcome": outcome,
        "outcome_label": wording.outcome_label(outcome),
        "status": status,
        "status_label": status_label(status),
        "status_short": status_label(status, short=True),
        "explanation": _t(rf.explanation, lang),
        "clears": _t(rf.clears, lang),
        "anchors": _cited(rf.anchors, law or {}),
        "law": findings.anchor_rows(rf.anchors, law or {}),
        "law_text": findings.anchors_text(findings.anchor_rows(rf.anchors, law or {})),
        "evidence_missing": missing,
        "evidence_missing_text": "; ".join(
            wording.label("evidence.missing_item").format(question=m["question"], why=m["why"]) for m in missing),
        "rights": list(rf.rights),
        "answers": fmt.traced(rf.answers),
    }


def _right(r: RightResult, fmt: Formatter, levels: dict[str, dict[str, Any]], harm: dict[str, str],
           lang: str) -> dict[str, Any]:
    dim_rows = []
    reasons = []
    for d in DIMENSIONS:
        dr = r.dimensions[d]
        value = dr.value
        rule_ids, uplifts = list(dr.rules), list(dr.uplift_rules)
        traced = fmt.traced(dr.answers)
        gap = dr.evidence_gap
        because = "; ".join(f"{x['question']}: {x['answer']}" for x in traced)
        rules_text = ", ".join(f"{rid} ({harm[rid]})" if rid in harm else rid for rid in rule_ids)
        if uplifts:
            rules_text += ("; " if rules_text else "") + "raised by " + ", ".join(
                f"{rid} ({harm[rid]})" if rid in harm else rid for rid in uplifts
            )
        if not rules_text:
            reason = "Baseline for this right (no rule raised it)."
        else:
            reason = f"Set by {rules_text}" + (f", because {because}" if because else "") + "."
        if gap:
            reason += " Rated at its worst plausible value because an answer is unknown."
        row = {
            "dimension": d,
            "name": dimension_label(d),
            "value": value,
            "word": score_word(value),
            "rules": rule_ids + uplifts,
            "answers": traced,
            "evidence_gap": gap,
            "reason": reason,
        }
        dim_rows.append(row)
        reasons.append(f"{dimension_label(d)} {row['value']}: {reason}")
    by = {row["dimension"]: row["value"] for row in dim_rows}
    inherent = _level(levels, r.inherent)
    residual = _level(levels, r.residual)
    projected = _level(levels, r.projected)
    mitig = [{
        "id": m.id,
        "state": state_label(m.state),
        "dimension": dimension_label(m.dimension),
        "reduction": m.reduction,
        "counted": m.counted,
    } for m in r.mitigations]
    name = _t(r.name, lang)
    assumed = [w for w, b in (("before", r.inherent_basis), ("after", r.residual_basis)) if b == "assumed"]
    basis = (f"{wording.basis_label('assumed', short=True).capitalize()} ({' and '.join(assumed)} safeguards)"
             if assumed else wording.basis_label("established").capitalize())
    summary = (f"{name}: {inherent['label'].lower()} before safeguards; {residual['label'].lower()} after "
               f"verified safeguards; {projected['label'].lower()} if planned safeguards are completed.")
    return {
        "id": r.id,
        "name": name,
        "summary": summary,
        "main_reason": plain.main_reason(r.dimensions, harm, note_gap=False),
        "anchors": ", ".join(r.anchors),
        "scale": by["scale"],
        "scope": by["scope"],
        "irremediability": by["irremediability"],
        "likelihood": r.likelihood,
        "severity": r.severity,
        "inherent": inherent,
        "residual": residual,
        "projected": projected,
        "inherent_basis": wording.basis_label(r.inherent_basis, short=True),
        "residual_basis": wording.basis_label(r.residual_basis, short=True),
        "basis": basis,
        "inherent_assumed": r.inherent_basis == "assumed",
        "residual_assumed": r.residual_basis == "assumed",
        "residual_known_only": _level(levels, r.residual_known_only)["label"] if r.residual_known_only else "",
        "changed": inherent["id"] != residual["id"],
        "residual_position": {"severity": r.residual_severity,
                              "likelihood": r.residual_likelihood or r.residual_dimensions["likelihood"]},
        "projected_position": {"severity": r.projected_severity,
                               "likelihood": r.projected_likelihood or r.projected_dimensions["likelihood"]},
        "dimensions": dim_rows,
        "reasons": reasons,
        "harms": [_t(h, lang) for h in r.harms],
        "mitigations": mitig,
        "evidence_gaps": [fmt.label(x) for x in r.evidence_gaps],
    }


def _mitigation(m: MitigationResult, q: Questionnaire, lang: str) -> dict[str, Any]:
    mid = m.id
    cat = next((c for c in q.rules.mitigations if c.id == mid), None)
    title = _t(m.title, lang) or (_t(cat.title, lang) if cat else mid)
    state = m.state
    evidence_needed = _t(m.evidence_required, lang) or (_t(cat.evidence, lang) if cat else "")
    rights = m.rights
    issues = "; ".join(m.issues)
    # The engine's notes may name the measure by id; the brief names it by title.
    plain_issues = issues.replace(mid, f"“{title}”") if mid else issues
    right_names = {r.id: _t(r.name, lang) for r in q.rules.rights}
    return {
        "id": mid,
        "title": title,
        "state": state,
        "state_label": state_label(state),
        "owner": m.owner or wording.label("mitigation.no_owner"),
        "due": m.due or wording.label("mitigation.no_date"),
        "evidence": m.evidence or "",
        "evidence_needed": evidence_needed,
        "rights": ", ".join(right_names.get(x, x) for x in rights),
        "counted": m.counted,
        "counted_label": wording.label("mitigation.counted" if m.counted else "mitigation.not_counted")
        + (f": {issues}" if issues else ""),
        "issues": issues,
        "still_needed": "; ".join(x for x in (plain_issues[:1].upper() + plain_issues[1:], evidence_needed) if x),
    }


def _gap(g: EvidenceGap, fmt: Formatter, q: Questionnaire, lang: str) -> dict[str, Any]:
    qid = g.question
    section = q.section_of(qid)
    return {
        "question_id": qid,
        "question": _t(g.label, lang) or fmt.label(qid),
        "section": _t(section.title, lang) if section else "",
        "status": wording.label("answer.unknown" if g.value == UNKNOWN else "answer.missing"),
        "drives": ", ".join(g.drives),
        "material": g.material,
    }


def _obligation(o: ObligationResult, levels: dict[str, dict[str, Any]], lang: str, flags: int = 0) -> dict[str, Any]:
    lvl = o.level
    months = o.review_interval_months
    level_label = levels[lvl]["label"] if lvl in levels else wording.label(f"level.{lvl}")
    return {
        "level": lvl,
        "level_label": level_label,
        "because": wording.obligation_because(lvl, level_label, flags),
        "approver": _t(o.approver, lang),
        "consultation": _t(o.consultation, lang),
        "independent_review": _t(o.independent_review, lang),
        "publication": _t(o.publication, lang),
        "review": wording.review_interval(months),
        "reason": o.reason,
    }


def _sections(q: Questionnaire, effective: dict[str, Any], fmt: Formatter, lang: str) -> list[dict[str, Any]]:
    out = []
    jq = q.rules.jurisdiction_question
    profile = effective.get(jq) if jq else None
    profile = profile if isinstance(profile, str) and profile != UNKNOWN else None
    for s in q.sections:
        if not is_visible(s.when, effective):
            continue
        qs = []
        for question in s.questions:
            if not is_visible(question.when, effective):
                continue
            value = effective.get(question.id)
            status = "unknown" if value == UNKNOWN else ("answered" if value is not None else "missing")
            qs.append({
                "id": question.id,
                "question": _t(question.label, lang),
                "answer": fmt.value(question, value),
                "status": status,
                "legal_refs": ", ".join(shown_or_note(question.legal_refs, q.rules.anchors, profile, effective)),
                "elements": ", ".join(question.elements),
            })
        out.append({
            "id": s.id,
            "title": _t(s.title, lang),
            "intro": _t(s.intro, lang),
            "screening": s.screening,
            "role": s.role or "",
            "questions": qs,
        })
    return out


def _signoff(sections: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Sign-off rows: the instrument's sign-off answers, plus room for signatures."""
    rows = []
    for s in (s for s in sections if s["role"] == "signoff"):
        for item in s["questions"]:
            rows.append({"role": item["question"], "entry": item["answer"]})
    return rows


def _contents(brief: bool) -> list[str]:
    if brief:
        return ["Decision requested", "Outcome", "How complete the assessment is", "What it would take",
                "Red flags", "Risk to each right", "Conditions and safeguards", "What follows",
                "What is proposed"]
    return [
        "Summary", "Screening and legal triage", "Answers by section",
        "Legality and proportionality, right by right", "Risk to each right", "Risk matrix",
        "Mitigation plan", "Evidence gaps", "Obligations that follow", "Consultation record",
        "Sign-off", "Annex: framework crosswalk", "Annex: reproducibility", "Annex: derivation of every rating",
    ]


def _proposal(ctx: dict[str, Any]) -> list[dict[str, str]]:
    """What is proposed, by whom, where: meta plus the screening answers that are known (the brief states what is
    not known yet among the reasons and gaps on its first page; the full report lists every answer)."""
    meta = ctx["meta"]
    rows = [
        {"question": "Proposal", "answer": ctx["title"]},
        {"question": "Organisation", "answer": meta["organisation"] or wording.label("answer.not_stated")},
        {"question": "Prepared by", "answer": meta["prepared_by"] or wording.label("answer.not_stated")},
    ]
    for s in ctx["screening"]:
        rows += [{"question": x["question"], "answer": x["answer"]} for x in s["questions"] if x["status"] == "answered"]
    return rows


def _legality(
    q: Questionnaire,
    rights: list[dict[str, Any]],
    red_flags: list[dict[str, Any]],
    effective: dict[str, Any],
    fmt: Formatter,
    lang: str,
) -> dict[str, Any]:
    """The legality test: what the answers say on each limb, then each right's position.

    The tool does not pretend to decide legality; it sets out, limb by limb,
    what was answered and what is unknown (once, since the limbs are the same
    for every right), and per right the interference and the red flags on it.
    """
    visible: list[tuple[Any, Any]] = []
    for s in q.sections:
        if is_visible(s.when, effective):
            visible += [(s, x) for x in s.questions if is_visible(x.when, effective)]
    limbs = []
    for limb in q.rules.legality_limbs:
        key, title = limb.id, _t(limb.title, lang)
        picked = [x for s, x in visible if s.id in limb.sections or x.id in limb.questions
                  or any(e in limb.elements for e in x.elements)]
        items = []
        for x in picked:
            answer = fmt.value(x, effective.get(x.id))
            if len(answer) > EVIDENCE_CHARS:
                answer = answer[:EVIDENCE_CHARS].rstrip() + "... (full answer in section 3)"
            items.append({"question": _t(x.label, lang), "answer": answer})
        unknown = sum(1 for x in picked if effective.get(x.id) == UNKNOWN)
        missing = sum(1 for x in picked if x.id not in effective)
        if not picked:
            status = "Not covered by the questionnaire"
        elif unknown or missing:
            status = f"Evidence incomplete ({unknown} unknown, {missing} not answered)"
        else:
            status = "Answered"
        evidence = "\n".join(f"{x['question']}: {x['answer']}" for x in items) or "No question addresses this."
        limbs.append({"key": key, "title": title, "status": status, "answers": items, "evidence": evidence})
    per_right = []
    for r in rights:
        flags = [rf for rf in red_flags if not rf["rights"] or r["id"] in rf["rights"]]
        triggered = [f for f in flags if f["status"] == "triggered"]
        potential = [f for f in flags if f["status"] != "triggered"]
        if triggered:
            verdict = "Fails the legality gate: " + "; ".join(f"{f['id']} {f['title']}" for f in triggered) + "."
        elif potential:
            verdict = ("May fail the legality gate, depending on answers still unknown: "
                       + "; ".join(f"{f['id']} {f['title']}" for f in potential) + ".")
        else:
            verdict = (f"Interference rated {r['inherent']['label'].lower()} before and "
                       f"{r['residual']['label'].lower()} after verified safeguards; it must be justified "
                       "on every limb of the test.")
        per_right.append({
            "right": r["name"],
            "anchors": r["anchors"],
            "interference": "; ".join(r["harms"]) or "No specific harm identified by the rules.",
            "red_flags": ", ".join(f"{f['id']} ({f['status_label']})" for f in flags) or "None",
            "verdict": verdict,
        })
    return {"limbs": limbs, "rights": per_right}


CROSSWALK_STATUS = {s: wording.label(f"answer.{s}") for s in ("answered", "unknown", "missing", "not_applicable")}


def _crosswalk(q: Questionnaire, answers: AnswerSet, lang: str) -> list[dict[str, Any]]:
    """Per framework element: which questions answer it and whether they are answered.

    Built on pia.crosswalk (the instrument's own inversion of question `elements`).
    Frameworks that apply in this jurisdiction are listed element by element;
    the others are summarised, so the annex stays readable.
    """
    titles = {s.id: _t(s.title, lang) for s in q.sections}
    out = []
    for fw in crosswalk(q, answers):
        required = [e for e in fw.elements if e.required]
        answered = sum(1 for e in required if e.status == "answered")
        rows = []
        for e in fw.elements:
            where = [f"{x.label} ({CROSSWALK_STATUS.get(x.status or '', x.status or '')}, {titles.get(x.section, x.section)})"
                     for x in e.questions]
            rows.append({
                "id": e.id,
                "title": e.title,
                "required": wording.label("crosswalk.required" if e.required else "crosswalk.optional"),
                "where": "\n".join(where) or "No question covers this element",
                "status": (wording.label("crosswalk.not_covered") if not e.questions
                           else CROSSWALK_STATUS.get(e.status or "", e.status or "")),
            })
        applies = fw.applies is not False
        out.append({
            "id": fw.id,
            "name": fw.name,
            "applies": applies,
            "applies_label": wording.label("crosswalk.applies" if fw.applies else (
                "crosswalk.for_reference" if fw.applies is False else "crosswalk.jurisdiction_unknown")),
            "summary": f"{answered} of {len(required)} required elements answered",
            "elements": rows if applies else [],
        })
    return out


def _matrix(q: Questionnaire, rights: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The matrix as data: grid of levels with the rights placed in it, plus a legend."""
    m = q.rules.matrix
    if m is None:
        return {"present": False, "rows": [], "levels": [], "alt": "No risk matrix is defined."}
    levels = {lv.id: (_t(lv.label, lang), lv.color) for lv in m.levels}
    marks: dict[tuple[int, int], list[str]] = {}
    for r in rights:
        sev, lik = r["severity"], r["likelihood"]
        if isinstance(sev, int) and isinstance(lik, int):
            marks.setdefault((sev, lik), []).append(f"{r['name']} (before)")
        rs, rl = r["residual_position"]["severity"], r["residual_position"]["likelihood"]
        if isinstance(rs, int) and isinstance(rl, int) and (rs, rl) != (sev, lik):
            marks.setdefault((rs, rl), []).append(f"{r['name']} (after)")
    rows = []
    for sev in (4, 3, 2, 1):
        cells = []
        for lik in (1, 2, 3, 4):
            lid = m.level(sev, lik)
            cells.append({
                "likelihood": lik,
                "level": lid,
                "label": levels[lid][0],
                "color": levels[lid][1],
                "tint": tint(levels[lid][1]),
                "rights": marks.get((sev, lik), []),
                "text": levels[lid][0] + ("\n" + "\n".join(marks.get((sev, lik), [])) if marks.get((sev, lik)) else ""),
            })
        rows.append({"severity": sev, "word": score_word(sev), "cells": cells})
    alt = [
        "Risk matrix: severity from 1 (low) to 4 (very high) down the side, likelihood from "
        "1 to 4 along the bottom; each cell coloured by risk level."
    ]
    for r in rights:
        sev, lik = r["severity"], r["likelihood"]
        rs, rl = r["residual_position"]["severity"], r["residual_position"]["likelihood"]
        line = f"{r['name']}: before safeguards severity {sev}, likelihood {lik}, {r['inherent']['label']}"
        if rs != "" and rl != "":
            line += f"; after verified safeguards severity {rs}, likelihood {rl}, {r['residual']['label']}"
        else:
            line += f"; after verified safeguards {r['residual']['label']}"
        alt.append(line + ".")
    return {
        "present": True,
        "rows": rows,
        "levels": [{"id": lv.id, "label": _t(lv.label, lang), "color": lv.color} for lv in m.levels],
        "alt": " ".join(alt),
        "caption": "Where each right sits before and after verified safeguards.",
    }
