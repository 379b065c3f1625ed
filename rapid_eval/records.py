"""Append-only JSONL record files: one line per (sample, stage, variant), keyed by content hash.

Durability: each append is flushed and fsync'ed, so a kill -9 loses at most the requests in flight. A torn last
line (a write cut by a crash) is detected on load, reported, and cut off before the next append; every complete
line before it is kept. Later lines win for a repeated key (an errored record retried successfully).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rapid_eval.log import warn


class RecordStore:
    """An append-only JSONL file of dict records, indexed by their ``key`` field."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._by_key: dict[str, dict[str, Any]] = {}
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
        """Append one record durably (flush + fsync). Thread-safe."""
        if "key" not in record:
            raise ValueError("record has no 'key'")
        line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)
                f.flush()
                os.fsync(f.fileno())
            self._by_key[record["key"]] = record


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
