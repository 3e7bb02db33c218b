"""The action plan (the safeguards to put in place), derived from the answers, never stored twice.

The plan is the questionnaire's mitigation-plan group (``mitigation_question``,
`mitigation_plan` in the camera instrument): each row names a safeguard, its
state, owner, due date and evidence. This module reads those rows, finds the
overdue ones against a date the caller gives (the core has no clock), and
writes them as CSV for a spreadsheet and as iCalendar for a calendar.

Both exports are written by hand with the rules that make them safe:
CSV cells that a spreadsheet would run as a formula are neutralised; the
.ics follows RFC 5545 (CRLF lines folded at 75 octets, text escaped).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from .. import wording
from ..model import Group, Questionnaire
from ..text import text

DONE_STATES = frozenset({"implemented", "verified"})
REVIEW_DATE_QUESTION = "next_review_date"
SUNSET_QUESTION = "sunset_date"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ActionItem:
    """One safeguard of the plan, as the answers state it."""

    row: int                 # 1-based position in the plan
    mitigation: str          # catalogue id, e.g. M-SHORT-RETENTION ("" when not chosen)
    title: str               # the safeguard in words
    state: str               # proposed / planned / implemented / verified ("" when not given)
    owner: str
    due: dt.date | None
    evidence: str

    def overdue(self, today: dt.date) -> bool:
        """Past its due date and not yet in place."""
        return self.due is not None and self.due < today and self.state not in DONE_STATES


def action_plan(q: Questionnaire, answers: dict[str, Any]) -> list[ActionItem]:
    """The plan rows of `answers`, in their order (empty when the instrument has no plan)."""
    qid = q.rules.mitigation_question
    group = q.question(qid) if qid else None
    rows = answers.get(qid) if qid else None
    if not isinstance(group, Group) or not isinstance(rows, list):
        return []
    titles = {m.id: text(m.title) for m in q.rules.mitigations}
    chooser = group.field("mitigation")
    options = {o.value: text(o.label) for o in getattr(chooser, "options", [])}
    items = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            continue
        mid = _str(row.get("mitigation"))
        items.append(ActionItem(i, mid, titles.get(mid) or options.get(mid) or mid, _str(row.get("state")),
                                _str(row.get("owner")), _date(row.get("due")), _str(row.get("evidence"))))
    return items


def overdue(items: list[ActionItem], today: dt.date) -> list[ActionItem]:
    return [i for i in items if i.overdue(today)]


def _str(v: Any) -> str:
    return "" if v is None or v == "unknown" else str(v)


def _date(v: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(v)) if v not in (None, "", "unknown") else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Schedule:
    """When the whole assessment is next reviewed and when the system stops unless renewed."""

    review: dt.date | None
    sunset: dt.date | None

    def due(self, today: dt.date) -> bool:
        return any(d is not None and d <= today for d in (self.review, self.sunset))


def schedule(answers: dict[str, Any]) -> Schedule:
    return Schedule(_date(answers.get(REVIEW_DATE_QUESTION)), _date(answers.get(SUNSET_QUESTION)))


# --- CSV ------------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula starts with an apostrophe instead (OWASP CSV injection)."""
    if cell.startswith(FORMULA_START) or cell.lstrip(" ").startswith(FORMULA_START[:4]):
        return "'" + cell
    return cell


def to_csv(items: list[ActionItem], today: dt.date) -> bytes:
    """UTF-8 with a byte-order mark (so spreadsheets read accents), CRLF rows (RFC 4180)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow([wording.label(f"actions.column.{c}") for c in
                ("row", "id", "safeguard", "state", "owner", "due", "overdue", "evidence")])
    for i in items:
        w.writerow([neutralise(c) for c in (
            str(i.row), i.mitigation, i.title, wording.state_label(i.state) if i.state else "",
            i.owner or wording.label("mitigation.no_owner"),
            i.due.isoformat() if i.due else wording.label("mitigation.no_date"),
            wording.label("actions.overdue" if i.overdue(today) else "actions.not_overdue"), i.evidence)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- iCalendar (RFC 5545) ----------------------------------------------------------------------


def _escape(value: str) -> str:
    """TEXT escaping of RFC 5545 section 3.3.11."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after CRLF and one space (section 3.1)."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def to_ics(draft_id: str, title: str, items: list[ActionItem], stamp: dt.datetime,
           plan: Schedule | None = None) -> bytes:
    """One all-day event per dated safeguard (and for the review and sunset dates)."""
    stamp_utc = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//pia//action plan//EN", "CALSCALE:GREGORIAN"]

    def event(uid: str, day: dt.date, summary: str, description: str) -> None:
        lines.extend([
            "BEGIN:VEVENT", f"UID:{uid}@pia", f"DTSTAMP:{stamp_utc}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}", f"DESCRIPTION:{_escape(description)}", "TRANSP:TRANSPARENT",
            "END:VEVENT"])

    for i in items:
        if i.due is None:
            continue
        owner = i.owner or wording.label("mitigation.no_owner")
        state = wording.state_label(i.state) if i.state else ""
        event(f"{draft_id}-action-{i.row}", i.due, f"{i.title} ({title})",
              f"{wording.label('actions.column.owner')}: {owner}\n{wording.label('actions.column.state')}: "
              f"{state}\n{wording.label('actions.column.id')}: {i.mitigation}")
    if plan is not None:
        if plan.review:
            event(f"{draft_id}-review", plan.review, f"{wording.label('schedule.review')} ({title})", "")
        if plan.sunset:
            event(f"{draft_id}-sunset", plan.sunset, f"{wording.label('schedule.sunset')} ({title})", "")
    lines.append("END:VCALENDAR")
    return ("".join(_fold(line) + "\r\n" for line in lines)).encode("utf-8")
