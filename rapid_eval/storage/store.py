"""Append-only JSONL record files, indexed by key and byte offset: memory per record does not grow with its text.

Decisions (issue 13, issue 9):

- **Index, not records.** Opening a store scans the file once, in 8 MB chunks, and keeps per ``key`` only the
  offset and length of its latest line and whether it holds a result (no ``error``): one packed int per key.
  ``get(key)`` reads that one line back (``pread``); iterating streams the file. A 411 MB ``generations.jsonl``
  costs its keys, not its text. The scan is lazy (first use), so a run whose stage never touches a file never
  reads it, and closing a store saves its index beside the file (:mod:`rapid_eval.storage.index`), so the next
  open scans only what was appended since. (An embedded database would hold the same index; JSONL plus this
  index keeps one source of truth that a person can read, and a 1M-record index is ~140 MB in memory.)
- **Readers never modify.** A reader that finds an unterminated last line leaves it alone: it is either a writer's
  line in progress or a torn line from a crash. Only a process about to append repairs a torn tail, and only while
  it holds the file's exclusive ``flock`` (taken without waiting: if another writer holds the file, the tail is
  theirs and is left alone). Appenders then hold a shared ``flock`` on the data file while they append.
- **Whole-line appends.** Each record is one ``os.write`` on an ``O_APPEND`` descriptor, so concurrent appenders
  (``perceive`` and ``reason`` share ``generations.jsonl``) never interleave inside a line, and each line reaches
  the operating system at once: killing the process, even with kill -9, loses at most the requests in flight.
- **Group commit.** ``fsync`` runs at most every :data:`SYNC_INTERVAL` seconds and on ``sync()``/``close()``: an
  OS crash or power cut loses at most that window. (An fsync per record would throttle a fast server: 400 fsyncs
  cost ~0.8 s here.)
- **Bad lines are skipped, never fatal.** A line that is not UTF-8 or not JSON is reported once (file and line)
  and skipped; every other line is kept. Later lines win for a repeated key (an errored record retried).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rapid_eval.log import warn
from rapid_eval.storage import index as store_index
from rapid_eval.storage.nofollow import open_fd

SYNC_INTERVAL = 0.25
"""Seconds between group fsyncs of an append-only file."""

CHUNK = 8 << 20
"""Bytes read per step when scanning or streaming a file."""

_LEN_BITS = 32
_FAST_PREFIX = b'{"key": "'


def _pack(offset: int, length: int, ok: bool) -> int:
    return (offset << (_LEN_BITS + 1)) | (length << 1) | int(ok)


def _unpack(v: int) -> tuple[int, int, bool]:
    return v >> (_LEN_BITS + 1), (v >> 1) & ((1 << _LEN_BITS) - 1), bool(v & 1)


def iter_lines(path: Path, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]:
    """(offset, line) for every complete line (ending in ``\\n``) of ``path`` from ``start``, streamed in chunks.

    An unterminated last line is not yielded (a writer's line in progress, or a torn line)."""
    with open(path, "rb") as f:
        f.seek(start)
        pos, rest = start, b""
        while stop is None or pos < stop:
            want = CHUNK if stop is None else min(CHUNK, stop - pos)
            chunk = f.read(want)
            if not chunk:
                break
            pos += len(chunk)
            data = rest + chunk if rest else chunk
            base = pos - len(data)
            end = data.rfind(b"\n")
            if end < 0:
                rest = data
                continue
            i = 0
            while i <= end:
                j = data.index(b"\n", i)
                yield base + i, data[i : j + 1]
                i = j + 1
            rest = data[end + 1 :]


def _fast_key(raw: bytes) -> str | None:
    """The key of a line written by this store (``{"key": "...", ...``) without parsing it, or None."""
    n = len(_FAST_PREFIX)
    if not raw.startswith(_FAST_PREFIX):
        return None
    end = raw.find(b'"', n)
    if end < 0 or b"\\" in raw[n:end]:
        return None
    try:
        return raw[n:end].decode("utf-8")
    except UnicodeDecodeError:
        return None


def parse_line(raw: bytes) -> Any:
    """The JSON value of one line; raises ``ValueError`` (``UnicodeDecodeError``, ``JSONDecodeError``, or nesting
    too deep to parse: a 100k-deep line is one bad line, skipped like any other, not a ``RecursionError``)."""
    try:
        return json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _reason(e: ValueError) -> str:
    if isinstance(e, UnicodeDecodeError):
        return f"not valid UTF-8 at byte {e.start}"
    return getattr(e, "msg", str(e))


class RecordStore:
    """An append-only JSONL file of dict records, indexed by their ``key`` field (latest line wins)."""

    def __init__(self, path: str | Path, persist_index: bool = False):
        """``persist_index``: load and save the index beside the file (only for files that are only ever appended
        to; a derived file rewritten in place, like ``verdicts.jsonl``, is always scanned)."""
        self.path = Path(path)
        self.persist_index = persist_index
        self._lock = threading.Lock()
        self._index: dict[str, int] | None = None
        self._scanned = 0  # bytes indexed: the end of the last complete line seen
        self._lines = 0  # complete lines seen (for line numbers in warnings)
        self._wfd: int | None = None
        self._rfd: int | None = None
        self._dirty = False
        self._last_sync = time.monotonic()
        self._saved = 0  # bytes covered by the index saved beside the file

    # -- index ---------------------------------------------------------------------------------------------------
    def _idx(self) -> dict[str, int]:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    saved = store_index.load(self.path) if self.persist_index and self.path.exists() else None
                    if saved is not None:
                        self._index, self._scanned, self._lines = saved
                        self._saved = self._scanned
                    else:
                        self._index = {}
                    self._scan()  # what was appended since (everything, without a saved index)
        return self._index

    def save_index(self) -> None:
        """Save the index beside the file (``RUN/.index/``) if it covers new bytes, so the next open skips the scan."""
        with self._lock:
            if self.persist_index and self._index is not None and self._scanned > self._saved:
                store_index.save(self.path, self._index, self._scanned, self._lines)
                self._saved = self._scanned

    def _scan(self) -> None:
        """Index the complete lines from ``_scanned`` to the end of the file (caller holds ``_lock``)."""
        assert self._index is not None
        if not self.path.exists():
            return
        index, fast, n = self._index, _FAST_PREFIX, len(_FAST_PREFIX)
        lineno = self._lines
        for off, raw in iter_lines(self.path, self._scanned):
            lineno += 1
            self._scanned = off + len(raw)
            key = None
            if raw.startswith(fast):  # our own writers put the key first: skip the full parse when possible
                end = raw.find(b'"', n)
                if end > 0 and b"\\" not in raw[n:end]:
                    try:
                        raw.decode("utf-8")
                    except UnicodeDecodeError as e:
                        warn(f"{self.path}:{lineno}: unreadable record skipped ({_reason(e)})")
                        continue
                    if raw.endswith(b"}\n"):
                        key = raw[n:end].decode("utf-8")
                        ok = b'"error": ' not in raw or self._ok_slow(raw)
            if key is None:
                if not raw.strip():
                    continue
                try:
                    rec = parse_line(raw)
                except ValueError as e:
                    warn(f"{self.path}:{lineno}: unreadable record skipped ({_reason(e)})")
                    continue
                if not isinstance(rec, dict) or "key" not in rec:
                    continue
                key, ok = str(rec["key"]), not rec.get("error")
            index[key] = _pack(off, len(raw), ok)
        self._lines = lineno

    @staticmethod
    def _ok_slow(raw: bytes) -> bool:
        try:
            rec = parse_line(raw)
        except ValueError:
            return False
        return isinstance(rec, dict) and not rec.get("error")

    # -- reading -------------------------------------------------------------------------------------------------
    def _read(self, key: str, offset: int, length: int) -> dict[str, Any] | None:
        if self._rfd is None:
            with self._lock:
                if self._rfd is None:
                    self._rfd = open_fd(self.path, os.O_RDONLY)
        raw = os.pread(self._rfd, length, offset)
        try:
            rec = parse_line(raw)
        except ValueError as e:
            self._damaged(key, offset, f"{self.path}: record at byte {offset} unreadable ({_reason(e)})")
            return None
        return rec if isinstance(rec, dict) else None

    def _damaged(self, key: str | None, offset: int, where: str) -> None:
        """A line the scan took on its key prefix turns out not to parse: report it, and forget it, so the stage
        that owns it computes it again instead of trusting it."""
        warn(f"{where}; skipped, it will be recomputed")
        with self._lock:
            index = self._index
            if index is None or key is None:
                return
            v = index.get(key)
            if v is not None and v >> (_LEN_BITS + 1) == offset:
                del index[key]

    def __contains__(self, key: str) -> bool:
        v = self._idx().get(key)
        return v is not None and bool(v & 1)

    def has(self, key: str) -> bool:
        """The key has a line (successful or not)."""
        return key in self._idx()

    def get(self, key: str) -> dict[str, Any] | None:
        """The latest line stored under ``key``, failed or not; None if there is none or it no longer parses."""
        v = self._idx().get(key)
        if v is None:
            return None
        off, length, _ = _unpack(v)
        return self._read(key, off, length)

    def keys(self) -> list[str]:
        """Every key with a line, failed ones included, in the order each was first written."""
        return list(self._idx())

    def __len__(self) -> int:
        return len(self._idx())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """The latest record per key, streamed in file order (memory: one chunk, not the file)."""
        return self.iter()

    def iter(self, containing: bytes | None = None) -> Iterator[dict[str, Any]]:
        """Like iterating the store; ``containing``: parse only lines holding these bytes (a cheap pre-filter,
        e.g. ``b'"variant": "direct"'``; the caller still checks the parsed record)."""
        idx = self._idx()
        if not idx or not self.path.exists():
            return
        for lineno, (off, raw) in enumerate(iter_lines(self.path, 0, self._scanned), start=1):
            if not raw.startswith(b"{") or (containing is not None and containing not in raw):
                continue
            try:
                rec = parse_line(raw)
            except ValueError as e:
                key = _fast_key(raw)
                if key is not None and key in idx:  # indexed on its prefix, damaged further on
                    self._damaged(key, off, f"{self.path}:{lineno}: unreadable record ({_reason(e)})")
                continue  # other bad lines were reported when the index was built
            if isinstance(rec, dict) and "key" in rec:
                v = idx.get(str(rec["key"]))
                if v is not None and v >> (_LEN_BITS + 1) == off:
                    yield rec

    def ok(self) -> Iterator[dict[str, Any]]:
        """Records that hold a result (no error), streamed."""
        return (r for r in self if not r.get("error"))

    # -- writing -------------------------------------------------------------------------------------------------
    def _open_for_append(self) -> int:
        """Open for appending, repairing a torn tail only if no other process appends (exclusive flock)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = open_fd(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            exclusive = True
        except OSError:
            exclusive = False
        if exclusive:
            self._repair_tail(fd)
        fcntl.flock(fd, fcntl.LOCK_SH)  # converts an exclusive lock; waits only for another's repair
        return fd

    def _repair_tail(self, fd: int) -> None:
        size = os.fstat(fd).st_size
        if size == 0:
            return
        with os.fdopen(open_fd(self.path, os.O_RDONLY), "rb") as f:
            back = min(size, 1 << 20)
            while True:
                f.seek(size - back)
                tail = f.read(back)
                nl = tail.rfind(b"\n")
                if nl >= 0 or back == size:
                    break
                back = min(size, back * 4)
        good = size - back + nl + 1 if nl >= 0 else 0
        if good < size:
            warn(f"{self.path}: torn last line (interrupted write, {size - good} bytes) dropped; "
                 "it will be recomputed")
            os.ftruncate(fd, good)
            os.fsync(fd)
            self._scanned = min(self._scanned, good)

    def append(self, record: dict[str, Any]) -> None:
        """Append one record as one whole-line write (reaches the OS at once; fsync'ed by group commit)."""
        if "key" not in record:
            raise ValueError("record has no 'key'")
        data = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
        idx = self._idx()
        with self._lock:
            try:
                if self._wfd is None:
                    self._wfd = self._open_for_append()
                n = os.write(self._wfd, data)
                while n < len(data):  # a short write (disk full, signal): finish the line
                    n += os.write(self._wfd, data[n:])
            except OSError as e:  # disk full, read-only, quota: name the file (a torn line is repaired on reopen)
                raise OSError(e.errno, f"{self.path}: cannot append a record ({e.strerror or e})") from None
            end = os.lseek(self._wfd, 0, os.SEEK_CUR)  # O_APPEND: the end of our own line
            if end - len(data) == self._scanned:
                idx[str(record["key"])] = _pack(end - len(data), len(data), not record.get("error"))
                self._scanned = end
                self._lines += 1
            else:  # another process appended since our scan: index its lines too (and ours), in file order
                self._scan()
            self._dirty = True
            if time.monotonic() - self._last_sync >= SYNC_INTERVAL:
                self._sync_locked()

    def sync(self) -> None:
        """fsync what was appended since the last sync."""
        with self._lock:
            self._sync_locked()

    def _sync_locked(self) -> None:
        if self._wfd is not None and self._dirty:
            os.fsync(self._wfd)
            self._dirty = False
        self._last_sync = time.monotonic()

    def release(self) -> None:
        """fsync and stop appending (drops the shared flock; the next append reopens, repairing if it may)."""
        with self._lock:
            self._sync_locked()
            if self._wfd is not None:
                os.close(self._wfd)
                self._wfd = None

    def close(self) -> None:
        """fsync, save the index if it grew, close the descriptors (the store can still be used: they reopen)."""
        self.save_index()
        with self._lock:
            self._sync_locked()
            for name in ("_wfd", "_rfd"):
                fd = getattr(self, name)
                if fd is not None:
                    os.close(fd)  # closing releases the flock
                    setattr(self, name, None)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL file, skipping (with a warning naming file and line) lines that do not parse."""
    return list(stream_jsonl(path))


def stream_jsonl(path: str | Path) -> Iterator[Any]:
    """Stream a JSONL file's values, skipping (with a warning naming file and line) lines that do not parse
    (invalid UTF-8 included); an unterminated last line is a torn line (or one being written) and is skipped."""
    path = Path(path)
    if not path.exists():
        return
    for lineno, (_, raw) in enumerate(iter_lines(path), start=1):
        if not raw.strip():
            continue
        try:
            yield parse_line(raw)
        except ValueError as e:
            warn(f"{path}:{lineno}: unreadable line skipped ({_reason(e)})")
