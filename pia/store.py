"""Drafts and their revision history, in one small repository on SQLAlchemy 2.

Why a database and not files: the app autosaves after every change, several
officials may share one deployment, and an auditor wants to see who changed
what and when. SQLite (a file, nothing to install) is the default; a shared
deployment sets ``PIA_DATABASE_URL`` to a PostgreSQL URL.

Every save is a new, immutable revision holding the whole answers file, so any
revision can be downloaded, restored or compared. It is stored as canonical
JSON (which is also valid YAML, so the same strict loader reads it): writing
YAML costs tens of milliseconds on a full instrument, too much for a save
after every change; downloads convert to the YAML answers file. Saves are optimistic: the caller says which revision its edit was
based on, and a save based on an older revision raises :class:`Conflict`
instead of silently overwriting someone else's newer work.

The core has no clock, so time is injected (``clock``); the default is UTC now.
"""

from __future__ import annotations

import json
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .answers import AnswerSet, dumps, loads
from .errors import PiaError
from .model import Questionnaire
from .yamlio import MAX_ANSWERS_BYTES

MAX_AUTHOR = 200
MAX_NOTE = 500
MAX_TITLE = 500


def default_url() -> str:
    """PIA_DATABASE_URL, else a SQLite file in the user's data folder (XDG)."""
    url = os.environ.get("PIA_DATABASE_URL")
    if url:
        return url
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'pia' / 'drafts.db'}"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DraftRow(Base):
    __tablename__ = "pia_drafts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    questionnaire: Mapped[str] = mapped_column(String(80))
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(MAX_TITLE), default="")
    organisation: Mapped[str] = mapped_column(String(MAX_TITLE), default="")
    head: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(MAX_AUTHOR), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(MAX_AUTHOR), default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class RevisionRow(Base):
    __tablename__ = "pia_revisions"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_pia_revision_number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(String(36), ForeignKey("pia_drafts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(MAX_AUTHOR), default="")
    note: Mapped[str] = mapped_column(String(MAX_NOTE), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)


@dataclass(frozen=True)
class DraftInfo:
    id: str
    questionnaire: str
    questionnaire_version: str
    title: str
    organisation: str
    head: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    archived: bool


@dataclass(frozen=True)
class RevisionInfo:
    draft_id: str
    number: int
    created_at: datetime
    author: str
    note: str
    sha256: str


class Conflict(Exception):  # noqa: N818 - the domain word; it is not a programming error
    """A save was based on an older revision than the one now stored."""

    def __init__(self, draft_id: str, base: int, current: RevisionInfo):
        self.draft_id = draft_id
        self.base = base
        self.current = current
        who = f" by {current.author}" if current.author else ""
        super().__init__(
            f"draft {draft_id} was changed elsewhere: your edit is based on revision {base}, "
            f"but revision {current.number} was saved{who} at {current.created_at:%Y-%m-%d %H:%M} UTC"
        )


class StoreError(PiaError):
    """The database could not be reached or used; the message says which."""


def _aware(dt: datetime) -> datetime:
    """SQLite returns naive datetimes; everything is stored in UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _draft_info(r: DraftRow) -> DraftInfo:
    return DraftInfo(r.id, r.questionnaire, r.questionnaire_version, r.title, r.organisation, r.head,
                     _aware(r.created_at), r.created_by, _aware(r.updated_at), r.updated_by, r.archived)


def _rev_info(r: RevisionRow) -> RevisionInfo:
    return RevisionInfo(r.draft_id, r.number, _aware(r.created_at), r.author, r.note, r.sha256)


def _clip(s: str | None, n: int) -> str:
    return (s or "").strip()[:n]


class Store:
    """The one place that reads and writes drafts."""

    def __init__(self, url: str | None = None, clock: Callable[[], datetime] = utcnow, engine: Engine | None = None):
        self.url = url or default_url()
        self.clock = clock
        self.engine = engine or _make_engine(self.url)
        try:
            Base.metadata.create_all(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the draft database {self.safe_url}: {_reason(exc)}") from exc

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    # --- writing -------------------------------------------------------------------

    def create(self, answers: AnswerSet, author: str = "", note: str = "created",
               q: Questionnaire | None = None, draft_id: str | None = None) -> DraftInfo:
        """A new draft whose revision 1 holds `answers`."""
        now = self.clock()
        did = draft_id or str(uuid.uuid4())
        content = _serialise(answers, q)
        with self._session() as s, s.begin():
            s.add(DraftRow(
                id=did, questionnaire=answers.questionnaire, questionnaire_version=answers.questionnaire_version,
                title=_clip(answers.meta.get("title"), MAX_TITLE),
                organisation=_clip(answers.meta.get("organisation"), MAX_TITLE),
                head=1, created_at=now, created_by=_clip(author, MAX_AUTHOR), updated_at=now,
                updated_by=_clip(author, MAX_AUTHOR), archived=False,
            ))
            s.flush()
            s.add(RevisionRow(draft_id=did, number=1, created_at=now, author=_clip(author, MAX_AUTHOR),
                              note=_clip(note, MAX_NOTE), sha256=answers.sha256(q), content=content))
        return self.draft(did)

    def save(self, draft_id: str, answers: AnswerSet, base: int, author: str = "", note: str = "",
             q: Questionnaire | None = None) -> int:
        """Store `answers` as the next revision if `base` is still the newest; return the head.

        Saving unchanged content is a no-op (autosave after every click would
        otherwise flood the history). A stale `base` raises Conflict.
        """
        sha = answers.sha256(q)
        now = self.clock()
        with self._session() as s, s.begin():
            head = s.execute(
                select(RevisionRow).where(RevisionRow.draft_id == draft_id)
                .order_by(RevisionRow.number.desc()).limit(1)
            ).scalar_one_or_none()
            if head is None:
                raise PiaError(f"no saved draft {draft_id!r}")
            if head.number != base:
                raise Conflict(draft_id, base, _rev_info(head))
            if head.sha256 == sha and not note:
                return base
            content = _serialise(answers, q)   # an oversize draft is refused before anything is written
            # The guarded UPDATE is the lock: of two concurrent saves on the same
            # base, only one matches `head == base`; the other sees rowcount 0.
            done = s.execute(
                update(DraftRow).where(DraftRow.id == draft_id, DraftRow.head == base).values(
                    head=base + 1, updated_at=now, updated_by=_clip(author, MAX_AUTHOR),
                    title=_clip(answers.meta.get("title"), MAX_TITLE),
                    organisation=_clip(answers.meta.get("organisation"), MAX_TITLE),
                    questionnaire_version=answers.questionnaire_version,
                )
            )
            if done.rowcount != 1:
                raise Conflict(draft_id, base, self._head_in(s, draft_id))
            s.add(RevisionRow(draft_id=draft_id, number=base + 1, created_at=now, author=_clip(author, MAX_AUTHOR),
                              note=_clip(note, MAX_NOTE), sha256=sha, content=content))
            try:
                s.flush()
            except IntegrityError as exc:  # a racing writer took the number first
                raise Conflict(draft_id, base, RevisionInfo(draft_id, base + 1, now, "", "", "")) from exc
        return base + 1

    def restore(self, draft_id: str, number: int, base: int, author: str = "") -> int:
        """Make an earlier revision current again, as a new revision (history is never rewritten)."""
        old, _ = self.load(draft_id, number)
        return self.save(draft_id, old, base, author, note=f"restored revision {number}")

    def archive(self, draft_id: str, archived: bool = True) -> None:
        """Hide a draft from the list without deleting anything."""
        with self._session() as s, s.begin():
            s.execute(update(DraftRow).where(DraftRow.id == draft_id).values(archived=archived))

    def delete(self, draft_id: str) -> None:
        """Erase a draft and every revision (for retention limits and erasure requests).

        Only archived drafts can be deleted, so one click can never destroy live work.
        """
        with self._session() as s, s.begin():
            row = s.get(DraftRow, draft_id)
            if row is None:
                raise PiaError(f"no saved draft {draft_id!r}")
            if not row.archived:
                raise PiaError("archive the draft before deleting it")
            s.execute(delete(RevisionRow).where(RevisionRow.draft_id == draft_id))
            s.execute(delete(DraftRow).where(DraftRow.id == draft_id))
        self._wipe_deleted()

    def _wipe_deleted(self) -> None:
        """Make the deleted text unreadable from the database files, not just from pia.

        SQLite: secure_delete (set on every connection) zeroes the freed rows and
        pages, but the write-ahead log still holds the pages as they were; a
        TRUNCATE checkpoint copies the zeroed pages into the database and empties
        the log. PostgreSQL: a DELETE only marks rows dead, and plain VACUUM leaves
        their bytes in the pages' free space; VACUUM FULL rewrites both tables into
        new files (it briefly locks them, and cannot run inside a transaction).
        What neither can reach: PostgreSQL's own WAL, archives, replicas and backups.
        """
        try:
            if self.engine.dialect.name == "sqlite":
                raw = self.engine.raw_connection()
                try:
                    cur = raw.cursor()
                    busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                    cur.close()
                finally:
                    raw.close()
                if busy:
                    raise StoreError(
                        f"the draft was deleted, but the draft database {self.safe_url} was busy, so its text "
                        "may remain in the write-ahead log until the next checkpoint; delete another draft "
                        "or restart pia to finish erasing it")
            elif self.engine.dialect.name == "postgresql":
                with self.engine.connect() as c:
                    c = c.execution_options(isolation_level="AUTOCOMMIT")
                    c.exec_driver_sql(f'VACUUM FULL "{RevisionRow.__tablename__}", "{DraftRow.__tablename__}"')
        except SQLAlchemyError as exc:
            raise StoreError(f"the draft was deleted, but erasing its text from {self.safe_url} failed: "
                             f"{_reason(exc)}") from exc

    # --- reading -------------------------------------------------------------------

    def draft(self, draft_id: str) -> DraftInfo:
        with self._session() as s:
            row = s.get(DraftRow, draft_id)
            if row is None:
                raise PiaError(f"no saved draft {draft_id!r}")
            return _draft_info(row)

    def drafts(self, include_archived: bool = False) -> list[DraftInfo]:
        """Newest first."""
        with self._session() as s:
            stmt = select(DraftRow).order_by(DraftRow.updated_at.desc(), DraftRow.id)
            if not include_archived:
                stmt = stmt.where(DraftRow.archived.is_(False))
            return [_draft_info(r) for r in s.execute(stmt).scalars()]

    def load(self, draft_id: str, number: int | None = None) -> tuple[AnswerSet, RevisionInfo]:
        """The answers of a revision (the newest when `number` is None)."""
        with self._session() as s:
            stmt = select(RevisionRow).where(RevisionRow.draft_id == draft_id)
            if number is None:
                stmt = stmt.order_by(RevisionRow.number.desc()).limit(1)
            else:
                stmt = stmt.where(RevisionRow.number == number)
            row = s.execute(stmt).scalar_one_or_none()
            if row is None:
                what = f"revision {number} of draft" if number is not None else "draft"
                raise PiaError(f"no saved {what} {draft_id!r}")
            answers, _ = loads(row.content, f"draft {draft_id} revision {row.number}")
            return answers, _rev_info(row)

    def content(self, draft_id: str, number: int, q: Questionnaire | None = None) -> str:
        """The answers file (YAML) of a revision, for download."""
        answers, _ = self.load(draft_id, number)
        return dumps(answers, q)

    def history(self, draft_id: str) -> list[RevisionInfo]:
        """Every revision, newest first."""
        with self._session() as s:
            rows = s.execute(select(RevisionRow).where(RevisionRow.draft_id == draft_id)
                             .order_by(RevisionRow.number.desc())).scalars()
            return [_rev_info(r) for r in rows]

    def count(self) -> int:
        with self._session() as s:
            return s.execute(select(func.count()).select_from(DraftRow)).scalar_one()

    # --- helpers -------------------------------------------------------------------

    def _head_in(self, s: Session, draft_id: str) -> RevisionInfo:
        row = s.execute(select(RevisionRow).where(RevisionRow.draft_id == draft_id)
                        .order_by(RevisionRow.number.desc()).limit(1)).scalar_one()
        return _rev_info(row)

    def _session(self) -> Session:
        return _GuardedSession(self.engine, expire_on_commit=False, safe_url=self.safe_url)


class _GuardedSession(Session):
    """A session whose database failures become one readable StoreError."""

    def __init__(self, *args: object, safe_url: str, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._safe_url = safe_url

    def __exit__(self, type_: object, value: object, traceback: object) -> None:
        super().__exit__(type_, value, traceback)
        if isinstance(value, SQLAlchemyError) and not isinstance(value, IntegrityError):
            raise StoreError(f"the draft database {self._safe_url} failed: {_reason(value)}") from value


def _serialise(answers: AnswerSet, q: Questionnaire | None) -> str:
    """Compact canonical JSON, refused above the limit that `load` applies to this same text.

    One size rule for upload, save and reopen: a draft the store accepts can
    always be opened again, so nothing is ever saved that cannot be read back.
    """
    text = json.dumps(answers.to_dict(q), ensure_ascii=False, separators=(",", ":")) + "\n"
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_ANSWERS_BYTES:
        raise PiaError(
            f"this draft is larger than the {MAX_ANSWERS_BYTES // 2**20} MB limit when saved ({size:,} bytes as "
            f"stored, the limit is {MAX_ANSWERS_BYTES:,}), so it was not saved; shorten long answers or remove "
            "group rows")
    return text


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return " ".join(str(orig or exc).split())[:300]


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite file readable by its owner only (0600), in folders pia creates 0700.

    SQLite itself would create the file with the umask's mode (typically 0644,
    readable by every local user), and its -wal and -shm files copy the
    database file's mode, so the mode is set here, before SQLite opens it,
    independent of the umask. An existing database file of this user that
    others can read (pia 0.1.0 made them 0644) is made private too, with its
    -wal and -shm files; folders pia did not create are left as they are.
    """
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        return   # create_engine reports the bad URL
    db = parsed.database
    if parsed.get_backend_name() != "sqlite" or not db or db == ":memory:" or db.startswith("file:"):
        return
    path = Path(db).expanduser()
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue   # another process made it first
        folder.chmod(0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        _tighten(path)
        return
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _tighten(path: Path) -> None:
    """Take group and other access away from this user's existing database files (not through links)."""
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            st = f.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and st.st_mode & 0o077:
            f.chmod(stat.S_IMODE(st.st_mode) & 0o700)


def _make_engine(url: str) -> Engine:
    try:
        _private_sqlite_file(url)
    except OSError as exc:
        raise StoreError(f"cannot create the draft database: {exc.strerror}: {exc.filename}") from exc
    kwargs: dict[str, object] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"timeout": 15, "check_same_thread": False}}
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot use database URL: {_reason(exc)}") from exc
    if url.startswith("sqlite"):
        # pysqlite's own transaction handling defers the write lock, so two
        # writers could both read the same head and one would then fail with
        # "database is locked". BEGIN IMMEDIATE takes the lock up front, which
        # turns the race into a clean Conflict (SQLAlchemy's documented recipe).
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")   # deleted drafts are zeroed, not just unlinked
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    return engine
