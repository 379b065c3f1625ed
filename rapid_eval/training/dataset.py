"""Samples -> the Hugging Face ``Dataset`` TRL's ``GRPOTrainer`` reads: a conversational ``prompt`` plus images.

Prompts come from rapid-eval's templates: ``qcap_system`` + ``qcap`` for the perception (VPO) stage, and
``perceptor_system`` + ``sol`` for the reasoning (GRPO) stages, the same text ``perceive`` sends. The trainer
adds the image placeholders in front of the user text (images first, as RAPID's prompt builder).

Images are opened lazily, when a row is drawn (``Dataset.with_transform``): a missing or unreadable image does
not stop the run; the row is sent without its image and carries ``bad`` = the reason, so the reward function
returns None for its completions, which TRL excludes from the group baseline and gives advantage 0; the count
is logged as ``bad_items``. The ``sample`` column carries the Sample as JSON for the reward function.
"""

from __future__ import annotations

import json
from typing import Any

from rapid_eval.prompts import PromptSet
from rapid_eval.types import Sample

PROMPTS = {"perception": ("qcap_system", "qcap"),
           "visual_reasoning": ("perceptor_system", "sol"),
           "textual_reasoning": ("perceptor_system", "sol")}


def stage_samples(samples: list[Sample], kind: str) -> list[Sample]:
    """Items a stage can use: image items for perception and visual reasoning, text-only ones for textual."""
    if kind == "textual_reasoning":
        return [s for s in samples if not s.images]
    return [s for s in samples if s.images]


def build_rows(samples: list[Sample], kind: str, prompts: PromptSet) -> dict[str, list[Any]]:
    """The dataset's columns for stage ``kind``, one entry per sample, in order; opens no image.

    ``prompt``: the system and user messages rendered from ``PROMPTS[kind]``; ``image_paths``: the sample's image
    paths (opened later by :func:`load_images`); ``sample``: the Sample as JSON, for the reward function.
    """
    system_t, user_t = PROMPTS[kind]
    rows: dict[str, list[Any]] = {"prompt": [], "image_paths": [], "sample": []}
    for s in samples:
        system = prompts.render(system_t, question=s.question)
        user = prompts.render(user_t, question=s.question)
        rows["prompt"].append([{"role": "system", "content": system}, {"role": "user", "content": user}])
        rows["image_paths"].append(list(s.images))
        rows["sample"].append(json.dumps(s.to_dict(), ensure_ascii=False))
    return rows


def _open(paths: list[str]) -> tuple[list[Any], str]:
    from PIL import Image

    images = []
    for p in paths:
        try:
            with Image.open(p) as im:
                images.append(im.convert("RGB"))
        except (OSError, ValueError) as e:
            return [], f"image {p}: {type(e).__name__}: {e}"
    return images, ""


def load_images(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``with_transform`` hook: add ``images`` (PIL, RGB) and ``bad`` (empty string when fine)."""
    out = dict(batch)
    opened = [_open(paths) for paths in batch["image_paths"]]
    out["images"] = [imgs for imgs, _ in opened]
    out["bad"] = [why for _, why in opened]
    return out


def train_dataset(samples: list[Sample], kind: str, prompts: PromptSet) -> Any:
    """The ``datasets.Dataset`` for one stage (images attached lazily, see the module docstring)."""
    from datasets import Dataset

    ds = Dataset.from_dict(build_rows(samples, kind, prompts))
    return ds.with_transform(load_images)
