"""LogicVista rows -> Samples (GitHub ``data/dataset.json`` records and the ``lscpku/LogicVista`` hub copy).

Decisions:
- **id**: ``_id`` (dev: the record key ``v1_<n>``) else ``id`` (hub; a bare number ``n`` becomes ``v1_<n>``, the
  official key form) else the ``imagename`` stem (``v1_2.png`` -> ``v1_2``, which equals the key officially).
- **question**: the raw ``question`` (options are inside the question or the image).
- **answer / answer_type**: as given (``"B"``, ``"B, D"``; letters beyond E occur); ``multi_choice`` when the
  gold has several letters, else ``choice``. No options (``Sample.options`` is empty).
- **images**: ``_image_file`` (dev) else ``image`` (hub struct) else ``images/<imagename>`` relative to the
  folder (the GitHub layout, ``data/images/``).
- **metadata**: ``skill``, ``broad_capability``, ``specific_capability`` (lists, for per-skill breakdowns),
  ``imagesource``, ``sourcelink``, ``liscenced`` (sic), ``reasoning``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext
from rapid_eval.tasks.common import get, image_draft, letter_type, raw, text
from rapid_eval.types import Sample

_META = (
    "skill",
    "broad_capability",
    "specific_capability",
    "imagesource",
    "sourcelink",
    "liscenced",
    "reasoning",
)


class LogicVista(Adapter):
    """LogicVista rows -> Samples (multiple choice, possibly several correct letters)."""

    name = "logicvista"

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """``_id`` / ``id`` (a bare number becomes ``v1_<n>``), else the stem of ``imagename``."""
        value = get(row, "_id", "id", required=False)
        if value is not None:
            sid = text(value)
            return f"v1_{sid}" if sid.isdigit() else sid
        return PurePath(text(get(row, "imagename"))).stem

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample (``choice``/``multi_choice`` by gold letters); GitHub rows take ``images/<imagename>``."""
        answer = text(get(row, "answer"))
        sample = Sample(
            id=self.row_id(row, ctx),
            task=ctx.task,
            question=raw(get(row, "question")),
            answer=answer,
            answer_type=letter_type(answer),
            metadata={k: row.get(k) for k in _META if k in row},
        )
        if row.get("imagename") and not row.get("image") and "_image_file" not in row:
            return Draft(sample, (f"images/{row['imagename']}",))  # GitHub layout: data/images/<imagename>
        return image_draft(sample, row, "image", "imagename")

    def natural_key(self, sample: Sample) -> str:
        """The record key ``v1_<n>`` (``metadata["_id"]``) where the row had one, else the sample id."""
        return str(sample.metadata.get("_id") or sample.id)


ADAPTER = LogicVista()
