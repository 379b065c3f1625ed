"""Growth of a run with its size (issue 13): wall time, peak RSS and ms per record of build, rerun, score, table.

For each size N it writes a data folder of real fixture items (MathVista, MathVision, WeMath) replicated with
distinct question texts, then times the CLI in fresh processes with the scripted backend:

- ``build``: ``perceive`` of the six reasoned variants over N/6 samples + ``reason`` (which scores): N reasoning
  records, each a distinct reasoner call (the caption, query-caption and solution calls are shared by variants);
- ``rerun``: the same two commands again: zero model calls, nothing rescored (the issue's goal at 100k: <= 20 s
  and <= 1 GB peak RSS);
- ``score``: ``rapid-eval score`` (every verdict served from the verdict cache);
- ``table``: ``Run(path).table("verdicts")`` and ``.table("reasoning")`` in a fresh interpreter.

Peak RSS is the child's own ``ru_maxrss`` (``os.wait4``), so steps do not mask each other; CPU is the children's
user + system time, the figure to compare on a shared machine (wall time there mostly measures the neighbours).
Usage: ``python bench/bench_scale.py [--sizes 1000,10000,100000] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tasks" / "fixtures"
TASKS = ("mathvista", "mathvision", "wemath")
ID_FIELDS = ("pid", "id", "ID", "question_id", "index")
VARIANTS = "none,cap,qcap,sol,cap+sol,qcap+sol"
PER_SAMPLE = 6
"""Reasoning records per sample (one per variant above)."""


def make_data(out: Path, samples: int) -> None:
    """``samples`` items spread over TASKS, each a fixture row with a distinct id and question."""
    per_task = -(-samples // len(TASKS))
    for task in TASKS:
        rows = [json.loads(x) for x in (FIXTURES / task / "samples.jsonl").read_text().splitlines() if x.strip()]
        d = out / task
        d.mkdir(parents=True)
        # copied, not linked: task images must lie inside the data folder (a symlink out of it is refused)
        shutil.copytree(FIXTURES / task / "images", d / "images")
        with open(d / "samples.jsonl", "w") as f:
            for i in range(per_task):
                row = dict(rows[i % len(rows)])
                for k in ID_FIELDS:
                    if k in row:
                        row[k] = f"{row[k]}-r{i}"
                for k in ("question", "query"):
                    if isinstance(row.get(k), str):
                        row[k] = f"{row[k]} (copy {i})"
                f.write(json.dumps(row) + "\n")


def timed(cmd: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one child process; raises if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "rapid_eval.cli", *args]


def bench_size(tmp: Path, n: int) -> dict[str, tuple[float, float, float]]:
    data, run = tmp / f"data{n}", tmp / f"run{n}"
    make_data(data, -(-n // PER_SAMPLE))
    perceive = cli("perceive", "--model", "vlm", "--backend", "scripted", "--tasks", ",".join(TASKS),
                   "--data-dir", str(data), "--variants", VARIANTS, "--out", str(run))
    reason = cli("reason", "--reasoner", "llm", "--backend", "scripted", "--run", str(run))
    out: dict[str, tuple[float, float, float]] = {}
    for step, cmds in (("build", (perceive, reason)), ("rerun", (perceive, reason)),
                       ("score", (cli("score", "--run", str(run)),)),
                       ("table", ([sys.executable, "-c", "import sys; from rapid_eval import Run; r = Run(sys.argv[1]);"
                                   " assert len(r.table('verdicts')) == len(r.table('reasoning'))", str(run)],))):
        walls, cpus, rss = zip(*(timed(c) for c in cmds), strict=True)
        out[step] = (sum(walls), sum(cpus), max(rss))
    records = sum(1 for _ in open(run / "reasoning.jsonl"))
    sizes = {p.name: p.stat().st_size / 1e6 for p in run.glob("*.jsonl")}
    print(f"  N={n}: {records} reasoning records; files MB: "
          + ", ".join(f"{k} {v:.1f}" for k, v in sorted(sizes.items())), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--keep", type=Path, help="Build the runs here and keep them")
    args = ap.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp())
    tmp.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            res = bench_size(tmp, n)
            for step, (wall, cpu, rss) in res.items():
                rows.append((n, step, wall, cpu, rss))
                print(f"{n:>8} {step:<6} {wall:8.2f} s wall {cpu:8.2f} s CPU {rss:8.0f} MB peak RSS "
                      f"{wall / n * 1000:8.3f} ms/record", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\nrecords  step       wall        CPU      peak RSS   ms/record (wall)   "
          "(rerun goal at 100k: <= 20 s, <= 1024 MB)")
    for n, step, wall, cpu, rss in rows:
        print(f"{n:>8} {step:<6} {wall:8.2f} s {cpu:8.2f} s {rss:8.0f} MB {wall / n * 1000:8.3f}")


if __name__ == "__main__":
    main()
