"""Find a benchmark's scorer by name: ``SCORER`` of ``rapid_eval/benchmarks/<name>/scorer.py``, or ``generic``.

The lookup goes through :func:`rapid_eval.registry.benchmark_attr` (the one lookup of benchmark modules, which
``rapid_eval.benchmarks.get(name).scorer_class`` uses too), so this pure library never imports the benchmark
packages statically and loads only the one scorer asked for.
"""

from __future__ import annotations

from typing import Any

from rapid_eval.registry import benchmark_attr, benchmark_names, did_you_mean
from rapid_eval.scoring.base import Scorer
from rapid_eval.scoring.generic import GenericScorer


def scorer_names() -> list[str]:
    """``generic`` plus every benchmark that has its own scorer (``benchmarks/<name>/scorer.py``)."""
    return sorted(["generic", *benchmark_names("scorer")])


def get_scorer(name: str, **options: Any) -> Scorer:
    """The scorer of a benchmark (or ``generic``); options go to its constructor. Unknown names raise
    :class:`KeyError` naming the nearest valid one."""
    if name == "generic":
        return GenericScorer(**options)
    if name not in scorer_names():
        raise KeyError(
            f"no scorer named '{name}'{did_you_mean(name, scorer_names())}; known: {', '.join(scorer_names())}")
    cls: type[Scorer] = benchmark_attr(name, "scorer", "SCORER")
    return cls(**options)
