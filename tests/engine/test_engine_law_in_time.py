"""Law in time: a duty whose binding basis applies only later is a dated obligation, not a current stop.

Golden files pin, for AI Act duties assessed before, on and after the day they
apply, what the engine records about time: the red flags that stop the
proposal, the dated obligations with their due dates and reasons, and the
status and force of every anchor cited. They live in
tests/fixtures/engine/golden/law_in_time/; after an intended change regenerate
with `PIA_UPDATE_GOLDEN=1 python -m pytest tests/engine/test_engine_law_in_time.py`
and review the diff. The outcome assertions beside them say why each moves.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from pia.answers import AnswerSet, load
from pia.assess import assess
from pia.assess.timeline import basis, in_force, iso_date, timing
from pia.loader import load_questionnaire
from pia.rules_model import Anchor

from .camera_cases import PASSING_RATES

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml"
EXAMPLES = CORE.parent / "examples"
GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "engine" / "golden" / "law_in_time"

ANNEX_III = "2027-12-02"  # Reg. (EU) 2026/1744: Annex III deployer duties (Art. 26, 27, 49)
ART_5 = "2025-02-02"      # AI Act prohibitions and the Art. 5(2)-(5) conditions


def _case(name: str, change: dict, on: str | None) -> AnswerSet:
    """An example with some answers changed and the assessment date set (None: no date)."""
    ex, _ = load(EXAMPLES / f"{name}.yaml")
    meta = {k: v for k, v in ex.meta.items() if k != "date"}
    if on is not None:
        meta["date"] = on
    return AnswerSet(ex.questionnaire, ex.questionnaire_version, meta, ex.answers | change, dict(ex.evidence))


# Live face search for an abducted child, lawful under Art. 5, but the impact assessment's results are not yet
# notified to the market surveillance authority (Art. 27(3), an Annex III duty).
# The example gives no rates per group (its outcome is then open on accuracy); passing rates stand in so the
# ratings, not the accuracy gap, decide the outcome around the duty's date.
FRIA_NOT_NOTIFIED = ("live_fr_missing_child_authorised", {"fria_status": "completed", "fr_group_rates": PASSING_RATES})
# Retrospective face recognition by the police, each search authorised by a senior officer only (Art. 26(10)).
RFR_INTERNAL = ("retrospective_fr_central_square", {"rfr_authorisation": "internal"})
# Live face recognition at a station with no law or authorisation (Art. 5(1)(h)).
LFR_BANNED = ("live_fr_police_unauthorised", {})

CASES = {
    "fria_before": (*FRIA_NOT_NOTIFIED, "2026-11-20"),
    "fria_on_date": (*FRIA_NOT_NOTIFIED, ANNEX_III),
    "fria_undated": (*FRIA_NOT_NOTIFIED, None),
    "fria_ends_before_date": ("live_fr_missing_child_authorised",
                              {"fria_status": "completed", "fr_group_rates": PASSING_RATES, "sunset_date": "2027-06-30"}, "2026-11-20"),
    "rfr_authorisation_before": (*RFR_INTERNAL, "2026-11-05"),
    "rfr_authorisation_after": (*RFR_INTERNAL, "2028-01-10"),
    "art5_before": (*LFR_BANNED, "2025-01-15"),
    "art5_on_date": (*LFR_BANNED, ART_5),
}


def _time_record(a) -> str:
    """What the engine recorded about time, as canonical JSON."""
    data = {
        "assessment_date": a.assessment_date,
        "operation_start": a.operation_start,
        "operation_end": a.operation_end,
        "outcome": a.outcome,
        "decided_by": [r.model_dump(mode="json") for r in a.reasons if r.kind == "red_flag"],
        "red_flags": [{"id": f.id, "status": f.status, "outcome": f.outcome, "anchors": f.anchors}
                      for f in a.red_flags],
        "dated_obligations": [d.model_dump(mode="json") for d in a.dated_obligations],
        "law": [s.model_dump(mode="json") for s in a.law],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_law_in_time(camera, case):
    name, change, on = CASES[case]
    got = _time_record(assess(camera, _case(name, change, on)))
    golden = GOLDEN / f"{case}.json"
    if os.environ.get("PIA_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
    assert golden.exists(), f"{golden} missing; run with PIA_UPDATE_GOLDEN=1 and review it"
    assert got == golden.read_text(encoding="utf-8")


def _flags(a) -> set[str]:
    return {f.id for f in a.red_flags if f.status == "triggered"}


def _dated(a) -> dict[str, object]:
    return {d.id: d for d in a.dated_obligations}


# --- an Annex III duty before, on and after its date ------------------------------------------------------


def test_fria_notice_is_due_by_2_dec_2027_before_it_and_a_stop_from_it(camera):
    before = assess(camera, _case(*FRIA_NOT_NOTIFIED, "2026-11-20"))
    day_before = assess(camera, _case(*FRIA_NOT_NOTIFIED, "2027-12-01"))
    on = assess(camera, _case(*FRIA_NOT_NOTIFIED, ANNEX_III))
    after = assess(camera, _case(*FRIA_NOT_NOTIFIED, "2030-01-01"))
    for a in (before, day_before):
        assert "RF-21" not in _flags(a)
        d = _dated(a)["RF-21"]
        assert (d.timing, d.due, d.applies_from, d.within_period) == ("later", ANNEX_III, ANNEX_III, True)
        assert d.outcome == "incomplete" and d.status == "triggered"
        assert d.basis == ["AI Act Art. 26(8), 27, 49"]
        assert "due by 2 Dec 2027" in d.reason
        # The ratings decide: the notification is a duty with a date, not a bar. (The High rests on the scan alone,
        # so it is "proceed with conditions", the High obligations being the conditions.)
        assert a.outcome == "proceed_with_conditions"
    for a in (on, after):
        assert "RF-21" in _flags(a)
        assert a.dated_obligations == []
        assert a.outcome == "incomplete"
        assert a.reasons[0].kind == "red_flag" and a.reasons[0].flags == ["RF-21"]


def test_a_dated_duty_is_not_a_material_gap_but_stays_listed(camera):
    """A future duty that depends on an unknown answer is potential, listed with its date, and never decisive."""
    behaviour = {"technologies": ["alpr", "analytics"], "analytics_kinds": ["behaviour"], "fria_status": "unknown"}
    a = assess(camera, _case("parking_plate_readers", behaviour, "2026-10-20"))
    d = _dated(a)["RF-21"]
    assert d.status == "potential" and d.gap_questions == ["fria_status"]
    gap = next(g for g in a.evidence_gaps if g.question == "fria_status")
    assert gap.drives == ["RF-21"] and not gap.material
    assert a.outcome == "revise"
    on = assess(camera, _case("parking_plate_readers", behaviour, ANNEX_III))
    assert next(f for f in on.red_flags if f.id == "RF-21").status == "potential"
    assert next(g for g in on.evidence_gaps if g.question == "fria_status").material
    assert on.outcome == "incomplete"


def test_without_an_assessment_date_the_duty_is_shown_both_ways(camera):
    a = assess(camera, _case(*FRIA_NOT_NOTIFIED, None))
    assert a.assessment_date is None
    assert "RF-21" in _flags(a)  # the worst reading: a stop ...
    d = _dated(a)["RF-21"]       # ... and the date at which it would be a dated obligation instead
    assert (d.timing, d.due, d.within_period) == ("unknown", ANNEX_III, None)
    assert "no assessment date" in d.reason
    assert a.outcome == "incomplete"
    # Art. 5 flags are dated too, so without a date they are also listed, never silently treated as in force.
    banned = assess(camera, _case(*LFR_BANNED, None))
    assert "RF-01" in _flags(banned) and _dated(banned)["RF-01"].timing == "unknown"
    assert banned.outcome == "prohibited"


@pytest.mark.parametrize("bad", ["", "unknown", "12/11/2026", "2026-02-30", "2026-11-5"])
def test_a_date_that_is_not_yyyy_mm_dd_counts_as_no_date(camera, bad):
    a = assess(camera, _case(*FRIA_NOT_NOTIFIED, bad))
    assert a.assessment_date is None
    assert _dated(a)["RF-21"].timing == "unknown" and "RF-21" in _flags(a)


def test_a_duty_after_the_planned_end_binds_only_if_operation_is_extended(camera):
    a = assess(camera, _case("live_fr_missing_child_authorised",
                             {"fria_status": "completed", "sunset_date": "2027-06-30"}, "2026-11-20"))
    assert (a.operation_start, a.operation_end) == ("2027-03-01", "2027-06-30")
    d = _dated(a)["RF-21"]
    assert (d.timing, d.within_period, d.due) == ("later", False, None)
    assert "after the planned end of operation on 30 Jun 2027" in d.reason
    ends_on_date = assess(camera, _case("live_fr_missing_child_authorised",
                                        {"fria_status": "completed", "sunset_date": ANNEX_III}, "2026-11-20"))
    assert _dated(ends_on_date)["RF-21"].within_period is True


def test_a_start_after_the_date_says_the_duty_must_be_met_before_the_start(camera):
    a = assess(camera, _case("live_fr_missing_child_authorised",
                             {"fria_status": "completed", "start_date": "2028-03-01"}, "2026-11-20"))
    d = _dated(a)["RF-21"]
    assert d.due == ANNEX_III and "start on 1 Mar 2028" in d.reason and "before the start" in d.reason


# --- Art. 26(10) and what replaces it until then (legal review L-01) -------------------------------------


def test_retrospective_search_authorisation_is_due_by_2_dec_2027_then_do_not_proceed(camera):
    before = assess(camera, _case(*RFR_INTERNAL, "2026-11-05"))
    after = assess(camera, _case(*RFR_INTERNAL, "2028-01-10"))
    assert "RF-17" not in _flags(before)
    d = _dated(before)["RF-17"]
    assert (d.outcome, d.due, d.anchors) == ("do_not_proceed", ANNEX_III, ["AI Act Art. 26(10)"])
    assert "RF-17" in _flags(after)
    assert "RF-17" in {r.flags[0] for r in after.reasons if r.kind == "red_flag"}


def test_untargeted_retrospective_search_stays_prohibited_before_2027_on_strict_necessity(camera):
    a = assess(camera, _case("retrospective_fr_central_square", {"rfr_search_trigger": "untargeted"}, "2026-11-05"))
    assert "RF-07" in _flags(a) and a.outcome == "prohibited"
    assert "RF-07" not in _dated(a)
    rf07 = a.red_flag("RF-07")
    assert rf07.anchors == ["Directive (EU) 2016/680 Art. 10", "GDPR Art. 9", "EU Charter Art. 7, 8, 52(1)",
                            "AI Act Art. 26(10)"]
    law = {s.cite: s for s in a.law}
    assert law["AI Act Art. 26(10)"].in_force is False and law["AI Act Art. 26(10)"].applies_from == ANNEX_III
    assert law["Directive (EU) 2016/680 Art. 10"].in_force is True


def test_live_police_face_recognition_keeps_its_art_5_stop_and_gets_the_annex_iii_date(camera):
    a = assess(camera, _case(*LFR_BANNED, "2026-11-12"))
    assert {"RF-01", "RF-16"} <= _flags(a)
    assert _dated(a)["RF-21"].due == ANNEX_III
    assert a.outcome == "prohibited"


def test_art_5_prohibition_before_2_feb_2025_is_a_dated_obligation(camera):
    before = assess(camera, _case(*LFR_BANNED, "2025-01-15"))
    on = assess(camera, _case(*LFR_BANNED, ART_5))
    assert {"RF-01", "RF-16"} <= set(_dated(before)) and "RF-01" not in _flags(before)
    assert _dated(before)["RF-01"].due == ART_5
    # The flags that rest on law already in force (no specific legal basis, Bridges) still stop it.
    assert before.outcome == "do_not_proceed" and "RF-11" in _flags(before)
    assert on.outcome == "prohibited" and "RF-01" in _flags(on)


def test_outside_the_eu_ai_act_dates_play_no_part(camera):
    a = assess(camera, _case("retrospective_fr_central_square",
                             {"jurisdiction": "uk", "rfr_authorisation": "internal"}, "2026-11-05"))
    assert a.dated_obligations == []
    assert not {"RF-17", "RF-21"} & _flags(a)


# --- the pure date logic -----------------------------------------------------------------------------------


def _a(id: str, status: str = "binding", frm: str | None = None, until: str | None = None,
       jur: list[str] | None = None) -> Anchor:
    return Anchor(id=id, cite=id, status=status, applies_from=frm, applies_until=until, jurisdictions=jur or [])


def test_iso_date_accepts_only_real_yyyy_mm_dd():
    assert iso_date("2027-12-02") == date(2027, 12, 2)
    assert iso_date(" 2027-12-02 ") == date(2027, 12, 2)
    for bad in (None, "", "unknown", "2027-12-2", "2027-13-01", "02/12/2027", 20271202, date(2027, 12, 2)):
        assert iso_date(bad) is None, bad


def test_both_ends_of_an_anchor_are_inclusive():
    a = _a("X", frm="2027-12-02", until="2028-01-31")
    assert not in_force(a, date(2027, 12, 1))
    assert in_force(a, date(2027, 12, 2)) and in_force(a, date(2028, 1, 31))
    assert not in_force(a, date(2028, 2, 1))


def test_only_binding_anchors_decide_when_there_are_any():
    soft = _a("soft", "soft_law")
    later = _a("later", frm="2027-12-02")
    assert basis([soft, later], "eu") == [later]
    assert timing([soft, later], date(2026, 1, 1), "eu").kind == "later"
    assert timing([soft], date(2026, 1, 1), "eu").kind == "now"  # soft law only: a stop by the instrument's choice
    assert timing([_a("pol", "local_policy", frm="2030-01-01")], date(2026, 1, 1), None).kind == "later"


def test_an_undated_or_current_binding_anchor_keeps_the_stop():
    later = _a("later", frm="2027-12-02")
    assert timing([later, _a("led")], date(2026, 1, 1), "eu").kind == "now"
    assert timing([later, _a("led")], None, "eu").kind == "now"
    t = timing([later, _a("art5", frm="2025-02-02")], date(2026, 1, 1), "eu")
    assert t.kind == "now" and [a.id for a in t.basis] == ["art5"]


def test_earliest_later_anchor_sets_the_date_and_unknown_date_keeps_it():
    a, b = _a("a", frm="2028-06-01"), _a("b", frm="2027-12-02")
    t = timing([a, b], date(2026, 1, 1), "eu")
    assert (t.kind, t.applies_from) == ("later", date(2027, 12, 2))
    u = timing([a, b], None, "eu")
    assert (u.kind, u.applies_from) == ("unknown", date(2027, 12, 2))


def test_anchors_of_another_jurisdiction_do_not_decide():
    eu_later = _a("eu", frm="2027-12-02", jur=["eu"])
    uk_now = _a("uk", jur=["uk"])
    assert timing([eu_later, uk_now], date(2026, 1, 1), "eu").kind == "later"
    assert timing([eu_later, uk_now], date(2026, 1, 1), "uk").kind == "now"
    assert timing([eu_later, uk_now], date(2026, 1, 1), None).kind == "now"  # jurisdiction unknown: all count


def test_a_basis_that_ceased_to_apply_has_lapsed():
    t = timing([_a("old", until="2025-12-31")], date(2026, 1, 1), "eu")
    assert (t.kind, t.applies_until) == ("lapsed", date(2025, 12, 31))
    assert timing([_a("old", until="2025-12-31")], date(2025, 12, 31), "eu").kind == "now"


def test_no_catalogued_anchor_means_no_timing():
    assert timing([], date(2026, 1, 1), "eu").kind == "now"


def test_an_obligation_entry_with_a_later_basis_is_dated_until_then(tmp_path):
    folder = tmp_path / "camera-hria"
    shutil.copytree(CORE.parent, folder, ignore=shutil.ignore_patterns("examples"))
    # The EU pack's own high-risk row (jurisdiction_eu.yaml) would stand beside the dated one: drop it here.
    pack = folder / "jurisdiction_eu.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").split("\nobligations:\n")[0] + "\n", encoding="utf-8")
    core = folder / "camera_hria.yaml"
    core.write_text(core.read_text(encoding="utf-8").replace("\nobligations:\n", """
obligations:
  - level: high
    jurisdictions: [eu]
    approver: Council, after the fundamental rights impact assessment is notified
    consultation: Public consultation
    independent_review: External review
    publication: Publish the impact assessment summary
    anchors: [AIA-27-1-F]
""", 1), encoding="utf-8")
    q = load_questionnaire(core)
    before = assess(q, _case("live_fr_missing_child_authorised", {}, "2026-11-20"))
    assert before.overall_level == "high"
    assert [o.level for o in before.obligations] == []
    d = _dated(before)["high"]
    assert (d.source, d.timing, d.due, d.outcome) == ("obligation", "later", ANNEX_III, None)
    assert "The overall residual risk is high." in d.reason
    on = assess(q, _case("live_fr_missing_child_authorised", {}, ANNEX_III))
    assert [o.approver for o in on.obligations] == [
        "Council, after the fundamental rights impact assessment is notified"]
    assert on.dated_obligations == []


def test_the_terminal_summary_lists_the_dated_duty(camera):
    from pia.assess.summary import render_summary

    out = render_summary(assess(camera, _case(*RFR_INTERNAL, "2026-11-05")), camera)
    assert "Duties that apply from a later date (assessment date: 5 Nov 2026)" in out
    assert "RF-17: Retrospective face recognition by the police without independent authorisation -> " \
           "Due by 2 Dec 2027" in out
    later = render_summary(assess(camera, _case(*RFR_INTERNAL, "2028-01-10")), camera)
    assert "Duties that apply from a later date" not in later and "TRIGGERED RF-17" in later
