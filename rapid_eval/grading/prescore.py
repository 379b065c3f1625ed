"""Scoring that overlaps generation: each reasoner answer is decided as it arrives, when that is cheap.

``reason`` hands every new answer to a :class:`Prescorer` (from the engine's completion callback), which only
queues it: a background thread imports the scoring code (0.3 s cold, started by the first answer, so it runs
while the other requests are in flight, not before the first one is sent) and decides the answers whose verdict
needs only string, regex and float work (``Scorer.quick``, or the whole rule for a ``bounded`` scorer). Their
verdicts go to the verdict cache (:mod:`rapid_eval.grading.verdict_cache`); the scoring pass that follows
finds them decided and starts worker processes only for what needs symbolic math. The time after the last
response no longer grows with the number of answers (issue 13: whole process >= 0.6x a bare client).

A failing fast path leaves the item to the scoring pass: nothing is decided twice, nothing lost. ``close()``
drains the queue before the scoring pass starts.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rapid_eval.records import GenerationRecord
    from rapid_eval.scoring import Scorer
    from rapid_eval.types import Sample

log = logging.getLogger(__name__)


class Prescorer:
    """Decide cheap verdicts of new answers as they arrive (``mode``: ``official`` or ``generic``)."""

    def __init__(self, cache_path: str | Path, mode: str = "official"):
        """``cache_path``: the run's verdict cache, appended to by a worker thread that starts with the first
        answer."""
        self.cache_path = Path(cache_path)
        self.mode = mode
        self.decided = 0
        self.left = 0
        self._scorers: dict[str, Scorer] = {}
        self._queue: queue.SimpleQueue[tuple[Sample, str, bool] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._cache: Any = None

    def __call__(self, sample: Sample, gen: GenerationRecord) -> None:
        """Queue one answer (called from the engine's completion callback: returns at once)."""
        self._queue.put((sample, gen.text or "", bool(gen.truncated_thinking)))
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="prescore", daemon=True)
            self._thread.start()

    def _scorer(self, task: str) -> Scorer:
        from rapid_eval.scoring import get_scorer, scorer_names

        s = self._scorers.get(task)
        if s is None:
            name = "generic" if self.mode == "generic" or task not in scorer_names() else task
            s = self._scorers[task] = get_scorer(name)
        return s

    def _work(self) -> None:
        from rapid_eval.grading.verdict_cache import VerdictCache

        self._cache = VerdictCache(self.cache_path)
        while (item := self._queue.get()) is not None:
            try:
                self._decide(*item)
            except Exception as e:  # noqa: BLE001 - the scoring pass decides the item (and reports a failure)
                log.debug("prescoring %s failed (%s)", item[0].id, e)
                self.left += 1

    def _decide(self, sample: Sample, output: str, truncated: bool) -> None:
        scorer = self._scorer(sample.task)
        if getattr(scorer, "sequential", False):
            return  # order-dependent: scored in order by the scoring pass
        key = self._cache.key(scorer, sample, output, truncated)
        if key in self._cache:
            return
        verdict = scorer.score_one(sample, output, truncated) if scorer.bounded \
            else scorer.quick(sample, output, truncated)
        if verdict is None:
            self.left += 1
            return
        self._cache.put(key, scorer, verdict)
        self.decided += 1

    def close(self) -> None:
        """Decide what is queued, then release the cache file."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._cache is not None:
            self._cache.close()
