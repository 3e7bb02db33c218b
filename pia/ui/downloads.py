"""Files offered for download, generated only when the button is clicked.

`st.download_button(data=callable)` runs the callable on click, in another
thread, so each maker here closes over a snapshot of the answers taken when
the page was drawn (session state is not available on that thread).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pia.answers import AnswerSet, dumps, validate
from pia.model import Questionnaire
from pia.report import MEDIA_TYPES, render, suggested_filename
from pia.report.json_export import with_audit_log_json
from pia.report.pdf import docx_to_pdf, soffice
from pia.signoff.annex import with_audit_log

MIME = {**MEDIA_TYPES, "yaml": "application/x-yaml"}
FORMAT_NAMES = {"docx": "Word", "pdf": "PDF", "md": "Markdown", "json": "JSON"}


@dataclass(frozen=True)
class Offer:
    label: str
    file_name: str
    mime: str
    make: Callable[[], bytes]


def slug(title: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()
    return s[:60] or "assessment"


def answers_file(q: Questionnaire, answers: AnswerSet) -> Offer:
    # Made on click: writing YAML costs tens of milliseconds on a full instrument,
    # too much to pay on every rerun for a button that is rarely pressed.
    return Offer("Answers file (YAML)", f"{slug(answers.meta.get('title', ''))}-answers.yaml", MIME["yaml"],
                 lambda: dumps(answers, q).encode("utf-8"))


def pdf_available() -> bool:
    """PDF needs LibreOffice on the server; without it the other formats are offered."""
    return soffice() is not None


def report_blockers(q: Questionnaire, answers: AnswerSet) -> list[str]:
    """Why a report cannot be made from these answers (the report refuses invalid answers)."""
    return [str(p) for p in validate(answers, q)]


def report(q: Questionnaire, answers: AnswerSet, fmt: str, brief: bool, today: dt.date, signoff: str = "",
           audit: tuple[Any, Any] | None = None) -> Offer:
    """`signoff`: the signed approval of these answers (Store.signed_decision), carried by the report;
    `audit`: (entries, chain check) of the draft's audit log, annexed to a full Word, PDF or Markdown report, or added to a full JSON report."""
    what = "Council brief" if brief else "Full assessment"

    def make() -> bytes:
        if audit is None or brief:
            return render(q, answers, fmt, brief=brief, generated=today, remedy=True, signoff=signoff)
        if fmt == "json":
            return with_audit_log_json(render(q, answers, "json", generated=today, remedy=True, signoff=signoff),
                                       *audit)
        base = "md" if fmt == "md" else "docx"
        data = with_audit_log(render(q, answers, base, brief=brief, generated=today, remedy=True,
                                     signoff=signoff), base, *audit)
        return docx_to_pdf(data) if fmt == "pdf" else data

    return Offer(f"{what} ({FORMAT_NAMES[fmt]})", suggested_filename(answers, fmt, brief), MIME[fmt], make)
