"""SIGTERM of a process scoring in worker processes leaves no worker behind: a worker stuck in sympy on a LaTeX
power tower used to spin at 99 % CPU after its parent was gone. (kill -9 cannot be handled by the parent; the
fork server outlives it too, so that case is not claimed.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = r"""
from rapid_eval.scoring import get_scorer, score_all
from rapid_eval.types import Sample
tower = r"\boxed{2^{2^{2^{2^{2^{2^{2}}}}}}}"
samples = [Sample(id=str(i), task="t", question="q", answer="4", answer_type="integer") for i in range(4)]
score_all(get_scorer("generic"), samples, [tower] * 4, workers=2, timeout=300)
"""


def _descendants(pid: int) -> set[int]:
    """Children, grandchildren ... (scoring workers are forked by the fork server, a child of the scorer)."""
    out: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
            kids = {int(c) for t in tasks for c in (t / "children").read_text().split()}
        except OSError:
            continue
        todo += kids - out
        out |= kids
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_no_scoring_worker_outlives_a_sigterm_of_its_parent():
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 4 and time.monotonic() < deadline:  # fork server, resource tracker, 2 workers
            time.sleep(0.2)
            workers = _descendants(proc.pid)
        assert len(workers) >= 4, f"the workers never started ({workers})"
        time.sleep(1.0)  # they are inside sympy now
        workers = _descendants(proc.pid)
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        end = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < end:
            time.sleep(0.1)
        left = [w for w in workers if _alive(w)]
        for w in left:
            os.kill(w, signal.SIGKILL)
        assert not left, f"workers {left} outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
