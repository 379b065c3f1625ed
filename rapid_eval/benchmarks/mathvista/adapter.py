"""MathVista (testmini) rows -> Samples.

Decisions:
- **id**: ``pid``.
- **question**: the official ``query`` (hub and GitHub ``testmini`` both carry it): ``Hint: …`` (answer format
  and precision) / ``Question: …`` with `` (Unit: …)`` / ``Choices:`` + ``(A) text`` lines. It is the
  ``question`` column of VLMEvalKit's ``MathVista_MINI`` TSV, which RAPID's prompt mixin sends (plus the VQA
  suffix, :mod:`rapid_eval.prompts`). Evidence (the TSV itself cannot be read here): VLMEvalKit model wrappers
  strip ``Hint: … Question: `` and a trailing ``\nChoices:\n…`` from this dataset's question
  (``vlmeval/api/taichu.py`` ``clear_prompt``, ``vlmeval/vlm/ursa/ursa_chat.py``) and its judge examples
  (``dataset/utils/mathvista.py``) use the same wording. A row without ``query`` is refused: the harness does
  not rebuild it. The choice texts stay in ``options`` for scoring.
- **answer**: as given; for ``multi_choice`` it is the choice **text** (the official scorer compares texts), and
  ``metadata["answer_letter"]`` holds its letter.
- **answer_type**: ``multi_choice`` -> ``choice``; free form -> the benchmark's ``answer_type``
  (``integer`` / ``float`` / ``list``; ``text`` otherwise). ``precision`` (HF float, GitHub int) -> int.
- **images**: ``_image_file`` when the row has that key (dev format; ``null`` = no image, the Sample has none);
  else ``decoded_image`` (HF); else the ``image`` path relative to the benchmark folder.
- **metadata**: the official ``metadata`` dict flattened (split, language, source, category, task, context,
  grade, skills, img sizes) plus ``question_type``, the benchmark's ``answer_type`` and ``query``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext, RowError
from rapid_eval.tasks.common import choice_of, get, image_draft, raw, str_list, text
from rapid_eval.types import Sample

_FREE_TYPES = {"integer": "integer", "float": "float", "list": "list"}


class MathVista(Adapter):
    """MathVista rows -> Samples (multiple choice and free-form, with answer type and precision)."""

    name = "mathvista"

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """The row's ``pid`` as text; ``RowError`` when it is missing."""
        return text(get(row, "pid"))

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample: ``query`` (the official prompt, hint included) as question, the choice text as gold.

        ``metadata["answer_letter"]`` holds the gold's letter for multi_choice items; ``RowError`` on a missing field or
        a multi_choice item without choices.
        """
        choices = str_list(row["choices"], "choices") if row.get("choices") else []
        answer = text(get(row, "answer"))
        qtype = text(get(row, "question_type"))
        raw_type = text(get(row, "answer_type"))
        meta: dict[str, Any] = dict(row.get("metadata") or {})
        meta.update(question_type=qtype, answer_type=raw_type, query=row.get("query"))
        if qtype == "multi_choice":
            if not choices:
                raise RowError("multi_choice item without choices")
            answer_type = "choice"
            meta["answer_letter"] = choice_of(answer, choices)
        else:
            answer_type = _FREE_TYPES.get(raw_type, "text")
        precision = row.get("precision")
        sample = Sample(
            id=self.row_id(row, ctx),
            task=ctx.task,
            question=raw(get(row, "query")),
            answer=answer,
            answer_type=answer_type,  # type: ignore[arg-type]
            options=tuple(choices),
            precision=int(precision) if precision is not None else None,
            unit=text(row["unit"]) if row.get("unit") else None,
            metadata=meta,
        )
        return image_draft(sample, row, "decoded_image", "image")


ADAPTER = MathVista()
