"""We-Math (testmini) rows -> Samples.

Decisions:
- **id**: ``<ID>_<key suffix>``, e.g. ``2steps_21_1``, ``2steps_21_multi`` (``ID`` is the group and ``key`` the
  row within it; their pair is unique, 1,740 rows).
- **group**: ``ID`` and ``key`` as given; ``--limit`` keeps ``ID`` groups whole (a partial group cannot be
  classified by the four-dimensional metrics).
- **options**: parsed from the one ``option`` string (``"A. 0.02;B. 0.2;…; E. No correct answer"``). A marker is
  ``X.`` at the start or after ``;``, letters in order A, B, C …, followed by some text: this skips the stray
  ``;C.`` and ``;E.`` that some official option strings carry inside an option ("north to ;C.  ;B. …").
- **question**: VLMEvalKit's MCQ layout (WeMath is an MCQ set in RAPID): ``Question: …`` / ``Options:`` /
  ``A. …`` lines / "Please select the correct answer from the options above." No hint line (the
  ``knowledge concept description`` stays in metadata).
- **answer / answer_type**: the letter, ``choice``.
- **images**: ``_image_file`` (dev) else ``image_path`` (HF image struct, or a path relative to the folder).
- **metadata**: ``knowledge concept``, ``knowledge concept description``, ``question number``, ``split``,
  ``steps`` (2 or 3, from the key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext, RowError
from rapid_eval.tasks.common import get, image_draft, mcq_prompt, raw, text
from rapid_eval.types import Sample

_MARKER = re.compile(r"(?:^|;)\s*([A-H])\.(?!\s*(?:;|$))")


def parse_options(option: str) -> list[str]:
    """Option texts of a We-Math ``option`` string, in letter order."""
    marks: list[tuple[int, int]] = []  # (start of marker, end of marker) for A, B, C ...
    for m in _MARKER.finditer(option):
        if m.group(1) == chr(ord("A") + len(marks)):
            marks.append((m.start(), m.end()))
    bounds = [*marks, (len(option), len(option))]
    return [option[bounds[i][1] : bounds[i + 1][0]].strip().rstrip(";").strip() for i in range(len(marks))]


class WeMath(Adapter):
    """We-Math rows -> Samples; the sub-questions of one problem share a group (``ID``)."""

    name = "wemath"
    group_key = "ID"

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """``<ID>_<last part of key>`` (``2steps_21_multi``); ``RowError`` without ``ID`` or ``key``."""
        key = text(get(row, "key"))
        return f"{text(get(row, 'ID'))}_{key.rsplit('_', 1)[-1]}"

    def group_value(self, row: Mapping[str, Any], ctx: RowContext) -> str | None:
        """The row's problem ``ID``; None when it has none."""
        return text(row["ID"]) if row.get("ID") else None

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample with VLMEvalKit's MCQ question layout and the parsed options (module docstring).

        ``RowError`` on a missing field, or an ``option`` string with fewer than two parsable options.
        """
        options = parse_options(text(get(row, "option")))
        if len(options) < 2:
            raise RowError(f"cannot parse options from {text(row['option'])[:60]!r}")
        key = text(get(row, "key"))
        meta = {
            k: row.get(k)
            for k in ("knowledge concept", "knowledge concept description", "question number", "split")
        }
        meta["steps"] = int(key[0]) if key[:1].isdigit() else None
        sample = Sample(
            id=self.row_id(row, ctx),
            task=ctx.task,
            question=mcq_prompt(raw(get(row, "question")), options),
            answer=text(get(row, "answer")),
            answer_type="choice",
            options=tuple(options),
            group={"ID": text(get(row, "ID")), "key": key},
            metadata=meta,
        )
        return image_draft(sample, row, "image_path")

    def natural_key(self, sample: Sample) -> str:
        """``<ID>@<key>``: the problem group and its step."""
        return f"{sample.group.get('ID')}@{sample.group.get('key')}"


ADAPTER = WeMath()
