"""Batch reports: many answers files, one folder, bad files reported without stopping the rest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pia.report.batch import plan, run

from .reportkit import parts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "questionnaires" / "camera-hria" / "examples").glob("*.yaml"))
BAD = ROOT / "tests" / "fixtures" / "mini" / "answers_bad.yaml"


def test_batch_cli_writes_each_report_and_reports_the_bad_file(tmp_path):
    sources = [str(p) for p in EXAMPLES[:3]] + [str(BAD)]
    r = subprocess.run([sys.executable, "-m", "pia", "report", *sources, "-o", str(tmp_path / "out"),
                        "--format", "md", "--date", "2026-11-26"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PIA_PATH": str(BAD.parent)})  # the mini answers' questionnaire
    assert r.returncode == 2, r.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{p.stem}.md" for p in EXAMPLES[:3])
    assert "3 of 4 reports written" in r.stderr
    assert "answers_bad.yaml:6:3" in r.stderr and "Traceback" not in r.stderr


def test_parallel_batch_gives_the_same_documents_as_serial(tmp_path):
    sources = EXAMPLES[:4]
    one = run(plan(sources, _mk(tmp_path / "one"), "docx", False, "2026-11-26"), workers=1)
    two = run(plan(sources, _mk(tmp_path / "two"), "docx", False, "2026-11-26"), workers=2)
    assert all(r.ok for r in one + two)
    for a, b in zip(one, two, strict=True):
        assert parts(a.job.target.read_bytes()) == parts(b.job.target.read_bytes())


def test_plan_never_gives_two_jobs_the_same_target(tmp_path):
    a = tmp_path / "a" / "same.yaml"
    b = tmp_path / "b" / "same.yaml"
    jobs = plan([a, b], tmp_path, "pdf", True, "2026-11-26")
    assert [j.target.name for j in jobs] == ["same-brief.pdf", "same-brief-2.pdf"]


def _mk(p: Path) -> Path:
    p.mkdir()
    return p
