"""Markdown output: the report for the web, screen readers and diffs.

Built with plain string code (never a template engine), and every piece of user
text goes through `md()`: HTML-significant characters become entities and
Markdown punctuation is backslash-escaped, so an answer shows literally and can
neither inject HTML nor restructure the document.
"""

from __future__ import annotations

import re
from typing import Any

from .. import wording
from ..wording import label

_PUNCT = re.compile(r"([\\`*_\[\]#|~])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.M)


def _escape_line_start(m: re.Match[str]) -> str:
    """'- x' -> '\\- x'; '1. x' -> '1\\. x' (a backslash before a digit would print as itself)."""
    mark = m.group(2)
    if mark[0].isdigit():
        return m.group(1) + mark[:-1] + "\\" + mark[-1]
    return m.group(1) + "\\" + mark


def md(value: Any, table: bool = False) -> str:
    """Escape text for Markdown; in tables newlines become <br>."""
    s = str(value)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _PUNCT.sub(r"\\\1", s)
    if table:
        # A table cell cannot start a block (list, heading, quote), so no line-start escape:
        # it would show as a stray backslash, e.g. in a version number "0.1.0".
        return s.replace("\t", " ").replace("\n", "<br>") or " "
    s = _LINE_START.sub(_escape_line_start, s)
    return s.replace("\n", "\\\n")


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(md(h, True) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md(c, True) for c in row) + " |" for row in rows]
    return "\n".join(out)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def render_markdown(ctx: dict[str, Any]) -> str:
    brief = ctx["brief"]
    parts: list[str] = []
    add = parts.append
    meta = ctx["meta"]
    add(f"# {md(ctx['title'])}")
    add(f"*{md(ctx['subtitle'])}*")
    if brief:  # decision first: one line of who and when, then straight to the decision
        add(md(f"{meta['organisation'] or label('answer.not_stated')} · prepared by "
               f"{meta['prepared_by'] or label('answer.not_stated')} · answers dated "
               f"{meta['date'] or label('answer.not_stated')} · generated {ctx['generated']}"))
        _brief(ctx, add)
        return "\n\n".join(parts) + "\n"
    add(_table(["Item", "Detail"], [
        ["Organisation", meta["organisation"] or label("answer.not_stated")],
        ["Prepared by", meta["prepared_by"] or label("answer.not_stated")],
        ["Date of the answers", meta["date"] or label("answer.not_stated")],
        ["Report generated", ctx["generated"]],
        ["Questionnaire", f"{ctx['questionnaire']['title']} ({ctx['questionnaire']['id']} "
                          f"{ctx['questionnaire']['version']})"],
        ["Jurisdiction", ctx["jurisdiction"]["name"]],
        ["Outcome", ctx["outcome"]["label"]],
        ["Highest remaining risk", ctx["overall_level_label"]],
        ["Answered", ctx["completeness"]["phrase"]],
    ]))
    add("## Contents")
    add("\n".join(f"{i}. [{md(c)}](#{_slug(c)})" for i, c in enumerate(ctx["contents"], 1)))
    _full(ctx, add)
    return "\n\n".join(parts) + "\n"


def _outcome(ctx: dict[str, Any], add: Any, heading: str) -> None:
    o = ctx["outcome"]
    add(f"## {heading}")
    add(f"**Outcome: {md(o['label'])}.** {md(o['sentence'])}")
    _open(o, add)
    if o["reasons"]:
        add("\n".join(f"- {md(r)}" for r in o["reasons"]))


def _open(o: dict[str, Any], add: Any) -> None:
    """Decided, or open between two ends: what it turns on and what the known answers establish."""
    if o["decided"]:
        add(f"*{md(o['state'])}*")
        return
    add("\n".join(f"- {md(x)}" for x in (o["turns_on"], o["established"]) if x))


def _remedy(ctx: dict[str, Any], add: Any, brief: bool = False) -> None:
    """What it would take, when the assessment carries it (the brief: the smallest set, one change per flag)."""
    rem = ctx["remedy"]
    if not rem["present"] or (brief and rem["basis"] == "prohibited"):
        return
    add(f"### {md(rem['heading'])}")
    if rem["intro"]:
        add(md(rem["intro"]))
    for s in rem["sets"][:1] if brief else rem["sets"]:
        lines = ([md(s["title"])] if s["title"] else []) + [f"- {md(c)}" for c in s["changes"]]
        add("\n".join(lines))
    if brief:  # the brief's red-flag table already says what clears each flag
        return
    for f in rem["flags"]:
        lines = [f"**{md(f['title'])}**"]
        if f["clears"]:
            lines.append(f"- {md(f['clears'])}")
        lines += [f"- {md(x)}" for x in f["answers"]]
        if f["evidence"]:
            lines.append(f"- {md(label('remedy.flag_evidence').format(ids=f['evidence']))}")
        add("\n".join(lines))


def _accuracy(ctx: dict[str, Any], add: Any, level: str = "###") -> None:
    acc = ctx["accuracy"]
    if not acc["present"]:
        return
    add(f"{level} {md(acc['heading'])}")
    add("\n".join(f"- {md(x)}" for x in [acc["reason"], *acc["derivation"]]))


def _red_flags(ctx: dict[str, Any], add: Any, detail: bool) -> None:
    flags = ctx["red_flags"]
    if not flags:
        add("No red flag applies: nothing in the answers engages an absolute legal bar.")
        return
    add(_table(["Red flag", "Status", "Forces", "Legal basis", "What would clear it",
                label("evidence.missing")],
               [[f"{f['id']}: {f['title']}", f["status_label"], f["outcome_label"], f["anchors"], f["clears"],
                 f["evidence_missing_text"] or "-"] for f in flags]))
    if detail:
        for f in flags:
            add(f"### {md(f['id'])}: {md(f['title'])}")
            if f["explanation"]:
                add(md(f["explanation"]))
            if f["answers"]:
                add("\n".join(f"- {md(x['question'])}: {md(x['answer'])}" for x in f["answers"]))
            if f["law"]:
                add(_table(["Legal anchor", "Status", "Dates", "On the assessment date"],
                           [[x["cite"], x["status"], x["dates"] or "-", x["in_force"]] for x in f["law"]]))
            if f["evidence_missing"]:
                add(f"{md(label('evidence.missing'))}:\n\n" + "\n".join(
                    f"- {md(label('evidence.missing_item').format(question=x['question'], why=x['why']))}"
                    for x in f["evidence_missing"]))


def _dated(ctx: dict[str, Any], add: Any, brief: bool = False) -> None:
    """Duties whose legal basis applies only from a later date: listed with their date, not as stops."""
    rows = ctx["dated_obligations"]
    if not rows:
        return
    add(f"### {wording.label('dated.heading')}")
    if brief:
        add(_table(["Duty", "When", "What meets it"], [[d["title"], d["when"], d["clears"]] for d in rows]))
        return
    add(md(wording.label("dated.intro").format(date=ctx["assessment_date"])))
    add(_table(["Duty", "When", "Once it applies", "Legal basis", "What meets it"],
               [[f"{d['id']}: {d['title']}", d["when"], d["outcome_label"], d["law"], d["clears"]] for d in rows]))
    add("\n".join(f"- {md(d['reason'])}" for d in rows))


def _rights(ctx: dict[str, Any], add: Any) -> None:
    add(_table(
        ["Right", "Scale", "Scope", "Irremediability", "Likelihood", "Before safeguards",
         "After verified safeguards", "If planned safeguards are done", label("basis.heading")],
        [[r["name"], r["scale"], r["scope"], r["irremediability"], r["likelihood"], r["inherent"]["label"],
          r["residual"]["label"], r["projected"]["label"], r["basis"]] for r in ctx["rights"]],
    ))
    add(f"*Dimensions are rated 1 (low) to 4 (very high); only verified safeguards lower a rating. "
        f"{md(ctx['basis_note'])}*")


def _matrix(ctx: dict[str, Any], add: Any) -> None:
    m = ctx["matrix"]
    if not m["present"]:
        add(md(m["alt"]))
        return
    add(md(m["alt"]))
    add(_table(["Severity", "Likelihood 1", "Likelihood 2", "Likelihood 3", "Likelihood 4"],
               [[f"{row['severity']} ({row['word']})"] + [c["text"] for c in row["cells"]] for row in m["rows"]]))


def _mitigations(ctx: dict[str, Any], add: Any) -> None:
    if not ctx["mitigations"]:
        add("No safeguards are recorded.")
        return
    add(_table(["Safeguard", "State", "Owner", "Due", "Evidence", "Counts now"],
               [[m["title"], m["state_label"], m["owner"], m["due"], m["evidence"] or m["evidence_needed"],
                 m["counted_label"]] for m in ctx["mitigations"]]))


def _obligations(ctx: dict[str, Any], add: Any) -> None:
    if not ctx["obligations"]:
        add("No obligations are defined for this outcome.")
        return
    add(_table(["Applies at", "Who approves", "Consultation", "Independent review", "Publication", "Review"],
               [[o["level_label"], o["approver"], o["consultation"], o["independent_review"], o["publication"],
                 o["review"]] for o in ctx["obligations"]]))


def _repro(ctx: dict[str, Any], add: Any) -> None:
    r = ctx["reproducibility"]
    add(_table(["Item", "Detail"], [
        ["Questionnaire", f"{r['questionnaire_id']} version {r['questionnaire_version']}"],
        ["Engine version", r["engine_version"]],
        ["SHA-256 of the answers", r["answers_sha256"]],
        ["SHA-256 of the questionnaire", r["questionnaire_sha256"] or "not recorded"],
        *[[f"- {f['name']}", f["sha256"]] for f in r["questionnaire_files"]],
        ["Generated", r["generated"]],
        ["How to reproduce", r["how"]],
    ]))


def _brief(ctx: dict[str, Any], add: Any) -> None:
    """The council brief: the same plain-language content as the Word brief, in its order (decision first)."""
    c = ctx["contents"]
    o, cl = ctx["outcome"], ctx["council"]
    d = cl["decision"]
    add(f"## {c[0]}: {md(d['label'])}")
    add(f"**{md(d['sentence'])}**")
    add(md(" ".join(x for x in (d["note"], d["running_text"], d["options_text"]) if x)))
    add(f"## {c[1]}: {md(o['label'])}")
    add(f"**{md(o['sentence'])}** The reasons that decide it:")
    add("\n".join(f"{i}. {md(r)}" for i, r in enumerate(cl["reasons"], 1)))
    add(f"## {c[2]}")
    add(f"**{md(cl['completeness']['figure'])}**")
    add("\n".join(f"- {md(x)}" for x in cl["completeness"]["could_change"]))
    add(f"## {c[3]}")
    rem = cl["remedy"]
    add("\n".join(([md(rem["intro"])] if rem["intro"] else []) + [f"- {md(x)}" for x in rem["changes"]]))
    if rem["note"]:
        add(md(rem["note"]))
    add(f"## {c[4]}")
    if cl["flags"]:
        add(_table(["Red flag (status)", "Why, and its legal basis (binding unless marked)", "What would clear it"],
                   [[f"{f['title']} ({f['status']})", f"{f['reason']} Legal basis: {f['law']}.", f["clears"]]
                    for f in cl["flags"]]))
    elif not cl["moot_flags"]:
        add("No red flag applies: nothing in the answers engages an absolute legal bar.")
    if cl["moot_flags"]:
        add(md(cl["moot_flags"]))
    add(f"## {c[5]}")
    assumed = label("basis.assumed.short")

    def rating(level: dict[str, Any], is_assumed: bool) -> str:
        return level["label"] + (f" ({assumed})" if is_assumed else "")

    add(_table(["#", "Right", "Before safeguards", "After verified safeguards", "If planned safeguards are done",
                "Main reason"],
               [[r["number"], r["name"], rating(r["inherent"], r["inherent_assumed"]),
                 rating(r["residual"], r["residual_assumed"]), r["projected"]["label"], r["main_reason"]]
                for r in ctx["rights"]]))
    add(f"*Highest remaining risk: {md(ctx['overall_level_label'])}. Only verified safeguards lower a rating. A "
        f"rating marked \u201c{assumed}\u201d rests on unknown answers read at their worst; the others are "
        "established by the known answers.*")
    _accuracy(ctx, add)
    add(f"## {c[6]}")
    pending, verified = ctx["conditions"], ctx["safeguards_verified"]
    if pending:
        add("These safeguards are not yet verified. Each must be completed, with its evidence checked, by the "
            "date shown:")
        add(_table(["Safeguard", "State", "Owner", "Due", "Evidence still needed"],
                   [[m["title"], m["state_label"], m["owner"], m["due"], m["still_needed"]] for m in pending]))
    elif not ctx["mitigations"]:
        add("No safeguards are recorded.")
    if verified:
        n = len(verified)
        add(f"{n} {'further ' if pending else ''}safeguard{'s are' if n > 1 else ' is'} verified and already "
            f"counted: {md('; '.join(m['title'] for m in verified))}. The full assessment gives "
            f"{'their owners' if n > 1 else 'its owner'} and evidence.")
    add(f"## {c[7]}")
    if cl["obligations"]:
        x = cl["obligations"][0]
        add(f"{md(x['because'])}:")
        add(_table(["Who approves", "Consultation", "Independent review", "Publication", "Review"],
                   [[x["approver"], x["consultation"], x["independent_review"], x["publication"], x["review"]]]))
    else:
        add("No obligations are defined for this outcome.")
    add(f"## {c[8]}")
    add(_table(["Question", "Answer"], [[x["question"], x["answer"]] for x in ctx["proposal"][3:]]))
    add("The full assessment sets out every answer, the reasons and rule references behind each rating, the "
        "evidence gaps, the derivation of every rating and the legal framework crosswalk.")
    add("## Reproducibility")
    _repro(ctx, add)


def _full(ctx: dict[str, Any], add: Any) -> None:
    c = ctx["contents"]
    _outcome(ctx, add, c[0])
    add(md(ctx["outcome"]["decision_requested"]))
    _rights(ctx, add)
    _remedy(ctx, add)

    add(f"## {c[1]}")
    frameworks = "; ".join(ctx["jurisdiction"]["frameworks"]) or "none"
    add(f"Jurisdiction: {md(ctx['jurisdiction']['name'])}. Frameworks applied: {md(frameworks)}.")
    for s in ctx["screening"]:
        add(f"### {md(s['title'])}")
        add(_table(["Question", "Answer"], [[x["question"], x["answer"]] for x in s["questions"]]))
    add("### Red flags")
    _red_flags(ctx, add, detail=True)
    _dated(ctx, add)

    add(f"## {c[2]}")
    add("Every question shown for this proposal, with the answer given (screening answers are in section 2).")
    for s in ctx["sections"]:
        add(f"### {md(s['title'])}")
        if s["intro"]:
            add(md(s["intro"]))
        add(_table(["Question", "Answer", "Legal references"],
                   [[x["question"], x["answer"], x["legal_refs"]] for x in s["questions"]]))

    add(f"## {c[3]}")
    add("Any interference with a right must be provided by law, pursue a legitimate aim, be necessary and be "
        "proportionate. This section sets out what the answers say on each limb; it does not replace legal advice.")
    add(_table(["Test", "Status", "What the answers say"],
               [[limb["title"], limb["status"], limb["evidence"]] for limb in ctx["legality"]["limbs"]]))
    add("### Right by right")
    add(_table(["Right", "Interference", "Red flags", "Conclusion"],
               [[f"{law['right']}\n{law['anchors']}", law["interference"], law["red_flags"], law["verdict"]]
                for law in ctx["legality"]["rights"]]))

    add(f"## {c[4]}")
    _rights(ctx, add)
    for r in ctx["rights"]:
        add(f"### {md(r['name'])}")
        add(f"**{md(r['summary'])}**\\\nLegal anchors: {md(r['anchors'])}.")
        add(_table(["Dimension", "Rating", "Why (rules and answers)"],
                   [[d["name"], f"{d['value']} {d['word']}".strip(), d["reason"]] for d in r["dimensions"]]))
        if r["harms"]:
            add("Harms identified:\n\n" + "\n".join(f"- {md(h)}" for h in r["harms"]))
    _accuracy(ctx, add)

    add(f"## {c[5]}")
    _matrix(ctx, add)

    add(f"## {c[6]}")
    add("A safeguard lowers a rating only once it is verified with the evidence shown.")
    _mitigations(ctx, add)

    add(f"## {c[7]}")
    if ctx["evidence_gaps"]:
        add("These answers are unknown or missing. Where they drive a rating, the rating assumes the worst "
            "plausible answer until the gap is closed.")
        add(_table(["Question", "Section", "Status", "Affects rules"],
                   [[g["question"], g["section"], g["status"], g["drives"]] for g in ctx["evidence_gaps"]]))
    else:
        add("No evidence gaps: every question that drives a rating is answered.")

    add(f"## {c[8]}")
    _obligations(ctx, add)

    add(f"## {c[9]}")
    if ctx["consultation"]:
        for s in ctx["consultation"]:
            add(f"### {md(s['title'])}")
            add(_table(["Question", "Answer"], [[x["question"], x["answer"]] for x in s["questions"]]))
    else:
        add("The questionnaire records no consultation for this proposal.")

    add(f"## {c[10]}")
    if ctx["signoff"]:
        add(_table(["Item", "Recorded answer"], [[s["role"], s["entry"]] for s in ctx["signoff"]]))
    approver = ctx["obligations"][0]["approver"] if ctx["obligations"] else ""
    add(_table(["Role", "Name", "Signature", "Date"],
               [["Author", "", "", ""], ["Reviewer", "", "", ""], ["Data protection officer", "", "", ""],
                [f"Approver ({approver})" if approver else "Approver", "", "", ""]]))

    add(f"## {c[11]}")
    if not ctx["crosswalk"]:
        add("The questionnaire declares no frameworks.")
    for fw in ctx["crosswalk"]:
        add(f"### {md(fw['name'])} ({md(fw['applies_label'])})")
        add(md(fw["summary"]) + ".")
        if not fw["elements"]:
            continue
        add(_table(["Element", "What it requires", "Where it is answered", "Status"],
                   [[e["id"], f"{e['title']} ({e['required']})", e["where"], e["status"]] for e in fw["elements"]]))

    add(f"## {c[12]}")
    _repro(ctx, add)

    add(f"## {c[13]}")
    _derivation(ctx, add)


def _derivation(ctx: dict[str, Any], add: Any) -> None:
    """Annex: the method box, then per right and per harm the numbers that give each rating."""
    d = ctx["derivation"]
    add("### Method")
    add("\n".join(f"- {md(x)}" for x in d["method"]))
    add(_table(["Item", "Detail"], [["SHA-256 of the questionnaire", d["questionnaire_sha256"]],
                                    ["SHA-256 of the answers", d["answers_sha256"]]]))
    for r in d["rights"]:
        add(f"### {md(r['name'])}")
        add(_table(["Dimension", "Baseline", "Floor (rules)", "Uplift (rules)", "Before safeguards",
                    "After verified safeguards"],
                   [[x["name"], x["baseline"], f"{x['floor']} ({x['floor_rules']})",
                     f"+{x['uplift']} ({x['uplift_rules']})", x["inherent"] if not x["assumed"]
                     else f"{x['inherent']} ({label('basis.assumed.short')})", x["residual_how"]]
                    for x in r["dimensions"]]))
        if r["harms"]:
            add(_table(["Harm", "Rules (floor or uplift)", "Before (S/S/I/L)", "Hard floor", "Reductions (verified)",
                        "Residual (S/S/I/L)"],
                       [[f"{h['id']}: {h['harm']} ({h['kind']})", h["rules"] + (f"\n{h['irreducible']}"
                                                                              if h["irreducible"] else ""),
                         _slash(h["inherent"]), _slash(h["hard_floor"]), h["reductions_text"],
                         _slash(h["residual"]) + (f" ({h['residual_cell']})" if h.get("residual_cell") else "")]
                        for h in r["harms"]]))
        add("\n".join(f"- {md(x)}" for x in r["steps"]))
        if r["rules"]:
            add(_table(["Rule", "Holds", "Decisive answers"],
                       [[f"{x['id']}: {x['harm']}", x["status"], x["answers"]] for x in r["rules"]]))


def _slash(s: dict[str, int]) -> str:
    return f"{s['scale']}/{s['scope']}/{s['irremediability']}/{s['likelihood']}"
