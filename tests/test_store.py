"""The draft store on real SQLite and (when PIA_TEST_POSTGRES_URL is set) real PostgreSQL."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from pia.answers import AnswerSet, new_answers
from pia.errors import PiaError
from pia.store import Conflict, Store, StoreError


class Clock:
    """A deterministic clock: each call is one minute after the previous."""

    def __init__(self) -> None:
        self.t = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.t += timedelta(minutes=1)
        return self.t


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'drafts.db'}", clock=Clock())
        yield s
        s.dispose()
        return
    url = os.environ.get("PIA_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL not configured: set PIA_TEST_POSTGRES_URL (CI starts a server and sets it)")
    # A private schema per test so parallel runs and reruns never see each other's rows.
    schema = f"pia_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    s = Store(url, clock=Clock(), engine=engine)
    yield s
    s.dispose()
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def answers(mini, **values) -> AnswerSet:
    a = new_answers(mini, {"title": "Station square cameras", "organisation": "Utrecht"})
    for k, v in values.items():
        a = a.with_answer(k, v)
    return a


def test_create_save_load_roundtrip(store, mini):
    d = store.create(answers(mini), author="Ana", q=mini)
    assert d.head == 1 and d.title == "Station square cameras" and d.created_by == "Ana"
    head = store.save(d.id, answers(mini, jurisdiction="eu", technologies=["cctv", "drone"]), base=1, author="Ana", q=mini)
    assert head == 2
    loaded, rev = store.load(d.id)
    assert rev.number == 2 and rev.author == "Ana"
    assert loaded.answers == {"jurisdiction": "eu", "technologies": ["cctv", "drone"]}
    assert loaded.meta["organisation"] == "Utrecht"
    first, _ = store.load(d.id, 1)
    assert first.answers == {}
    assert "jurisdiction: eu" in store.content(d.id, 2)


def test_unchanged_save_adds_no_revision(store, mini):
    d = store.create(answers(mini, jurisdiction="eu"), q=mini)
    assert store.save(d.id, answers(mini, jurisdiction="eu"), base=1, q=mini) == 1
    assert [r.number for r in store.history(d.id)] == [1]


def test_stale_save_raises_conflict_and_keeps_newer_work(store, mini):
    d = store.create(answers(mini), author="Ana", q=mini)
    store.save(d.id, answers(mini, jurisdiction="uk"), base=1, author="Ben", q=mini)   # tab B saves first
    with pytest.raises(Conflict) as err:
        store.save(d.id, answers(mini, jurisdiction="us"), base=1, author="Ana", q=mini)   # tab A, stale
    assert err.value.current.number == 2 and err.value.current.author == "Ben"
    assert "changed elsewhere" in str(err.value)
    loaded, rev = store.load(d.id)
    assert rev.number == 2 and loaded.answers["jurisdiction"] == "uk"


def test_concurrent_saves_on_same_base_one_wins(store, mini):
    d = store.create(answers(mini), q=mini)
    results: list[object] = []
    barrier = threading.Barrier(4)

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results.append(store.save(d.id, answers(mini, system_name=f"tab {i}"), base=1, author=f"tab{i}", q=mini))
        except Conflict as exc:
            results.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r for r in results if isinstance(r, int)) == [2]
    assert sum(isinstance(r, Conflict) for r in results) == 3
    assert [r.number for r in store.history(d.id)] == [2, 1]


def test_history_restore_and_who_when(store, mini):
    d = store.create(answers(mini), author="Ana", q=mini)
    store.save(d.id, answers(mini, jurisdiction="eu"), base=1, author="Ana", q=mini)
    store.save(d.id, answers(mini, jurisdiction="uk"), base=2, author="Ben", q=mini)
    head = store.restore(d.id, 2, base=3, author="Cleo")
    assert head == 4
    hist = store.history(d.id)
    assert [(r.number, r.author) for r in hist] == [(4, "Cleo"), (3, "Ben"), (2, "Ana"), (1, "Ana")]
    assert hist[0].note == "restored revision 2"
    assert hist[0].created_at > hist[1].created_at
    assert hist[0].created_at.tzinfo is not None
    assert store.load(d.id)[0].answers == {"jurisdiction": "eu"}
    assert store.draft(d.id).updated_by == "Cleo"


def test_listing_newest_first_and_archive(store, mini):
    a = store.create(answers(mini), q=mini)
    b = store.create(answers(mini).__class__("mini", "1.2.0", {"title": "Drones"}, {}), q=mini)
    assert [x.id for x in store.drafts()] == [b.id, a.id]
    store.save(a.id, answers(mini, jurisdiction="eu"), base=1, q=mini)
    assert [x.id for x in store.drafts()] == [a.id, b.id]
    store.archive(b.id)
    assert [x.id for x in store.drafts()] == [a.id]
    assert {x.id for x in store.drafts(include_archived=True)} == {a.id, b.id}


def test_missing_draft_is_a_clear_error(store, mini):
    with pytest.raises(PiaError, match="no saved draft"):
        store.load("nope")
    with pytest.raises(PiaError, match="no saved draft"):
        store.save("nope", answers(mini), base=1)
    d = store.create(answers(mini), q=mini)
    with pytest.raises(PiaError, match="no saved revision 7"):
        store.load(d.id, 7)


def test_unicode_and_hostile_text_roundtrip(store, mini):
    nasty = "Zoë's {{ config }} <script>x</script> & ünïcødé — 日本"
    d = store.create(answers(mini, purpose=nasty), q=mini)
    assert store.load(d.id)[0].answers["purpose"] == nasty


def test_default_sqlite_file_is_created_under_xdg(tmp_path, monkeypatch, mini):
    monkeypatch.delenv("PIA_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    s = Store()
    s.create(answers(mini), q=mini)
    assert (tmp_path / "xdg" / "pia" / "drafts.db").is_file()
    # A second Store on the same file sees the draft: a browser refresh or restart loses nothing.
    assert len(Store().drafts()) == 1
    s.dispose()


def test_unreachable_database_is_one_clear_error():
    with pytest.raises(StoreError, match="cannot open the draft database"):
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    try:
        Store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    except StoreError as exc:
        assert "secret" not in str(exc)


def test_delete_only_archived_and_erases_history(store, mini):
    d = store.create(answers(mini), q=mini)
    store.save(d.id, answers(mini, jurisdiction="eu"), base=1, q=mini)
    with pytest.raises(PiaError, match="archive the draft before deleting"):
        store.delete(d.id)
    store.archive(d.id)
    store.delete(d.id)
    assert store.drafts(include_archived=True) == [] and store.history(d.id) == []
    with pytest.raises(PiaError, match="no saved draft"):
        store.delete(d.id)
