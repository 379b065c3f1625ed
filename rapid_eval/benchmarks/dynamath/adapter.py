"""DynaMath rows -> Samples (HF ``DynaMath_Sample`` and GitHub/dev field names).

Decisions:
- **fields**: gold ``ground_truth`` (HF) or ``answer`` (GitHub); level ``knowledge_level`` (HF) or ``level``.
- **seed / variant**: seed = ``_seed_id`` (dev) else ``qid`` / ``question_id`` / ``id`` (HF: the seed question
  id, the same in every variant split); variant = ``_variant`` (dev) else ``variant`` else the number in the
  split name ``sample_variant<k>``.
- **id**: ``<seed>-v<variant>``, e.g. ``29-v3``. **group**: ``seed``, ``variant``; ``--limit`` keeps seeds whole
  (worst-case accuracy needs all 10 variants; the hub stores them ten splits apart).
- **question**: the raw ``question``. RAPID does not use DynaMath's JSON-answer instruction.
- **answer_type**: ``multiple choice`` -> ``choice`` (options parsed from the ``choice: (A) … (B) …`` tail);
  ``float`` -> ``float``; ``text`` -> ``text``. ``metadata["answer_type"]`` keeps DynaMath's own value.
- **images**: ``_image_file`` (dev) else ``decoded_image`` (HF) else ``image`` relative to the folder.
- **metadata**: ``subject``, ``level``, ``answer_type``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext, RowError
from rapid_eval.tasks.common import get, image_draft, raw, text
from rapid_eval.types import Sample

_TYPES = {"multiple choice": "choice", "float": "float", "text": "text"}
_OPTION = re.compile(r"\(([A-H])\)\s*(.*?)\s*(?=\([A-H]\)|$)", re.S)


def parse_options(question: str) -> tuple[str, ...]:
    """Option texts after the last ``choice:`` (``choice: (A) even (B) odd`` -> ``("even", "odd")``)."""
    _, sep, tail = question.rpartition("choice:")
    if not sep:
        return ()
    return tuple(m.group(2) for m in _OPTION.finditer(tail))


def _seed(row: Mapping[str, Any]) -> str:
    return text(get(row, "_seed_id", "qid", "question_id", "id"))


def _variant(row: Mapping[str, Any], ctx: RowContext) -> str:
    value = get(row, "_variant", "variant", required=False)
    if value is not None:
        return text(value)
    m = re.search(r"variant(\d+)$", ctx.part.split)
    if not m:
        raise RowError("missing field '_variant' or 'variant' (and the split name has no variant number)")
    return m.group(1)


class DynaMath(Adapter):
    """DynaMath rows -> Samples; the variants of one seed question share a group (``seed``)."""

    name = "dynamath"
    group_key = "seed"

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """``<seed>-v<variant>``; ``RowError`` without a seed id, or without a variant field or ``variant<k>`` split."""
        return f"{_seed(row)}-v{_variant(row, ctx)}"

    def group_value(self, row: Mapping[str, Any], ctx: RowContext) -> str | None:
        """The seed question id, shared by its variants; None when the row has none."""
        try:
            return _seed(row)
        except RowError:
            return None

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample (module docstring); ``RowError`` on a missing field or an unknown ``answer_type``."""
        question = raw(get(row, "question"))
        raw_type = text(get(row, "answer_type"))
        if raw_type not in _TYPES:
            raise RowError(f"unknown answer_type {raw_type!r} (expected one of {', '.join(_TYPES)})")
        seed, variant = _seed(row), _variant(row, ctx)
        sample = Sample(
            id=f"{seed}-v{variant}",
            task=ctx.task,
            question=question,
            answer=text(get(row, "ground_truth", "answer")),
            answer_type=_TYPES[raw_type],  # type: ignore[arg-type]
            options=parse_options(question) if raw_type == "multiple choice" else (),
            group={"seed": seed, "variant": variant},
            metadata={
                "subject": row.get("subject"),
                "level": get(row, "knowledge_level", "level", required=False),
                "answer_type": raw_type,
            },
        )
        return image_draft(sample, row, "decoded_image", "image")

    def natural_key(self, sample: Sample) -> str:
        """``<seed>-<variant>``: how DynaMath's result files name an item."""
        return f"{sample.group.get('seed')}-{sample.group.get('variant')}"


ADAPTER = DynaMath()
