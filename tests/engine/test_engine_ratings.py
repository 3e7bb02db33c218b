"""Golden cases for per-right ratings: matrix cells, floors, uplifts, severity as a maximum."""

from __future__ import annotations

import pytest

from pia.assess import assess, outcome_for_rank

from .engine_cases import answers

COVERAGE = {"site": 1, "street": 2, "district": 3, "city": 4}        # -> privacy scope
FREQUENCY = {"rarely": 1, "sometimes": 2, "often": 3, "continuous": 4}  # -> privacy likelihood

# The methodology's matrix, written out by hand (severity rows, likelihood columns).
EXPECTED = {
    1: ["low", "low", "low", "medium"],
    2: ["low", "medium", "medium", "high"],
    3: ["medium", "high", "high", "very_high"],
    4: ["high", "very_high", "very_high", "very_high"],
}
OUTCOME_OF = {"low": "proceed", "medium": "proceed_with_conditions", "high": "revise", "very_high": "do_not_proceed"}


@pytest.mark.parametrize("coverage", list(COVERAGE))
@pytest.mark.parametrize("frequency", list(FREQUENCY))
def test_every_matrix_cell(engine_q, coverage, frequency):
    a = assess(engine_q, answers(engine_q, coverage=coverage, use_frequency=frequency))
    p = a.right("privacy")
    sev, lik = COVERAGE[coverage], FREQUENCY[frequency]
    assert (p.severity, p.likelihood) == (sev, lik)
    assert p.inherent == EXPECTED[sev][lik - 1]
    assert p.residual == p.inherent  # no mitigations
    assert a.overall_level == p.inherent
    assert a.outcome == OUTCOME_OF[p.inherent]


def test_severity_four_is_never_below_high(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="city", use_frequency="rarely"))
    assert a.right("privacy").inherent == "high"


def test_level_rank_maps_to_outcome():
    assert [outcome_for_rank(r) for r in range(6)] == [
        "proceed", "proceed_with_conditions", "revise", "do_not_proceed", "do_not_proceed", "do_not_proceed",
    ]


def test_severity_is_the_maximum_not_a_sum(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="street", retention_days=60, use_frequency="sometimes"))
    p = a.right("privacy")
    assert (p.dimensions["scope"].value, p.dimensions["irremediability"].value) == (2, 2)
    assert p.severity == 2
    assert p.inherent == "medium"


def test_highest_floor_wins_and_names_its_rule(engine_q):
    a = assess(engine_q, answers(engine_q, jurisdiction="us_city", federal_sharing="yes", retention_days=60))
    irr = a.right("privacy").dimensions["irremediability"]
    assert irr.value == 3
    assert irr.rules == ["R-US-SHARING"]
    assert irr.answers == {"federal_sharing": "yes", "jurisdiction": "us_city"}
    # Both rules are recorded as hits; only the highest floor counts.
    hits = {h.id for h in a.right("privacy").rule_hits}
    assert {"R-US-SHARING", "R-RETENTION"} <= hits


def test_baseline_applies_when_no_rule_fires(engine_q):
    nd = assess(engine_q, answers(engine_q)).right("non_discrimination")
    lik = nd.dimensions["likelihood"]
    assert (lik.value, lik.baseline, lik.rules) == (2, 2, [])
    assert nd.inherent == "low"  # severity 1, likelihood 2


def test_vulnerability_uplift_is_recorded_as_its_own_hit(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="street", children_present="yes"))
    scale = a.right("privacy").dimensions["scale"]
    assert (scale.value, scale.floor, scale.uplift) == (2, 1, 1)
    assert scale.uplift_rules == ["R-UPLIFT-CHILDREN"]
    assert scale.rules == []
    assert scale.answers == {"children_present": "yes"}
    assert "R-UPLIFT-CHILDREN" in [h.id for h in a.right("privacy").rule_hits]


def test_uplift_needs_a_harm_to_weigh(engine_q):
    """A vulnerable group raises the rating of a harm; with no harm rated there is nothing to raise (M-08)."""
    a = assess(engine_q, answers(engine_q, children_present="yes"))
    privacy = a.right("privacy")
    assert not any(h.floors for h in privacy.rule_hits)
    scale = privacy.dimensions["scale"]
    assert (scale.value, scale.uplift, scale.uplift_rules) == (1, 0, [])


def test_uplifts_do_not_stack(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="street", children_present="yes", at_assemblies="yes"))
    scale = a.right("privacy").dimensions["scale"]
    assert scale.value == 3  # 1 + the largest uplift (2), not 1 + 1 + 2
    assert scale.uplift_rules == ["R-UPLIFT-PROTEST"]


def test_uplift_is_capped_at_four(engine_q):
    a = assess(engine_q, answers(
        engine_q, technologies=["live_fr"], at_assemblies="yes", scraping="no", bias_tested="yes",
    ))
    scale = a.right("privacy").dimensions["scale"]
    assert (scale.floor, scale.uplift, scale.value) == (3, 1, 4)
    assert scale.rules == ["R-FR-SCALE"]


def test_rights_are_rated_separately_and_overall_is_the_worst(engine_q):
    a = assess(engine_q, answers(engine_q, technologies=["anpr"], bias_tested="no", coverage="street"))
    assert a.right("non_discrimination").inherent == "high"   # scale 3, likelihood 3
    assert a.right("privacy").inherent == "low"               # scope 2, likelihood 1
    assert a.overall_level == "high"                          # the worst, never an average
    assert a.outcome == "revise"
    assert a.outcome_rules == ["R-BIAS"]
    assert a.outcome_answers == {"bias_tested": "no"}
