"""A benchmark's official numbers over a set of verdicts: what ``Scorer.metrics`` returns (Inspect AI's metrics).

The headline fields are typed and the same for every benchmark; ``breakdown`` holds what only one benchmark
publishes (MathVerse's versions, WeMath's four dimensions, DynaMath's worst case per subject ...), JSON-ready as
each benchmark's official script reports it. ``to_dict`` is the shape written to ``scores.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Metrics:
    """One benchmark's headline and breakdowns over a set of verdicts."""

    metric: str
    """The headline's name as the benchmark publishes it: ``accuracy``, ``Score (Strict)``, ``worst-case
    accuracy``, ``All (five vision versions)`` ..."""
    score: float | None
    """The headline in percent, 2 decimals; None when nothing it counts was scored."""
    n: int
    """What the headline counts: items, or the benchmark's units (WeMath's complete problem groups, DynaMath's
    seeds)."""
    correct: int
    """Items judged correct (all scored items, whatever unit ``n`` counts)."""
    unscored: int = 0
    """Items no rule could judge (bad gold, a timeout): left out of the headline, never counted as wrong."""
    breakdown: dict[str, Any] = field(default_factory=dict)
    """The benchmark's official breakdowns, JSON-ready (``{}`` where it publishes none)."""
    flags: dict[str, int] | None = None
    """How many verdicts carry each flag (``no_answer``, ``timeout``, ``random_fallback`` ...); None where the
    scorer does not count them."""
    headline_split: str | None = None
    """The split the headline is computed on when the items span several (MMMU's ``validation`` beside ``dev``);
    None when they span one."""

    def to_dict(self) -> dict[str, Any]:
        """The ``scores.json`` shape: every field, with ``flags`` and ``headline_split`` only where set."""
        out: dict[str, Any] = {"metric": self.metric, "score": self.score, "n": self.n, "correct": self.correct,
                               "unscored": self.unscored}
        if self.flags is not None:
            out["flags"] = dict(self.flags)
        out["breakdown"] = self.breakdown
        if self.headline_split is not None:
            out["headline_split"] = self.headline_split
        return out
