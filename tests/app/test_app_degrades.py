"""The app keeps working, with a clear note, when a part is missing or the database is down."""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pia.ui.panel import _text_colour

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def start(fixtures) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    box = at.selectbox(key="new_instrument")
    box.select_index([i for i, o in enumerate(box.options) if "Mini camera" in o][0])
    at.text_input(key="new_title").input("Degraded")
    at.button[0].click()
    return at.run()


def test_without_engine_and_reports_the_wizard_still_works(tmp_path, monkeypatch, fixtures):
    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    # None in sys.modules makes `import pia.assess` / `import pia.report` raise ImportError.
    monkeypatch.setitem(sys.modules, "pia.assess", None)
    monkeypatch.setitem(sys.modules, "pia.report", None)
    at = start(fixtures)
    assert not at.exception
    notes = "\n".join(i.value for i in at.info)
    assert "assessment engine is not installed" in notes
    at.radio(key="w_jurisdiction").set_value("eu").run()
    assert at.session_state["answers"] == {"jurisdiction": "eu"}
    at.session_state["goto_page"] = "review"
    at.run()
    assert not at.exception
    assert "Report generation is not installed" in "\n".join(i.value for i in at.info)
    assert [d.key for d in at.get("download_button") if d.key == "dl_answers"]


def test_unreachable_database_keeps_answers_in_the_window(monkeypatch, fixtures):
    monkeypatch.setenv("PIA_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    monkeypatch.setenv("PIA_PATH", str(fixtures / "mini"))
    at = start(fixtures)
    assert not at.exception
    text = "\n".join(w.value for w in [*at.warning, *at.error])
    assert "download the answers file" in text and "secret" not in text
    at.radio(key="w_jurisdiction").set_value("uk").run()
    assert not at.exception and at.session_state["answers"] == {"jurisdiction": "uk"}


def test_matrix_text_colour_is_readable():
    assert _text_colour("#b71c1c") == "#ffffff"      # dark red -> white text
    assert _text_colour("#f9a825") == "#000000"      # amber -> black text
    assert _text_colour("#2e7d32") == "#ffffff"
