"""Method v2: decided or open, established or assumed, evidence to clear a flag, hidden is not N/A.

Each test builds its answers from the engine fixture (tests/fixtures/engine/engine.yaml) and states, from
the fixture's rules, why the expected result is the right one.
"""

from __future__ import annotations

from pia.assess import assess
from pia.text import text

from .engine_cases import answers, verified

LFR_POLICE = {"technologies": ["live_fr"], "law_enforcement": "yes", "scraping": "no", "bias_tested": "yes",
              "at_assemblies": "no"}
EVIDENCE = {"document": "Police Act s. 27c; court order 4 Ks 12/26", "confirmed_by": "A. Jurist, legal adviser",
            "date": "2026-10-01"}


def test_known_answers_decide_even_with_an_unknown_that_cannot_change_it(engine_q):
    # RF-11 (no legal basis) is triggered: do not proceed. An unknown coverage only moves privacy's scope,
    # and no reading of it reaches RF-02's prohibition or lifts RF-11: the outcome is decided.
    a = assess(engine_q, answers(engine_q, legal_basis="none", coverage="unknown"))
    assert a.decided and a.outcome == "do_not_proceed"
    assert a.outcome_worst == a.outcome_best == "do_not_proceed"
    assert a.decisive_gaps == []
    assert [r.kind for r in a.reasons][:1] == ["red_flag"]


def test_open_case_names_its_decisive_gaps(engine_q):
    # Scraping unknown: RF-02 (prohibited) may apply. At best the clean answers give proceed; at worst the
    # use is prohibited. Only `scraping` settles it; `children_present` being unknown too would move only a
    # rating, not the prohibition, so it is decisive only if it alone moves an end of the range.
    a = assess(engine_q, answers(engine_q, technologies=["retro_fr"], scraping="unknown", bias_tested="yes"))
    assert not a.decided and a.outcome == "incomplete"
    assert (a.outcome_worst, a.outcome_best) == ("prohibited", "proceed")
    assert a.decisive_gaps == ["scraping"]
    kinds = [r.kind for r in a.reasons]
    assert kinds[0] == "open" and a.reasons[0].questions == ["scraping"]
    assert "possible_red_flag" in kinds and kinds[-1] == "established"
    # The reason names the question by its wording; the id stays in the structured field above.
    wording = text(engine_q.question("scraping").label)
    assert a.outcome_reasons[0].startswith("Open between Legally prohibited and Proceed (monitor): it turns on an "
                                           f"answer not yet known or claimed without evidence (\u201c{wording}\u201d)")
    assert "(scraping" not in a.outcome_reasons[0] and "on scraping" not in a.outcome_reasons[0]


def test_a_gap_never_displaces_a_worse_outcome_the_known_answers_establish(engine_q):
    # RF-11 holds on known answers (do not proceed); scraping unknown could add RF-02 (prohibited). The
    # range is prohibited..do not proceed: never milder than what RF-11 already establishes.
    a = assess(engine_q, answers(engine_q, legal_basis="none", technologies=["retro_fr"], scraping="unknown",
                                 bias_tested="yes"))
    assert (a.outcome_worst, a.outcome_best) == ("prohibited", "do_not_proceed")
    established = a.reasons[-1]
    assert established.kind == "established" and established.outcome == "do_not_proceed"
    assert established.flags == ["RF-11"]
    assert "already establish 'Do not proceed'" in a.outcome_reasons[-1]


def test_assumed_rating_is_marked_and_known_answers_give_the_other_end(engine_q):
    # children_present unknown: R-CHILDREN (children medium) applies at worst; with the known answers alone
    # the children right stays at its baseline (low). The rating is assumed, and the outcome is open
    # between the rung of a medium residual and proceed.
    a = assess(engine_q, answers(engine_q, children_present="unknown"))
    c = a.right("children")
    assert (c.residual, c.residual_known_only, c.residual_basis, c.inherent_basis) == \
        ("medium", "low", "assumed", "assumed")
    assert a.right("privacy").residual_basis == "established"
    assert (a.outcome_worst, a.outcome_best) == ("proceed_with_conditions", "proceed")
    assert a.decisive_gaps == ["children_present"]


def test_flag_cleared_only_with_evidence(engine_q):
    # RF-01 clears when each use is authorised in advance (rbi_authorised: yes). That answer needs evidence.
    base = answers(engine_q, **LFR_POLICE, rbi_authorised="yes")
    without = assess(engine_q, base)
    rf01 = without.red_flag("RF-01")
    assert rf01 is not None and rf01.status == "potential"
    assert rf01.evidence_missing == {"rbi_authorised": "no evidence recorded"}
    assert without.unevidenced == {"rbi_authorised": "no evidence recorded"}
    assert not without.decided and without.outcome_worst == "prohibited"

    partial = assess(engine_q, base.with_evidence("rbi_authorised", {**EVIDENCE, "confirmed_by": ""}))
    assert partial.red_flag("RF-01").evidence_missing == {"rbi_authorised": "evidence record lacks confirmed_by"}

    cleared = assess(engine_q, base.with_evidence("rbi_authorised", EVIDENCE))
    assert cleared.red_flag("RF-01") is None and "RF-01" in cleared.red_flags_clear
    assert cleared.unevidenced == {}
    assert cleared.outcome_worst != "prohibited"


def test_a_claim_against_the_stop_needs_no_evidence(engine_q):
    # "no" (not authorised) confirms the prohibition: evidence is asked only for the clearing answer.
    a = assess(engine_q, answers(engine_q, **LFR_POLICE, rbi_authorised="no"))
    assert a.red_flag("RF-01").status == "triggered" and a.outcome == "prohibited" and a.decided


def test_follow_up_of_a_blank_parent_is_unknown_not_hidden(engine_q):
    # rbi_authorised is asked only when law_enforcement is yes. With law_enforcement left blank (required,
    # so unknown), the follow-up is unknown too: RF-01 is potential, not silently switched off.
    a = assess(engine_q, answers(engine_q, drop=("law_enforcement",), technologies=["live_fr"], scraping="no",
                                 bias_tested="yes"))
    rf01 = a.red_flag("RF-01")
    assert rf01 is not None and rf01.status == "potential"
    assert set(rf01.gap_questions) == {"law_enforcement", "rbi_authorised"}
    assert {g.question: g.value for g in a.evidence_gaps}["rbi_authorised"] == "missing"


def test_trace_shows_the_branch_that_fired_not_every_answer_read(engine_q):
    # RF-10 reads technologies and at_assemblies; with assemblies "no" the flag is clear. When it fires, both
    # answers made it fire. RF-01's condition fails on law_enforcement alone: that is all its clearing needs.
    a = assess(engine_q, answers(engine_q, technologies=["retro_fr"], at_assemblies="yes", scraping="no",
                                 bias_tested="yes", mitigations=[verified("M-AUDIT")]))
    assert a.red_flag("RF-10").answers == {"technologies": ["retro_fr"], "at_assemblies": "yes"}
    unknown_only = assess(engine_q, answers(engine_q, technologies=["retro_fr"], scraping="unknown",
                                            bias_tested="yes"))
    assert unknown_only.red_flag("RF-02").answers == {"scraping": "unknown"}


def test_the_lawful_live_search_needs_its_evidence_to_clear_the_prohibition():
    # The abducted-child example clears RF-01 (AI Act Art. 5(1)(h)) only because each clearing answer carries
    # its evidence record; without one the same answers leave the prohibition potential (legal review L-02).
    from pathlib import Path

    from pia.answers import load
    from pia.loader import load_questionnaire

    instrument = Path(__file__).resolve().parents[2] / "questionnaires" / "camera-hria"
    camera = load_questionnaire(instrument / "camera_hria.yaml")
    answers, _ = load(instrument / "examples" / "live_fr_missing_child_authorised.yaml")
    assert "RF-01" in assess(camera, answers).red_flags_clear
    a = assess(camera, answers.with_evidence("lfr_prior_authorisation", None))
    rf01 = a.red_flag("RF-01")
    assert rf01 is not None and rf01.status == "potential"
    assert rf01.evidence_missing == {"lfr_prior_authorisation": "no evidence recorded"}
    assert a.outcome_worst == "prohibited" and not a.decided


def test_decisive_gaps_agree_with_two_whole_runs_per_gap_on_the_real_instrument():
    """The re-rating shortcut gives exactly the definition's answer on a blank draft and on every decided case."""
    from pathlib import Path

    from pia.answers import AnswerSet, load
    from pia.assess.engine import _Run
    from pia.loader import load_questionnaire

    root = Path(__file__).resolve().parents[2]
    camera = load_questionnaire(root / "questionnaires" / "camera-hria" / "camera_hria.yaml")
    sets = [AnswerSet(camera.id, camera.version, {}, {}),
            AnswerSet(camera.id, camera.version, {}, {"jurisdiction": "eu", "technologies": ["cctv", "live_fr"]})]
    sets += [load(p)[0] for p in sorted((root / "tests" / "cases").glob("*.yaml")) if not p.name.endswith(".flags.yaml")]
    opened = 0
    for given in sets:
        a = assess(camera, given)
        if a.decided:
            continue
        opened += 1
        run = _Run(camera, given)
        run.run()
        assert a.decisive_gaps == run.decisive_gaps_by_rerun(a.outcome_worst, a.outcome_best)
    assert opened >= 2
