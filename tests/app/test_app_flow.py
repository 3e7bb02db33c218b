"""The whole app flow in Streamlit's AppTest, on the mini fixture instrument and a real SQLite store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pia.answers import AnswerSet, dumps
from pia.store import Store

from .rendered import plain

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30


@pytest.fixture
def env(tmp_path, monkeypatch, fixtures):
    """A private database and the mini instrument on the search path."""
    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    monkeypatch.setenv("PIA_DATABASE_URL", url)
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    return url


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def start(title: str = "Station square cameras", who: str = "Ana") -> AppTest:
    at = ok(new_app())
    mini = [o for o in at.selectbox(key="new_instrument").options if "Mini camera assessment" in o]
    assert len(mini) == 1                     # the bundled instrument is offered too; pick the fixture
    at.selectbox(key="new_instrument").select_index(at.selectbox(key="new_instrument").options.index(mini[0]))
    at.text_input(key="new_title").input(title)
    at.text_input(key="new_organisation").input("City of Utrecht")
    at.text_input(key="new_prepared_by").input(who)
    at.button[0].click()   # the form's submit button
    return ok(at.run())


def goto(at: AppTest, page: str) -> AppTest:
    """Pages are functions, not files, so switch the way the app's own buttons do."""
    at.session_state["goto_page"] = page
    return ok(at.run())


def errors(at: AppTest) -> str:
    """The error boxes as the reader sees them (Markdown escapes removed)."""
    return "\n".join(plain(e.value) for e in at.error)


def saved(url: str, draft_id: str) -> AnswerSet:
    s = Store(url)
    try:
        return s.load(draft_id)[0]
    finally:
        s.dispose()


def test_new_assessment_opens_wizard_and_saves_draft(env):
    at = start()
    assert at.title[0].value == "Station square cameras"
    assert at.header[0].value == "Screening"          # screening comes first
    draft_id = at.session_state["draft_id"]
    assert at.query_params["draft"] == draft_id or at.query_params["draft"] == [draft_id]
    answers = saved(env, draft_id)
    assert answers.meta["organisation"] == "City of Utrecht" and answers.meta["prepared_by"] == "Ana"
    assert answers.answers == {}


def test_title_is_required(env):
    at = ok(new_app())
    at.button[0].click()
    at = ok(at.run())
    assert "Give the proposal a title" in errors(at)
    assert Store(env).count() == 0


def test_conditional_question_hides_and_returns_with_its_value(env):
    at = start()
    assert not [r for r in at.radio if r.key == "w_at_assemblies"]
    at.pills(key="w_technologies").set_value(["live_fr"]).run()
    at.radio(key="w_at_assemblies").set_value("no").run()
    at.pills(key="w_technologies").set_value(["cctv"]).run()
    ok(at)
    assert not [r for r in at.radio if r.key == "w_at_assemblies"]       # hidden now
    assert at.session_state["answers"]["at_assemblies"] == "no"         # but kept
    at.pills(key="w_technologies").set_value(["cctv", "live_fr"]).run()
    assert at.radio(key="w_at_assemblies").value == "no"                # back, with its value
    # A typed text answer survives the same round trip (notes depends on purpose).
    at.button(key="next").click().run()
    at.text_area(key="w_purpose").input("Reduce bicycle theft").run()
    at.text_area(key="w_notes").input("Pilot for six months").run()
    at.text_area(key="w_purpose").input("").run()
    assert not [t for t in at.text_area if t.key == "w_notes"]
    at.text_area(key="w_purpose").input("Reduce theft").run()
    assert at.text_area(key="w_notes").value == "Pilot for six months"


def test_values_survive_back_and_next(env):
    at = start()
    at.radio(key="w_jurisdiction").set_value("uk").run()
    at.button(key="next").click().run()
    at.text_input(key="w_system_name").input("Eye on the square").run()
    at.number_input(key="w_camera_count").set_value(12).run()
    at.button(key="back").click().run()
    assert at.radio(key="w_jurisdiction").value == "uk"
    at.button(key="next").click().run()
    assert at.text_input(key="w_system_name").value == "Eye on the square"
    assert at.number_input(key="w_camera_count").value == 12
    # The sidebar jumps straight to a section.
    at.button(key="nav_safeguards").click().run()
    assert at.header[0].value == "Safeguards"


def test_unknown_is_offered_and_recorded(env):
    at = start()
    assert "Don't know yet" in at.radio(key="w_law_enforcement").options
    at.radio(key="w_law_enforcement").set_value("unknown").run()
    at.button(key="next").click().run()
    at.number_input(key="w_camera_count").set_value(40).run()
    at.checkbox(key="u_camera_count").check().run()
    assert at.session_state["answers"]["camera_count"] == "unknown"
    assert at.number_input(key="w_camera_count").disabled
    at.checkbox(key="u_camera_count").uncheck().run()
    assert at.session_state["answers"]["camera_count"] == 40          # the typed value comes back
    # jurisdiction does not allow unknown
    at.button(key="back").click().run()
    assert "unknown" not in [o for o in at.radio(key="w_jurisdiction").options]
    assert len(at.radio(key="w_jurisdiction").options) == 3


def test_repeatable_group_add_fill_remove(env):
    at = start()
    at.button(key="next").click().run()
    at.button(key="add_sites").click().run()
    at.button(key="add_sites").click().run()
    at.text_input(key="g_sites__0__name").input("Station square").run()
    at.selectbox(key="g_sites__0__kind").set_value("square").run()
    at.text_input(key="g_sites__1__name").input("Primary school gate").run()
    at.selectbox(key="g_sites__1__kind").set_value("school").run()
    at.number_input(key="g_sites__1__cameras").set_value(2).run()
    ok(at)
    assert at.session_state["answers"]["sites"] == [
        {"name": "Station square", "kind": "square"},
        {"name": "Primary school gate", "kind": "school", "cameras": 2},
    ]
    assert at.text_area(key="w_school_safeguards")         # a school site brings its follow-up question
    at.button(key="rm_sites__0").click().run()
    assert at.session_state["answers"]["sites"] == [{"name": "Primary school gate", "kind": "school", "cameras": 2}]
    assert at.text_input(key="g_sites__0__name").value == "Primary school gate"
    assert not [t for t in at.text_input if t.key == "g_sites__1__name"]
    assert saved(env, at.session_state["draft_id"]).answers["sites"][0]["name"] == "Primary school gate"


def test_live_panel_shows_prohibited_use_during_screening(env):
    at = start()
    assert "RF-10" not in errors(at)
    at.pills(key="w_technologies").set_value(["live_fr"]).run()
    at.radio(key="w_at_assemblies").set_value("yes").run()
    text = errors(at)
    assert "Outcome: Do not proceed" in text and "RF-10" in text
    at.radio(key="w_at_assemblies").set_value("no").run()
    assert "RF-10" not in errors(at)
    # The panel links each finding to the question behind it.
    at.radio(key="w_at_assemblies").set_value("yes").run()
    at.button(key="next").click().run()
    assert at.header[0].value == "System description"
    at.button(key="jump_panel_rf_RF-10_at_assemblies").click().run()
    assert at.header[0].value == "Screening"


def test_autosave_and_reload_restores_everything(env):
    at = start()
    at.radio(key="w_jurisdiction").set_value("eu").run()
    at.pills(key="w_technologies").set_value(["cctv", "drone"]).run()
    at.button(key="next").click().run()
    at.text_input(key="w_system_name").input("Square watch").run()
    draft_id = at.session_state["draft_id"]
    # A browser refresh is a new session that only has the address bar.
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params["draft"] = draft_id
    again = ok(again.run())
    assert again.session_state["answers"] == {"jurisdiction": "eu", "technologies": ["cctv", "drone"],
                                              "system_name": "Square watch"}
    again.button(key="continue").click().run()
    ok(again)
    assert again.radio(key="w_jurisdiction").value == "eu"
    assert saved(env, draft_id).answers["system_name"] == "Square watch"


def test_resume_from_draft_list(env):
    first = start(title="Drone pilot")
    first.radio(key="w_jurisdiction").set_value("uk").run()
    at = ok(new_app())
    draft_id = first.session_state["draft_id"]
    at.button(key=f"open_{draft_id}").click().run()
    ok(at)
    assert at.title[0].value == "Drone pilot"
    assert at.radio(key="w_jurisdiction").value == "uk"


def test_two_tabs_never_silently_overwrite(env):
    a = start()
    draft_id = a.session_state["draft_id"]
    b = AppTest.from_file(APP, default_timeout=TIMEOUT)
    b.query_params["draft"] = draft_id
    b = ok(b.run())
    b.button(key="continue").click().run()
    a.radio(key="w_jurisdiction").set_value("eu").run()          # tab A saves revision 2
    b.radio(key="w_jurisdiction").set_value("us").run()          # tab B's edit is based on revision 1
    ok(b)
    assert "changed elsewhere" in errors(b)
    assert saved(env, draft_id).answers["jurisdiction"] == "eu"   # A's work is intact
    assert b.session_state["answers"]["jurisdiction"] == "us"     # B's typing is not lost either
    b.button(key="conflict_mine").click().run()                   # an explicit, recorded choice
    ok(b)
    assert "changed elsewhere" not in errors(b)
    assert saved(env, draft_id).answers["jurisdiction"] == "us"
    hist = Store(env).history(draft_id)
    assert "kept this window's answers over revision 2" in hist[0].note
    # Tab A now learns about B's save before it edits again, and can load it.
    a.run()
    assert "changed elsewhere" in errors(a)
    a.button(key="conflict_theirs").click().run()
    assert a.radio(key="w_jurisdiction").value == "us"


BAD_FILES = [
    ("broken.yaml", b"questionnaire: mini\nanswers: [unclosed\n", "broken.yaml"),
    ("wrong.yaml", b"questionnaire: mini\nquestionnaire_version: 1.2.0\nanswers:\n  jurisdiction: mars\n",
     "wrong.yaml:4"),
    ("other.yaml", b"questionnaire: elsewhere\nquestionnaire_version: 1.0.0\nanswers: {}\n", "not installed"),
    ("picture.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a Word"),
    ("big.yaml", b"#" * (5 * 1024 * 1024 + 10), "limit is 5 MB"),
]


@pytest.mark.parametrize(("name", "data", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_upload_gives_clear_error_and_changes_nothing(env, name, data, expected):
    at = start()
    at.radio(key="w_jurisdiction").set_value("eu").run()
    draft_id = at.session_state["draft_id"]
    before = Store(env).history(draft_id)
    count = Store(env).count()
    goto(at, "start")
    at.file_uploader(key="upload").upload(name, data, "application/octet-stream").run()
    ok(at)
    text = errors(at)
    assert "cannot be loaded" in text and "Nothing was changed" in text and expected in text
    assert not [b for b in at.button if b.key == "upload_open"]
    assert Store(env).count() == count and Store(env).history(draft_id) == before
    assert at.session_state["answers"] == {"jurisdiction": "eu"} and at.session_state["draft_id"] == draft_id


def test_good_upload_and_report_upload_open_as_new_drafts(env, mini):
    answers = AnswerSet("mini", "1.2.0", {"title": "From a file"}, {"jurisdiction": "uk", "technologies": ["cctv"]})
    at = ok(new_app())
    at.file_uploader(key="upload").upload("a.yaml", dumps(answers, mini).encode(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    ok(at)
    assert at.title[0].value == "From a file"
    assert at.radio(key="w_jurisdiction").value == "uk"
    from pia.report import render

    docx = render(mini, answers.with_answer("jurisdiction", "eu"), "docx", generated="2026-01-05")
    at2 = ok(new_app())
    at2.file_uploader(key="upload").upload("report.docx", docx, "application/octet-stream").run()
    at2.button(key="upload_open").click().run()
    assert ok(at2).radio(key="w_jurisdiction").value == "eu"
    assert Store(env).count() == 2


def test_review_lists_open_questions_and_offers_reports(env, mini):
    at = start()
    at.radio(key="w_law_enforcement").set_value("unknown").run()
    at.button(key="nav_safeguards").click().run()
    at.button(key="next").click().run()           # last section -> review
    ok(at)
    assert at.title[0].value == "Review and reports"
    missing = {b.key for b in at.button if b.key and b.key.startswith("rv_missing_")}
    assert "rv_missing_jurisdiction" in missing and "rv_missing_camera_count" in missing
    assert "rv_unknown_law_enforcement" in {b.key for b in at.button}
    keys = {d.key for d in at.get("download_button")}
    assert {"dl_answers", "dl_brief_docx", "dl_full_docx", "dl_brief_md", "dl_full_json"} <= keys
    # The buttons generate on click; AppTest cannot fetch the bytes, so make them the same way here.
    from docx import Document

    from pia.ui import downloads

    offer = downloads.report(mini, AnswerSet("mini", "1.2.0", at.session_state["meta"],
                                             dict(at.session_state["answers"])), "docx", False, __import__("datetime").date(2026, 1, 5))
    doc = Document(io.BytesIO(offer.make()))
    assert "Station square cameras" in "\n".join(p.text for p in doc.paragraphs)
    # Clicking a listed question goes back to it.
    at.button(key="rv_missing_camera_count").click().run()
    assert ok(at).header[0].value == "System description"


def test_history_restore_and_compare(env):
    at = start()
    at.radio(key="w_jurisdiction").set_value("eu").run()
    at.radio(key="w_jurisdiction").set_value("uk").run()
    draft_id = at.session_state["draft_id"]
    goto(at, "history")
    assert at.title[0].value == "Revision history"
    at.selectbox(key="hist_pick").set_value(2).run()
    at.button(key="restore").click().run()
    ok(at)
    assert saved(env, draft_id).answers["jurisdiction"] == "eu"
    assert at.session_state["answers"]["jurisdiction"] == "eu"
    assert Store(env).history(draft_id)[0].note == "restored revision 2"
    # compare two revisions: the answer that differs is listed
    at.selectbox(key="hist_from").set_value(3).run()
    at.selectbox(key="hist_to").set_value(4).run()
    table = "\n".join(plain(m.value) for m in at.markdown)
    assert "Where is the system deployed?" in table and "United Kingdom" in table and "European Union" in table


def test_named_version_and_archive(env):
    at = start()
    draft_id = at.session_state["draft_id"]
    goto(at, "history")
    at.text_input(key="version_note").input("sent to the data protection officer")
    [b for b in at.button if "Save a named version" in b.label][0].click()
    ok(at.run())
    assert Store(env).history(draft_id)[0].note == "sent to the data protection officer"
    goto(at, "start")
    at.button(key=f"arch_{draft_id}").click().run()
    ok(at)
    assert not [b for b in at.button if b.key == f"open_{draft_id}"]
    assert Store(env).drafts(include_archived=True)[0].archived
    # An archived draft can be erased, after a confirmation.
    at.toggle(key="show_archived").set_value(True).run()
    at.button(key=f"del_{draft_id}").click().run()
    assert "cannot be undone" in "\n".join(m.value for m in at.markdown)
    at.button(key="confirm_delete").click().run()
    ok(at)
    assert Store(env).drafts(include_archived=True) == [] and Store(env).history(draft_id) == []
    assert "draft_id" not in at.session_state or at.session_state["draft_id"] is None


def test_upload_is_checked_once_per_file_not_on_every_rerun(env, mini):
    """A file sitting in the uploader is parsed when it arrives; later reruns reuse the result (review F2)."""
    good = dumps(AnswerSet("mini", "1.2.0", {"title": "Once"}, {"jurisdiction": "uk"}), mini).encode()
    at = ok(new_app())
    at.file_uploader(key="upload").upload("a.yaml", good, "application/x-yaml").run()
    first = at.session_state["_checked_upload"]
    assert first[1].ok
    at.toggle(key="show_archived").set_value(True).run()        # reruns while the file stays in the uploader
    at.run()
    assert ok(at).session_state["_checked_upload"] is first     # the same result object: not parsed again
    at.button(key="upload_open").click().run()
    assert ok(at).title[0].value == "Once" and Store(env).count() == 1
    # A new upload (even under the same name) is a new file_id and is checked afresh.
    goto(at, "start")
    at.file_uploader(key="upload").upload("a.yaml", b"questionnaire: mini\nanswers: [\n", "application/x-yaml").run()
    assert at.session_state["_checked_upload"][0] != first[0]
    assert "a.yaml cannot be loaded" in errors(ok(at))


def _deep_aliases() -> bytes:
    """The review's depth-check bypass: 40 anchored 55-deep lists, each holding the previous one."""
    k = 40
    items = [f"  - &a0 [{'[' * 55}leaf{']' * 55}]"]
    items += [f"  - &a{i} [{'[' * 55}*a{i - 1}{']' * 55}]" for i in range(1, k)]
    items += [f"  - *a{i}" for i in range(k - 1, -1, -1)]
    return ("questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta: {title: t}\nanswers:\n  technologies:\n"
            + "\n".join(items) + "\n").encode()


def _big_draft() -> bytes:
    """4.99 MB of short group rows: under the upload limit, but about 8 MB once stored (review F11)."""
    head = "questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta: {title: Big}\nanswers:\n  sites:\n"
    row = "  - {name: s, kind: street}\n"
    n = (4_990_000 - len(head)) // len(row)
    return (head + row * n).encode()


HOSTILE_UPLOADS = {
    # F8: a 5,000-digit integer (Python refuses to convert more than 4,300 digits).
    "bigint.yaml": lambda: (b"questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta: {title: t}\nanswers:\n"
                            b"  camera_count: " + b"7" * 5000 + b"\n"),
    # F8: a meta key that is not text (it used to pass the check and crash when the draft was saved).
    "metakey.yaml": lambda: b"questionnaire: mini\nquestionnaire_version: 1.2.0\nmeta:\n  1: one\n  title: t\n"
                            b"answers:\n  jurisdiction: uk\n",
    # F4/F8: aliases that nest deeper than the depth limit without any one list doing so.
    "deep.yaml": _deep_aliases,
    # F11: a draft the store could write but never read back.
    "big.yaml": _big_draft,
}


@pytest.mark.parametrize("name", list(HOSTILE_UPLOADS))
def test_hostile_upload_gives_one_clear_error_and_saves_nothing(env, name):
    """Never Streamlit's crash box, never 'internal error': a message naming the file, and no draft."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.file_uploader(key="upload").upload(name, HOSTILE_UPLOADS[name](), "application/x-yaml").run()
    ok(at)
    if [b for b in at.button if b.key == "upload_open"]:     # accepted by the loader: the store must refuse it
        at.button(key="upload_open").click().run()
        ok(at)
    shown = errors(at)
    assert shown, "no error message was shown"
    assert f"{name}:" in shown or f"{name} cannot be loaded" in shown or f"{name} could not be saved" in shown, shown
    assert "internal error" not in shown, shown
    assert Store(env).count() == 0
    assert not at.session_state["draft_id"] if "draft_id" in at.session_state else True
    assert at.title[0].value == "Camera impact assessment"      # still on the start page, which still works
    assert [b for b in at.button if b.label == "Start the assessment"]


def test_report_made_with_other_questionnaire_files_is_flagged_on_upload(env, mini):
    """A returned report whose questionnaire digest differs from the one installed says so (review F3)."""
    import docx as python_docx

    from pia.embedded import embed
    from pia.report import render

    answers = AnswerSet("mini", "1.2.0", {"title": "Old rules"}, {"jurisdiction": "uk"})
    document = python_docx.Document(io.BytesIO(render(mini, answers, "docx", generated="2026-11-26")))
    embed(document, dumps(answers, mini), "0" * 64)   # as if made with other questionnaire files
    buf = io.BytesIO()
    document.save(buf)
    at = ok(new_app())
    at.file_uploader(key="upload").upload("old.docx", buf.getvalue(), "application/octet-stream").run()
    notes = [w.value for w in ok(at).warning]
    assert any("different questionnaire files" in n and "outcome may differ" in n for n in notes), notes
    # The same report with the installed questionnaire's digest shows no such note.
    at.file_uploader(key="upload").upload("same.docx", render(mini, answers, "docx", generated="2026-11-26"),
                                          "application/octet-stream").run()
    assert not [w.value for w in ok(at).warning if "questionnaire files" in w.value]


def test_an_open_outcome_links_its_decisive_gaps(env, mini):
    """The panel names what the open outcome turns on, each answer one click away."""
    from pia.assess import assess

    answers = AnswerSet("mini", "1.2.0", {"title": "Open"}, {"jurisdiction": "eu", "technologies": ["live_fr"],
                                                              "law_enforcement": "unknown"})
    a = assess(mini, answers)
    assert not a.decided and a.decisive_gaps
    at = ok(new_app())
    at.file_uploader(key="upload").upload("a.yaml", dumps(answers, mini).encode(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    ok(at)
    keys = {b.key for b in at.button if b.key}
    assert {f"jump_panel_decisive_{q}" for q in a.decisive_gaps[:8]} <= keys
    assert any(f"Outcome: {a.headline}" in m.value for m in [*at.error, *at.warning, *at.success])
