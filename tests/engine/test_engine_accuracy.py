"""Accuracy weighed: expected false alerts and the disparity rule, from independent test results (golden).

The expected figures below were worked out by hand from the formulas in
pia/assess/accuracy.py (FPIR = 1 - (1 - FMR)^N; false alerts = people x FPIR),
not read back from the engine.
"""

from __future__ import annotations

import json
import math

import pytest

from pia.answers import AnswerSet, load
from pia.assess import assess
from pia.assess.accuracy import RATIO_CAP, disparity_ratio, expected_false_alerts, fpir

from .camera_cases import INSTRUMENT, refusal

CHILD = INSTRUMENT / "examples" / "live_fr_missing_child_authorised.yaml"

# Four groups; the worst-served (women over 60) at 12 false matches per million comparisons, the best at 9:
# ratio 12 / 9 = 1.33, within the acceptance rule of 1.5.
PASSING = [
    {"group": "Women over 60", "fmr_per_million": 12},
    {"group": "Men under 30", "fmr_per_million": 9},
    {"group": "Darker skin tones", "fmr_per_million": 11},
    {"group": "Lighter skin tones", "fmr_per_million": 10},
]
# A tenfold disparity: 40 against 4 per million.
TENFOLD = [
    {"group": "Black women", "fmr_per_million": 40},
    {"group": "White men", "fmr_per_million": 4},
]


@pytest.fixture(scope="module")
def child():
    return load(CHILD)[0]


def _with(base: AnswerSet, **changes) -> AnswerSet:
    new = dict(base.answers)
    for k, v in changes.items():
        if v is None:
            new.pop(k, None)
        else:
            new[k] = v
    return AnswerSet(base.questionnaire, base.questionnaire_version, dict(base.meta), new, dict(base.evidence))


def _hit(a, right: str, rule: str):
    r = a.right(right)
    return next((h for h in r.rule_hits if h.id == rule), None) if r else None


# --- the arithmetic ------------------------------------------------------------------------


def test_npl_worked_example_gives_about_ten_false_alerts():
    """TECH-4/TECH-8: 1 false alert in 6,000 against 10,000 images; 60,000 people scanned -> about 10."""
    fmr_per_million = 1e6 / (6000 * 10000)  # FPIR / N, per million comparisons: 0.01667
    assert fpir(fmr_per_million, 10000) == pytest.approx(1 / 6000, rel=1e-4)
    assert expected_false_alerts(60000, fmr_per_million, 10000) == pytest.approx(10.0, abs=0.01)
    # The same rate against a list ten times smaller: ten times fewer (1 in 60,000).
    assert expected_false_alerts(60000, fmr_per_million, 1000) == pytest.approx(1.0, abs=0.001)


def test_fpir_is_below_the_linear_estimate_and_bounded():
    # 12 per million against 2,000: N x FMR = 0.024; the exact value subtracts the double counts.
    exact = 1 - (1 - 12e-6) ** 2000
    assert fpir(12, 2000) == pytest.approx(exact, rel=1e-12)
    assert 0.0237 < fpir(12, 2000) < 0.024
    assert fpir(0, 10**6) == 0.0
    assert fpir(10, 0) == 0.0
    assert fpir(1e6, 5) == 1.0  # every comparison matches
    # a large list saturates: most searches return a wrong candidate (retrospective FR, 180,000 images)
    assert fpir(10, 180000) == pytest.approx(1 - math.exp(-1.8), rel=1e-3)


def test_disparity_ratio():
    assert disparity_ratio([12, 9, 11, 10]) == pytest.approx(12 / 9)
    assert disparity_ratio([40, 4]) == 10.0
    assert disparity_ratio([0, 0]) == 1.0
    assert disparity_ratio([3, 0]) == RATIO_CAP


# --- golden: expected false alerts through the engine ---------------------------------------------


def test_golden_expected_false_alerts_per_day_and_deployment(camera, child):
    a = assess(camera, _with(
        child, fr_group_rates=PASSING, watchlist_size=2000, people_affected_per_day=15000,
        lfr_deployments=[
            {"place": "Station entrances", "duration_hours": 6, "watchlist_size": 2000, "expected_faces": 20000,
             "reason": "r"},
            {"place": "Bus station", "duration_hours": 4, "watchlist_size": 200, "expected_faces": 5000,
             "reason": "r"},
        ]))
    acc = a.accuracy
    assert acc is not None
    assert acc.result == "pass"
    assert acc.disparity_ratio == pytest.approx(1.333, abs=0.001)
    assert acc.worst_group == "Women over 60" and acc.fmr_per_million == 12
    # FPIR(2000) = 1 - (1 - 1.2e-5)^2000 = 0.0237144 (hand: 0.024 - 2.879e-4 + 2.3e-6)
    assert acc.fpir == pytest.approx(0.02371, abs=1e-5)
    assert acc.false_alerts_per_10000 == pytest.approx(237.1, abs=0.1)
    assert acc.false_alerts_per_day == pytest.approx(355.7, abs=0.1)  # 15,000 x 0.0237144
    # deployment 1: 20,000 x 0.0237144 = 474.3; deployment 2: 5,000 x FPIR(200) = 5,000 x 0.0023976 = 11.99
    assert [d.false_alerts for d in acc.deployments] == [pytest.approx(474.3, abs=0.1), pytest.approx(11.99, abs=0.01)]
    assert acc.false_alerts_per_deployment == pytest.approx(474.3, abs=0.1)
    assert acc.inputs["watchlist_size"] == 2000 and acc.inputs["people_affected_per_day"] == 15000
    assert any("355.7 per day" in line and "15,000 people" in line for line in acc.derivation)
    # The figures reach the rules as computed values, shown in the rule's trace.
    hit = _hit(a, "due_process_remedy", "R-DP-FR-FALSE-ALERTS-EXPECTED")
    assert hit is not None and hit.status == "holds"
    # The trace shows the branch that fired: the first threshold crossed (237.1 per 10,000 >= 10).
    assert hit.answers["fr_false_alerts_per_10000"] == pytest.approx(237.1, abs=0.1)
    # A passing test credits bias testing and clears RF-13.
    assert a.red_flag("RF-13") is None
    bias = next(m for m in a.mitigations if m.id == "M-BIAS-TESTING")
    assert bias.counted and not bias.issues
    json.loads(a.to_json())  # canonical JSON, no NaN or Infinity


def test_the_examples_own_figures_expect_no_false_alert_in_the_operation(camera, child):
    """The example's 0.2 false alerts per 10,000 at a list of 2 is an FMR of about 10 per million."""
    rates = [{"group": g, "fmr_per_million": r} for g, r in
             [("Women", 10), ("Men", 9), ("Under 18", 11), ("Over 60", 10), ("Darker skin", 10.5), ("Lighter skin", 9.5)]]
    a = assess(camera, _with(child, fr_group_rates=rates))
    acc = a.accuracy
    assert acc.result == "pass"
    assert acc.false_alerts_per_10000 == pytest.approx(0.22, abs=0.001)  # 10,000 x (1 - (1 - 1.1e-5)^2)
    assert acc.false_alerts_per_deployment == pytest.approx(0.33, abs=0.001)  # 15,000 x 2.2e-5
    assert _hit(a, "due_process_remedy", "R-DP-FR-FALSE-ALERTS-EXPECTED") is None
    # Methodology 6.3 example 4: lawful, no red flag, but the high obligations stay. The High rests only on
    # the scan face recognition makes by design, which no change but dropping it ends, so it is not "Revise"
    # (legal review M-01: "High: council-level approval" is not "Revise: change the proposal").
    assert not a.red_flags
    assert a.overall_level == "high"
    assert a.outcome == "proceed_with_conditions" and a.decided
    privacy = a.right("privacy")
    assert privacy.residual == "high" and privacy.by_design_rules == ["R-PRIV-BIOMETRIC"]
    assert [r.kind for r in a.reasons][:1] == ["by_design"]
    assert {o.level for o in a.obligations} >= {"high"}


# --- the acceptance rule: credit only when the results pass ---------------------------------------


def test_tenfold_disparity_keeps_rf13_and_denies_the_bias_testing_credit(camera, child):
    a = assess(camera, _with(child, fr_group_rates=TENFOLD))
    acc = a.accuracy
    assert acc.result == "fail" and acc.disparity_ratio == 10.0
    assert "(Black women) is 10 times the lowest" in acc.reason
    rf13 = a.red_flag("RF-13")
    assert rf13 is not None and rf13.status == "triggered"
    assert rf13.answers["fr_accuracy_test"] == "fail"
    assert a.outcome == "do_not_proceed"
    bias = next(m for m in a.mitigations if m.id == "M-BIAS-TESTING")
    assert not bias.counted and not bias.projected
    assert any("fr_accuracy_test" in i and "does not" in i for i in bias.issues)
    nd = a.right("non_discrimination")
    assert _hit(a, "non_discrimination", "R-ND-FR-ACCURACY-NOT-SHOWN").status == "holds"
    assert nd.dimensions["likelihood"].value == 4
    assert _hit(a, "due_process_remedy", "R-DP-FR-ACCURACY-FAILS").status == "holds"


def test_disparity_raises_the_equality_rating_against_a_passing_test(camera, child):
    passing = assess(camera, _with(child, fr_group_rates=PASSING))
    failing = assess(camera, _with(child, fr_group_rates=TENFOLD))
    rank = {lv.id: i for i, lv in enumerate(passing.matrix.levels)}
    p, f = passing.right("non_discrimination"), failing.right("non_discrimination")
    assert rank[f.inherent] > rank[p.inherent]
    assert rank[f.residual] > rank[p.residual]


def test_known_groups_that_already_fail_decide_even_with_a_rate_unknown(camera, child):
    rows = TENFOLD + [{"group": "Children", "fmr_per_million": "unknown"}]
    a = assess(camera, _with(child, fr_group_rates=rows))
    assert a.accuracy.result == "fail"
    assert a.accuracy.unknown_groups == ["Children"]
    assert a.red_flag("RF-13").status == "triggered"


def test_a_zero_rate_against_a_non_zero_one_fails(camera, child):
    rows = [{"group": "A", "fmr_per_million": 0}, {"group": "B", "fmr_per_million": 2}]
    a = assess(camera, _with(child, fr_group_rates=rows))
    assert a.accuracy.result == "fail"
    assert "no bound" in a.accuracy.reason


# --- untested and unknown count as worst ----------------------------------------------------------


def test_untested_counts_as_failing(camera, child):
    a = assess(camera, _with(child, bias_testing="vendor_only", fr_group_rates=None))
    assert a.accuracy.result == "untested" and not a.accuracy.credited
    assert a.accuracy.false_alerts_per_day is None  # vendor claims are not turned into figures
    assert a.red_flag("RF-13").status == "triggered"
    assert _hit(a, "non_discrimination", "R-ND-FR-ACCURACY-NOT-SHOWN").status == "holds"
    assert _hit(a, "due_process_remedy", "R-DP-FR-ACCURACY-UNTESTED").status == "holds"
    passing = assess(camera, _with(child, fr_group_rates=PASSING))
    for right in ("non_discrimination", "due_process_remedy"):
        assert a.right(right).dimensions["likelihood"].value >= passing.right(right).dimensions["likelihood"].value


def test_unknown_results_are_an_open_gap_on_the_inputs_not_on_a_computed_id(camera, child):
    a = assess(camera, child)  # the example: an independent test whose per-group rates are not given
    assert a.accuracy.result == "unknown"
    rf13 = a.red_flag("RF-13")
    assert rf13.status == "potential"
    assert rf13.gap_questions == ["fr_group_rates"]
    gaps = {g.question for g in a.evidence_gaps}
    assert "fr_group_rates" in gaps
    assert not gaps & {"fr_accuracy_test", "fr_disparity_ratio", "fr_false_alerts_per_day"}
    assert a.outcome == "incomplete"
    bias = next(m for m in a.mitigations if m.id == "M-BIAS-TESTING")
    assert not bias.counted and bias.projected
    assert any("fr_group_rates" in i for i in bias.issues)


def test_too_few_groups_is_unknown(camera, child):
    one = [{"group": "Everyone", "fmr_per_million": 1}]
    a = assess(camera, _with(child, fr_group_rates=one))
    assert a.accuracy.result == "unknown"


def test_no_accuracy_record_without_face_recognition(camera):
    a, _ = load(INSTRUMENT / "examples" / "parking_plate_readers.yaml")
    assert assess(camera, a).accuracy is None


# --- the instrument declares the computed ids; the loader checks them -----------------------------


def test_a_rule_reading_an_undeclared_computed_id_is_refused(tmp_path):
    message = refusal(tmp_path, "rules.yaml", "    false_alerts_per_deployment: fr_false_alerts_per_deployment\n", "")
    assert "unknown question 'fr_false_alerts_per_deployment'" in message
    assert "rules.yaml" in message


def test_a_computed_id_may_not_reuse_a_question_id(tmp_path):
    message = refusal(tmp_path, "rules.yaml", "disparity_ratio: fr_disparity_ratio", "disparity_ratio: watchlist_size")
    assert "computed id 'watchlist_size' is already a question id" in message


def test_a_computed_value_is_checked_like_a_question(tmp_path):
    message = refusal(tmp_path, "rules.yaml", "{question: fr_accuracy_test, op: equals, value: untested}",
                      "{question: fr_accuracy_test, op: equals, value: passed}")
    assert "fr_accuracy_test: 'passed' is not one of the offered choices: pass, fail, untested" in message


def test_accuracy_settings_must_point_at_fitting_questions(tmp_path):
    message = refusal(tmp_path, "rules.yaml", "  watchlist_size_question: watchlist_size",
                      "  watchlist_size_question: watchlist_criteria")
    assert "'watchlist_criteria' must be a number question" in message


def test_an_unknown_list_size_leaves_the_false_alerts_open_and_names_it(camera, child):
    a = assess(camera, _with(child, fr_group_rates=PASSING, watchlist_size="unknown",
                             lfr_deployments=[{"place": "Station", "duration_hours": 6, "expected_faces": 15000,
                                               "reason": "r"}]))
    assert a.accuracy.result == "pass"
    assert a.accuracy.false_alerts_per_day is None and a.accuracy.fpir is None
    hit = _hit(a, "due_process_remedy", "R-DP-FR-FALSE-ALERTS-EXPECTED")
    assert hit is not None and hit.status == "potential"
    gap = next(g for g in a.evidence_gaps if g.question == "watchlist_size")
    assert "R-DP-FR-FALSE-ALERTS-EXPECTED" in gap.drives
    # With the list size known and small, the rule no longer applies.
    small = assess(camera, _with(child, fr_group_rates=PASSING, watchlist_size=2))
    assert _hit(small, "due_process_remedy", "R-DP-FR-FALSE-ALERTS-EXPECTED") is None


def test_the_summary_prints_the_expected_false_alerts_with_their_derivation(camera, child):
    from pia.assess.summary import render_summary

    a = assess(camera, _with(child, fr_group_rates=PASSING[:2], watchlist_size=2000))
    out = render_summary(a, camera)
    assert "Expected false alerts: 355.7 per day (15,000 people scanned a day x 0.02371)." in out
    assert "1 - (1 - 12 per million)^2,000 = 0.02371" in out
    assert "Passes: the highest group false-match rate is 1.33 times the lowest" in out
    untested = render_summary(assess(camera, _with(child, bias_testing="none", fr_group_rates=None)), camera)
    assert "Untested: no independent test at the operating threshold; counted as failing." in untested
    assert "Expected false alerts" not in untested
