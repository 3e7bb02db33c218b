"""Reports: council brief and full assessment as Word, PDF, Markdown and JSON.

    from pia.report import render
    data = render(questionnaire, answers, "docx", brief=False, generated="2026-11-26")

One report context (context.py, plain data) feeds every renderer, so the
formats always agree. Dates are inputs: nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..answers import AnswerSet, dumps, validate
from ..assess import Assessment, assess
from ..errors import PiaError
from ..model import Questionnaire
from .context import build_context
from .docx import render_docx
from .json_export import render_json
from .markdown import render_markdown
from .pdf import docx_to_pdf

FORMATS: tuple[str, ...] = ("docx", "pdf", "md", "json")
SUFFIXES = {".docx": "docx", ".pdf": "pdf", ".md": "md", ".markdown": "md", ".json": "json"}
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}


def suggested_filename(answers: AnswerSet, fmt: str, brief: bool = False) -> str:
    """A safe download name such as `town-centre-cameras-council-brief.pdf`."""
    base = re.sub(r"[^a-z0-9]+", "-", (answers.meta.get("title") or answers.questionnaire).lower()).strip("-")[:60]
    kind = "council-brief" if brief else "full-assessment"
    return f"{base or 'assessment'}-{kind}.{fmt}"


def assessment_for(questionnaire: Questionnaire, answers: AnswerSet,
                   assessment: Assessment | None = None, *, remedy: bool = False) -> Assessment:
    """Valid answers only; then the engine's result (or the one the caller already has)."""
    problems = validate(answers, questionnaire)
    if problems:
        raise PiaError(problems)
    if assessment is None:
        assessment = assess(questionnaire, answers, remedy=remedy)
    return assessment


def context_for(
    questionnaire: Questionnaire,
    answers: AnswerSet,
    *,
    brief: bool = False,
    generated: dt.date | str | None = None,
    lang: str = "en",
    assessment: Assessment | None = None,
    remedy: bool = False,
) -> dict[str, object]:
    """Validate the answers, run the engine (unless given its result) and build the context."""
    assessment = assessment_for(questionnaire, answers, assessment, remedy=remedy)
    return build_context(questionnaire, answers, assessment, generated=generated, brief=brief, lang=lang)


def render(
    questionnaire: Questionnaire,
    answers: AnswerSet,
    fmt: str = "docx",
    *,
    brief: bool = False,
    template: str | Path | bytes | None = None,
    generated: dt.date | str | None = None,
    lang: str = "en",
    assessment: Assessment | None = None,
    timeout: float = 120.0,
    signoff: str = "",
    remedy: bool = False,
) -> bytes:
    """One report as bytes. PiaError for bad answers, a bad template or a missing soffice.

    `signoff` is the signed decision (Store.signed_decision) for these answers; it travels in the
    .docx beside the embedded answers and in the JSON, where `pia verify` checks it.

    The full report and the brief show "What it would take" whenever the assessment carries it. With
    `remedy=True` (and no `assessment` given) it is worked out here; that is off by default because it runs
    the engine again on changed answers: measured on town_centre_cctv_large, the Word full report goes from
    0.8 s to 2.3 s and the brief from 0.4 s to 1.7 s, above the ~2 s a report may take.
    """
    if fmt not in FORMATS:
        raise PiaError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    assessment = assessment_for(questionnaire, answers, assessment, remedy=remedy)
    ctx = build_context(questionnaire, answers, assessment, generated=generated, brief=brief, lang=lang)
    if fmt == "md":
        return render_markdown(ctx).encode("utf-8")
    if fmt == "json":
        return render_json(ctx, questionnaire, answers, assessment, signoff)
    data = render_docx(ctx, template=template, answers_yaml=dumps(answers, questionnaire), signoff=signoff)
    if fmt == "docx":
        return data
    return docx_to_pdf(data, timeout=timeout)
