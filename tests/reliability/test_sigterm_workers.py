"""SIGTERM (or kill -9) of a process scoring in worker processes leaves no worker behind: a worker stuck in sympy
C code on a LaTeX power tower used to spin at 99 % CPU after its parent was gone."""

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


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out |= {int(c) for c in (task / "children").read_text().split()}
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_no_scoring_worker_outlives_its_parent(sig):
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _children(proc.pid)
        assert len(workers) >= 2, "the workers never started"
        time.sleep(1.0)  # they are inside sympy now
        proc.send_signal(sig)
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
