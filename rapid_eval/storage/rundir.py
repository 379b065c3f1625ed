"""A run directory: the samples it covers, every model call, the per-stage records, stats and scores.

    RUN/samples.jsonl       the normalised samples (so ``reason`` and ``score`` need no data access)
    RUN/generations.jsonl   every model call of every stage, keyed by request content (see cache.py)
    RUN/perception.jsonl    one record per (sample, variant, perceptor)
    RUN/reasoning.jsonl     one record per (sample, variant, perceptor, reasoner)
    RUN/verdicts.jsonl      one verdict per answer (rewritten by each scoring pass; derived, never model output)
    RUN/summary.json        accuracy per task x variant x perceptor x reasoner; RUN/scores.json: full metrics
    RUN/stats.jsonl         one line per command invocation
    RUN/run.json            the record schema version (absent in runs older than schema 2; they still load)
    RUN/verdict_cache.jsonl rule verdicts by (scoring code, sample, answer) (see grading/verdict_cache.py)
    RUN/<stage>.lock        the lock a running ``perceive``/``reason``/``score`` holds (see runlock.py)
    RUN/.index/             saved indexes of the append-only files (a cache; see store_index.py)

Records are typed (:mod:`rapid_eval.records`): ``perception_records()``, ``reasoning_records()`` and
``verdict_records()`` read them back as frozen dataclasses, ``iter_perception()`` & co. stream them;
``table(name)`` gives any record file as a DataFrame with the latest line per key (a retried call's superseded
line is not a row). Stores open on first use: a command reads only the files it needs, and holds their index
(key -> byte offset), not their records (see store.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rapid_eval.provenance import versions
from rapid_eval.records import SCHEMA_VERSION, PerceptionRecord, ReasoningRecord, StatsLine, VerdictRecord
from rapid_eval.redact import redact_argv
from rapid_eval.storage.cache import CallStats, GenerationCache
from rapid_eval.storage.lock import StageLock
from rapid_eval.storage.nofollow import fresh_file, open_fd
from rapid_eval.storage.store import RecordStore, read_jsonl, stream_jsonl
from rapid_eval.types import Sample

APPEND_ONLY = ("samples", "generations", "perception", "reasoning", "verdict_cache", "judge")
"""Record files that are only ever appended to (their indexes are saved beside them)."""


class Run:
    """Opens (or creates) a run directory and its record stores."""

    def __init__(self, root: str | Path, create: bool = True):
        """Make the folder if it is missing (``create=False``: raise ``FileNotFoundError`` instead).

        A new run gets ``run.json`` with the current schema version (a folder that already has ``perception.jsonl``
        but no ``run.json`` is a schema-1 run and is left as it is). No record file is opened here.
        """
        self.root = Path(root)
        if not self.root.exists():
            if not create:
                raise FileNotFoundError(f"{self.root}: no such run directory")
            self.root.mkdir(parents=True)
        if create and not (self.root / "run.json").exists() and not (self.root / "perception.jsonl").exists():
            self.write_json("run.json", {"schema_version": SCHEMA_VERSION})
        self._stores: dict[str, RecordStore] = {}
        self._generations: GenerationCache | None = None
        self._locks: dict[str, StageLock] = {}

    def store(self, name: str) -> RecordStore:
        """The record store of ``RUN/<name>.jsonl``, opened (and indexed) on first use."""
        if name not in self._stores:
            self._stores[name] = RecordStore(self.root / f"{name}.jsonl", persist_index=name in APPEND_ONLY)
        return self._stores[name]

    @property
    def perception(self) -> RecordStore:
        """The ``perception.jsonl`` store (one record per sample, variant, perceptor), opened on first use."""
        return self.store("perception")

    @property
    def reasoning(self) -> RecordStore:
        """The ``reasoning.jsonl`` store (one record per sample, variant, perceptor, reasoner), opened on first use."""
        return self.store("reasoning")

    @property
    def _samples(self) -> RecordStore:
        return self.store("samples")

    @property
    def generations(self) -> GenerationCache:
        """Every model call of the run; indexed on first use (``score`` never needs it, and it is the big file)."""
        if self._generations is None:
            self._generations = GenerationCache(self.root / "generations.jsonl")
        return self._generations

    # -- writers -------------------------------------------------------------------------------------------------
    def lock(self, stage: str) -> StageLock:
        """Hold ``stage`` of this run for this process (``with run.lock("reason"):``); another process trying the
        same stage is refused with this pid (:class:`rapid_eval.storage.lock.RunLocked`)."""
        if stage not in self._locks:
            self._locks[stage] = StageLock(self.root, stage)
        return self._locks[stage]

    # -- samples -------------------------------------------------------------------------------------------------
    def add_samples(self, samples: list[Sample]) -> None:
        """Append to ``samples.jsonl`` each sample that is new, or stored under its ``task/id`` with other content."""
        for s in samples:
            uid = s.uid
            old = self._samples.get(uid)
            if old is None or Sample.from_dict(old) != s:
                self._samples.append({"key": uid, **s.to_dict()})

    def samples(self) -> dict[str, Sample]:
        """Every sample of the run by ``task/id`` (latest line per uid), read from ``samples.jsonl``."""
        return {r["key"]: Sample.from_dict(r) for r in self._samples}

    def sample(self, uid: str) -> Sample | None:
        """One sample by ``task/id`` (read from its line; nothing else loaded)."""
        r = self._samples.get(uid)
        return Sample.from_dict(r) if r is not None else None

    @property
    def schema_version(self) -> int:
        """The record schema of this run (1 for runs written before ``run.json`` existed)."""
        path = self.root / "run.json"
        if not path.exists():
            return 1
        return int(json.loads(path.read_text(encoding="utf-8")).get("schema_version", 1))

    # -- typed records -------------------------------------------------------------------------------------------
    def iter_perception(self, containing: bytes | None = None) -> Iterator[PerceptionRecord]:
        """Perception records (latest per key), typed, streamed from the file; ``containing``: only lines holding
        these bytes are parsed (a cheap pre-filter: the caller still checks the record)."""
        return (PerceptionRecord.from_dict(r) for r in self.perception.iter(containing=containing))

    def perception_record(self, key: str) -> PerceptionRecord | None:
        """The perception record stored under ``key``, typed; None if there is none."""
        d = self.perception.get(key)
        return PerceptionRecord.from_dict(d) if d is not None else None

    def iter_reasoning(self, containing: bytes | None = None) -> Iterator[ReasoningRecord]:
        """Reasoning records (latest per key), typed, streamed from the file; ``containing``: only lines holding
        these bytes are parsed (a cheap pre-filter: the caller still checks the record)."""
        return (ReasoningRecord.from_dict(r) for r in self.reasoning.iter(containing=containing))

    def iter_verdicts(self) -> Iterator[VerdictRecord]:
        """The verdicts of the last scoring pass, typed, streamed from the file."""
        return (VerdictRecord.from_dict(r) for r in stream_jsonl(self.root / "verdicts.jsonl"))

    def perception_records(self) -> list[PerceptionRecord]:
        """Every perception record (latest per key), typed."""
        return list(self.iter_perception())

    def reasoning_records(self) -> list[ReasoningRecord]:
        """Every reasoning record (latest per key), typed."""
        return list(self.iter_reasoning())

    def verdict_records(self) -> list[VerdictRecord]:
        """The verdicts of the last scoring pass, typed."""
        return list(self.iter_verdicts())

    def sync(self) -> None:
        """fsync every record store of the run (group commit; each record already reached the OS)."""
        stores = list(self._stores.values())
        if self._generations is not None:
            stores.append(self._generations.store)
        for store in stores:
            store.sync()

    def close(self) -> None:
        """fsync and close every open store, saving their indexes (they reopen on next use)."""
        for store in list(self._stores.values()) + ([self._generations.store] if self._generations else []):
            store.close()

    # -- bookkeeping ---------------------------------------------------------------------------------------------
    def log_stats(self, command: str, records: int, stats: CallStats, started: float, **extra: Any) -> StatsLine:
        """Append one line to ``stats.jsonl`` for this invocation (never any secret: options are filtered)."""
        self.sync()
        line = StatsLine(command=command, argv=_safe_argv(), records=records, generated=stats.generated,
                         reused=stats.reused, failed=stats.failed, prompt_tokens=stats.prompt_tokens,
                         completion_tokens=stats.completion_tokens, seconds=round(time.time() - started, 3),
                         generation_seconds=round(stats.seconds, 3), finished=time.time(), versions=versions(),
                         extra=extra)
        self.append_stats([line.to_dict()])
        return line

    def append_stats(self, lines: Iterable[dict[str, Any]]) -> None:
        """Append ``lines`` to ``stats.jsonl`` and fsync; never through a symlink, and an ``OSError`` names the
        file (disk full, a symlink: the records themselves are already saved)."""
        path = self.root / "stats.jsonl"
        try:
            with os.fdopen(open_fd(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT), "a", encoding="utf-8") as f:
                for line in lines:
                    f.write(json.dumps(line, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise OSError(e.errno, f"cannot write {path}: {e.strerror or e}") from None

    def write_json(self, name: str, obj: Any) -> Path:
        """Write a derived JSON file atomically (tmp + rename)."""
        path = self.root / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        with os.fdopen(fresh_file(tmp), "w", encoding="utf-8") as f:
            f.write(json.dumps(obj, indent=2, ensure_ascii=False, default=str))
        os.replace(tmp, path)
        return path

    def write_jsonl(self, name: str, rows: Iterable[dict[str, Any]]) -> Path:
        """Write a derived JSONL file atomically (tmp + rename); ``rows`` may be a generator (streamed)."""
        path = self.root / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        try:
            with os.fdopen(fresh_file(tmp), "w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
        return path

    def stats(self) -> list[StatsLine]:
        """Every line of ``stats.jsonl`` (one per command invocation), oldest first; [] if the file does not exist."""
        return [StatsLine.from_dict(d) for d in read_jsonl(self.root / "stats.jsonl")]

    def table(self, name: str = "verdicts") -> Any:  # pandas.DataFrame
        """A record file of the run as a pandas DataFrame (no re-scoring): verdicts, reasoning, perception ...

        One row per key, the latest line (a failed call retried successfully appears once, as its retry); files
        whose lines have no key (``stats``) give every line."""
        import pandas as pd

        path = self.root / f"{name}.jsonl"
        store = self._stores.get(name) or RecordStore(path)
        rows: Iterator[dict[str, Any]] = iter(store) if len(store) else stream_jsonl(path)
        return pd.DataFrame(_columns(rows))


def _columns(rows: Iterator[dict[str, Any]]) -> dict[str, list[Any]]:
    """Rows to columns as they stream (no list of dicts held: a dict per row costs more than its values)."""
    cols: dict[str, list[Any]] = {}
    n = 0
    for r in rows:
        for k in r:
            if k not in cols:
                cols[k] = [None] * n
        for k, col in cols.items():
            col.append(r.get(k))
        n += 1
    return cols


def _safe_argv() -> list[str]:
    """The command line with every secret masked (see ``rapid_eval.redact``)."""
    return redact_argv(sys.argv[1:])
