"""A save cut short by a newer click loses nothing and is never taken for another window's save.

Streamlit ends a running callback at its next read or write of session state
when the browser has sent a newer click (every such access is a yield point).
On a loaded machine this once hit autosave between the store's commit and the
write of the new base revision: the session went on believing in the old base,
its next save met its own revision as a "conflict", and from then on nothing it
saved reached the store, so a reload lost every answer typed after it. These
tests end the run at exactly those two points, without any timing: after the
commit (the write of the base never happens) and before it (nothing is stored).
"""

from __future__ import annotations

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from pia.store import Store

from . import test_app_flow as flow
from .test_app_flow import ok, saved, start

env = flow.env   # the fixture: a private database and the mini instrument


def interrupt_first_save(monkeypatch: pytest.MonkeyPatch, after_commit: bool) -> dict[str, int]:
    """Make the next save end the run, as a newer click does at the next session-state access."""
    real = Store.save
    calls = {"n": 0}

    def save(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 1:
            if after_commit:
                real(self, *args, **kwargs)
            raise StopException()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "save", save)
    return calls


def description(at):  # noqa: ANN001, ANN201
    at.button(key="next").click().run()
    assert ok(at).header[0].value == "System description"
    return at


@pytest.mark.parametrize("after_commit", [True, False], ids=["after-commit", "before-commit"])
def test_a_save_cut_short_loses_nothing_and_raises_no_conflict(env, monkeypatch, after_commit):
    at = description(start())
    draft_id = at.session_state["draft_id"]
    calls = interrupt_first_save(monkeypatch, after_commit)
    at.text_input(key="w_system_name").input("Square watch").run()
    assert calls["n"] == 1
    head_after_cut = Store(env).draft(draft_id).head
    at = ok(at.run())                                   # the browser's next message: a plain rerun
    assert at.header[0].value == "System description"
    assert saved(env, draft_id).answers.get("system_name") == "Square watch"   # stored by now, whichever cut
    at.text_area(key="w_purpose").input("Reduce bicycle theft at the market").run()
    ok(at)
    assert at.session_state["conflict"] is None
    assert not [w for w in at.warning if "changed elsewhere" in w.value or "another" in w.value.lower()]
    stored = saved(env, draft_id).answers
    assert stored.get("system_name") == "Square watch"
    assert stored.get("purpose") == "Reduce bicycle theft at the market"
    assert Store(env).draft(draft_id).head > head_after_cut


def test_another_windows_save_is_still_a_conflict(env, monkeypatch):
    """Taking up an own interrupted save must not hide a real conflict: a revision with other content is one."""
    at = description(start())
    draft_id = at.session_state["draft_id"]
    interrupt_first_save(monkeypatch, after_commit=True)
    at.text_input(key="w_system_name").input("Square watch").run()
    s = Store(env)
    answers, rev = s.load(draft_id)
    other = answers.with_answer("system_name", "Another window")
    s.save(draft_id, other, rev.number, "Bo")            # another window saves on top of the cut-short save
    at = ok(at.run())
    at.text_area(key="w_purpose").input("Reduce bicycle theft at the market").run()
    assert at.session_state["conflict"] is not None
    assert saved(env, draft_id).answers.get("system_name") == "Another window"   # nothing overwritten
