"""MathVista's official normalisation of an extracted answer (``lupantech/MathVista:evaluation/calculate_score.py``).

Used by the LLM judge to score a judge extraction when the MathVista scorer is not registered. Note for
de-duplication: ``rapid_eval.scoring.mathvista`` (written in parallel) implements the same rule; the judge
prefers it.

- multi_choice: a ``(X)`` in the extraction gives the letter X; a letter in range maps to its choice; anything else
  maps to the choice with the smallest Levenshtein distance (so MC always yields some choice);
- integer: ``str(int(float(x)))`` (truncates 5.5 → 5); float: ``str(round(float(x), precision))``; list: ``str(x)``.
Correct iff the normalised string equals the gold answer.
"""

from __future__ import annotations

import re

from rapid_eval.scoring._meta import meta
from rapid_eval.types import Sample


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def normalise(extraction: str, sample: Sample) -> str | None:
    atype = str(meta(sample, "answer_type", default=sample.answer_type))
    qtype = str(meta(sample, "question_type", default=""))
    if qtype == "multi_choice" or (sample.answer_type == "choice" and sample.options):
        ext = extraction.strip()
        letters = re.findall(r"\(([a-zA-Z])\)", ext)
        if letters:
            ext = letters[0].upper()
        choices = list(sample.options)
        if not choices:
            return ext
        options = [chr(ord("A") + i) for i in range(len(choices))]
        if ext in options:
            return choices[options.index(ext)]
        return min(choices, key=lambda c: levenshtein(ext, c))
    try:
        if atype == "integer":
            return str(int(float(extraction)))
        if atype == "float":
            return str(round(float(extraction), int(sample.precision or 0)))
    except ValueError:
        return None
    return str(extraction)


def is_correct(extraction: str, sample: Sample) -> bool:
    norm = normalise(extraction, sample)
    return norm is not None and norm.strip() == str(sample.answer).strip()
