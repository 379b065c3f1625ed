"""Opening a run's files without following symlinks: a run directory is user data, and a ``perceive.lock`` or
``generations.jsonl`` that is a symlink would otherwise make a run truncate or append to whatever it points at
(``~/.bashrc``, another run's records). Such a file is refused with an error naming it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class SymlinkRefused(OSError):
    """A run file that is a symlink (the run will not write through it)."""


def open_fd(path: str | Path, flags: int, mode: int = 0o644) -> int:
    """``os.open`` with ``O_NOFOLLOW``; ``SymlinkRefused`` naming ``path`` when it is a symlink."""
    try:
        return os.open(path, flags | NOFOLLOW, mode)
    except OSError as e:
        if e.errno == errno.ELOOP or (e.errno in (errno.EMLINK, errno.ENOTDIR) and os.path.islink(path)):
            raise SymlinkRefused(errno.ELOOP, f"{path} is a symlink; a run never writes through one "
                                              "(replace it with a regular file)") from None
        raise


def fresh_file(path: str | Path) -> int:
    """A new empty file at ``path`` for writing (whatever was there, a symlink included, is removed first, so
    nothing it pointed at is touched)."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    return open_fd(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
