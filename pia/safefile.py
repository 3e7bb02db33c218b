"""Reading a file a user named, without surprises.

A path on the command line or on PIA_PATH can be a FIFO (reading blocks for
ever), a symlink to /dev/zero (reading never ends), a dangling link or a
3 GB log file. Every file pia reads for a user goes through here: regular
files only, opened without blocking, read with a byte limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import PiaError, Problem

HEAD_BYTES = 4096


def _refuse(path: Path, message: str) -> PiaError:
    return PiaError(Problem(str(path), 0, 0, "", message))


def check_regular(path: Path, max_bytes: int) -> int:
    """The size of a regular file no larger than max_bytes; a PiaError saying why otherwise."""
    try:
        st = path.stat()  # follows symlinks: the target is what would be read
    except FileNotFoundError:
        if path.is_symlink():
            raise _refuse(path, "a symbolic link to a file that does not exist") from None
        raise _refuse(path, "no such file") from None
    except OSError as exc:
        raise _refuse(path, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise _refuse(path, "is a folder, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise _refuse(path, "not a regular file (a pipe, device or socket); refused")
    if st.st_size > max_bytes:
        raise _refuse(path, f"file is {st.st_size:,} bytes; the limit is {max_bytes:,}")
    return st.st_size


def _open_regular(path: Path, max_bytes: int) -> int:
    """A descriptor on a regular file no larger than max_bytes; never blocks on a pipe, never a device."""
    check_regular(path, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refuse(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped between the check and the open
            raise _refuse(path, "not a regular file (a pipe, device or socket); refused")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path, max_bytes: int) -> bytes:
    """At most max_bytes from a regular file; never blocks on a pipe, never reads a device."""
    fd = _open_regular(path, max_bytes)
    try:
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise _refuse(path, f"file is larger than the limit of {max_bytes:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise _refuse(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_head(path: Path, max_bytes: int, head: int = HEAD_BYTES) -> bytes:
    """The first `head` bytes of a regular file no larger than max_bytes (for finding its `id:`)."""
    fd = _open_regular(path, max_bytes)
    try:
        return os.read(fd, head)
    except OSError as exc:
        raise _refuse(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
