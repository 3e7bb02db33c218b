"""The load benchmark's protocol driver (benchmarks/load_sessions.py) really drives the app.

Two simulated officials at once against a real `streamlit run app.py`: each starts an assessment and
answers questions over Streamlit's websocket protocol; afterwards the store holds exactly what each one
answered, and the draft check catches an answer that differs. No timing is asserted.
"""

from __future__ import annotations

import asyncio
import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pia.store import Store

from .serverkit import ROOT, free_port, start_server


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("load_sessions", ROOT / "benchmarks" / "load_sessions.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["load_sessions"] = mod   # its dataclasses look their module up by name
    spec.loader.exec_module(mod)
    return mod


def test_two_officials_drive_the_wizard_and_their_drafts_hold_their_answers(bench, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'drafts.db'}"
    port = free_port()
    server = start_server(port, db, tmp_path / "server.log", ROOT / "questionnaires")
    url = f"ws://127.0.0.1:{port}/_stcore/stream"

    async def both():
        return await asyncio.gather(*(bench.official_session(url, i, 10, 0.0, random.Random(i)) for i in (1, 2)))

    try:
        officials = asyncio.run(both())
    finally:
        server.terminate()
        server.wait(timeout=30)
    for o in officials:
        assert not o.errors, o.errors
        assert o.draft, f"{o.name} never got a draft"
        assert len(o.times) == 10         # the form submission, answers and Next, each run to its end
        assert len(o.answered) >= 3, o.answered
    assert officials[0].draft != officials[1].draft
    assert bench.check_drafts(db, officials) == []

    store = Store(db)
    try:
        for o in officials:
            answers, _ = store.load(o.draft)
            assert answers.meta["title"] == f"Cameras {o.name.rsplit(' ', 1)[1]}"
            texts = {qid: v for qid, v in o.answered.items() if v.startswith("Answer of official")}
            assert texts, "no text question was answered"
            for qid, given in texts.items():
                assert answers.answers[qid] == given
    finally:
        store.dispose()

    # The check is not blind: an answer the store does not hold is reported.
    qid = next(iter(texts))
    officials[-1].answered[qid] = "something never typed"
    problems = bench.check_drafts(db, officials)
    assert len(problems) == 1 and qid in problems[0]


def test_streamlit_reads_the_shipped_setting_without_a_full_collection_after_every_rerun() -> None:
    """The setting chosen from the load benchmark (benchmarks/RESULTS.md) is the one Streamlit runs with:
    a misspelt option would be ignored silently and bring back the full collection after each rerun."""
    code = ("import streamlit.config as c\n"
            "c.get_config_options(force_reparse=True)\n"
            "print(c.get_option('runner.postScriptGC'))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "False"
