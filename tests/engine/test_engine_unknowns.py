"""Golden cases for unknown and missing answers: worst plausible, evidence gaps, incomplete."""

from __future__ import annotations

from pia.assess import assess

from .engine_cases import answers


def gaps(a):
    return {g.question: (g.value, g.drives, g.material) for g in a.evidence_gaps}


def test_unknown_answer_is_rated_worst_plausible_and_listed(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="unknown"))
    p = a.right("privacy")
    scope = p.dimensions["scope"]
    assert scope.value == 4                     # the worst of the rules it might trigger
    assert scope.rules == ["R-COV-CITY"]
    assert scope.evidence_gap is True
    assert scope.gap_questions == ["coverage"]
    assert scope.answers == {"coverage": "unknown"}
    assert p.inherent == "high" and p.known_only == "low" and p.material_gap
    assert {h.id: h.status for h in p.rule_hits} == {
        "R-COV-STREET": "potential", "R-COV-DISTRICT": "potential", "R-COV-CITY": "potential",
    }
    assert gaps(a) == {"coverage": ("unknown", ["R-COV-STREET", "R-COV-DISTRICT", "R-COV-CITY"], True)}
    assert a.evidence_gaps[0].label == "How wide is the area covered?"
    assert a.evidence_gaps[0].section == "system"
    # A right rated high only because of an unknown answer: no decision yet.
    assert a.outcome == "incomplete"
    assert "\u201cHow wide is the area covered?\u201d" in a.outcome_reasons[0]
    assert a.outcome_rules == ["R-COV-STREET", "R-COV-DISTRICT", "R-COV-CITY"]


def test_unknown_is_never_read_as_no(engine_q):
    unknown = assess(engine_q, answers(engine_q, coverage="street", children_present="unknown"))
    no = assess(engine_q, answers(engine_q, coverage="street", children_present="no"))
    assert unknown.right("privacy").dimensions["scale"].value == 2
    assert no.right("privacy").dimensions["scale"].value == 1


def test_missing_required_answer_counts_as_unknown(engine_q):
    a = assess(engine_q, answers(engine_q, drop=("coverage",)))
    assert gaps(a)["coverage"][0] == "missing"
    assert a.right("privacy").dimensions["scope"].answers == {"coverage": None}
    assert a.outcome == "incomplete"
    assert a.completeness.missing_required == ["coverage"]


def test_gap_that_does_not_change_a_rating_is_not_material(engine_q):
    a = assess(engine_q, answers(engine_q, coverage="city", use_frequency="often", retention_days="unknown"))
    p = a.right("privacy")
    assert p.dimensions["irremediability"].value == 2 and p.dimensions["irremediability"].evidence_gap
    assert not p.material_gap                 # severity is 4 from scope either way
    assert gaps(a) == {"retention_days": ("unknown", ["R-RETENTION"], False)}
    assert a.outcome == "do_not_proceed"      # decided by the very high residual, not by the gap


def test_material_gap_on_a_medium_right_leaves_the_outcome_open(engine_q):
    a = assess(engine_q, answers(engine_q, children_present="unknown"))
    c = a.right("children")
    assert c.inherent == "medium" and c.known_only == "low" and c.material_gap
    # Method v2: the unknown decides between two rungs, so the outcome is open between them (not blocked,
    # not silently decided at either end).
    assert (a.outcome, a.outcome_worst, a.outcome_best) == ("incomplete", "proceed_with_conditions", "proceed")


def test_potential_red_flag_makes_the_outcome_incomplete(engine_q):
    a = assess(engine_q, answers(engine_q, technologies=["retro_fr"], scraping="unknown", bias_tested="yes"))
    [rf] = a.red_flags
    assert (rf.id, rf.status, rf.gap_questions) == ("RF-02", "potential", ["scraping"])
    assert a.outcome == "incomplete"
    assert a.outcome_rules == ["RF-02"]
    assert gaps(a) == {"scraping": ("unknown", ["RF-02"], True)}
    assert [o.level for o in a.obligations] == ["low"]  # no red_flag obligation for a potential flag


def test_unknown_in_a_conjunction_that_is_false_anyway_is_no_gap(engine_q):
    # RF-10 needs face recognition AND assemblies; without face recognition the unknown does not matter
    # for the flag (it still matters for the assembly right).
    a = assess(engine_q, answers(engine_q, at_assemblies="unknown"))
    assert "RF-10" in a.red_flags_clear
    assert gaps(a)["at_assemblies"][1] == ["R-UPLIFT-PROTEST", "R-ASSEMBLY"]  # rights in catalogue order


def test_hidden_questions_are_not_gaps(engine_q):
    # dpia_done is only asked in the EU and UK; in a US city it is not applicable.
    a = assess(engine_q, answers(engine_q, jurisdiction="us_city", drop=("dpia_done",)))
    assert a.evidence_gaps == []
    assert a.outcome == "proceed"


def test_hidden_answers_are_ignored(engine_q):
    # An answer kept for a question that is now hidden changes nothing.
    a = assess(engine_q, answers(engine_q, jurisdiction="us_city", dpia_done="no"))
    assert a.red_flags == []
    assert a.outcome == "proceed"


def test_unknown_row_field_in_a_group(engine_q):
    from .engine_cases import row

    a = assess(engine_q, answers(engine_q, coverage="district", use_frequency="often",
                                 mitigations=[row("M-MASK", "unknown")]))
    assert a.right("privacy").residual == "high"
    assert "state not known" in a.mitigations[0].issues[0]


def test_empty_answers_do_not_crash_and_are_incomplete(engine_q):
    from pia.answers import AnswerSet

    a = assess(engine_q, AnswerSet(engine_q.id, engine_q.version, {}, {}))
    assert a.outcome == "incomplete"
    assert a.jurisdiction is None and not a.jurisdiction_known
    assert {g.value for g in a.evidence_gaps} == {"missing"}
