"""MathVerse: a judge-free rule path plus the official "quick match", and the official per-version metrics.

Officially MathVerse is scored by two GPT stages (extract, then judge "Judgement: 0/1"); see ``judge.py``. The rule
path here is a separate, non-official score (scoring-rules.md §2):

- multi-choice: the set of option letters read from the output (``rule:boxed``: letters, or an option's exact
  text when the question shows its options → ``rule:phrase`` → ``rule:bare``) must equal the gold set
  ("C\\nD" → {C, D});
- free-form: the answer is the last ``\\boxed{}`` (``rule:boxed``), else the text after the last "answer is" /
  "answer:" (``rule:phrase``), else the last number of the output (``rule:last_number``, non-reasoner outputs);
  gold and answer lose a worded prefix ("Volume $=…$", "Center $=(…)$") and plain-text units ("2191.7 metres"),
  then normalised string equality (``…+string``), math-verify (``…+mv``), or, for a decimal gold with k places,
  the prediction's value rounded to k places (``…+rounded``: "8\\pi" for "25.13").

``details["quick_match"]`` records the official judge-free path: the extraction equals the gold string exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rapid_eval.scoring import mathverify_safe as mv
from rapid_eval.scoring import tally
from rapid_eval.scoring.answers import leading_letter, letter_set, option_letter, phrase_letters
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.extract import compact_text, last_boxed, unwrap_latex
from rapid_eval.scoring.meta import meta, truncated_verdict
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.types import Sample

VISION_VERSIONS = ("Text Dominant", "Text Lite", "Vision Intensive", "Vision Dominant", "Vision Only")
TEXT_ONLY = "Text Only"
_ALL_LETTERS = "ABCDEFGH"
_WORD_PREFIX = re.compile(r"^\s*[A-Za-z][A-Za-z ]+?\s*=\s*(.+)$", re.S)
# ``[A-Za-z]++`` (possessive): the same matches as ``[A-Za-z]+`` here (letters are only ever taken by another
# repetition of this group), without the exponential backtracking of ``(?:[A-Za-z]+...)+`` on "1 aaaa…a!"
# (0.7 s at 22 letters, minutes at 30; tests/benchmarks/test_mathverse.py).
_NUMBER_UNIT = re.compile(r"^\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*(?:°|\^\\circ|[A-Za-z]++(?:\^?\{?\d\}?)?\s*)+\.?\s*$")
_ANSWER_PHRASE = re.compile(r"(?:final\s+answer|answer)\s*(?:is|:)\s*[:]?\s*(.+)", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def is_multi_choice(sample: Sample) -> bool:
    """True for a ``multi-choice`` question type (MathVerse's own or the sample's ``choice`` types)."""
    qtype = str(meta(sample, "question_type", default="")).lower()
    return qtype.startswith("multi") or sample.answer_type in ("choice", "multi_choice")


def gold_letters(answer: str) -> frozenset[str]:
    """"C\\nD" / "B, D" / "A" → the set of gold letters."""
    return frozenset(re.findall(r"[A-Z]", str(answer).upper()))


def clean_value(s: str) -> str:
    """Drop ``$``, a worded prefix ("Volume $=…$" → "…") and plain-text units after a number ("2191.7 metres")."""
    s = unwrap_latex(s).strip().rstrip(".")
    m = _WORD_PREFIX.match(s)
    if m and len(s.split("=", 1)[0].strip()) > 1:
        s = m.group(1).strip()
    m = _NUMBER_UNIT.match(s)
    return m.group(1).replace(",", "") if m else s


def extract_free_form(text: str) -> tuple[str | None, str]:
    """(answer text, step that found it) for a free-form output."""
    boxed = last_boxed(text)
    if boxed is not None:
        return boxed, "boxed"
    hits = _ANSWER_PHRASE.findall(text or "")
    if hits:
        return hits[-1].strip().split("\n")[0].rstrip(". "), "phrase"
    nums = _NUMBER.findall(text or "")
    if nums:
        return nums[-1].replace(",", ""), "last_number"
    return None, "none"


def extract_letters(text: str, allowed: str = _ALL_LETTERS,
                    options: tuple[str, ...] = ()) -> tuple[frozenset[str] | None, str]:
    """(letter set, step that found it) for a multi-choice output."""
    boxed = last_boxed(text)
    if boxed is not None:
        got = letter_set(boxed, allowed, lower_ok=True)
        lead = leading_letter(boxed, allowed) or option_letter(boxed, options)
        if got or lead:
            return got or frozenset(lead or ""), "boxed"
    got = phrase_letters(text, allowed)
    if got:
        return got, "phrase"
    got = letter_set(text or "", allowed, lower_ok=True) if len(text or "") < 40 else None
    return (got, "bare") if got else (None, "none")


def compare_free_form(gold: str, pred: str) -> tuple[bool, str]:
    """(correct, how): math-verify on the cleaned values, else normalised string equality."""
    g, p = clean_value(gold), clean_value(pred)
    if compact_text(g) == compact_text(p):
        return True, "string"
    res = mv.compare(g, p)
    if not res and _rounds_to(g, p):
        return True, "rounded"
    if res is None:
        return False, "string"
    return res, "mv"


def _rounds_to(gold: str, pred: str) -> bool:
    """A decimal gold with k places ("25.13") matches a prediction that rounds to it ("8\\pi", "25.1327")."""
    m = re.fullmatch(r"[-+]?\d+\.(\d+)", gold.strip())
    value = mv.number(pred)
    return m is not None and value is not None and round(value, len(m.group(1))) == float(gold)


class MathVerseScorer(Scorer):
    """MathVerse's official rules; headline accuracy on the Vision Only version, breakdown per version."""

    name = "mathverse"
    symbolic_is_the_only_risk = True  # letters, regexes (linear), math-verify through mathverify_safe
    headline = "accuracy (Vision Only)"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """The rule path (module docstring): letter sets for multi-choice, else the free-form comparisons.

        Non-official; ``details["quick_match"]`` holds the official judge-free exact match of extraction and gold.
        """
        gold = str(sample.answer)
        if truncated:
            return truncated_verdict(quick_match=False)
        if not gold.strip():
            return Verdict.unscored("empty gold answer")
        if is_multi_choice(sample):
            got, step = extract_letters(output or "", options=sample.options)
            extracted = "".join(sorted(got)) if got else None
            quick = extracted is not None and extracted == gold.replace("\n", "")
            correct = got is not None and got == gold_letters(gold)
            return Verdict(correct, extracted, f"rule:{step}", flags=() if got else ("no_answer",),
                           details={"quick_match": bool(quick)})
        pred, step = extract_free_form(output or "")
        if pred is None:
            return Verdict(False, None, "rule:none", flags=("no_answer",), details={"quick_match": False})
        correct, how = compare_free_form(gold, pred)
        return Verdict(correct, pred, f"rule:{step}+{how}", details={"quick_match": pred.strip() == gold.strip()})

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """Headline: Vision Only accuracy when that is the only vision version, else "All" over the five.

        With some of the five missing, accuracy over the versions present (the metric's name says which). Breakdowns per
        version, subject and subfield, and the official quick-match scores (:func:`mathverse_metrics`).
        """
        return mathverse_metrics(samples, verdicts)


def _version(s: Sample) -> str:
    return str(meta(s, "version", "problem_version", default="?"))


def mathverse_metrics(samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
    """Accuracy per version, "All" over the five vision versions, per subject/subfield, and quick-match scores."""
    by_version = tally.grouped_accuracy(samples, verdicts, lambda s: [_version(s)])
    present = set(by_version)
    vision_rows = [(s, v) for s, v in zip(samples, verdicts, strict=True) if _version(s) in VISION_VERSIONS]
    missing = [v for v in VISION_VERSIONS if v not in present]
    all_score = tally.overall([v for _, v in vision_rows]) if not missing else None
    quick = [Verdict(bool(v.details.get("quick_match")) if v.correct is not None else None) for v in verdicts]
    breakdown: dict[str, Any] = {
        "version": by_version,
        "All": all_score,
        "All_missing_versions": missing,
        "subject": tally.grouped_accuracy(samples, verdicts, lambda s: [str(meta(s, "subject", default="?"))]),
        "subfield": tally.grouped_accuracy(samples, verdicts, lambda s: [str(meta(s, "subfield", default="?"))]),
        "quick_match": {"overall": tally.overall(quick),
                        "version": tally.grouped_accuracy(samples, quick, lambda s: [_version(s)])},
        "decided_by": tally.value_counts(v.decided_by for v in verdicts),
    }
    if present & set(VISION_VERSIONS) == {"Vision Only"}:
        metric, head = "accuracy (Vision Only)", by_version["Vision Only"]
    elif all_score is not None:
        metric, head = "All (five vision versions)", all_score
    else:
        names = ", ".join(sorted(present))
        metric = f"accuracy over the versions present ({names}); All needs {', '.join(missing)}"
        head = tally.overall(verdicts)
    return tally.summary(metric, head, verdicts, breakdown)


SCORER = MathVerseScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
