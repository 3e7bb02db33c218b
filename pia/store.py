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

Who may do what is enforced here, not only hidden in the app (see
pia.signoff.roles): a Store opened with ``user="alice"`` acts as that login
identity and refuses, with a one-line :class:`~pia.signoff.roles.Forbidden`,
anything alice's roles on a draft do not allow. A Store opened without a user
is in *single-user mode*: it acts as the identity ``local``, which holds every
role on every draft; that is what the app uses when no login is configured,
and what every caller written before roles existed gets. Every change, review,
decision and export is written to the append-only audit log in the same
transaction as the change itself.
"""

from __future__ import annotations

import copy
import json
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from .answers import AnswerSet, dumps, loads
from .dbschema import (
    MAX_AUTHOR,
    MAX_NOTE,
    MAX_TITLE,
    SCHEMA_VERSION,
    AuditRow,
    Base,
    DraftRow,
    MetaRow,
    RevisionRow,
    RoleRow,
    install_triggers,
)
from .errors import PiaError
from .model import Questionnaire
from .signoff.audit import digest
from .signoff.roles import (
    AUTHOR,
    GRANTABLE,
    LOCAL,
    LOGIN,
    OWNER,
    ROLES,
    SINGLE_USER,
    Forbidden,
    check_identity,
    may,
    refusal,
)
from .signoff.workflow import SignoffMixin
from .yamlio import MAX_ANSWERS_BYTES

__all__ = ["Base", "Conflict", "DraftInfo", "DraftRow", "Forbidden", "RevisionInfo", "RevisionRow", "Store",
           "StoreError", "default_url", "MAX_AUTHOR", "MAX_NOTE", "MAX_TITLE"]


def default_url() -> str:
    """PIA_DATABASE_URL, else a SQLite file in the user's data folder (XDG)."""
    url = os.environ.get("PIA_DATABASE_URL")
    if url:
        return url
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'pia' / 'drafts.db'}"


def utcnow() -> datetime:
    return datetime.now(UTC)


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


class Store(SignoffMixin):
    """The one place that reads and writes drafts, and decides who may."""

    def __init__(self, url: str | None = None, clock: Callable[[], datetime] = utcnow, engine: Engine | None = None,
                 *, user: str | None = None, signing_key: Any = None):
        self.url = url or default_url()
        self.clock = clock
        self.engine = engine or _make_engine(self.url)
        self.signing_key = signing_key   # an Ed25519PrivateKey (pia.signoff.signing), or None: no approvals
        self.identity = LOCAL if user is None else check_identity(user)
        self.mode = SINGLE_USER if user is None else LOGIN
        try:
            Base.metadata.create_all(self.engine)
            self._migrate()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the draft database {self.safe_url}: {_reason(exc)}") from exc

    def as_user(self, user: str) -> Store:
        """The same database, acting as the login identity `user` (cheap: no connection, no migration)."""
        other = copy.copy(self)
        other.identity = check_identity(user)
        other.mode = LOGIN
        return other

    @property
    def single_user(self) -> bool:
        return self.mode == SINGLE_USER

    def _migrate(self) -> None:
        """Bring a database made by an older pia up to SCHEMA_VERSION, without touching what it holds.

        0.1.0 databases have drafts and revisions only. Their drafts get the
        single-user identity as owner (nobody could log in then), so nothing is
        lost in single-user mode and a deployment turning on logins hands each
        draft over with :meth:`transfer_owner`. Idempotent; concurrent openers
        are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock).
        """
        now = self.clock()
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(74210001)")
            version = conn.execute(select(MetaRow.value).where(MetaRow.key == "schema_version")).scalar()
            if version == str(SCHEMA_VERSION):
                return
            install_triggers(conn)
            owned = select(RoleRow.draft_id).where(RoleRow.role == OWNER)
            orphans = conn.execute(select(DraftRow.id).where(DraftRow.id.not_in(owned))).scalars().all()
            for did in orphans:
                for role in (OWNER, AUTHOR):
                    conn.execute(RoleRow.__table__.insert().values(
                        draft_id=did, identity=LOCAL, role=role, granted_by=LOCAL, granted_at=now))
                detail = json.dumps({"schema": SCHEMA_VERSION, "owner": LOCAL}, sort_keys=True)
                conn.execute(AuditRow.__table__.insert().values(
                    at=now, draft_id=did, actor=LOCAL, mode=SINGLE_USER, action="migrated", revision=None,
                    detail=detail, prev="", sha256=digest("", now, did, LOCAL, SINGLE_USER, "migrated", None, detail)))
            conn.execute(delete(MetaRow).where(MetaRow.key == "schema_version"))
            conn.execute(MetaRow.__table__.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    # --- roles -----------------------------------------------------------------------

    def _roles_in(self, s: Session, draft_id: str) -> frozenset[str]:
        if self.single_user:
            return frozenset(ROLES)
        return frozenset(s.execute(select(RoleRow.role).where(
            RoleRow.draft_id == draft_id, RoleRow.identity == self.identity)).scalars())

    def _require(self, s: Session, draft_id: str, action: str) -> DraftRow:
        """The draft's row, if it exists and the acting identity may do `action` to it; else a one-line refusal.

        Every action but reading writes (at least its audit entry), so it locks the
        draft's row first (PostgreSQL: FOR NO KEY UPDATE; SQLite's BEGIN IMMEDIATE
        already serialises writers). Locking before anything is inserted matters:
        an insert that refers to the draft takes a share lock on it, and two
        writers each holding one and then asking for the row lock deadlock.
        """
        stmt = select(DraftRow).where(DraftRow.id == draft_id)
        if action != "read":
            stmt = stmt.with_for_update(key_share=True)   # PostgreSQL: FOR NO KEY UPDATE
        row = s.execute(stmt).scalar_one_or_none()
        if row is None:
            raise PiaError(f"no saved draft {draft_id!r}")
        roles = self._roles_in(s, draft_id)
        if not may(action, roles):
            raise refusal(self.identity, action, roles, draft_id)
        return row

    def my_roles(self, draft_id: str) -> frozenset[str]:
        """The acting identity's roles on a draft (every role in single-user mode): what the UI may offer."""
        with self._session() as s:
            if s.get(DraftRow, draft_id) is None:
                raise PiaError(f"no saved draft {draft_id!r}")
            return self._roles_in(s, draft_id)

    def roles(self, draft_id: str) -> list[tuple[str, str, str, datetime]]:
        """(identity, role, granted by, granted at) of everyone with a role on the draft."""
        with self._session() as s:
            self._require(s, draft_id, "read")
            rows = s.execute(select(RoleRow).where(RoleRow.draft_id == draft_id)
                             .order_by(RoleRow.identity, RoleRow.role)).scalars()
            return [(r.identity, r.role, r.granted_by, _aware(r.granted_at)) for r in rows]

    def grant(self, draft_id: str, identity: str, role: str) -> None:
        """Give `identity` a role on the draft (owner only). An author is never made its approver."""
        who = check_identity(identity)
        if role not in GRANTABLE:
            raise PiaError(f"unknown role {role!r}; grant one of {', '.join(GRANTABLE)}")
        now = self.clock()
        with self._session() as s, s.begin():
            self._require(s, draft_id, "grant")
            theirs = set(s.execute(select(RoleRow.role).where(
                RoleRow.draft_id == draft_id, RoleRow.identity == who)).scalars())
            if role == "approver" and (theirs & {OWNER, AUTHOR} or self._wrote(s, draft_id, who)):
                raise Forbidden(f"{who} cannot be made approver of draft {draft_id}: {who} is an author of it, "
                                "and an author cannot approve their own assessment")
            if role == AUTHOR and "approver" in theirs:
                raise Forbidden(f"{who} cannot be made author of draft {draft_id}: {who} is its approver, "
                                "and an author cannot approve their own assessment; revoke the approver role first")
            if role in theirs:
                return
            s.add(RoleRow(draft_id=draft_id, identity=who, role=role, granted_by=self.identity, granted_at=now))
            self._audit(s, draft_id, "granted", None, {"identity": who, "role": role}, at=now)

    def revoke(self, draft_id: str, identity: str, role: str) -> None:
        """Take a role away (owner only); ownership itself moves only with transfer_owner."""
        who = check_identity(identity) if identity != LOCAL else LOCAL
        if role not in GRANTABLE:
            raise PiaError(f"role {role!r} cannot be revoked; revoke one of {', '.join(GRANTABLE)}")
        with self._session() as s, s.begin():
            self._require(s, draft_id, "grant")
            if role == AUTHOR and s.get(RoleRow, (draft_id, who, OWNER)) is not None:
                raise Forbidden(f"{who} owns draft {draft_id}; the owner stays an author")
            done = s.execute(delete(RoleRow).where(RoleRow.draft_id == draft_id, RoleRow.identity == who,
                                                   RoleRow.role == role))
            if done.rowcount:
                self._audit(s, draft_id, "revoked", None, {"identity": who, "role": role})

    def transfer_owner(self, draft_id: str, identity: str) -> None:
        """Hand a draft to another identity, who becomes owner and author (owner only).

        How a deployment that turns on logins gives each old draft (owned by
        ``local``) to its real author: run this in single-user mode.
        """
        who = check_identity(identity)
        with self._session() as s, s.begin():
            self._require(s, draft_id, "grant")
            if s.get(RoleRow, (draft_id, who, "approver")) is not None:
                raise Forbidden(f"{who} is the approver of draft {draft_id}; an author cannot approve their own "
                                "assessment, so revoke the approver role first")
            s.execute(delete(RoleRow).where(RoleRow.draft_id == draft_id, RoleRow.role == OWNER))
            for role in (OWNER, AUTHOR):
                if s.get(RoleRow, (draft_id, who, role)) is None:
                    s.add(RoleRow(draft_id=draft_id, identity=who, role=role, granted_by=self.identity,
                                  granted_at=self.clock()))
            self._audit(s, draft_id, "owner_changed", None, {"identity": who})

    def _wrote(self, s: Session, draft_id: str, identity: str) -> bool:
        """Did `identity` create or save any revision of the draft (according to the audit log)?"""
        return s.execute(select(AuditRow.id).where(
            AuditRow.draft_id == draft_id, AuditRow.actor == identity,
            AuditRow.action.in_(("created", "saved"))).limit(1)).first() is not None

    def _chain_head(self, s: Session, draft_id: str) -> str:
        """The digest of the draft's newest audit entry, with the draft locked so no other writer extends the chain.

        SQLite needs no lock here (BEGIN IMMEDIATE already serialises writers);
        on PostgreSQL the draft's row is locked until the transaction ends.
        """
        if s.get_bind().dialect.name == "postgresql":   # normally held already, since _require
            s.execute(select(DraftRow.id).where(DraftRow.id == draft_id).with_for_update(key_share=True))
        return s.execute(select(AuditRow.sha256).where(AuditRow.draft_id == draft_id)
                         .order_by(AuditRow.id.desc()).limit(1)).scalar() or ""

    def _audit(self, s: Session, draft_id: str, action: str, revision: int | None,
               detail: dict[str, Any] | None = None, at: datetime | None = None) -> None:
        """One audit entry, chained to the draft's previous one, in the caller's transaction."""
        at = (at or self.clock()).astimezone(UTC)   # SQLite keeps no offset: store UTC so the digest reads back
        text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
        prev = self._chain_head(s, draft_id)
        s.add(AuditRow(at=at, draft_id=draft_id, actor=self.identity, mode=self.mode, action=action,
                       revision=revision, detail=text, prev=prev,
                       sha256=digest(prev, at, draft_id, self.identity, self.mode, action, revision, text)))

    # --- writing -------------------------------------------------------------------

    def create(self, answers: AnswerSet, author: str = "", note: str = "created",
               q: Questionnaire | None = None, draft_id: str | None = None) -> DraftInfo:
        """A new draft whose revision 1 holds `answers`; the acting identity owns it."""
        now = self.clock()
        did = draft_id or str(uuid.uuid4())
        content = _serialise(answers, q)
        sha = answers.sha256(q)
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
                              note=_clip(note, MAX_NOTE), sha256=sha, content=content))
            for role in (OWNER, AUTHOR):
                s.add(RoleRow(draft_id=did, identity=self.identity, role=role, granted_by=self.identity,
                              granted_at=now))
            self._audit(s, did, "created", 1, {"sha256": sha}, at=now)
        return self.draft(did)

    def save(self, draft_id: str, answers: AnswerSet, base: int, author: str = "", note: str = "",
             q: Questionnaire | None = None) -> int:
        """Store `answers` as the next revision if `base` is still the newest; return the head.

        Saving unchanged content is a no-op (autosave after every click would
        otherwise flood the history). A stale `base` raises Conflict. Only an
        author (or the owner) may save; a signed decision on an earlier
        revision stays as it was and becomes stale (see signoff_state).
        """
        sha = answers.sha256(q)
        now = self.clock()
        with self._session() as s, s.begin():
            self._require(s, draft_id, "edit")
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
            # No typed name or note here: the audit log outlives an erased draft and keeps none of its text.
            self._audit(s, draft_id, "saved", base + 1, {"sha256": sha}, at=now)
        return base + 1

    def restore(self, draft_id: str, number: int, base: int, author: str = "") -> int:
        """Make an earlier revision current again, as a new revision (history is never rewritten)."""
        old, _ = self.load(draft_id, number)
        return self.save(draft_id, old, base, author, note=f"restored revision {number}")

    def archive(self, draft_id: str, archived: bool = True) -> None:
        """Hide a draft from the list without deleting anything (owner only)."""
        with self._session() as s, s.begin():
            self._require(s, draft_id, "archive")
            s.execute(update(DraftRow).where(DraftRow.id == draft_id).values(archived=archived))
            self._audit(s, draft_id, "archived" if archived else "unarchived", None)

    def delete(self, draft_id: str) -> None:
        """Erase a draft, every revision, review, comment and record (owner only; retention and erasure).

        Only archived drafts can be deleted, so one click can never destroy live
        work. The audit log keeps that it existed and who erased it, and no text of it.
        """
        with self._session() as s, s.begin():
            row = self._require(s, draft_id, "delete")
            if not row.archived:
                raise PiaError("archive the draft before deleting it")
            self._audit(s, draft_id, "deleted", row.head)
            for table in self._draft_tables():
                s.execute(delete(table).where(table.draft_id == draft_id))
            s.execute(delete(DraftRow).where(DraftRow.id == draft_id))
        self._wipe_deleted()

    @staticmethod
    def _draft_tables() -> tuple[Any, ...]:
        from .dbschema import CommentRow, RecordRow, ReviewRow

        return (RevisionRow, RoleRow, ReviewRow, CommentRow, RecordRow)

    def _wipe_deleted(self) -> None:
        """Make the deleted text unreadable from the database files, not just from pia.

        SQLite: secure_delete (set on every connection) zeroes the freed rows and
        pages, but the write-ahead log still holds the pages as they were; a
        TRUNCATE checkpoint copies the zeroed pages into the database and empties
        the log. PostgreSQL: a DELETE only marks rows dead, and plain VACUUM leaves
        their bytes in the pages' free space; VACUUM FULL rewrites the tables that
        hold draft text into new files (it briefly locks them, and cannot run
        inside a transaction). What neither can reach: PostgreSQL's own WAL,
        archives, replicas and backups.
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
                tables = ", ".join(f'"{t.__tablename__}"' for t in (*self._draft_tables(), DraftRow))
                with self.engine.connect() as c:
                    c = c.execution_options(isolation_level="AUTOCOMMIT")
                    c.exec_driver_sql(f"VACUUM FULL {tables}")
        except SQLAlchemyError as exc:
            raise StoreError(f"the draft was deleted, but erasing its text from {self.safe_url} failed: "
                             f"{_reason(exc)}") from exc

    # --- reading -------------------------------------------------------------------

    def draft(self, draft_id: str) -> DraftInfo:
        with self._session() as s:
            return _draft_info(self._require(s, draft_id, "read"))

    def drafts(self, include_archived: bool = False) -> list[DraftInfo]:
        """Newest first; in login mode only the drafts the identity has a role on."""
        with self._session() as s:
            stmt = select(DraftRow).order_by(DraftRow.updated_at.desc(), DraftRow.id)
            if not include_archived:
                stmt = stmt.where(DraftRow.archived.is_(False))
            if not self.single_user:
                stmt = stmt.where(DraftRow.id.in_(select(RoleRow.draft_id).where(RoleRow.identity == self.identity)))
            return [_draft_info(r) for r in s.execute(stmt).scalars()]

    def load(self, draft_id: str, number: int | None = None) -> tuple[AnswerSet, RevisionInfo]:
        """The answers of a revision (the newest when `number` is None)."""
        with self._session() as s:
            self._require(s, draft_id, "read")
            return self._load_in(s, draft_id, number)

    def _load_in(self, s: Session, draft_id: str, number: int | None = None) -> tuple[AnswerSet, RevisionInfo]:
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
        """Every revision, newest first (empty for a draft that does not exist, e.g. after erasure)."""
        with self._session() as s:
            if s.get(DraftRow, draft_id) is not None:
                self._require(s, draft_id, "read")
            rows = s.execute(select(RevisionRow).where(RevisionRow.draft_id == draft_id)
                             .order_by(RevisionRow.number.desc())).scalars()
            return [_rev_info(r) for r in rows]

    def count(self) -> int:
        """How many drafts there are (in login mode: that the identity can see)."""
        if not self.single_user:
            return len(self.drafts(include_archived=True))
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
