"""Run untrusted template work in a child process with a time and memory limit.

The Jinja sandbox stops a template from reaching Python internals, but not from
looping for ever (`{% for i in range(99999) %}{% for j in range(99999) %}`) or
building huge strings. A municipality's own template therefore renders in a
child process that is killed when it overruns; the shipped templates, which we
wrote, render in-process. The child works in a fresh empty folder, so even a
path a template somehow got written to could not land next to the user's files
(relative paths such as `.venv/lib/.../x.pth` resolve inside that folder).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import tempfile
import traceback
from collections.abc import Callable
from typing import Any

from ..errors import PiaError, Problem

DEFAULT_TIMEOUT = 60.0
MEMORY_LIMIT = 2 * 1024**3


def _child(conn: Any, work: str, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        import resource  # POSIX only; imported here so the limit applies to this child alone

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on every platform
        pass
    try:
        os.chdir(work)
        conn.send(("ok", fn(*args, **kwargs)))
    except PiaError as exc:
        conn.send(("problems", exc.problems))
    except MemoryError:
        conn.send(("problems", [Problem("", 0, 0, "", "the template needs too much memory")]))
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
        conn.send(("problems", [Problem("", 0, 0, "", f"{type(exc).__name__}: {exc}")]))
        if os.environ.get("PIA_DEBUG"):
            traceback.print_exc()
    finally:
        conn.close()


def limited(fn: Callable[..., Any], *args: Any, timeout: float = DEFAULT_TIMEOUT, what: str = "the template",
            **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a child process; PiaError when it fails or overruns."""
    # forkserver: safe inside a threaded server (Streamlit), unlike a bare fork.
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(["pia.report.docx", "pia.report.lint", "docxtpl"])
    parent, child = ctx.Pipe(duplex=False)
    work = tempfile.mkdtemp(prefix="pia-render-")
    proc = ctx.Process(target=_child, args=(child, work, fn, args, kwargs), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise PiaError(f"{what} took longer than {timeout:g} seconds to render and was stopped")
        try:
            kind, value = parent.recv()
        except EOFError as exc:
            raise PiaError(f"{what} could not be rendered (the renderer stopped: out of memory?)") from exc
        proc.join(5)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
        shutil.rmtree(work, ignore_errors=True)
    if kind == "problems":  # a problem the child could not place is placed on `what`
        raise PiaError([p if p.file else Problem(what, p.line, p.col, p.path, p.message) for p in value])
    return value
