"""The draft database's tables, and the triggers that keep the record append-only.

Drafts and revisions are as in pia 0.1.0 (the same names and columns, so an
old database opens unchanged). Version 2 adds tables only, never a column:
roles per draft, review marks, comment threads, formal records (the DPO's
advice, the consultation, the approver's decision) and the audit log. Adding
tables is the one schema change SQLite and PostgreSQL both make safely from
``create_all``; what an old database lacks is filled in by
:func:`pia.store.Store._migrate` (every old draft gets the single-user
identity as its owner).

Review marks, comments, records and the audit log are written once: a
database trigger refuses any UPDATE of them, and any DELETE of the audit log.
Deleting a draft (erasure) removes its review rows, comments and records with
it, but never its audit entries, which hold no answer text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 2
MAX_AUTHOR = 200
MAX_NOTE = 500
MAX_TITLE = 500
MAX_IDENTITY = 200


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


class MetaRow(Base):
    """Key/value facts about the database itself (its schema version)."""

    __tablename__ = "pia_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class RoleRow(Base):
    """One identity's role on one draft ('owner' is the creator, who also holds 'author')."""

    __tablename__ = "pia_roles"
    __table_args__ = (PrimaryKeyConstraint("draft_id", "identity", "role"),)
    draft_id: Mapped[str] = mapped_column(String(36), ForeignKey("pia_drafts.id", ondelete="CASCADE"))
    identity: Mapped[str] = mapped_column(String(MAX_IDENTITY))
    role: Mapped[str] = mapped_column(String(20))
    granted_by: Mapped[str] = mapped_column(String(MAX_IDENTITY))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_pia_roles_identity", RoleRow.identity)


class ReviewRow(Base):
    """A reviewer's mark on a section at a revision; a later mark supersedes, none is changed."""

    __tablename__ = "pia_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(String(36), ForeignKey("pia_drafts.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(80))
    mark: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(MAX_IDENTITY))


class CommentRow(Base):
    """One entry in a thread on a question: a comment, a reply, a resolution or a reopening."""

    __tablename__ = "pia_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(String(36), ForeignKey("pia_drafts.id", ondelete="CASCADE"), index=True)
    thread: Mapped[int | None] = mapped_column(Integer, nullable=True)   # None: this entry starts the thread
    question: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(MAX_IDENTITY))


class RecordRow(Base):
    """A formal record (DPO advice and response, consultation, decision), locked when written."""

    __tablename__ = "pia_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(String(36), ForeignKey("pia_drafts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(MAX_IDENTITY))
    body: Mapped[str] = mapped_column(Text)          # canonical JSON of the record's fields
    sha256: Mapped[str] = mapped_column(String(64))  # of `body`
    signature: Mapped[str] = mapped_column(Text, default="")   # base64 Ed25519 over `body` (decisions)
    key_id: Mapped[str] = mapped_column(String(64), default="")


class AuditRow(Base):
    """Who did what to which draft, when. No foreign key: entries outlive an erased draft."""

    __tablename__ = "pia_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    draft_id: Mapped[str] = mapped_column(String(36), index=True)
    actor: Mapped[str] = mapped_column(String(MAX_IDENTITY))
    mode: Mapped[str] = mapped_column(String(20))    # 'single-user' or 'login'
    action: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")   # small JSON: ids, marks, digests; never answer text
    prev: Mapped[str] = mapped_column(String(64), default="")   # sha256 of the draft's previous entry ("" first)
    sha256: Mapped[str] = mapped_column(String(64), default="")  # of prev and this entry (pia.signoff.audit.digest)


WRITE_ONCE = ("pia_review", "pia_comments", "pia_records", "pia_audit")
NO_DELETE = ("pia_audit",)


def install_triggers(conn: Connection) -> None:
    """Refuse UPDATE of write-once tables and DELETE of the audit log, in the database itself."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        for table in WRITE_ONCE:
            ops = ("UPDATE", "DELETE") if table in NO_DELETE else ("UPDATE",)
            for op in ops:
                conn.exec_driver_sql(
                    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END")
    elif dialect == "postgresql":
        conn.exec_driver_sql(
            "CREATE OR REPLACE FUNCTION pia_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '%% is append-only: %% refused', TG_TABLE_NAME, TG_OP; END $$")
        for table in WRITE_ONCE:
            ops = "UPDATE OR DELETE" if table in NO_DELETE else "UPDATE"
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            conn.exec_driver_sql(f"CREATE TRIGGER {table}_append_only BEFORE {ops} ON {table} "
                                 "FOR EACH ROW EXECUTE FUNCTION pia_refuse_change()")
        # TRUNCATE skips row triggers; the audit log refuses it with a statement trigger.
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS pia_audit_no_truncate ON pia_audit")
        conn.exec_driver_sql("CREATE TRIGGER pia_audit_no_truncate BEFORE TRUNCATE ON pia_audit "
                             "FOR EACH STATEMENT EXECUTE FUNCTION pia_refuse_change()")
