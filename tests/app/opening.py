"""Open an answers file in the app the way a user does: upload it on the start page and open it as a new draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def uploaded(path: Path, tmp_path: Path, monkeypatch: Any, name: str | None = None) -> AppTest:
    """The app (bundled questionnaires, a fresh SQLite store in `tmp_path`) with `path` uploaded and opened."""
    monkeypatch.setenv("PIA_DATABASE_URL", f"sqlite:///{tmp_path / 'd.db'}")
    monkeypatch.delenv("PIA_PATH", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.file_uploader(key="upload").upload(name or path.name, path.read_bytes(), "application/x-yaml").run()
    at.button(key="upload_open").click().run()
    return at
