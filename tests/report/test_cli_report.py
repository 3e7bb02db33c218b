"""`pia report` and `pia validate report.docx` from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pia.cli import main

from .reportkit import HERE, MINI, ROOT

ANSWERS = HERE / "answers" / "mini-assembly-fr.yaml"


def test_report_formats_from_suffix(tmp_path: Path) -> None:
    runner = CliRunner()
    for suffix, magic in ((".docx", b"PK"), (".md", b"# "), (".json", b"{")):
        out = tmp_path / f"r{suffix}"
        res = runner.invoke(main, ["report", str(ANSWERS), "-o", str(out), "-q", str(MINI), "--date", "2026-11-26"])
        assert res.exit_code == 0, res.output
        assert out.read_bytes().startswith(magic)
        assert "full assessment" in res.output
    brief = tmp_path / "brief.md"
    res = runner.invoke(main, ["report", str(ANSWERS), "-o", str(brief), "--brief", "-q", str(MINI), "--date", "2026-11-26"])
    assert res.exit_code == 0 and "council brief" in brief.read_text(encoding="utf-8")


def test_report_to_stdout_and_explicit_format(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["report", str(ANSWERS), "-o", "-", "--format", "json", "-q", str(MINI),
                                    "--date", "2026-11-26"])
    assert res.exit_code == 0
    assert '"outcome"' in res.output and '"generated": "2026-11-26"' in res.output


def test_bad_inputs_exit_2_with_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["report", str(ANSWERS), "-o", str(tmp_path / "x.docx"), "-q", str(MINI),
                               "--date", "26/11/2026"])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("questionnaire: mini\nquestionnaire_version: 1.2.0\nanswers:\n  camera_count: lots\n")
    res = runner.invoke(main, ["report", str(bad), "-o", str(tmp_path / "x.docx"), "-q", str(MINI)])
    assert res.exit_code == 2
    assert "bad.yaml:4:3: answers.camera_count: expected a number" in res.output
    assert not (tmp_path / "x.docx").exists()
    res = runner.invoke(main, ["report", str(ANSWERS), "-o", str(tmp_path / "y.docx"), "-q", str(MINI),
                               "--template", str(tmp_path / "missing.docx")])
    assert res.exit_code == 2 and "cannot read the template" in res.output
    res = runner.invoke(main, ["report", str(ANSWERS), "-o", "-", "--format", "docx", "-q", str(MINI)])
    assert res.exit_code == 2 and "binary" in res.output


def test_validate_reads_answers_back_from_a_report(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    res = CliRunner().invoke(main, ["report", str(ANSWERS), "-o", str(out), "-q", str(MINI), "--date", "2026-11-26"])
    assert res.exit_code == 0
    proc = subprocess.run([sys.executable, "-m", "pia", "validate", str(out), "-q", str(MINI)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "ok (report with answers for mini 1.2.0)" in proc.stdout
    # A report is also a valid input to `pia report`: regenerate from the docx alone.
    again = tmp_path / "again.json"
    res = CliRunner().invoke(main, ["report", str(out), "-o", str(again), "-q", str(MINI), "--date", "2026-11-26"])
    assert res.exit_code == 0, res.output
    first = tmp_path / "first.json"
    CliRunner().invoke(main, ["report", str(ANSWERS), "-o", str(first), "-q", str(MINI), "--date", "2026-11-26"])
    assert again.read_bytes() == first.read_bytes()


def test_validate_docx_without_answers_is_a_clear_message(tmp_path: Path) -> None:
    from docx import Document

    plain = tmp_path / "plain.docx"
    Document().save(plain)
    res = CliRunner().invoke(main, ["validate", str(plain), "-q", str(MINI)])
    assert res.exit_code == 2
    assert "no answers are embedded in this document" in res.output


def test_validate_finds_the_instrument_of_a_returned_report(tmp_path: Path) -> None:
    """A report of a shipped example needs no -q: its questionnaire is found by id."""
    from .reportkit import example_files

    shipped = [p for p in example_files() if p.parent.name == "examples"]
    assert shipped, "the instrument's example answers are missing"
    out = tmp_path / "report.docx"
    res = CliRunner().invoke(main, ["report", str(shipped[0]), "-o", str(out), "--brief", "--date", "2026-11-26"])
    assert res.exit_code == 0, res.output
    proc = subprocess.run([sys.executable, "-m", "pia", "validate", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "ok (report with answers for" in proc.stdout
