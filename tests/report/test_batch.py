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


# --- isolation and safe writing (security review F8, F15) ---------------------------------


def test_batch_goes_on_after_a_file_with_a_huge_number(tmp_path):
    # A 4,301-digit integer raised ValueError: the batch stopped after a_good.md, exit 3 (F8).
    school = ROOT / "questionnaires" / "camera-hria" / "examples" / "school_cctv.yaml"
    (tmp_path / "a_good.yaml").write_text(school.read_text())
    (tmp_path / "b_bad.yaml").write_text(school.read_text().replace("answers:\n", "answers:\n  zz: " + "7" * 4301
                                                                     + "\n", 1))
    (tmp_path / "c_good.yaml").write_text(school.read_text())
    sources = [str(tmp_path / n) for n in ("a_good.yaml", "b_bad.yaml", "c_good.yaml")]
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        r = subprocess.run([sys.executable, "-m", "pia", "report", *sources, "-o", str(out), "--format", "md",
                            "-j", jobs], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert r.returncode == 2, r.stderr
        assert sorted(p.name for p in out.iterdir()) == ["a_good.md", "c_good.md"]
        assert f"{tmp_path / 'b_bad.yaml'}:" in r.stderr and "more than 100 digits" in r.stderr
        assert "2 of 3 reports written" in r.stderr and "internal error" not in r.stderr


def test_any_exception_for_one_job_becomes_that_files_problem(tmp_path):
    # A path no file can have (a NUL byte: os.stat raises ValueError, not OSError) must not stop the rest.
    good = EXAMPLES[0]
    jobs = plan([good, Path("bad\0name.yaml"), EXAMPLES[1]], _mk(tmp_path / "out"), "md", False, "2026-11-26")
    results = run(jobs)
    assert [r.ok for r in results] == [True, False, True]
    assert all(r.job.target.exists() for r in results if r.ok)
    (problem,) = results[1].problems
    assert problem.file == "bad\0name.yaml" and "cannot make this report" in problem.message


def _dies_on_second(job):  # noqa: ANN001, ANN202 - stands in for run_job inside the worker processes
    """The worker making the second report dies as if killed by the kernel for memory."""
    from pia.report import batch

    if "second" in job.source.name:
        os._exit(137)
    return batch.__dict__["_real_run_job"](job)


def test_a_dead_worker_is_that_files_problem_not_a_crash(tmp_path, monkeypatch):
    """A worker killed mid-batch (-j) used to raise BrokenProcessPool through the CLI as an internal error."""
    from pia.report import batch

    src = _mk(tmp_path / "src")
    for name in ("first", "second"):
        (src / f"{name}.yaml").write_bytes(EXAMPLES[0].read_bytes())
    monkeypatch.setattr(batch, "_real_run_job", batch.run_job, raising=False)
    monkeypatch.setattr(batch, "run_job", _dies_on_second)
    jobs = plan([src / "first.yaml", src / "second.yaml"], _mk(tmp_path / "out"), "md", False, "2026-11-26")
    results = run(jobs, workers=2)
    assert len(results) == 2 and not results[1].ok
    assert "stopped unexpectedly" in results[1].problems[0].message
    assert not results[1].job.target.exists()


def test_report_never_writes_through_a_planted_temp_file(tmp_path):
    # `.council.md.tmp` was predictable: a symlink planted there overwrote victim.txt (F15).
    shared = _mk(tmp_path / "shared")
    victim = tmp_path / "victim.txt"
    victim.write_text("IMPORTANT: the officer's own file\n")
    (shared / ".council.md.tmp").symlink_to(victim)
    r = subprocess.run([sys.executable, "-m", "pia", "report", str(EXAMPLES[0]), "-o", str(shared / "council.md")],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert victim.read_text() == "IMPORTANT: the officer's own file\n"
    assert (shared / "council.md").read_text().startswith("#")
    assert sorted(p.name for p in shared.iterdir()) == [".council.md.tmp", "council.md"]


def test_a_full_disk_keeps_the_old_report_and_leaves_no_temp_file(tmp_path):
    # The file size limit makes write() fail with EFBIG, as a full disk fails with ENOSPC.
    import resource

    report = tmp_path / "report.md"
    report.write_text("previous good report\n")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20 * 1024, 20 * 1024))

    for target in (report, tmp_path / "new.docx"):
        r = subprocess.run([sys.executable, "-m", "pia", "report", str(EXAMPLES[0]), "-o", str(target)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=limit)
        assert r.returncode == 2 and f"{target}: cannot write: File too large" in r.stderr, r.stderr
    assert report.read_text() == "previous good report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    from pia.report.batch import write_atomic

    target = tmp_path / "r.md"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.md"
    write_atomic(fresh, b"x")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    import os

    old = os.umask(0)
    os.umask(old)
    return old
