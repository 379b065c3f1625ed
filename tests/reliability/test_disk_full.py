"""A full disk while a stage logs its statistics: the error names ``stats.jsonl`` and its earlier lines survive.

The file-size limit (``RLIMIT_FSIZE``, what ``ulimit -f`` sets) makes the kernel refuse to grow a file past a
size, exactly as a full disk refuses to grow it (``EFBIG`` instead of ``ENOSPC``; the same ``OSError`` path),
so the test needs no special filesystem and no root.
"""

from __future__ import annotations

import json
import subprocess
import sys

from testlib import FIXTURES

import rapid_eval

WRITER = r"""
import resource, signal, sys, time
from rapid_eval.storage.cache import CallStats
from rapid_eval.storage.rundir import Run

root, limit = sys.argv[1], int(sys.argv[2])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    Run(root, create=False).log_stats("perceive", 1, CallStats(), time.time())
except OSError as e:
    print(str(e))
    sys.exit(3)
"""


def test_a_full_disk_while_logging_stats_names_the_file_and_keeps_earlier_lines(tmp_path):
    run = tmp_path / "run"
    with rapid_eval.load_engine("scripted", "vlm") as vlm:
        rapid_eval.perceive(rapid_eval.load_tasks("mathvista", data_dir=FIXTURES), vlm, "cap", run)
    stats = run / "stats.jsonl"
    before = stats.read_bytes()
    assert json.loads(before.splitlines()[-1])["command"] == "perceive"
    padded = before + b" " * (256 * 1024 - len(before)) + b"\n"  # bigger than every other file the call touches
    stats.write_bytes(padded)

    out = subprocess.run([sys.executable, "-c", WRITER, str(run), str(len(padded) + 16)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 3, out.stderr[-2000:]
    assert f"cannot write {stats}" in out.stdout, out.stdout
    assert stats.read_bytes()[:len(padded)] == padded  # nothing written earlier is lost
