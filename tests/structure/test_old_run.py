"""A run written by the previous record layout (``tests/data/run_v2``: schema 2, made with the code of commit
44aa35f, before ``CallOutput`` and the embedded ``Verdict``) still loads, and scores and reports identically."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from testlib import REPO

from rapid_eval.records import GenerationRecord, PerceptionRecord, ReasoningRecord, VerdictRecord

OLD = REPO / "tests" / "data" / "run_v2"
RECORDS = {"generations": GenerationRecord, "perception": PerceptionRecord, "reasoning": ReasoningRecord,
           "verdicts": VerdictRecord}


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_old_records_read_back_and_write_the_same_lines():
    for name, cls in RECORDS.items():
        for d in _lines(OLD / f"{name}.jsonl"):
            assert list(cls.from_dict(d).to_dict().items()) == list(d.items()), (name, d["key"])


def test_old_stats_lines_read_back_typed_and_write_the_same_lines(tmp_path):
    from rapid_eval.records import StatsLine
    from rapid_eval.storage.cache import CallStats
    from rapid_eval.storage.rundir import Run

    lines = _lines(OLD / "stats.jsonl")
    assert {d["command"] for d in lines} == {"perceive", "reason"}
    for d in lines:
        assert list(StatsLine.from_dict(d).to_dict().items()) == list(d.items())
    typed = Run(OLD, create=False).stats()
    perceive = next(s for s in typed if s.command == "perceive")
    assert perceive.extra["model"] == "scripted" and perceive.versions is None and perceive.argv[0] == "perceive"
    assert perceive.settings is None and perceive.error is None  # written before settings were recorded
    assert sum(s.generated for s in typed) == sum(d["generated"] for d in lines)

    run = Run(tmp_path / "new")
    written = run.log_stats("reason", 3, CallStats(generated=2, failed=1), 0.0, settings={"variants": ["cap"]},
                            error="server gone")
    [back] = run.stats()
    assert back == written and back.settings == {"variants": ["cap"]} and back.error == "server gone"
    assert back.versions and back.generated == 2 and back.failed == 1


def test_old_run_scores_and_reports_identically(tmp_path):
    import rapid_eval as re_
    from rapid_eval.reports.load import forget_runs, open_run

    run = tmp_path / "run"
    shutil.copytree(OLD, run)
    for name in ("verdicts.jsonl", "summary.json", "scores.json", "verdict_cache.jsonl"):
        (run / name).unlink()  # scored again from the records alone, by today's code
    result = re_.score(run)
    old = json.loads((OLD / "summary.json").read_text(encoding="utf-8"))
    assert result.answers == old["answers"] == 30
    # every field the old summary had is equal; fields added since (``items``, ``note``) come on top
    assert [{k: v for k, v in r.to_dict().items() if k in o} for r, o in zip(result.rows, old["rows"], strict=True)] \
        == old["rows"]
    assert all(r.items is not None and r.items >= (r.n or 0) for r in result.rows)
    assert json.loads((run / "scores.json").read_text(encoding="utf-8")) == \
        json.loads((OLD / "scores.json").read_text(encoding="utf-8"))
    assert sorted(_lines(run / "verdicts.jsonl"), key=lambda d: d["key"]) == \
        sorted(_lines(OLD / "verdicts.jsonl"), key=lambda d: d["key"])

    forget_runs()
    answers = open_run(run).answers
    assert sorted((a.key, a.verdict.correct) for a in answers) == \
        sorted((d["key"], d["correct"]) for d in _lines(OLD / "verdicts.jsonl"))


def test_reasoning_rerun_on_an_old_run_makes_no_call_and_appends_nothing(tmp_path):
    from rapid_eval.engines.scripted import ScriptedEngine
    from rapid_eval.prompts import PromptSet
    from rapid_eval.reasoning.runner import reason
    from rapid_eval.storage.rundir import Run
    from rapid_eval.types import REASONER_DEFAULTS

    shutil.copytree(OLD, tmp_path / "run")
    before = (tmp_path / "run" / "reasoning.jsonl").read_bytes()
    run = Run(tmp_path / "run")
    n, stats, skipped = reason(run, ScriptedEngine("scripted-llm"), PromptSet(), REASONER_DEFAULTS)
    run.close()
    assert (n, stats.generated, skipped) == (20, 0, [])
    assert (tmp_path / "run" / "reasoning.jsonl").read_bytes() == before


def test_stages_read_an_old_run_through_typed_accessors(tmp_path):
    """Perception's compose step reads the run's calls as ``GenerationRecord``s: from an old run's calls it
    rebuilds each stored perception record line for line."""
    from rapid_eval.perception.runner import _compose
    from rapid_eval.storage.rundir import Run

    shutil.copytree(OLD, tmp_path / "run")
    run = Run(tmp_path / "run")
    samples = run.samples()
    lines = _lines(OLD / "perception.jsonl")
    assert lines
    for d in lines:
        stored = run.perception_record(d["key"])
        assert stored == PerceptionRecord.from_dict(d)
        parts = {name: run.generations.record(k) if k else None for name, k in d["parts"].items()}
        assert all(p is None or isinstance(p, GenerationRecord) for p in parts.values())
        rebuilt = _compose(samples[stored.uid], stored.variant, stored.perceptor, parts)
        assert list(rebuilt.to_dict().items()) == list(d.items())
    assert [r.key for r in run.iter_reasoning(containing=b'"reasoner"')] == \
        [d["key"] for d in _lines(OLD / "reasoning.jsonl")]
    assert list(run.iter_reasoning(containing=b"no line holds this")) == []
    assert run.generations.record("no such key") is None and run.perception_record("no such key") is None
    run.close()


def test_old_summary_reads_back_typed_and_writes_the_same_file():
    """``summary.json`` of the old run, and one with a judge's report, read into the typed summary (judge reports
    and the incomplete counts are records, not dicts) and write back key for key."""
    from rapid_eval.summaries import Incomplete, JudgeSummary, RunSummary

    old = json.loads((OLD / "summary.json").read_text(encoding="utf-8"))
    judged = {**old, "judge": "gpt-4o-mini", "judge_reports": {"mathvista": {
        "judged": 4, "decided": 3, "unparsed": 1, "calls": 6, "cache_hits": 2, "failed": 0, "both_decided": 2,
        "agree": 1, "agreement": 50.0}}, "incomplete": {**old["incomplete"], "failed_reasoning": 2}}
    for d in (old, judged):
        summary = RunSummary.from_dict(d)
        assert list(summary.to_dict().items()) == list(d.items())
        assert isinstance(summary.incomplete, Incomplete)
        assert all(isinstance(r, JudgeSummary) for r in summary.judge_reports.values())
    typed = RunSummary.from_dict(judged)
    assert typed.judge_reports["mathvista"].agreement == 50.0
    assert typed.incomplete is not None and typed.incomplete.owed() == {"failed_reasoning": 2}


def test_the_cli_scores_an_old_run_as_the_api_does(tmp_path):
    """``rapid-eval score`` on a copy of the old run writes the summary the API computes, and ``reason`` on it
    makes no call: the command line and the Python API agree on runs of the previous version."""
    from typer.testing import CliRunner

    import rapid_eval as re_
    from rapid_eval.cli import app

    cli_run, api_run = tmp_path / "cli", tmp_path / "api"
    for run in (cli_run, api_run):
        shutil.copytree(OLD, run)
        for name in ("verdicts.jsonl", "summary.json", "scores.json", "verdict_cache.jsonl"):
            (run / name).unlink()
    res = CliRunner().invoke(app, ["score", "--run", str(cli_run)])
    assert res.exit_code == 0, res.output
    api = re_.score(api_run)
    cli = json.loads((cli_run / "summary.json").read_text(encoding="utf-8"))
    assert [r.to_dict() for r in api.rows] == cli["rows"]
    assert json.loads((cli_run / "scores.json").read_text()) == json.loads((api_run / "scores.json").read_text())
    again = CliRunner().invoke(app, ["reason", "--run", str(cli_run), "--reasoner", "scripted-llm",
                                     "--backend", "scripted"])
    assert again.exit_code == 0, again.output
    last = re_.Run(cli_run, create=False).stats()[-1]
    assert (last.command, last.generated, last.reused) == ("reason", 0, 20)
