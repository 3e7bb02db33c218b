"""Writing a file so that it is either the old one or the complete new one.

Why not `.NAME.tmp` beside the target: a predictable name in a shared folder
lets another user plant a symlink there and have the write land on any file
we can write. `mkstemp` picks an unguessable name and creates it with O_EXCL
(never following a link); the temporary file is removed on any failure, so
a full disk leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import PiaError


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race with threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` through an unpredictable temporary file in the same folder."""
    path = Path(path)
    folder = path.parent
    try:
        mode = path.stat().st_mode & 0o7777  # keep the mode of the file we replace
    except OSError:
        mode = 0o666 & ~_umask()  # what a plain open() would have given
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:100]}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
        _sync_folder(folder)
    except OSError as exc:
        raise PiaError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every filesystem allows it, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
