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


def test_reports_make_no_network_calls(no_network):
    from pia.report import render
    from pia.report.batch import load_any

    q, answers = load_any(EXAMPLES / "town_centre_cctv_large.yaml")
    for fmt in ("md", "json", "docx"):
        for brief in (False, True):
            assert render(q, answers, fmt, brief=brief, generated="2026-11-26")
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
    """The shipped .streamlit/config.toml, and what a real Streamlit makes of it (review F19)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["browser"]["serverAddress"]  # must be set: unset, Streamlit looks up its public address online
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert 0 < config["server"]["maxUploadSize"] <= 10
    assert config["server"]["enableStaticServing"] is False
    assert config["server"]["enableAgentApi"] is False
    assert config["server"]["runOnSave"] is False and config["server"]["fileWatcherType"] == "none"
    assert config["client"]["showErrorDetails"] in ("none", False)
    assert config["client"]["showErrorLinks"] is False
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["client"]["allowedOrigins"] == []
    # Streamlit reads the file as written (an unknown or misspelt option would be ignored silently).
    code = (
        "import json, streamlit.config as c\n"
        "c.get_config_options(force_reparse=True)\n"
        "keys = ['client.allowedOrigins', 'client.showErrorLinks', 'client.toolbarMode', 'client.showErrorDetails',\n"
        "        'server.enableStaticServing', 'server.enableAgentApi', 'browser.gatherUsageStats']\n"
        "print(json.dumps({k: c.get_option(k) for k in keys}))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    import json

    seen = json.loads(r.stdout.strip().splitlines()[-1])
    assert seen == {"client.allowedOrigins": [], "client.showErrorLinks": False, "client.toolbarMode": "viewer",
                    "client.showErrorDetails": "none", "server.enableStaticServing": False,
                    "server.enableAgentApi": False, "browser.gatherUsageStats": False}


def test_yaml_loader_never_builds_python_objects():
    from pia.errors import PiaError
    from pia.yamlio import load_text

    for payload in ("!!python/object/apply:os.system ['true']", "!!python/name:os.system", "!!binary aGVsbG8="):
        try:
            doc = load_text(f"x: {payload}\n")
        except PiaError:
            continue
        assert not callable(doc.data["x"])


def test_every_test_named_in_security_md_exists():
    """SECURITY.md makes no claim without a test: each test it names must exist."""
    import re

    text = (ROOT / "SECURITY.md").read_text()
    current = None
    named: list[tuple[str, str]] = []
    for m in re.finditer(r"`(tests/[\w/]+\.py)?::(\w+)`|`(tests/[\w/]+/)`", text):
        if m.group(3):
            folder = ROOT / m.group(3)
            assert folder.is_dir() and list(folder.glob("test_*.py")), f"{m.group(3)} has no tests"
            continue
        current = m.group(1) or current
        assert current, f"test {m.group(2)} named before any file"
        named.append((current, m.group(2)))
    assert len(named) >= 30
    for path, name in named:
        source = (ROOT / path).read_text()
        assert re.search(rf"^(async )?def {name}\(", source, re.M), f"SECURITY.md names {path}::{name}, not found"


SITECUSTOMIZE = '''
import os, socket
_log = os.environ["PIA_NET_LOG"]
_real = socket.socket.connect

def _guard(self, address):
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
        with open(_log, "a") as f:
            f.write(f"{address!r}\\n")
        raise OSError("network refused by the pia test")
    return _real(self, address)

socket.socket.connect = _guard
'''


def test_app_server_makes_no_outside_network_calls(tmp_path):
    """A real `streamlit run app.py`, started and used, never connects beyond this machine."""
    import os
    import time
    import urllib.request

    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "net.log"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PIA_NET_LOG=str(log),
               PIA_DATABASE_URL=f"sqlite:///{tmp_path / 'd.db'}")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError("streamlit did not start") from None
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert b"<html" in r.read().lower()
        time.sleep(2)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert not log.exists() or log.read_text() == "", f"outside connections: {log.read_text()}"
    assert "Did not auto detect external IP" not in out
