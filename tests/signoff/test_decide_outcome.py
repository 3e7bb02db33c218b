"""What an approver may approve: never a legal prohibition; an open outcome only with reasons, on the record.

A council may decide more strictly than the assessment, never against the law (scoring-methodology 6.2 E). An
outcome still open between two classes can be approved, but the approver says why before its open questions are
answered, and the signed record names both ends and the decisive gaps.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pia.answers import load
from pia.assess import assess
from pia.errors import PiaError
from pia.signoff import signing
from pia.signoff.records import ATTESTATIONS

EXAMPLES = Path(__file__).resolve().parents[2] / "questionnaires" / "camera-hria" / "examples"


def _draft(store, camera, name: str):
    answers = load(EXAMPLES / f"{name}.yaml")[0]
    return store.create(answers, author="Sam", q=camera).id, answers


def test_a_legal_prohibition_cannot_be_approved_and_nothing_is_written(store, camera):
    d, answers = _draft(store, camera, "live_fr_police_unauthorised")
    a = assess(camera, answers)
    assert a.outcome == "prohibited" and a.decided
    before = (store.audit_log(d), store.records(d))
    with pytest.raises(PiaError, match="no decision can override a legal prohibition") as err:
        store.approve(d, camera, a, list(ATTESTATIONS), "The council wants it anyway.")
    assert "\n" not in str(err.value)
    assert (store.audit_log(d), store.records(d)) == before
    # Rejecting it is recorded as usual.
    store.reject(d, camera, a, "Prohibited by AI Act Art. 5(1)(h) without the conditions of Art. 5(2)-(5).")
    (decision,) = store.records(d, "decision")
    assert decision.fields["decision"] == "rejected" and decision.fields["decided"] is True


def test_an_open_outcome_is_approved_only_with_reasons_and_the_record_names_its_range(store, camera, signing_key):
    d, answers = _draft(store, camera, "live_fr_missing_child_authorised")
    a = assess(camera, answers)
    assert not a.decided and a.decisive_gaps
    with pytest.raises(PiaError, match="the reasons for approving while the outcome is still open must be given"):
        store.approve(d, camera, a, list(ATTESTATIONS), "  ")
    assert store.records(d, "decision") == []
    why = "The child is missing now; the bias test report is due within the six-hour window and binds the search."
    store.approve(d, camera, a, list(ATTESTATIONS), why)
    (decision,) = store.records(d, "decision")
    f = decision.fields
    assert f["decision"] == "approved" and f["outcome"] == "incomplete" and f["decided"] is False
    assert (f["outcome_worst"], f["outcome_best"]) == (a.outcome_worst, a.outcome_best)
    assert f["decisive_gaps"] == list(a.decisive_gaps) and f["open_reasons"] == why
    checked = signing.check(signing.parse_envelope(store.signed_decision(d), "decision"), signing_key.public_key())
    assert checked.valid and checked.record["open_reasons"] == why      # the range and reasons are signed
    from pia.signoff.verify import describe

    said = "\n".join(describe(checked.record, checked.key_id))
    assert f"open between Do not proceed and Proceed with conditions on {a.decisive_gaps[0]}" in said
    assert "approved while open, because: The child is missing now" in said


def test_a_decided_outcome_needs_no_reasons_and_says_it_was_decided(store, camera):
    d, answers = _draft(store, camera, "school_cctv")
    a = assess(camera, answers)
    assert a.decided and a.outcome == "proceed_with_conditions"
    store.approve(d, camera, a, list(ATTESTATIONS))
    (decision,) = store.records(d, "decision")
    assert decision.fields["decided"] is True and "outcome_worst" not in decision.fields
    assert "open_reasons" not in decision.fields
