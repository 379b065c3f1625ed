"""Bulk scoring in killable workers: order, deadlines, crashes, exceptions, sequential scorers."""

from __future__ import annotations

import os
import time

import pytest

from rapid_eval.scoring import get_scorer, score_all
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.types import Sample

TOWER = r"\boxed{2^{2^{2^{2^{2^{2^{2}}}}}}}"  # sympy hangs on this inside C code (Math-Verify issue #65)


def _samples(n: int, answer: str = "4") -> list[Sample]:
    return [Sample(id=str(i), task="t", question="q", answer=answer, answer_type="integer") for i in range(n)]


class Tricky(Scorer):
    """Misbehaves on purpose: ``sleep`` hangs, ``raise`` raises, ``exit`` kills its process."""

    name = "tricky"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        if output == "sleep":
            time.sleep(60)
        if output == "raise":
            raise RuntimeError("boom")
        if output == "exit":
            os._exit(3)
        return Verdict(output == sample.answer, output, "rule:test")


class Counter(Scorer):
    """Stateful: the n-th call returns n (checks in-order scoring and reset())."""

    name = "counter"
    sequential = True

    def __init__(self) -> None:
        self.n = 0

    def reset(self) -> None:
        self.n = 0

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        self.n += 1
        return Verdict(True, str(self.n), "rule:test")


def test_power_tower_times_out_quickly():
    outputs = [r"\boxed{4}"] * 6
    outputs[2] = TOWER
    stats: dict = {}
    t0 = time.monotonic()
    verdicts = score_all(get_scorer("generic"), _samples(6), outputs, workers=2, timeout=1.5, stats=stats)
    assert time.monotonic() - t0 < 15
    assert verdicts[2].correct is False and verdicts[2].flags == ("timeout",) and verdicts[2].decided_by == "timeout"
    assert all(v.correct for i, v in enumerate(verdicts) if i != 2)
    assert stats["timeouts"] == 1 and stats["respawns"] >= 1 and stats["max_item_s"] >= 1.5


def test_hang_exception_and_crash_are_counted_not_hidden():
    outputs = ["4", "sleep", "4", "raise", "4", "exit", "4", "x"]
    stats: dict = {}
    verdicts = score_all(Tricky(), _samples(8), outputs, workers=2, timeout=1.0, chunk_size=3, stats=stats)
    assert [v.correct for v in verdicts] == [True, False, True, None, True, None, True, False]
    assert verdicts[1].flags == ("timeout",)
    assert verdicts[3].decided_by == "unscored" and "boom" in verdicts[3].explanation
    assert "worker" in verdicts[5].explanation
    assert stats["timeouts"] == 1 and stats["unscored"] == 2


def test_in_process_matches_workers_and_keeps_order():
    outputs = [r"\boxed{4}", r"\boxed{5}", "four", r"\boxed{2+2}"] * 5
    a = score_all(get_scorer("generic"), _samples(20), outputs, workers=0)
    b = score_all(get_scorer("generic"), _samples(20), outputs, workers=2, chunk_size=3)
    assert [v.correct for v in a] == [v.correct for v in b] == [True, False, False, True] * 5


def test_exceptions_in_process_become_unscored():
    verdicts = score_all(Tricky(), _samples(2), ["raise", "4"], workers=0)
    assert verdicts[0].correct is None and verdicts[1].correct is True


@pytest.mark.parametrize("workers", [0, 3])
def test_sequential_scorer_runs_in_order_from_reset(workers):
    scorer = Counter()
    scorer.n = 100  # stale state is reset before the first item
    stats: dict = {}
    verdicts = score_all(scorer, _samples(30), ["x"] * 30, workers=workers, chunk_size=4, stats=stats)
    assert [v.extracted for v in verdicts] == [str(i) for i in range(1, 31)]
    assert stats["workers"] == min(workers, 1)


def test_truncated_and_length_mismatch():
    v = score_all(get_scorer("generic"), _samples(1), [r"\boxed{4}"], truncated=[True], workers=0)
    assert v[0].flags == ("truncated",)
    with pytest.raises(ValueError):
        score_all(get_scorer("generic"), _samples(2), ["4"], workers=0)
    assert score_all(get_scorer("generic"), [], [], workers=2) == []
