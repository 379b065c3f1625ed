"""MATH-Vision (MATH-V) rows -> Samples.

Decisions:
- **option ``split``**: ``test`` (default, 3,040; RAPID uses the full test set) or ``testmini`` (304). Applies to
  the hub and to save_to_disk/parquet folders; a ``samples.jsonl`` is read as it is.
- **id**: ``id``.
- **question**: by default (option ``prompt: vlmevalkit``) the wording of VLMEvalKit's ``MathVision`` TSV
  ``question`` column, which RAPID's prompt mixin sends (plus the VQA suffix, :mod:`rapid_eval.prompts`)::

      Hint: Please answer the question and provide the final answer at the end.          (free form)
      Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.  (MC)
      Question: {question}
      Choices:                                                                          (MC only)
      (A) {option 1}
      (B) …

  ``prompt: official`` gives MATH-V's own layout instead: the raw question, then ``(A) …`` lines unless the
  options are just the letters A–E (``mathllm/MATH-V:models/``).
- **Evidence for the VLMEvalKit wording** (``open-compass/VLMEvalKit`` at e8e78f05f308; the TSV itself,
  ``MathVision.tsv`` md5 ``93f6de14f7916e598aa1b7165589831e`` per ``vlmeval/dataset/image_vqa.py``, cannot be
  downloaded here):

  - established: the first line is exactly one of the two hints above, the MC one for items with options
    (``vlmeval/vlm/valley/valley3.py`` ``build_mathvision_prompt_gthinker`` asserts it for every item);
    ``Question: `` precedes the question (``vlmeval/vlm/ursa/ursa_chat.py`` cuts at ``'Question: '`` for
    ``MathVision``; ``internvl/utils.py`` ``build_mpo_prompt`` splits on ``'Question:'``); options follow as
    ``\\nChoices:\\n`` + ``(A) …`` at the end (``internvl/utils.py`` removes ``'Choices:\\n'``,
    ``api/taichu.py`` strips ``\\nChoices:\\n.*`` and takes the texts from the ``choices`` column,
    ``valley3.py`` rewrites ``(A)`` … ``(E)``); the judge examples (``dataset/utils/mathv.py``) use the same
    hint and ``Question:`` wording. This is the MathVista ``query`` layout.
  - not established: one option per line (assumed, as in MathVista's ``query``); whether items whose options
    are only the letters A–E list them (``(A) A`` …) — option ``letter_choices``: ``list`` (default; one
    third-party copy of a MathVision item in this wording does) or ``omit``; whether the ``<imageN>`` tags stay
    in the text — option ``image_tags``: ``keep`` (default; VLMEvalKit keeps MMMU's ``<image k>`` tags) or
    ``strip`` (tag and the blank space before it removed).
- **answer / answer_type**: as given; ``choice`` when the item has options, else ``integer``/``float`` for a bare
  number and ``text`` otherwise (LaTeX, tuples).
- **options**: the ``options`` list as given (possibly the bare letters), for scoring.
- **images**: ``_image_file`` (dev) else ``decoded_image`` (HF) else the ``image`` path relative to the folder.
  ``_image_file: null`` (the annotation-only copy under ``shared/benchmarks/annotations``) = no image.
- **metadata**: ``subject``, ``level``, ``solution``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapid_eval.tasks.adapter import Adapter, Draft, RowContext, bad_option
from rapid_eval.tasks.common import get, image_draft, letters, number_type, raw, str_list, text
from rapid_eval.tasks.spec import Part, TaskSpec
from rapid_eval.types import Sample

SPLITS = ("test", "testmini")
CHOICES = {  # option -> allowed values, the first is the default
    "prompt": ("vlmevalkit", "official"),
    "letter_choices": ("list", "omit"),
    "image_tags": ("keep", "strip"),
}
HINT_FREE = "Hint: Please answer the question and provide the final answer at the end."
HINT_MC = "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end."
_IMAGE_TAG = re.compile(r"[ \t]*<image\d+>")


def official_question(question: str, options: list[str]) -> str:
    """MATH-V's layout: question plus ``(A) …`` lines, unless the options are only the letters themselves."""
    if not options or options == letters(len(options)):
        return question
    lines = [f"({letter}) {opt}" for letter, opt in zip(letters(len(options)), options, strict=True)]
    return question + "\n" + "\n".join(lines)


def vlmevalkit_question(
    question: str, options: list[str], *, letter_choices: str = "list", image_tags: str = "keep"
) -> str:
    """VLMEvalKit's TSV wording (module docstring): hint line, ``Question: …``, ``Choices:`` block for MC."""
    if image_tags == "strip":
        question = _IMAGE_TAG.sub("", question).strip()
    lines = [HINT_MC if options else HINT_FREE, f"Question: {question}"]
    if options and not (letter_choices == "omit" and options == letters(len(options))):
        lines.append("Choices:")
        lines.extend(f"({letter}) {opt}" for letter, opt in zip(letters(len(options)), options, strict=True))
    return "\n".join(lines)


class MathVision(Adapter):
    """MATH-Vision rows -> Samples (multiple choice or free-form answers)."""

    name = "mathvision"

    def check_options(self, spec: TaskSpec, options: dict[str, Any]) -> dict[str, Any]:
        """The options unchanged; ``TaskError`` for a ``split`` or wording option (``CHOICES``) outside its values."""
        if options["split"] not in SPLITS:
            raise bad_option(spec.name, "split", options["split"], list(SPLITS))
        for key, allowed in CHOICES.items():
            if options[key] not in allowed:
                raise bad_option(spec.name, key, options[key], list(allowed))
        return options

    def parts(self, spec: TaskSpec, options: Mapping[str, Any]) -> list[Part]:
        """The one split the ``split`` option names (default config)."""
        return [Part(None, options["split"])]

    def row_id(self, row: Mapping[str, Any], ctx: RowContext) -> str:
        """The row's ``id`` as text; ``RowError`` when it is missing."""
        return text(get(row, "id"))

    def convert(self, row: Mapping[str, Any], ctx: RowContext) -> Draft:
        """The Sample, its question in the wording the ``prompt`` option picks; ``RowError`` on a missing field."""
        options = str_list(row["options"], "options") if row.get("options") else []
        answer = text(get(row, "answer"))
        question = raw(get(row, "question"))
        opts = {key: ctx.options.get(key, allowed[0]) for key, allowed in CHOICES.items()}
        if opts["prompt"] == "official":
            question = official_question(question, options)
        else:
            question = vlmevalkit_question(
                question, options, letter_choices=opts["letter_choices"], image_tags=opts["image_tags"]
            )
        sample = Sample(
            id=self.row_id(row, ctx),
            task=ctx.task,
            question=question,
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
