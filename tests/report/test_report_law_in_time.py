"""Reports show when the law behind a duty applies: dated obligations, and citations not yet in force."""

from __future__ import annotations

from pathlib import Path

from pia.answers import AnswerSet, load
from pia.assess import assess
from pia.loader import load_questionnaire
from pia.report.context import build_context
from pia.report.markdown import render_markdown

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml"
RETRO = CORE.parent / "examples" / "retrospective_fr_central_square.yaml"


def _ctx(change: dict, on: str | None) -> dict:
    q = load_questionnaire(CORE)
    ex, _ = load(RETRO)
    meta = {k: v for k, v in ex.meta.items() if k != "date"} | ({"date": on} if on else {})
    answers = AnswerSet(ex.questionnaire, ex.questionnaire_version, meta, ex.answers | change)
    return build_context(q, answers, assess(q, answers), generated="2026-11-30")


def test_a_duty_due_later_is_listed_with_its_date_and_not_as_a_red_flag():
    ctx = _ctx({"rfr_authorisation": "internal"}, "2026-11-05")
    rows = {d["id"]: d for d in ctx["dated_obligations"]}
    assert set(rows) == {"RF-17", "RF-21"}
    assert rows["RF-17"]["when"] == "Due by 2 Dec 2027" and rows["RF-17"]["due"] == "2027-12-02"
    assert rows["RF-17"]["anchors"] == "AI Act Art. 26(10) (applies from 2 Dec 2027)"
    assert rows["RF-17"]["outcome_label"] == "Do not proceed"
    assert "RF-17" not in {f["id"] for f in ctx["red_flags"]}
    assert ctx["assessment_date"] == "5 Nov 2026"
    text = render_markdown(ctx)
    assert "### Duties that apply from a later date" in text
    assert "Assessment date: 5 Nov 2026." in text
    assert "| RF-17: Retrospective face recognition by the police without independent authorisation | Due by 2 Dec 2027" \
        in text


def test_a_stop_that_cites_law_not_yet_in_force_says_when_it_applies():
    ctx = _ctx({"rfr_search_trigger": "untargeted"}, "2026-11-05")
    rf07 = next(f for f in ctx["red_flags"] if f["id"] == "RF-07")
    assert rf07["anchors"] == ("Directive (EU) 2016/680 Art. 10, GDPR Art. 9, EU Charter Art. 7, 8, 52(1), "
                               "AI Act Art. 26(10) (applies from 2 Dec 2027)")
    on = _ctx({"rfr_search_trigger": "untargeted"}, "2027-12-02")
    assert next(f for f in on["red_flags"] if f["id"] == "RF-07")["anchors"].endswith("AI Act Art. 26(10)")


def test_after_the_date_the_duty_is_a_red_flag_and_the_section_is_gone():
    ctx = _ctx({"rfr_authorisation": "internal"}, "2028-01-10")
    assert ctx["dated_obligations"] == []
    assert {"RF-17", "RF-21"} <= {f["id"] for f in ctx["red_flags_triggered"]}
    assert "Duties that apply from a later date" not in render_markdown(ctx)


def test_an_undated_assessment_lists_the_duty_both_ways():
    ctx = _ctx({"rfr_authorisation": "internal"}, None)
    assert ctx["assessment_date"] == "Not dated"
    rows = {d["id"]: d for d in ctx["dated_obligations"]}
    assert rows["RF-17"]["timing"] == "unknown"
    assert rows["RF-17"]["when"].startswith("Applies from 2 Dec 2027; the assessment has no date")
    assert "RF-17" in {f["id"] for f in ctx["red_flags_triggered"]}
