"""``reason --retry-failed`` redoes exactly the calls that failed, nothing else, and ``score`` reports the run as
incomplete (exit 1) until they are redone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from testlib import FIXTURES


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rapid_eval.cli", *args], capture_output=True, text=True,
                          timeout=120)


def _stats(run: Path) -> list[dict]:
    return [json.loads(x) for x in (run / "stats.jsonl").read_text().splitlines()]


def test_retry_failed_redoes_only_the_failed_calls(tmp_path):
    run = tmp_path / "run"
    assert _cli("perceive", "--model", "vlm", "--backend", "scripted", "--tasks", "wemath,mathvision",
                "--variants", "cap,sol", "--data-dir", str(FIXTURES), "--out", str(run)).returncode == 0
    # the scripted reasoner fails every request whose prompt holds "Options" (WeMath's multiple choice)
    first = _cli("reason", "--reasoner", "llm", "--backend", "scripted", "--engine-arg", "fail_on=Options",
                 "--run", str(run))
    failed = _stats(run)[-1]["failed"]
    assert first.returncode == 1 and failed > 0 and _stats(run)[-1]["generated"] > 0  # some failed, some not
    score = _cli("score", "--run", str(run))
    assert score.returncode == 1 and f"{failed} failed reasoning" in " ".join(score.stderr.split())

    retry = _cli("reason", "--reasoner", "llm", "--backend", "scripted", "--engine-arg", "fail_on=Options",
                 "--run", str(run), "--retry-failed", "--engine-arg", "fail_on=NEVER-IN-A-PROMPT")
    assert retry.returncode == 0, retry.stderr
    last = _stats(run)[-1]
    assert (last["generated"], last["failed"], last["records"]) == (failed, 0, failed)
    assert _cli("score", "--run", str(run)).returncode == 0


def test_retry_failed_redoes_the_failed_calls_of_every_repeat(tmp_path):
    """``score`` tells the user to run ``reason --retry-failed``: that must redo the failed calls of repeats 1..K-1
    too, without the user restating ``--repeats K``."""
    import rapid_eval
    from rapid_eval.grading.runner import failed_records

    out = tmp_path / "run"
    samples = rapid_eval.load_tasks("wemath,mathvision", data_dir=FIXTURES)
    with rapid_eval.load_engine("scripted", "vlm") as vlm:
        rapid_eval.perceive(samples, vlm, "cap", out)
    with rapid_eval.load_engine("scripted", "llm", fail_on="Options") as llm:
        first = rapid_eval.reason(out, llm, repeats=2)
    failed = first.stats.failed
    assert failed > 0 and first.stats.generated > 0
    with rapid_eval.load_engine("scripted", "llm") as llm:
        retry = rapid_eval.reason(out, llm, retry_failed=True)
    assert (retry.stats.generated, retry.stats.failed, retry.records) == (failed, 0, failed)
    assert failed_records(rapid_eval.Run(out, create=False)).failed_reasoning == 0
    assert rapid_eval.score(out).incomplete == {}


def test_a_failure_superseded_by_a_success_under_other_settings_is_not_owed(tmp_path):
    """A call that failed, rerun with other settings (so another record key) that succeed: the run is complete;
    the old failed record stays in the file (append-only) but no longer counts."""
    import rapid_eval

    out = tmp_path / "run"
    samples = rapid_eval.load_tasks("wemath,mathvision", data_dir=FIXTURES)
    with rapid_eval.load_engine("scripted", "vlm") as vlm:
        rapid_eval.perceive(samples, vlm, "cap", out)
    with rapid_eval.load_engine("scripted", "llm", fail_on="Options") as llm:
        failed = rapid_eval.reason(out, llm).failed
    assert failed > 0 and rapid_eval.score(out).incomplete == {"failed_reasoning": failed}
    with rapid_eval.load_engine("scripted", "llm") as llm:
        again = rapid_eval.reason(out, llm, max_new_tokens=77)  # new settings: every call is a new key
    assert again.failed == 0 and again.stats.generated > failed
    assert sum(1 for r in rapid_eval.Run(out).reasoning if r.get("error")) == failed  # still on disk
    assert rapid_eval.score(out).incomplete == {}


def test_perception_outputs_a_reasoner_has_not_attempted_are_owed(tmp_path):
    """A ``reason`` killed between two calls leaves perception outputs unanswered: ``score`` says how many, and
    rerunning ``reason`` completes the run. Variants no reasoner answered are not owed."""
    import rapid_eval
    from rapid_eval.storage.index import index_path

    out = tmp_path / "run"
    samples = rapid_eval.load_tasks("wemath,mathvision", data_dir=FIXTURES)
    with rapid_eval.load_engine("scripted", "vlm") as vlm:
        rapid_eval.perceive(samples, vlm, "cap,sol", out)
    with rapid_eval.load_engine("scripted", "llm") as llm:
        rapid_eval.reason(out, llm, variants="cap")
    assert rapid_eval.score(out).incomplete == {}  # sol: no reasoner answered it, so nothing is owed there
    path = out / "reasoning.jsonl"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-2]) + "\n")  # as if killed two calls before the end
    index_path(path).unlink(missing_ok=True)
    assert rapid_eval.score(out).incomplete == {"not_reasoned": 2}
    with rapid_eval.load_engine("scripted", "llm") as llm:
        rapid_eval.reason(out, llm, variants="cap")  # (the two calls come from the call cache: no model call)
    assert len(path.read_text().splitlines()) == len(lines)
    assert rapid_eval.score(out).incomplete == {}
