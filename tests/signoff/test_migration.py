"""A database made by pia 0.1.0 (commit 14bdf98, its own code run in a child process) opens without loss.

The child imports the old `pia` package from `git archive` of that commit, not
the one under test, writes drafts with revisions through the old Store, and
exits; the new Store then opens the same database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pia.store import Store
from tests.test_store import Clock

ROOT = Path(__file__).resolve().parents[2]
OLD = "14bdf98"

CHILD = r"""
import json, sys
sys.meta_path = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
                 and "__editable__" not in getattr(f, "__name__", "")]
sys.path.insert(0, sys.argv[1])
import pia.store
assert pia.store.__file__.startswith(sys.argv[1]), pia.store.__file__
assert not hasattr(pia.store, "Forbidden")                       # really the 0.1.0 store
from pia.answers import new_answers
from pia.loader import load_questionnaire
from sqlalchemy import create_engine
q = load_questionnaire(sys.argv[3])
url = sys.argv[2]
kwargs = {}
if len(sys.argv) > 4:
    kwargs["engine"] = create_engine(url, connect_args={"options": f"-csearch_path={sys.argv[4]}"})
s = pia.store.Store(url, **kwargs)
out = []
for i in range(3):
    a = new_answers(q, {"title": f"Old draft {i}", "organisation": "Utrecht"}).with_answer("purpose", f"purpose {i}")
    d = s.create(a, author="Ana", q=q)
    s.save(d.id, a.with_answer("jurisdiction", "eu"), base=1, author="Ben", q=q)
    out.append(d.id)
s.archive(out[2])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def old_pia(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pia-0.1.0")
    archive = folder / "old.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), OLD, "pia"], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _make_old(old_pia: Path, url: str, *schema: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(old_pia), url, str(ROOT / "tests/fixtures/mini/mini.yaml"),
                           *schema], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _check_migrated(s: Store, ids: list[str], mini) -> None:
    assert {d.id for d in s.drafts(include_archived=True)} == set(ids)
    assert [d.id for d in s.drafts()] != [] and ids[2] not in {d.id for d in s.drafts()}   # archived stays archived
    for i, did in enumerate(ids):
        answers, rev = s.load(did)
        assert rev.number == 2 and rev.author == "Ben" and answers.answers == {"purpose": f"purpose {i}",
                                                                               "jurisdiction": "eu"}
        assert [r.number for r in s.history(did)] == [2, 1] and s.load(did, 1)[1].author == "Ana"
        assert s.my_roles(did) == {"owner", "author", "reviewer", "approver", "reader"}      # single-user mode
        assert s.roles(did) == [("local", "author", "local", s.roles(did)[0][3]),
                                ("local", "owner", "local", s.roles(did)[1][3])]
        assert [e.action for e in s.audit_log(did)] == ["migrated"] and s.verify_audit(did).ok
        assert s.signoff_state(did).status == "none"
    # The old drafts work with the new features at once.
    head = s.save(ids[0], s.load(ids[0])[0].with_answer("purpose", "new"), base=2, q=mini)
    assert head == 3 and [e.action for e in s.audit_log(ids[0])] == ["migrated", "saved"]
    assert s.verify_audit(ids[0]).ok and s.audit_log(ids[0])[1].prev == s.audit_log(ids[0])[0].sha256
    s.mark_section(ids[0], "description", "acceptable", q=mini)


def test_sqlite_database_of_0_1_0_migrates_without_loss(tmp_path, old_pia, mini):
    url = f"sqlite:///{tmp_path / 'drafts.db'}"
    ids = _make_old(old_pia, url)
    s = Store(url, clock=Clock())
    _check_migrated(s, ids, mini)
    s.dispose()
    again = Store(url, clock=Clock())                     # a second opening changes nothing more
    assert [e.action for e in again.audit_log(ids[1])] == ["migrated"]
    with pytest.raises(Exception, match="append-only"), again.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM pia_audit")
    again.dispose()


def test_postgres_database_of_0_1_0_migrates_without_loss(old_pia, mini):
    url = os.environ.get("PIA_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL not configured: set PIA_TEST_POSTGRES_URL (CI starts a server and sets it)")
    schema = f"pia_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        ids = _make_old(old_pia, url, schema)
        engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        s = Store(url, clock=Clock(), engine=engine)
        _check_migrated(s, ids, mini)
        with pytest.raises(Exception, match="append-only"), s.engine.begin() as c:
            c.exec_driver_sql("TRUNCATE pia_audit")
        s.dispose()
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
