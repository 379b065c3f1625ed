"""MMMU (validation) rows -> Samples.

Decisions:
- **source**: the hub has one config per subject; the loader reads the 30 subject configs' ``validation``
  splits (900 rows) in YAML order.
- **id**: ``id`` (``validation_<Subject>_<n>``). The dev file (MMMU-Pro tool input) has none: it is derived
  from the first image's file name, ``validation_Energy_and_Power_2_1.png`` -> ``validation_Energy_and_Power_2``
  (the trailing ``_1`` is the image number); other names (``ai2d_00000053.png``) give their stem.
- **question**: VLMEvalKit's MCQ layout (the Qwen2-VL prompt mixin's MMMU branch that RAPID uses):
  ``Question: …`` / ``Options:`` / ``A. …`` lines / "Please select the correct answer from the options above.";
  open questions keep only the ``Question:`` line. ``<image k>`` placeholders stay in the text; all images go
  in front, in ``image_1`` … ``image_7`` order.
- **options**: HF stores a stringified Python list (parsed with ``ast.literal_eval``), the dev file a list.
- **answer / answer_type**: a letter -> ``choice``; open answers -> ``integer``/``float``/``text``; a
  stringified list of accepted answers becomes a list (``text``).
- **metadata**: ``subject`` (from the id), ``origin`` (validation/test/dev/ai2d…), ``question_type``,
  ``subfield``, ``topic_difficulty``, ``img_type``, ``explanation`` where present.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext, RowError
from rapid_eval.tasks.common import get, mcq_prompt, number_type, raw, str_list, text
from rapid_eval.types import Sample

MAX_IMAGES = 7
_SPLIT_ID = re.compile(r"^(dev|validation|test)_(.+)_(\d+)$")


def _literal(value: str, what: str) -> Any:
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError) as e:
        raise RowError(f"cannot parse {what} {value[:60]!r} ({type(e).__name__})") from None


def parse_options(value: Any) -> list[str]:
    """Options from a real list or a stringified Python list."""
    if isinstance(value, str):
        value = _literal(value, "options") if value.strip() else []
    return str_list(value, "options")


def _image_name(ref: Any) -> str | None:
    if isinstance(ref, str):
        return ref
    if isinstance(ref, dict) and ref.get("path"):
        return str(ref["path"])
    return None


def derive_id(row: Mapping[str, Any]) -> str:
    """``id`` field, else the first image's file stem without its ``_1`` image suffix."""
    if row.get("id"):
        return text(row["id"])
    name = _image_name(row.get("image_1"))
    if not name:
        raise RowError("missing field 'id' (and no image_1 file name to derive it from)")
    stem = PurePath(name).stem
    m = re.match(r"^((?:dev|validation|test)_.+_\d+)_1$", stem)
    return m.group(1) if m else stem


def _answer(value: Any) -> str | list[str]:
    if isinstance(value, list):
        return [text(v) for v in value]
    s = text(value)
    if s.startswith("[") and s.endswith("]"):
        parsed = _literal(s, "answer")
        if isinstance(parsed, list):
            return [text(v) for v in parsed]
    return s


class MMMU(Adapter):
    """MMMU rows -> Samples (interleaved images, multiple choice and open questions)."""

    name = "mmmu"

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """``id``, else derived from the first image's file name (:func:`derive_id`)."""
        return derive_id(row)

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample with VLMEvalKit's MCQ question layout and the images ``image_1`` … in order (module docstring).

        A row without images still maps, with the Draft's ``problem`` set (the loader skips it); ``RowError`` on a
        missing field.
        """
        sid = derive_id(row)
        options = parse_options(row.get("options") or [])
        answer = _answer(get(row, "answer"))
        if options:
            answer_type = "choice"
        else:
            answer_type = "text" if isinstance(answer, list) else number_type(answer)
        m = _SPLIT_ID.match(sid)
        meta: dict[str, Any] = {
            "subject": m.group(2) if m else None,
            "origin": m.group(1) if m else sid.split("_")[0],
            "question_type": row.get("question_type") or ("multiple-choice" if options else "open"),
        }
        for key in ("subfield", "topic_difficulty", "img_type", "explanation"):
            if row.get(key):
                meta[key] = row[key]
        refs = tuple(row[f"image_{k}"] for k in range(1, MAX_IMAGES + 1) if row.get(f"image_{k}"))
        sample = Sample(
            id=sid,
            task=ctx.task,
            question=mcq_prompt(raw(get(row, "question")), options),
            answer=answer,
            answer_type=answer_type,  # type: ignore[arg-type]
            options=tuple(options),
            metadata=meta,
        )
        problem = None if refs else f"missing field 'image_1' (every MMMU item has 1 to {MAX_IMAGES} images)"
        return Draft(sample, refs, problem)


ADAPTER = MMMU()
