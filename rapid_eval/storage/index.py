"""A record store's index saved beside its file, so reopening a large run does not rescan it (issue 13).

``RUN/.index/<file>.json`` holds the store's index (key -> packed offset, length, ok) for the first ``size`` bytes
of the data file, with the line count and a hash of the bytes just before ``size``. It is a cache, never the
source of truth: it is used only if the data file is at least ``size`` bytes long and those bytes still hash the
same, with the same inode (a file replaced, truncated or edited by hand is rescanned; an edit that keeps the
size, the inode and both ends is not seen, which is why only append-only files keep an index); lines appended
after ``size`` are scanned as usual. It is written atomically (tmp + rename) when a store that indexed enough new
bytes is closed; a folder that cannot be written (a read-only copy of a run) just goes without. JSON, not pickle:
loading never runs code.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

VERSION = 1
MIN_BYTES = 1 << 20
"""Files smaller than this are rescanned (faster than a sidecar round trip)."""
_WINDOW = 1 << 16


def index_path(data: Path) -> Path:
    """Where the index of ``data`` is saved: ``<data's folder>/.index/<data's name>.json``."""
    return data.parent / ".index" / f"{data.name}.json"


def _fingerprint(data: Path, size: int) -> str:
    """sha256 of the file's inode and of the first and the last 64 KB before ``size``."""
    h = hashlib.sha256(str(data.stat().st_ino).encode())
    with open(data, "rb") as f:
        h.update(f.read(min(size, _WINDOW)))
        f.seek(max(0, size - _WINDOW))
        h.update(f.read(size - max(0, size - _WINDOW)))
    return h.hexdigest()[:32]


def load(data: Path) -> tuple[dict[str, int], int, int] | None:
    """(index, bytes covered, lines covered), or None when there is no valid saved index."""
    path = index_path(data)
    try:
        saved: dict[str, Any] = json.loads(path.read_bytes())
        size = int(saved["size"])
        if saved.get("version") != VERSION or data.stat().st_size < size or _fingerprint(data, size) != saved["check"]:
            return None
        return dict(zip(saved["keys"], saved["packed"], strict=True)), size, int(saved["lines"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(data: Path, index: dict[str, int], size: int, lines: int) -> None:
    """Save the index of the first ``size`` bytes of ``data`` (quietly skipped if the folder is not writable)."""
    if size < MIN_BYTES:
        return
    path = index_path(data)
    try:
        path.parent.mkdir(exist_ok=True)
        body = {"version": VERSION, "size": size, "lines": lines, "check": _fingerprint(data, size),
                "keys": list(index), "packed": list(index.values())}
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(body, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
