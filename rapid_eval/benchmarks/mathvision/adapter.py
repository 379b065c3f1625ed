"""MATH-Vision (MATH-V) rows -> Samples.

Decisions:
- **option ``split``**: ``test`` (default, 3,040; RAPID uses the full test set) or ``testmini`` (304). Applies to
  the hub and to save_to_disk/parquet folders; a ``samples.jsonl`` is read as it is.
- **id**: ``id``.
- **question**: the raw ``question`` (``<image1>`` tags kept), then the options as ``(A) …`` … ``(E) …`` lines,
  as the official prompt builder (``mathllm/MATH-V:models/``) appends them; like the official ``geninput``,
  nothing is appended when the options are just the letters A–E (the choices are drawn in the image).
- **answer / answer_type**: as given; ``choice`` when the item has options, else ``integer``/``float`` for a bare
  number and ``text`` otherwise (LaTeX, tuples).
- **options**: the ``options`` list as given (possibly the bare letters).
- **images**: ``_image_file`` (dev) else ``decoded_image`` (HF) else the ``image`` path relative to the folder.
  ``_image_file: null`` (the annotation-only copy under ``shared/benchmarks/annotations``) = no image.
- **metadata**: ``subject``, ``level``, ``solution``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext, bad_option
from rapid_eval.tasks.common import get, image_draft, letters, number_type, raw, str_list, text
from rapid_eval.tasks.spec import Part, TaskSpec
from rapid_eval.types import Sample

SPLITS = ("test", "testmini")


def format_question(question: str, options: list[str]) -> str:
    """Question plus ``(A) …`` lines, unless the options are only the letters themselves."""
    if not options or options == letters(len(options)):
        return question
    lines = [f"({letter}) {opt}" for letter, opt in zip(letters(len(options)), options, strict=True)]
    return question + "\n" + "\n".join(lines)


class MathVision(Adapter):
    name = "mathvision"

    def check_options(self, spec: TaskSpec, options: dict[str, Any]) -> dict[str, Any]:
        if options["split"] not in SPLITS:
            raise bad_option(spec.name, "split", options["split"], list(SPLITS))
        return options

    def parts(self, spec: TaskSpec, options: Mapping[str, Any]) -> list[Part]:
        return [Part(None, options["split"])]

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        return text(get(row, "id"))

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        options = str_list(row["options"], "options") if row.get("options") else []
        answer = text(get(row, "answer"))
        sample = Sample(
            id=self.row_id(row, ctx),
            task=ctx.task,
            question=format_question(raw(get(row, "question")), options),
            answer=answer,
            answer_type="choice" if options else number_type(answer),
            options=tuple(options),
            metadata={
                "subject": row.get("subject"),
                "level": row.get("level"),
                "solution": row.get("solution"),
            },
        )
        return image_draft(sample, row, "decoded_image", "image")


ADAPTER = MathVision()
