"""Answer sets for the engine fixture instrument (tests/fixtures/engine/engine.yaml)."""

from __future__ import annotations

from typing import Any

from pia.answers import AnswerSet

# Everything known, lowest risk, no red flag: the starting point of most cases.
CLEAN: dict[str, Any] = {
    "jurisdiction": "eu",
    "technologies": ["cctv"],
    "law_enforcement": "no",
    "at_assemblies": "no",
    "legal_basis": "statute",
    "dpia_done": "yes",
    "coverage": "site",
    "use_frequency": "rarely",
    "retention_days": 7,
    "children_present": "no",
    "federal_sharing": "no",
}


def answers(q: Any, drop: tuple[str, ...] = (), **changes: Any) -> AnswerSet:
    """CLEAN with some answers changed (None removes one) and some dropped."""
    values = dict(CLEAN)
    for key in drop:
        values.pop(key, None)
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return AnswerSet(q.id, q.version, {"title": "test"}, values)


def row(mitigation: str, state: str, **extra: str) -> dict[str, str]:
    out = {"mitigation": mitigation, "state": state}
    out.update(extra)
    return out


def verified(mitigation: str) -> dict[str, str]:
    return row(mitigation, "verified", owner="Data protection officer", due="2027-01-31", evidence="report.pdf",
               verified_by="Internal auditor", verified_on="2027-02-15")


def planned(mitigation: str) -> dict[str, str]:
    return row(mitigation, "planned", owner="IT department", due="2027-03-31")
