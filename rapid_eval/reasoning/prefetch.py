"""Streaming reasoning: the reasoner's calls start on each perception record as soon as it lands.

While ``perceive`` runs, :class:`Prefetcher.offer` turns each new perception record into the reasoner request(s)
``reason`` would make for it (:func:`rapid_eval.reasoning.runner.reasoner_request`, the same cache keys) and
puts those not cached into a bounded :class:`rapid_eval.engines.feed.RequestFeed`; a thread serves the feed with
``engine.generate_stream``, so the perceptor and the reasoner are busy at once. Each answer is appended to
``generations.jsonl`` as it completes (as any call: kill -9 loses only what is in flight). The reasoning records
themselves are then written by the ordinary ``reason`` pass, which finds these calls cached (``attempted`` keeps
it from asking a streamed call that failed again): the records and scores are those of the sequential path.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.engines.feed import RequestFeed
from rapid_eval.prompts import PromptSet
from rapid_eval.reasoning.runner import reasoner_request, wanted
from rapid_eval.records import PerceptionRecord
from rapid_eval.storage.cache import CallStats, call_record, request_key
from rapid_eval.storage.rundir import Run
from rapid_eval.types import ChatRequest, Completion, Sample, SamplingParams

FEED_LIMIT = 4_096
"""Reasoner requests waiting at most (``offer`` waits beyond it): what streaming holds, whatever the run's size."""


class Prefetcher:
    """One reasoner's calls, made while perception is still running."""

    def __init__(self, run: Run, engine: Engine, prompts: PromptSet, sampling: SamplingParams,
                 variants: list[str] | None = None, perceptor: str | None = None, repeats: int = 1,
                 limit: int = FEED_LIMIT):
        """Render the reasoner's system prompt and prepare the feed and its serving thread; starts nothing.

        ``variants`` and ``perceptor`` select the records offered as ``reason`` does (None: all); ``repeats`` asks
        each request that many times, seeds ``sampling.seed + k``; ``limit`` bounds the requests waiting in the feed.
        """
        self.run, self.engine, self.prompts = run, engine, prompts
        self.variants, self.perceptor = variants, perceptor
        self.identity = engine.identity()
        self.seeds = [sampling if k == 0 else replace(sampling, seed=(sampling.seed or 0) + k)
                      for k in range(max(1, repeats))]
        self.system = prompts.render("reasoner_system")
        self.feed = RequestFeed(limit)
        self.attempted: set[str] = set()
        """Every generation key put into the feed (``reason(attempted=...)`` does not ask them again)."""
        self.stats = CallStats()
        self.error: BaseException | None = None
        """What ended the stream early (a server down for good); the ``reason`` pass that follows meets it too."""
        self._pending: dict[int, tuple[str, ChatRequest, str]] = {}
        self._lock = threading.Condition()
        self._thread = threading.Thread(target=self._serve, name="rapid-eval-prefetch", daemon=True)

    def start(self) -> Prefetcher:
        """Start the thread that serves the feed with ``engine.generate_stream``; return self (call once).

        The thread appends each answer to the run's ``generations.jsonl`` as it completes and, when the stream
        ends, fsyncs and releases that file; :meth:`finish` waits for it.
        """
        self._thread.start()
        return self

    def offer(self, rec: PerceptionRecord, sample: Sample) -> None:
        """Queue the reasoner calls of ``rec`` that are neither cached nor queued (waits while the feed is full)."""
        if rec.error or not wanted(rec, self.variants, self.perceptor):
            return
        for k, params in enumerate(self.seeds):
            req = reasoner_request(sample, rec.variant, rec.caption, rec.solution, self.prompts, params, self.system)
            key = request_key(self.identity, req)
            with self._lock:
                if key in self.attempted or key in self.run.generations:
                    continue
                self.attempted.add(key)
            label = f"{rec.uid} [{rec.variant}]" + (f" repeat {k}" if k else "")
            i = self.feed.put(req)  # no lock held: a full feed waits for the engine, which takes the lock
            with self._lock:
                if i is None:  # the stream ended early: the reason pass asks it
                    self.attempted.discard(key)
                    return
                self._pending[i] = (key, req, label)
                self._lock.notify_all()

    def _serve(self) -> None:
        try:
            self.engine.generate_stream(self.feed, self._done)
        except BaseException as e:  # reported by finish(); the reason pass asks what was not answered
            self.error = e
            with self._lock:
                for i, _ in self.feed.abort():
                    self.attempted.discard(self._pending.pop(i, ('',))[0])
        finally:
            self.run.generations.store.release()

    def _done(self, i: int, c: Completion) -> None:
        with self._lock:  # the answer may come back before offer() has noted what it put
            while i not in self._pending:
                self._lock.wait()
            key, req, label = self._pending.pop(i)
        self.run.generations.store.append(call_record(key, "reason", self.identity, req, c))
        self.stats.count(c, label)

    def finish(self) -> CallStats:
        """No more records: wait for the calls in flight; return what the stream did."""
        self.feed.close()
        self._thread.join()
        with self._lock:  # put but never answered (an engine that dropped them): the reason pass asks them
            for key, _, _ in self._pending.values():
                self.attempted.discard(key)
            self._pending.clear()
        return self.stats

    def stats_line(self) -> dict[str, Any]:
        """What ``stats.jsonl`` records of the stream."""
        out: dict[str, Any] = {"streamed": self.stats.generated + self.stats.failed}
        if self.error is not None:
            out["stream_error"] = str(self.error)[:300]
        return out
