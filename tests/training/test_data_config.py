"""Training data resolution (ViRL39K, benchmark jsonl, task name), stage configs and the TRL batch layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testlib import FIXTURES
from trainlib import write_virl

from rapid_eval.training.config import build_stages
from rapid_eval.training.data import load_training_data
from rapid_eval.training.dataset import load_images, stage_samples
from rapid_eval.training.trl_args import batch_layout


def test_virl_rows_sources_and_bad_rows(tmp_path: Path):
    rows = [{"qid": "a", "question": "<image>Which is larger?", "answer": "\\boxed{B}", "image": ["images/0.png"],
             "source": "GeoQA", "category": "geometry"},
            {"qid": "b", "question": "Compute 2+2.", "answer": "4", "image": [], "source": "DeepScaleR"},
            {"qid": "c", "question": "Empty gold?", "answer": "  ", "image": ["images/1.png"], "source": "X"},
            {"qid": "d", "problem": "What is x?", "answer": "3", "images": ["images/1.png"], "source": "X"}]
    path = write_virl(tmp_path, rows)
    with path.open("a") as f:
        f.write("{broken\n")
    data = load_training_data(str(path), exclude_sources=["DeepScaleR"])
    assert [s.id for s in data.samples] == ["a", "d"]
    a = data.samples[0]
    assert a.question == "Which is larger?" and a.answer == "B"
    assert a.images == (str(tmp_path / "images" / "0.png"),) and a.metadata["source"] == "GeoQA"
    assert data.excluded == 1
    assert any(e.startswith(f"{path}:3: sample c: empty answer") for e in data.errors)
    assert any(e.startswith(f"{path}:5: not JSON") for e in data.errors)
    kept = load_training_data(str(path), exclude_sources=[])
    assert [s.id for s in stage_samples(kept.samples, "textual_reasoning")] == ["b"]
    assert [s.id for s in stage_samples(kept.samples, "perception")] == ["a", "d"]


def test_benchmark_jsonl_and_task_name_use_the_task_loader():
    by_file = load_training_data(str(FIXTURES / "mathvista" / "samples.jsonl"))
    by_name = load_training_data("mathvista", data_dir=str(FIXTURES))
    assert [s.id for s in by_file.samples] == [s.id for s in by_name.samples] and by_file.samples
    assert by_file.samples[0].task == "mathvista" and by_file.samples[0].images
    with pytest.raises(ValueError, match="neither a file nor a task"):
        load_training_data("no-such-task")


def test_missing_image_marks_the_row(tmp_path: Path):
    batch = {"image_paths": [[str(tmp_path / "gone.png")], []], "prompt": [[], []], "sample": ["{}", "{}"]}
    out = load_images(batch)
    assert out["images"] == [[], []]
    assert "gone.png" in out["bad"][0] and out["bad"][1] == ""


def test_stage_precedence_defaults_yaml_flags(tmp_path: Path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text(json.dumps({"learning_rate": 2e-6, "data": "d.jsonl",
                               "stages": [{"kind": "vpo", "penalty": 0.2}, {"kind": "grpo", "max_steps": 7},
                                          {"kind": "textual"}]}))
    st = build_stages("perception", cfg, flags={"max_steps": None, "beta": None, "seed": 3})
    assert [s.kind for s in st] == ["perception", "visual_reasoning", "textual_reasoning"]
    vpo, grpo = st[0], st[1]
    assert (vpo.num_generations, vpo.beta, vpo.epsilon_high, vpo.penalty) == (4, 1e-3, 0.25, 0.2)
    assert (grpo.num_generations, grpo.beta, grpo.epsilon_high, grpo.max_steps) == (8, 0.0, 0.3, 7)
    assert all(s.learning_rate == 2e-6 and s.seed == 3 and s.data == "d.jsonl" for s in st)
    only = build_stages("perception", cfg, stages="grpo")
    assert [s.kind for s in only] == ["visual_reasoning"] and only[0].max_steps == 7
    with pytest.raises(ValueError, match="unknown training setting"):
        build_stages("perception", flags={"lerning_rate": 1.0})


def test_paper_batch_layout_keeps_clipping_active():
    # 256 prompts x G=4, 2 updates, micro-batch 8, 8 GPUs: 64 completions per GPU per update
    per_device, accum, spg = batch_layout(256, 4, 2, 8, 8)
    assert (per_device, accum, spg) == (8, 8, 16)
    assert spg == 2 * accum  # old log-probs are computed, so epsilon/epsilon_high bite
    assert batch_layout(2, 4, 1, 8, 1) == (8, 1, 1)
    with pytest.raises(ValueError, match="cannot be split"):
        batch_layout(3, 1, 2, 8, 1)



def test_shipped_configs_hold_the_paper_settings():
    import rapid_eval.training as training
    from rapid_eval.training.runner import pick_server

    configs = Path(training.__file__).parent / "configs"
    (vpo,) = build_stages("perception", configs / "vpo_paper.yaml")
    assert (vpo.prompts_per_step, vpo.updates_per_step, vpo.num_generations) == (256, 2, 4)
    assert (vpo.learning_rate, vpo.beta, vpo.epsilon, vpo.epsilon_high, vpo.penalty) == (1e-6, 1e-3, 0.2, 0.25, 0.1)
    stages = build_stages("perception", configs / "curriculum.yaml")
    assert [s.kind for s in stages] == ["perception", "visual_reasoning", "textual_reasoning"]
    assert stages[1].num_generations == 8 and stages[1].beta == 0.0 and stages[1].epsilon_high == 0.3
    assert stages[2].data != stages[0].data  # the text-only stage has its own (image-free) data
    assert stages[0].reasoner and (stages[0].beta, stages[0].num_generations) == (1e-3, 4)
    assert "INTERPRETATION" in (configs / "curriculum.yaml").read_text()
    assert [pick_server("http://a/v1, http://b/v1", r) for r in range(3)] == ["http://a/v1", "http://b/v1",
                                                                              "http://a/v1"]


def test_virl_parquet_rows_with_several_images(tmp_path: Path):
    """A parquet list column reaches us as a numpy array: a row with two images used to be skipped ("truth value
    of an array is ambiguous")."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rows = [{"qid": "two", "question": "<image><image>Which is larger?", "answer": "\\boxed{B}",
             "image": ["images/0.png", "images/1.png"], "source": "GeoQA", "category": "geometry"},
            {"qid": "one", "question": "<image>What is x?", "answer": "3", "image": ["images/1.png"],
             "source": "X", "category": "algebra"}]
    path = tmp_path / "virl.parquet"
    pd.DataFrame(rows).to_parquet(path)
    data = load_training_data(str(path))
    assert data.errors == []
    assert [(s.id, s.images) for s in data.samples] == [
        ("two", (str(tmp_path / "images/0.png"), str(tmp_path / "images/1.png"))),
        ("one", (str(tmp_path / "images/1.png"),))]


def _dry_run(*args: str) -> list[dict]:
    from typer.testing import CliRunner

    from rapid_eval.cli import app

    res = CliRunner().invoke(app, [*args, "--dry-run"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _recipe(stage: dict) -> tuple:
    s = stage["settings"]
    return stage["kind"], s["num_generations"], s["beta"], s["epsilon"], s["epsilon_high"], s["max_steps"]


def test_rapid_recipe_dry_run_grpo_then_vpo_each_with_its_own_settings():
    configs = Path(__file__).parents[2] / "rapid_eval" / "training" / "configs"
    plan = _dry_run("train-vpo", "--config", str(configs / "rapid_7b.yaml"))
    assert [_recipe(s) for s in plan] == [("visual_reasoning", 8, 0.0, 0.2, 0.3, 200),
                                          ("perception", 4, 1e-3, 0.2, 0.25, 150)]
    grpo, vpo = plan
    assert grpo["init"] == "Qwen/Qwen2.5-VL-7B-Instruct" and vpo["init"] == grpo["out"]
    # what TRL receives: its own names, optimiser steps = rollout steps x 2 updates, clipping active
    assert (vpo["GRPOConfig"]["num_generations"], vpo["GRPOConfig"]["beta"], vpo["GRPOConfig"]["epsilon_high"],
            vpo["GRPOConfig"]["max_steps"], vpo["GRPOConfig"]["learning_rate"]) == (4, 1e-3, 0.25, 300, 1e-6)
    assert grpo["GRPOConfig"]["steps_per_generation"] == 2 * grpo["GRPOConfig"]["gradient_accumulation_steps"]
    assert vpo["settings"]["reasoner"] and grpo["settings"]["paper_row"] == vpo["settings"]["paper_row"]
    # the paper text's GRPO clip-high is one option away; the VPO stage is untouched
    text = _dry_run("train-grpo", "--config", str(configs / "rapid_7b.yaml"), "--set", "grpo.epsilon_high=0.25")
    assert [s["settings"]["epsilon_high"] for s in text] == [0.25, 0.25]
    assert [s["kind"] for s in text] == ["visual_reasoning", "perception"]
    big = _dry_run("train-vpo", "--config", str(configs / "rapid_32b.yaml"))
    assert [_recipe(s)[1] for s in big] == [4, 4]  # G=4 for 32B/72B (paper text)


def test_a_stage_never_inherits_another_kinds_recipe(tmp_path: Path):
    configs = Path(__file__).parents[2] / "rapid_eval" / "training" / "configs"
    # a one-stage VPO file used for a GRPO -> VPO plan: its keys reach the VPO stage only
    grpo, vpo = build_stages("perception", configs / "vpo_paper.yaml", stages="grpo,vpo")
    assert (grpo.num_generations, grpo.beta, grpo.epsilon_high, grpo.max_steps) == (8, 0.0, 0.3, 200)
    assert (vpo.num_generations, vpo.beta, vpo.epsilon_high, vpo.max_steps) == (4, 1e-3, 0.25, 150)
    assert grpo.reasoner is None and vpo.reasoner
    shared = tmp_path / "shared.yaml"
    shared.write_text(json.dumps({"beta": 0.01, "stages": [{"kind": "grpo"}, {"kind": "vpo"}]}))
    with pytest.raises(ValueError, match=r"shared.yaml: beta at the top level"):
        build_stages("perception", shared)
    (one,) = build_stages("perception", shared, stages="vpo")  # one kind: a shared recipe key is fine
    assert one.beta == 0.01
