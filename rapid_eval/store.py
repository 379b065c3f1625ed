"""Append-only JSONL record files: one line per (sample, stage, variant), keyed by content hash.

Durability: each append reaches the operating system at once (write + flush), so killing the process, even with
kill -9, loses at most the requests in flight. fsync is a group commit: at most every ``SYNC_INTERVAL`` seconds
and on ``sync()``/``close()``, so an OS crash or power cut loses at most that window, and an fsync per record
does not throttle a fast server (400 fsyncs cost ~0.8 s here). A torn last line (a write cut by a crash) is
detected on load, reported, and cut off before the next append; every complete line before it is kept. Later
lines win for a repeated key (an errored record retried successfully).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from rapid_eval.log import warn

SYNC_INTERVAL = 0.25
"""Seconds between group fsyncs of an append-only file."""


class RecordStore:
    """An append-only JSONL file of dict records, indexed by their ``key`` field."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._by_key: dict[str, dict[str, Any]] = {}
        self._fh: IO[str] | None = None
        self._dirty = False
        self._last_sync = time.monotonic()
        self._load()

    # -- reading -------------------------------------------------------------------------------------------------
    def _load(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        good_end = 0
        for lineno, raw in enumerate(data.splitlines(keepends=True), start=1):
            if not raw.endswith(b"\n"):
                warn(f"{self.path}:{lineno}: torn last line (interrupted write) dropped; it will be recomputed")
                break
            good_end += len(raw)
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as e:
                warn(f"{self.path}:{lineno}: unreadable record skipped ({e.msg})")
                continue
            if isinstance(rec, dict) and "key" in rec:
                self._by_key[rec["key"]] = rec
        if good_end < len(data):
            with open(self.path, "r+b") as f:
                f.truncate(good_end)
                f.flush()
                os.fsync(f.fileno())

    def __contains__(self, key: str) -> bool:
        rec = self._by_key.get(key)
        return rec is not None and not rec.get("error")

    def get(self, key: str) -> dict[str, Any] | None:
        return self._by_key.get(key)

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self._by_key.values()))

    def ok(self) -> list[dict[str, Any]]:
        """Records that hold a result (no error)."""
        return [r for r in self._by_key.values() if not r.get("error")]

    # -- writing -------------------------------------------------------------------------------------------------
    def append(self, record: dict[str, Any]) -> None:
        """Append one record: written to the OS at once, fsync'ed by group commit. Thread-safe."""
        if "key" not in record:
            raise ValueError("record has no 'key'")
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            if self._fh is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fh = open(self.path, "a", encoding="utf-8")
            self._fh.write(line)
            self._fh.flush()
            self._dirty = True
            self._by_key[record["key"]] = record
            if time.monotonic() - self._last_sync >= SYNC_INTERVAL:
                self._sync_locked()

    def sync(self) -> None:
        """fsync what was appended since the last sync."""
        with self._lock:
            self._sync_locked()

    def _sync_locked(self) -> None:
        if self._fh is not None and self._dirty:
            os.fsync(self._fh.fileno())
            self._dirty = False
        self._last_sync = time.monotonic()

    def close(self) -> None:
        with self._lock:
            self._sync_locked()
            if self._fh is not None:
                self._fh.close()
                self._fh = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL file, skipping (with a warning naming file and line) lines that do not parse."""
    out: list[dict[str, Any]] = []
    path = Path(path)
    if not path.exists():
        return out
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            out.append(json.loads(raw))
        except json.JSONDecodeError as e:
            warn(f"{path}:{lineno}: unreadable line skipped ({e.msg})")
    return out
