"""A High that rests only on the interference the design makes by itself is not "Revise" (legal review M-01).

"Revise" must name a change that ends it ("What it would take"). The biometric scan of every face by face
recognition (R-PRIV-BIOMETRIC) is ended by no safeguard and by no change short of dropping face recognition,
and whether it is lawful at all is for the red flags (legal basis, necessity, prior authorisation). So a right
rated High only through such a harm gives "Proceed with conditions", the High level's obligations (council
approval, public consultation, external review, publication) being the conditions. Any other harm at High
still gives "Revise", and Very high still gives "Do not proceed".
"""

from __future__ import annotations

import pytest

from pia.answers import AnswerSet, load
from pia.assess import assess
from pia.rules_model import RiskRule

from .camera_cases import INSTRUMENT, PASSING_RATES

CHILD = INSTRUMENT / "examples" / "live_fr_missing_child_authorised.yaml"


@pytest.fixture(scope="module")
def child() -> AnswerSet:
    """The judge-authorised six-hour search for an abducted child, with independent per-group test results
    that pass (the example itself leaves them unknown)."""
    base = load(CHILD)[0]
    answers = dict(base.answers, fr_group_rates=PASSING_RATES)
    return AnswerSet(base.questionnaire, base.questionnaire_version, dict(base.meta), answers, dict(base.evidence))


def _variant(camera, change):
    """The camera instrument with its risk rules passed through `change` (a list -> list function)."""
    rules = camera.rules.model_copy(update={"risk_rules": change(list(camera.rules.risk_rules))})
    return camera.model_copy(update={"rules": rules})


def _edit(rule_id: str, **update):
    def change(rules: list[RiskRule]) -> list[RiskRule]:
        return [r.model_copy(update=update) if r.id == rule_id else r for r in rules]
    return change


def test_the_abducted_child_search_proceeds_with_the_high_obligations(camera, child):
    a = assess(camera, child)
    assert a.decided and not a.red_flags
    assert a.outcome == "proceed_with_conditions"
    privacy = a.right("privacy")
    assert (privacy.residual, privacy.residual_rank, privacy.ladder_rank) == ("high", 2, 1)
    assert privacy.by_design_rules == ["R-PRIV-BIOMETRIC"]
    # The level, and with it the obligations of a high-risk system, stay.
    assert a.overall_level == "high"
    assert "high" in {o.level for o in a.obligations}
    first = a.reasons[0]
    assert (first.kind, first.rights, first.rules) == ("by_design", ["privacy"], ["R-PRIV-BIOMETRIC"])
    assert "no change short of not using the technology" in a.outcome_reasons[0]
    assert "(biometric processing of every face scanned)" in a.outcome_reasons[0]


def test_the_same_high_without_the_by_design_mark_is_revise(camera, child):
    a = assess(_variant(camera, _edit("R-PRIV-BIOMETRIC", by_design=False)), child)
    assert a.outcome == "revise" and a.decided
    assert a.right("privacy").ladder_rank == 2 and a.right("privacy").by_design_rules == []
    assert a.reasons[0].kind == "residual"


def test_a_misuse_harm_at_high_beside_the_scan_still_gives_revise(camera, child):
    """Only a High that rests on by-design harms alone reads one rung lower."""
    extra = RiskRule(id="R-TEST-MISUSE", right="privacy", harm_id="H-TEST-MISUSE", kind="misuse",
                     harm="A misuse harm rated high", when={"question": "technologies", "op": "contains",
                                                           "value": "live_fr"},
                     floors={"scale": 2, "likelihood": 4}, rationale="Test rule.")
    a = assess(_variant(camera, lambda rules: [*rules, extra]), child)
    assert a.outcome == "revise"
    privacy = a.right("privacy")
    assert privacy.residual == "high" and privacy.ladder_rank == 2


def test_a_very_high_scan_still_does_not_proceed(camera, child):
    a = assess(_variant(camera, _edit("R-PRIV-BIOMETRIC", floors={"scale": 3, "likelihood": 4})), child)
    privacy = a.right("privacy")
    assert privacy.residual == "very_high" and privacy.ladder_rank == 3
    assert a.outcome == "do_not_proceed"


def test_by_design_needs_an_irreducible_interference():
    base = {"id": "R-X", "right": "privacy", "harm": "x", "when": {"question": "q", "op": "equals", "value": 1},
            "floors": {"scale": 2}, "by_design": True}
    with pytest.raises(ValueError, match="by_design"):
        RiskRule.model_validate({**base, "kind": "misuse", "irreducible": "GDPR Art. 9; only not using it."})
    with pytest.raises(ValueError, match="by_design"):
        RiskRule.model_validate({**base, "kind": "interference"})
    assert RiskRule.model_validate({**base, "kind": "interference", "irreducible": "Art. 9; only ..."}).by_design


def test_the_open_range_reads_the_same_ladder(camera):
    """The example as shipped leaves the per-group test results unknown: open, with the better end now
    "Proceed with conditions" (it was "Revise"), turning on those results alone."""
    a = assess(camera, load(CHILD)[0])
    assert (a.outcome_worst, a.outcome_best) == ("do_not_proceed", "proceed_with_conditions")
    assert a.decisive_gaps == ["fr_group_rates"]
    established = next(r for r in a.reasons if r.kind == "established")
    assert established.by_design and established.rights == ["privacy"]
    assert "only through the interference the design makes by itself" in a.outcome_reasons[-1]


def test_the_brief_says_why_a_high_by_design_proceeds_and_asks_for_no_safeguard_that_cannot_lower_it(camera, child):
    from pia.report.context import build_context

    ctx = build_context(camera, child, assess(camera, child), generated="2026-12-01")
    plain = " ".join(ctx["outcome"]["plain_reasons"])
    assert "the interference the system makes by design" in plain
    assert "Biometric processing of every face scanned" in plain
    assert "further safeguards or changes to the proposal are needed" not in plain


def test_the_derivation_annex_lets_an_auditor_redo_the_rung(camera, child):
    """The annex states the ladder and, for a right held high by design, the rung it counts as."""
    from pia.report.context import build_context

    ctx = build_context(camera, child, assess(camera, child), generated="2026-12-01")
    annex = ctx["derivation"]
    assert any("Outcome ladder" in line and "by_design" in line for line in annex["method"])
    privacy = next(r for r in annex["rights"] if r["id"] == "privacy")
    assert any("On the outcome ladder" in s and "R-PRIV-BIOMETRIC" in s for s in privacy["steps"])
