"""User text is shown literally: never a link, an image or formatting (review F6).

Every place text from people or files reaches the page is covered: the draft
list, the open draft's title, the review page's answers, the history table
(author and note), the compare page, an uploaded file's name, questionnaire
text from a third party, and the ?draft= address parameter.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pia.answers import AnswerSet, dumps
from pia.loader import load_questionnaire
from pia.store import Store

from .rendered import assert_literal_and_inert, markdown_strings, plain
from .test_app_flow import APP, TIMEOUT, goto, ok

PIXEL = "![t](http://127.0.0.1:1/x.png)"
PHISH = "[Sign in](http://evil)"
HOSTILE = f"{PIXEL} {PHISH}"
# More Markdown and Streamlit syntax, each of which would change what is shown.
EXTRA = "<b>bold</b> **strong** :red[red] :material/home: $x^2$ www.evil.example a|b # not a heading"


@pytest.fixture
def hostile_draft(tmp_path, monkeypatch, fixtures, mini):
    """A saved draft whose every text field carries Markdown, as another visitor left it."""
    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    monkeypatch.setenv("PIA_DATABASE_URL", url)
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    meta = {"title": HOSTILE, "organisation": PHISH + " " + EXTRA, "prepared_by": PIXEL}
    answers = AnswerSet("mini", "1.2.0", meta, {"jurisdiction": "eu", "system_name": PHISH, "purpose": HOSTILE})
    s = Store(url)
    try:
        d = s.create(answers, author=HOSTILE, note=PHISH, q=mini)
        s.save(d.id, answers.with_answer("purpose", PIXEL + " changed"), d.head, author=PHISH, note=HOSTILE, q=mini)
    finally:
        s.dispose()
    return url, d.id


def open_from_address(draft_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["draft"] = draft_id
    return ok(at.run())


def test_draft_list_shows_titles_literally(hostile_draft):
    at = ok(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    strings = assert_literal_and_inert(at, HOSTILE, PHISH + " " + EXTRA)
    assert any(HOSTILE in plain(s) for s in strings if s.startswith("**"))   # the title line of the list
    helps = [b.help for b in at.button if b.key and b.key.startswith("open_")]
    assert helps and all(PHISH in plain(h) for h in helps)


def test_start_page_open_draft_and_wizard_title_literal(hostile_draft):
    _, draft_id = hostile_draft
    at = open_from_address(draft_id)
    assert_literal_and_inert(at, f"Open now: **{HOSTILE}**.")
    at.button(key="continue").click().run()
    ok(at)
    assert plain(at.title[0].value) == HOSTILE
    assert_literal_and_inert(at, HOSTILE)


def test_review_page_answers_literal(hostile_draft):
    _, draft_id = hostile_draft
    at = goto(open_from_address(draft_id), "review")
    assert at.title[0].value == "Review and reports"
    assert_literal_and_inert(at, HOSTILE, f"Name of the system: {PHISH}", PIXEL + " changed")


def test_history_table_literal_and_keeps_its_columns(hostile_draft):
    _, draft_id = hostile_draft
    at = goto(open_from_address(draft_id), "history")
    assert at.title[0].value == "Revision history"
    strings = assert_literal_and_inert(at, HOSTILE, PHISH)
    table = next(s for s in strings if s.startswith("| Revision |"))
    rows = table.splitlines()
    # A "|" in an author or note must not add a column: every row keeps exactly 4 cells.
    assert all(len(__import__("re").findall(r"(?<!\\)\|", r)) == 5 for r in rows), rows


def test_compare_page_literal(hostile_draft):
    _, draft_id = hostile_draft
    at = goto(open_from_address(draft_id), "compare")
    at.number_input(key=f"cmp_rev_B_{draft_id}").set_value(1).run()
    ok(at)
    assert_literal_and_inert(at, HOSTILE, PIXEL + " changed")


def test_address_parameter_is_never_echoed(tmp_path, monkeypatch, fixtures):
    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'drafts.db'}")
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    at = open_from_address(f"[Your session expired, sign in](http://evil) {PIXEL}")
    text = "\n".join(plain(s) for s in markdown_strings(at))
    assert "does not exist" in "\n".join(e.value for e in at.error)
    assert "evil" not in text and "session expired" not in text and "127.0.0.1" not in text
    assert "draft" not in at.query_params


def test_uploaded_file_name_and_author_literal(tmp_path, monkeypatch, fixtures, mini):
    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    monkeypatch.setenv("PIA_DATABASE_URL", url)
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    name = f"{PIXEL}.yaml"
    at = ok(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    at.file_uploader(key="upload").upload(name, b"questionnaire: mini\nanswers: [\n", "application/x-yaml").run()
    assert_literal_and_inert(at, f"**{name} cannot be loaded.**")
    good = dumps(AnswerSet("mini", "1.2.0", {"title": PHISH}, {"jurisdiction": "uk"}), mini).encode()
    at.file_uploader(key="upload").upload(name, good, "application/x-yaml").run()
    assert_literal_and_inert(at, f"**{name}** is a valid answers file", f"title “{PHISH}”")
    at.text_input(key="who_w").input(HOSTILE).run()
    at.button(key="upload_open").click().run()
    at = goto(ok(at), "history")
    assert_literal_and_inert(at, f"loaded from {name}", HOSTILE)


def test_third_party_questionnaire_text_literal(tmp_path, monkeypatch, fixtures):
    """A questionnaire from elsewhere is data: its labels, help and section titles are not Markdown."""
    folder = tmp_path / "q"
    folder.mkdir()
    for f in (fixtures / "mini").glob("*.yaml"):
        (folder / f.name).write_text(f.read_text())
    src = (folder / "mini.yaml").read_text()
    src = src.replace("label: Where is the system deployed?", f"label: '{HOSTILE}'")
    src = src.replace("help: Tick all that apply.", f"help: '{PHISH} {EXTRA}'")
    src = src.replace("title: Screening", f"title: '{PIXEL} Screening'")
    src = src.replace("{value: eu, label: European Union}", f"{{value: eu, label: '{PHISH}'}}")
    (folder / "mini.yaml").write_text(src)
    load_questionnaire(folder / "mini.yaml")            # still a valid questionnaire
    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'drafts.db'}")
    monkeypatch.setenv("PIA_PATH", str(folder))
    at = ok(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    box = at.selectbox(key="new_instrument")
    box.select_index([i for i, o in enumerate(box.options) if "Mini camera" in o][0])
    at.text_input(key="new_title").input("Third-party questionnaire")
    at.button[0].click()
    ok(at.run())
    assert_literal_and_inert(at, HOSTILE, PHISH + " " + EXTRA, PIXEL + " Screening")
    assert PHISH in [plain(o) for o in at.radio(key="w_jurisdiction").options]
