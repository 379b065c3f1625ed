"""RealWorldQA rows -> Samples (fields ``image``, ``question``, ``answer``).

Decisions:
- **id**: the row's 0-based index in its split (``index`` / ``_index`` when a row carries one, as VLMEvalKit's
  TSV does). For a JSONL every non-blank line counts, so a broken line does not shift later ids.
- **question**: the raw ``question``, which already ends with its own answer-format instruction ("Please answer
  directly with only the letter of the correct option …" / "… with a single word or number.").
- **answer / answer_type**: as given. ``choice`` when the gold is one letter and the question lists lettered
  options (``A. Left`` lines, parsed into ``options``); ``integer``/``float`` for a bare number; else ``text``.
- **images**: ``_image_file`` (local JSONL) else ``image`` (hub struct or a relative path).
- **metadata**: ``synthetic: True`` for the bundled synthetic fixture rows (``_synthetic``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext
from rapid_eval.tasks.common import get, image_draft, number_type, raw, text
from rapid_eval.types import Sample

_OPTION_LINE = re.compile(r"^([A-H])\.\s+(.*\S)\s*$", re.M)


def option_columns(row: Mapping[str, Any]) -> tuple[str, ...]:
    """VLMEvalKit's option columns ``A``, ``B`` … in letter order (stops at the first missing or empty one)."""
    options: list[str] = []
    for letter in "ABCDEFGH":
        value = row.get(letter)
        if value is None or value != value or not str(value).strip():  # None, NaN (pandas) or blank
            break
        if isinstance(value, float) and value.is_integer():  # a spreadsheet cell "0" read back as 0.0
            value = int(value)
        options.append(str(value).strip())
    return tuple(options)


def parse_options(question: str) -> tuple[str, ...]:
    """``A. text`` lines of the question, in letter order (stops at the first gap)."""
    options: list[str] = []
    for m in _OPTION_LINE.finditer(question):
        if m.group(1) == chr(ord("A") + len(options)):
            options.append(m.group(2))
    return tuple(options)


class RealWorldQA(Adapter):
    """RealWorldQA rows -> Samples (options taken from the sample where it has them)."""

    name = "realworldqa"

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """``index`` / ``_index`` where the row carries one (VLMEvalKit TSV), else its 0-based position in its part."""
        return text(get(row, "index", "_index", required=False, default=ctx.index))

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample: ``choice`` with options when the gold is a letter and options are found, else a number or text.

        Options from the question's ``A. …`` lines, else VLMEvalKit's ``A``, ``B`` … columns; ``RowError`` on a missing
        ``question`` or ``answer``.
        """
        question = raw(get(row, "question"))
        answer = text(get(row, "answer"))
        options = parse_options(question) or option_columns(row)
        is_letter = len(answer) == 1 and answer in "ABCDEFGH"
        sample = Sample(
            id=self.row_id(row, ctx),
            task=ctx.task,
            question=question,
            answer=answer,
            answer_type="choice" if options and is_letter else number_type(answer),
            options=options if options and is_letter else (),
            metadata={"synthetic": True} if row.get("_synthetic") else {},
        )
        return image_draft(sample, row, "image")


ADAPTER = RealWorldQA()
