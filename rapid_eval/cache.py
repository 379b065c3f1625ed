"""The generation cache: every model call of every stage goes through here, keyed by request content.

The key hashes everything that determines the output: the engine's identity, the rendered messages, the images'
bytes and the sampling parameters. A cached result is never requested again; a failed one is retried on the next
run. Results are appended (fsync'ed) as each request completes, so a crash loses only requests in flight.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.hashing import content_hash, file_hash
from rapid_eval.progress import StepProgress
from rapid_eval.store import RecordStore
from rapid_eval.types import ChatRequest, Completion


def request_key(identity: dict[str, Any], request: ChatRequest) -> str:
    """Content hash of (engine identity, messages with image bytes hashed, sampling)."""
    messages = []
    for m in request.messages:
        try:
            images = [file_hash(p) for p in m.images]
        except OSError:
            images = [f"missing:{p}" for p in m.images]  # the engine will report the unreadable image
        messages.append({"role": m.role, "text": m.text, "images": images})
    return content_hash({"engine": identity, "messages": messages, "sampling": request.sampling.to_dict()})


@dataclass
class CallStats:
    """What one stage did: how many results were generated, reused from the cache, or failed."""

    generated: int = 0
    reused: int = 0
    failed: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    def merge(self, other: CallStats) -> None:
        for name in ("generated", "reused", "failed", "prompt_tokens", "completion_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds
        self.errors += other.errors


class GenerationCache:
    """An append-only store of model calls (``generations.jsonl`` of a run)."""

    def __init__(self, path: str | Path):
        self.store = RecordStore(path)

    def get(self, key: str) -> dict[str, Any] | None:
        rec = self.store.get(key)
        return rec if rec is not None and not rec.get("error") else None

    def run(
        self,
        engine: Engine,
        requests: Sequence[ChatRequest],
        stage: str,
        labels: Sequence[str] | None = None,
    ) -> tuple[list[dict[str, Any]], CallStats]:
        """Return one record per request (cached or freshly generated), in order, plus what was done.

        Duplicate requests within the batch are generated once. ``labels`` name each request in error messages.
        """
        identity = engine.identity()
        keys = [request_key(identity, r) for r in requests]
        stats = CallStats()
        todo: dict[str, int] = {}
        seen: set[str] = set()
        for i, k in enumerate(keys):
            if k in seen:
                continue  # the same request twice in one batch is one call (or one reuse)
            seen.add(k)
            if self.get(k) is not None:
                stats.reused += 1
            else:
                todo[k] = i
        pending_keys = list(todo)
        pending = [requests[todo[k]] for k in pending_keys]
        started = time.perf_counter()
        if pending:
            with StepProgress(stage, len(pending)) as bar:

                def on_complete(j: int, c: Completion) -> None:
                    key = pending_keys[j]
                    rec = _record(key, stage, identity, pending[j], c)
                    self.store.append(rec)
                    if c.error:
                        stats.failed += 1
                        label = labels[todo[key]] if labels else key
                        stats.errors.append(f"{label}: {c.error}")
                    else:
                        stats.generated += 1
                        stats.prompt_tokens += c.prompt_tokens or 0
                        stats.completion_tokens += c.completion_tokens or 0
                    bar.advance(c.completion_tokens)

                try:
                    engine.generate(pending, on_complete=on_complete)
                finally:
                    self.store.sync()
        stats.seconds = time.perf_counter() - started
        out = [self.store.get(k) or {"key": k, "error": "not generated"} for k in keys]
        return out, stats


def _record(key: str, stage: str, identity: dict[str, Any], request: ChatRequest, c: Completion) -> dict[str, Any]:
    return {
        "key": key,
        "stage": stage,
        "engine": identity,
        "messages": [m.to_dict() for m in request.messages],
        "sampling": request.sampling.to_dict(),
        **c.to_dict(),
        "created": time.time(),
    }
