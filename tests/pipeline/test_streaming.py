"""Streamed stages (``api.perceive_and_reason``): the reasoner starts before perception ends, and the run holds
the same records and scores as ``perceive`` then ``reason``; a streamed call that failed is not asked twice."""

from __future__ import annotations

import json
from pathlib import Path

from testlib import FIXTURES

import rapid_eval
from rapid_eval.engines.scripted import ScriptedEngine

VOLATILE = ("created", "seconds")


def _records(run: Path, name: str) -> dict[str, dict]:
    out = {}
    for line in (run / f"{name}.jsonl").read_text().splitlines():
        d = json.loads(line)
        out[d["key"]] = {k: v for k, v in d.items() if k not in VOLATILE}
    return out


def _engines(fail_on: str | None = None):
    vlm = rapid_eval.load_engine("scripted", "vlm", reply="caption of {last_word}", delay=0.004)
    llm = rapid_eval.load_engine("scripted", "llm", reply="so \\boxed{A}", fail_on=fail_on)
    return vlm, llm


def test_streamed_run_equals_sequential_and_overlaps(tmp_path):
    samples = rapid_eval.load_tasks("wemath,mathvision,dynamath", data_dir=FIXTURES)
    seq, streamed = tmp_path / "seq", tmp_path / "streamed"
    vlm, llm = _engines(fail_on="point B")  # some reasoner calls fail: recorded once, never asked twice
    rapid_eval.perceive(samples, vlm, "cap,qcap+sol,direct", seq)
    before = ScriptedEngine.calls
    r_seq = rapid_eval.reason(seq, llm)
    seq_calls = ScriptedEngine.calls - before
    vlm, llm = _engines(fail_on="point B")
    before = ScriptedEngine.calls
    p, [r] = rapid_eval.perceive_and_reason(samples, vlm, llm, "cap,qcap+sol,direct", streamed)
    assert ScriptedEngine.calls - before == seq_calls + p.stats.generated + p.stats.failed
    assert (r.stats.generated, r.stats.failed, r.records) == (r_seq.stats.generated, r_seq.stats.failed,
                                                               r_seq.records)
    assert r.stats.failed > 0
    for name in ("perception", "reasoning", "generations", "samples"):
        assert _records(streamed, name) == _records(seq, name), name
    assert [x.to_dict() for x in rapid_eval.score(streamed).rows] == [x.to_dict() for x in rapid_eval.score(seq).rows]
    # both engines were busy at once: reasoner answers were stored before the last perception call
    gens = [json.loads(x) for x in (streamed / "generations.jsonl").read_text().splitlines()]
    first_reason = next(i for i, g in enumerate(gens) if g["stage"] == "reason")
    assert any(g["stage"] == "perceive" for g in gens[first_reason:])
    stats = [json.loads(x) for x in (streamed / "stats.jsonl").read_text().splitlines()]
    assert [s["command"] for s in stats] == ["perceive", "reason", "score"]
    assert stats[1]["streamed"] == r.stats.generated + r.stats.failed

    # a rerun makes no call
    vlm, llm = _engines(fail_on="point B")
    before = ScriptedEngine.calls
    _, [again] = rapid_eval.perceive_and_reason(samples, vlm, llm, "cap,qcap+sol,direct", streamed)
    assert ScriptedEngine.calls - before == r.stats.failed + p.stats.failed  # only failed calls are retried
    assert again.stats.generated == 0
