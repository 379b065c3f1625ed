"""Small helpers shared by the benchmark adapters: field access, answer types, option and prompt formatting."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from rapid_eval.tasks.adapter import Draft, RowError
from rapid_eval.types import AnswerType, Sample

MCQ_SUFFIX = "Please select the correct answer from the options above."
"""Last line of VLMEvalKit's MCQ prompt (Qwen2-VL prompt mixin), which RAPID's model side uses."""

_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_LETTER_SET_RE = re.compile(r"^\s*\(?[A-Z]\)?(\s*[,;\n/&]?\s*(and\s+)?\(?[A-Z]\)?)*\s*$")


def get(row: Mapping[str, Any], *names: str, required: bool = True, default: Any = None) -> Any:
    """The first of ``names`` present in ``row`` with a non-null value (HF and GitHub field names differ)."""
    for name in names:
        value = row.get(name)
        if value is not None:
            return value
    if required:
        alts = " or ".join(f"'{n}'" for n in names)
        raise RowError(f"missing field {alts}")
    return default


def text(value: Any) -> str:
    """A field as stripped text (numbers as written: ``3`` not ``3.0`` for integral floats).

    A list, dict or other container raises ``RowError``: written as text (``"['D']"``) it would never match
    anything, so the row is reported and skipped instead of silently scoring 0.
    """
    if isinstance(value, list | tuple | dict | set):
        raise RowError(f"expected text or a number, got {type(value).__name__} {str(value)[:60]}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def raw(value: Any) -> str:
    """A text field exactly as given (questions and options keep their whitespace, as the reference prompts do)."""
    return value if isinstance(value, str) else text(value)


def number_type(answer: str) -> AnswerType:
    """``integer`` / ``float`` when the whole answer is a plain number, else ``text``."""
    s = answer.strip()
    if _INT_RE.fullmatch(s):
        return "integer"
    if _FLOAT_RE.fullmatch(s):
        return "float"
    return "text"


def answer_letters(answer: str) -> list[str]:
    """Letters of a letter-set answer (``"C\\nD"``, ``"B, D"``, ``"(A)"``); [] when it is not one."""
    if not _LETTER_SET_RE.match(answer):
        return []
    return re.findall(r"[A-Z]", re.sub(r"\band\b", " ", answer))


def letter_type(answer: str) -> AnswerType:
    """``multi_choice`` for several letters, else ``choice``."""
    return "multi_choice" if len(answer_letters(answer)) > 1 else "choice"


def letters(n: int) -> list[str]:
    """The first ``n`` option letters, ``["A", "B", ...]`` (never more than 26)."""
    return list(string.ascii_uppercase[:n])


def mcq_prompt(question: str, options: Sequence[str], hint: str | None = None) -> str:
    """VLMEvalKit's MCQ layout: ``Hint:`` (if any), ``Question:``, ``Options:`` + ``A. …`` lines, suffix.

    Without options only the ``Question:`` line remains (MMMU open questions). Question and options are used
    as given; only the end of the whole prompt is stripped, as the reference does.
    """
    lines = []
    if hint:
        lines.append(f"Hint: {hint}")
    lines.append(f"Question: {question}")
    if options:
        lines.append("Options:")
        lines.extend(f"{letter}. {opt}" for letter, opt in zip(letters(len(options)), options, strict=True))
        lines.append(MCQ_SUFFIX)
    return "\n".join(lines).rstrip()


def choice_of(answer: str, options: Sequence[str]) -> str | None:
    """Letter of ``answer`` when it equals one of the option texts (MathVista gives the text, not the letter)."""
    for letter, opt in zip(letters(len(options)), options, strict=False):
        if opt.strip() == answer.strip():
            return letter
    return None


def str_list(value: Any, field: str) -> list[str]:
    """A list field as a list of strings; RowError when it is something else."""
    if not isinstance(value, list | tuple):
        raise RowError(f"field '{field}' should be a list, got {type(value).__name__}")
    return [raw(v) for v in value]


def image_refs(row: Mapping[str, Any], *hf_fields: str) -> tuple[Any, ...]:
    """The row's single image ref: dev ``_image_file`` when the key exists (null = explicitly no image), else
    the first non-empty of ``hf_fields`` (an HF image struct, or a path relative to the benchmark folder)."""
    if "_image_file" in row:
        return (row["_image_file"],) if row["_image_file"] else ()
    for name in hf_fields:
        value = row.get(name)
        if value:
            return (value,)
    return ()


def image_draft(sample: Sample, row: Mapping[str, Any], *hf_fields: str, required: bool = True) -> Draft:
    """``Draft`` with the row's image ref; a row with no image field at all gets ``problem`` set, unless
    ``required`` is False or the row says ``_image_file: null`` (the dev files' "no image available")."""
    refs = image_refs(row, *hf_fields)
    problem = None
    if required and not refs and "_image_file" not in row:
        problem = "missing field " + " or ".join(f"'{n}'" for n in ("_image_file", *hf_fields))
    return Draft(sample, refs, problem)
