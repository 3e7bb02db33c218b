"""An uploaded file is checked once, when it arrives, not on every rerun.

Streamlit reruns the whole page on every click while a file sits in the
uploader. Parsing it each time let one hostile upload cost its full parsing
time again on every rerun (review F2), so the result is kept in session state
under the uploader's key and the upload's `file_id` (new for every new upload,
even of the same file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from pia.errors import PiaError, Problem
from pia.intake import open_assessment

from .safe import log, md, problem_lines

ss = st.session_state
INTERNAL = "pia could not read this file (an internal error, recorded in the server log)"


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one upload: answers and questionnaire, or the problems."""

    answers: Any = None
    q: Any = None
    problems: list[Problem] = field(default_factory=list)
    internal: bool = False
    note: str | None = None   # e.g. a report made with other questionnaire files (Opened.questionnaire_note)

    @property
    def ok(self) -> bool:
        return self.answers is not None and not self.problems and not self.internal


def opened(up: Any) -> tuple[Any, Any, str | None]:
    """Answers, questionnaire and note of an uploaded answers file or .docx report, through pia's one opener."""
    o = open_assessment(up.getvalue(), up.name)
    return o.answers, o.questionnaire, o.questionnaire_note


def check(key: str, up: Any, parse: Callable[[], tuple[Any, Any, str | None]] | None) -> Checked | None:
    """The checked result for the file now in uploader `key`; `parse` runs only for a new file_id."""
    memo = f"_checked_{key}"
    if up is None:
        ss.pop(memo, None)
        return None
    hit = ss.get(memo)
    if hit is not None and hit[0] == up.file_id:
        return hit[1]
    if parse is None:
        return None
    try:
        answers, q, note = parse()
        result = Checked(answers, q, note=note)
    except PiaError as exc:
        result = Checked(problems=list(exc.problems))
    except Exception:   # a defect must not replace the page with a crash box; the log keeps the details
        log.exception("checking upload %r failed", getattr(up, "name", "?"))
        result = Checked(internal=True)
    ss[memo] = (up.file_id, result)
    return result


def problems_markdown(checked: Checked, limit: int) -> str:
    """The problems as an escaped Markdown list (or the internal-error line)."""
    if checked.internal:
        return md(INTERNAL) + "."
    lines = problem_lines(checked.problems, limit)
    extra = len(checked.problems) - limit
    return "\n".join(lines) + (f"\n\n…and {extra} more." if extra > 0 else "")
