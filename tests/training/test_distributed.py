"""The trainer under ``accelerate launch`` with 2 CPU processes (torchrun, gloo): the processes split each step's
prompts, each rank's reward batch goes to its own reasoner server, rank 0 alone writes the log and checkpoints,
and the first-step reward equals a 1-process run's with the same global batch."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from testlib import FIXTURES, REPO

pytest.importorskip("trl")
pytest.importorskip("accelerate")

from rapid_eval.dev.fault_server import fault_server  # noqa: E402
from rapid_eval.training.trainlog import read_log  # noqa: E402

ENV = {"PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
ANSWER = "\\boxed{5}"  # the servers' reasoner answers 5 whatever the caption: gold 5 (even items) earns 1, gold 7 0


def _train(cmd: list[str], model: Path, data: Path, out: Path, urls: str) -> subprocess.CompletedProcess:
    args = ["train-vpo", "--model", str(model), "--reasoner", "fault-model", "--reasoner-backend", "openai",
            "--reasoner-base-url", urls, "--data", str(data), "--out", str(out), "--max-steps", "1",
            "--prompts-per-step", "4", "--num-generations", "2", "--micro-batch", "4", "--updates-per-step", "1",
            "--max-completion-length", "6", "--hascap-judge", "none", "--report-to", "none", "--seed", "3"]
    return subprocess.run([*cmd, "-m", "rapid_eval.cli", *args], capture_output=True, text=True, timeout=170,
                          env=ENV, cwd=REPO)


def _figures(prompts: list[str]) -> Counter[str]:
    """Which items (``figure <i>``) a server was asked about, with multiplicity."""
    return Counter(m.group(1) for p in prompts for m in [re.search(r"figure (\d+)", p)] if m)


@pytest.mark.slow
def test_two_cpu_processes_split_the_step_and_match_one_process(tiny_models, virl_data, tmp_path):
    launch = [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
              "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no", "--main_process_port", "0"]
    with fault_server(rate=0.0, answer=ANSWER) as (u0, s0), fault_server(rate=0.0, answer=ANSWER) as (u1, s1):
        two = _train(launch, tiny_models["vlm"], virl_data, tmp_path / "two", f"{u0},{u1}")
        assert two.returncode == 0, two.stderr[-3000:]
        with fault_server(rate=0.0, answer=ANSWER) as (u, s):
            one = _train([sys.executable], tiny_models["vlm"], virl_data, tmp_path / "one", u)
            assert one.returncode == 0, one.stderr[-3000:]
    # each rank sent its half of the step (4 prompts x G=2 = 8 completions) to its own server
    assert len(s0.prompts) == len(s1.prompts) == 4 and len(s.prompts) == 8
    # together the two ranks covered exactly the prompts the single process saw: a split, not a copy
    assert _figures(s0.prompts) + _figures(s1.prompts) == _figures(s.prompts)
    assert not set(_figures(s0.prompts)) & set(_figures(s1.prompts))  # G rollouts of one prompt stay on one rank
    log2, log1 = ([r for r in read_log(d / "train_log.jsonl") if r.get("event") == "step"]
                  for d in (tmp_path / "two", tmp_path / "one"))
    assert len(log2) == 1, "rank 0 alone writes the log"  # one line per step, not one per rank
    assert (log2[0]["world_size"], log2[0]["rank_completions"]) == (2, 4)
    assert (log1[0]["world_size"], log1[0]["rank_completions"]) == (1, 8)
    gold5 = sum(n for f, n in _figures(s.prompts).items() if int(f) % 2 == 0) / 8
    assert log2[0]["reward"] == pytest.approx(log1[0]["reward"]) == pytest.approx(gold5)
    assert json.loads((tmp_path / "two" / "stage_done.json").read_text())["steps"] == 1
    # the 2-process checkpoint is a model perceive loads
    run = tmp_path / "run"
    p = subprocess.run([sys.executable, "-m", "rapid_eval.cli", "perceive", "--model", str(tmp_path / "two"),
                        "--backend", "hf", "--tasks", "mathvista", "--data-dir", str(FIXTURES), "--limit", "1",
                        "--variants", "cap", "--max-new-tokens", "4", "--out", str(run)],
                       capture_output=True, text=True, timeout=120, env=ENV)
    assert p.returncode == 0, p.stderr[-2000:]
    assert [r["error"] if "error" in r else "ok" for r in map(json.loads, (run / "perception.jsonl").open())] == ["ok"]
