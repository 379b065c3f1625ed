"""Bulk scoring that never hangs: ``score_one`` runs in killable worker processes with a per-item deadline.

Sympy can hang inside C code that no signal interrupts (a LaTeX power tower ``2^{2^{2^{2^{2^{2^{2}}}}}}`` holds
the GIL for minutes), so each worker reports, in shared memory, which item it is on and since when; the parent
kills a worker whose item passed the deadline, records ``Verdict(False, decided_by="timeout", flags=("timeout",))``
for that item, starts a fresh worker and re-queues the rest of the chunk. Each worker has its own pipes, so a
killed worker cannot corrupt another's messages.

- Workers come from the ``forkserver`` context (``spawn`` where it is missing), with the scorer's module,
  math-verify and sympy preloaded, so a respawn costs milliseconds.
- A scorer with ``sequential = True`` (MMMU's seeded random fallback) is scored in order by one worker; a
  scorer's optional ``reset()`` is called before its first item. (After a timeout kill the fresh worker starts
  from a reset scorer.)
- ``workers=0`` scores in this process, in order, without any deadline: use it only for trusted outputs.
- An exception in ``score_one`` becomes ``Verdict.unscored(reason)``: counted and logged, never a silent 0.
"""

from __future__ import annotations

import copy
import logging
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any

from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.pool_procs import Item, Slot, context, kill, safe_score, spawn
from rapid_eval.types import Sample

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0
MAX_DEATHS_IN_ROW = 5


MIN_ITEMS_PER_WORKER = 16
"""With ``workers=None``, each worker beyond the first must have at least this many symbolic items (~5 ms each):
a worker costs a fork from the forkserver and the scorer's transfer (10-30 ms)."""


def default_workers() -> int:
    """The CPU cores this process may run on (its affinity mask: a container's or ``taskset``'s share, not the
    machine's count), at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 2
    return max(1, min(8, cores))


def timeout_verdict(seconds: float) -> Verdict:
    """The verdict of an item whose worker was killed at the ``seconds`` deadline: wrong, flag ``timeout``."""
    return Verdict(False, None, "timeout", f"no verdict within {seconds:g}s; worker killed", ("timeout",))


@dataclass
class _Run:
    scorer: Scorer
    items: list[Item]
    timeout: float
    chunk_size: int
    ctx: Any
    verdicts: list[Verdict | None] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    respawns: int = 0
    deaths_in_row: int = 0

    @property
    def pending(self) -> int:
        return self.verdicts.count(None)


def _requeue(run: _Run, queue: deque, slot: Slot) -> None:
    """Put the unfinished items of a dead worker's chunk back at the front, in order."""
    rest = [it for it in (slot.chunk or []) if run.verdicts[it[0]] is None]
    if rest:
        queue.appendleft(rest)
    slot.chunk = None


def _drain(run: _Run, slot: Slot) -> None:
    """Take any complete reply a worker left in its pipe (it may have exited right after sending it)."""
    try:
        while slot.results.poll():
            _store(run, slot, slot.results.recv())
    except (EOFError, OSError):
        pass


def _store(run: _Run, slot: Slot, replies: list[tuple[int, Verdict, float]]) -> None:
    for idx, verdict, elapsed in replies:
        run.verdicts[idx], run.times[idx] = verdict, elapsed
    slot.chunk = None
    run.deaths_in_row = 0


def _check_deadline(run: _Run, slot: Slot, queue: deque) -> Slot:
    """Kill and replace the worker if its current item is past the deadline or the process died."""
    idx, start = int(slot.state[0]), slot.state[1]
    if idx != int(slot.state[0]):
        return slot  # torn read while the worker moved on; look again at the next poll
    hung = slot.chunk is not None and start > 0 and time.monotonic() - start > run.timeout
    dead = not slot.proc.is_alive()
    if not (hung or dead):
        return slot
    if dead and not hung:
        _drain(run, slot)
    on_item = slot.chunk is not None and start > 0 and any(it[0] == idx for it in slot.chunk)
    if on_item:  # the item it was scoring gets the blame
        run.verdicts[idx] = timeout_verdict(run.timeout) if hung else Verdict.unscored("killed its worker process")
        run.times[idx] = time.monotonic() - start
        log.warning("%s: item %d %s", run.scorer.name, idx, "timed out; worker killed" if hung else "killed its worker")
    elif slot.chunk is not None:  # died between items: nobody to blame, but do not loop for ever
        run.deaths_in_row += 1
        if run.deaths_in_row > MAX_DEATHS_IN_ROW:
            raise RuntimeError(f"scoring workers keep dying (exit code {slot.proc.exitcode})")
    _requeue(run, queue, slot)
    kill(slot)
    run.respawns += 1
    return spawn(run.ctx, run.scorer)


def _pool_run(run: _Run, workers: int) -> None:
    queue: deque = deque(run.items[i : i + run.chunk_size] for i in range(0, len(run.items), run.chunk_size))
    previous = _exit_on_sigterm()
    slots: list[Slot] = []
    poll = min(0.1, max(0.005, run.timeout / 20))
    try:
        slots = [spawn(run.ctx, run.scorer) for _ in range(workers)]
        while run.pending:
            for s in slots:
                if s.chunk is None and queue:
                    chunk = [it for it in queue.popleft() if run.verdicts[it[0]] is None]
                    try:
                        s.tasks.send(chunk)
                        s.chunk = chunk
                    except OSError:
                        queue.appendleft(chunk)  # the worker died while idle; replaced below
            busy = [s for s in slots if s.chunk is not None]
            ready = wait([s.results for s in busy], timeout=poll)
            for s in busy:
                if s.results not in ready:
                    continue
                try:
                    _store(run, s, s.results.recv())
                except (EOFError, OSError):
                    continue  # the process died mid-reply; the deadline check below handles it
            slots = [_check_deadline(run, s, queue) for s in slots]
    finally:
        for s in slots:
            try:
                s.tasks.send(None)
            except OSError:
                pass
        for s in slots:
            s.proc.join(1)
            kill(s)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm() -> Any:
    """In the main thread: make SIGTERM raise ``SystemExit`` (so the pool's ``finally`` kills its workers, as it
    does on Ctrl-C) and return the handler to restore; elsewhere None (signals go to the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        return None  # the program handles SIGTERM itself

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    return previous


def score_all(
    scorer: Scorer,
    samples: Sequence[Sample],
    outputs: Sequence[str],
    truncated: Sequence[bool] | None = None,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    chunk_size: int | None = None,
    stats: dict[str, Any] | None = None,
) -> list[Verdict]:
    """One verdict per (sample, output), in input order; see the module docstring for the guarantees.

    ``workers=None`` uses the CPU cores this process may use, at most 8, and no more workers than the items left
    to workers pay for (:data:`MIN_ITEMS_PER_WORKER`; 1 for sequential scorers); ``stats``, if given, is filled with
    ``workers``, ``items``, ``seconds``, ``max_item_s`` (timed-out items count their deadline),
    ``max_finished_item_s``, ``timeouts``, ``unscored`` and ``respawns``.
    """
    if len(samples) != len(outputs):
        raise ValueError(f"{len(samples)} samples but {len(outputs)} outputs")
    cut = list(truncated) if truncated is not None else [False] * len(samples)
    n_workers = default_workers() if workers is None else max(0, workers)
    if getattr(scorer, "sequential", False) and n_workers > 1:
        n_workers = 1
    items = [(i, s, o or "", bool(c)) for i, (s, o, c) in enumerate(zip(samples, outputs, cut, strict=True))]
    t0 = time.monotonic()
    if n_workers == 0 or not items or scorer.bounded:
        verdicts, times = _in_process(scorer, items)
        respawns = 0
    else:
        verdicts_by_i, times_by_i = _quick(scorer, items)
        rest = [it for it in items if verdicts_by_i[it[0]] is None]
        respawns = 0
        if rest:
            if workers is None:  # automatic: no more workers than the symbolic items pay for
                n_workers = max(1, min(n_workers, len(rest) // MIN_ITEMS_PER_WORKER))
            size = chunk_size or max(1, min(64, len(rest) // (n_workers * 8) or 1))
            n_workers = min(n_workers, -(-len(rest) // size))
            local = [(j, s, o, c) for j, (_, s, o, c) in enumerate(rest)]
            run = _Run(scorer, local, timeout, size, context(scorer), [None] * len(rest), [0.0] * len(rest))
            _pool_run(run, n_workers)
            for (i, *_), v, t in zip(rest, run.verdicts, run.times, strict=True):
                verdicts_by_i[i], times_by_i[i] = v, t
            respawns = run.respawns
        else:
            n_workers = 0
        verdicts, times = [v for v in verdicts_by_i if v is not None], times_by_i
    if stats is not None:
        finished = [t for t, v in zip(times, verdicts, strict=True) if "timeout" not in v.flags]
        stats.update(workers=n_workers, items=len(items), seconds=time.monotonic() - t0,
                     max_item_s=max(times, default=0.0), max_finished_item_s=max(finished, default=0.0),
                     respawns=respawns,
                     timeouts=sum("timeout" in v.flags for v in verdicts),
                     unscored=sum(v.correct is None for v in verdicts))
    return verdicts


def _quick(scorer: Scorer, items: list[Item]) -> tuple[list[Verdict | None], list[float]]:
    """Verdicts that need no symbolic math, decided here (None where a worker must decide)."""
    verdicts: list[Verdict | None] = [None] * len(items)
    times = [0.0] * len(items)
    if getattr(scorer, "sequential", False):
        return verdicts, times  # order-dependent state lives in the worker
    for i, sample, output, cut in items:
        t = time.monotonic()
        try:
            verdicts[i] = scorer.quick(sample, output, cut)
        except Exception as e:  # noqa: BLE001 - a failing fast path leaves the item to the worker
            log.debug("%s: quick path failed on %s (%s)", scorer.name, sample.id, e)
        times[i] = time.monotonic() - t
    return verdicts, times


def _in_process(scorer: Scorer, items: list[Item]) -> tuple[list[Verdict], list[float]]:
    if getattr(scorer, "sequential", False):
        scorer = copy.deepcopy(scorer)
        if hasattr(scorer, "reset"):
            scorer.reset()
    verdicts, times = [], []
    for _, sample, output, cut in items:
        t = time.monotonic()
        verdicts.append(safe_score(scorer, sample, output, cut))
        times.append(time.monotonic() - t)
    return verdicts, times
