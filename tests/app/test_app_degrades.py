"""The app keeps working, with a clear note, when a part is missing or the database is down."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pia.ui.panel import _text_colour

from .rendered import markdown_strings, plain

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def start(fixtures) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    box = at.selectbox(key="new_instrument")
    box.select_index([i for i, o in enumerate(box.options) if "Mini camera" in o][0])
    at.text_input(key="new_title").input("Degraded")
    at.button[0].click()
    return at.run()


def test_unreachable_database_keeps_answers_in_the_window(monkeypatch, fixtures):
    monkeypatch.setenv("PIA_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    at = start(fixtures)
    assert not at.exception
    text = "\n".join(w.value for w in [*at.warning, *at.error])
    assert "download the answers file" in text and "secret" not in text
    at.radio(key="w_jurisdiction").set_value("uk").run()
    assert not at.exception and at.session_state["answers"] == {"jurisdiction": "uk"}


def page_text(at: AppTest) -> str:
    return "\n".join(plain(s) for s in markdown_strings(at))


def test_database_errors_show_no_url_host_user_or_path(tmp_path, monkeypatch, fixtures):
    """An anonymous visitor learns that the database is down, not where it is or who logs in (review F17)."""
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    for url, secrets in (("postgresql+psycopg://pia_owner:hunter2@db-internal.example:5433/pia_prod",
                          ["pia_owner", "db-internal", "5433", "pia_prod", "postgresql", "hunter2", "***"]),
                         (f"sqlite:///{tmp_path}/a-file/drafts.db", [str(tmp_path), "sqlite", "drafts.db"])):
        (tmp_path / "a-file").write_text("a file where the database folder should be")
        monkeypatch.setenv("PIA_DATABASE_URL", url)
        at = AppTest.from_file(APP, default_timeout=30).run()
        assert not at.exception
        shown = page_text(at)
        assert "draft database could not be used" in shown and "server log" in shown
        leaked = [s for s in secrets if s in shown]
        assert not leaked, f"{leaked} shown to the visitor:\n{shown}"


def test_broken_questionnaire_shows_its_file_name_not_its_path(tmp_path, monkeypatch, fixtures):
    folder = tmp_path / "srv" / "pia-questionnaires"
    folder.mkdir(parents=True)
    for f in (fixtures / "mini").glob("*.yaml"):
        (folder / f.name).write_text(f.read_text())
    (folder / "badq.yaml").write_text("id: badq\nversion: 1.0.0\ntitle: Broken\nsections: [unclosed\n")
    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("PIA_PATH", str(folder))
    at = AppTest.from_file(APP, default_timeout=30).run()
    box = at.selectbox(key="new_instrument")
    assert "badq.yaml (cannot be loaded)" in box.options
    assert not [o for o in box.options if str(tmp_path) in o]
    box.select_index(box.options.index("badq.yaml (cannot be loaded)"))
    at.text_input(key="new_title").input("Try the broken one")
    at.button[0].click()
    at.run()
    assert not at.exception
    shown = page_text(at)
    assert "The questionnaire badq.yaml cannot be loaded" in shown
    assert str(tmp_path) not in shown and "srv" not in shown


def test_live_panel_failure_shows_no_exception_text(tmp_path, monkeypatch, fixtures):
    """An engine defect is reported in general words on the page; the details go to the server log."""
    import pia.ui.panel

    def broken(q, answers):  # noqa: ANN001, ANN202
        raise RuntimeError("cannot open /srv/pia/secret-rules.yaml as pia_owner@db-internal")

    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    monkeypatch.setattr(pia.ui.panel, "assess", broken)
    at = start(fixtures)
    assert not at.exception
    shown = page_text(at)
    assert "live assessment could not be computed" in shown
    assert "RuntimeError" not in shown and "/srv/pia" not in shown and "db-internal" not in shown
    at.radio(key="w_jurisdiction").set_value("eu").run()          # the questionnaire keeps working
    assert not at.exception and at.session_state["answers"] == {"jurisdiction": "eu"}


def test_matrix_text_colour_is_readable():
    assert _text_colour("#b71c1c") == "#ffffff"      # dark red -> white text
    assert _text_colour("#f9a825") == "#000000"      # amber -> black text
    assert _text_colour("#2e7d32") == "#ffffff"
