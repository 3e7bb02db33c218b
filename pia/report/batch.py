"""Many answers files to many reports, on one core or on all of them.

A council officer's batch (every camera scheme in a district, nightly
re-renders after a questionnaire update) should not stop at the first bad
file: each file succeeds or fails on its own, failures are reported with
their problems, and finished reports are written atomically.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import write_atomic as _write_atomic
from ..errors import PiaError, Problem
from ..intake import open_assessment
from . import render


def load_any(path: Path, questionnaire_path: Path | None = None, strict: bool = False) -> tuple[Any, Any]:
    """(questionnaire, valid answers) from an answers file or a report .docx (see pia.intake)."""
    opened = open_assessment(path, questionnaire=questionnaire_path, require_same_questionnaire=strict)
    return opened.questionnaire, opened.answers


def write_atomic(path: Path, data: bytes) -> None:
    """Never leave half a report behind, nor a temporary file: see pia.atomic."""
    _write_atomic(path, data)


@dataclass(frozen=True)
class Job:
    source: Path
    target: Path
    fmt: str
    brief: bool
    generated: str
    template: Path | None = None
    questionnaire: Path | None = None
    strict: bool = False


@dataclass(frozen=True)
class Result:
    job: Job
    size: int
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def run_job(job: Job) -> Result:
    """One report; any failure becomes this file's problems instead of stopping the batch.

    Not only PiaError: an input that trips some other error (a bug, a limit we
    did not foresee) must still not cost the officer the other reports.
    """
    try:
        opened = open_assessment(job.source, questionnaire=job.questionnaire, require_same_questionnaire=job.strict)
        notes = (opened.note,) if opened.note else ()
        data = render(opened.questionnaire, opened.answers, job.fmt, brief=job.brief, template=job.template,
                      generated=job.generated)
        write_atomic(job.target, data)
        return Result(job, len(data), notes=notes)
    except PiaError as exc:
        return Result(job, 0, tuple(exc.problems))
    except RecursionError:
        return Result(job, 0, (Problem(str(job.source), 0, 0, "", "nested too deeply to process"),))
    except Exception as exc:  # noqa: BLE001 - one file's failure is reported, the batch goes on
        message = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        return Result(job, 0, (Problem(str(job.source), 0, 0, "", f"cannot make this report ({message})"),))


def plan(sources: list[Path], out_dir: Path, fmt: str, brief: bool, generated: str,
         template: Path | None = None, questionnaire: Path | None = None, strict: bool = False) -> list[Job]:
    """One job per source; target names from the source names, never two the same."""
    suffix = {"md": ".md", "json": ".json", "pdf": ".pdf", "docx": ".docx"}[fmt]
    tag = "-brief" if brief else ""
    jobs, seen = [], set()
    for src in sources:
        name = f"{src.stem}{tag}{suffix}"
        n = 2
        while name in seen:
            name = f"{src.stem}{tag}-{n}{suffix}"
            n += 1
        seen.add(name)
        jobs.append(Job(src, out_dir / name, fmt, brief, generated, template, questionnaire, strict))
    return jobs


def run(jobs: list[Job], workers: int = 1) -> list[Result]:
    """Run jobs in order (workers=1) or across processes (workers>1; 0 means every core)."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) <= 1:
        return [run_job(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [pool.submit(run_job, j) for j in jobs]
        results = []
        for job, future in zip(jobs, futures, strict=True):
            try:
                results.append(future.result())
            except BrokenProcessPool:
                # A worker died (killed, or out of memory): every report not finished by then is reported
                # as not written, one problem per file; the ones already written stand.
                results.append(Result(job, 0, (Problem(str(job.source), 0, 0, "",
                               "the process making this report stopped unexpectedly (out of memory?); "
                               "no report was written"),)))
        return results
