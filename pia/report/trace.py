"""The auditor's trace of every red flag and rating, as plain data for any surface (the app shows it).

It is the full report's own shaping, not a second one: each red flag as the
report words it (explanation, decisive answers, legal anchors with status and
dates, what would clear it), each right with its dimension reasons and its
derivation from the annex. Every traced answer keeps its question id, so a
surface can link it to the question.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..assess.models import Assessment
from ..model import Questionnaire
from ..references import shown_or_note
from . import derivation
from .context import Formatter, _levels, _red_flag, _right, _t


def trace(q: Questionnaire, a: Assessment, lang: str = "en",
          answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """{"method": [...], "red_flags": [...], "rights": [...]} in the full report's words and order.

    Each red flag cites the sources of the assessment's jurisdiction, as the report does (`answers`, the
    effective answers, say whether an international assessment's state is a party to the ECHR).
    """
    fmt = Formatter(q, lang)
    levels = _levels(q, lang)
    law = {s.cite: s for s in a.law}
    rule_harm = {r.id: _t(r.harm, lang) for r in q.rules.risk_rules}
    rights = []
    for r in a.rights:
        row = _right(r, fmt, levels, rule_harm, lang)
        row["derivation"] = derivation.right(r, a, fmt, levels, lang)
        hits = {h.id: h for h in r.rule_hits}
        for rule in row["derivation"]["rules"]:   # each rule's answers with their question ids
            rule["traced"] = fmt.traced(hits[rule["id"]].answers if rule["id"] in hits else {})
        rights.append(row)
    return {
        "method": derivation.method(a.reduction_cap, a.matrix.scope_above_scale, a.matrix.place_each_harm),
        "red_flags": [_red_flag(rf.model_copy(update={"anchors": shown_or_note(
            rf.anchors, q.rules.anchors, a.jurisdiction, answers)}), fmt, lang, law) for rf in a.red_flags],
        "rights": rights,
    }
