"""Reliability under injected faults: completion rate, wall time relative to no faults, and retries counted.

For each fault rate (0 %, 20 %, 50 % by default) one fresh run does ``perceive`` then ``reason`` through the
CLI against ``rapid_eval.dev.fault_server`` on 127.0.0.1 (every fault kind: 429 with Retry-After, 500, 503,
hangs, dropped connections, truncated JSON, empty choices, non-UTF-8 bodies, 1 MB answers), over the bundled
real items of seven benchmarks (about 200 records per run). A run that ends with failed records is rerun once
(the documented recovery); the table shows completion after the first pass and after the rerun, the wall time
of both passes relative to the faultless run, and the retries ``stats.jsonl`` counted against the faults the
server injected.

    python bench/bench_faults.py [--rates 0,0.2,0.5] [--hang 2] [--timeout 1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapid_eval.dev.fault_server import FAULTS, fault_server

REPO = Path(__file__).resolve().parent.parent
TASKS = "wemath,mathvision,dynamath,mathverse,mathvista,logicvista,mmmu"


def _cli(*args: str) -> int:
    return subprocess.run([sys.executable, "-m", "rapid_eval.cli", *args], capture_output=True,
                          timeout=1800).returncode


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []


def one_pass(out: Path, url: str, engine_args: list[str]) -> None:
    _cli("perceive", "--model", "vlm", "--base-url", url, "--tasks", TASKS, "--variants", "cap,qcap,sol,none",
         "--data-dir", str(REPO / "tasks" / "fixtures"), "--out", str(out), "--allow-incomplete", *engine_args)
    _cli("reason", "--reasoner", "llm", "--base-url", url, "--run", str(out), "--allow-incomplete", *engine_args)


def completion(out: Path) -> tuple[int, int]:
    """(records without error, all records), perception and reasoning together, latest line per key."""
    rows = {}
    for name in ("perception", "reasoning"):
        rows.update({r["key"]: r for r in _lines(out / f"{name}.jsonl")})
    return sum(1 for r in rows.values() if not r.get("error")), len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rates", default="0,0.2,0.5")
    ap.add_argument("--hang", type=float, default=2.0, help="seconds a hung request stays silent")
    ap.add_argument("--timeout", type=float, default=1.0, help="the engine's read timeout")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    engine_args = []
    for k, v in {"timeout": args.timeout, "backoff_base": 0.05, "backoff_max": 0.5, "concurrency": 16}.items():
        engine_args += ["--engine-arg", f"{k}={v}"]
    tmp = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    base_wall = None
    print(f"{'faults':>6} {'complete (1st pass)':>20} {'after rerun':>12} {'wall x':>7} {'retries':>8} "
          f"{'injected':>9} {'by cause'}")
    try:
        for rate in [float(r) for r in args.rates.split(",")]:
            out = tmp / f"rate-{rate}"
            with fault_server(rate=rate, seed=args.seed, hang=args.hang, retry_after=0.2) as (url, server):
                t0 = time.perf_counter()
                one_pass(out, url, engine_args)
                first = completion(out)
                if first[0] < first[1]:
                    one_pass(out, url, engine_args)
                wall = time.perf_counter() - t0
                counts = dict(server.counts)
            done = completion(out)
            stats = _lines(out / "stats.jsonl")
            retries = sum(s.get("retries", 0) for s in stats)
            causes: dict[str, int] = {}
            for s in stats:
                for c, n in (s.get("retries_by_cause") or {}).items():
                    causes[c] = causes.get(c, 0) + n
            injected = sum(counts.get(k, 0) for k in FAULTS if k != "huge")
            base_wall = base_wall or wall
            print(f"{rate:>6.0%} {first[0]:>9}/{first[1]:<4} {100 * first[0] / first[1]:>5.1f}% "
                  f"{100 * done[0] / done[1]:>11.1f}% {wall / base_wall:>7.2f} {retries:>8} {injected:>9} "
                  f"{json.dumps(causes, sort_keys=True)}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
