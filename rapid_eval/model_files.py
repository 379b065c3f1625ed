"""Resolve a model name to a directory and fingerprint its files, so a rebuilt model never aliases old records.

Small files (configs, tokenizer, chat template, tiny weights) are hashed by content; large weight files by
name, size and mtime, which keeps this cheap for multi-GB checkpoints. No torch import. A plain helper below every
layer: the engines record a model's identity with it and the reports resolve model directories with it, so reports
need not import an engine module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rapid_eval.hashing import content_hash, file_hash

CONTENT_HASH_LIMIT = 64 << 20
"""Files up to this size are hashed by content; larger ones by (size, mtime)."""


def resolve_model_dir(model: str) -> Path | None:
    """The local directory holding ``model``: the path itself, or its hub-cache snapshot; None if unknown."""
    p = Path(model).expanduser()
    if p.is_dir():
        return p.resolve()
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(model, "config.json")
    except Exception:  # invalid repo ids raise; an unknown model simply has no local directory
        return None
    return Path(hit).parent if isinstance(hit, str) else None


def dir_fingerprint(d: Path) -> str:
    """A short hash over the top-level files of a model directory (hidden files skipped)."""
    entries: list[Any] = []
    for f in sorted(d.iterdir()):
        if not f.is_file() or f.name.startswith("."):
            continue
        st = f.stat()
        if st.st_size <= CONTENT_HASH_LIMIT:
            entries.append([f.name, file_hash(f)])
        else:
            entries.append([f.name, st.st_size, st.st_mtime_ns])
    return content_hash(entries)


def model_identity(model: str) -> dict[str, Any]:
    """``{"path": ..., "fingerprint": ...}`` for a model that resolves to a local directory, else ``{}``."""
    d = resolve_model_dir(model)
    if d is None:
        return {}
    return {"path": str(d), "fingerprint": dir_fingerprint(d)}
