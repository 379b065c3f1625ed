"""A run is single-writer per stage: an advisory ``flock`` on ``RUN/<stage>.lock`` (issue 9).

Two ``reason`` (or ``perceive``, or ``score``) on one run at once would make every call twice and append every
record twice; the second one is refused at once, with the first one's pid, instead of waiting: a user who starts
a command twice wants to know, not to queue. The lock is ``fcntl.flock`` on an open file, so the kernel releases
it when the holder exits, kill -9 included: there is no stale lock to clean up. The pid written into the file is
only for the message. Readers (``Run(path).table()``, reporters) take no lock: the store never lets a reader
modify a file (see :mod:`rapid_eval.storage.store`).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from rapid_eval.storage.nofollow import open_fd


class RunLocked(RuntimeError):
    """Another process holds this run's lock for the stage."""


class StageLock:
    """Exclusive lock of one stage of one run; a context manager (``with StageLock(root, "reason"):``)."""

    def __init__(self, root: str | Path, stage: str):
        """Opens nothing: the lock file ``<root>/<stage>.lock`` is created and locked by ``acquire``."""
        self.path = Path(root) / f"{stage}.lock"
        self.stage = stage
        self._fd: int | None = None
        self._depth = 0  # re-entrant within this object (``api.reason`` inside a caller's ``with run.lock(...)``)

    def acquire(self) -> StageLock:
        """Take the lock without waiting and write this pid into the lock file; returns ``self``.

        Re-entrant: a second ``acquire`` on the same object only counts (one ``release`` each).

        Raises:
            RunLocked: another process holds the stage (the message names its pid and the lock file).
        """
        if self._fd is not None:
            self._depth += 1
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = open_fd(self.path, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_pid(fd)
            os.close(fd)
            who = f"process {holder}" if holder else "another process"
            raise RunLocked(f"{self.path.parent}: {who} is already running `{self.stage}` on this run "
                            f"(lock {self.path}); wait for it to finish, or stop it, then rerun") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        self._depth = 1
        return self

    def release(self) -> None:
        """Undo one ``acquire``; the last one empties the pid from the file and closes it, which frees the lock."""
        self._depth -= 1
        if self._fd is not None and self._depth <= 0:
            try:
                os.ftruncate(self._fd, 0)
            finally:
                os.close(self._fd)  # closing releases the flock
                self._fd = None

    def __enter__(self) -> StageLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None
