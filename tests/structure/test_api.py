"""The Python API end to end with the scripted backend: load -> perceive -> reason -> score, typed results."""

from __future__ import annotations

import json

import pytest
from testlib import FIXTURES

import rapid_eval
from rapid_eval.records import PerceptionRecord, ReasoningRecord, VerdictRecord
from rapid_eval.summaries import SummaryRow


def test_api_runs_the_pipeline_and_returns_typed_results(tmp_path):
    samples = rapid_eval.load_tasks("wemath,dynamath", data_dir=FIXTURES, limit=3)
    assert {s.task for s in samples} == {"wemath", "dynamath"}
    out = tmp_path / "run"
    with rapid_eval.load_engine("scripted", "vlm", reply="caption of {last_word}") as vlm:
        p = rapid_eval.perceive(samples, vlm, "cap,sol,direct", out)
    assert p.records == 3 * len(samples) and p.stats.generated > 0 and p.failed == 0
    with rapid_eval.load_engine("scripted", "llm", reply="so \\boxed{A}") as llm:
        r = rapid_eval.reason(out, llm, variants=["cap", "sol"])
    assert r.records == 2 * len(samples) and r.stats.generated > 0
    s = rapid_eval.score(out)
    assert s.answers == 3 * len(samples)  # two reasoned variants + direct
    assert all(isinstance(row, SummaryRow) for row in s.rows)
    assert {(row.task, row.variant) for row in s.rows} >= {("wemath", "cap"), ("dynamath", "direct")}
    run = rapid_eval.Run(out, create=False)
    assert run.schema_version == 2
    assert all(isinstance(x, PerceptionRecord) for x in run.perception_records())
    assert all(isinstance(x, ReasoningRecord) for x in run.reasoning_records())
    verdicts = run.verdict_records()
    assert len(verdicts) == 3 * len(samples) and all(isinstance(v, VerdictRecord) for v in verdicts)
    commands = [json.loads(x)["command"] for x in (out / "stats.jsonl").read_text().splitlines()]
    assert commands == ["perceive", "reason", "score"]

    # rerun: nothing generated, nothing appended
    before = (out / "perception.jsonl").read_text()
    with rapid_eval.load_engine("scripted", "vlm", reply="caption of {last_word}") as vlm:
        again = rapid_eval.perceive(samples, vlm, "cap,sol,direct", out)
    assert again.stats.generated == 0 and (out / "perception.jsonl").read_text() == before


def test_api_errors_name_the_nearest_valid_name():
    with pytest.raises(Exception, match="did you mean 'scripted'"):
        rapid_eval.load_engine("scriptd", "m")
    with pytest.raises(Exception, match="did you mean 'wemath'"):
        rapid_eval.load_tasks("wemat", data_dir=FIXTURES)


def test_old_runs_without_schema_version_still_load(tmp_path):
    samples = rapid_eval.load_tasks(["wemath"], data_dir=FIXTURES, limit=1)
    out = tmp_path / "run"
    with rapid_eval.load_engine("scripted", "vlm") as vlm:
        rapid_eval.perceive(samples, vlm, "direct", out)
    (out / "run.json").unlink()  # a run written before run.json existed
    run = rapid_eval.Run(out, create=False)
    assert run.schema_version == 1
    assert len(run.perception_records()) == len(samples)
    assert rapid_eval.score(out).answers == len(samples)


def test_table_returns_the_latest_record_per_key(tmp_path):
    out = tmp_path / "run"
    run = rapid_eval.Run(out)
    run.reasoning.append({"key": "a", "text": "", "error": "HTTP 500"})
    run.reasoning.append({"key": "b", "text": "x"})
    run.reasoning.append({"key": "a", "text": "retried"})
    run.sync()
    table = rapid_eval.Run(out).table("reasoning")
    assert len(table) == 2 and list(table[table.key == "a"].text) == ["retried"]


def test_reason_scores_like_the_cli_and_scorer_none_only_reasons(tmp_path):
    samples = rapid_eval.load_tasks("wemath,mathvista", data_dir=FIXTURES, limit=3)
    runs = {name: tmp_path / name for name in ("scored", "unscored")}
    for out in runs.values():
        with rapid_eval.load_engine("scripted", "vlm", reply="caption of {last_word}") as vlm:
            rapid_eval.perceive(samples, vlm, "cap,direct", out)
    with rapid_eval.load_engine("scripted", "llm", reply="so \\boxed{A}") as llm:
        scored = rapid_eval.reason(runs["scored"], llm)
        unscored = rapid_eval.reason(runs["unscored"], llm, scorer=None)
    assert unscored.scores is None and not (runs["unscored"] / "summary.json").exists()
    assert scored.scores is not None and scored.scores.answers == 2 * len(samples)
    on_disk = json.loads((runs["scored"] / "summary.json").read_text())
    assert scored.scores.summary.to_dict() == on_disk  # the file summary.json, as score() returns it
    assert rapid_eval.score(runs["unscored"], log_stats=False).rows == scored.scores.rows
    # reason's own scoring adds no `score` stats line (as the CLI's reason did)
    commands = [json.loads(x)["command"] for x in (runs["scored"] / "stats.jsonl").read_text().splitlines()]
    assert commands == ["perceive", "reason"]
    with pytest.raises(ValueError, match="scorer must be"):
        rapid_eval.reason(runs["scored"], llm, scorer="offical")
    with pytest.warns(DeprecationWarning, match="scorer="), \
            rapid_eval.load_engine("scripted", "llm", reply="so \\boxed{A}") as llm2:
        old = rapid_eval.reason(runs["scored"], llm2, score_as_they_arrive="generic")
    assert old.scores is not None and old.scores.summary.scorer_mode == "generic"
