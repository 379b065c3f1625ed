"""README's first command, ``rapid-eval demo``, as a user runs it: a fresh process, offline, the tiny models and
the bundled real items, perceive -> reason -> scores on stdout; run again, it makes no model call."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from rapid_eval.paths import fixtures_dir


@pytest.mark.slow
def test_the_readme_demo_runs_offline_and_its_rerun_makes_no_call(tiny_models, tmp_path):
    run = tmp_path / "demo"
    env = {**os.environ, "RAPID_EVAL_TINY_MODELS": str(tiny_models["vlm"].parent), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "rapid_eval.cli", "demo", "--run", str(run)]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "official scoring" in first.stdout and "demo finished" in first.stderr  # tables on stdout

    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    bundled = {p.parent.name for p in fixtures_dir().glob("*/samples.jsonl")}
    assert {r["task"] for r in summary["rows"]} == bundled and summary["answers"] > 0
    lines = [json.loads(x) for x in (run / "stats.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [s["command"] for s in lines] == ["demo:perceive", "demo:reason"]
    assert all(s["generated"] > 0 and s["failed"] == 0 for s in lines)

    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    reruns = [json.loads(x) for x in (run / "stats.jsonl").read_text(encoding="utf-8").splitlines()][2:]
    assert [(s["command"], s["generated"]) for s in reruns] == [("demo:perceive", 0), ("demo:reason", 0)]
    assert all(s["reused"] > 0 and s["records"] == first_run["records"] for s, first_run in zip(reruns, lines,
                                                                                              strict=True))
