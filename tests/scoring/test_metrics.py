"""Every benchmark's ``Scorer.metrics`` returns the typed :class:`Metrics`, whose ``to_dict`` is ``scores.json``."""

from __future__ import annotations

import json

import pytest

from rapid_eval import benchmarks
from rapid_eval.scoring import Metrics, Verdict
from rapid_eval.scoring.tally import summary
from rapid_eval.types import Sample


@pytest.mark.parametrize("name", benchmarks.names())
def test_each_benchmark_returns_typed_metrics(name):
    scorer = benchmarks.get(name).scorer()
    samples = [Sample(id=f"{i}", task=name, question="q", answer="A", options=("x", "y")) for i in range(3)]
    verdicts = [Verdict(True, "A"), Verdict(False, "B"), Verdict.unscored("empty gold answer")]
    m = scorer.metrics(samples, verdicts)
    assert isinstance(m, Metrics) and m.unscored == 1
    if name == "mathverse":  # these items hold no version: MathVerse names the versions its headline covers
        assert m.metric.startswith("accuracy over the versions present")
    else:
        assert m.metric == benchmarks.get(name).headline_metric
    d = json.loads(json.dumps(m.to_dict()))
    assert d["metric"] == m.metric and d["score"] == m.score and d["breakdown"] == m.breakdown


def test_to_dict_leaves_out_only_what_a_scorer_does_not_count():
    verdicts = [Verdict(True, flags=("no_answer",)), Verdict(False)]
    counted = summary("accuracy", {"score": 50.0, "n": 2, "correct": 1}, verdicts, {}, flags=True)
    plain = summary("accuracy", {"score": 50.0, "n": 2, "correct": 1}, verdicts, {})
    assert counted.to_dict() == {"metric": "accuracy", "score": 50.0, "n": 2, "correct": 1, "unscored": 0,
                                 "flags": {"no_answer": 1}, "breakdown": {}}
    assert "flags" not in plain.to_dict() and "headline_split" not in plain.to_dict()
