"""Streamed `rapid-eval run` (reasoning starts on each perception record as it lands) against the same config
run sequentially (`stream: false`: perceive, then reason), perceptor and reasoner on two loopback servers that
answer after a fixed latency (issue 23: >= 1.6x, ideal ~2x when both stages take as long).

The config runs the bundled real items (tasks/fixtures) with VARIANTS through the `openai` backend at the given
concurrency; A (sequential) and B (streamed) alternate, each in a fresh run directory, as fresh CLI processes.
``--samples N``: instead of the bundled items, N real fixture items (MathVista, MathVision, WeMath) replicated
with distinct questions (as ``bench_scale.py`` builds them); ``--samples 160`` with the default variants makes 480
perception requests (cap, qcap, sol per item), the size of the issue's config.
Usage: python bench/bench_stream.py [--latency 0.3] [--concurrency 4] [--variants ...] [--repeats 3] [--samples N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_openai_reason import HERE, free_port, server_stats, wait_ready
from bench_scale import TASKS, make_data

ROOT = HERE.parent


ALL_TASKS = ["mathvista", "mathvision", "wemath", "dynamath", "mathverse", "logicvista", "mmmu", "realworldqa"]


def config(tmp: Path, name: str, stream: bool, bases: list[str], variants: str, concurrency: int,
           data: Path | None = None) -> Path:
    cfg = {
        "out": str(tmp / name), "data_dir": str(data or ROOT / "tasks" / "fixtures"),
        "tasks": list(TASKS) if data else ALL_TASKS,
        "perceptors": [{"model": "perceptor", "base_url": bases[0], "engine_args": {"concurrency": concurrency}}],
        "reasoners": [{"model": "reasoner", "base_url": bases[1], "engine_args": {"concurrency": concurrency}}],
        "variants": variants.split(","), "tables": ["variants"], "report": False, "stream": stream,
    }
    path = tmp / f"{name}.yaml"
    path.write_text(json.dumps(cfg))  # JSON is YAML
    return path


def timed(path: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rapid_eval.cli", "run", str(path)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency", type=float, default=0.3)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--variants", default="cap,qcap,sol,qcap+sol")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--samples", type=int, default=None, help="replicated fixture items instead of the bundled ones")
    args = ap.parse_args()
    ports = [free_port(), free_port()]
    bases = [f"http://127.0.0.1:{p}/v1" for p in ports]
    servers = [subprocess.Popen([sys.executable, str(HERE / "loopback_server.py"), "--port", str(p), "--latency",
                                 str(args.latency)]) for p in ports]
    tmp = Path(tempfile.mkdtemp())
    data = None
    if args.samples:
        data = tmp / "data"
        make_data(data, args.samples)
    seq, streamed, counts = [], [], []
    try:
        for base in bases:
            wait_ready(base)
        for r in range(args.repeats):
            for base in bases:
                server_stats(base, reset=True)
            seq.append(timed(config(tmp, f"seq{r}", False, bases, args.variants, args.concurrency, data)))
            counts = [server_stats(b)["count"] for b in bases]
            streamed.append(timed(config(tmp, f"stream{r}", True, bases, args.variants, args.concurrency, data)))
    finally:
        for s in servers:
            s.terminate()
    a, b = statistics.median(seq), statistics.median(streamed)
    p, q = counts
    if not (p and q):
        raise SystemExit(f"a server received no request ({p} perception, {q} reasoning): the run loaded no item")
    ideal = (p + q) / max(p, q)
    print(f"{p} perception + {q} reasoning requests, {args.latency * 1000:.0f} ms per request, concurrency "
          f"{args.concurrency} per server, {args.repeats} interleaved pairs")
    print(f"perceive then reason: {' '.join(f'{x:.1f}' for x in seq)} s | streamed: "
          f"{' '.join(f'{x:.1f}' for x in streamed)} s | ratio of medians {a / b:.2f}x "
          f"(goal >= 1.6x; request-bound ideal {ideal:.2f}x)")


if __name__ == "__main__":
    main()
