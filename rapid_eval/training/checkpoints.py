"""Which checkpoint a rerun resumes from, checked: a checkpoint cut short by a crash or a full disk is skipped
(named, with the file that is bad) in favour of the previous one, and an output folder holding another run's
checkpoints (other data, learning rate, group size, starting model) is refused instead of resumed silently."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path
from typing import Any

from rapid_eval.log import warn

STAGE = "stage.json"
"""Written into OUT when a stage starts: the settings a resume must share."""
SAME_RUN_KEYS = ("kind", "data", "data_dir", "learning_rate", "num_generations", "prompts_per_step",
                 "updates_per_step", "loss_type", "beta", "seed")


def checkpoint_problem(d: Path) -> str | None:
    """Why the checkpoint folder ``d`` cannot be resumed from (the bad file named), or None when it is whole:
    ``trainer_state.json`` parses, ``optimizer.pt`` is a complete zip, every ``*.safetensors`` holds the bytes
    its header declares."""
    state = d / "trainer_state.json"
    try:
        json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"{state}: unreadable ({type(e).__name__})"
    opt = d / "optimizer.pt"
    if not opt.is_file() or not zipfile.is_zipfile(opt):
        return f"{opt}: missing or cut short"
    weights = sorted(d.glob("*.safetensors"))
    if not weights:
        return f"{d}: no *.safetensors"
    for w in weights:
        problem = _safetensors_problem(w)
        if problem:
            return f"{w}: {problem}"
    return None


def _safetensors_problem(path: Path) -> str | None:
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                return "cut short (no header)"
            (n,) = struct.unpack("<Q", head)
            if n > min(size - 8, 100 << 20):
                return "cut short (header larger than the file)"
            header = json.loads(f.read(n))
    except (OSError, ValueError) as e:
        return f"unreadable header ({type(e).__name__})"
    ends = [v["data_offsets"][1] for k, v in header.items()
            if k != "__metadata__" and isinstance(v, dict) and isinstance(v.get("data_offsets"), list)]
    if 8 + n + max(ends, default=0) > size:
        return f"cut short ({size} bytes, the header declares {8 + n + max(ends)})"
    return None


def last_checkpoint(out: Path) -> Path | None:
    """The newest whole ``checkpoint-N`` under ``out``; newer ones that are cut short are skipped with a warning
    naming the bad file."""
    found: list[tuple[int, Path]] = []
    for d in out.glob("checkpoint-*"):
        try:
            found.append((int(d.name.split("-")[1]), d))
        except (IndexError, ValueError):
            continue
    for _, d in sorted(found, reverse=True):
        problem = checkpoint_problem(d)
        if problem is None:
            return d
        warn(f"checkpoint {d.name} cannot be resumed from ({problem}); trying the one before")
    return None


def check_same_run(out: Path, settings: dict[str, Any]) -> None:
    """Record ``settings`` (the ``SAME_RUN_KEYS`` plus ``init``) in ``OUT/stage.json``; ``ValueError`` naming the
    differing keys when ``out`` already holds another run's."""
    mine = {k: settings.get(k) for k in (*SAME_RUN_KEYS, "init")}
    path = out / STAGE
    if path.is_file():
        try:
            theirs = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            theirs = None
        if isinstance(theirs, dict):
            differ = [k for k in mine if k in theirs and theirs[k] != mine[k]]
            if differ:
                shown = ", ".join(f"{k}: {theirs[k]!r} there, {mine[k]!r} now" for k in differ)
                raise ValueError(f"{out} holds checkpoints of another run ({shown}); give this run its own --out, "
                                 "or delete that folder to start over")
            return
    elif any(out.glob("checkpoint-*")):
        warn(f"{out} holds checkpoints but no {STAGE} (written by an older version): resuming without checking "
             "that they come from the same settings")
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(mine, indent=2, default=str) + "\n", encoding="utf-8")
