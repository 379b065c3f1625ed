"""kill -9 at random moments of perceive, reason and score, then resume: the run ends identical to an
uninterrupted one (same records, no duplicated model call, same verdicts and summary)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from testlib import FIXTURES

TASKS = "wemath,mathvision,dynamath"


def _stage(stage: str, run: Path, delay: float) -> list[str]:
    base = [sys.executable, "-m", "rapid_eval.cli"]
    if stage == "perceive":
        return base + ["perceive", "--model", "vlm", "--backend", "scripted", "--engine-arg", f"delay={delay}",
                       "--engine-arg", "reply=A caption. The answer is \\boxed{{last_word}}.", "--tasks", TASKS,
                       "--variants", "cap,sol,direct", "--data-dir", str(FIXTURES), "--out", str(run)]
    if stage == "reason":
        return base + ["reason", "--reasoner", "llm", "--backend", "scripted", "--engine-arg", f"delay={delay}",
                       "--run", str(run)]
    return base + ["score", "--run", str(run)]


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []


def _content(run: Path) -> dict:
    drop = {"seconds", "finished", "started"}
    out = {}
    for name in ("perception", "reasoning", "verdicts"):
        rows = {r["key"]: {k: v for k, v in r.items() if k not in drop} for r in _lines(run / f"{name}.jsonl")}
        out[name] = sorted(json.dumps(v, sort_keys=True) for v in rows.values())
    summary = json.loads((run / "summary.json").read_text())
    out["summary"] = json.dumps(summary["rows"], sort_keys=True)
    return out


def test_kill_9_at_random_moments_then_resume_matches_an_uninterrupted_run(tmp_path):
    ref = tmp_path / "ref"
    for stage in ("perceive", "reason", "score"):
        subprocess.run(_stage(stage, ref, 0.0), check=True, capture_output=True, timeout=120)
    total = len(_lines(ref / "generations.jsonl"))
    rng = random.Random(11)
    run = tmp_path / "run"
    for stage in ("perceive", "reason", "score"):
        before = len(_lines(run / "generations.jsonl"))
        proc = subprocess.Popen(_stage(stage, run, 0.03), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if stage == "score":  # no model calls: kill at a random moment of its ~1 s
            time.sleep(rng.uniform(0.2, 1.0))
        else:  # kill after a random number of this stage's calls have landed
            target, deadline = before + rng.randint(1, 8), time.time() + 60
            while len(_lines(run / "generations.jsonl")) < target and time.time() < deadline:
                time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        if stage != "score":
            assert len(_lines(run / "generations.jsonl")) < total, f"the kill must land mid-{stage}"
        subprocess.run(_stage(stage, run, 0.0), check=True, capture_output=True, timeout=120)
    assert _content(run) == _content(ref)
    keys = Counter(g["key"] for g in _lines(run / "generations.jsonl"))
    assert keys and max(keys.values()) == 1, "a model call was made twice"
