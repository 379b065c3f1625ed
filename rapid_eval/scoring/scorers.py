"""Find a benchmark's scorer by name: ``SCORER`` of ``rapid_eval/benchmarks/<name>/scorer.py``, or ``generic``.

The lookup goes through :mod:`rapid_eval.registry` (a ``"module:attr"`` string, imported on use), so this pure
library never imports the benchmark packages statically and loads only the one scorer asked for.
"""

from __future__ import annotations

from typing import Any

from rapid_eval.registry import Registry, benchmark_registry
from rapid_eval.scoring.base import Scorer
from rapid_eval.scoring.generic import GenericScorer

SCORERS: Registry[type[Scorer]] = benchmark_registry("scorer", "SCORER")
"""Benchmarks with their own scoring rules (``benchmarks/<name>/scorer.py``)."""


def scorer_names() -> list[str]:
    """``generic`` plus every benchmark that has its own scorer."""
    return sorted(["generic", *SCORERS.names()])


def get_scorer(name: str, **options: Any) -> Scorer:
    """The scorer of a benchmark (or ``generic``); options go to its constructor. Unknown names raise
    :class:`KeyError` naming the nearest valid one."""
    if name == "generic":
        return GenericScorer(**options)
    if name not in SCORERS:
        from rapid_eval.registry import did_you_mean

        raise KeyError(
            f"no scorer named '{name}'{did_you_mean(name, scorer_names())}; known: {', '.join(scorer_names())}")
    cls = SCORERS.load(name)
    return cls(**options)
