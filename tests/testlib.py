"""Paths shared by the tests: the repo, its bundled fixtures, and ../shared when it exists.

Import as ``from testlib import FIXTURES, shared_path`` (``tests/`` is on sys.path through the root conftest).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tasks" / "fixtures"
SHARED = Path(os.environ.get("RAPID_EVAL_SHARED", REPO.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the calling test is skipped cleanly when it does not exist."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (../shared is only beside the development checkout)")
    return p
