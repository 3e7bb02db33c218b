"""The audit log as plain data and as text: who did what, to which draft, on which revision, when.

Entries are written by the store in the same transaction as the change they
describe, so there is never a change without its entry nor an entry without
its change. The table is append-only (a database trigger refuses UPDATE and
DELETE). Details hold ids, marks and digests, never answer text, so erasing
a draft's text leaves the log intact and harmless.

Each draft's entries form a hash chain: an entry's SHA-256 covers the previous
entry's SHA-256 and its own fields, and a signed decision records the chain's
head when it was made. A trigger stops pia and stray SQL; the chain is what
shows a rewrite by someone who dropped the trigger: changing, removing or
inserting an entry before a signed decision breaks the link to the head that
the decision signed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


def digest(prev: str, at: datetime, draft_id: str, actor: str, mode: str, action: str, revision: int | None,
           detail: str) -> str:
    """The chain link: SHA-256 of the previous entry's digest and this entry's fields, as canonical JSON."""
    fields = [prev, at.astimezone(UTC).isoformat(), draft_id, actor, mode, action, revision, detail]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    draft_id: str
    actor: str
    mode: str              # single-user / login
    action: str
    revision: int | None
    detail: dict[str, Any]
    prev: str = ""
    sha256: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for the full report and for exports."""
        return {"id": self.id, "at": self.at.isoformat(), "draft_id": self.draft_id, "actor": self.actor,
                "mode": self.mode, "action": self.action, "revision": self.revision, "detail": self.detail,
                "sha256": self.sha256}

    def line(self) -> str:
        rev = f" r{self.revision}" if self.revision is not None else ""
        detail = " ".join(f"{k}={_short(v)}" for k, v in sorted(self.detail.items()))
        who = self.actor + (" (single-user)" if self.mode == "single-user" else "")
        return f"{self.at:%Y-%m-%d %H:%M:%S}Z  {who:<22} {self.action:<16}{rev:<5} {detail}".rstrip()


def _short(v: Any) -> str:
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)
    s = " ".join(s.split())
    return s if len(s) <= 70 else s[:67] + "..."


def as_text(entries: list[AuditEntry]) -> str:
    """The log as lines, oldest first: what the History page and an auditor read."""
    return "".join(e.line() + "\n" for e in entries)


@dataclass(frozen=True)
class ChainCheck:
    """Whether one draft's audit log is the unbroken chain it was written as."""

    ok: bool
    entries: int
    problem: str = ""            # the first break, in words ("" when ok)
    signed_heads_found: int = 0  # how many heads signed into decisions lie on the chain


def check_chain(entries: list[AuditEntry], raw_details: list[str], signed_heads: list[str]) -> ChainCheck:
    """Recompute every link; each head a decision signed must be an entry's digest, before that decision."""
    prev = ""
    seen = {""}
    for e, detail in zip(entries, raw_details, strict=True):
        if e.prev != prev:
            return ChainCheck(False, len(entries), f"entry {e.id} ({e.action}) does not follow entry before it "
                                                   "(an entry was removed or inserted)")
        if digest(e.prev, e.at, e.draft_id, e.actor, e.mode, e.action, e.revision, detail) != e.sha256:
            return ChainCheck(False, len(entries), f"entry {e.id} ({e.action}) was changed after it was written")
        prev = e.sha256
        seen.add(prev)
    missing = [h for h in signed_heads if h not in seen]
    if missing:
        return ChainCheck(False, len(entries), f"the log a decision signed (head {missing[0][:16]}) is not "
                                               "this log: entries before that decision were rewritten")
    return ChainCheck(True, len(entries), "", len(signed_heads))
