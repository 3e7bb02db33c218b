"""PDF through LibreOffice: produced for every example, with the outcome and every rating in its text."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from pia.errors import PiaError
from pia.report.pdf import docx_to_pdf
from pia.wording import outcome_label

from .reportkit import (
    GENERATED,
    ROOT,
    RULE_ID_SHAPE,
    Example,
    example_files,
    ids_in,
    load_example,
    pdf_pages,
    pdftotext_or_skip,
    rendered,
    rule_ids,
    soffice_or_skip,
)


def _pdf_text(pdf: bytes) -> str:
    exe = pdftotext_or_skip()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "r.pdf"
        src.write_bytes(pdf)
        out = subprocess.run([exe, "-enc", "UTF-8", str(src), "-"], capture_output=True, check=True, timeout=300)
    return " ".join(out.stdout.decode("utf-8").split())


def example_outcome(example: Example) -> str:
    from pia.assess import assess

    return assess(example.q, example.answers).outcome


@pytest.mark.slow
def test_pdf_has_outcome_and_every_rating(example: Example) -> None:
    soffice_or_skip()
    from pia.assess import assess

    pdf = rendered(example, "pdf")
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    a = assess(example.q, example.answers)
    assert outcome_label(a.outcome) in text
    from pia.report import context_for

    ctx = context_for(example.q, example.answers, generated="2026-11-26")
    for right in ctx["rights"]:
        assert right["summary"] in text, right["summary"]
    assert a.answers_sha256 in text.replace(" ", "")


# Every example answers file, plus the mini fixture's complete answers.
BRIEF_EXAMPLES = example_files() + [ROOT / "tests" / "fixtures" / "mini" / "answers_complete.yaml"]


@pytest.mark.slow
@pytest.mark.parametrize("path", BRIEF_EXAMPLES, ids=lambda p: p.stem)
def test_brief_pdf_is_at_most_three_pages_and_complete(path: Path) -> None:
    """The council brief is 2-3 pages (the issue) for every example, read from LibreOffice's real PDF."""
    soffice_or_skip()
    example = load_example(path)
    pdf = rendered(example, "pdf", brief=True)
    assert pdf_pages(pdf) <= 3
    text = _pdf_text(pdf)
    from pia.report import context_for

    ctx = context_for(example.q, example.answers, brief=True, generated=GENERATED)
    assert outcome_label(example_outcome(example)) in text
    for wanted in (ctx["outcome"]["sentence"], ctx["outcome"]["decision_requested"], "Decision requested",
                   "What is proposed", "Red flags", "Risk to each right", "Conditions and safeguards"):
        assert wanted in text, wanted
    # No rule ids for councillors: neither the rulebook's ids nor anything shaped like one.
    assert ids_in(text, rule_ids(example.q)) == set()
    assert re.findall(RULE_ID_SHAPE, text) == []


@pytest.mark.slow
def test_hostile_text_survives_into_pdf(hostile: Example) -> None:
    soffice_or_skip()
    text = _pdf_text(rendered(hostile, "pdf"))
    for literal in ["Fish & chips <script>alert(1)</script>", "{{ 7*7 }} {% for %}", "Привет, мир", "Ville d'Été & Co <b>bold</b>"]:
        assert literal in text, literal


def test_missing_libreoffice_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.delenv("PIA_SOFFICE", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(PiaError, match="needs LibreOffice, which is not installed"):
        docx_to_pdf(b"PK")


def test_hanging_libreoffice_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PIA_SOFFICE", str(fake))
    with pytest.raises(PiaError, match="did not finish"):
        docx_to_pdf(b"PK", timeout=1)


def test_failing_conversion_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PIA_SOFFICE", str(fake))
    with pytest.raises(PiaError, match="could not convert the report to PDF: Error: source file could not be loaded"):
        docx_to_pdf(b"PK")


@pytest.mark.slow
def test_parallel_conversions_use_separate_profiles(hostile: Example) -> None:
    """Two conversions at once must not block on LibreOffice's profile lock."""
    soffice_or_skip()
    from concurrent.futures import ThreadPoolExecutor

    docx = rendered(hostile, "docx", brief=True)
    with ThreadPoolExecutor(2) as pool:
        pdfs = list(pool.map(lambda _: docx_to_pdf(docx, timeout=120), range(2)))
    assert all(p.startswith(b"%PDF-") for p in pdfs)
    assert os.path.exists(tempfile.gettempdir())
