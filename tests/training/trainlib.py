"""Helpers for the trainer tests (import as ``from trainlib import write_virl``)."""

from __future__ import annotations

import json
from pathlib import Path

from rapid_eval.scoring.mathruler_rule import available

GRADER = "generic" if available() else "mathruler"
"""The trainer's default grader (RAPID's mathruler) where it is installed; rapid-eval's generic rule otherwise.
The items of the trainer tests are boxed integers, which both grade alike (``test_graders.py``)."""


def write_virl(folder: Path, rows: list[dict], n_images: int = 4) -> Path:
    """``folder/train.jsonl`` plus ``folder/images/*.png`` (rows name images as ``images/<k>.png``)."""
    from PIL import Image

    (folder / "images").mkdir(parents=True, exist_ok=True)
    for k in range(n_images):
        Image.new("RGB", (56 + 8 * k, 56), (40 * k % 255, 90, 160)).save(folder / "images" / f"{k}.png")
    path = folder / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path
