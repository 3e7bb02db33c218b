"""PDF through LibreOffice: produced for every example, with the outcome and every rating in its text."""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from pia.errors import PiaError
from pia.report.pdf import docx_to_pdf

from .ooxmlkit import IMAGE_RT, canary, docx_with, external_rel, linked_picture_xml
from .reportkit import (
    Example,
    pdftotext_or_skip,
    rendered,
    soffice_or_skip,
)


def _pdf_text(pdf: bytes) -> str:
    exe = pdftotext_or_skip()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "r.pdf"
        src.write_bytes(pdf)
        out = subprocess.run([exe, "-enc", "UTF-8", str(src), "-"], capture_output=True, check=True, timeout=300)
    return " ".join(out.stdout.decode("utf-8").split())


@pytest.mark.slow
def test_pdf_has_outcome_and_every_rating(example: Example) -> None:
    soffice_or_skip()
    from pia.assess import assess

    pdf = rendered(example, "pdf")
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    a = assess(example.q, example.answers)
    assert a.headline in text
    from pia.report import context_for

    ctx = context_for(example.q, example.answers, generated="2026-11-26")
    for right in ctx["rights"]:
        assert right["summary"] in text, right["summary"]
    assert a.answers_sha256 in text.replace(" ", "")


# The council brief's page count and first page: test_brief_pages.py.


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
        docx_to_pdf(docx_with("x"), timeout=1)


def test_failing_conversion_is_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PIA_SOFFICE", str(fake))
    with pytest.raises(PiaError, match="could not convert the report to PDF: Error: source file could not be loaded"):
        docx_to_pdf(docx_with("x"))


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


# --- F10: LibreOffice fetches nothing and pulls in no local file ----------------------------------------------


def _linked(target: str) -> bytes:
    return docx_with("Linked picture below", body=linked_picture_xml("rIdL"), rels=external_rel("rIdL", target))


def _pdf_images(pdf: bytes, tmp_path: Path) -> int:
    src = tmp_path / "out.pdf"
    src.write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(src)], capture_output=True, text=True, check=True, timeout=120)
    return len(out.stdout.strip().splitlines()) - 2


def test_pdf_layer_refuses_linked_pictures_before_conversion(tmp_path: Path) -> None:
    """F10 (a08b): a docx linking a picture over HTTP or file:// is refused; LibreOffice never sees it."""
    soffice_or_skip()
    local = tmp_path / "local.png"
    from .ooxmlkit import PNG

    local.write_bytes(PNG)
    with canary() as (base, hits):
        for target in (f"{base}/drawing-link.png", local.as_uri()):
            with pytest.raises(PiaError, match="report.docx: word/.*(external image relationship|linked)"):
                docx_to_pdf(_linked(target), timeout=120)
        assert hits == []


@pytest.mark.slow
def test_libreoffice_runs_without_network(tmp_path: Path) -> None:
    """F10 second layer: even a linked picture that got past the check is not fetched by soffice."""
    exe = soffice_or_skip()
    from pia.report.pdf import _convert, network_isolation

    assert network_isolation(), "unshare --net --map-root-user works on this machine (root and normal users)"
    with canary() as (base, hits):
        probe = subprocess.run([*network_isolation(), "python3", "-c",
                                f"import urllib.request; urllib.request.urlopen('{base}/probe', timeout=5)"],
                               capture_output=True, text=True, timeout=60)
        assert probe.returncode != 0 and hits == [], probe.stderr
        pdf = _convert(exe, _linked(f"{base}/drawing-link.png"), 120)
        assert pdf.startswith(b"%PDF-")
        assert hits == [], "LibreOffice reached the canary server"
    assert _pdf_images(pdf, tmp_path) == 0


@pytest.mark.slow
def test_libreoffice_sees_no_local_file_outside_its_work_folder(tmp_path: Path, monkeypatch) -> None:
    """F10, local files: a file:// picture that got past the check stays out of the PDF inside the sandbox,
    and the same document converted without it does embed the picture (so the check below can fail)."""
    import shutil

    exe = soffice_or_skip()
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap not installed: apt-get install bubblewrap (.ci/run installs it)")
    from pia.report import pdf

    from .ooxmlkit import PNG

    assert pdf.isolation().startswith("sandbox"), pdf.isolation()
    local = tmp_path / "private" / "photo.png"
    local.parent.mkdir()
    local.write_bytes(PNG)
    document = _linked(local.as_uri())
    confined = pdf._convert(exe, document, 120)
    assert confined.startswith(b"%PDF-") and _pdf_images(confined, tmp_path) == 0
    monkeypatch.setattr(pdf, "sandbox", lambda work, program=None: [])
    monkeypatch.setattr(pdf, "network_isolation", lambda: [])
    assert _pdf_images(pdf._convert(exe, document, 120), tmp_path) >= 1   # unconfined, LibreOffice reads it


@pytest.mark.slow
def test_cli_pdf_with_linked_picture_template_fetches_nothing(tmp_path: Path) -> None:
    """F10 (a08b through the CLI): `pia report -o x.pdf --template linked.docx` is refused, nothing fetched."""
    soffice_or_skip()
    from click.testing import CliRunner

    from pia.cli import main

    from .reportkit import HERE, MINI

    out = tmp_path / "x.pdf"
    with canary() as (base, hits):
        template = tmp_path / "linked.docx"
        template.write_bytes(docx_with("{{ title }}", body=linked_picture_xml("rIdL"),
                                       rels=external_rel("rIdL", f"{base}/drawing-link.png", IMAGE_RT)))
        res = CliRunner().invoke(main, ["report", str(sorted((HERE / "answers").glob("*.yaml"))[0]), "-q",
                                        str(MINI), "-o", str(out), "--template", str(template)])
        assert hits == []
    assert res.exit_code == 2, res.output
    assert "linked (not embedded) picture" in res.output and "word/document.xml" in res.output
    assert not out.exists()
