"""Golden cases for mitigations: states, projected vs verified residual, the reduction cap."""

from __future__ import annotations

import pytest

from pia.assess import assess

from .engine_cases import answers, planned, row, verified

# privacy: scope 3 (district) and likelihood 3 (often) -> high.
HIGH = {"coverage": "district", "use_frequency": "often"}


def privacy(engine_q, *rows, **extra):
    a = assess(engine_q, answers(engine_q, **HIGH, **extra, mitigations=list(rows)))
    return a, a.right("privacy")


def test_without_mitigations_residual_equals_inherent(engine_q):
    a, p = privacy(engine_q)
    assert (p.inherent, p.residual, p.projected) == ("high", "high", "high")
    assert a.outcome == "revise"


def test_verified_mitigation_lowers_the_residual(engine_q):
    a, p = privacy(engine_q, verified("M-MASK"))
    assert p.inherent == "high"
    assert p.residual_dimensions["scope"] == 2
    assert p.residual == "medium"
    assert p.projected == "medium"
    assert a.overall_level == "medium"
    assert a.outcome == "proceed_with_conditions"
    [m] = a.mitigations
    assert (m.id, m.state, m.counted, m.projected, m.issues) == ("M-MASK", "verified", True, True, [])
    applied = [x for x in p.mitigations if x.id == "M-MASK"]
    assert [(x.dimension, x.reduction) for x in applied] == [("scope", 1)]


def test_planned_mitigation_only_projects(engine_q):
    a, p = privacy(engine_q, planned("M-MASK"))
    assert p.residual == "high"
    assert p.projected == "medium"
    assert p.projected_dimensions["scope"] == 2 and p.residual_dimensions["scope"] == 3
    assert a.overall_level == "high" and a.overall_projected_level == "medium"
    assert a.outcome == "revise"  # only the verified residual drives the outcome
    assert a.mitigations[0].counted is False and a.mitigations[0].projected is True


@pytest.mark.parametrize(
    ("entry", "residual", "projected", "issue"),
    [
        (row("M-MASK", "proposed"), "high", "high", None),
        (row("M-MASK", "implemented"), "high", "medium", None),
        (row("M-MASK", "planned"), "high", "high", "without an owner"),
        (row("M-MASK", "verified"), "high", "medium", "no evidence"),
        (row("M-MASK", "unknown"), "high", "high", "state not known"),
        (verified("M-GEOFENCE"), "high", "high", None),  # linked to another right
    ],
)
def test_states_that_do_not_count(engine_q, entry, residual, projected, issue):
    a, p = privacy(engine_q, entry)
    assert (p.residual, p.projected) == (residual, projected)
    issues = " ".join(a.mitigations[0].issues)
    if issue is None:
        assert issues == ""
    else:
        assert issue in issues


def test_reduction_is_capped_per_dimension(engine_q):
    # scope 4 (city) - M-MASK 1 - M-DELETE 2 would give 1; the cap of 2 stops at 2.
    a = assess(engine_q, answers(
        engine_q, coverage="city", use_frequency="often", mitigations=[verified("M-MASK"), verified("M-DELETE")],
    ))
    p = a.right("privacy")
    assert a.reduction_cap == 2
    assert p.dimensions["scope"].value == 4
    assert p.residual_dimensions["scope"] == 2
    scope = [x for x in p.mitigations if x.dimension == "scope"]
    assert sum(x.reduction for x in scope) == 2
    assert {x.id: x.reduction for x in scope} == {"M-MASK": 1, "M-DELETE": 1}
    assert p.residual == "medium"  # severity 2, likelihood 3


def test_cap_also_bounds_the_projection(engine_q):
    a = assess(engine_q, answers(
        engine_q, coverage="city", use_frequency="often", mitigations=[verified("M-MASK"), planned("M-DELETE")],
    ))
    p = a.right("privacy")
    assert p.residual_dimensions["scope"] == 3
    assert p.projected_dimensions["scope"] == 2
    # The verified measure keeps its share of the cap in the projection.
    scope = {x.id: (x.reduction, x.projected_reduction) for x in p.mitigations if x.dimension == "scope"}
    assert scope == {"M-MASK": (1, 1), "M-DELETE": (0, 1)}


def test_never_below_one(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="street", mitigations=[verified("M-DELETE")]))
    p = a.right("privacy")
    assert p.residual_dimensions["scope"] == 1
    assert p.residual_dimensions["irremediability"] == 1
    by_dim = {x.dimension: x.reduction for x in p.mitigations if x.id == "M-DELETE"}
    assert by_dim == {"scope": 1, "irremediability": 0}


def test_likelihood_mitigation(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="district", use_frequency="sometimes",
                                 mitigations=[verified("M-AUDIT")]))
    p = a.right("privacy")
    assert p.inherent == "high"  # severity 3, likelihood 2
    assert p.residual_dimensions["likelihood"] == 1
    assert p.residual == "medium"  # severity 3, likelihood 1


def test_duplicate_rows_count_once(engine_q):
    a, p = privacy(engine_q, verified("M-MASK"), verified("M-MASK"))
    assert p.residual_dimensions["scope"] == 2
    assert [m.duplicate for m in a.mitigations] == [False, True]
    assert a.mitigations[1].counted is False


def test_later_better_row_is_used(engine_q):
    a, p = privacy(engine_q, row("M-MASK", "proposed"), verified("M-MASK"))
    assert p.residual_dimensions["scope"] == 2
    assert [m.duplicate for m in a.mitigations] == [True, False]


def test_plan_rows_keep_owner_due_and_evidence(engine_q):
    a, _ = privacy(engine_q, verified("M-DELETE"))
    m = a.mitigations[0]
    assert (m.owner, m.due, m.evidence) == ("Data protection officer", "2027-01-31", "report.pdf")
    assert m.evidence_required == "Retention configuration export"
    assert m.rights == ["privacy"]
    assert m.reduces == [{"right": "privacy", "dimension": "scope"}, {"right": "privacy", "dimension": "irremediability"}]
