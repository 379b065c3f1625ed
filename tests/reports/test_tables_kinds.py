"""The paper tables from a real (scripted-engine) run: values match a count by hand, AVG is the plain mean,
deltas are paired, every format renders, the rich table fits 80 columns."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from rich.console import Console

from rapid_eval.reports.build import BootOptions
from rapid_eval.reports.kinds import ablation, variants
from rapid_eval.reports.render import FORMATS, render

BOOT = BootOptions(n_boot=200, seed=0)


def _by_hand(run, task, variant, reasoner):
    """Accuracy over scored verdicts, counted directly from verdicts.jsonl; for MMMU over the validation items
    only when the run also holds dev items (the headline is the validation split's, as VLMEvalKit's)."""
    from rapid_eval.benchmarks.mmmu.scorer import split_of
    from rapid_eval.types import Sample

    samples = {json.loads(x)["key"]: Sample.from_dict(json.loads(x))
               for x in (run / "samples.jsonl").read_text().splitlines()}
    rows = [json.loads(line) for line in (run / "verdicts.jsonl").read_text().splitlines()]
    picked = [r for r in rows if r["task"] == task and r["variant"] == variant and r["reasoner"] == reasoner
              and r["correct"] is not None]
    splits = {split_of(samples[f"{task}/{r['sample_id']}"]) for r in picked}
    if task == "mmmu" and "validation" in splits and len(splits) > 1:
        picked = [r for r in picked if split_of(samples[f"{task}/{r['sample_id']}"]) == "validation"]
    return 100.0 * sum(r["correct"] for r in picked) / len(picked)


def _worst_case_by_hand(run, variant, reasoner):
    samples = {json.loads(x)["key"]: json.loads(x) for x in (run / "samples.jsonl").read_text().splitlines()}
    seeds = defaultdict(list)
    for line in (run / "verdicts.jsonl").read_text().splitlines():
        r = json.loads(line)
        if r["task"] == "dynamath" and r["variant"] == variant and r["reasoner"] == reasoner:
            seeds[samples[f"dynamath/{r['sample_id']}"]["group"]["seed"]].append(bool(r["correct"]))
    return 100.0 * sum(all(v) for v in seeds.values()) / len(seeds)


def test_variants_table_matches_hand_counts_and_avg_is_the_plain_mean(scripted_run):
    table = variants([scripted_run], BOOT)
    assert table.columns == ["mathvista", "mmmu", "dynamath", "avg"]
    rows = {(r.info["variant"], r.info["reasoner"]): r for r in table.rows}
    assert set(rows) == {("direct", "-"), ("none", "llmA"), ("qcap+sol", "llmA"), ("none", "llmB"),
                         ("qcap+sol", "llmB")}
    for (variant, reasoner), row in rows.items():
        for task in ("mathvista", "mmmu"):
            assert row.cells[task].value == pytest.approx(_by_hand(scripted_run, task, variant, reasoner), abs=0.01)
        assert row.cells["dynamath"].value == pytest.approx(_worst_case_by_hand(scripted_run, variant, reasoner))
        vals = [row.cells[t].value for t in ("mathvista", "mmmu", "dynamath")]
        assert row.cells["avg"].value == pytest.approx(sum(vals) / 3)
        c = row.cells["mathvista"]
        assert c.lo <= c.value <= c.hi
    a, b = rows[("none", "llmA")], rows[("none", "llmB")]
    assert a.cells["mathvista"].value != b.cells["mathvista"].value  # the two reasoners really differ
    direct = rows[("direct", "-")]
    assert a.baseline == "direct" and direct.baseline is None
    # every item is answered by both, so the paired delta is the plain difference of the two accuracies
    assert a.cells["mathvista"].delta == pytest.approx(a.cells["mathvista"].value - direct.cells["mathvista"].value)
    # the fixture has fewer than 10 MathVista items: too few clusters for a paired test, so none is claimed
    assert a.cells["mathvista"].n < 10 and a.cells["mathvista"].p is None
    assert a.cells["mathvista"].untested and a.cells["mathvista"].significant is False


def test_ablation_spec_rows_paper_values_and_deltas(scripted_run, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"""
baseline: A
rows:
  A: {{run: {scripted_run}, perceptor: vlm, variant: direct}}
  B: {{run: {scripted_run}, perceptor: vlm, reasoner: llmA, variant: none}}
  E: {{run: {scripted_run}, perceptor: vlm, reasoner: llmB, variant: qcap+sol, config: mine}}
""")
    table = ablation(spec, BOOT)
    rows = {r.label: r for r in table.rows}
    assert list(rows) == ["A", "B", "E"]
    assert rows["B"].cells["avg"].paper == 47.5 and rows["E"].cells["avg"].paper == 53.2
    assert rows["E"].info["config"] == "mine" and rows["B"].info["config"] == "decoupling only"
    avg = rows["B"].cells["avg"]
    assert avg.vs_paper == pytest.approx(avg.value - 47.5)
    assert avg.delta == pytest.approx(avg.value - rows["A"].cells["avg"].value)
    assert any("not the papers' seven" in n and "mathverse" in n for n in table.notes)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"rows:\n  - {{label: B, run: {scripted_run}, variant: none}}\n")
    with pytest.raises(ValueError, match="bad.yaml: row B .*is ambiguous.*reasoner llmA.*reasoner llmB"):
        ablation(bad, BOOT)
    bad.write_text("rows:\n  - {label: B, run: nowhere, variant: none}\n")
    with pytest.raises(ValueError, match="bad.yaml: row B: run directory .*nowhere does not exist"):
        ablation(bad, BOOT)


def test_ablation_rows_show_the_models_they_matched_when_the_spec_leaves_them_out(scripted_run, tmp_path):
    """A row may omit perceptor/reasoner when the run has one match; its columns name the models it used
    (they showed '-', the mark of the MLLM's own answer, for a row reasoned by llmA)."""
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"rows:\n  A: {{run: {scripted_run}, variant: direct}}\n"
                    f"  B: {{run: {scripted_run}, reasoner: llmA, variant: none}}\n")
    rows = {r.label: r for r in ablation(spec, BootOptions(n_boot=0)).rows}
    assert (rows["A"].info["perceptor"], rows["A"].info["reasoner"]) == ("vlm", "-")
    assert (rows["B"].info["perceptor"], rows["B"].info["reasoner"]) == ("vlm", "llmA")


def test_every_format_renders_and_rich_fits_80_columns(scripted_run):
    table = variants([scripted_run], BOOT)
    for fmt in FORMATS:
        assert render(table, fmt)
    console = Console(width=80, record=True)
    console.print(render(table, "rich"))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text and "MVista" in text and "DynaM" in text
    rows = list(csv.DictReader(io.StringIO(render(table, "csv"))))
    assert len(rows) == len(table.rows) * len(table.columns)
    direct_avg = next(r for r in rows if r["row"] == "direct" and r["column"] == "avg")
    assert float(direct_avg["value"]) == pytest.approx(table.rows[0].cells["avg"].value, abs=0.01)
    data = json.loads(render(table, "json"))
    assert data["kind"] == "variants" and data["rows"][0]["cells"]["avg"]["value"] is not None
    md = render(table, "md")
    assert md.count("\n| ") == len(table.rows) + 1
    latex = render(table, "latex")
    assert latex.count(r"\\") >= len(table.rows) + 1 and r"\begin{tabular}" in latex
    with pytest.raises(ValueError, match="unknown format"):
        render(table, "xls")


def test_repeats_are_cached_calls_of_their_own_and_tables_average_them(tmp_path):
    from report_runs import make_run

    from rapid_eval.engines.scripted import ScriptedEngine

    run = make_run(tmp_path / "rep", tasks=("mathvision",), replies=(("llm", "{seed_letter}"),),
                   variants=("direct", "none"), repeats=3)
    recs = [json.loads(x) for x in (run / "reasoning.jsonl").read_text().splitlines()]
    assert sorted(r.get("repeat", 0) for r in recs) == [0] * 3 + [1] * 3 + [2] * 3
    assert len({r["generation_key"] for r in recs}) == 9
    before = ScriptedEngine.calls
    make_run(run, tasks=("mathvision",), replies=(("llm", "{seed_letter}"),), variants=("direct", "none"), repeats=3)
    assert ScriptedEngine.calls == before  # every repeat reused from the cache
    verdicts = {v["key"]: v for v in map(json.loads, (run / "verdicts.jsonl").read_text().splitlines())}
    per_repeat = defaultdict(list)
    for r in recs:
        per_repeat[r.get("repeat", 0)].append(bool(verdicts[r["key"]]["correct"]))
    accs = [100.0 * sum(v) / len(v) for _, v in sorted(per_repeat.items())]
    assert len(set(accs)) > 1  # the seeds really answer differently (A, B, C)
    row = next(r for r in variants([run], BOOT).rows if r.info["variant"] == "none")
    cell = row.cells["mathvision"]
    mean = sum(accs) / 3
    assert cell.value == pytest.approx(mean, abs=0.01) and cell.repeats == 3  # scorers round to 2 decimals
    assert cell.spread == pytest.approx((sum((a - mean) ** 2 for a in accs) / 2) ** 0.5, abs=0.01)
    assert "sd" in render(variants([run], BOOT), "md")


def test_main_and_scaling_tables_params_gain_and_plot(scripted_run, tmp_path):
    from rapid_eval.reports.kinds import main, scaling
    from rapid_eval.reports.plots import scaling_plot

    params = {"vlm": 7.0, "llmA": 8.0, "llmB": 32.0}
    table = main([scripted_run], BOOT, "qcap+sol", params)
    rows = {r.label: r for r in table.rows}
    assert set(rows) == {"vlm", "vlm + llmA", "vlm + llmB"}
    assert rows["vlm"].info["params_b"] == 7.0 and rows["vlm + llmB"].info["params_b"] == 39.0
    base = rows["vlm"].cells["avg"].value
    for label in ("vlm + llmA", "vlm + llmB"):
        assert rows[label].extra["gain"] == pytest.approx(rows[label].cells["avg"].value - base)
        assert rows[label].baseline == "vlm"
    sc = scaling([scripted_run], BOOT, "qcap+sol", params)
    assert [r.info["params_b"] for r in sc.rows] == [7.0, 15.0, 39.0]
    png = scaling_plot(sc, tmp_path / "s.png")
    assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 5000
    assert scaling_plot(main([scripted_run], BOOT, "qcap+sol", {}), tmp_path / "none.png") is None  # no counts
