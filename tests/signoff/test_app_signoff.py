"""The sign-off screens in Streamlit's AppTest, single-user mode (no login configured), on a real SQLite store.

What one person on their own machine sees: every role, the single-user
warning on the decision, refusals from the store as messages (approval while
a section is "to correct"), locked formal records, the action plan with an
overdue safeguard flagged and its CSV/ICS downloads, and the audit log on the
History page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pia import wording
from pia.answers import AnswerSet, load
from pia.signoff import signing
from pia.signoff.records import ATTESTATIONS
from pia.store import Store
from tests.app.rendered import plain

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    signing.keygen(tmp_path / "city.key", tmp_path / "city.key.pub")
    monkeypatch.setenv("PIA_DATABASE_URL", url)
    monkeypatch.setenv("PIA_PATH", str(FIXTURES / "mini"))
    monkeypatch.setenv("PIA_SIGNING_KEY", str(tmp_path / "city.key"))
    monkeypatch.delenv("PIA_TRUSTED_USER_HEADER", raising=False)
    return url


def draft(url: str, overdue: bool = False) -> str:
    answers, _ = load(FIXTURES / "mini" / "answers_complete.yaml")
    if overdue:
        plan = [dict(r) for r in answers.answers["mitigations"]]
        plan[1]["due"] = "2020-01-15"          # planned, not in place, long past its date
        answers = AnswerSet(answers.questionnaire, answers.questionnaire_version, answers.meta,
                            {**answers.answers, "mitigations": plan})
    s = Store(url)
    d = s.create(answers, author="Ana").id
    s.dispose()
    return d


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def opened(draft_id: str, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["draft"] = draft_id
    ok(at.run())
    at.session_state["goto_page"] = page
    return ok(at.run())


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error] \
        + [w.value for w in at.warning] + [s.value for s in at.success] + [i.value for i in at.info]
    return "\n".join(plain(p) for p in parts)


def test_single_user_holds_every_role_and_decisions_say_so(env):
    d = draft(env)
    at = opened(d, "signoff")
    text = shown(at)
    assert "You are owner, author, reviewer, approver, reader." in text
    assert wording.label("signoff.single_user") in text
    assert "Sign-off: Not signed off" in text

    # The reviewer's mark "to correct" blocks approval, and the refusal is a message, not a traceback.
    at.radio(key="so_mark_description").set_value("to_correct")
    at.text_area(key="so_mark_note_description").input("The purpose cites no source.")
    ok(at.button(key="so_mark_save_description").click().run())
    assert "Marked “System description” to correct." in shown(at)
    ok(at.radio(key="so_part").set_value("Records and decision").run())
    for a in ATTESTATIONS:
        at.checkbox(key=f"so_attest_{a}").check()
    ok(at.button(key="so_approve").click().run())
    assert "Not done: cannot approve: section(s) description are marked to correct" in shown(at)
    assert Store(env).signoff_state(d).status == "none"

    ok(at.radio(key="so_part").set_value("Review").run())
    at.radio(key="so_mark_description").set_value("acceptable")
    ok(at.button(key="so_mark_save_description").click().run())
    ok(at.radio(key="so_part").set_value("Records and decision").run())
    for a in ATTESTATIONS:
        at.checkbox(key=f"so_attest_{a}").check()
    ok(at.button(key="so_approve").click().run())
    text = shown(at)
    assert "Approved and signed with the municipality's key." in text
    assert "Sign-off: Approved and signed" in text
    decision = Store(env).signoff_state(d).decision
    assert decision is not None and decision.fields["mode"] == "single-user" and decision.signature


def test_formal_records_are_written_once_and_shown_locked(env):
    d = draft(env)
    at = opened(d, "signoff")
    ok(at.radio(key="so_part").set_value("Records and decision").run())
    at.text_input(key="so_dpo_name").input("D. Officer")
    at.text_area(key="so_dpo_advice").input("Mask the school gate at all hours.")
    ok(at.button(key="so_dpo_save").click().run())
    advice = Store(env).records(d, "dpo_advice")
    assert [r.fields["advice"] for r in advice] == ["Mask the school gate at all hours."]
    # Overruling needs reasons: without them the store refuses and the page says what is missing.
    at.radio(key=f"so_dpo_resp_{advice[0].id}").set_value("overruled")
    ok(at.button(key=f"so_dpo_resp_save_{advice[0].id}").click().run())
    assert "Not done: the reasons for not following the DPO's advice must be given" in shown(at)
    at.radio(key=f"so_dpo_resp_{advice[0].id}").set_value("overruled")
    at.text_area(key=f"so_dpo_why_{advice[0].id}").input("The gate camera is off in school hours already.")
    ok(at.button(key=f"so_dpo_resp_save_{advice[0].id}").click().run())
    text = shown(at)
    assert f"Response: **{wording.label('dpo.overruled')}**. Reasons: The gate camera is off" in text
    assert text.count("Locked record #") == 2
    # Once answered, the advice offers no second response.
    assert not [b for b in at.button if b.key == f"so_dpo_resp_save_{advice[0].id}"]


def test_a_consultation_is_recorded_with_its_four_fields_and_shown_locked(env):
    """The consultation form shares its shape with the DPO's advice (one form helper): each field it asks for
    reaches the store, and the record is then shown locked."""
    d = draft(env)
    at = opened(d, "signoff")
    ok(at.radio(key="so_part").set_value("Records and decision").run())
    at.text_input(key="so_cons_who").input("Residents' association of the old town")
    at.date_input(key="so_cons_when").set_value(dt.date(2026, 10, 14))
    at.text_area(key="so_cons_said").input("No camera should look into the playground.")
    at.text_area(key="so_cons_changed").input("Camera 4 masked over the playground.")
    ok(at.button(key="so_cons_save").click().run())
    (record,) = Store(env).records(d, "consultation")
    assert {k: record.fields[k] for k in ("who", "when", "said", "changed")} == {
        "who": "Residents' association of the old town", "when": "2026-10-14",
        "said": "No camera should look into the playground.", "changed": "Camera 4 masked over the playground."}
    text = shown(at)
    assert "The consultation is recorded and locked." in text
    assert text.count("Locked record #") == 1


def test_action_plan_flags_overdue_safeguards_and_offers_csv_and_ics(env):
    d = draft(env, overdue=True)
    at = opened(d, "actions")
    text = shown(at)
    assert "1 safeguard(s) are overdue" in text
    rows = [line for line in text.splitlines() if "Police liaison" in line]
    assert rows and wording.label("actions.overdue") in rows[0] and "2020-01-15" in rows[0]
    assert not [line for line in text.splitlines() if "IT security lead" in line and "Overdue" in line]
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Action plan (CSV)", "Calendar of due dates (ICS)"} <= labels


def test_history_shows_the_audit_log_and_its_chain(env):
    d = draft(env)
    at = opened(d, "history")
    text = shown(at)
    assert "The log is intact: 1 entries" in text
    code = "\n".join(c.value for c in at.code)
    assert "local (single-user)" in code and "created" in code


def test_an_open_outcome_is_approved_in_the_app_only_with_reasons(env):
    """The decision form says the outcome is open and asks why approve now; the record shows the range."""
    answers, _ = load(FIXTURES / "mini" / "answers_complete.yaml")
    # 20 cameras (no systematic-monitoring floor) and the legal basis unknown: RF-11 may apply, so it is open.
    answers = answers.with_answer("camera_count", 20).with_answer("legal_basis", "unknown")
    s = Store(env)
    d = s.create(answers, author="Ana").id
    s.dispose()
    at = opened(d, "signoff")
    ok(at.radio(key="so_part").set_value("Records and decision").run())
    assert "The outcome is still open: Open between" in shown(at)
    for a in ATTESTATIONS:
        at.checkbox(key=f"so_attest_{a}").check()
    ok(at.button(key="so_approve").click().run())
    assert "Not done: the reasons for approving while the outcome is still open must be given" in shown(at)
    assert Store(env).signoff_state(d).status == "none"
    for a in ATTESTATIONS:
        at.checkbox(key=f"so_attest_{a}").check()
    at.text_area(key="so_open_why").input("The legal opinion is due next week and the contract waits on it.")
    ok(at.button(key="so_approve").click().run())
    text = shown(at)
    assert "Approved and signed with the municipality's key." in text
    assert "Approved while open, because: The legal opinion is due next week" in text
    decision = Store(env).signoff_state(d).decision
    assert decision is not None and decision.fields["decided"] is False
