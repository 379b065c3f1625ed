"""What the benchmark scorers share besides extraction and counting: reading fields off a ``Sample``, and the
verdicts given before any extraction (empty gold, truncated output). Counting for the metrics is in ``tally``."""

from __future__ import annotations

from typing import Any

from rapid_eval.scoring.verdict import Verdict
from rapid_eval.types import Sample

CUT = "output cut inside its reasoning trace"


def meta(sample: Sample, *keys: str, default: Any = None) -> Any:
    """First non-empty value among ``keys`` in the sample's group, metadata, or nested ``metadata["metadata"]``."""
    inner = sample.metadata.get("metadata")
    nested: dict[str, Any] = inner if isinstance(inner, dict) else {}
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


def truncated_verdict(explain: bool = False, **details: Any) -> Verdict:
    """Score 0 with the flag ``truncated``: the output was cut inside its reasoning trace, so there is no answer."""
    return Verdict(False, None, "rule:truncated", CUT if explain else "", ("truncated",), details)


def precheck(gold: str, truncated: bool) -> Verdict | None:
    """The verdict before any extraction: unscored for an empty gold, else 0 for a truncated output; None to go on."""
    if not gold:
        return Verdict.unscored("empty gold answer")
    return truncated_verdict() if truncated else None
