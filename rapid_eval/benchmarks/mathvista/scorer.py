"""MathVista, scored judge-free with the official normaliser (``lupantech/MathVista:evaluation/``).

The official pipeline is: extraction (rule shortcuts, else a GPT few-shot extractor) -> ``normalize_extracted_answer``
-> exact string equality with ``answer``. Here the GPT step is replaced by a judge-free fallback:

1. official shortcuts (``extract_answer.py``): empty response -> ``""``; for multi_choice a response equal to a
   choice; for integer/float a response that parses as a number; ``The answer is "…".`` (``quick_extract``);
2. fallback: the last ``\\boxed{}``, else the text after the last answer phrase, and then for multi_choice an
   option letter or option text (:func:`extract.extract_choice`; else a short response as it is, for the
   nearest-choice rule), for numbers the number stated in that candidate or else the last number of the
   response, for lists the candidate or else the last ``[...]`` of the response; nothing found -> ``""`` (flag
   ``no_answer``), which the official normaliser, like for an empty GPT extraction, maps to the nearest choice;
3. official normalisation (``calculate_score.py``): multi_choice: ``(X)`` -> letter, in-range letter -> choice,
   else the choice at the smallest Levenshtein distance; integer ``str(int(float(x)))`` (5.5 -> 5); float
   ``str(round(float(x), precision))``; list ``str(x)``; correct iff equal to ``answer``. A float item without a
   ``precision`` (VLMEvalKit's MathVista_MINI TSV has no such column) is rounded to the decimals the gold answer
   itself carries (:func:`gold_precision`; gold ``47.6`` -> 1), which is what the official ``precision`` field
   holds for every testmini float item; never ``round(x, None)`` (an integer).

``decided_by`` is ``rule:mathvista:<step>``; :meth:`MathVistaScorer.score_extraction` scores an extraction made
elsewhere (e.g. the stored GPT ``extraction`` of an official output file) with step 3 only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rapid_eval.scoring import tally
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.extract import answer_tail, extract_choice, last_boxed, last_number, unwrap
from rapid_eval.scoring.meta import truncated_verdict
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.types import Sample

SHORT = 60
BREAKDOWNS = ("question_type", "answer_type", "language", "source", "category", "task", "context", "grade", "skills")
_QUOTED = re.compile(r'The answer is "(.*)"\.')
_LETTER_IN_PARENS = re.compile(r"\(([a-zA-Z])\)")
_LIST = re.compile(r"\[[^\[\]]*\]")
_STATED = re.compile(r"(?:\b(?:is|are|was|were|equals?|be)|=|≈)\s+(?:approximately\s+|about\s+)?[$£€]?"
                     r"(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![\d/^])")
_LEADING_NUMBER = re.compile(r"^(-?(?:\d+(?:\.\d+)?|\.\d+))(?![\d.])")


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert, delete, substitute; cost 1), as ``Levenshtein.distance``."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def normalize_extraction(
    extraction: Any, choices: Sequence[str], question_type: str, answer_type: str, precision: int | None
) -> str | None:
    """The official ``normalize_extracted_answer``: what string the extraction stands for."""
    if question_type == "multi_choice":
        text = extraction.strip() if isinstance(extraction, str) else str(extraction)
        letter = _LETTER_IN_PARENS.findall(text)
        if letter:
            text = letter[0].upper()
        letters = [chr(ord("A") + i) for i in range(len(choices))]
        if text in letters:
            return choices[letters.index(text)]
        distances = [levenshtein(text, c) for c in choices]
        return choices[distances.index(min(distances))]
    try:
        if answer_type == "integer":
            return str(int(float(extraction)))
        if answer_type == "float":
            return str(round(float(extraction), precision if precision is not None else 0))
    except (TypeError, ValueError, OverflowError):
        return None
    if answer_type == "list":
        return str(extraction)
    return extraction


def gold_precision(answer: Any) -> int:
    """Decimals the gold answer is written with (``"47.6"`` -> 1, ``"1.45"`` -> 2, ``"3"`` -> 0): the official
    ``precision`` of a float item, for files that do not carry it."""
    text = str(answer).strip()
    return len(text.split(".", 1)[1]) if re.fullmatch(r"-?\d*\.\d+", text) else 0


def precision_of(sample: Sample) -> int | None:
    """The item's ``precision``; for a float item without one, the gold answer's own decimals."""
    if sample.precision is not None:
        return sample.precision
    return gold_precision(sample.answer) if item_types(sample)[1] == "float" else None


def item_types(sample: Sample) -> tuple[str, str]:
    """(question_type, the benchmark's answer_type) from the metadata, else from ``Sample.answer_type``."""
    qtype = sample.metadata.get("question_type") or ("multi_choice" if sample.answer_type == "choice" else "free_form")
    atype = sample.metadata.get("answer_type") or ("text" if sample.answer_type == "choice" else sample.answer_type)
    return str(qtype), str(atype)


def official_shortcut(
    response: str, choices: Sequence[str], qtype: str, atype: str, quick: bool = True
) -> tuple[str, str] | None:
    """The rule shortcuts of the official ``extract_answer`` (no LLM); None when none applies. ``quick`` adds its
    optional ``quick_extract`` step (``The answer is "…".``), off by default there and so in the LLM judge."""
    if response == "":
        return "", "empty"
    if qtype == "multi_choice" and response in choices:
        return response, "choice-text"
    if atype == "integer":
        try:
            return str(int(response)), "integer"
        except ValueError:
            pass
    if atype == "float":
        try:
            return str(float(response)), "float"
        except ValueError:
            pass
    m = _QUOTED.search(response) if quick else None
    return (m.group(1), "quote") if m else None


def fallback_extraction(response: str, choices: Sequence[str], qtype: str, atype: str) -> tuple[str, str]:
    """Judge-free stand-in for the GPT extractor: (extraction, step)."""
    boxed = last_boxed(response)
    cand, where = (boxed, "boxed") if boxed is not None else (answer_tail(response), "answer-phrase")
    if qtype == "multi_choice":
        letters, step = extract_choice(response, choices)
        if len(letters) == 1:
            return letters[0], f"letter:{step}"
        # A short answer that names no option (an extraction with a typo, "the left kite") is what the official
        # normaliser receives from its extractor in such cases: it goes to the nearest choice.
        return (response.strip(), "short-text") if len(response.strip()) <= SHORT else ("", "none")
    if atype in ("integer", "float"):
        if cand is not None:
            num = _as_number(cand)
            if num is not None:
                return num, where
        num = stated_number(response)
        if num is not None:
            return num, "stated-number"
        num = last_number(response)
        return (num, "last-number") if num is not None else ("", "none")
    if cand is not None:
        return unwrap(cand), where
    lists = _LIST.findall(response) if atype == "list" else []
    return (lists[-1], "last-list") if lists else ("", "none")


def stated_number(response: str) -> str | None:
    """The number the last sentence states after its last "is" / "are" / "equals" / "=": "The ratio … is 2:1." -> 2,
    "… is 17, which corresponds to the 17-25% range." -> 17; None when it states none that way."""
    lines = [ln.strip() for ln in (response or "").splitlines() if ln.strip()]
    if not lines:
        return None
    last = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lines[-1])[-1]
    found = _STATED.findall(unwrap(last))
    return found[-1].replace(",", "") if found else None


def _as_number(text: str) -> str | None:
    """The number a short answer states: the whole text, else (after any ``=``) a leading number (``12 cm^2``),
    else the last number of a short text."""
    s = unwrap(text).replace(",", "").split("=")[-1].strip()
    try:
        float(s)
        return s
    except ValueError:
        pass
    lead = _LEADING_NUMBER.match(s)
    if lead:
        return lead.group(1)
    return last_number(s) if len(s) <= 40 else None


class MathVistaScorer(Scorer):
    """Official MathVista normalisation on a judge-free extraction (see the module docstring)."""
    name = "mathvista"
    bounded = True  # string and regex work only: scored in the calling process (see Scorer.bounded)

    headline = "accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """An official shortcut, else the judge-free fallback extraction; then official normalisation and equality."""
        if truncated:
            return truncated_verdict(explain=True)
        qtype, atype = item_types(sample)
        found = official_shortcut(output, sample.options, qtype, atype)
        extraction, step = found if found else fallback_extraction(output, sample.options, qtype, atype)
        verdict = self.score_extraction(sample, extraction)
        flags = ("no_answer",) if step in ("none", "empty") else ()
        return Verdict(verdict.correct, extraction, f"rule:mathvista:{step}", verdict.explanation, flags,
                       verdict.details)

    def score_extraction(self, sample: Sample, extraction: Any) -> Verdict:
        """Official normalisation + exact equality for an extraction made elsewhere (stored GPT extraction)."""
        qtype, atype = item_types(sample)
        prediction = normalize_extraction(extraction, sample.options, qtype, atype, precision_of(sample))
        return Verdict(prediction == sample.answer, None if extraction is None else str(extraction),
                       "official:normalize", f"prediction={prediction!r}", details={"prediction": prediction})

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """``calculate_score.py``'s numbers: accuracy over scored items, per metadata field in ``BREAKDOWNS``."""
        breakdown = {key: tally.grouped(samples, verdicts, tally.by_field(key)) for key in BREAKDOWNS}
        return tally.official_summary(self.headline, verdicts, breakdown)


SCORER = MathVistaScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
