"""Zero-call reruns on the hf backend (issue 23: <= 2.5 s each): ``perceive`` and ``reason`` run again on a finished
run, as fresh CLI processes, and must make no model call.

The run is built once with the tiny models (``rapid-eval dev tiny-models``, in the user cache) on the bundled items
of all eight tasks, six variants, 16 new tokens. ``--baseline DIR`` also times another checkout (an earlier commit)
in the same rounds, interleaved. Usage: python bench/bench_rerun.py [--repeats 3] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = "mathvista,mathvision,wemath,dynamath,mathverse,logicvista,mmmu,realworldqa"


def command(stage: str, models: Path, run: Path) -> list[str]:
    if stage == "perceive":
        return ["perceive", "--model", str(models / "vlm"), "--tasks", TASKS, "--data-dir",
                str(ROOT / "tasks" / "fixtures"), "--out", str(run), "--variants",
                "cap,qcap,sol,cap+sol,qcap+sol,direct", "--max-new-tokens", "16", "--backend", "hf"]
    return ["reason", "--reasoner", str(models / "llm"), "--run", str(run), "--max-new-tokens", "16", "--backend", "hf"]


def timed(tree: Path, args: list[str]) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), OMP_NUM_THREADS="1")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "rapid_eval.cli", *args], cwd=tree, env=env, capture_output=True,
                         text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    return time.perf_counter() - t0, out.stderr


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None, help="another checkout, timed in the same rounds")
    args = ap.parse_args()
    from rapid_eval.dev.tiny_models import build_tiny_models
    from rapid_eval.paths import cache_dir

    models = cache_dir() / "tiny-models"
    build_tiny_models(models)
    tmp = Path(tempfile.mkdtemp())
    try:
        _rounds(args, models, tmp / "run")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _rounds(args: argparse.Namespace, models: Path, run: Path) -> None:
    for stage in ("perceive", "reason"):
        wall, log = timed(ROOT, command(stage, models, run))
        print(f"build {stage}: {wall:.1f} s ({log.strip().splitlines()[-1][:120]})")
    trees = [ROOT] + ([args.baseline.resolve()] if args.baseline else [])
    times: dict[tuple[Path, str], list[float]] = {}
    for _ in range(args.repeats):
        for tree in trees:
            for stage in ("perceive", "reason"):
                wall, log = timed(tree, command(stage, models, run))
                if " 0 generated" not in log:
                    raise SystemExit(f"{stage} made model calls on a rerun:\n{log[-800:]}")
                times.setdefault((tree, stage), []).append(wall)
    for (tree, stage), walls in times.items():
        print(f"{'this checkout' if tree == ROOT else str(tree):28s} {stage:8s} zero-call rerun: median "
              f"{statistics.median(walls):.2f} s (goal <= 2.5 s)  all {' '.join(f'{w:.2f}' for w in walls)}")


if __name__ == "__main__":
    main()
