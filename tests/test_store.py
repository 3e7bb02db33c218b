"""The draft store on real SQLite and (when PIA_TEST_POSTGRES_URL is set) real PostgreSQL."""

from __future__ import annotations

import os
import random
import shutil
import stat
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pia.answers import AnswerSet, loads, new_answers
from pia.errors import PiaError
from pia.intake import open_assessment
from pia.loader import load_questionnaire
from pia.model import MAX_GROUP_ITEMS
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
    yield from _postgres_store()


@pytest.fixture
def pg_store():
    yield from _postgres_store()


def _postgres_store():
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


# --- erasure (F16) ------------------------------------------------------------------

MARK = "WATCHLIST-CRITERIA-7731"


def secret_answers(mini, i: int) -> AnswerSet:
    """Answers holding MARK in the title, a long answer (overflow pages / TOAST) and a group row.

    The long answer is random letters, so PostgreSQL cannot compress it and the
    marker is findable as plain bytes in its files before the delete.
    """
    rnd = random.Random(i)
    filler = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(12_000))
    a = new_answers(mini, {"title": f"{MARK} cameras {i}", "organisation": "Utrecht"})
    return (a.with_answer("purpose", f"{MARK} {i} {filler}")
             .with_answer("sites", [{"name": f"{MARK} site {i}", "kind": "school", "cameras": 2}]))


def test_deleted_draft_leaves_no_text_in_sqlite_files(tmp_path, mini):
    """A long-lived store (as in a running app server) erases the text from the .db and its -wal at once."""
    db = tmp_path / "drafts.db"
    s = Store(f"sqlite:///{db}", clock=Clock())
    other = Store(f"sqlite:///{db}", clock=Clock())        # a second server process, connections kept open
    keep = s.create(answers(mini, purpose="kept draft"), q=mini)
    d = s.create(secret_answers(mini, 0), author=MARK, q=mini)
    for i in range(1, 6):
        s.save(d.id, secret_answers(mini, i), base=i, author=MARK, q=mini)
    assert other.load(d.id)[1].number == 6                  # `other` has read the draft: its pages were cached
    files = [db, tmp_path / "drafts.db-wal"]
    assert sum(f.read_bytes().count(MARK.encode()) for f in files) > 0    # the check can see the text
    s.archive(d.id)
    s.delete(d.id)
    for f in files:
        assert MARK.encode() not in f.read_bytes(), f.name
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    assert other.load(keep.id)[0].answers["purpose"] == "kept draft"   # nothing else was harmed
    other.dispose()
    s.dispose()
    assert MARK.encode() not in db.read_bytes()


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_sqlite_file_is_private_whatever_the_umask(tmp_path, mini, umask):
    db = tmp_path / "new" / "pia" / "drafts.db"
    before = stat.S_IMODE(tmp_path.stat().st_mode)
    old = os.umask(umask)
    try:
        s = Store(f"sqlite:///{db}")
        s.create(answers(mini), q=mini)                        # -wal and -shm exist while the store is open
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in db.parent.iterdir()}
        s.dispose()
    finally:
        os.umask(old)
    assert modes == {"drafts.db": 0o600, "drafts.db-wal": 0o600, "drafts.db-shm": 0o600}
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700 == stat.S_IMODE(db.parent.parent.stat().st_mode)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == before    # a folder pia did not create is left alone


def test_a_readable_database_from_an_older_pia_is_made_private(tmp_path, mini):
    """pia 0.1.0 left drafts.db 0644 (readable by every local user); opening it now takes that away."""
    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    db = folder / "drafts.db"
    s = Store(f"sqlite:///{db}")
    s.create(answers(mini), q=mini)
    s.dispose()
    for f in folder.iterdir():
        f.chmod(0o644)
    s = Store(f"sqlite:///{db}")
    assert s.drafts()                                            # the old drafts are all still there
    s.dispose()
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in folder.iterdir()} == {
        f.name: 0o600 for f in folder.iterdir()}
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755          # a folder pia did not create is left alone


def test_deleted_draft_leaves_no_text_in_postgres_table_files(pg_store, mini):
    """After delete, neither table (nor the TOAST table holding long answers) has the text in its files.

    Reads the server's files, so it needs a local server and a superuser URL (as CI has).
    """
    s = pg_store
    before = s.create(answers(mini, purpose="kept draft"), q=mini)
    d = s.create(secret_answers(mini, 0), author=MARK, q=mini)
    s.save(d.id, secret_answers(mini, 1), base=1, author=MARK, q=mini)
    after = s.create(answers(mini, purpose="kept draft"), q=mini)   # live rows on the same pages as the dead ones
    s.archive(d.id)

    def marker_copies() -> int:
        with s.engine.connect() as c:
            try:
                c.exec_driver_sql("CHECKPOINT")                  # table pages from memory to the files
                data = Path(c.exec_driver_sql("SHOW data_directory").scalar())
            except Exception as exc:  # noqa: BLE001 - say why the check cannot run here
                pytest.skip(f"needs a PostgreSQL superuser URL for a local server: {exc}")
            rels = c.exec_driver_sql(
                "SELECT pg_relation_filepath(oid) FROM pg_class WHERE oid IN "
                "('pia_revisions'::regclass, 'pia_drafts'::regclass, "
                "(SELECT reltoastrelid FROM pg_class WHERE oid = 'pia_revisions'::regclass))").scalars().all()
        if not data.is_dir():
            pytest.skip(f"the PostgreSQL data directory {data} is not on this machine")
        files = [f for rel in rels for f in (data / rel).parent.glob((data / rel).name + "*")]
        return sum(f.read_bytes().count(MARK.encode()) for f in files)

    assert marker_copies() > 0                                # the check can see the text
    s.delete(d.id)
    assert marker_copies() == 0
    assert [x.id for x in s.drafts(include_archived=True)] == [after.id, before.id]
    assert s.load(before.id)[0].answers["purpose"] == "kept draft"


# --- one size rule for upload, store and reopen (F11) ---------------------------------

@pytest.fixture
def bulk_q(tmp_path):
    """The mini instrument with a camera-sites group allowing the most rows a questionnaire may allow."""
    folder = tmp_path / "bulk"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", folder)
    text_ = (folder / "mini.yaml").read_text()
    assert "        item_label: Site\n" in text_
    (folder / "mini.yaml").write_text(text_.replace("        item_label: Site\n",
                                                     f"        item_label: Site\n        max_items: {MAX_GROUP_ITEMS}\n"))
    return load_questionnaire(folder / "mini.yaml")


def upload_with_sites(rows_yaml: str) -> bytes:
    """answers_complete.yaml with its `sites` answer replaced."""
    base = (Path(__file__).parent / "fixtures" / "mini" / "answers_complete.yaml").read_text()
    start = base.index("  sites:\n")
    end = base.index("  big_system_review:")
    return (base[:start] + rows_yaml + base[end:]).encode()


def _long_block_rows(head: int) -> str:
    row = "  - name: " + "N" * 498 + "\n    kind: street\n    cameras: 1\n"   # under MAX_GROUP_ITEMS rows
    return "  sites:\n" + row * ((5_230_000 - head) // len(row))


def _short_flow_rows(head: int) -> str:
    # Flow rows grow by their quotes as JSON: about 5 bytes a row, 50 KB over 10,000 rows.
    row = "{name: " + "s" * 490 + ", kind: street, cameras: 1}"
    return "  sites: [" + ",".join([row] * ((5_230_000 - head) // (len(row) + 1))) + "]\n"


def _aliased_rows(head: int) -> str:
    return "  sites: [&r {name: '" + "N" * 480 + "', kind: street, cameras: 1}" + ", *r" * 9_999 + "]\n"


@pytest.mark.parametrize(("rows", "outcome"), [
    (_long_block_rows, "saved"),     # 4.99 MB, thousands of long rows: smaller as compact JSON
    pytest.param(_short_flow_rows, "refused by the store", marks=pytest.mark.slow),  # over 5 MB as JSON
    (_aliased_rows, "refused at upload"),  # 30 KB that aliases would expand to 6 MB: no anchors in answers
])
def test_accepted_upload_is_saved_and_reopened_or_refused_cleanly(store, bulk_q, mini, rows, outcome):
    """Never saved-but-unopenable: whatever the store takes, it opens again; the rest is refused up front."""
    data = upload_with_sites(rows(len(upload_with_sites(""))))
    assert len(data) <= 5 * 2**20
    if outcome == "refused at upload":
        with pytest.raises(PiaError, match="anchors and aliases are not allowed"):
            open_assessment(data, "sites.yaml", questionnaire=bulk_q)
        return
    opened = open_assessment(data, "sites.yaml", questionnaire=bulk_q)  # the upload check accepts it
    a, q = opened.answers, opened.questionnaire
    assert len(a.answers["sites"]) <= MAX_GROUP_ITEMS
    if outcome == "saved":
        d = store.create(a, author="Ana", q=q)
        loaded, rev = store.load(d.id)
        assert loaded == a and rev.number == 1
        assert store.content(d.id, 1, q).startswith("questionnaire: mini")   # download works too
        return
    with pytest.raises(PiaError, match=r"this draft is larger than the 5 MB limit when saved .* so it was not saved"):
        store.create(a, q=q)
    assert store.count() == 0
    d = store.create(answers(mini, purpose="small"), q=mini)
    with pytest.raises(PiaError, match=r"larger than the 5 MB limit"):
        store.save(d.id, a, base=1, q=q)
    assert [r.number for r in store.history(d.id)] == [1]
    assert store.load(d.id)[0].answers["purpose"] == "small"


def test_stored_form_is_what_the_opener_limits(store, mini):
    """The revision text is compact JSON that the answers loader (with its 5 MB limit) reads back as is."""
    d = store.create(answers(mini, purpose="x" * 1000), q=mini)
    with store._session() as s:
        content = s.execute(text("SELECT content FROM pia_revisions WHERE draft_id = :d"), {"d": d.id}).scalar_one()
    assert "\n" not in content.rstrip("\n")                  # no indentation: every byte is data
    assert loads(content)[0] == store.load(d.id)[0]
