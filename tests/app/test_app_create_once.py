"""Starting an assessment makes one draft per intent, however often the same form reaches the server.

Two message orders used to make a second draft from one intent. A browser
that has not yet received the end of a run still shows the start form; a
second click on "Start the assessment" (a double click, or a click again
because the page seems stuck) sends that submit again, and Streamlit runs the
form's callback again (its callback stays registered after the page moves
on), with the same values. And a newer click that arrives while the first
run is busy ends that run at its next session-state access: if that is after
the draft's row is committed but before the session records it, the session
never learns of the draft it made. These tests replay both orders exactly, in
Streamlit's own script runner (no timing): the second message is requested
from inside the store's commit, the way the browser's message is queued while
the callback runs, or sent after the run has ended, with the widget states
the browser still held.
"""

from __future__ import annotations

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.runtime.scriptrunner import RerunData
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ElementTree

from pia.answers import AnswerSet, dumps
from pia.store import Store

from . import test_app_flow as flow
from .test_app_flow import goto, ok

env = flow.env   # the fixture: a private database and the mini instrument


def drafts(url: str) -> list[str]:
    s = Store(url)
    try:
        return [d.id for d in s.drafts(include_archived=True)]
    finally:
        s.dispose()


def fill(at: AppTest, title: str) -> AppTest:
    """The start form filled in and its submit button clicked, not yet sent."""
    box = at.selectbox(key="new_instrument")
    box.select_index(box.options.index(next(o for o in box.options if "Mini camera assessment" in o)))
    at.text_input(key="new_title").input(title)
    at.text_input(key="new_organisation").input("City of Utrecht")
    at.text_input(key="new_prepared_by").input("Ana")
    next(b for b in at.button if b.label == "Start the assessment").click()   # the form's submit button
    return at


def sent(at: AppTest) -> WidgetStates:
    """What the browser sends for the click made on `at` (and the same again for a second click on that page).

    A browser sends a button's trigger only in the message of its own click;
    AppTest lists every button of the page with a false trigger, which a rerun
    on another page would take for clicks, so those are left out.
    """
    states = WidgetStates()
    states.widgets.extend(w for w in at._tree.get_widget_states().widgets
                          if not (w.WhichOneof("value") == "trigger_value" and not w.trigger_value))
    return states


def resend(at: AppTest, states: WidgetStates, page: ElementTree | None = None) -> AppTest:
    """A message from a browser still showing an earlier page: its widget states as they were then.

    With `page` (the earlier page), the files its uploader held are still on the server, as they are until the
    browser lets them go; without it they are gone, and Streamlit hands the uploader a placeholder.
    """
    if page is not None:
        at._tree = page   # AppTest registers the uploaded files of the page it sends from
    return ok(at._run(states))


def opened(at: AppTest) -> str | None:
    return at.session_state.get("draft_id")


def on_first_create(monkeypatch: pytest.MonkeyPatch, then) -> dict[str, int]:  # noqa: ANN001
    """After the first draft's commit, do `then()`: what arrives from the browser while the callback runs."""
    real = Store.create
    calls = {"n": 0}

    def create(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls["n"] += 1
        made = real(self, *args, **kwargs)
        if calls["n"] == 1:
            then()
        return made

    monkeypatch.setattr(Store, "create", create)
    return calls


def newer_message(states: WidgetStates):  # noqa: ANN201
    """Queue a browser message on the running script runner: it ends the run at its next session-state access."""
    return lambda: get_script_run_ctx().script_requests.request_rerun(RerunData(widget_states=states))


def cut_short() -> None:
    raise StopException()


def on_the_wizard(at: AppTest, title: str) -> None:
    assert at.title[0].value == title
    assert at.header[0].value == "Screening"


def test_the_same_submit_again_after_the_run_ended_opens_the_draft_made(env):
    at = fill(ok(flow.new_app()), "Station square cameras")
    click = sent(at)
    at = ok(at.run())
    on_the_wizard(at, "Station square cameras")
    made = at.session_state["draft_id"]
    assert drafts(env) == [made]
    at = resend(at, click)            # the double click's second half, from the page that still showed the form
    assert drafts(env) == [made]
    assert at.session_state["draft_id"] == made
    on_the_wizard(at, "Station square cameras")


def test_the_same_submit_again_while_the_first_is_busy_opens_the_draft_made(env, monkeypatch):
    at = fill(ok(flow.new_app()), "Station square cameras")
    click = sent(at)
    calls = on_first_create(monkeypatch, newer_message(click))
    at = ok(at.run())                 # the second click ends the first run just after its commit, then runs
    assert calls["n"] >= 1
    made = drafts(env)
    assert len(made) == 1
    assert at.session_state["draft_id"] == made[0]
    on_the_wizard(at, "Station square cameras")


def test_a_creation_cut_short_after_its_commit_is_opened_by_the_next_run(env, monkeypatch):
    at = fill(ok(flow.new_app()), "Station square cameras")
    on_first_create(monkeypatch, cut_short)
    at.run()                          # ends right after the commit: the session never recorded the draft
    made = drafts(env)
    assert len(made) == 1
    assert opened(at) is None
    at = ok(at.run())                 # the browser's next message: a plain rerun
    assert drafts(env) == made
    assert opened(at) == made[0]
    assert at.query_params["draft"] in (made[0], [made[0]])
    on_the_wizard(at, "Station square cameras")


def test_a_creation_cut_short_before_its_commit_is_made_by_the_next_submit(env, monkeypatch):
    """Nothing reached the store: the same submit again makes the draft, once."""
    real = Store.create
    calls = {"n": 0}

    def create(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 1:
            raise StopException()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "create", create)
    at = fill(ok(flow.new_app()), "Station square cameras")
    click = sent(at)
    at.run()
    assert drafts(env) == []
    at = ok(at.run())                 # a plain rerun: nothing to open, the start page as it was
    assert drafts(env) == [] and "Start a new assessment" in "".join(m.value for m in at.markdown)
    at = resend(at, click)
    made = drafts(env)
    assert len(made) == 1 and at.session_state["draft_id"] == made[0]
    at = resend(at, click)
    assert drafts(env) == made
    on_the_wizard(at, "Station square cameras")


def test_a_new_start_after_the_first_makes_a_second_draft(env):
    """Returning to the start page and starting again is a new intent: a new draft, itself made once."""
    at = fill(ok(flow.new_app()), "Station square cameras")
    first_click = sent(at)
    at = ok(at.run())
    first = at.session_state["draft_id"]
    at = resend(at, first_click)
    assert drafts(env) == [first]
    at = goto(at, "start")
    at = fill(at, "Station square cameras")   # the same words: still a deliberate second assessment
    second_click = sent(at)
    at = ok(at.run())
    second = at.session_state["draft_id"]
    assert second != first
    assert sorted(drafts(env)) == sorted([first, second])
    on_the_wizard(at, "Station square cameras")
    at = resend(at, second_click)
    assert sorted(drafts(env)) == sorted([first, second]) and at.session_state["draft_id"] == second
    # A late click from the very first page names the same button, which now carries the newest form's intent.
    at = resend(at, first_click)
    assert sorted(drafts(env)) == sorted([first, second]) and at.session_state["draft_id"] == second


@pytest.mark.parametrize("file_kept", [True, False], ids=["file-still-uploaded", "file-let-go"])
def test_opening_the_same_upload_twice_makes_one_draft(env, mini, file_kept):
    answers = AnswerSet("mini", "1.2.0", {"title": "From a file"}, {"jurisdiction": "uk"})
    data = dumps(answers, mini).encode()
    at = ok(flow.new_app())
    at.file_uploader(key="upload").upload("a.yaml", data, "application/x-yaml").run()
    at.button(key="upload_open").click()
    click, page = sent(at), at._tree
    uploader = page.file_uploader(key="upload")
    uploader._files = uploader._get_files_to_register()   # the bytes as the server held them at the click
    at = ok(at.run())
    made = at.session_state["draft_id"]
    assert at.title[0].value == "From a file"
    at = resend(at, click, page if file_kept else None)
    on_the_wizard(at, "From a file")
    assert drafts(env) == [made] and at.session_state["draft_id"] == made
    at = goto(at, "start")                     # loading the same file again is a deliberate second draft
    at.file_uploader(key="upload").upload("a.yaml", data, "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    again = ok(at).session_state["draft_id"]
    assert again != made and sorted(drafts(env)) == sorted([made, again])
