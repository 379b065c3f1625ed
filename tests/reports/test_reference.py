"""The papers' numbers as data: complete, sourced, AVG consistent with the seven benchmarks, matched to hub ids."""

from __future__ import annotations

import pytest

from rapid_eval.reports import reference

BENCH = ("mathvista", "mathvision", "mathverse", "mmmu", "wemath", "dynamath", "logicvista")


def test_racro_table1_rows_are_complete_and_avg_is_their_mean():
    rows = reference.racro_table1()
    assert len(rows) == 34 and all(r["source"].startswith("RACRO Table 1") for r in rows)
    full = [r for r in rows if all(b in r for b in BENCH)]
    assert len(full) >= 20
    for r in full:  # values read from a figure, one decimal: the mean agrees to rounding
        assert r["avg"] == pytest.approx(sum(r[b] for b in BENCH) / 7, abs=0.11), r["model"]
    assert {r["base"] for r in rows if r["model"].startswith("w/")} == {"Qwen2.5-VL-3B", "Qwen2.5-VL-7B",
                                                                       "Qwen2.5-VL-32B"}


def test_rapid_rows_and_matching_by_hub_id():
    abl = reference.rapid_ablation()
    assert {k: v["avg"] for k, v in abl.items()} == {"A": 42.0, "B": 47.5, "C": 50.5, "D": 52.2, "E": 53.2,
                                                      "G": 51.1, "I": 44.7}
    assert reference.mllm_row("Qwen/Qwen2.5-VL-7B-Instruct")["mathvision"] == 25.8
    assert reference.mllm_row("/models/tiny/vlm") is None
    # the base 7B decoupled with Qwen3-8B is ablation row B, never the trained model's 53.2
    assert reference.main_row("Qwen/Qwen2.5-VL-7B-Instruct", "Qwen/Qwen3-8B", "qcap+sol")["avg"] == 47.5
    assert reference.main_row("Qwen/Qwen2.5-VL-7B-Instruct", "Qwen/Qwen3-8B", "cap+sol") is None
    assert reference.main_row("Qwen/Qwen2.5-VL-32B-Instruct", "openai/gpt-oss-120b", "qcap+sol") is None
    assert reference.main_row("Qwen/Qwen2.5-VL-32B-Instruct", "-")["avg"] == 52.2
    assert reference.paper_numbers("racro:InternVL3-78B-MPO")["mmmu"] == 72.2
    assert reference.paper_numbers({"avg": 50, "other": 1}) == {"avg": 50.0}
    with pytest.raises(ValueError, match="unknown paper reference"):
        reference.paper_numbers("ablation:Z")


def test_the_wheel_carries_the_reference_numbers(tmp_path):
    import shutil
    import zipfile

    from hatchling.builders.wheel import WheelBuilder
    from testlib import REPO

    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "hatch_build.py"):
        shutil.copy2(REPO / name, src / name)
    for name in ("rapid_eval", "prompts", "tasks", "results"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    (wheel,) = WheelBuilder(str(src)).build(directory=str(tmp_path / "dist"), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())
    csvs = {f"rapid_eval/_bundled/results/reference/{p.name}" for p in (REPO / "results" / "reference").glob("*.csv")}
    assert len(csvs) == 3 and csvs <= names
    assert not [n for n in names if "results/configs" in n]


def test_every_rapid_row_carries_its_setup():
    rows = [*reference.rapid_main(), *reference.rapid_ablation().values()]
    for r in rows:
        assert r["perceptor"] and r["training"] and r["source"], r
        assert bool(r["reasoner"]) == (r["variant"] != "direct"), r
    trained = {r["avg"] for r in reference.rapid_main() if r["training"] != "base"}
    assert trained == {53.2, 57.4, 58.0}


def test_a_trained_checkpoint_gets_only_the_row_its_config_named(tmp_path):
    ckpt = tmp_path / "Qwen2.5-VL-7B-Instruct"  # named like the hub model on purpose: it is still a trained one
    ckpt.mkdir()
    (ckpt / "training.json").write_text('{"paper_row": "main:Qwen2.5-VL-7B + RAPID (Qwen3-8B)"}')
    assert reference.setup_row(str(ckpt), "Qwen/Qwen3-8B", "qcap+sol")["avg"] == 53.2
    assert reference.setup_row(str(ckpt), "openai/gpt-oss-120b", "qcap+sol") is None  # another reasoner
    assert reference.setup_row(str(ckpt), "Qwen/Qwen3-8B", "qcap") is None  # another O_p
    assert reference.setup_row(str(ckpt), None, None) is None and reference.mllm_row(str(ckpt)) is None
    (ckpt / "training.json").write_text('{"paper_row": "ablation:G"}')
    assert reference.setup_row(str(ckpt), "Qwen/Qwen3-8B", "qcap+sol")["avg"] == 51.1
    (ckpt / "training.json").write_text('{"paper_row": null}')
    assert reference.setup_row(str(ckpt), "Qwen/Qwen3-8B", "qcap+sol") is None


@pytest.fixture(scope="module")
def base_run(tmp_path_factory):
    """A scripted run whose models are named as base Qwen2.5-VL-7B + Qwen3-8B (direct and qcap+sol)."""
    from testlib import FIXTURES

    import rapid_eval as rapid

    run = tmp_path_factory.mktemp("base") / "run"
    samples = rapid.load_tasks(["mathvista"], data_dir=FIXTURES)
    with rapid.load_engine("scripted", "Qwen/Qwen2.5-VL-7B-Instruct", reply="A chart. \\boxed{A}") as vlm:
        rapid.perceive(samples, vlm, ["direct", "qcap+sol"], run)
    with rapid.load_engine("scripted", "Qwen/Qwen3-8B", reply="So \\boxed{A}.") as llm:
        rapid.reason(run, llm)
    rapid.score(run)
    return run


def test_table_main_for_base_models_shows_no_trained_model_number(base_run):
    """Base Qwen2.5-VL-7B + Qwen3-8B: its paper AVG is ablation row B (47.5), not the trained model's 53.2."""
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.kinds import main

    table = main([base_run], BootOptions(n_boot=50), "qcap+sol")
    papers = {row.label: row.cells["avg"].paper for row in table.rows}
    assert papers == {"Qwen/Qwen2.5-VL-7B-Instruct": 42.0, "Qwen/Qwen2.5-VL-7B-Instruct + Qwen/Qwen3-8B": 47.5}


def test_scaling_fixes_the_perceptor_across_reasoner_sizes_with_racro_rows(base_run, tmp_path):
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.kinds import scaling
    from rapid_eval.reports.plots import scaling_plot

    params = {"Qwen/Qwen2.5-VL-7B-Instruct": 8.3, "Qwen/Qwen3-8B": 8.2,
              "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B": 7.6, "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B": 32.8}
    table = scaling([base_run], BootOptions(n_boot=50), "qcap+sol", params)
    ours = [(r.info["reasoner"], r.info["reasoner_params_b"]) for r in table.rows if not r.info.get("reference")]
    assert ours == [("-", 0.0), ("Qwen/Qwen3-8B", 8.2)]
    refs = [(r.info["reasoner_params_b"], r.cells["avg"].paper, r.cells["avg"].value)
            for r in table.rows if r.info.get("reference")]
    assert refs == [(7.6, 46.9, None), (8.2, 47.4, None), (32.8, 48.7, None)]  # RACRO Table 1, 7B w/ rows
    assert {r.info["series"] for r in table.rows if r.info.get("reference")} == {
        "Qwen2.5-VL-7B RACRO-trained (paper)"}
    png = scaling_plot(table, tmp_path / "s.png")
    assert png is not None and png.read_bytes()[:4] == b"\x89PNG"
