"""Scoring: per-item verdicts (``score_one``), safe bulk scoring (``score_all``), official metrics, re-scoring.

Importing this package registers the built-in scorers; it does not import math-verify, sympy or pandas (those
load on first use).

    >>> from rapid_eval.scoring import get_scorer, score_all
    >>> scorer = get_scorer("mathvista")
    >>> verdicts = score_all(scorer, samples, outputs, workers=2)      # doctest: +SKIP
    >>> scorer.metrics(samples, verdicts)["score"]                      # doctest: +SKIP

Re-scoring files made elsewhere: ``from rapid_eval.scoring.rescore import rescore`` (imported on demand, since
it pulls in the prediction-file readers).
"""

from __future__ import annotations

from rapid_eval.scoring import (  # noqa: F401  - importing a scorer module registers it
    dynamath,
    generic,
    logicvista,
    mathverse,
    mathvision,
    mathvista,
    mmmu,
    realworldqa,
    wemath,
)
from rapid_eval.scoring.base import Scorer, Verdict, get_scorer, register_scorer, scorer_names
from rapid_eval.scoring.generic import boxed_reward
from rapid_eval.scoring.pool import score_all

__all__ = [
    "Scorer",
    "Verdict",
    "boxed_reward",
    "get_scorer",
    "register_scorer",
    "score_all",
    "scorer_names",
]

