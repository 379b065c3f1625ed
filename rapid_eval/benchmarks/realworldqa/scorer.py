"""RealWorldQA: lmms-eval-style exact match (xAI published no scorer; scoring-rules.md §8).

Pipeline (``decided_by``): the answer is the last ``\\boxed{}`` content if there is one (``rule:boxed``), else the
whole output (``rule:flexible``, lmms-eval's "flexible-extract"). Then, as lmms-eval's filters do: a number word
becomes a digit ("three" → "3"); option text found in the answer maps to its letter (options from
``sample.options`` or the question's "A. …" lines); punctuation is removed. Correct iff the result equals the gold
ignoring case and punctuation. A boxed answer that starts with an option letter ("(B) Left") also counts as B.
Before the option-text step, an answer that starts with a marked option letter (``A. 0``, ``(C) Left``,
``C: The arrow is pointing left.`` — VLMEvalKit's MCQ answer style) is that letter; a
bare capital followed by a space ("A car …") is not a marked letter. Then, for an item with options, an
"… answer is B." / "The correct option: C" statement names the letter (as lmms-eval's ``extract_mcq_answer``
phrases do).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapid_eval.scoring import tally
from rapid_eval.scoring.answers import is_letter, leading_letter, phrase_letters
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.extract import last_boxed, unwrap_latex
from rapid_eval.scoring.meta import precheck
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.types import Sample

NUMBER_WORDS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                "seven": "7", "eight": "8", "nine": "9", "ten": "10"}
_OPTION_LINE = re.compile(r"\b([A-Z])\.\s+([^\n]*)")
_MARKED_LETTER = re.compile(r"^\s*(?:\*\*)?(?:\(([A-H])\)|\[([A-H])\]|([A-H])(?:[.:)]))(?:\*\*)?(?=\s|$)")


def marked_letter(answer: str, letters: str) -> str | None:
    """The option letter an answer starts with when it is marked as one: ``A. 0``, ``(B) Left``, ``C: …``."""
    m = _MARKED_LETTER.match(answer)
    letter = next((g for g in m.groups() if g), None) if m else None
    return letter if letter and letter in letters else None


def options_of(sample: Sample) -> dict[str, str]:
    """``{option text: letter}`` from the sample's options or the question's "A. text" lines."""
    if sample.options:
        return {text.strip(): letter for letter, text in zip(sample.letters, sample.options, strict=True)}
    return {text.strip(): letter for letter, text in _OPTION_LINE.findall(sample.question or "")}


def _strip_punct(s: str) -> str:
    return re.sub(r"[^\w\s]", "", s).strip()


def normalise(answer: str, options: dict[str, str]) -> str:
    """lmms-eval's filters: number word → digit, option text → letter, punctuation removed; lower-cased."""
    ans = answer.strip()
    ans = NUMBER_WORDS.get(ans.lower(), ans)
    cleaned = _strip_punct(ans)
    for text, letter in options.items():
        key = _strip_punct(text)
        if key and key in cleaned:
            return letter.lower()
    return cleaned.lower().rstrip(".")


class RealWorldQAScorer(Scorer):
    """RealWorldQA's lmms-eval-style exact match of the (boxed or whole) answer against the gold; plain accuracy."""

    name = "realworldqa"
    bounded = True  # string and regex work only: scored in the calling process (see Scorer.bounded)
    headline = "accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """lmms-eval-style exact match of the boxed (else whole) answer, marked letters and option text mapped."""
        gold = _strip_punct(str(sample.answer)).lower()
        if (early := precheck(gold, truncated)) is not None:
            return early
        options = options_of(sample)
        boxed = last_boxed(output or "")
        step, answer = ("boxed", unwrap_latex(boxed)) if boxed is not None else ("flexible", output or "")
        letters = "".join(options.values())
        marked = marked_letter(answer, letters) if options else None
        if not marked and options:
            said = phrase_letters(answer, letters)
            marked = next(iter(said)) if said and len(said) == 1 else is_letter(answer, letters)
        if marked:
            return Verdict(marked.lower() == gold, marked.lower(), f"rule:{step}")
        pred = normalise(answer, options)
        if pred != gold and step == "boxed" and options:
            lead = leading_letter(answer, "".join(options.values()))
            pred = lead.lower() if lead else pred
        flags = () if pred else ("no_answer",)
        return Verdict(pred == gold, pred or None, f"rule:{step}", flags=flags)

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """Plain accuracy over scored items, with no breakdown and no flag counts."""
        return tally.summary("accuracy", tally.score(verdicts), verdicts, {})


SCORER = RealWorldQAScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
