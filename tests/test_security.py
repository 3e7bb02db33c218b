"""Each claim in SECURITY.md has a test here (or names the test that holds it)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "camera-hria" / "examples"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):  # noqa: ANN001
        attempts.append(address)
        raise AssertionError(f"network call at run time: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(None, a))
    yield attempts


def test_core_pipeline_makes_no_network_calls(no_network):
    from pia import answers as A
    from pia.assess import assess
    from pia.crosswalk import crosswalk
    from pia.loader import load_questionnaire

    q = load_questionnaire(ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml")
    for path in sorted(EXAMPLES.glob("*.yaml")):
        answers = A.load_validated(path, q)
        assess(q, answers).to_json()
        crosswalk(q, answers)
    assert no_network == []


def test_core_never_imports_streamlit():
    code = (
        "import sys, pkgutil, importlib, pia\n"
        "for m in pkgutil.walk_packages(pia.__path__, 'pia.'):\n"
        "    if not m.name.startswith('pia.ui') and m.name != 'pia.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_streamlit_config_defaults():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert 0 < config["server"]["maxUploadSize"] <= 10
    assert config["client"]["showErrorDetails"] in ("none", False)


def test_yaml_loader_never_builds_python_objects():
    from pia.errors import PiaError
    from pia.yamlio import load_text

    for payload in ("!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!binary aGVsbG8="):
        try:
            doc = load_text(f"x: {payload}\n")
        except PiaError:
            continue
        assert not callable(doc.data["x"])
