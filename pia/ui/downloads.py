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

from pia.answers import AnswerSet, dumps, validate
from pia.model import Questionnaire

MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "json": "application/json",
    "yaml": "application/x-yaml",
}
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


def report_available() -> str | None:
    """None when reports can be made, else the reason (shown instead of the buttons)."""
    try:
        import pia.report  # noqa: F401
    except ImportError:
        return "Report generation is not installed in this copy of pia; the answers file can still be downloaded."
    try:
        import pia.assess  # noqa: F401
    except ImportError:
        return "Reports need the assessment engine, which is not installed in this copy of pia."
    return None


def pdf_available() -> bool:
    try:
        from pia.report.pdf import soffice
    except ImportError:
        return False
    return soffice() is not None


def report_blockers(q: Questionnaire, answers: AnswerSet) -> list[str]:
    """Why a report cannot be made from these answers (the report refuses invalid answers)."""
    return [str(p) for p in validate(answers, q)]


def report(q: Questionnaire, answers: AnswerSet, fmt: str, brief: bool, today: dt.date) -> Offer:
    kind = "council-brief" if brief else "full-assessment"
    what = "Council brief" if brief else "Full assessment"

    def make() -> bytes:
        from pia.report import render

        return render(q, answers, fmt, brief=brief, generated=today)

    ext = {"md": "md"}.get(fmt, fmt)
    return Offer(f"{what} ({FORMAT_NAMES[fmt]})", f"{slug(answers.meta.get('title', ''))}-{kind}.{ext}", MIME[fmt], make)
