"""Crash safety: ``kill -9`` mid-run, then the same command resumes (step counter and optimiser state go on);
a reasoner that is down for good stops the run with a clear message and a resumable checkpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from trainlib import GRADER
from typer.testing import CliRunner

pytest.importorskip("trl")

from rapid_eval.cli import app  # noqa: E402
from rapid_eval.training.runner import last_checkpoint  # noqa: E402
from rapid_eval.training.trainlog import read_log  # noqa: E402


def _args(tiny_models, data, out, steps) -> list[str]:
    return ["train-vpo", "--model", str(tiny_models["vlm"]), "--reasoner", str(tiny_models["llm"]),
            "--data", str(data), "--out", str(out), "--max-steps", str(steps), "--prompts-per-step", "2",
            "--num-generations", "4", "--updates-per-step", "1", "--micro-batch", "8",
            "--max-completion-length", "6", "--reasoner-max-new-tokens", "16", "--save-every", "1",
            "--report-to", "none", "--lr", "1e-3", "--grader", GRADER]


def _optimizer_step(ckpt: Path) -> int:
    import torch

    state = torch.load(ckpt / "optimizer.pt", map_location="cpu", weights_only=False)["state"]
    return int(next(iter(state.values()))["step"])


def test_kill_9_then_resume(tiny_models, virl_data, tmp_path):
    out = tmp_path / "ckpt"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "rapid_eval.cli", *_args(tiny_models, virl_data, out, 100)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if last_checkpoint(out) is not None and last_checkpoint(out).name != "checkpoint-1":
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    killed_at = last_checkpoint(out)
    assert killed_at is not None and not (out / "stage_done.json").exists(), "the run was not killed mid-way"
    k = int(killed_at.name.split("-")[1])
    assert _optimizer_step(killed_at) == k

    res = CliRunner().invoke(app, _args(tiny_models, virl_data, out, k + 1))
    assert res.exit_code == 0, res.output
    final = last_checkpoint(out)
    assert final.name == f"checkpoint-{k + 1}"
    assert _optimizer_step(final) == k + 1  # Adam's step count went on from the killed run's checkpoint
    rows = read_log(out / "train_log.jsonl")
    resume = [r for r in rows if r.get("event") == "resume"]
    assert resume and resume[-1]["checkpoint"] == str(killed_at)
    after = [r["step"] for r in rows[rows.index(resume[-1]):] if r.get("event") == "step"]
    assert after == [k + 1]  # only the missing step ran


def test_reasoner_down_stops_with_a_resumable_checkpoint(tiny_models, virl_data, tmp_path):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "ckpt"
    args = _args(tiny_models, virl_data, out, 3) + [
        "--reasoner-backend", "openai", "--reasoner-base-url", f"http://127.0.0.1:{port}/v1",
        "--reasoner-arg", "max_retries=0", "--reasoner-arg", "timeout=5", "--config", str(tmp_path / "c.yaml")]
    (tmp_path / "c.yaml").write_text("reasoner_max_failed_steps: 1\n")
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 3, res.output
    assert "failed every request" in res.output and "rerun the same command to resume" in res.output
    ckpt = last_checkpoint(out)
    assert ckpt is not None and (ckpt / "model.safetensors").is_file()
    assert any(r.get("event") == "stopped" for r in read_log(out / "train_log.jsonl"))


def test_rerun_with_more_steps_extends_a_finished_stage(tiny_models, virl_data, tmp_path):
    """A finished stage rerun with a larger --max-steps trains the missing steps (it used to say 'already done')."""
    out = tmp_path / "ckpt"
    res = CliRunner().invoke(app, _args(tiny_models, virl_data, out, 1))
    assert res.exit_code == 0, res.output
    assert (out / "stage_done.json").is_file() and last_checkpoint(out).name == "checkpoint-1"
    res = CliRunner().invoke(app, _args(tiny_models, virl_data, out, 2))
    assert res.exit_code == 0, res.output
    final = last_checkpoint(out)
    assert final.name == "checkpoint-2" and _optimizer_step(final) == 2
    assert [r["step"] for r in read_log(out / "train_log.jsonl") if r.get("event") == "step"] == [1, 2]
    res = CliRunner().invoke(app, _args(tiny_models, virl_data, out, 2))  # same steps again: skipped
    assert res.exit_code == 0 and "already done" in res.output
