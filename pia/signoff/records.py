"""What the review and sign-off produce, as plain frozen data the app, CLI and reports read.

Ids (marks, kinds, statuses) are stable words; their labels for people live
in pia.wording under ``review.*``, ``signoff.*`` and ``dpo.*``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ACCEPTABLE, IMPROVABLE, TO_CORRECT = "acceptable", "improvable", "to_correct"
MARKS: tuple[str, ...] = (ACCEPTABLE, IMPROVABLE, TO_CORRECT)
NOT_REVIEWED = "not_reviewed"

COMMENT, RESOLVED, REOPENED = "comment", "resolved", "reopened"

DPO_ADVICE, DPO_RESPONSE, CONSULTATION, DECISION = "dpo_advice", "dpo_response", "consultation", "decision"
RECORD_KINDS: tuple[str, ...] = (DPO_ADVICE, DPO_RESPONSE, CONSULTATION, DECISION)
FOLLOWED, PARTLY_FOLLOWED, OVERRULED = "followed", "partly_followed", "overruled"
DPO_RESPONSES: tuple[str, ...] = (FOLLOWED, PARTLY_FOLLOWED, OVERRULED)
APPROVED, REJECTED = "approved", "rejected"

# Sign-off status of a draft as a whole.
UNSIGNED, SIGNED, STALE = "none", "approved", "stale"

# The attestations an approver signs against (after CNIL's validation step); ids are stable.
ATTESTATIONS: tuple[str, ...] = (
    "read_full_assessment",     # I have read the whole assessment and the evidence it names
    "dpo_advice_considered",    # the DPO's advice is recorded and was considered
    "consultation_considered",  # what the public said is recorded and was considered
    "safeguards_owned",         # each safeguard in the action plan has an owner and a date
    "authority_to_decide",      # I have the authority to take this decision
)

MAX_TEXT = 20_000


@dataclass(frozen=True)
class Mark:
    section: str
    mark: str
    comment: str
    revision: int
    at: datetime
    by: str


@dataclass(frozen=True)
class SectionReview:
    """A section's current review status: its newest mark, and whether the section changed since."""

    section: str
    status: str                 # acceptable / improvable / to_correct / not_reviewed
    mark: Mark | None
    changed_since: bool         # answers of this section differ between the marked revision and the head
    history: tuple[Mark, ...] = ()


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str                   # comment / resolved / reopened
    body: str
    revision: int
    at: datetime
    by: str


@dataclass(frozen=True)
class Thread:
    """Comments on one question, oldest first; open until an author resolves it."""

    id: int
    question: str
    entries: tuple[Entry, ...]

    @property
    def resolved(self) -> bool:
        return self.entries[-1].kind == RESOLVED

    @property
    def started_by(self) -> str:
        return self.entries[0].by


@dataclass(frozen=True)
class Record:
    """A formal record as written (and, for decisions, signed). Never changed afterwards."""

    id: int
    kind: str
    revision: int
    at: datetime
    by: str
    fields: dict[str, Any]
    sha256: str
    signature: str = ""
    key_id: str = ""


@dataclass(frozen=True)
class SignoffState:
    """Where the sign-off stands for the draft's newest revision (what the UI shows as a badge)."""

    status: str                         # none / approved / rejected / stale
    head: int
    decision: Record | None             # the newest decision, if any
    changed: tuple[str, ...] = ()       # question ids (and meta keys as "meta.x") changed since the decision
    open_threads: int = 0
    to_correct: tuple[str, ...] = ()    # sections whose current mark is "to correct"
    notes: tuple[str, ...] = field(default_factory=tuple)
