"""MathVerse (testmini) rows -> Samples.

Decisions:
- **option ``version``**: ``"Vision Only"`` (default; RAPID's MathVerse_MINI_Vision_Only), ``"all"`` (the five
  image-bearing versions, the leaderboard's "All"), one version name, or a comma-separated list. Names match
  case-insensitively with ``_``/``-`` for spaces. ``"Text Only"`` rows come from the ``testmini_text_only``
  config (split ``testmini_text_only``); the others from config and split ``testmini``. Rows are filtered by
  ``problem_version``, so a local copy may hold any mix of versions.
- **id**: ``sample_index`` for the image versions; ``text_only_<sample_index>`` for Text Only rows, whose
  ``sample_index`` is the problem index and would collide with the image versions' indices.
- **group**: ``problem`` = ``problem_index``, ``version`` = ``problem_version``; ``--limit`` keeps problems
  whole. ``metadata["version"]`` repeats the version for per-version breakdowns.
- **question**: the raw ``question`` (MC questions already embed ``Choices:\\nA:…``). Vision Only rows have an
  empty question (it is in the diagram): they get ``query_wo``, the instruction VLMEvalKit's Vision Only TSV
  carries ("According to the question shown in the image, please directly answer …"), so the prompt is never
  empty.
- **answer / answer_type**: as given. ``multi-choice`` -> ``choice``, or ``multi_choice`` when the gold has
  several letters (``"C\\nD"``); free form -> ``integer``/``float`` when the gold is a bare number, else
  ``text`` (units and LaTeX are common: "2191.7 metres").
- **options**: parsed from the ``Choices:`` block when the question shows one (not for Vision Only).
- **images**: ``_image_file`` (dev; null for Text Only) else the HF ``image`` (struct, or a relative path;
  ``""`` = none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext, bad_option
from rapid_eval.tasks.common import get, image_draft, letter_type, number_type, raw, text
from rapid_eval.tasks.spec import Part, TaskError, TaskSpec
from rapid_eval.types import Sample

IMAGE_VERSIONS = ("Text Dominant", "Text Lite", "Vision Intensive", "Vision Dominant", "Vision Only")
TEXT_ONLY = "Text Only"
_CHOICE_LINE = re.compile(r"^\(?([A-H])\)?\s*[:.)]\s*(.*)$")


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", " ", name).strip().lower()


@lru_cache(maxsize=32)
def parse_versions(value: str) -> tuple[str, ...]:
    """Canonical version names for an option value; ValueError naming the bad one."""
    by_norm = {_norm(v): v for v in (*IMAGE_VERSIONS, TEXT_ONLY)}
    wanted: list[str] = []
    for item in value.split(","):
        key = _norm(item)
        if key == "all":
            wanted.extend(IMAGE_VERSIONS)
        elif key in by_norm:
            wanted.append(by_norm[key])
        else:
            raise ValueError(item.strip())
    return tuple(dict.fromkeys(wanted))


def parse_choices(question: str) -> tuple[str, ...]:
    """Option texts from the ``Choices:`` block of an MC question (``A:text`` lines); () when none."""
    _, sep, tail = question.rpartition("Choices:")
    if not sep:
        return ()
    options: list[str] = []
    for line in tail.strip().splitlines():
        m = _CHOICE_LINE.match(line.strip())
        if m and m.group(1) == chr(ord("A") + len(options)):
            options.append(m.group(2).strip())
        elif options and line.strip():
            options[-1] = f"{options[-1]}\n{line.strip()}"
    return tuple(options)


class MathVerse(Adapter):
    """MathVerse rows -> Samples, one per problem version (grouped by ``problem``)."""

    name = "mathverse"
    group_key = "problem"
    gold_options = {"version": f"all,{TEXT_ONLY}"}  # gold answers for prediction files: every version

    def check_options(self, spec: TaskSpec, options: dict[str, Any]) -> dict[str, Any]:
        """``version`` as canonical names joined by ", "; ``TaskError`` for an unknown name or an empty selection."""
        try:
            versions = parse_versions(str(options["version"]))
        except ValueError as e:
            raise bad_option(spec.name, "version", str(e), ["all", *IMAGE_VERSIONS, TEXT_ONLY]) from None
        if not versions:
            raise TaskError(f"task '{spec.name}': option 'version' selects nothing")
        return {**options, "version": ", ".join(versions)}

    def parts(self, spec: TaskSpec, options: Mapping[str, Any]) -> list[Part]:
        """``testmini`` for any image version, ``testmini_text_only`` for Text Only (each its own config and split)."""
        versions = parse_versions(options["version"])
        parts = []
        if any(v in IMAGE_VERSIONS for v in versions):
            parts.append(Part("testmini", "testmini"))
        if TEXT_ONLY in versions:
            parts.append(
                Part("testmini_text_only", "testmini_text_only")
            )  # its split is named like the config
        return parts

    def keep(self, row: Mapping[str, Any], ctx: RowContext) -> bool:
        """True when the row's ``problem_version`` is one of the selected versions."""
        return text(get(row, "problem_version")) in parse_versions(ctx.options["version"])

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """``sample_index``, as ``text_only_<sample_index>`` for Text Only rows (their indices collide)."""
        index = text(get(row, "sample_index"))
        return f"text_only_{index}" if text(row.get("problem_version") or "") == TEXT_ONLY else index

    def group_value(self, row: Mapping[str, Any], ctx: RowContext) -> str | None:
        """The row's ``problem_index`` (shared by the versions of one problem); None when absent."""
        value = row.get("problem_index")
        return None if value is None else text(value)

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample (module docstring): a Vision Only row's empty question becomes ``query_wo``.

        The image is required except for Text Only rows; ``RowError`` on a missing field.
        """
        version = text(get(row, "problem_version"))
        question = raw(get(row, "question"))
        if not question.strip():  # Vision Only: the question is in the diagram
            question = raw(get(row, "query_wo"))
        answer = text(get(row, "answer"))
        qtype = text(get(row, "question_type"))
        meta: dict[str, Any] = dict(row.get("metadata") or {})
        meta.update(question_type=qtype, version=version)
        for key in ("query_wo", "query_cot", "question_for_eval"):
            if row.get(key):
                meta[key] = row[key]
        sample = Sample(
            id=self.row_id(row, ctx),
            task=ctx.task,
            question=question,
            answer=answer,
            answer_type=letter_type(answer) if qtype == "multi-choice" else number_type(answer),
            options=parse_choices(question) if qtype == "multi-choice" else (),
            images=(),
            group={"problem": text(get(row, "problem_index")), "version": version},
            metadata=meta,
        )
        return image_draft(sample, row, "image", required=version != TEXT_ONLY)


ADAPTER = MathVerse()
