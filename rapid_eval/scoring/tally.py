"""Count verdicts into the numbers and breakdowns of the scorers' ``metrics``.

Two result shapes, each the one its scorers publish:

- official-script shape (MathVista, MathVision, MMMU): ``{"correct", "total", "accuracy"}`` (:func:`counts`,
  :func:`grouped`); an empty count scores 0.0, and a group whose items are all unscored is still listed;
- ``{"score", "correct", "n"}`` (MathVerse, WeMath, DynaMath, LogicVista, RealWorldQA: :func:`score`,
  :func:`grouped_accuracy`, :func:`overall`); an empty count scores None, and unscored items fall in no group.

Unscored verdicts (``correct is None``) never count as wrong. Percentages have 2 decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rapid_eval.scoring.metrics import Metrics
from rapid_eval.scoring.verdict import Verdict
from rapid_eval.types import Sample

KeyFn = Callable[[Sample], Iterable[Any]]


def pct(correct: int, n: int) -> float | None:
    """``correct`` out of ``n`` in percent, 2 decimals; None when ``n`` is 0."""
    return round(100.0 * correct / n, 2) if n else None


def _scored(verdicts: Iterable[Verdict]) -> tuple[int, int]:
    """(correct, scored) with unscored verdicts left out."""
    scored = [v for v in verdicts if v.correct is not None]
    return sum(bool(v.correct) for v in scored), len(scored)


def _groups(samples: Sequence[Sample], verdicts: Sequence[Verdict], key: KeyFn) -> dict[str, list[Verdict]]:
    """Verdicts per group, groups sorted; ``key`` returns the groups of a sample (several for multi-label fields)."""
    groups: dict[str, list[Verdict]] = {}
    for s, v in zip(samples, verdicts, strict=True):
        for g in key(s):
            groups.setdefault(str(g), []).append(v)
    return dict(sorted(groups.items()))


def counts(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """``{"correct", "total", "accuracy"}`` over scored items (0.0 when none is scored)."""
    correct, n = _scored(verdicts)
    return {"correct": correct, "total": n, "accuracy": pct(correct, n) if n else 0.0}


def grouped(samples: Sequence[Sample], verdicts: Sequence[Verdict], key: KeyFn) -> dict[str, dict[str, Any]]:
    """:func:`counts` per group; groups ``None`` and ``""`` are dropped."""
    groups = _groups(samples, verdicts, lambda s: [g for g in key(s) if g is not None and g != ""])
    return {g: counts(vs) for g, vs in groups.items()}


def by_field(name: str) -> KeyFn:
    """Group by ``metadata[name]`` (lists count the item under each value)."""

    def key(s: Sample) -> list[Any]:
        val = s.metadata.get(name)
        return list(val) if isinstance(val, list | tuple) else [val]

    return key


def score(verdicts: Iterable[Verdict]) -> dict[str, Any]:
    """``{"score", "correct", "n"}`` over scored items (score None when none is scored)."""
    correct, n = _scored(verdicts)
    return {"score": pct(correct, n), "correct": correct, "n": n}


def overall(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """:func:`score` plus the number of unscored items."""
    head = score(verdicts)
    return {**head, "unscored": len(verdicts) - head["n"]}


def grouped_accuracy(samples: Sequence[Sample], verdicts: Sequence[Verdict], keys: KeyFn) -> dict[str, dict[str, Any]]:
    """:func:`score` per group over scored items only; an item may fall in several groups."""
    rows = [(s, v) for s, v in zip(samples, verdicts, strict=True) if v.correct is not None]
    groups = _groups([s for s, _ in rows], [v for _, v in rows], keys)
    return {g: score(vs) for g, vs in groups.items()}


def value_counts(values: Iterable[str]) -> dict[str, int]:
    """How often each value occurs, values sorted (e.g. each ``decided_by`` of a run)."""
    out: dict[str, int] = {}
    for x in values:
        out[x] = out.get(x, 0) + 1
    return dict(sorted(out.items()))


def flag_counts(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """How many verdicts carry each flag (``timeout``, ``no_answer``, ``random_fallback`` ...)."""
    return value_counts(f for v in verdicts for f in v.flags)


def summary(metric: str, head: dict[str, Any], verdicts: Sequence[Verdict], breakdown: dict[str, Any],
            flags: bool = False) -> Metrics:
    """A scorer's ``metrics`` result: ``score``, ``n`` and ``correct`` from ``head``, ``unscored`` over all
    verdicts, with ``flags`` the flag counts, then the breakdown."""
    return Metrics(metric=metric, score=head["score"], n=head["n"], correct=head["correct"],
                   unscored=sum(v.correct is None for v in verdicts), breakdown=breakdown,
                   flags=flag_counts(verdicts) if flags else None)


def official_summary(metric: str, verdicts: Sequence[Verdict], breakdown: dict[str, Any]) -> Metrics:
    """MathVista, MathVision, MMMU: :func:`counts` accuracy over scored items, ``n`` all items, flag counts."""
    total = counts(verdicts)
    head = {"score": total["accuracy"], "n": len(verdicts), "correct": total["correct"]}
    return summary(metric, head, verdicts, breakdown, flags=True)
