"""Reading answers that arrive as bytes: an uploaded answers file or a returned report.

The app and `pia diff` both take "an assessment" as either YAML answers or a
.docx report with the answers embedded. Everything is checked before anyone
uses it: size, format, the instrument it was written for, and every answer —
and all problems are reported at once, as one PiaError.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .answers import AnswerSet, loads, validate
from .errors import PiaError, Problem
from .model import Questionnaire
from .yamlio import MAX_ANSWERS_BYTES

MAX_UPLOAD_BYTES = MAX_ANSWERS_BYTES   # the same cap as `.streamlit/config.toml` maxUploadSize (5 MB)
ZIP_MAGIC = b"PK\x03\x04"
Resolver = Callable[[str], "Questionnaire | None"]


def is_docx(data: bytes, name: str) -> bool:
    return data[:4] == ZIP_MAGIC or name.lower().endswith(".docx")


def answers_text_from_docx(data: bytes, name: str) -> str:
    """The answers embedded in a pia report (needs the report package)."""
    try:
        from .report.embed import answers_from_docx  # type: ignore[import-not-found]
    except ImportError as exc:
        raise PiaError(Problem(name, 0, 0, "", "reading answers from a .docx report is not available in this "
                                               "installation; upload the answers file (.yaml) instead")) from exc
    if data[:4] != ZIP_MAGIC:
        raise PiaError(Problem(name, 0, 0, "", "not a Word document (.docx): the file is not a zip package"))
    try:
        found = answers_from_docx(data)
    except PiaError as exc:
        raise PiaError([Problem(name, p.line, p.col, p.path, p.message) for p in exc.problems]) from exc
    except Exception as exc:  # a damaged or foreign .docx must not crash the caller
        raise PiaError(Problem(name, 0, 0, "", f"cannot read this Word document: {type(exc).__name__}")) from exc
    return found if isinstance(found, str) else str(found)


def read_answers(data: bytes, name: str, resolve: Resolver) -> tuple[AnswerSet, Questionnaire]:
    """Parse and validate uploaded bytes; raise one PiaError listing every problem."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PiaError(Problem(name, 0, 0, "", f"file is {len(data) / 1e6:.1f} MB; the limit is "
                                               f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB"))
    if not data.strip():
        raise PiaError(Problem(name, 0, 0, "", "the file is empty"))
    if is_docx(data, name):
        text, source = answers_text_from_docx(data, name), f"{name}[answers]"
    else:
        if b"\x00" in data[:8192]:
            raise PiaError(Problem(name, 0, 0, "", "this is a binary file, not an answers file (.yaml)"))
        try:
            text, source = data.decode("utf-8"), name
        except UnicodeDecodeError as exc:
            raise PiaError(Problem(name, 0, 0, "", "the file is not UTF-8 text")) from exc
    answers, doc = loads(text, source)
    q = resolve(answers.questionnaire)
    if q is None:
        raise PiaError(doc.problem(("questionnaire",), f"questionnaire {answers.questionnaire!r} is not installed "
                                                       "here (set PIA_PATH to its folder)"))
    problems = validate(answers, q, doc)
    if problems:
        raise PiaError(problems)
    return answers, q


def read_answers_file(path: Path, resolve: Resolver) -> tuple[AnswerSet, Questionnaire]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PiaError(Problem(str(path), 0, 0, "", f"cannot read: {exc.strerror}")) from exc
    if size > MAX_UPLOAD_BYTES:
        raise PiaError(Problem(str(path), 0, 0, "", f"file is {size / 1e6:.1f} MB; the limit is "
                                                    f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB"))
    return read_answers(path.read_bytes(), str(path), resolve)


def default_resolver(extra: list[Path] | None = None) -> Resolver:
    """Find an instrument by id on the search path (PIA_PATH, then the bundled questionnaires)."""
    from .loader import find_questionnaire, load_cached

    def resolve(qid: str) -> Questionnaire | None:
        found = find_questionnaire(qid, extra=extra)
        return load_cached(found) if found else None

    return resolve
