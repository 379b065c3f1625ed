"""Export a run's O_p as a Hugging Face dataset, import it elsewhere, reason on both: the same answers.

The check of issue 25: perceive fixture items with the scripted backend, ``rapid-eval export``,
``datasets.load_dataset`` on the folder (card present), ``rapid-eval import`` into a new run, ``reason`` on both
with the same reasoner: identical reasoning keys (the same prompts) and answers on every item, no perception call
on the imported run, the same verdicts."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from testlib import FIXTURES
from typer.testing import CliRunner

from rapid_eval import api, cli
from rapid_eval.engines.scripted import ScriptedEngine
from rapid_eval.storage.rundir import Run

TASKS = "wemath,mathvista,mmmu,logicvista,mathverse"  # WeMath (non-commercial), multi-image MMMU, no-image items
VLM_REPLY = "caption of {last_word}"
LLM_REPLY = "<think>t</think>The answer is \\boxed{{seed_letter}}."


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli.app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _reason(run: Path) -> dict[str, tuple[str, str]]:
    """Reason and score ``run``; return key -> (text, verdict) of every answer."""
    with api.load_engine("scripted", "llm", reply=LLM_REPLY) as llm:
        api.reason(run, llm, repeats=2)
    api.score(run)
    verdicts = {v.key: v.verdict.correct for v in Run(run, create=False).iter_verdicts()}
    return {r.key: (r.text, verdicts.get(r.key)) for r in Run(run, create=False).iter_reasoning()}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A perceived run (all seven variants) and its export (no images) through the CLI."""
    root = tmp_path_factory.mktemp("hub")
    samples = api.load_tasks(TASKS, FIXTURES, on_error=None)
    with api.load_engine("scripted", "vlm", reply=VLM_REPLY) as vlm:
        api.perceive(samples, vlm, None, root / "orig")
    _cli("export", str(root / "orig"), "--out", str(root / "ds"))
    return root


def _n(root: Path) -> int:
    return len(Run(root / "orig", create=False).samples())


def _files(run: Path) -> dict[str, str]:
    return {str(p.relative_to(run)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(run.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


def test_export_loads_with_datasets_and_the_card_names_configs_licenses_and_provenance(exported):
    from huggingface_hub import DatasetCard

    records = list(Run(exported / "orig", create=False).iter_perception())
    ds = datasets.load_dataset(str(exported / "ds"), split="test")
    assert len(ds) == len(records) == _n(exported) * 7  # every variant of every item
    assert {r["perception_key"] for r in ds} == {r.key for r in records}
    row = next(r for r in ds if r["variant"] == "qcap+sol" and r["n_images"])
    rec = next(r for r in records if r.key == row["perception_key"])
    assert (row["caption"], row["solution"]) == (rec.caption, rec.solution)
    assert row["op_text"] == f"{rec.caption}\n\n{rec.solution}"
    assert json.loads(row["perceptor"]) == rec.perceptor
    assert json.loads(row["perceptor_sampling"])["max_new_tokens"] == 4096
    assert set(json.loads(row["perceptor_prompts"])) == {"qcap", "sol"}
    assert datasets.load_dataset(str(exported / "ds"), "wemath", split="test")["benchmark"] == ["wemath"] * 21

    card = DatasetCard.load(exported / "ds" / "README.md")  # the Hub's own reader
    configs = {c["config_name"] for c in card.data.configs}
    assert configs == {"all", *TASKS.split(",")}
    assert "cc-by-nc-4.0" in card.data.license and "mit" in card.data.license
    meta = card.data.to_dict()["rapid_eval"]
    assert meta["benchmarks"]["wemath"]["non_commercial"] and not meta["benchmarks"]["mmmu"]["non_commercial"]
    assert meta["benchmarks"]["wemath"]["license"] == "CC BY-NC 4.0 (non-commercial)"  # from tasks/wemath.yaml
    assert meta["command"].startswith("rapid-eval export ")
    assert meta["stages"]["perceive"]["settings"][0]["perceptor"]["model"] == "vlm"
    assert "Non-commercial" in card.text


def test_imported_run_reasons_exactly_as_the_original_with_no_perception_call(exported, tmp_path):
    _cli("import", str(exported / "ds"), "--out", str(tmp_path / "imp"))
    before = ScriptedEngine.calls
    imported = _reason(tmp_path / "imp")
    calls = ScriptedEngine.calls - before
    original = _reason(exported / "orig")  # module run: reasoned here for the first time
    assert imported == original  # same keys (same prompts, perception keys, seeds), same answers, same verdicts
    assert len(imported) == _n(exported) * 6 * 2  # every reasoned variant, two repeats
    assert any(correct for _, correct in imported.values()) and not all(c for _, c in imported.values())
    stages = {g["stage"] for g in Run(tmp_path / "imp", create=False).generations.store}
    assert stages == {"reason"} and calls == len(imported)  # the MLLM was never asked


def test_import_twice_changes_nothing(exported, tmp_path):
    api.import_run(exported / "ds", tmp_path / "imp")
    first = _files(tmp_path / "imp")
    again = api.import_run(exported / "ds", tmp_path / "imp")
    assert (again.records_added, again.samples_added, again.rows) == (0, 0, _n(exported) * 7)
    assert _files(tmp_path / "imp") == first


def test_images_travel_with_the_dataset(exported, tmp_path):
    api.export_run(exported / "orig", tmp_path / "ds", images=True)
    result = api.import_run(tmp_path / "ds", tmp_path / "imp")
    orig = Run(exported / "orig", create=False).samples()
    got = Run(tmp_path / "imp", create=False).samples()
    assert result.images and result.images_written == sum(len(s.images) for s in orig.values())
    for uid, s in orig.items():
        assert [hashlib.sha256(Path(p).read_bytes()).digest() for p in got[uid].images] == \
            [hashlib.sha256(Path(p).read_bytes()).digest() for p in s.images], uid
        assert {**got[uid].to_dict(), "images": None} == {**s.to_dict(), "images": None}


def test_a_parquet_file_imports_too(exported, tmp_path):
    shard = exported / "ds" / "data" / "wemath" / "perception-00000.parquet"
    result = api.import_run(shard, tmp_path / "imp")
    wemath = {uid for uid in Run(exported / "orig", create=False).samples() if uid.startswith("wemath/")}
    assert result.records_added == len(wemath) * 7 == 21
    assert set(Run(tmp_path / "imp", create=False).samples()) == wemath


def test_another_schema_version_fails_with_one_line(exported, tmp_path):
    shard = exported / "ds" / "data" / "mmmu" / "perception-00000.parquet"
    table = pq.read_table(shard)
    i = table.schema.get_field_index("schema_version")
    table = table.set_column(i, table.schema.field(i), pa.array([2] * table.num_rows, pa.int32()))
    (tmp_path / "v2").mkdir()
    pq.write_table(table, tmp_path / "v2" / "rows.parquet")
    result = CliRunner().invoke(cli.app, ["import", str(tmp_path / "v2"), "--out", str(tmp_path / "imp")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "schema version 2" in lines[0] and "reads version 1" in lines[0], result.output
    assert not (tmp_path / "imp").exists()  # refused before the run is created


def test_export_refuses_a_folder_that_is_not_an_export_and_replaces_an_earlier_one(exported, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(cli.app, ["export", str(exported / "orig"), "--out", str(tmp_path / "mine")])
    assert result.exit_code == 2 and "holds no earlier export" in result.output
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    api.export_run(exported / "orig", tmp_path / "ds", images=True)
    api.export_run(exported / "orig", tmp_path / "ds")  # the same folder again: replaced, not mixed
    assert "images" not in datasets.load_dataset(str(tmp_path / "ds"), split="test").column_names


def test_push_without_the_hub_fails_with_one_line_and_keeps_the_export(exported, tmp_path):
    result = CliRunner().invoke(cli.app, ["export", str(exported / "orig"), "--out", str(tmp_path / "ds"),
                                          "--push", "someone/rapid-op"])  # HF_HUB_OFFLINE=1 (conftest)
    assert result.exit_code == 2 and "push to someone/rapid-op failed" in result.output, result.output
    assert len(datasets.load_dataset(str(tmp_path / "ds"), split="test")) == _n(exported) * 7
