"""Scoring rules as a pure library: per-item verdicts, safe bulk scoring, metrics, the generic boxed reward.

This package sits on the low floor of the import graph: it imports only :mod:`rapid_eval.types` and
:mod:`rapid_eval.registry` (plus math-verify and sympy on first use), never the run machinery (``rundir``,
``cache``, ``engines``), torch or transformers; the trainer's reward (:func:`boxed_reward`) needs nothing else.
Per-benchmark rules live with their benchmark (``rapid_eval/benchmarks/<name>/scorer.py``) and are found by
name; scoring a run is the pipeline stage :mod:`rapid_eval.grading`; rescoring files made elsewhere is
:mod:`rapid_eval.rescore`.

    >>> from rapid_eval.scoring import get_scorer, score_all
    >>> scorer = get_scorer("mathvista")
    >>> verdicts = score_all(scorer, samples, outputs, workers=2)      # doctest: +SKIP
    >>> scorer.metrics(samples, verdicts).score                         # doctest: +SKIP
"""

from __future__ import annotations

from rapid_eval.scoring.base import Scorer
from rapid_eval.scoring.generic import boxed_reward
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.scoring.pool import score_all
from rapid_eval.scoring.scorers import get_scorer, scorer_names
from rapid_eval.scoring.verdict import Verdict

__all__ = ["Metrics", "Scorer", "Verdict", "boxed_reward", "get_scorer", "score_all", "scorer_names"]
