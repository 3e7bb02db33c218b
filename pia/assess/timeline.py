"""Law in time: does a duty bind on the assessment date, or only from a later date?

The instrument's anchor catalogue gives every legal source a status (binding,
soft law, local policy) and the dates it applies between. A red flag whose
binding basis applies only later (the AI Act's Annex III deployer duties from
2 Dec 2027) is not a stop today: it becomes a *dated obligation*, due by that
date if it falls within the planned operation. On or after the date it is a
stop as before.

The core has no clock. The assessment date is the answers' `meta.date`; with
none, the timing is unknown and a dated duty is shown both ways: kept as a
stop (the worst reading, as for any unknown) and listed as a dated obligation
saying when it would be one instead. Nothing here reads the system time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ..rules_model import Anchor, Obligation, RedFlag, Rulebook
from ..text import text
from ..wording import EN, long_date, outcome_label
from .models import AnchorState, DatedObligation

Kind = Literal["now", "later", "unknown", "lapsed"]


def iso_date(value: Any) -> date | None:
    """A YYYY-MM-DD text as a date; anything else (blank, `unknown`, a typo) is None."""
    if not isinstance(value, str) or len(value.strip()) != 10:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def in_force(anchor: Anchor, on: date) -> bool:
    """Whether the source applies on that day (both ends inclusive)."""
    return (anchor.applies_from is None or anchor.applies_from <= on) and (
        anchor.applies_until is None or on <= anchor.applies_until
    )


def undated(anchor: Anchor) -> bool:
    return anchor.applies_from is None and anchor.applies_until is None


def basis(anchors: Iterable[Anchor], profile: str | None) -> list[Anchor]:
    """The anchors that decide when a finding binds: the binding ones that apply here, else all that apply here.

    A flag resting only on soft law or local policy is a stop by the instrument's
    choice, so its own anchors' dates decide; once any binding source is cited,
    only binding sources do (guidance cannot bring a statutory duty forward).
    """
    here = [a for a in anchors if not a.jurisdictions or profile is None or profile in a.jurisdictions]
    binding = [a for a in here if a.status == "binding"]
    return binding or here


@dataclass(frozen=True)
class Timing:
    """When a finding binds, relative to the assessment date."""

    kind: Kind
    """now: binds on the date (or has no dates); later: binds from `applies_from`; unknown: no assessment
    date and the basis is dated; lapsed: every source of the basis ceased to apply before the date."""
    applies_from: date | None = None
    applies_until: date | None = None
    basis: tuple[Anchor, ...] = ()


def timing(anchors: Iterable[Anchor], on: date | None, profile: str | None) -> Timing:
    """Decide the timing of a finding from the anchors it cites."""
    b = basis(anchors, profile)
    if not b or any(undated(a) for a in b):
        return Timing("now", basis=tuple(b))
    if on is None:
        starts = [a.applies_from for a in b if a.applies_from is not None]
        return Timing("unknown", min(starts) if starts else None, basis=tuple(b))
    if any(in_force(a, on) for a in b):
        return Timing("now", basis=tuple(a for a in b if in_force(a, on)))
    later = [a for a in b if a.applies_from is not None and a.applies_from > on]
    if later:
        return Timing("later", min(a.applies_from for a in later if a.applies_from), basis=tuple(later))
    ends = [a.applies_until for a in b if a.applies_until is not None]
    return Timing("lapsed", applies_until=max(ends) if ends else None, basis=tuple(b))


class Timeline:
    """The assessment date, the planned operating period and the dated obligations of one run.

    The engine asks it, per red flag and per obligation, whether the finding is
    a current one; the ones that are not are recorded here and reach the
    Assessment as `dated_obligations`.
    """

    def __init__(self, rb: Rulebook, meta: Mapping[str, Any], answers: Mapping[str, Any], profile: str | None):
        self.catalogue: dict[str, Anchor] = {a.cite: a for a in rb.anchors}
        self.profile = profile
        self.on = iso_date(meta.get("date"))
        period = rb.operating_period
        self.start = iso_date(answers.get(period.start)) if period and period.start else None
        self.end = iso_date(answers.get(period.end)) if period and period.end else None
        self.dated: list[DatedObligation] = []
        self.cited: list[str] = []

    def timing_of(self, cites: Iterable[str]) -> Timing:
        known = [self.catalogue[c] for c in cites if c in self.catalogue]
        return timing(known, self.on, self.profile)

    def defer_flag(self, rf: RedFlag, status: bool | None, gaps: list[str], answers: dict[str, Any]) -> bool:
        """True when the flag is not a current stop on the assessment date (it is then a dated obligation).

        With no assessment date and a dated basis, the flag stays a stop (False)
        and is also listed as a dated obligation, so it is shown both ways.
        """
        self._cite(rf.anchors)
        t = self.timing_of(rf.anchors)
        if t.kind == "now":
            return False
        self.dated.append(self._record(
            id=rf.id, source="red_flag", title=rf.title, outcome=rf.outcome, t=t, anchors=rf.anchors,
            status="triggered" if status else "potential", clears=rf.clears, answers=answers, gaps=gaps,
        ))
        return t.kind != "unknown"

    def defer_obligation(self, o: Obligation, reason: str) -> bool:
        """True when an obligation entry's binding basis applies only later; it is then a dated obligation."""
        if not o.anchors:
            return False
        self._cite(o.anchors)
        t = self.timing_of(o.anchors)
        if t.kind == "now":
            return False
        self.dated.append(self._record(
            id=o.level, source="obligation", title=o.approver, outcome=None, t=t, anchors=o.anchors,
            status="triggered", clears=None, answers={}, gaps=[], because=reason,
        ))
        return t.kind != "unknown"

    def states(self) -> list[AnchorState]:
        """Status, dates and force on the assessment date of every catalogue anchor the findings cite."""
        out = []
        for cite in self.cited:
            a = self.catalogue[cite]
            out.append(AnchorState(
                id=a.id, cite=a.cite, status=a.status,
                applies_from=a.applies_from.isoformat() if a.applies_from else None,
                applies_until=a.applies_until.isoformat() if a.applies_until else None,
                jurisdictions=list(a.jurisdictions),
                in_force=None if self.on is None and not undated(a) else (undated(a) or in_force(a, self.on)),
            ))
        return out

    # internals ---------------------------------------------------------------------------------
    def _cite(self, cites: Iterable[str]) -> None:
        self.cited += [c for c in cites if c in self.catalogue and c not in self.cited]

    def _record(self, *, id: str, source: Literal["red_flag", "obligation"], title: Any, outcome: str | None,
                t: Timing, anchors: list[str], status: Literal["triggered", "potential"], clears: Any,
                answers: dict[str, Any], gaps: list[str], because: str | None = None) -> DatedObligation:
        start = t.applies_from
        within = None if start is None or t.kind != "later" else (self.end is None or start <= self.end)
        basis_cites = [a.cite for a in t.basis]
        return DatedObligation(
            id=id, source=source, title=title, outcome=outcome, status=status, timing=t.kind,
            applies_from=start.isoformat() if start else None,
            applies_until=t.applies_until.isoformat() if t.applies_until else None,
            due=start.isoformat() if start and t.kind in ("later", "unknown") and within is not False else None,
            within_period=within,
            assessment_date=self.on.isoformat() if self.on else None,
            anchors=list(anchors), basis=basis_cites,
            clears=clears, answers=answers, gap_questions=list(gaps),
            reason=self._reason(id, title, outcome, t, basis_cites, within, because),
        )

    def _reason(self, id: str, title: Any, outcome: str | None, t: Timing, basis_cites: list[str],
                within: bool | None, because: str | None) -> str:
        """The auditor's sentence: what the finding is, which law decides its timing, and when it binds."""
        what = EN["timing.what.flag" if outcome else "timing.what.obligation"].format(
            id=id, title=text(title), outcome=outcome_label(outcome) if outcome else "", because=because or "")
        fmt = {"what": what, "basis": "; ".join(basis_cites),
               "from": long_date(t.applies_from), "until": long_date(t.applies_until),
               "on": long_date(self.on), "end": long_date(self.end), "start": long_date(self.start)}
        if t.kind == "later":
            key = "timing.reason.later"
            if within is False:
                key = "timing.reason.after_period"
            elif self.start is not None and self.start >= t.applies_from:  # type: ignore[operator]
                key = "timing.reason.before_start"
            return EN[key].format(**fmt)
        if t.kind == "unknown":
            return EN["timing.reason.unknown" if t.applies_from else "timing.reason.unknown_until"].format(**fmt)
        return EN["timing.reason.lapsed"].format(**fmt)


__all__ = ["Timeline", "Timing", "basis", "in_force", "iso_date", "timing"]
