"""The one Engine interface that perceive, reason, judge and the trainer all use.

A backend only translates a batch of ``ChatRequest`` into ``Completion``s. It reports each completion through
``on_complete(index, completion)`` as soon as it is done, so callers can persist results incrementally (a crash
loses only what is in flight). A request that fails for good comes back as a ``Completion`` with ``error`` set;
``generate`` itself raises only for errors that concern the whole engine (model not found, server down).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any

from rapid_eval.engines.feed import RequestFeed
from rapid_eval.types import ChatRequest, Completion

OnComplete = Callable[[int, Completion], None]


def _reindexed(index: list[int], on_complete: OnComplete) -> OnComplete:
    """``on_complete`` with a batch's positions mapped back to the feed's indexes."""
    return lambda j, c: on_complete(index[j], c)


class Engine(abc.ABC):
    """Batched chat generation. Subclasses set ``backend`` and implement ``_generate``."""

    backend: str = "?"

    def __init__(self, model: str, **options: Any):
        """Stores ``model`` and the backend's options as given (the base ``identity`` omits them); loads nothing."""
        self.model = model
        self.options = options

    def identity(self) -> dict[str, Any]:
        """What identifies the model for caching: the same identity + prompt + params -> the same output.

        Backends that serve the same weights (hf, vllm, openai) may differ in numerics; the backend is part of
        the identity so that records of different backends never alias.
        """
        return {"model": self.model, "backend": self.backend}

    def generate(self, requests: Sequence[ChatRequest], on_complete: OnComplete | None = None) -> list[Completion]:
        """Run all requests; return completions in request order, calling ``on_complete`` as each finishes."""
        results: list[Completion | None] = [None] * len(requests)

        def _done(i: int, c: Completion) -> None:
            results[i] = c
            if on_complete is not None:
                on_complete(i, c)

        if requests:
            self._generate(list(requests), _done)
        missing = [i for i, r in enumerate(results) if r is None]
        for i in missing:
            _done(i, Completion(finish_reason="error", error="backend returned no completion"))
        return [r for r in results if r is not None]

    def generate_stream(self, feed: RequestFeed, on_complete: OnComplete) -> None:
        """Generate the requests of ``feed`` as they are put, until it is closed and drained, calling
        ``on_complete(index, completion)`` (the feed's index) as each finishes. Backends that can take requests
        while others are in flight override ``_generate_stream``; the default serves whatever waits as one
        ``generate`` batch, then the next."""
        self._generate_stream(feed, on_complete)

    def _generate_stream(self, feed: RequestFeed, on_complete: OnComplete) -> None:
        while items := feed.take():
            self.generate([r for _, r in items], _reindexed([i for i, _ in items], on_complete))

    @abc.abstractmethod
    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        """Generate every request, calling ``on_complete(i, completion)`` exactly once per index."""

    def counters(self) -> dict[str, Any]:
        """Transport counters over the engine's life (attempts, retries by cause...); empty for in-process
        backends, which make no network attempts."""
        return {}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (servers, GPU memory). Safe to call twice."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
