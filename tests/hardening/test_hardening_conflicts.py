"""Two sessions type different text into the same question of one draft.

tests/app covers two tabs changing a choice question. This adds what a real
clash of typed text looks like: both people write the same long answer; the
second is told of the conflict before anything is overwritten, keeps typing
(nothing is saved meanwhile, nothing is dropped), resolves by keeping their
answers; the first person's text stays in the history and the comparison shows
both; the first person then sees the conflict and loads the newer version.
At no point does either person's typed text exist nowhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pia.store import Store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30
A_TEXT = "Reduce bicycle theft at the station — Ana's draft"
B_TEXT = "Protect pupils at the school gate — Ben's draft"


@pytest.fixture
def env(tmp_path, monkeypatch, fixtures):
    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    monkeypatch.setenv("PIA_DATABASE_URL", url)
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    return url


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def start(who: str) -> AppTest:
    at = ok(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    options = at.selectbox(key="new_instrument").options
    at.selectbox(key="new_instrument").select_index(
        options.index(next(o for o in options if "Mini camera assessment" in o)))
    at.text_input(key="new_title").input("Shared draft")
    at.text_input(key="new_prepared_by").input(who)
    at.button[0].click()
    return ok(at.run())


def open_in_new_tab(draft_id: str, who: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["draft"] = draft_id
    at = ok(at.run())
    at.button(key="continue").click().run()
    at.text_input(key="who_w").input(who).run()
    return ok(at)


def stored(url: str, draft_id: str, number: int | None = None) -> dict:
    s = Store(url)
    try:
        return s.load(draft_id, number)[0].answers
    finally:
        s.dispose()


def test_same_text_question_from_two_sessions_loses_neither_text(env):
    ana = start("Ana")
    draft_id = ana.session_state["draft_id"]
    ben = open_in_new_tab(draft_id, "Ben")                       # Ben's base: revision 1
    ana.button(key="next").click().run()
    ana.text_area(key="w_purpose").input(A_TEXT).run()           # Ana saves revision 2
    ok(ana)
    assert stored(env, draft_id)["purpose"] == A_TEXT
    after_ana = Store(env).draft(draft_id).head

    # Ben moves on: the page notices Ana's save before Ben edits anything.
    ben.button(key="next").click().run()
    ok(ben)
    assert "changed elsewhere" in errors(ben)
    # Ben types anyway, into the same question and another one: kept in his window, not saved.
    ben.text_area(key="w_purpose").input(B_TEXT).run()
    ben.text_input(key="w_system_name").input("Gate camera").run()
    ok(ben)
    assert ben.session_state["answers"]["purpose"] == B_TEXT
    assert ben.session_state["answers"]["system_name"] == "Gate camera"
    assert Store(env).draft(draft_id).head == after_ana          # nothing of Ana's was overwritten
    assert stored(env, draft_id)["purpose"] == A_TEXT
    assert "changed elsewhere" in errors(ben)                    # the banner stays until Ben chooses
    # Ben can take his text with him before choosing: the sidebar download is offered.
    assert [d for d in ben.sidebar.get("download_button")]

    ben.button(key="conflict_mine").click().run()
    ok(ben)
    assert "changed elsewhere" not in errors(ben)
    head = stored(env, draft_id)
    assert head["purpose"] == B_TEXT and head["system_name"] == "Gate camera"
    # Ana's text is still in the history, under the revision she saved.
    assert stored(env, draft_id, after_ana)["purpose"] == A_TEXT
    assert f"over revision {after_ana}" in Store(env).history(draft_id)[0].note

    # Ana keeps editing: before her next change lands she is told, with her text still on screen.
    ana.run()
    assert "changed elsewhere" in errors(ana)
    ana.text_input(key="w_system_name").input("Station camera").run()
    assert stored(env, draft_id)["system_name"] == "Gate camera"  # Ana cannot overwrite Ben silently
    assert ana.session_state["answers"]["purpose"] == A_TEXT
    # The history page compares the two revisions and shows both texts side by side.
    ana.session_state["goto_page"] = "history"
    ana = ok(ana.run())
    newest = Store(env).draft(draft_id).head
    ana.selectbox(key="hist_from").set_value(after_ana).run()
    ana.selectbox(key="hist_to").set_value(newest).run()
    table = "\n".join(m.value for m in ana.markdown)
    assert "Ana" in table and "Ben" in table
    assert "Reduce bicycle theft" in table and "Protect pupils" in table
    # Ana chooses to load Ben's version: explicit, and her earlier text remains in the history.
    ana.button(key="conflict_theirs").click().run()
    ok(ana)
    assert ana.session_state["answers"]["purpose"] == B_TEXT
    assert stored(env, draft_id, after_ana)["purpose"] == A_TEXT


def test_keep_mine_keeps_the_other_sessions_changes_to_other_questions(env):
    """A three-way merge: Ben's changes win where he made them; Ana's other answers stay."""
    ana = start("Ana")
    draft_id = ana.session_state["draft_id"]
    ben = open_in_new_tab(draft_id, "Ben")
    ana.button(key="next").click().run()
    ana.text_area(key="w_purpose").input(A_TEXT).run()              # Ana changes only the purpose
    ok(ana)
    ben.button(key="next").click().run()
    ben.text_input(key="w_system_name").input("Gate camera").run()  # Ben changes only the name
    assert "changed elsewhere" in errors(ok(ben))
    ben.button(key="conflict_mine").click().run()
    ok(ben)
    head = stored(env, draft_id)
    assert head["system_name"] == "Gate camera"      # Ben's change
    assert head["purpose"] == A_TEXT                 # Ana's change to another question survives
    assert ben.session_state["answers"]["purpose"] == A_TEXT
    assert "other window's changes to 1 other answer" in "\n".join(s.value for s in ben.success)
