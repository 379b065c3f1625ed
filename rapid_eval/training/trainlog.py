"""Per-step training log: one JSON line per logged step in ``OUT/train_log.jsonl`` and one rich line in the
terminal; TensorBoard is written by transformers' own callback (``report_to``) under ``OUT/runs/``.

A line carries ``stage``, ``step`` (rollout step, the paper's step), ``optimizer_step``, ``seconds`` (wall time
since the previous logged step) and every metric TRL and the reward functions logged for the step, among them
``reward``, ``kl``, ``clip_ratio/*``, ``completions/mean_length``, and for VPO ``reasoner_accuracy``,
``contain_cap_ratio``, ``penalty_rate``, ``bad_items``, ``reasoner_errors``; ``world_size`` (training
processes) and ``rank_completions`` (the completions the writing process's reward function scored in the step:
its share, ``prompts_per_step x num_generations / world_size``). Under ``accelerate launch`` only the main process
(rank 0) writes the file and prints; the metrics are TRL's, gathered over every process. A line cut by a crash is
skipped by :func:`read_log`.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from rapid_eval.log import console

SHOWN = {"reward": "reward", "vpo/reasoner_accuracy": "acc", "vpo/contain_cap_ratio": "cap",
         "vpo/penalty_rate": "pen", "solution/accuracy": "acc", "kl": "kl", "clip_ratio/region_mean": "clip",
         "completions/mean_length": "len", "vpo/bad_items": "bad", "solution/bad_items": "bad"}


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


class StepLog(TrainerCallback):
    """Writes the JSONL log and prints one line per logged step."""

    def __init__(self, path: str | Path, stage: str, updates_per_step: int, quiet: bool = False,
                 main: bool = True, world_size: int = 1, scored: Callable[[], int] | None = None):
        """Log to ``path`` (created, with its folder, at the first line); opens nothing yet.

        ``updates_per_step``: optimiser steps per rollout step (turns TRL's ``global_step`` into the paper's
        step); ``quiet``: no terminal line; ``main``: this is the writing process (rank 0), other ranks log
        nothing; ``scored``: the completions this process's reward function has scored so far.
        """
        self.path = Path(path)
        self.stage, self.updates, self.quiet = stage, updates_per_step, quiet
        self.main, self.world_size = main, world_size
        self.scored = scored or (lambda: 0)
        """Completions this process's reward function has scored so far (its share is the step's difference)."""
        self.scored_before = 0
        self.last = time.monotonic()

    def event(self, **fields: Any) -> None:
        """Append one line (the main process only: other ranks write nothing)."""
        if not self.main:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"stage": self.stage, "time": time.time(), **fields}) + "\n")

    def on_train_begin(self, args, state, control, **kw):
        """Restart the step clock and write a ``train_begin`` line with the starting step (a resumed run's too)."""
        self.last = time.monotonic()
        self.scored_before = self.scored()
        self.event(event="train_begin", optimizer_step=state.global_step, step=state.global_step // self.updates,
                   world_size=self.world_size)

    def on_log(self, args, state, control, logs=None, **kw):
        """Write (and print) a ``step`` line for a log holding ``loss`` or ``reward``.

        Other logs, and the final ``train_runtime`` summary, are skipped. Non-finite metrics are written as null.
        """
        logs = dict(logs or {})
        if "train_runtime" in logs or "loss" not in logs and "reward" not in logs:
            return
        now, scored = time.monotonic(), self.scored()
        row = {"step": math.ceil(state.global_step / self.updates), "optimizer_step": state.global_step,
               "seconds": round(now - self.last, 3), "world_size": self.world_size,
               "rank_completions": scored - self.scored_before, **{k: _clean(v) for k, v in logs.items()}}
        self.last, self.scored_before = now, scored
        self.event(event="step", **row)
        if not self.quiet and self.main:
            parts = [f"{short}={row[k]:.3g}" for k, short in SHOWN.items()
                     if isinstance(row.get(k), int | float)]
            console.print(f"[cyan]{self.stage}[/cyan] step {row['step']} ({row['seconds']:.1f}s) " + " ".join(parts),
                          highlight=False, soft_wrap=True)


def read_log(path: str | Path) -> list[dict[str, Any]]:
    """The log's rows (a last line cut by a crash is skipped)."""
    rows: list[dict[str, Any]] = []
    p = Path(path)
    if not p.is_file():
        return rows
    for line in p.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows
