"""Parameter counts of models, for the main and scaling tables: given by the user, or read from local weights.

A local model directory, or the hub-cache snapshot of a hub id, is counted from its ``*.safetensors`` headers (the
JSON header holds every tensor's shape, so nothing is loaded): exact, and cheap even for a 72B checkpoint. Models
not on disk need the count given (``--params Qwen/Qwen3-8B=8.2`` in billions); unknown counts show as ``-``.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path


def safetensors_params(model_dir: str | Path) -> int | None:
    """Total parameters in the ``*.safetensors`` files of a directory; None when it holds none."""
    root = Path(model_dir)
    files = sorted(root.glob("*.safetensors")) if root.is_dir() else []
    if not files:
        return None
    total = 0
    for f in files:
        with open(f, "rb") as fh:
            (size,) = struct.unpack("<Q", fh.read(8))
            header = json.loads(fh.read(size))
        total += sum(math.prod(t["shape"]) for k, t in header.items() if k != "__metadata__")
    return total


def parse_given(items: list[str] | dict | None) -> dict[str, float]:
    """``["Qwen/Qwen3-8B=8.2", ...]`` or a mapping -> billions of parameters per model name."""
    if not items:
        return {}
    if isinstance(items, dict):
        return {str(k): float(v) for k, v in items.items()}
    out = {}
    for kv in items:
        name, sep, value = kv.rpartition("=")
        if not sep or not name:
            raise ValueError(f"--params expects MODEL=BILLIONS, got '{kv}'")
        out[name] = float(value)
    return out


def billions(model: str | None, given: dict[str, float]) -> float | None:
    """Parameters of ``model`` in billions: given, else counted from local weights, else None (``-`` = none)."""
    if not model or model == "-":
        return 0.0
    if model in given:
        return given[model]
    from rapid_eval.model_files import resolve_model_dir

    local = resolve_model_dir(model)  # a folder, or the hub-cache snapshot of a hub id
    n = safetensors_params(local) if local is not None else None
    return None if n is None else n / 1e9


def total_billions(perceptor: str | None, reasoner: str | None, given: dict[str, float]) -> float | None:
    """Perceptor plus reasoner; None when either is unknown."""
    p, r = billions(perceptor, given), billions(reasoner, given)
    return None if p is None or r is None else p + r
