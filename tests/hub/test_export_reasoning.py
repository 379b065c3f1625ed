"""Reasoning records exported for sharing traces: every answer with its trace, its reasoner's settings and
prompt, and its verdict; the card carries the run's scores. Import takes perception datasets only."""

from __future__ import annotations

import json

import datasets
from huggingface_hub import DatasetCard
from testlib import FIXTURES
from typer.testing import CliRunner

from rapid_eval import api, cli
from rapid_eval.storage.rundir import Run


def test_reasoning_export_carries_answers_traces_verdicts_and_provenance(tmp_path):
    samples = api.load_tasks("wemath,mmmu", FIXTURES, on_error=None)
    with api.load_engine("scripted", "vlm", reply="caption of {last_word}") as vlm:
        api.perceive(samples, vlm, "qcap+sol,none", tmp_path / "run")
    with api.load_engine("scripted", "llm", reply="<think>trace {seed}</think>The answer is \\boxed{{seed_letter}}.") \
            as llm:
        api.reason(tmp_path / "run", llm, repeats=2, seed=0)
    api.score(tmp_path / "run")
    result = CliRunner().invoke(cli.app, ["export", str(tmp_path / "run"), "--out", str(tmp_path / "ds"),
                                          "--records", "reasoning"])
    assert result.exit_code == 0, result.output

    run = Run(tmp_path / "run", create=False)
    records = {r.key: r for r in run.iter_reasoning()}
    verdicts = {v.key: v for v in run.iter_verdicts()}
    rows = {r["reasoning_key"]: r for r in datasets.load_dataset(str(tmp_path / "ds"), split="test")}
    assert set(rows) == set(records) and len(rows) == len(samples) * 2 * 2  # 2 variants x 2 repeats
    for key, row in rows.items():
        rec, v = records[key], verdicts[key]
        assert (row["text"], row["reasoning"], row["repeat"]) == (rec.text, rec.reasoning, rec.repeat or 0)
        assert (row["correct"], row["extracted"], row["scorer"]) == (v.verdict.correct, v.verdict.extracted, v.scorer)
        assert json.loads(row["reasoner"]) == rec.reasoner
        assert json.loads(row["reasoner_sampling"])["seed"] == row["repeat"]  # repeat k sampled with seed k
        messages = json.loads(row["reasoner_messages"])
        perception = run.perception.get(rec.perception_key)
        if rec.variant == "qcap+sol" and perception["caption"]:
            assert perception["caption"] in messages[-1]["text"]  # the O_p the reasoner read
    assert {r["correct"] for r in rows.values()} == {True, False}

    meta = DatasetCard.load(tmp_path / "ds" / "README.md").data.to_dict()["rapid_eval"]
    assert meta["kind"] == "reasoning"
    assert meta["stages"]["reason"]["settings"][0]["reasoner"]["model"] == "llm"
    assert {(r["task"], r["variant"]) for r in meta["summary"]} == {(t, v) for t in ("wemath", "mmmu")
                                                                     for v in ("qcap+sol", "none")}

    refused = CliRunner().invoke(cli.app, ["import", str(tmp_path / "ds"), "--out", str(tmp_path / "imp")])
    assert refused.exit_code == 2
    assert refused.output.strip().splitlines() == [
        f"error: import: {tmp_path / 'ds'}: a reasoning dataset; import reads perception datasets"]
