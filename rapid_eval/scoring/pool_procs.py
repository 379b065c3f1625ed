"""Worker processes for :mod:`rapid_eval.scoring.pool`: start, loop, kill.

A worker receives chunks of ``(index, sample, output, truncated)`` on its own pipe, publishes the index and start
time of the item it is scoring in a small shared array (``[index, monotonic start or 0]``), and sends the verdicts
of a chunk back on its own pipe. Workers come from the ``forkserver`` context (``spawn`` where it is missing)
with math-verify, sympy and the scorer's module preloaded, so starting one costs milliseconds.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.types import Sample

log = logging.getLogger("rapid_eval.scoring.pool")

PRELOAD = ["rapid_eval.scoring", "rapid_eval.scoring.mathverify_safe", "math_verify", "sympy", "latex2sympy2_extended"]
Item = tuple[int, Sample, str, bool]


def safe_score(scorer: Scorer, sample: Sample, output: str, truncated: bool) -> Verdict:
    """``scorer.score_one`` with exceptions turned into unscored verdicts (logged)."""
    try:
        return scorer.score_one(sample, output, truncated)
    except Exception as e:  # noqa: BLE001 - any scorer error is reported per item, never a silent 0
        log.warning("%s: item %s unscored (%s: %s)", scorer.name, sample.id, type(e).__name__, e)
        return Verdict.unscored(f"{type(e).__name__}: {e}")


def worker_main(scorer: Scorer, tasks: Connection, results: Connection, state: Any) -> None:
    """Worker loop: receive a chunk, score it item by item (publishing item index and start time), reply."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(scorer, "reset"):
        scorer.reset()
    while True:
        chunk = tasks.recv()
        if chunk is None:
            return
        out = []
        for idx, sample, output, cut in chunk:
            state[0] = idx
            state[1] = time.monotonic()
            verdict = safe_score(scorer, sample, output, cut)
            elapsed = time.monotonic() - state[1]
            state[1] = 0.0
            out.append((idx, verdict, elapsed))
        results.send(out)


@dataclass
class Slot:
    """One scoring worker process: its pipes, its shared progress state and the chunk it is on."""

    proc: Any
    tasks: Connection
    results: Connection
    state: Any
    chunk: list[Item] | None = None


def context(scorer: Scorer) -> Any:
    """Where workers start: ``forkserver`` preloading :data:`PRELOAD` and the scorer's module, else ``spawn``.

    Sets the preload list for the whole process; a forkserver already running keeps the modules it started with.
    """
    try:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload([*PRELOAD, type(scorer).__module__])
        return ctx
    except ValueError:
        return mp.get_context("spawn")


@contextlib.contextmanager
def _main_not_reimported(scorer: Scorer) -> Iterator[None]:
    """Keep workers from re-running the ``__main__`` script (a script without an ``if __name__`` guard would
    start scoring again in every worker); kept when the scorer class itself lives in ``__main__``."""
    main = sys.modules.get("__main__")
    if main is None or type(scorer).__module__ == "__main__":
        yield
        return
    saved: dict[str, Any] = {k: main.__dict__.pop(k) for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def spawn(ctx: Any, scorer: Scorer) -> Slot:
    """Start a daemon worker for ``scorer`` with its own pipes and progress array; ``__main__`` is not rerun in it."""
    task_r, task_w = ctx.Pipe(duplex=False)
    res_r, res_w = ctx.Pipe(duplex=False)
    state = ctx.Array("d", 2, lock=False)
    proc = ctx.Process(target=worker_main, args=(scorer, task_r, res_w, state), daemon=True)
    with _main_not_reimported(scorer):
        proc.start()
    task_r.close()
    res_w.close()
    return Slot(proc, task_w, res_r, state)


def kill(slot: Slot) -> None:
    """Kill the worker if it is still alive, wait up to 5 s for it to exit, and close its pipes."""
    if slot.proc.is_alive():
        slot.proc.kill()
    slot.proc.join(5)
    for conn in (slot.tasks, slot.results):
        conn.close()
