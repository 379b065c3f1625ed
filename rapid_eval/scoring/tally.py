"""Count verdicts into groups, the way the official scripts report breakdowns (correct, total, accuracy)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rapid_eval.scoring.base import Verdict
from rapid_eval.types import Sample

KeyFn = Callable[[Sample], Iterable[Any]]


def counts(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """``{"correct", "total", "accuracy"}`` over scored items (percent, 2 decimals); unscored items excluded."""
    scored = [v for v in verdicts if v.correct is not None]
    correct = sum(bool(v.correct) for v in scored)
    acc = round(100.0 * correct / len(scored), 2) if scored else 0.0
    return {"correct": correct, "total": len(scored), "accuracy": acc}


def grouped(samples: Sequence[Sample], verdicts: Sequence[Verdict], key: KeyFn) -> dict[str, dict[str, Any]]:
    """Counts per group; ``key`` returns the groups of a sample (several for multi-label fields such as skills)."""
    groups: dict[str, list[Verdict]] = {}
    for s, v in zip(samples, verdicts, strict=True):
        for g in key(s):
            if g is not None and g != "":
                groups.setdefault(str(g), []).append(v)
    return {g: counts(vs) for g, vs in sorted(groups.items())}


def by_field(name: str) -> KeyFn:
    """Group by ``metadata[name]`` (lists count the item under each value)."""

    def key(s: Sample) -> list[Any]:
        val = s.metadata.get(name)
        return list(val) if isinstance(val, list | tuple) else [val]

    return key


def flag_counts(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """How many verdicts carry each flag (``timeout``, ``no_answer``, ``random_fallback`` ...)."""
    out: dict[str, int] = {}
    for v in verdicts:
        for f in v.flags:
            out[f] = out.get(f, 0) + 1
    return dict(sorted(out.items()))
