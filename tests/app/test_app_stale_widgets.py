"""A browser that reports widgets of a step it has left must not change any answer.

Streamlit sends the values of every widget the browser still holds with each
rerun request. After a completed run that no longer draws a widget, Streamlit
forgets that widget's previous value but keeps its on_change callback; when the
browser has not yet received the end of that run (it clears left-behind widgets
only then) and the user clicks again, the left-behind widgets arrive once more,
compare as changed against a value Streamlit no longer has, and their callbacks
run. This is how a slow machine lost the answers of a step after a reload: the
"Not known yet" boxes reported "unticked", and unticking restores the answer
remembered before ticking — none — over the saved one. These tests replay that
message order exactly (no timing involved) in Streamlit's own script runner.
"""

from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetStates

from pia.store import Store

from . import test_app_flow as flow
from .test_app_flow import ok, saved, start

env = flow.env   # the fixture: a private database and the mini instrument

SECTION = {"system_name": "Square watch", "purpose": "Reduce bicycle theft at the market", "camera_count": 20}


def section_of(answers: dict) -> dict:
    return {qid: answers.get(qid) for qid in SECTION}


def fill_description(at):  # noqa: ANN001, ANN201
    at.button(key="next").click().run()
    assert at.header[0].value == "System description"
    at.text_input(key="w_system_name").input(SECTION["system_name"]).run()
    at.text_area(key="w_purpose").input(SECTION["purpose"]).run()
    at.number_input(key="w_camera_count").set_value(SECTION["camera_count"]).run()
    return ok(at)


def left_behind(at) -> list:  # noqa: ANN001
    """The description step's widget states as the browser holds them (what it last drew)."""
    return [at.text_input(key="w_system_name")._widget_state, at.checkbox(key="u_system_name")._widget_state,
            at.text_area(key="w_purpose")._widget_state, at.checkbox(key="u_purpose")._widget_state,
            at.number_input(key="w_camera_count")._widget_state, at.checkbox(key="u_camera_count")._widget_state]


def click_with_stale_widgets(at, key: str, stale: list):  # noqa: ANN001, ANN201
    """Click a button the way a browser does that has not yet seen the previous run end."""
    at.button(key=key).click()
    states = WidgetStates()
    states.widgets.extend(at._tree.get_widget_states().widgets)
    states.widgets.extend(stale)
    return ok(at._tree._runner._run(states))


def revisions(url: str, draft_id: str) -> int:
    s = Store(url)
    try:
        return s.draft(draft_id).head
    finally:
        s.dispose()


def test_left_behind_widgets_of_a_step_change_no_answer(env):
    at = fill_description(start())
    draft_id = at.session_state["draft_id"]
    stale = left_behind(at)
    at.button(key="next").click().run()                      # a completed run that no longer draws them
    assert ok(at).header[0].value == "Safeguards"
    head = revisions(env, draft_id)
    at = click_with_stale_widgets(at, "next", stale)          # "Review and reports", key "next" as well
    assert section_of(at.session_state["answers"]) == SECTION
    assert section_of(saved(env, draft_id).answers) == SECTION
    assert revisions(env, draft_id) == head                   # nothing was saved: nothing changed


def test_left_behind_widgets_after_a_reload_change_no_answer(env):
    """The same order in a reloaded page: a new session that only had the address bar."""
    from streamlit.testing.v1 import AppTest

    first = fill_description(start())
    draft_id = first.session_state["draft_id"]
    at = AppTest.from_file(flow.APP, default_timeout=flow.TIMEOUT)
    at.query_params["draft"] = draft_id
    at.query_params["section"] = "description"
    at = ok(at.run())
    if [b for b in at.button if b.key == "continue"]:     # the start page offers to continue the draft
        at.button(key="continue").click().run()
    assert ok(at).header[0].value == "System description"
    assert at.text_input(key="w_system_name").value == SECTION["system_name"]
    stale = left_behind(at)
    at.button(key="next").click().run()
    assert ok(at).header[0].value == "Safeguards"
    at = click_with_stale_widgets(at, "nav_description", stale)
    assert at.header[0].value == "System description"
    assert section_of(saved(env, draft_id).answers) == SECTION
    assert at.text_input(key="w_system_name").value == SECTION["system_name"]


def test_a_deliberate_clear_is_still_saved(env):
    """The guard compares with what the page showed: emptying a field is a change, and is saved."""
    at = fill_description(start())
    draft_id = at.session_state["draft_id"]
    at.text_input(key="w_system_name").input("").run()
    at.number_input(key="w_camera_count").set_value(None).run()
    ok(at)
    assert "system_name" not in at.session_state["answers"] and "camera_count" not in at.session_state["answers"]
    kept = saved(env, draft_id).answers
    assert "system_name" not in kept and "camera_count" not in kept
    assert kept["purpose"] == SECTION["purpose"]
    # And ticking, then unticking "Not known yet" still works both ways.
    at.checkbox(key="u_purpose").check().run()
    assert saved(env, draft_id).answers["purpose"] == "unknown"
    at.checkbox(key="u_purpose").uncheck().run()
    assert saved(env, draft_id).answers["purpose"] == SECTION["purpose"]


def test_a_widget_kept_from_an_earlier_session_saves_typing_but_never_erases():
    """A browser whose connection dropped keeps its widgets; the new session has never drawn them.

    What the user typed there is a change and is kept; an empty field or an unticked box reported from
    such a widget is not, so it can never erase a saved answer (the reload race's lesson). Widgets this
    session drew are judged against what it showed.
    """
    import logging

    import streamlit as st

    from pia.ui import state

    logging.disable(logging.WARNING)   # bare session state outside a run warns once per access
    try:
        ss = st.session_state
        for key in list(ss.keys()):
            del ss[key]
        ss["w_typed_before"] = "Harbour watch"
        assert state.user_changed("w_typed_before")
        ss["w_empty_before"] = ""
        assert not state.user_changed("w_empty_before")
        ss["u_box_before"] = False
        assert not state.user_changed("u_box_before")
        state.show("w_drawn", "shown")
        assert not state.user_changed("w_drawn")          # reported as shown: a left-behind report
        ss["w_drawn"] = ""
        assert state.user_changed("w_drawn")              # a deliberate clear of a drawn field
    finally:
        logging.disable(logging.NOTSET)
