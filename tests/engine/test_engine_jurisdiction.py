"""Golden cases for jurisdiction profiles: what applies where, and an unknown jurisdiction."""

from __future__ import annotations

from pia.assess import assess

from .engine_cases import answers


def test_same_answers_different_jurisdiction(engine_q):
    changes = {"legal_basis": "none", "federal_sharing": "yes"}
    eu = assess(engine_q, answers(engine_q, jurisdiction="eu", **changes))
    us = assess(engine_q, answers(engine_q, jurisdiction="us_city", **changes))
    # RF-11 is scoped to the EU and UK; R-US-SHARING to US cities.
    assert [f.id for f in eu.triggered] == ["RF-11"] and eu.outcome == "do_not_proceed"
    assert us.red_flags == [] and "RF-11" not in us.red_flags_clear
    assert eu.right("privacy").dimensions["irremediability"].value == 1
    assert us.right("privacy").dimensions["irremediability"].value == 3
    assert us.right("privacy").inherent == "medium" and us.outcome == "proceed_with_conditions"
    assert (eu.jurisdiction, us.jurisdiction) == ("eu", "us_city")
    assert eu.frameworks == ["GDPR", "AIA"] and us.frameworks == ["CCOPS"]


def test_jurisdiction_specific_obligation_replaces_the_general_one(engine_q):
    high = {"coverage": "city", "use_frequency": "rarely"}  # privacy high
    eu = assess(engine_q, answers(engine_q, jurisdiction="eu", **high))
    uk = assess(engine_q, answers(engine_q, jurisdiction="uk", **high))
    assert [o.approver for o in eu.obligations] == ["City council"]
    assert [o.approver for o in uk.obligations] == ["Council and the Information Commissioner"]
    assert uk.obligations[0].reason == "The overall residual risk is high."


def test_unknown_jurisdiction_applies_scoped_items_as_potential(engine_q):
    a = assess(engine_q, answers(engine_q, jurisdiction="unknown", legal_basis="none"))
    assert a.jurisdiction is None and a.jurisdiction_known is False
    rf = a.red_flag("RF-11")
    assert rf.status == "potential"        # the flag holds if the EU or UK rules apply
    assert rf.gap_questions == ["jurisdiction"]
    assert rf.answers == {"legal_basis": "none", "jurisdiction": "unknown"}
    assert a.outcome == "incomplete"
    gap = {g.question: g for g in a.evidence_gaps}["jurisdiction"]
    assert gap.value == "unknown" and gap.drives == ["RF-11", "frameworks", "obligations"] and gap.material
    assert a.frameworks == ["GDPR", "AIA", "CCOPS"]


def test_unknown_jurisdiction_rates_scoped_rules_at_worst(engine_q):
    a = assess(engine_q, answers(engine_q, jurisdiction="unknown", federal_sharing="yes"))
    irr = a.right("privacy").dimensions["irremediability"]
    assert irr.value == 3 and irr.evidence_gap and irr.gap_questions == ["jurisdiction"]
    assert {g.question: g.drives for g in a.evidence_gaps} == {
        "jurisdiction": ["R-US-SHARING", "frameworks", "obligations"],
    }


def test_unknown_jurisdiction_is_a_gap_even_when_no_rule_needs_it(engine_q):
    a = assess(engine_q, answers(engine_q, jurisdiction="unknown"))
    [gap] = a.evidence_gaps
    assert (gap.question, gap.drives, gap.material) == ("jurisdiction", ["frameworks", "obligations"], False)
    assert a.outcome == "proceed"


def test_unknown_jurisdiction_lists_every_candidate_obligation(engine_q):
    a = assess(engine_q, answers(engine_q, jurisdiction="unknown", coverage="city", use_frequency="rarely"))
    assert a.overall_level == "high"
    assert [o.approver for o in a.obligations] == ["City council", "Council and the Information Commissioner"]


def test_mini_red_flag_scoped_to_eu_and_uk(mini):
    from pia.answers import AnswerSet

    base = {"technologies": ["drone"], "law_enforcement": "no", "system_name": "x", "purpose": "y",
            "camera_count": 2, "sites": [{"name": "a", "kind": "street", "cameras": 2}], "legal_basis": "none"}
    eu = assess(mini, AnswerSet(mini.id, mini.version, {}, {**base, "jurisdiction": "eu"}))
    us = assess(mini, AnswerSet(mini.id, mini.version, {}, {**base, "jurisdiction": "us"}))
    assert [f.id for f in eu.triggered] == ["RF-11"]
    assert us.triggered == []
