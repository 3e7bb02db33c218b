"""The council brief: plain language for councillors (no rule ids), everything the issue lists, compact."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.oxml.ns import qn

from pia.assess import assess
from pia.report import context_for
from pia.report.plain import main_reason, rights_phrase

from .reportkit import (
    GENERATED,
    HERE,
    ROOT,
    RULE_ID_SHAPE,
    Example,
    docx_text,
    ids_in,
    load_example,
    md_text,
    rendered,
    rule_ids,
)


def _used_ids(example: Example) -> set[str]:
    """The rule and red-flag ids behind this assessment's findings (what the full report must trace)."""
    a = assess(example.q, example.answers)
    used = {f.id for f in a.red_flags}
    for r in a.rights:
        for d in r.dimensions.values():
            used |= set(d.rules) | set(d.uplift_rules)
    return used


def test_brief_has_no_rule_ids_but_the_full_report_does(example: Example) -> None:
    ids = rule_ids(example.q)
    for brief_text in (docx_text(rendered(example, "docx", brief=True)), md_text(rendered(example, "md", True))):
        assert ids_in(brief_text, ids) == set()
        assert re.findall(RULE_ID_SHAPE, brief_text) == []
    used = _used_ids(example)
    for full_text in (docx_text(rendered(example, "docx")), md_text(rendered(example, "md"))):
        assert used <= ids_in(full_text, ids), used - ids_in(full_text, ids)


def test_every_example_traces_some_rule_in_the_full_report() -> None:
    """Guards the test above against passing vacuously: the examples do hit rules."""
    from .reportkit import example_files

    assert sum(1 for p in example_files() if _used_ids(load_example(p))) >= 8


def test_brief_holds_everything_the_issue_lists(example: Example) -> None:
    ctx = context_for(example.q, example.answers, brief=True, generated=GENERATED)
    council = ctx["council"]
    doc = Document(io.BytesIO(rendered(example, "docx", brief=True)))
    text = docx_text(rendered(example, "docx", brief=True))
    # Decision first: the first heading is the decision, and the headings follow the brief's contents.
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == f"Decision requested: {council['decision']['label']}"
    assert [h.split(":")[0] for h in headings] == [c for c in ctx["contents"]]
    for key in ("sentence", "options_text"):
        assert council["decision"][key] in text
    assert ctx["outcome"]["decision_requested"] == council["decision"]["sentence"]
    # The outcome, and the (at most three) reasons that decide it.
    assert f"Outcome: {ctx['outcome']['label']}" in headings
    assert 1 <= len(council["reasons"]) <= 3
    for reason in council["reasons"]:
        assert reason in text
    # Every red flag that bears on the outcome with its status, reason, legal basis and what clears it; every
    # other (potential, and no worse than what the known answers establish) named in one line; no rule ids.
    rows = {f["title"] for f in council["flags"]}
    for f in ctx["red_flags"]:
        assert f["title"] in rows or f["title"] in council["moot_flags"], f["title"]
    if council["moot_flags"]:
        assert council["moot_flags"] in text
    for f in council["flags"]:
        assert f"{f['title']} ({f['status']})" in text and f["reason"] in text and f["law"] in text, f
    # How complete, one figure, and what the open gaps could change; what it would take.
    assert council["completeness"]["figure"] == ctx["completeness"]["phrase"]
    for x in [council["completeness"]["figure"], *council["completeness"]["could_change"],
              council["remedy"]["intro"], *council["remedy"]["changes"], council["remedy"]["note"]]:
        assert x in text, x
    # Every right, one row each: before, after, main reason; an assumed rating says so.
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Right")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == len(ctx["rights"])

    def shown(level: dict, assumed: bool) -> str:
        return level["label"] + (" (assumed)" if assumed else "")

    for row, r in zip(rows, ctx["rights"], strict=True):
        assert row == [str(r["number"]), r["name"], shown(r["inherent"], r["inherent_assumed"]),
                       shown(r["residual"], r["residual_assumed"]), r["projected"]["label"], r["main_reason"]]
    # Conditions still to be met, with owners and dates; the verified ones counted and named.
    for m in ctx["conditions"]:
        for key in ("title", "owner", "due"):
            assert m[key] in text, (key, m)
    if ctx["safeguards_verified"]:
        n = len(ctx["safeguards_verified"])
        assert f"{n} {'further ' if ctx['conditions'] else ''}safeguard" in text
        for m in ctx["safeguards_verified"]:
            assert m["title"] in text
    # What follows: one block (the red flags' when one applies), not one per obligation.
    assert len(council["obligations"]) == min(1, len(ctx["obligations"]))
    for o in council["obligations"]:
        assert o["because"] in text and o["approver"] in text and o["publication"] in text
    assert text.count("Who approves") == len(council["obligations"])
    # What is proposed: the screening answers (title, organisation and author head the first page).
    for row in ctx["proposal"][3:]:
        assert row["question"] in text and row["answer"] in text, row
    assert ctx["title"] in text and (ctx["meta"]["organisation"] or "Organisation not stated") in text


def test_assumed_ratings_are_marked_and_left_white() -> None:
    """An assumed rating reads "(assumed)" and has no level colour; an established one has its level's tint."""
    ex = load_example(ROOT / "tests" / "cases" / "como-park-fr.yaml")
    ctx = context_for(ex.q, ex.answers, brief=True, generated=GENERATED)
    assert any(r["residual_assumed"] for r in ctx["rights"]) and not all(r["residual_assumed"] for r in ctx["rights"])
    doc = Document(io.BytesIO(rendered(ex, "docx", brief=True)))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Right")
    for row, r in zip(table.rows[1:], ctx["rights"], strict=True):
        cell = row.cells[3]
        fill = cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
        if r["residual_assumed"]:
            assert cell.text.endswith("(assumed)") and fill == "FFFFFF"
        else:
            assert "(assumed)" not in cell.text and fill == r["residual"]["tint"]


def test_brief_lists_only_safeguards_not_yet_verified() -> None:
    ex = load_example(ROOT / "questionnaires" / "camera-hria" / "examples" / "town_centre_cctv_large.yaml")
    ctx = context_for(ex.q, ex.answers, brief=True, generated=GENERATED)
    doc = Document(io.BytesIO(rendered(ex, "docx", brief=True)))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Safeguard")
    listed = [row.cells[0].text for row in table.rows[1:]]
    assert listed == [m["title"] for m in ctx["mitigations"] if not m["counted"]]
    assert "Independent complaints and redress route" not in listed  # verified: named in one line instead
    text = docx_text(rendered(ex, "docx", brief=True))
    assert "1 further safeguard is verified and already counted: Independent complaints and redress route." in text


def test_brief_leaves_the_matrix_picture_to_the_full_report(example: Example) -> None:
    """The brief's rights table already gives every level; the picture of the same would repeat it."""
    brief = Document(io.BytesIO(rendered(example, "docx", brief=True)))
    assert list(brief.element.body.iter(qn("wp:docPr"))) == []
    full = Document(io.BytesIO(rendered(example, "docx")))
    assert [p.get("descr")[:12] for p in full.element.body.iter(qn("wp:docPr"))] == ["Risk matrix:"]


def test_plain_outcome_reasons_read_for_each_kind_of_outcome() -> None:
    def reasons(path):
        ex = load_example(path)
        return context_for(ex.q, ex.answers, brief=True)["outcome"]["plain_reasons"]

    examples = ROOT / "questionnaires" / "camera-hria" / "examples"
    prohibited = reasons(examples / "live_fr_police_unauthorised.yaml")
    assert prohibited[0].startswith("Six legal red flags apply")
    assert "makes the use prohibited by law" in prohibited[0]
    revise = reasons(examples / "town_centre_cctv_large.yaml")
    assert revise[0].startswith("Even with the safeguards verified so far, the remaining risk is high for five rights: ")
    assert "freedom of religion or belief; and confidentiality of health and care." in revise[0]
    # The planned masking of sensitive entrances now lowers religion and health too (harm-linked safeguards).
    assert "If the planned safeguards are completed and verified, the highest risk would fall to medium." in revise
    incomplete = reasons(HERE / "answers" / "mini-drone-hostile-text.yaml")
    # Open: the range and what it turns on come first, worded without ids; then the flag that may apply.
    assert incomplete[0] == ("Open between Do not proceed and Proceed (monitor). It turns on answers not known yet "
                             "(or claimed without their evidence record): \u201cLegal basis\u201d.")
    assert incomplete[1].startswith("A legal red flag may apply (No legal basis); if it does, it stops the proposal")
    assert incomplete[-1].startswith("The missing information must be found")
    assert reasons(HERE / "answers" / "mini-cctv-low.yaml") == [
        "The remaining risk to every right is low, and no legal red flag applies."]


def test_do_not_proceed_without_a_red_flag_says_why() -> None:
    """A very high remaining risk also gives 'do not proceed'; the sentence must not invent a red flag."""
    ex = load_example(ROOT / "tests" / "fixtures" / "mini" / "answers_complete.yaml")
    ctx = context_for(ex.q, ex.answers, brief=True)
    assert ctx["outcome"]["id"] == "do_not_proceed" and not ctx["red_flags"]
    assert "red flag" not in ctx["outcome"]["sentence"]
    assert "very high" in ctx["outcome"]["sentence"]
    flagged = context_for(*(lambda e: (e.q, e.answers))(load_example(HERE / "answers" / "mini-assembly-fr.yaml")))
    assert "red flag" in flagged["outcome"]["sentence"]


def test_main_reason_and_rights_phrase() -> None:
    from pia.assess.models import DimensionResult as D

    dims = {
        "scale": D(value=2, rules=["R-A"]),
        "scope": D(value=3, rules=["R-B"], evidence_gap=True),
        "irremediability": D(value=1),
        "likelihood": D(value=3, rules=["R-C"], uplift_rules=["U-D"]),
    }
    harm = {"R-A": "Harm A", "R-B": "Harm B", "R-C": "Harm C", "U-D": "Harm D"}
    assert main_reason(dims, harm) == ("Harm B (and 3 other factors); assumed at its worst because an answer "
                                       "is unknown.")
    baseline = {d: D(value=1) for d in dims}
    assert main_reason(baseline, harm) == "No factor in the answers raises it."
    assert rights_phrase(["privacy"]) == "privacy"
    assert rights_phrase(["privacy and data protection", "movement"]) == (
        "two rights: privacy and data protection; and movement")
