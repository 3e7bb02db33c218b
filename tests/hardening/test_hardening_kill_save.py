"""A process killed (SIGKILL) in the middle of saving drafts loses nothing that was saved.

A child process saves revision after revision of one draft; the parent kills it
at a random moment, several rounds in a row, on real SQLite and (when
PIA_TEST_POSTGRES_URL is set) real PostgreSQL. After every kill the store must
open, every revision must be complete and valid, the draft's head must be the
newest revision, and it must be the last save that returned (or the one in
flight, if its transaction committed just before the kill) — nothing earlier
may be missing.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pia.answers import load, validate
from pia.loader import load_questionnaire
from pia.store import Store

from .saver_child import content_for

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
Q = load_questionnaire(ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml")
EXAMPLE, _ = load(ROOT / "questionnaires" / "camera-hria" / "examples" / "school_cctv.yaml")
ROUNDS = 4



@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path) -> Iterator[tuple[str, str]]:
    """(url, schema) of an empty store; schema is "-" for SQLite."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'drafts.db'}", "-"
        return
    url = os.environ.get("PIA_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL not configured: set PIA_TEST_POSTGRES_URL (CI starts a server and sets it)")
    schema = f"pia_kill_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield url, schema
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def open_store(url: str, schema: str) -> Store:
    engine = None if schema == "-" else create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    return Store(url, engine=engine)


def run_and_kill(url: str, schema: str, draft_id: str, seed: int, rnd: random.Random) -> list[int]:
    """Start a saver, let it save for a random while, SIGKILL it; the revisions it reported saved.

    The child's output is read only through `proc.stdout`. communicate() would read
    the raw pipe and lose whatever readline() had already buffered: on a busy
    machine "ready" and "saved 2" arrive together, readline() buffers both, and
    the round looked as if revision 2 had never been reported (the CI flake).
    """
    with subprocess.Popen([sys.executable, str(HERE / "saver_child.py"), url, schema, draft_id, str(seed)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT) as proc:
        try:
            first = proc.stdout.readline()
            assert first.strip() == "ready", first + proc.stderr.read()
            # Wait for the first save to return, so every kill lands among saves however slow the machine.
            saved = proc.stdout.readline()
            assert saved.startswith("saved "), saved + proc.stderr.read()
            time.sleep(rnd.uniform(0.05, 0.8))
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        out, err = saved + proc.stdout.read(), proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL, err          # it was saving until killed, not crashed
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith("saved ")]


def check_intact(store: Store, draft_id: str, seed_of: dict[int, int]) -> int:
    """Every revision 1..head present, complete and valid; returns the head."""
    info = store.draft(draft_id)
    history = store.history(draft_id)
    numbers = sorted(r.number for r in history)
    assert numbers == list(range(1, len(numbers) + 1))        # nothing missing, nothing doubled
    assert info.head == numbers[-1]                           # the draft points at its newest revision
    for rev in history:
        answers, loaded = store.load(draft_id, rev.number)
        assert loaded.sha256 == rev.sha256 == answers.sha256(Q)   # content is whole: hash matches
        assert validate(answers, Q) == []
        if rev.number > 1:
            assert answers.answers["system_description"] == content_for(rev.number, seed_of[rev.number])
            assert answers.answers["camera_count"] == rev.number
        else:
            assert answers == EXAMPLE
    return info.head


def test_sigkill_mid_save_loses_nothing(database):
    url, schema = database
    store = open_store(url, schema)
    draft_id = store.create(EXAMPLE, author="test", q=Q).id
    store.dispose()
    rnd = random.Random(20261126)
    seed_of: dict[int, int] = {}
    head, total_saved = 1, 0
    for round_ in range(ROUNDS):
        seed = round_ + 1
        reported = run_and_kill(url, schema, draft_id, seed, rnd)
        assert reported == list(range(head + 1, head + 1 + len(reported)))
        store = open_store(url, schema)                       # a fresh process-level view, like a restart
        try:
            # Seeds for revisions this round may have written, including one in flight.
            for n in range(head + 1, head + len(reported) + 2):
                seed_of[n] = seed
            new_head = check_intact(store, draft_id, seed_of)
        finally:
            store.dispose()
        last_returned = reported[-1] if reported else head
        # The last save that returned is there; at most the one in flight beyond it.
        assert new_head in (last_returned, last_returned + 1), (new_head, last_returned)
        total_saved += len(reported)
        head = new_head
    assert total_saved >= ROUNDS                             # every round saved at least once before its kill
