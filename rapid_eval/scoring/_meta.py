"""Reading benchmark fields off a ``Sample`` and grouped accuracies for the metric breakdowns."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rapid_eval.scoring.base import Verdict
from rapid_eval.types import Sample


def meta(sample: Sample, *keys: str, default: Any = None) -> Any:
    """First non-empty value among ``keys`` in the sample's group, metadata, or nested ``metadata["metadata"]``."""
    nested = sample.metadata.get("metadata") if isinstance(sample.metadata.get("metadata"), dict) else {}
    for key in keys:
        for source in (sample.group, sample.metadata, nested):
            val = source.get(key)
            if val not in (None, ""):
                return val
    return default


def as_list(value: Any) -> list[str]:
    """A metadata value as a list of strings (lists stay lists, a stringified list ``"['a', 'b']"`` is split)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        return [t.strip().strip("'\"") for t in text[1:-1].split(",") if t.strip().strip("'\"")]
    return [text]


def pct(correct: int, n: int) -> float | None:
    return round(100.0 * correct / n, 2) if n else None


def grouped_accuracy(
    samples: Sequence[Sample], verdicts: Sequence[Verdict], keys: Callable[[Sample], Iterable[str]]
) -> dict[str, dict[str, Any]]:
    """``{group: {"score": pct, "correct": k, "n": n}}`` over scored items; an item may fall in several groups."""
    acc: dict[str, list[int]] = {}
    for s, v in zip(samples, verdicts, strict=True):
        if v.correct is None:
            continue
        for k in keys(s):
            c = acc.setdefault(str(k), [0, 0])
            c[0] += bool(v.correct)
            c[1] += 1
    return {k: {"score": pct(c, n), "correct": c, "n": n} for k, (c, n) in sorted(acc.items())}


def overall(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    scored = [v for v in verdicts if v.correct is not None]
    correct = sum(bool(v.correct) for v in scored)
    return {"score": pct(correct, len(scored)), "correct": correct, "n": len(scored),
            "unscored": len(verdicts) - len(scored)}
