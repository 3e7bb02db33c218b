"""Every rating can be lowered by some safeguard, or says in law why not (M-01).

With every safeguard of the catalogue verified (each with a full evidence
record), no example stays at "Revise" unless a rule that keeps it there
declares itself irreducible; the well-governed examples proceed; the ones a
court or regulator would stop stay stopped.
"""

from __future__ import annotations

import re

import pytest

from pia import checks
from pia.answers import load
from pia.assess import assess
from pia.assess.engine import HIGH_RANK
from pia.conditions import evaluate
from pia.text import text

from .camera_cases import INSTRUMENT, PASSING_RATES, refusal

EXAMPLES = sorted((INSTRUMENT / "examples").glob("*.yaml"))

WELL_GOVERNED = ["body_worn_cameras_wardens", "parking_plate_readers", "school_cctv", "traffic_counting_on_device"]
STOPPED = {"live_fr_police_unauthorised": "prohibited", "retrospective_fr_central_square": "do_not_proceed"}


def all_verified(camera) -> list[dict[str, str]]:
    """Every catalogue safeguard verified, each with a full evidence record checked by someone else."""
    return [
        {"mitigation": m.id, "state": "verified", "owner": "Service manager", "due": "2026-09-30",
         "evidence": text(m.evidence), "verified_by": "Independent auditor", "verified_on": "2026-10-15"}
        for m in camera.rules.mitigations
    ]


def lowerers(camera) -> dict[tuple[str, str], list[str]]:
    """(harm, dimension) -> the safeguards (catalogue or answer) that may lower it."""
    out: dict[tuple[str, str], list[str]] = {}
    for m in camera.rules.mitigations:
        for red in m.reduces:
            out.setdefault((red.harm, red.dimension), []).append(m.id)
    for sg in camera.rules.answer_safeguards:
        for red in sg.reduces:
            out.setdefault((red.harm, red.dimension), []).append(sg.id)
    return out


def test_every_rule_names_its_harm_and_a_harm_belongs_to_one_right(camera):
    named = [p for p in checks.catalogue_problems(camera, checks.Where.of(camera)) if "names no harm" in p.message]
    assert named == []
    rights_of: dict[str, set[str]] = {}
    for r in camera.rules.risk_rules:
        rights_of.setdefault(r.harm_key, set()).add(r.right)
    assert {h for h, rights in rights_of.items() if len(rights) > 1} == set()


def test_every_rule_can_be_lowered_or_says_in_law_why_not(camera):
    """Also: an irreducible rule cites the law and the design change, and its lowered_by answers end it.
    The check is `pia validate`'s (pia/checks.py), so an author meets it without running the tests."""
    assert checks.reducibility_problems(camera, checks.Where.of(camera)) == []


def test_the_instrument_keeps_its_irreducible_interferences(camera):
    irreducible = [r for r in camera.rules.risk_rules if r.irreducible is not None]
    assert {r.id for r in irreducible} >= {"R-PRIV-BIOMETRIC", "R-ASM-FR", "R-CHILD-EMOTION"}


def test_lowered_by_answers_really_end_the_rule(camera):
    for rule in camera.rules.risk_rules:
        if rule.lowered_by:
            # Three-valued: every answer not named is unknown, so False means "off whatever else is answered".
            assert evaluate(rule.when, dict(rule.lowered_by), missing=None) is False, rule.id


def test_no_safeguard_lowers_the_certainty_of_an_interference(camera):
    interference = {r.harm_key for r in camera.rules.risk_rules if r.kind == "interference"}
    assert {"H-PRIV-BIOMETRIC", "H-PRIV-COVERAGE", "H-REL-WORSHIP"} <= interference
    for (harm, dimension), who in lowerers(camera).items():
        assert not (harm in interference and dimension == "likelihood"), (harm, who)


def test_the_loader_refuses_a_safeguard_on_the_likelihood_of_an_interference(tmp_path):
    signs = "    reduces: [{harm: H-PRIV-NO-NOTICE, dimension: irremediability}"
    message = refusal(tmp_path, "mitigations.yaml", signs + "]",
                      signs + ", {harm: H-PRIV-BIOMETRIC, dimension: likelihood}]")
    assert "harm 'H-PRIV-BIOMETRIC' is an interference: no safeguard lowers its likelihood" in message
    assert "mitigations.yaml" in message


def test_the_loader_refuses_a_safeguard_for_an_unknown_harm(tmp_path):
    assert "unknown harm 'H-PRIV-NO-SUCH-HARM'" in refusal(
        tmp_path, "mitigations.yaml", "{harm: H-PRIV-NO-NOTICE, dimension: irremediability}",
        "{harm: H-PRIV-NO-SUCH-HARM, dimension: irremediability}")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_with_every_safeguard_verified_only_an_irreducible_rule_keeps_revise(camera, path):
    answers, _ = load(path)
    # Verifying independent bias testing means a test that passes the acceptance rule: M-BIAS-TESTING counts only then.
    answers = answers.with_answer("bias_testing", "independent").with_answer("fr_group_rates", PASSING_RATES)
    a = assess(camera, answers.with_answer("mitigation_plan", all_verified(camera)))
    # Bias testing of face recognition counts only where face recognition is weighed (a.accuracy).
    idle = [m for m in a.mitigations if not m.counted]
    assert all(m.id == "M-BIAS-TESTING" and a.accuracy is None for m in idle), [m.issues for m in idle]
    if a.triggered:
        # A red flag decides; no safeguard lifts it (checked below for the stopped examples).
        return
    # Short of a red flag, only an open question (a potential flag) may keep the outcome from the ladder.
    assert a.outcome in ("revise", "proceed_with_conditions", "proceed") or a.potential, a.outcome
    for right in a.rights:
        if right.residual_rank < HIGH_RANK:
            continue
        # What keeps the right high must be the irreducible harms alone.
        held = [h for h in right.harm_ratings if h.irreducible is not None]
        assert held, f"{path.stem}: {right.id} stays {right.residual} with no irreducible rule"
        # The right's level is its worst harm's matrix cell, as the engine placed it (`harm_cells`): one of the
        # irreducible harms must reach that level on its own.
        ranks = [a.matrix.rank(a.matrix.level(*right.harm_cells[h.id]["residual"])) for h in held]
        assert max(ranks) == right.residual_rank, (path.stem, right.id, right.harm_cells)
    if a.outcome == "revise":
        assert any(r.irreducible_rules for r in a.rights if r.residual_rank >= HIGH_RANK)


def test_the_judge_authorised_search_is_held_only_by_the_biometric_scan(camera):
    answers, _ = load(INSTRUMENT / "examples" / "live_fr_missing_child_authorised.yaml")
    # The example gives no rates per group; a passing test stands in.
    answers = answers.with_answer("fr_group_rates", PASSING_RATES)
    a = assess(camera, answers.with_answer("mitigation_plan", all_verified(camera)))
    # High, and by design only: "proceed with conditions" with the High obligations, not "revise".
    assert a.outcome == "proceed_with_conditions" and a.overall_level == "high"
    assert [(r.id, r.residual) for r in a.rights if r.residual_rank >= HIGH_RANK] == [("privacy", "high")]
    privacy = a.right("privacy")
    assert privacy.irreducible_rules == ["R-PRIV-BIOMETRIC"]
    scan = next(h for h in privacy.harm_ratings if h.id == "H-PRIV-BIOMETRIC")
    assert (scan.kind, scan.inherent["scale"], scan.inherent["likelihood"]) == ("interference", 2, 4)
    assert scan.residual == scan.inherent == scan.hard_floor
    assert "GDPR Art. 9" in text(scan.irreducible)


@pytest.mark.parametrize("name", WELL_GOVERNED)
def test_well_governed_examples_proceed(camera, name):
    answers, _ = load(INSTRUMENT / "examples" / f"{name}.yaml")
    assert assess(camera, answers).outcome in ("proceed_with_conditions", "proceed")
    verified = assess(camera, answers.with_answer("mitigation_plan", all_verified(camera)))
    assert verified.outcome in ("proceed_with_conditions", "proceed")
    assert verified.overall_rank <= 1


@pytest.mark.parametrize("name", sorted(STOPPED))
def test_stopped_examples_stay_as_severe_whatever_is_verified(camera, name):
    answers, _ = load(INSTRUMENT / "examples" / f"{name}.yaml")
    assert assess(camera, answers).outcome == STOPPED[name]
    verified = assess(camera, answers.with_answer("mitigation_plan", all_verified(camera)))
    assert verified.outcome == STOPPED[name]


def test_the_loader_refuses_lowered_by_an_unknown_question(tmp_path):
    assert (INSTRUMENT / "rules.yaml").read_text(encoding="utf-8").count("lowered_by: {audit_logging: full}") == 1
    message = refusal(tmp_path, "rules.yaml", "lowered_by: {audit_logging: full}", "lowered_by: {audit_logs: full}")
    assert re.search("rules.yaml.*lowered_by.*unknown question 'audit_logs'", message), message
