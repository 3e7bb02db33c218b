"""The app shows, beside each question, only the legal references of the chosen jurisdiction (pia/references.py)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pia.wording import label

from .rendered import plain

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"


def references(at: AppTest) -> list[str]:
    return [plain(c.value).split("Legal references.", 1)[1].strip(" *") for c in at.caption
            if "Legal references." in plain(c.value)]


def open_example(tmp_path: Path, monkeypatch, name: str) -> AppTest:
    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.delenv("PIA_PATH", raising=False)
    path = EXAMPLES / name
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.file_uploader(key="upload").upload(name, path.read_bytes(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["section"] == "screening"
    return at


def test_a_us_city_sees_no_european_or_british_law(tmp_path, monkeypatch):
    refs = references(open_example(tmp_path, monkeypatch, "citywide_plate_readers_police.yaml"))
    # jurisdiction: "ECHR Art. 1; ICCPR Art. 2(1)" -> only the Covenant binds a US city
    assert "ICCPR Art. 2(1)" in refs
    # technologies cites the AI Act and two British sources only: the app says none applies here
    assert label("references.none_apply") in refs
    assert not [r for r in refs if "AI Act" in r or "GDPR" in r or "EDPB" in r or "Surveillance Camera Code" in r]


def test_a_uk_council_sees_british_law_and_no_eu_guidance(tmp_path, monkeypatch):
    refs = references(open_example(tmp_path, monkeypatch, "town_centre_cctv_large.yaml"))
    assert any("Surveillance Camera Code of Practice s. 1.8" in r for r in refs)
    assert any("ECHR Art. 1" in r for r in refs)
    assert not [r for r in refs if "AI Act" in r or "EDPB" in r or "CCOPS" in r]
