"""The real camera instrument in the app: every step of an example renders and the panel agrees with the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pia.answers import load
from pia.assess import assess
from pia.loader import find_questionnaire, load_cached

from .opening import uploaded

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"


@pytest.mark.parametrize("name", ["town_centre_cctv_large.yaml", "live_fr_police_unauthorised.yaml"])
def test_walk_every_step_of_an_example(tmp_path, monkeypatch, name):
    path = EXAMPLES / name
    answers, _ = load(path)
    q = load_cached(find_questionnaire(answers.questionnaire))
    expected = assess(q, answers).headline

    at = uploaded(path, tmp_path, monkeypatch)
    seen = []
    while True:
        assert not at.exception, [e.value for e in at.exception]
        seen.append(at.session_state["section"])
        outcome = [m.value for m in [*at.error, *at.warning, *at.success] if m.value.startswith("**Outcome:")]
        assert outcome == [f"**Outcome: {expected}**"]
        nxt = at.button(key="next")
        if nxt.label != "Next":
            break
        nxt.click().run()
    assert seen[0] == "screening" and len(seen) == len(set(seen)) > 10
    # Walking through changed nothing: the saved draft still holds exactly the example's answers.
    assert at.session_state["answers"] == answers.answers


def test_evidence_records_survive_the_app_and_can_be_withdrawn(tmp_path, monkeypatch):
    """An uploaded file's evidence records reach the saved draft; emptying one part makes the claim unknown."""
    from pia.store import Store

    url = f"sqlite:///{tmp_path / 'd.db'}"
    monkeypatch.setenv("PIA_DATABASE_URL", url)
    monkeypatch.delenv("PIA_PATH", raising=False)
    path = EXAMPLES / "live_fr_missing_child_authorised.yaml"
    answers, _ = load(path)
    assert answers.evidence, "the example backs its clearing answers"

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.file_uploader(key="upload").upload(path.name, path.read_bytes(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    draft = at.session_state["draft_id"]
    saved, _ = Store(url).load(draft)
    assert saved.evidence == answers.evidence

    # The screening step shows the record under the judge's authorisation; withdrawing who confirmed it is saved
    # and the prohibition becomes possible again.
    box = at.text_input(key="e_lfr_prior_authorisation__confirmed_by")
    assert box.value == answers.evidence["lfr_prior_authorisation"]["confirmed_by"]
    box.set_value("").run()
    assert not at.exception, [e.value for e in at.exception]
    saved, _ = Store(url).load(draft)
    assert "confirmed_by" not in saved.evidence["lfr_prior_authorisation"]
    flags = [m.value for m in at.warning if "counts only with its evidence" in m.value]
    assert flags and r"lacks confirmed\_by" in flags[0]  # markdown-escaped
