"""Helpers for the trainer tests: synthetic ViRL39K-style data with real image files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def write_virl(folder: Path, rows: list[dict], n_images: int = 4) -> Path:
    """``folder/train.jsonl`` plus ``folder/images/*.png`` (rows name images as ``images/<k>.png``)."""
    from PIL import Image

    (folder / "images").mkdir(parents=True, exist_ok=True)
    for k in range(n_images):
        Image.new("RGB", (56 + 8 * k, 56), (40 * k % 255, 90, 160)).save(folder / "images" / f"{k}.png")
    path = folder / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def virl_data(tmp_path: Path) -> Path:
    """Eight image items: gold 5 (what the tiny reasoner always answers) for even ones, 7 for odd ones."""
    rows = [{"qid": f"q{i}", "question": f"<image>How many shapes are there in figure {i}?",
             "answer": "\\boxed{5}" if i % 2 == 0 else "7", "image": [f"images/{i % 4}.png"],
             "source": "synthetic", "category": "counting"} for i in range(8)]
    return write_virl(tmp_path / "virl", rows)
