"""The council brief's first page: the decision asked of the council, the outcome and the three reasons behind
it, each red flag with its reason, legal basis and status, how complete the assessment is and what the open
gaps could change, and what it would take to reach a better outcome.

Built from the report context's rows (already worded) and the Assessment; every word from `pia.wording`.
Kept apart from context.py, which assembles the whole context, because these are the brief's own choices:
what to say first, and how to say it in the least space.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..assess.models import Assessment
from ..assess.summary import completeness_figure
from ..conditions import UNKNOWN
from ..model import Questionnaire
from ..text import text
from ..wording import OUTCOMES, label, outcome_label
from . import findings, plain

IN_USE: Mapping[str, str] = {"change_type": "existing_review", "assessment_timing": "in_use"}
"""Answers that say the system is already operating: screening's "A review of a system already in use" and
"About this assessment"'s "The system is already in use". Any other answer to either says it is not; a
questionnaire without either question leaves it unsaid."""

DECISION: Mapping[str, str] = {
    "proceed": "approve", "proceed_with_conditions": "approve_conditions", "revise": "send_back",
    "incomplete": "send_back", "do_not_proceed": "refuse", "prohibited": "refuse",
}
"""The decision each outcome asks of the council, for a proposal."""
RUNNING: Mapping[str, str] = {"do_not_proceed": "suspend", "prohibited": "stop"}
"""For a system already in use, refusing is no longer open: it is suspended or stopped instead."""
OPTIONS = ("approve", "approve_conditions", "send_back", "refuse")
OPTIONS_RUNNING = ("approve", "approve_conditions", "send_back", "suspend", "stop")
STOPS = ("do_not_proceed", "prohibited")
MAX_REASONS = 3
MAX_QUESTIONS = 5
"""Decisive questions named on page 1; the full assessment lists the rest."""


def in_use(q: Questionnaire, effective: Mapping[str, Any]) -> bool | None:
    """True when an answer says the system already operates, False when the answers say it does not, None when
    they do not say (unanswered, unknown, or no such question in the questionnaire)."""
    said = False
    for qid, value in IN_USE.items():
        answer = effective.get(qid)
        if q.question(qid) is None or answer is None or answer == UNKNOWN:
            continue
        if answer == value:
            return True
        said = True
    return False if said else None


def decision_for(outcome: str, running: bool | None) -> str:
    return RUNNING.get(outcome, DECISION[outcome]) if running else DECISION.get(outcome, "send_back")


def _word(decision: str) -> str:
    return label(f"decision.{decision}")


def _sentence(decision: str, outcome: str, running: bool | None) -> str:
    if running:
        return label(f"decision.{decision}.sentence_running")
    if decision == "refuse" and outcome == "prohibited":
        return label("decision.refuse.sentence_prohibited")
    return label(f"decision.{decision}.sentence")


def decision(a: Assessment, running: bool | None, q: Questionnaire) -> dict[str, Any]:
    """What the council is asked to decide, among the options open to it.

    An open outcome whose better end is already a stop asks for that stop now (the open answers can only make
    it worse); any other open outcome is sent back until its decisive questions are answered.
    """
    outcome, best, worst = a.outcome, a.outcome_best or a.outcome, a.outcome_worst or a.outcome
    note = ""
    if a.decided:
        chosen = decision_for(outcome, running)
        sentence = _sentence(chosen, outcome, running)
    elif best in STOPS:
        chosen = decision_for(best, running)
        sentence = _sentence(chosen, worst if decision_for(worst, running) == chosen else best, running)
        note = label("decision.either_way").format(best=outcome_label(best))
    else:
        chosen = "send_back"
        sentence = label("decision.send_back.sentence_open").format(
            worst=_word(decision_for(worst, running)).lower(), best=_word(decision_for(best, running)).lower())
    options = OPTIONS_RUNNING if running else OPTIONS
    asks = any(q.question(x) is not None for x in IN_USE)
    status = ("decision.running" if running else "decision.not_running" if running is False
              else "decision.running_unknown")
    return {
        "id": chosen,
        "label": _word(chosen),
        "sentence": sentence,
        "note": note,
        "running": bool(running),
        "running_text": label(status) if asks else "",
        "options": [_word(o) for o in options],
        "options_text": label("decision.options").format(options="; ".join(_word(o) for o in options)),
    }


def key_reasons(outcome: Mapping[str, Any]) -> list[str]:
    """The three reasons that decide the outcome, in plain words.

    Decided: the first three plain reasons (the engine's order: red flags, then the remaining risk). Open: what
    the known answers already establish, what it turns on, then the first finding that depends on an unknown.
    """
    reasons = list(outcome["plain_reasons"])
    if outcome["decided"]:
        return reasons[:MAX_REASONS]
    gaps = list(outcome["decisive_gaps"])
    turns = plain.turns_on(gaps[:MAX_QUESTIONS])
    if len(gaps) > MAX_QUESTIONS:
        turns = turns.rstrip(".") + label("outcome.open.more").format(n=len(gaps) - MAX_QUESTIONS)
    head = [x for x in (outcome["established"], turns) if x]
    # reasons[0] is the open range with what it turns on, reasons[-1] the closing advice; the middle holds findings.
    rest = [x for x in reasons[1:-1] if x != outcome["established"]]
    return (head + rest)[:MAX_REASONS]


def moot(f: Mapping[str, Any], established: str) -> bool:
    """A potential flag that cannot change the outcome: its own outcome is no worse than what the known answers
    already establish (`outcome_best`). The brief names it in one line; the full report keeps its row."""
    return f["status"] == "potential" and OUTCOMES.index(f["outcome"]) >= OUTCOMES.index(established)


def flags(red_flags: list[dict[str, Any]], dated: list[Any], q: Questionnaire, law: Mapping[str, Any],
          when: Mapping[str, str], lang: str, established: str) -> list[dict[str, str]]:
    """Every red flag that bears on the decision, with its status (established, potential, dated), its reason and
    its legal basis; potential flags that cannot change the outcome are `moot_flags`."""
    rows = []
    for basis in ("triggered", "potential"):
        for f in (f for f in red_flags if f["status"] == basis and not moot(f, established)):
            missing = (f" {label('evidence.missing')}: {f['evidence_missing_text']}"
                       if f["evidence_missing_text"] else "")
            # A flag that only may apply shows its legal basis and the first sentence of what would clear it; why
            # it would apply is in the full report. So a case with many open questions still fits three pages.
            potential = basis == "potential"
            rows.append({
                "title": f["title"],
                "status": label("flag_basis.established" if not potential else "flag_basis.potential"),
                "reason": "" if potential else f["explanation"],
                "law": findings.anchors_short(f["law"]).rstrip("."),
                "clears": (_first_sentence(f["clears"]) if potential else f["clears"]) + missing,
            })
    for d in dated:
        if d.source != "red_flag" or d.timing != "later":
            continue
        # A duty that applies only later is not a stop today: like a flag that only may apply, it shows its legal
        # basis (with the date) and the first sentence of what meets it; why it applies is in the full report.
        rows.append({
            "title": text(d.title, lang),
            "status": label("flag_basis.dated").format(when=when.get(d.id, "")),
            "reason": "",
            "law": findings.anchors_short(findings.anchor_rows(d.anchors, law)).rstrip("."),
            "clears": _first_sentence(text(d.clears, lang)) if d.clears else "",
        })
    return rows


def moot_flags(red_flags: list[dict[str, Any]], established: str) -> str:
    """One sentence naming the potential flags that cannot change the outcome, or "" when there are none: a
    case with many open questions keeps its brief to the flags that decide."""
    # A flag kept potential only by a clearing answer without its evidence says so here too (method v2).
    titles = [f["title"] + (f" ({label('evidence.missing')}: {f['evidence_missing_text']})"
                            if f["evidence_missing_text"] else "")
              for f in red_flags if moot(f, established)]
    if not titles:
        return ""
    return label("flags.moot").format(outcome=outcome_label(established), titles="; ".join(titles))


def _first_sentence(words: str) -> str:
    """The first sentence of a text (up to its first full stop followed by a space), or the whole text."""
    head, sep, _ = (words or "").partition(". ")
    return head + "." if sep else words


def gaps(a: Assessment, outcome: Mapping[str, Any], red_flags: list[dict[str, Any]]) -> dict[str, Any]:
    """How complete the assessment is (the core figure) and what the open gaps could change."""
    figure = completeness_figure(a.completeness)
    could = [outcome["state"] if outcome["decided"] else label("gaps.open").format(
        worst=outcome["worst_label"], best=outcome["best_label"])]
    assumed = sum(1 for r in a.rights if "assumed" in (r.inherent_basis, r.residual_basis))
    if assumed:
        could.append(label("gaps.assumed").format(n=assumed, total=len(a.rights)))
    elif a.rights:
        could.append(label("gaps.established"))
    potential = sum(1 for f in red_flags if f["status"] == "potential")
    if potential:
        could.append(label("gaps.potential_flags").format(n=potential, s="" if potential == 1 else "s"))
    return {"figure": figure.text, "percent": figure.percent, "could_change": [c for c in could if c]}


def remedy(rem: Mapping[str, Any], red_flags: list[dict[str, Any]]) -> dict[str, Any]:
    """What it would take, in the least space: the first smallest set, or the decisive questions to answer, or
    why there is none; what would clear each red flag stands in its row of the red-flag table."""
    intro, changes = label("remedy.none_asked"), []
    if rem["present"] and rem["basis"] == "answer_gaps":  # the questions are named under the outcome
        intro = label("remedy.brief_gaps")
    elif rem["present"]:
        intro = rem["intro"]
        first = rem["sets"][0] if rem["sets"] else None
        if first is not None:
            intro = first["title"] or intro
            changes += first["changes"]
    # A prohibition's own intro already points to the flags.
    note = label("remedy.see_flags") if red_flags and not (rem["present"] and rem["basis"] == "prohibited") else ""
    return {"heading": label("remedy.heading"), "intro": intro, "changes": changes, "note": note}


__all__ = ["decision", "decision_for", "flags", "gaps", "in_use", "key_reasons", "moot_flags", "remedy"]
