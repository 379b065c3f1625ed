"""VPO end to end on tiny real models: tiny Qwen2.5-VL policy, tiny Qwen3 reasoner, a few steps on CPU."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_rewards import Counting
from testlib import FIXTURES
from trainlib import GRADER
from typer.testing import CliRunner

pytest.importorskip("trl")

from rapid_eval.cli import app  # noqa: E402
from rapid_eval.engines.registry import load_engine  # noqa: E402
from rapid_eval.training.config import build_stages  # noqa: E402
from rapid_eval.training.runner import last_checkpoint, run_stage  # noqa: E402
from rapid_eval.training.trainlog import read_log  # noqa: E402

TINY = dict(max_steps=2, prompts_per_step=2, num_generations=4, updates_per_step=2, micro_batch=4,
            max_completion_length=12, reasoner_max_new_tokens=24, save_every=1)


def _weights(path: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(path / "model.safetensors"))


def test_vpo_steps_change_the_policy_one_reasoner_call_per_step(tiny_models, virl_data, tmp_path):
    out = tmp_path / "ckpt"
    cfg = build_stages("perception", flags=dict(data=str(virl_data), reasoner=str(tiny_models["llm"]),
                                                learning_rate=1e-2, weight_decay=0.0, grader=GRADER, **TINY))[0]
    reasoner = Counting(load_engine("hf", str(tiny_models["llm"]), device="cpu"))
    # hasCap fixed by the test (a rule on the caption): rewards 1 / 0.9 differ within a group, so gradients flow
    res = run_stage(cfg, str(tiny_models["vlm"]), out, reasoner=reasoner,
                    judge=lambda texts: [t.startswith("A") for t in texts], quiet=True)
    assert res.steps == 2
    assert reasoner.batches == [8, 8]  # exactly one batched call per step: 2 prompts x G=4 captions
    before, after = _weights(tiny_models["vlm"]), _weights(out)
    changed = [k for k in before if not before[k].equal(after[k])]
    assert changed, "no parameter changed"
    steps = [r for r in read_log(out / "train_log.jsonl") if r.get("event") == "step"]
    assert [r["step"] for r in steps] == [1, 2]
    for key in ("reward", "kl", "vpo/reasoner_accuracy", "vpo/contain_cap_ratio", "vpo/penalty_rate",
                "completions/mean_length", "clip_ratio/region_mean", "vpo/bad_items", "seconds"):
        assert key in steps[-1], key
    assert steps[0]["vpo/reasoner_accuracy"] == pytest.approx(1.0)  # every gold here is 5, the reasoner's answer
    assert list((out / "runs").rglob("events.out.tfevents*")), "no TensorBoard events"
    assert last_checkpoint(out) == out / "checkpoint-4"  # 2 rollout steps x 2 updates
    assert json.loads((out / "stage_done.json").read_text())["steps"] == 2


def test_cli_train_vpo_then_perceive_the_checkpoint(tiny_models, virl_data, tmp_path):
    out, run = tmp_path / "ckpt", tmp_path / "run"
    args = ["train-vpo", "--model", str(tiny_models["vlm"]), "--reasoner", str(tiny_models["llm"]),
            "--data", str(virl_data), "--out", str(out), "--max-steps", "2", "--prompts-per-step", "2",
            "--num-generations", "4", "--micro-batch", "4", "--max-completion-length", "8",
            "--reasoner-max-new-tokens", "16", "--report-to", "none",
            "--grader", GRADER]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert (out / "model.safetensors").is_file() and (out / "stage_done.json").is_file()
    res = CliRunner().invoke(app, ["perceive", "--model", str(out), "--tasks", "mathvista", "--data-dir",
                                   str(FIXTURES), "--variants", "qcap", "--out", str(run), "--limit", "1",
                                   "--max-new-tokens", "8"])
    assert res.exit_code == 0, res.output
    records = [json.loads(line) for f in run.rglob("*.jsonl") for line in f.read_text().splitlines() if line]
    assert any(r.get("part") == "qcap" or "qcap" in json.dumps(r) for r in records), records[:2]


def test_staged_curriculum_each_stage_starts_from_the_previous(tiny_models, tmp_path):
    from trainlib import write_virl

    rows = [{"qid": f"i{i}", "question": "How many?", "answer": "5", "image": [f"images/{i}.png"]} for i in range(2)]
    rows += [{"qid": f"t{i}", "question": f"What is {i} + 5?", "answer": str(i + 5), "image": []} for i in range(2)]
    data, out = write_virl(tmp_path / "data", rows, n_images=2), tmp_path / "ckpt"
    args = ["train-vpo", "--model", str(tiny_models["vlm"]), "--reasoner", str(tiny_models["llm"]),
            "--data", str(data), "--out", str(out), "--stages", "perception,visual_reasoning,textual_reasoning",
            "--max-steps", "1", "--prompts-per-step", "2", "--num-generations", "4", "--micro-batch", "8",
            "--max-completion-length", "6", "--reasoner-max-new-tokens", "16", "--report-to", "none",
            "--grader", GRADER]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    dirs = [out / "stage1-perception", out / "stage2-visual_reasoning", out / "stage3-textual_reasoning"]
    inits = [json.loads((d / "stage_done.json").read_text())["init"] for d in dirs]
    assert inits == [str(tiny_models["vlm"]), str(dirs[0]), str(dirs[1])]
    logs = [read_log(d / "train_log.jsonl") for d in dirs]
    assert "vpo/reasoner_accuracy" in [r for r in logs[0] if r.get("event") == "step"][0]
    assert "solution/accuracy" in [r for r in logs[2] if r.get("event") == "step"][0]
    assert (out / "model.safetensors").read_bytes() == (dirs[2] / "model.safetensors").read_bytes()
    again = CliRunner().invoke(app, args)  # a rerun skips finished stages
    assert again.exit_code == 0 and again.output.count("already finished") == 3, again.output
