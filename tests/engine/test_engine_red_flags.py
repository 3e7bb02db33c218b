"""Golden cases for the legality gate: one per red flag, and how flags combine."""

from __future__ import annotations

from pia.assess import assess

from .engine_cases import answers, verified


def flags(a):
    return {f.id: f.status for f in a.red_flags}


def test_clean_answers_trigger_nothing_and_proceed(engine_q):
    a = assess(engine_q, answers(engine_q))
    assert a.red_flags == []
    assert a.red_flags_clear == ["RF-01", "RF-02", "RF-10", "RF-11", "RF-15"]
    assert a.outcome == "proceed"
    assert a.overall_level == "low"
    assert [o.approver for o in a.obligations] == ["Department head"]
    assert a.evidence_gaps == []


def test_rf01_live_face_recognition_without_authorisation_is_prohibited(engine_q):
    a = assess(engine_q, answers(
        engine_q, technologies=["live_fr"], law_enforcement="yes", rbi_authorised="no",
        scraping="no", bias_tested="yes",
    ))
    assert flags(a) == {"RF-01": "triggered"}
    assert a.outcome == "prohibited"
    assert a.outcome_rules == ["RF-01"]
    rf = a.red_flag("RF-01")
    assert rf.answers == {"technologies": ["live_fr"], "law_enforcement": "yes", "rbi_authorised": "no",
                          "jurisdiction": "eu"}
    assert rf.rights == ["privacy", "assembly"]
    assert "RF-01" in a.outcome_reasons[0]
    # A red flag brings the red-flag obligation as well as the level's one.
    assert [o.level for o in a.obligations] == ["medium", "red_flag"]


def test_rf01_cleared_by_authorisation(engine_q):
    claimed = answers(engine_q, technologies=["live_fr"], law_enforcement="yes", rbi_authorised="yes",
                      scraping="no", bias_tested="yes")
    # The clearing answer counts only with its evidence record (method v2).
    a = assess(engine_q, claimed.with_evidence("rbi_authorised", {
        "document": "Court order 4 Ks 12/26", "confirmed_by": "Legal adviser", "date": "2026-10-01"}))
    assert "RF-01" in a.red_flags_clear
    assert a.outcome == "proceed_with_conditions"  # privacy: live face recognition sets scale 3 -> medium


def test_rf02_scraping_is_prohibited(engine_q):
    a = assess(engine_q, answers(engine_q, technologies=["retro_fr"], scraping="yes", bias_tested="yes"))
    assert flags(a) == {"RF-02": "triggered"}
    assert a.outcome == "prohibited"
    assert a.red_flag("RF-02").answers == {"scraping": "yes"}


def test_rf10_face_recognition_at_assemblies_do_not_proceed(engine_q):
    a = assess(engine_q, answers(
        engine_q, technologies=["retro_fr"], at_assemblies="yes", scraping="no", bias_tested="yes",
    ))
    assert flags(a) == {"RF-10": "triggered"}
    assert a.outcome == "do_not_proceed"
    assert a.red_flag("RF-10").clears == "Exclude assemblies technically and in policy."
    assert a.right("assembly").red_flags == ["RF-10"]


def test_rf10_needs_face_recognition(engine_q):
    a = assess(engine_q, answers(engine_q, technologies=["cctv"], at_assemblies="yes"))
    assert "RF-10" not in flags(a)
    # ...but assemblies still raise the assembly right: scale 3, scope 2, likelihood 3 -> high.
    assert a.right("assembly").inherent == "high"
    assert a.outcome == "revise"


def test_rf11_no_legal_basis_do_not_proceed(engine_q):
    a = assess(engine_q, answers(engine_q, legal_basis="none"))
    assert flags(a) == {"RF-11": "triggered"}
    assert a.outcome == "do_not_proceed"


def test_rf15_no_dpia_forces_incomplete(engine_q):
    a = assess(engine_q, answers(engine_q, dpia_done="no"))
    assert flags(a) == {"RF-15": "triggered"}
    assert a.outcome == "incomplete"
    assert a.outcome_rules == ["RF-15"]


def test_worst_triggered_flag_wins(engine_q):
    a = assess(engine_q, answers(
        engine_q, technologies=["live_fr"], law_enforcement="yes", rbi_authorised="no",
        at_assemblies="yes", scraping="no", bias_tested="yes", dpia_done="no",
    ))
    assert flags(a) == {"RF-01": "triggered", "RF-10": "triggered", "RF-15": "triggered"}
    assert a.outcome == "prohibited"
    assert a.outcome_rules == ["RF-01"]
    # Every triggered flag is explained, worst first.
    assert [r.split()[2] for r in a.outcome_reasons] == ["RF-01", "RF-10", "RF-15"]


def test_triggered_flag_beats_potential_one(engine_q):
    a = assess(engine_q, answers(
        engine_q, legal_basis="none", technologies=["retro_fr"], scraping="unknown", bias_tested="yes",
    ))
    assert flags(a) == {"RF-02": "potential", "RF-11": "triggered"}
    # The triggered flag sets the better end; the potential prohibition the worse one.
    assert (a.outcome_best, a.outcome_worst) == ("do_not_proceed", "prohibited")


def test_no_mitigation_lifts_a_red_flag(engine_q):
    a = assess(engine_q, answers(
        engine_q, technologies=["retro_fr"], at_assemblies="yes", scraping="no", bias_tested="yes",
        mitigations=[verified("M-GEOFENCE"), verified("M-MASK"), verified("M-AUDIT")],
    ))
    assert a.outcome == "do_not_proceed"
    assert flags(a) == {"RF-10": "triggered"}
    # The mitigations still lower the per-right residual risk, which is shown apart.
    assembly = a.right("assembly")
    assert assembly.residual_dimensions["scope"] == 1
    assert assembly.residual_dimensions["likelihood"] == 2


def test_red_flag_in_the_mini_fixture(mini):
    from pia.answers import AnswerSet

    a = assess(mini, AnswerSet(mini.id, mini.version, {}, {
        "jurisdiction": "eu", "technologies": ["live_fr"], "law_enforcement": "no", "at_assemblies": "yes",
        "system_name": "x", "purpose": "y", "camera_count": 3, "sites": [{"name": "a", "kind": "street", "cameras": 3}],
        "legal_basis": "statute",
    }))
    assert a.outcome == "do_not_proceed"
    assert [f.id for f in a.triggered] == ["RF-10"]
