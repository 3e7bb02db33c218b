"""Opening an assessment: one way in for every entry point.

`pia validate/assess/report/diff`, the batch runner, `lint-template`, and the
app's upload and compare pages all take "an assessment" as YAML answers or as
a .docx report with the answers embedded. They all come through
`open_assessment`, so they share one size limit, one type check, one
questionnaire lookup and one validation, and all problems are reported at
once, as one PiaError.

The questionnaire is the one named with `--questionnaire`, else the one whose
id the answers name on the search path (PIA_PATH, then the bundled folder;
never a file lying next to the answers: see pia.loader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .answers import AnswerSet, parse, validate
from .errors import PiaError, Problem
from .fingerprint import questionnaire_digest
from .loader import find_questionnaire, load_cached
from .model import Questionnaire
from .safefile import check_regular, read_regular
from .yamlio import MAX_ANSWERS_BYTES, Located, load_text

MAX_ASSESSMENT_BYTES = MAX_ANSWERS_BYTES   # one limit for answers files and reports, CLI and app (5 MB)
MAX_UPLOAD_BYTES = MAX_ASSESSMENT_BYTES    # the same cap as `.streamlit/config.toml` maxUploadSize
ZIP_MAGIC = b"PK\x03\x04"
ANSWERS_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Opened:
    """A valid assessment and where everything in it came from."""

    answers: AnswerSet
    questionnaire: Questionnaire
    questionnaire_path: Path | None   # the core file, when resolved or named as a file
    source: str                       # the name shown in messages
    from_docx: bool = False
    claimed_sha256: str = ""          # questionnaire digest a report recorded ("" if none, or not a report)

    @property
    def questionnaire_files(self) -> dict[str, str]:
        return dict(self.questionnaire.source_sha256)

    @property
    def questionnaire_sha256(self) -> str:
        return questionnaire_digest(self.questionnaire)

    @property
    def questionnaire_changed(self) -> bool:
        """A report made with other questionnaire files than the ones resolved now."""
        return bool(self.from_docx and self.claimed_sha256 and self.questionnaire_sha256
                    and self.claimed_sha256 != self.questionnaire_sha256)

    @property
    def questionnaire_note(self) -> str | None:
        """Why the report's questionnaire cannot be confirmed, or None (the app shows this alone)."""
        if not self.from_docx:
            return None
        q = self.questionnaire
        if self.questionnaire_changed:
            return (f"made with different questionnaire files than {q.id} {q.version} found now "
                    f"(report {self.claimed_sha256[:12]}, now {self.questionnaire_sha256[:12]}); "
                    "its outcome may differ from this one")
        if not self.claimed_sha256:
            return "this report does not record which questionnaire files produced it"
        return None

    @property
    def note(self) -> str | None:
        """The same as one line naming the file, for the command line."""
        text = self.questionnaire_note
        return f"{self.source}: note: {text}" if text else None


def _refuse(name: str, message: str) -> PiaError:
    return PiaError(Problem(name, 0, 0, "", message))


def too_big(name: str, size: int) -> PiaError:
    return _refuse(name, f"file is {size:,} bytes; the limit is {MAX_ASSESSMENT_BYTES // 2**20} MB "
                         f"({MAX_ASSESSMENT_BYTES:,} bytes)")


def read_source(path: Path) -> bytes:
    """The bytes of an answers file or report: regular files only, at most MAX_ASSESSMENT_BYTES."""
    size = check_regular(path, 2**63)
    if size > MAX_ASSESSMENT_BYTES:
        raise too_big(str(path), size)
    return read_regular(path, MAX_ASSESSMENT_BYTES)


def is_docx(data: bytes, name: str) -> bool:
    """A report is recognised by its content (a zip); a .docx name without it is refused later."""
    return data[:4] == ZIP_MAGIC or name.lower().endswith(".docx")


# Answers files start with these top-level keys; no questionnaire file has them (see pia.schemas).
_ANSWERS_KEY = re.compile(rb"^(?:questionnaire|answers)[ \t]*:", re.M)


def looks_like_answers(data: bytes) -> bool:
    """Whether a YAML file is an answers file, judged before parsing it.

    Answers files are parsed in data-only mode (no anchors, text keys), which
    differs from how questionnaires are parsed, so `pia validate` must know
    which it has before it parses a file once.
    """
    return bool(_ANSWERS_KEY.search(data))


def parse_source(data: bytes, name: str) -> tuple[Located, bool, str]:
    """(parsed YAML, came from a .docx, questionnaire digest the report recorded) — not yet validated."""
    if len(data) > MAX_ASSESSMENT_BYTES:
        raise too_big(name, len(data))
    if not data.strip():
        raise _refuse(name, "the file is empty")
    if is_docx(data, name):
        if data[:4] != ZIP_MAGIC:
            raise _refuse(name, "not a Word document (.docx): the file is not a zip package")
        from .embedded import read_embedded  # lazy: lxml is needed only for .docx reports, not for YAML

        try:
            embedded = read_embedded(data, name)
        except PiaError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged or foreign .docx must not crash the caller
            raise _refuse(name, f"cannot read this Word document: {type(exc).__name__}") from exc
        return load_text(embedded.answers, f"{name}[answers]", MAX_ANSWERS_BYTES, collect=True, data_only=True), True, \
            embedded.questionnaire_sha256
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in ANSWERS_SUFFIXES:
        raise _refuse(name, f"expected an answers file (.yaml, .yml) or a pia report (.docx), not {suffix}")
    if b"\x00" in data[:8192]:
        raise _refuse(name, "this is a binary file, not an answers file (.yaml)")
    return load_text(data, name, MAX_ANSWERS_BYTES, collect=True, data_only=True), False, ""


def resolve(answers: AnswerSet, doc: Located, questionnaire: Path | Questionnaire | None = None,
            ) -> tuple[Questionnaire, Path | None]:
    """The questionnaire named explicitly, else the one the answers name on the search path."""
    if isinstance(questionnaire, Questionnaire):
        return questionnaire, None
    if questionnaire is not None:
        return load_cached(questionnaire), Path(questionnaire)
    found = find_questionnaire(answers.questionnaire)
    if found is None:
        raise PiaError(doc.problem(("questionnaire",), f"questionnaire {answers.questionnaire!r} is not installed "
                                                       "here; set PIA_PATH to its folder or pass --questionnaire FILE"))
    return load_cached(found), found


def open_parsed(doc: Located, name: str, *, questionnaire: Path | Questionnaire | None = None,
                from_docx: bool = False, claimed_sha256: str = "",
                require_same_questionnaire: bool = False) -> Opened:
    """Finish opening an already parsed answers document (`pia validate` parses each file once)."""
    answers = parse(doc)
    q, qpath = resolve(answers, doc, questionnaire)
    problems = validate(answers, q, doc)
    if problems:
        raise PiaError(problems)
    opened = Opened(answers, q, qpath, name, from_docx, claimed_sha256)
    if require_same_questionnaire and opened.questionnaire_note:
        raise _refuse(name, opened.questionnaire_note)
    return opened


def open_assessment(source: Path | bytes, name: str | None = None, *,
                    questionnaire: Path | Questionnaire | None = None,
                    require_same_questionnaire: bool = False) -> Opened:
    """Read, check and validate an answers file or a pia report (.docx); raise one PiaError listing every problem.

    `source` is a path (read with the size limit; pipes and devices refused) or
    the bytes of an upload. `questionnaire` overrides the lookup by id. With
    `require_same_questionnaire`, a report made with other questionnaire files
    than the ones resolved now (or not saying which) is refused instead of noted.
    """
    if isinstance(source, Path):
        name = name or str(source)
        data = read_source(source)
    else:
        name = name or "<upload>"
        data = source
    doc, from_docx, claimed = parse_source(data, name)
    return open_parsed(doc, name, questionnaire=questionnaire, from_docx=from_docx, claimed_sha256=claimed,
                       require_same_questionnaire=require_same_questionnaire)
