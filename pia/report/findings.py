"""Report rows for the method-v2 findings: anchors with their status and dates, the evidence a clearing
answer still lacks, accuracy weighed, and what it would take (the remedy).

Plain data for the report context; every word from `pia.wording`, every
number from the Assessment. Kept apart from context.py so that file stays the
assembly of the context and this one the wording of these newer records.
"""

from __future__ import annotations

from typing import Any

from ..assess.models import AccuracyResult, AnchorState, Assessment, RedFlagResult
from ..model import Questionnaire
from ..references import unqualified
from ..text import text
from ..wording import anchor_status_label, label, long_date, outcome_label, state_label


def anchor_rows(cites: list[str], law: dict[str, AnchorState]) -> list[dict[str, str]]:
    """Each anchor a finding cites, with its status (binding, soft law, local policy) and its dates."""
    out = []
    for c in cites:
        st = law.get(c) or law.get(unqualified(c))  # "ECHR Art. 8 (if the state is a party ...)" too
        if st is None:
            out.append({"cite": c, "status": "", "dates": "", "in_force": ""})
            continue
        dates = []
        if st.applies_from:
            key = "anchor.applied_since" if st.in_force else "anchor.applies_from"
            dates.append(label(key).format(date=long_date(st.applies_from)))
        if st.applies_until:
            lapsed = st.in_force is False and not st.applies_from
            key = "anchor.applied_until" if lapsed else "anchor.applies_until"
            dates.append(label(key).format(date=long_date(st.applies_until)))
        out.append({
            "cite": c,
            "status": anchor_status_label(st.status),
            "dates": "; ".join(dates),
            "in_force": label("anchor.in_force" if st.in_force else (
                "anchor.not_in_force" if st.in_force is False else "anchor.in_force_unknown")),
        })
    return out


def anchors_text(rows: list[dict[str, str]]) -> str:
    """'ECHR Art. 8 (Binding); AI Act Art. 5 (Binding, applies since 2 Feb 2025)'.

    Being in force is the usual case and goes unsaid here (the full report's table states it); an anchor not
    in force on the assessment date, or whose force is unknown, says so.
    """
    parts = []
    usual = label("anchor.in_force")
    for r in rows:
        bits = [x for x in (r["status"], r["dates"], r["in_force"]) if x and x != usual]
        parts.append(r["cite"] + (f" ({', '.join(bits)})" if bits else ""))
    return "; ".join(parts)


def anchors_short(rows: list[dict[str, Any]]) -> str:
    """The brief's legal basis: 'ECHR Art. 8; EDPB Guidelines 3/2019 (soft law); AI Act Art. 5 (applies from ...)'.

    Binding is the usual case and goes unsaid (the table's heading says so); soft law and local policy say so,
    and an anchor with dates says them.
    """
    marks = {anchor_status_label("soft_law"): label("law.soft_law"),
             anchor_status_label("local_policy"): label("law.local_policy")}
    usual = label("anchor.in_force")
    parts = []
    for r in rows:
        bits = [marks[r["status"]]] if r["status"] in marks else []
        if r["dates"]:
            bits.append(r["dates"])
        if r["in_force"] and r["in_force"] != usual and not r["dates"]:
            bits.append(r["in_force"])
        parts.append(r["cite"] + (f" ({', '.join(bits)})" if bits else ""))
    return "; ".join(parts)


def evidence_missing(rf: RedFlagResult, label_of: Any) -> list[dict[str, str]]:
    """Answers that would clear the flag but have no evidence record yet (they read as unknown)."""
    return [{"question": label_of(qid), "why": why} for qid, why in rf.evidence_missing.items()]


def accuracy(acc: AccuracyResult | None) -> dict[str, Any]:
    """Accuracy weighed, when the instrument and the answers call for it: the result and its derivation."""
    if acc is None:
        return {"present": False, "heading": label("accuracy.heading"), "result": "", "reason": "",
                "derivation": []}
    return {
        "present": True,
        "heading": label("accuracy.heading"),
        "result": acc.result,
        "reason": acc.reason,
        "derivation": list(acc.derivation),
    }


def remedy(a: Assessment, q: Questionnaire, fmt: Any, lang: str) -> dict[str, Any]:
    """What it would take to reach the next better outcome, if the Assessment carries it.

    Consumes only the remedy's data shape {target_outcome, basis, sets, reaches, flags}; changes are worded
    with question labels, answer labels and safeguard titles (no ids), so the brief can show them too.
    """
    rem = a.remedy or {}
    empty = {"present": False, "basis": "", "heading": label("remedy.heading"), "target_label": "", "intro": "",
             "sets": [], "flags": []}
    if not rem:
        return empty
    titles = {m.id: text(m.title, lang) for m in q.rules.mitigations}
    target = rem.get("target_outcome")
    basis = rem.get("basis", "")
    intro = {
        "prohibited": label("remedy.prohibited"),
        "none_needed": label("remedy.none_needed"),
        "answer_gaps": label("remedy.gaps"),
        "none_found": label("remedy.none_found").format(target=outcome_label(target or "")),
    }.get(basis, "")
    if basis == "search" and not rem.get("exhaustive", True):
        intro = label("remedy.not_exhaustive")
    reaches = list(rem.get("reaches") or [])
    sets = []
    for i, s in enumerate(rem.get("sets") or []):
        n = label("remedy.one_change") if len(s) == 1 else label("remedy.n_changes").format(n=len(s))
        goal = reaches[i] if i < len(reaches) else (target or "")
        title = label("remedy.set_first" if i == 0 else "remedy.set_other").format(
            n=n, target=outcome_label(goal)) if basis == "search" else ""
        sets.append({"title": title, "reaches": outcome_label(goal) if goal else "",
                     "changes": [_change(c, titles, fmt) for c in s]})
    flags = []
    for fid, entry in (rem.get("flags") or {}).items():
        flag = a.red_flag(fid)
        flags.append({
            "id": fid,
            "title": text(flag.title, lang) if flag is not None else fid,
            "clears": text(entry.get("clears_text"), lang) if entry.get("clears_text") else "",
            "answers": [" and ".join(_change(c, titles, fmt) for c in s)
                        for s in entry.get("answer_changes") or []],
            "evidence": ", ".join(fmt.label(x) for x in entry.get("evidence_questions") or []),
        })
    return {
        "present": True,
        "basis": basis,
        "heading": label("remedy.heading"),
        "target_label": outcome_label(target) if target else "",
        "intro": intro,
        "sets": sets,
        "flags": flags,
    }


def _change(c: dict[str, Any], titles: dict[str, str], fmt: Any) -> str:
    cid = str(c.get("id", ""))
    if c.get("kind") == "safeguard":
        was = c.get("from")  # the plan state, or null when the plan does not list it
        return label("remedy.plain_safeguard").format(
            title=titles.get(cid, cid), was=state_label(was) if was else label("remedy.not_in_plan"))
    if c.get("kind") == "evidence":
        return label("remedy.plain_evidence").format(question=fmt.label(cid), answer=fmt.answer(cid, c.get("from")))
    if "to" not in c or c.get("to") is None:
        return label("remedy.plain_answer_gap").format(question=fmt.label(cid))
    was, to = c.get("from"), c.get("to")
    if isinstance(was, list) and isinstance(to, list):
        q = fmt.q.question(cid)
        what = []
        if [x for x in was if x not in to]:
            what.append(label("remedy.list_remove").format(items=fmt.value(q, [x for x in was if x not in to])))
        if [x for x in to if x not in was]:
            what.append(label("remedy.list_add").format(items=fmt.value(q, [x for x in to if x not in was])))
        return label("remedy.plain_list").format(question=fmt.label(cid), what="; ".join(what))
    return label("remedy.plain_answer").format(question=fmt.label(cid), was=fmt.answer(cid, c.get("from")),
                                              to=fmt.answer(cid, c.get("to")))


__all__ = ["accuracy", "anchor_rows", "anchors_short", "anchors_text", "evidence_missing", "remedy"]
