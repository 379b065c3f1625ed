"""Scoring that overlaps generation: each reasoner answer is decided as it arrives, when that is cheap.

``reason`` hands every new answer to a :class:`Prescorer` (from the engine's completion callback). Answers whose
verdict needs only string, regex and float work (``Scorer.quick``, or the whole rule for a ``bounded`` scorer)
are decided there and then, in this process, and go to the verdict cache
(:mod:`rapid_eval.evaluation.verdict_cache`); the scoring pass that follows finds them decided and starts worker
processes only for what needs symbolic math. The work happens while the other requests are in flight, so
the time after the last response no longer grows with the number of answers (issue 13: whole process >= 0.6x
a bare client). A failing fast path leaves the item to the scoring pass: nothing is decided twice, nothing lost.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from rapid_eval.evaluation.verdict_cache import VerdictCache
from rapid_eval.scoring import Scorer, Verdict, get_scorer, scorer_names
from rapid_eval.types import Sample

log = logging.getLogger(__name__)


class Prescorer:
    """Decide cheap verdicts of new answers as they arrive (``mode``: ``official`` or ``generic``)."""

    def __init__(self, cache_path: str | Path, mode: str = "official"):
        self.cache = VerdictCache(cache_path)
        self.mode = mode
        self.decided = 0
        self.left = 0
        self._scorers: dict[str, Scorer] = {}
        self._lock = threading.Lock()

    def scorer(self, task: str) -> Scorer:
        s = self._scorers.get(task)
        if s is None:
            name = "generic" if self.mode == "generic" or task not in scorer_names() else task
            s = self._scorers[task] = get_scorer(name)
        return s

    def __call__(self, sample: Sample, gen: dict[str, Any]) -> None:
        scorer = self.scorer(sample.task)
        if getattr(scorer, "sequential", False):
            return  # order-dependent: scored in order by the scoring pass
        output, truncated = str(gen.get("text") or ""), bool(gen.get("truncated_thinking"))
        with self._lock:
            key = self.cache.key(scorer, sample, output, truncated)
            if key in self.cache:
                return
            verdict: Verdict | None = None
            try:
                verdict = scorer.score_one(sample, output, truncated) if scorer.bounded \
                    else scorer.quick(sample, output, truncated)
            except Exception as e:  # noqa: BLE001 - the scoring pass decides it (and reports a failure)
                log.debug("%s: prescoring %s failed (%s)", scorer.name, sample.id, e)
            if verdict is None:
                self.left += 1
                return
            self.cache.put(key, scorer, verdict)
            self.decided += 1

    def close(self) -> None:
        self.cache.close()
