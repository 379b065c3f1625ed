"""Where the project's data folders live: the repo checkout (editable install) or the wheel's bundled copy."""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """``tasks`` or ``prompts``: ``$RAPID_EVAL_HOME/<name>``, else the checkout's, else the wheel's bundled copy."""
    home = os.environ.get("RAPID_EVAL_HOME")
    candidates = [Path(home) / name] if home else []
    candidates += [_PKG.parent / name, _PKG / "_bundled" / name]
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError(f"cannot find the '{name}' folder (looked in: {', '.join(map(str, candidates))})")


def fixtures_dir() -> Path:
    """Small real benchmark items shipped with the project (the offline demo's data)."""
    return resource_dir("tasks") / "fixtures"


def cache_dir() -> Path:
    """Per-user cache (images materialised from HF datasets, tiny models of the demo)."""
    root = os.environ.get("RAPID_EVAL_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "rapid-eval")
    return Path(root)
