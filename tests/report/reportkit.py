"""Helpers for the report tests. Examples every report test runs over: the mini fixture answers here, plus the
instrument's example answers once they exist (questionnaires/*/examples/*.yaml)."""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini" / "mini.yaml"
GENERATED = "2026-11-26"


def docx_text(data: bytes) -> str:
    """Every paragraph, then every table cell, of a Word file: the words a reader of the document sees."""
    doc = Document(io.BytesIO(data))
    chunks = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            chunks += [c.text for c in row.cells]
    return "\n".join(chunks)


def md_text(data: bytes) -> str:
    """What a Markdown renderer shows (escapes undone)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", data.decode("utf-8")))


def example_files() -> list[Path]:
    mine = sorted((HERE / "answers").glob("*.yaml"))
    shipped = sorted((ROOT / "questionnaires").glob("*/examples/*.yaml"))
    shipped += sorted((ROOT / "examples").glob("*.yaml"))
    return mine + shipped


def questionnaire_path_for(path: Path) -> Path:
    """The mini answers (here and beside the fixture) are for the fixture, named explicitly as a user would with -q;
    shipped examples find theirs on the search path."""
    if path.parent in (HERE / "answers", MINI.parent):
        return MINI
    from pia.answers import load
    from pia.loader import find_questionnaire

    answers, _ = load(path)
    found = find_questionnaire(answers.questionnaire)
    assert found is not None, f"no questionnaire for {path}"
    return found


@dataclass
class Example:
    path: Path
    q: Any
    answers: Any
    qpath: Path

    @property
    def name(self) -> str:
        return self.path.stem


_CACHE: dict[tuple[str, str, bool], bytes] = {}


def rendered(ex: Example, fmt: str, brief: bool = False) -> bytes:
    """Render once per session (LibreOffice is slow); tests only read the bytes."""
    from pia.report import render

    key = (str(ex.path), fmt, brief)
    if key not in _CACHE:
        _CACHE[key] = render(ex.q, ex.answers, fmt, brief=brief, generated=GENERATED)
    return _CACHE[key]


def load_example(path: Path) -> Example:
    from pia.answers import load
    from pia.loader import load_cached

    qpath = questionnaire_path_for(path)
    answers, _ = load(path)
    return Example(path, load_cached(qpath), answers, qpath)


def parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return {n: zf.read(n) for n in sorted(zf.namelist())}


def soffice_or_skip() -> str:
    from pia.report.pdf import soffice

    exe = soffice()
    if exe is None:
        pytest.skip("soffice not installed: apt-get install libreoffice-writer-nogui")
    return exe


def pdftotext_or_skip() -> str:
    import shutil

    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext not installed: apt-get install poppler-utils")
    return exe


def pdf_pages(pdf: bytes) -> int:
    """Page count as poppler's pdfinfo reads the real PDF (not a regex over the bytes)."""
    import re
    import shutil
    import subprocess
    import tempfile

    exe = shutil.which("pdfinfo")
    if exe is None:
        pytest.skip("pdfinfo not installed: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "r.pdf"
        src.write_bytes(pdf)
        out = subprocess.run([exe, str(src)], capture_output=True, check=True, timeout=60, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)$", out, re.M)
    assert found, out
    return int(found.group(1))


def rule_ids(q: Any) -> set[str]:
    """Every id the rulebook declares: red flags, risk and uplift rules, mitigations."""
    rb = q.rules
    return {x.id for x in [*rb.red_flags, *rb.risk_rules, *rb.mitigations]}


def ids_in(text: str, ids: set[str]) -> set[str]:
    """Which of `ids` occur in `text` as whole ids (R-ASM does not match inside R-ASM-PUBLIC)."""
    import re

    return {i for i in ids if re.search(rf"(?<![A-Za-z0-9-]){re.escape(i)}(?![A-Za-z0-9-])", text)}


# A rule-id shape (RF-01, R-PRIV-BIOMETRIC, U-UNHOUSED, M-GEOFENCE), for ids a test might not know.
RULE_ID_SHAPE = r"(?<![A-Za-z0-9-])(?:RF|R|U|M)-[A-Z0-9]+"
