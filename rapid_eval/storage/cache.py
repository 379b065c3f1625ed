"""The generation cache: every model call of every stage goes through here, keyed by request content.

The key hashes everything that determines the output: the engine's identity, the rendered messages, the images'
bytes and the sampling parameters. A cached result is never requested again; a failed one is retried on the next
run. Results are appended as each request completes (written at once, fsync'ed by group commit;
see :mod:`rapid_eval.storage.store`), so a crash loses only requests in flight. Results are handed back lazily
(``Results``): a rerun that finds everything cached reads the index, not the 400 MB of text behind it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.hashing import content_hash, file_hash
from rapid_eval.progress import StepProgress
from rapid_eval.records import GenerationRecord
from rapid_eval.sanitize import seconds_value, token_count
from rapid_eval.storage.store import RecordStore
from rapid_eval.types import ChatRequest, Completion, SamplingParams


def request_key(identity: dict[str, Any], request: ChatRequest) -> str:
    """Content hash of (engine identity, messages with image bytes hashed, sampling)."""
    messages = []
    for m in request.messages:
        try:
            images = [file_hash(p) for p in m.images]
        except OSError:
            images = [f"missing:{p}" for p in m.images]  # the engine will report the unreadable image
        messages.append({"role": m.role, "text": m.text, "images": images})
    return content_hash({"engine": identity, "messages": messages, "sampling": _sampling_dict(request.sampling)})


@lru_cache(maxsize=64)
def _sampling_dict(sampling: SamplingParams) -> dict[str, Any]:
    """``sampling.to_dict()`` once per distinct settings (a batch shares one; ``asdict`` is slow). Read-only."""
    return sampling.to_dict()


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

    def count(self, c: Completion, label: str) -> None:
        """Count one finished call: a failure (its error listed under ``label``) or a success and its tokens."""
        if c.error:
            self.failed += 1
            self.errors.append(f"{label}: {c.error}")
        else:
            self.generated += 1
            self.prompt_tokens += c.prompt_tokens or 0
            self.completion_tokens += c.completion_tokens or 0

    def merge(self, other: CallStats) -> None:
        """Add ``other``'s counts, token totals, seconds and error messages to this one (in place)."""
        for name in ("generated", "reused", "failed", "prompt_tokens", "completion_tokens"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds += other.seconds
        self.errors += other.errors


class Results(Sequence[dict[str, Any]]):
    """The records of one batch, in request order, read from the store when indexed (not held in memory)."""

    def __init__(self, store: RecordStore, keys: list[str]):
        """Holds the store and the keys only; a record is read from the file each time it is indexed."""
        self.store = store
        self.keys = keys
        """The generation key of each request."""

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, i: int) -> dict[str, Any]:  # type: ignore[override]
        k = self.keys[i]
        rec = self.store.get(k)
        return sane(rec) if rec else {"key": k, "error": "not generated"}


class GenerationCache:
    """An append-only store of model calls (``generations.jsonl`` of a run), indexed by request key."""

    def __init__(self, path: str | Path):
        """Reads nothing yet: ``path`` is indexed on first lookup (from its saved index when still valid)."""
        self.store = RecordStore(path, persist_index=True)

    def __contains__(self, key: str) -> bool:
        """A successful result is cached under ``key`` (the record itself is not read)."""
        return key in self.store

    def get(self, key: str) -> dict[str, Any] | None:
        """The successful call stored under ``key`` as its raw line, None if there is none."""
        if key not in self.store:
            return None
        return self.raw(key)

    def raw(self, key: str) -> dict[str, Any] | None:
        """The line stored under ``key``, failed or not, with its numbers checked (``sane``); None if none."""
        rec = self.store.get(key)
        return sane(rec) if rec else None

    def record(self, key: str) -> GenerationRecord | None:
        """The call last stored under ``key``, failed or not, typed (numbers checked); None if it was never made."""
        d = self.raw(key)
        return GenerationRecord.from_dict(d) if d is not None else None

    def run(
        self,
        engine: Engine,
        requests: Sequence[ChatRequest],
        stage: str,
        labels: Sequence[str] | None = None,
        keys: Sequence[str] | None = None,
        on_result: Callable[[int, dict[str, Any]], None] | None = None,
    ) -> tuple[Results, CallStats]:
        """Return one record per request (cached or freshly generated), in order, plus what was done.

        Duplicate requests within the batch are generated once. ``labels`` name each request in error messages;
        ``keys`` are the requests' keys if the caller computed them already. ``on_result(i, record)`` is called
        as each new record is stored (``i`` indexes ``requests``): callers start work on a result while the
        batch is still running (``reason`` scores answers as they arrive).
        """
        identity = engine.identity()
        keys = list(keys) if keys is not None else [request_key(identity, r) for r in requests]
        stats = CallStats()
        todo: dict[str, int] = {}
        seen: set[str] = set()
        for i, k in enumerate(keys):
            if k in seen:
                continue  # the same request twice in one batch is one call (or one reuse)
            seen.add(k)
            if k in self.store:
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
                    rec = call_record(key, stage, identity, pending[j], c)
                    self.store.append(rec)
                    stats.count(c, labels[todo[key]] if labels else key)
                    bar.advance(c.completion_tokens)
                    if on_result is not None:
                        on_result(todo[key], rec)

                try:
                    engine.generate(pending, on_complete=on_complete)
                finally:
                    self.store.release()  # fsync; another appender may now repair a torn tail
        stats.seconds = time.perf_counter() - started
        return Results(self.store, keys), stats


def sane(rec: dict[str, Any]) -> dict[str, Any]:
    """A stored record with its token counts and time checked (a record written before servers' ``usage``
    was checked, or edited by hand, may hold ``"abc"``, a list or a negative number there: read as None)."""
    for name in ("prompt_tokens", "completion_tokens"):
        if name in rec and rec[name] is not None:
            rec[name] = token_count(rec[name])
    if rec.get("seconds") is not None:
        rec["seconds"] = seconds_value(rec["seconds"])
    return rec


def call_record(key: str, stage: str, identity: dict[str, Any], request: ChatRequest, c: Completion) -> dict[str, Any]:
    """The ``generations.jsonl`` line of one model call."""
    return {
        "key": key,
        "stage": stage,
        "engine": identity,
        "messages": [m.to_dict() for m in request.messages],
        "sampling": _sampling_dict(request.sampling),
        **c.to_dict(),
        "created": time.time(),
    }
