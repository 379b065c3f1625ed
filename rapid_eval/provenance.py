"""Where a result came from: the tool's and the main packages' versions, the git commit of the checkout, the
command line (secrets masked). Written into every ``summary.json`` and every ``stats.jsonl`` line; printed by
``rapid-eval --version``. Reads package metadata only (imports no torch)."""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("torch", "transformers", "vllm", "datasets", "math-verify", "trl", "typer")
"""The packages whose versions change results or behaviour; absent ones are left out."""


@lru_cache(maxsize=1)
def versions() -> dict[str, Any]:
    """``{"rapid-eval": ..., "python": ..., <package>: ..., "git_commit": ..., "git_dirty": ...}``."""
    out: dict[str, Any] = {"python": platform.python_version()}
    for name in ("rapid-eval", *PACKAGES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    out.update(_git(Path(__file__).resolve().parents[1]))
    return out


def _git(root: Path) -> dict[str, Any]:
    """The commit of the checkout the code runs from (nothing for an installed wheel)."""
    if not (root / ".git").exists():
        return {}
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"git_commit": head, "git_dirty": bool(dirty)}


def provenance() -> dict[str, Any]:
    """Versions, the command line (secrets masked) and when: what a result file records about its making."""
    from rapid_eval.redact import redact_argv

    return {"versions": versions(), "command": ["rapid-eval", *redact_argv(sys.argv[1:])],
            "at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
