"""Fixtures for the trainer tests: synthetic ViRL39K-style data with real image files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from trainlib import write_virl  # noqa: E402


@pytest.fixture
def virl_data(tmp_path: Path) -> Path:
    """Eight image items: gold 5 (what the tiny reasoner always answers) for even ones, 7 for odd ones."""
    rows = [{"qid": f"q{i}", "question": f"<image>How many shapes are there in figure {i}?",
             "answer": "\\boxed{5}" if i % 2 == 0 else "7", "image": [f"images/{i % 4}.png"],
             "source": "synthetic", "category": "counting"} for i in range(8)]
    return write_virl(tmp_path / "virl", rows)
