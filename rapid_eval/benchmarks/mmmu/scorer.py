"""MMMU, the official rule-based scorer (``MMMU-Benchmark/MMMU:eval/eval_utils.py``, ``main_*.py``).

Multiple choice (``parse_multi_choice_response``): strip ``, . ! ? ; : '`` at both ends, pad with spaces; candidates
are letters written ``(X)``; if none, letters standing alone `` X ``; if none and the response has more than 5
words, options whose text occurs in it (case-insensitive). Several candidates -> the one occurring last. No
candidate -> a random letter from ``random.seed(42)`` (flag ``random_fallback``): the official script seeds once
per process, so the outcome depends on the order of calls. This scorer is ``sequential`` and keeps its own
``random.Random(42)``, so scoring the 900 validation items in the official order (subjects alphabetically, file
order within) reproduces ``main_parse_and_eval.py --subject ALL``. Correct iff the letter equals the gold (or
is one of a list gold).

Open answers (``parse_open_response`` + ``eval_open``): sentences of the lower-cased response, the shortest tail
after an indicator word per sentence, plus every number found in those tails; numbers -> float rounded to 2
decimals, strings lower-cased (single characters padded). Correct iff a predicted number equals a normalised
gold number, or a normalised gold string is a substring of a predicted string.

:meth:`MMMUScorer.score_parsed` is the eval-only entry (``main_eval_only.py``): the stored answer is compared
as it is for multiple choice and goes through the open parser for open questions.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from rapid_eval.scoring import tally
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.meta import truncated_verdict
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.types import Sample

DISCIPLINES: dict[str, tuple[str, ...]] = {
    "Art and Design": ("Art", "Art_Theory", "Design", "Music"),
    "Business": ("Accounting", "Economics", "Finance", "Manage", "Marketing"),
    "Science": ("Biology", "Chemistry", "Geography", "Math", "Physics"),
    "Health and Medicine": ("Basic_Medical_Science", "Clinical_Medicine", "Diagnostics_and_Laboratory_Medicine",
                            "Pharmacy", "Public_Health"),
    "Humanities and Social Science": ("History", "Literature", "Sociology", "Psychology"),
    "Tech and Engineering": ("Agriculture", "Architecture_and_Engineering", "Computer_Science", "Electronics",
                             "Energy_and_Power", "Materials", "Mechanical_Engineering"),
}
SUBJECT_TO_DISCIPLINE = {subj: disc for disc, subjects in DISCIPLINES.items() for subj in subjects}
SEED = 42
_INDICATORS = ("could be ", "so ", "is ", "thus ", "therefore ", "final ", "answer ", "result ")
_TRIVIAL = (":", ",", ".", "!", "?", ";", "'")
_NUM_COMMAS = re.compile(r"-?\b\d{1,3}(?:,\d{3})+\b")
_NUM_SCI = re.compile(r"-?\d+(?:\.\d+)?[eE][+-]?\d+")
_NUM_SIMPLE = re.compile(r"-?(?:\d+\.\d+|\.\d+|\d+\b)(?![eE][+-]?\d+)(?![,\d])")


def parse_choice(response: str, all_choices: Sequence[str], index2ans: dict[str, str]) -> tuple[str | None, str]:
    """Official MC parsing without the random step: (letter or None, how: bracket/letter/option-text/none)."""
    for ch in (",", ".", "!", "?", ";", ":", "'"):
        response = response.strip(ch)
    response = " " + response + " "
    candidates = [c for c in all_choices if f"({c})" in response]
    how, pattern = "bracket", "({})"
    if not candidates:
        candidates = [c for c in all_choices if f" {c} " in response]
        how, pattern = "letter", " {} "
    if not candidates and len(response.split()) > 5:
        candidates = [k for k, ans in index2ans.items() if ans.lower() in response.lower()]
        how = "option-text"
    if not candidates:
        return None, "none"
    if len(candidates) == 1:
        return candidates[0], how
    if how == "option-text":
        positions = [response.lower().rfind(index2ans[c].lower()) for c in candidates]
    else:
        positions = [response.rfind(pattern.format(c)) for c in candidates]
    return candidates[positions.index(max(positions))], how


def _is_number(s: str) -> bool:
    try:
        float(s.replace(",", ""))
        return True
    except ValueError:
        return False


def normalize_str(s: str) -> list[Any]:
    """Official ``normalize_str``: a number -> [float rounded to 2]; a string -> lower-case (1 char padded)."""
    s = s.strip()
    if _is_number(s):
        return [round(float(s.replace(",", "")), 2)]
    s = s.lower()
    return [" " + s, s + " "] if len(s) == 1 else [s]


def extract_numbers(s: str) -> list[str]:
    """Official ``extract_numbers``: numbers with commas, then scientific notation, then plain (as strings)."""
    return _NUM_COMMAS.findall(s) + _NUM_SCI.findall(s) + _NUM_SIMPLE.findall(s)


def _key_responses(response: str) -> list[str]:
    response = response.strip().strip(".").lower()
    subs = re.split(r"\.\s(?=[A-Z])|\n", response)
    indicators = list(_INDICATORS)
    keys = []
    for i, sub in enumerate(subs):
        if i == len(subs) - 1:
            indicators.append("=")
        shortest = None
        for ind in indicators:
            if ind in sub:
                tail = sub.split(ind)[-1].strip()
                if not shortest or len(tail) < len(shortest):
                    shortest = tail
        if shortest and shortest.strip() not in _TRIVIAL:
            keys.append(shortest)
    return keys or [response]


def parse_open(response: str) -> list[Any]:
    """Official ``parse_open_response``: normalised candidate strings and numbers (order irrelevant)."""
    keys = _key_responses(response)
    preds = keys + [n for k in keys for n in extract_numbers(k)]
    out: list[Any] = []
    for p in preds:
        for x in normalize_str(p):
            if x not in out:
                out.append(x)
    return out


def eval_open(gold: str | list[str], preds: Sequence[Any]) -> bool:
    """Official ``eval_open``: numeric membership, or a gold string contained in a predicted string."""
    golds = gold if isinstance(gold, list) else [gold]
    norm = [x for g in golds for x in normalize_str(str(g))]
    for p in preds:
        if isinstance(p, str):
            if any(isinstance(g, str) and g in p for g in norm):
                return True
        elif p in norm:
            return True
    return False


def is_multiple_choice(sample: Sample) -> bool:
    """``metadata["question_type"]`` is ``multiple-choice``; without one, whether the sample has options."""
    qtype = sample.metadata.get("question_type")
    return qtype == "multiple-choice" if qtype else bool(sample.options)


def subject_of(sample: Sample) -> str:
    """``metadata["subject"]``, else the middle of the id (``validation_Art_Theory_3`` -> ``Art_Theory``)."""
    return str(sample.metadata.get("subject") or "_".join(sample.id.split("_")[1:-1]))


def split_of(sample: Sample) -> str:
    """``dev`` / ``validation`` / ``test`` from the metadata (``split``, ``origin``) or the id prefix; else ""."""
    for key in ("split", "origin"):
        if sample.metadata.get(key) in ("dev", "validation", "test"):
            return str(sample.metadata[key])
    prefix = sample.id.split("_", 1)[0]
    return prefix if prefix in ("dev", "validation", "test") else ""


class MMMUScorer(Scorer):
    """Official MMMU parsing and evaluation (see the module docstring)."""
    name = "mmmu"
    bounded = True  # string and regex work only: scored in the calling process (see Scorer.bounded)

    headline = "accuracy"
    sequential = True

    def __init__(self) -> None:
        """Starts the random fallback at ``random.seed(42)``, as the official script does once per process."""
        self.rng = random.Random(SEED)

    def reset(self) -> None:
        """Back to the state right after ``random.seed(42)`` (called by ``score_all`` before the first item)."""
        self.rng = random.Random(SEED)

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """Official ``parse_multi_choice_response`` or ``parse_open_response`` + ``eval_open`` (module docstring).

        An unparsed multiple-choice response gets a letter drawn by the seeded random fallback (flag
        ``random_fallback``): the verdict depends on the items scored before it since the last :meth:`reset`.
        """
        if truncated:
            return truncated_verdict(explain=True)
        if not is_multiple_choice(sample):
            preds = parse_open(output or "")
            return Verdict(eval_open(sample.answer, preds), str(preds), "rule:mmmu:open")
        # Without option texts (eval-only files) the letters A-I stand in, and no option-text matching happens.
        letters = [chr(ord("A") + i) for i in range(len(sample.options) or 9)]
        letter, how = parse_choice(output or "", letters, dict(zip(letters, sample.options, strict=False)))
        flags: tuple[str, ...] = ()
        if letter is None:
            letter, how, flags = self.rng.choice(letters), "random", ("random_fallback",)
        return Verdict(_mc_correct(sample.answer, letter), letter, f"rule:mmmu:{how}", flags=flags)

    def score_parsed(self, sample: Sample, parsed: Any) -> Verdict:
        """Eval-only scoring of a stored final answer (``main_eval_only.py``); a stored list is already the open
        parser's candidates (lmms-eval's ``parsed_pred``) and goes to ``eval_open`` as it is."""
        if is_multiple_choice(sample):
            return Verdict(_mc_correct(sample.answer, parsed), str(parsed), "official:eval-only")
        preds = list(parsed) if isinstance(parsed, list) else parse_open(str(parsed))
        return Verdict(eval_open(sample.answer, preds), str(parsed), "official:eval-only")

    def headline_samples(self, samples: Sequence[Sample]) -> list[Sample]:
        """The samples the headline is computed on: the validation split's when splits are mixed (see
        :meth:`metrics`); the reporters resample only these, so a resample without validation items cannot
        switch the headline to another split."""
        splits = {split_of(s) for s in samples}
        if "validation" in splits and len(splits) > 1:
            return [s for s in samples if split_of(s) == "validation"]
        return list(samples)

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """Official micro accuracy per subject and discipline. Items of several splits (VLMEvalKit's
        ``MMMU_DEV_VAL`` holds dev 150 + validation 900) are scored apart: the headline and the subject/discipline
        breakdowns are the validation split's, and ``breakdown["split"]`` gives each split (as VLMEvalKit's
        ``_acc.csv`` has one row per split)."""
        splits = {split_of(s) for s in samples}
        if "validation" in splits and len(splits) > 1:
            val = [(s, v) for s, v in zip(samples, verdicts, strict=True) if split_of(s) == "validation"]
            out = self.metrics([s for s, _ in val], [v for _, v in val])
            by_split = tally.grouped(samples, verdicts, lambda s: [split_of(s)])
            return replace(out, breakdown={**out.breakdown, "split": by_split}, headline_split="validation")
        subject = tally.grouped(samples, verdicts, lambda s: [subject_of(s)])
        discipline = tally.grouped(samples, verdicts, lambda s: [SUBJECT_TO_DISCIPLINE.get(subject_of(s))])
        return tally.official_summary(self.headline, verdicts, {"discipline": discipline, "subject": subject})


def _mc_correct(gold: str | list[str], letter: Any) -> bool:
    return letter in gold if isinstance(gold, list) else gold == letter


SCORER = MMMUScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
