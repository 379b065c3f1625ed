"""``rapid-eval run CONFIG.yaml`` end to end with the tiny models (results/configs/tiny.yaml): every stage, the
tables and the report; the second run makes no model call. Then the table commands on that run, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rapid_eval.cli import app

CONFIG = Path(__file__).resolve().parents[2] / "results" / "configs" / "tiny.yaml"


@pytest.fixture(scope="module")
def tiny_run(tiny_models, tmp_path_factory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("RAPID_EVAL_TINY_MODELS", str(tiny_models["vlm"].parent))
    out = tmp_path_factory.mktemp("config") / "run"
    try:
        first = CliRunner().invoke(app, ["run", str(CONFIG), "--out", str(out)])
        assert first.exit_code == 0, first.output
        second = CliRunner().invoke(app, ["run", str(CONFIG), "--out", str(out)])
        assert second.exit_code == 0, second.output
        assert ": 0 calls made" in second.output and ": 0 calls made" not in first.output  # hasCap judge included
        assert "| AVG" in second.stdout or "AVG |" in second.stdout, second.stdout  # its tables, on stdout
        assert f"report -> {out / 'report'}" in " ".join(second.stderr.split())
    finally:
        mp.undo()
    return out


def test_second_run_makes_no_call_and_writes_tables_and_report(tiny_run):
    stats = [json.loads(x) for x in (tiny_run / "stats.jsonl").read_text().splitlines()]
    stages = [s for s in stats if s.get("config") == str(CONFIG)]
    assert len(stages) == 4  # perceive + reason, twice
    first, second = stages[:2], stages[2:]
    assert sum(s["generated"] for s in first) > 0
    assert sum(s["generated"] for s in second) == 0 and sum(s["reused"] for s in second) > 0
    for kind in ("variants", "main", "scaling", "diagnostics", "ablation"):
        assert (tiny_run / "tables" / f"{kind}.json").exists()
    assert (tiny_run / "tables" / "scaling.png").stat().st_size > 1000
    assert (tiny_run / "report" / "index.html").exists() and (tiny_run / "report" / "summary.html").exists()
    recs = [json.loads(x) for x in (tiny_run / "reasoning.jsonl").read_text().splitlines()]
    assert {r.get("repeat", 0) for r in recs} == {0, 1}  # repeats: 2
    ratio = json.loads((tiny_run / "caption_ratio.json").read_text())["by_config"]
    assert ratio and all(0 <= r["ratio"] <= 100 for r in ratio)
    diag = json.loads((tiny_run / "tables" / "diagnostics.json").read_text())
    assert any(r["cells"]["valid_cap_pct"]["value"] is not None for r in diag["rows"])


def test_table_commands_as_json_on_the_config_run(tiny_run, tmp_path):
    res = CliRunner().invoke(app, ["table", "variants", "--run", str(tiny_run), "--format", "json",
                                   "--bootstrap", "100"])
    assert res.exit_code == 0, res.output
    table = json.loads(res.stdout)
    verdicts = [json.loads(x) for x in (tiny_run / "verdicts.jsonl").read_text().splitlines()]
    direct = next(r for r in table["rows"] if r["variant"] == "direct")
    for task in ("mathvista", "mathvision"):  # plain accuracy: count the verdicts by hand
        vs = [v for v in verdicts if v["task"] == task and v["variant"] == "direct" and v["correct"] is not None]
        assert direct["cells"][task]["value"] == pytest.approx(100 * sum(v["correct"] for v in vs) / len(vs),
                                                               abs=0.01)
    values = [direct["cells"][t]["value"] for t in table["columns"][:-1]]
    assert direct["cells"]["avg"]["value"] == pytest.approx(sum(values) / len(values))
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"rows:\n  A: {{run: {tiny_run}, variant: direct}}\n"
                    f"  B: {{run: {tiny_run}, reasoner: llm, variant: qcap+sol}}\n")
    res = CliRunner().invoke(app, ["table", "ablation", "--spec", str(spec), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["label"]: r for r in json.loads(res.stdout)["rows"]}
    assert rows["B"]["cells"]["avg"]["paper"] == 47.5 and rows["B"]["baseline"] == "A"
    res = CliRunner().invoke(app, ["table", "variants", "--run", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "no such run directory" in res.output


def test_config_errors_name_the_file_and_paths_resolve_beside_it(tmp_path):
    from rapid_eval.reports.config_run import ConfigError, load_config

    (tmp_path / "models" / "vlm").mkdir(parents=True)
    cfg = tmp_path / "c.yaml"
    cfg.write_text("out: runs/x\ntasks: [mathvista]\nperceptors: [{model: models/vlm}, {model: Qwen/Qwen2.5-VL-7B}]\n")
    loaded = load_config(cfg)
    assert loaded["out"] == tmp_path / "runs" / "x"
    assert [m["model"] for m in loaded["perceptors"]] == [str(tmp_path / "models" / "vlm"), "Qwen/Qwen2.5-VL-7B"]
    assert loaded["variants"] == ["none", "cap", "qcap", "sol", "cap+sol", "qcap+sol", "direct"]
    for text, msg in [("out: x\ntasks: [a]\nperceptors: [{model: m}]\nreapeats: 2\n", "unknown key.*reapeats"),
                      ("out: x\ntasks: [a]\nperceptors: [{model: m}]\nvariants: [qcap-sol]\n", "unknown variant"),
                      ("out: x\ntasks: [a]\nperceptors: [{model: m, temprature: 1}]\n", r"perceptors\[0\].*temprature"),
                      ("tasks: [a]\nperceptors: [{model: m}]\n", "'out' is required")]:
        cfg.write_text(text)
        with pytest.raises(ConfigError, match=f"c.yaml: .*{msg}"):
            load_config(cfg)


def test_shipped_paper_configs_sample_as_the_paper():
    """One config per paper table; one reasoner sample (the paper does not average seeds); GPT-OSS at reasoning
    effort High; the variants table covers every O_p variant."""
    from rapid_eval.perception.variants import VARIANTS
    from rapid_eval.reports.config_run import load_config

    folder = CONFIG.parent
    configs = {p.stem: load_config(p) for p in folder.glob("rapid_*.yaml")}
    assert set(configs) == {"rapid_main", "rapid_variants", "rapid_ablation", "rapid_scaling"}
    tables = {name: [t if isinstance(t, str) else t["kind"] for t in c["tables"]] for name, c in configs.items()}
    assert "main" in tables["rapid_main"] and tables["rapid_variants"] == ["variants"]
    assert "ablation" in tables["rapid_ablation"] and tables["rapid_scaling"] == ["scaling"]
    assert sorted(configs["rapid_variants"]["variants"]) == sorted(VARIANTS)
    for name, c in configs.items():
        assert int(c.get("repeats") or 1) == 1, name
        for m in c["reasoners"]:
            if "gpt-oss" in m["model"]:
                assert m["engine_args"]["extra_body"] == {"reasoning_effort": "high"}, name
    sizes = [configs["rapid_scaling"]["params"][m["model"]] for m in configs["rapid_scaling"]["reasoners"]]
    assert len(configs["rapid_scaling"]["perceptors"]) == 1 and sizes == sorted(sizes) and len(sizes) >= 3
