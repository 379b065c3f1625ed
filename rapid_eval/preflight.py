"""Checks made before the first model call, so a run never pays for requests it cannot store.

``check_writable(path)`` creates the run directory if needed, writes, fsyncs and removes a probe file in it, and
checks the free space: a read-only, missing or full directory fails at once with one line naming the path,
instead of after the first batch of (possibly paid) requests has been answered.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MIN_FREE_BYTES = 64 << 20
"""Refuse to start with less free space than this (64 MiB): records of one batch fit well within it."""


class NotWritable(OSError):
    """The run directory cannot hold the run's records."""


def check_writable(path: str | Path, min_free: int = MIN_FREE_BYTES) -> Path:
    """Make sure ``path`` (a run directory, created if missing) accepts writes and has ``min_free`` bytes free."""
    root = Path(path)
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".rapid-eval-write-check-{os.getpid()}"
        with open(probe, "wb") as f:
            f.write(b"ok\n")
            f.flush()
            os.fsync(f.fileno())
        probe.unlink()
    except OSError as e:
        raise NotWritable(f"{root}: cannot write the run directory ({e.strerror or e}); nothing was sent") from None
    free = shutil.disk_usage(root).free
    if free < min_free:
        raise NotWritable(f"{root}: only {free >> 20} MiB free on its disk (at least {min_free >> 20} MiB needed); "
                          "nothing was sent")
    return root
