"""Per-step training log: one JSON line per logged step in ``OUT/train_log.jsonl`` and one rich line in the
terminal; TensorBoard is written by transformers' own callback (``report_to``) under ``OUT/runs/``.

A line carries ``stage``, ``step`` (rollout step, the paper's step), ``optimizer_step``, ``seconds`` (wall time
since the previous logged step) and every metric TRL and the reward functions logged for the step, among them
``reward``, ``kl``, ``clip_ratio/*``, ``completions/mean_length``, and for VPO ``reasoner_accuracy``,
``contain_cap_ratio``, ``penalty_rate``, ``bad_items``, ``reasoner_errors``. A line cut by a crash is skipped
by :func:`read_log`.
"""

from __future__ import annotations

import json
import math
import time
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

    def __init__(self, path: str | Path, stage: str, updates_per_step: int, quiet: bool = False):
        self.path = Path(path)
        self.stage, self.updates, self.quiet = stage, updates_per_step, quiet
        self.last = time.monotonic()

    def event(self, **fields: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"stage": self.stage, "time": time.time(), **fields}) + "\n")

    def on_train_begin(self, args, state, control, **kw):
        self.last = time.monotonic()
        self.event(event="train_begin", optimizer_step=state.global_step, step=state.global_step // self.updates)

    def on_log(self, args, state, control, logs=None, **kw):
        logs = dict(logs or {})
        if "train_runtime" in logs or "loss" not in logs and "reward" not in logs:
            return
        now = time.monotonic()
        row = {"step": math.ceil(state.global_step / self.updates), "optimizer_step": state.global_step,
               "seconds": round(now - self.last, 3), **{k: _clean(v) for k, v in logs.items()}}
        self.last = now
        self.event(event="step", **row)
        if not self.quiet and state.is_world_process_zero:
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
