"""The audit log as plain data and as text: who did what, to which draft, on which revision, when.

Entries are written by the store in the same transaction as the change they
describe, so there is never a change without its entry nor an entry without
its change. The table is append-only (a database trigger refuses UPDATE and
DELETE). Details hold ids, marks and digests, never answer text, so erasing
a draft's text leaves the log intact and harmless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any


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

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for the full report and for exports."""
        return {"id": self.id, "at": self.at.isoformat(), "draft_id": self.draft_id, "actor": self.actor,
                "mode": self.mode, "action": self.action, "revision": self.revision, "detail": self.detail}

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
