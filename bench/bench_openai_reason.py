"""Speed of `rapid-eval reason --backend openai` against a bare asyncio client (issue: >= 0.95x request rate,
>= 0.6x whole-process wall time, start-up included).

One loopback server answers every chat request after 50 ms and timestamps arrivals (rates are timed at the
server). Both clients send the same 400 prompts with the same concurrency (rapid-eval's default). Each side runs
REPEATS times, interleaved; medians are compared. Usage:
python bench/bench_openai_reason.py [--n 400] [--latency 0.05] [--concurrency 32] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

from rapid_eval.engines.scripted import ScriptedEngine
from rapid_eval.perception import perceive
from rapid_eval.prompts import PromptSet
from rapid_eval.reasoning import reasoner_request
from rapid_eval.storage.rundir import Run
from rapid_eval.types import PERCEPTOR_DEFAULTS, REASONER_DEFAULTS, Sample

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_stats(base: str, reset: bool = False) -> dict:
    with urllib.request.urlopen(f"{base}/{'reset' if reset else 'stats'}") as r:
        return json.loads(r.read())


def wait_ready(base: str, tries: int = 100) -> None:
    """Poll a loopback server's ``/stats`` until it answers (a just-started server is not listening yet)."""
    for _ in range(tries):
        try:
            server_stats(base)
            return
        except OSError:
            time.sleep(0.05)


def prepare_run(root: Path, n: int) -> list:
    samples = [Sample(id=str(i), task="bench", question=f"What is {i} + 5? Explain briefly.", answer=str(i + 5),
                      answer_type="integer") for i in range(n)]
    run = Run(root)
    perceive(run, ScriptedEngine("none"), samples, ["none"], PromptSet(), PERCEPTOR_DEFAULTS)
    sampling = replace(REASONER_DEFAULTS)
    return [[{"role": m.role, "content": m.text} for m in reasoner_request(s, "none", None, None, PromptSet(),
                                                                            sampling).messages] for s in samples]


def timed(cmd: list[str], base: str, tree: str | None = None) -> tuple[float, float]:
    """Wall time of ``cmd`` and the request rate the server saw; ``tree``: run it from that checkout."""
    server_stats(base, reset=True)
    env = dict(os.environ, PYTHONPATH=tree) if tree else None
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tree, env=env)
    wall = time.perf_counter() - t0
    st = server_stats(base)
    span = (st["last"] - st["first"]) if st["count"] > 1 else float("nan")
    return wall, (st["count"] - 1) / span if span else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=None, help="both clients (default: rapid-eval's default)")
    ap.add_argument("--baseline", default=None, help="another checkout of rapid-eval (e.g. `git worktree add` of an "
                    "earlier commit): its `reason` runs in the same rounds, interleaved, for a before/after")
    args = ap.parse_args()

    from rapid_eval.engines.registry import load_engine

    concurrency = args.concurrency or int(load_engine("openai", "bench", base_url="http://127.0.0.1:1/v1").concurrency)
    port = free_port()
    base = f"http://127.0.0.1:{port}/v1"
    server = subprocess.Popen([sys.executable, str(HERE / "loopback_server.py"), "--port", str(port),
                               "--latency", str(args.latency)])
    tmp = Path(tempfile.mkdtemp())
    try:
        wait_ready(base)
        prompts = prepare_run(tmp / "template", args.n)
        (tmp / "prompts.json").write_text(json.dumps(prompts))
        bare, ours, before = [], [], []
        for r in range(args.repeats):
            bare.append(timed([sys.executable, str(HERE / "bare_client.py"), base, str(tmp / "prompts.json"),
                               str(concurrency)], base))
            run_dir = tmp / f"run{r}"
            shutil.copytree(tmp / "template", run_dir)
            ours.append(timed([sys.executable, "-m", "rapid_eval.cli", "reason", "--reasoner", "bench", "--backend",
                               "openai", "--base-url", base, "--run", str(run_dir), "--engine-arg",
                               f"concurrency={concurrency}"], base))
            done = Run(run_dir).reasoning
            assert len(done) == args.n and not [x for x in done if x.get("error")], "not every request completed"
            if args.baseline:
                shutil.copytree(tmp / "template", tmp / f"before{r}")
                before.append(timed([sys.executable, "-m", "rapid_eval.cli", "reason", "--reasoner", "bench",
                                     "--backend", "openai", "--base-url", base, "--run", str(tmp / f"before{r}"),
                                     "--engine-arg", f"concurrency={concurrency}"], base, args.baseline))
    finally:
        server.terminate()
        shutil.rmtree(tmp, ignore_errors=True)

    bw, br = statistics.median(w for w, _ in bare), statistics.median(r for _, r in bare)
    ow, orate = statistics.median(w for w, _ in ours), statistics.median(r for _, r in ours)
    print(f"{args.n} requests, {args.latency * 1000:.0f} ms server latency, "
          f"concurrency {concurrency}" + ("" if args.concurrency else " (rapid-eval default)"))
    print(f"request rate at the server: bare client {br:8.1f} req/s | rapid-eval {orate:8.1f} req/s | "
          f"ratio {orate / br:.2f}x (goal >= 0.95x)")
    print(f"whole process wall time:    bare client {bw:8.2f} s     | rapid-eval {ow:8.2f} s     | "
          f"speed ratio {bw / ow:.2f}x (goal >= 0.60x)")
    if before:
        pw = statistics.median(w for w, _ in before)
        print(f"baseline checkout {args.baseline}: {pw:.2f} s, speed ratio {bw / pw:.2f}x")


if __name__ == "__main__":
    main()
