"""WeMath: answer-letter extraction (official rule, RAPID's regex, boxed letter) and the four-dimensional metrics.

Extraction (``WeMathScorer(extractor=...)``):
- ``official`` (We-Math ``four_dimensional_metrics.py``): text after the last "Answer", stripped, the characters
  ``> < : .`` deleted, stripped again; its first character if in A–H, else no answer.
- ``rapid`` (RAPID's VLMEvalKit ``utils/wemath.py``): in the last 2,000 characters, the last match of
  ``\\boxed{X}``, ``boxed{X}``, ``<X>``, or "final answer / correct answer / answer / option / choice (is|:) X"
  (case-insensitive), else the official rule.
- ``default``: the letter in the last ``\\boxed{}`` first (``rule:boxed``), else an option's exact text in it
  (``rule:boxed_text``: "\\boxed{0.2}" for "B. 0.2"), else the official rule (``rule:official``). With reasoner
  outputs the official rule alone often misfires (scoring-rules.md §5).
``details`` keeps what every rule extracted, so a run can be re-reported under another rule.

Metrics (``wemath_metrics``): IK, IG, CM, RM (strict and loose) over complete groups only, with N = number of
complete groups in the run (the official script hard-codes 525); partial groups are excluded and listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rapid_eval.scoring import tally
from rapid_eval.scoring.answers import leading_letter, option_letter
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.extract import last_boxed
from rapid_eval.scoring.meta import meta, precheck
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.types import Sample

LETTERS = "ABCDEFGH"
_RAPID_PATTERNS = (
    r"\\boxed\s*\{\s*([A-H])\s*\}",
    r"boxed\s*\{\s*([A-H])\s*\}",
    r"<\s*([A-H])\s*>",
    r"(?:final\s+answer|correct\s+answer|answer|option|choice)\s*(?:is|:)?\s*[<({\[]?\s*([A-H])\b",
)


def official_letter(response: str) -> str | None:
    """The official rule: first character after the last "Answer" once ``> < : .`` are deleted."""
    tail = (response or "").split("Answer")[-1].strip()
    tail = re.sub(r"[><:.]", "", tail).strip()
    return tail[0] if tail and tail[0] in LETTERS else None


def rapid_letter(response: str) -> str | None:
    """RAPID's regex on the last 2,000 characters, then the official rule (its fallback upper-cases)."""
    tail = (response or "")[-2000:]
    for pattern in _RAPID_PATTERNS:
        hits = re.findall(pattern, tail, flags=re.IGNORECASE)
        if hits:
            return hits[-1].upper()
    rest = re.sub(r"[><:.]", "", (response or "").split("Answer")[-1].strip()).strip()
    return rest[0].upper() if rest and rest[0].upper() in LETTERS else None


def boxed_letter(response: str) -> str | None:
    """The option letter in the last ``\\boxed{}``: "B", "(B)", "B. 0.2", "\\text{B}"."""
    boxed = last_boxed(response or "")
    return leading_letter(boxed, LETTERS) if boxed is not None else None


def boxed_option_text(response: str, options: tuple[str, ...]) -> str | None:
    """The letter of the option whose text is the whole last ``\\boxed{}`` ("\\boxed{0.2}" for "B. 0.2")."""
    boxed = last_boxed(response or "")
    return option_letter(boxed, options) if boxed is not None and options else None


def extract(response: str, extractor: str = "default",
            options: tuple[str, ...] = ()) -> tuple[str | None, str, dict[str, str | None]]:
    """(letter, rule that fired, what each rule gave)."""
    found = {"boxed": boxed_letter(response), "boxed_text": boxed_option_text(response, options),
             "official": official_letter(response), "rapid": rapid_letter(response)}
    if extractor in ("official", "rapid"):
        return found[extractor], extractor, found
    for rule in ("boxed", "boxed_text"):
        if found[rule] is not None:
            return found[rule], rule, found
    return found["official"], "official", found


class WeMathScorer(Scorer):
    """We-Math's four-dimensional metric over each problem's one- and multi-step questions; headline Score (Strict)."""

    name = "wemath"
    bounded = True  # string and regex work only: scored in the calling process (see Scorer.bounded)
    headline = "Score (Strict)"

    def __init__(self, extractor: str = "default"):
        """``extractor``: ``default``, ``official`` or ``rapid`` (module docstring); ``ValueError`` otherwise."""
        if extractor not in ("default", "official", "rapid"):
            raise ValueError(f"unknown WeMath extractor '{extractor}' (default, official, rapid)")
        self.extractor = extractor

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """The letter the chosen extractor finds must equal the gold; ``details`` keeps every rule's letter."""
        gold = str(sample.answer).strip()
        if (early := precheck(gold, truncated)) is not None:
            return early
        letter, rule, found = extract(output or "", self.extractor, sample.options)
        flags = () if letter else ("no_answer",)
        return Verdict(letter == gold, letter, f"rule:{rule}", flags=flags, details={"extracted_by": found})

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """The four-dimensional metrics over complete groups, Score (Strict) the headline (:func:`wemath_metrics`)."""
        return wemath_metrics(samples, verdicts)


def _key(s: Sample) -> str:
    return str(meta(s, "key", default=""))


def _steps(key: str) -> int:
    m = re.match(r"(\d)steps_", key)
    return int(m.group(1)) if m else 0


def complete_groups(
    samples: Sequence[Sample], verdicts: Sequence[Verdict]
) -> tuple[dict[str, dict[str, bool]], list[str]]:
    """``{ID: {key: correct}}`` for groups with every sub-problem and the composite scored; and the partial IDs."""
    groups: dict[str, dict[str, bool | None]] = {}
    for s, v in zip(samples, verdicts, strict=True):
        groups.setdefault(str(meta(s, "ID", default=s.id)), {})[_key(s)] = v.correct
    complete, partial = {}, []
    for gid, rows in sorted(groups.items()):
        k = _steps(next(iter(rows)))
        need = {f"{k}steps_{i}" for i in range(1, k + 1)} | {f"{k}steps_multi"}
        if k and set(rows) == need and all(c is not None for c in rows.values()):
            complete[gid] = {key: bool(c) for key, c in rows.items()}
        else:
            partial.append(gid)
    return complete, partial


def classify(rows: dict[str, bool]) -> tuple[str, str]:
    """(strict, loose) category of one complete group: IK, IG, CM or RM."""
    subs = [c for key, c in rows.items() if not key.endswith("multi")]
    comp = next(c for key, c in rows.items() if key.endswith("multi"))
    if not comp:
        cat = "IG" if all(subs) else "IK"
        return cat, cat
    return ("CM" if all(subs) else "RM"), ("CM" if any(subs) else "RM")


def four_dimensional(groups: dict[str, dict[str, bool]]) -> dict[str, Any]:
    """Counts, rates and scores of the official four-dimensional metrics with N = len(groups)."""
    n = len(groups)
    counts = {"IK": 0, "IG": 0, "CM_strict": 0, "RM_strict": 0, "CM_loose": 0, "RM_loose": 0}
    for rows in groups.values():
        strict, loose = classify(rows)
        if strict in ("IK", "IG"):
            counts[strict] += 1
        else:
            counts[f"{strict}_strict"] += 1
            counts[f"{loose}_loose"] += 1
    out: dict[str, Any] = {"N": n, "counts": counts}
    for mode in ("strict", "loose"):
        cm, rm = counts[f"CM_{mode}"], counts[f"RM_{mode}"]
        score = (n - 0.5 * counts["IG"] - rm - counts["IK"]) / n if n else None
        check = (cm + 0.5 * counts["IG"]) / n if n else None
        assert score is None or check is None or abs(score - check) < 1e-9, \
            "four-dimensional categories do not partition the groups"
        out[mode] = {
            "score": round(100 * score, 2) if score is not None else None,
            "IK": tally.pct(counts["IK"], n), "IG": tally.pct(counts["IG"], n), "CM": tally.pct(cm, n),
            "RM": tally.pct(rm, cm + rm),
        }
    return out


def step_accuracies(samples: Sequence[Sample], verdicts: Sequence[Verdict], ids: set[str]) -> dict[str, Any]:
    """S1 over the sub-problem rows, S2/S3 over the two-/three-step composites, per knowledge concept
    (``accuracy.py``)."""
    rows = [(s, v) for s, v in zip(samples, verdicts, strict=True) if str(meta(s, "ID", default=s.id)) in ids]
    subs = [(s, v) for s, v in rows if not _key(s).endswith("multi")]
    s2 = [v for s, v in rows if _key(s) == "2steps_multi"]
    s3 = [v for s, v in rows if _key(s) == "3steps_multi"]
    return {
        "S1": tally.pct(sum(bool(v.correct) for _, v in subs), len(subs)),
        "S2": tally.pct(sum(bool(v.correct) for v in s2), len(s2)),
        "S3": tally.pct(sum(bool(v.correct) for v in s3), len(s3)),
        "knowledge_concept": tally.grouped_accuracy(
            [s for s, _ in subs], [v for _, v in subs],
            lambda s: [str(meta(s, "knowledge concept", "knowledge_concept", default="?"))]),
    }


def wemath_metrics(samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
    """``four_dimensional_metrics.py`` + ``accuracy.py``: Score (Strict) as the headline, ``n`` the complete groups.

    Partial groups (a sub-problem or the composite missing or unscored) are left out and listed in ``breakdown``;
    ``correct`` counts every correct row. Also: loose scores, the IK/IG/CM/RM rates, S1-S3 and
    ``decided_by`` counts.
    """
    groups, partial = complete_groups(samples, verdicts)
    four = four_dimensional(groups)
    breakdown = {
        "Score (Strict)": four["strict"]["score"], "Score (Loose)": four["loose"]["score"],
        "strict": four["strict"], "loose": four["loose"], "counts": four["counts"], "N": four["N"],
        "partial_groups": partial, "rows_in_partial_groups": len(samples) - sum(len(g) for g in groups.values()),
        **step_accuracies(samples, verdicts, set(groups)),
        "decided_by": tally.value_counts(v.decided_by for v in verdicts),
    }
    head = {"score": four["strict"]["score"], "n": four["N"], "correct": sum(v.correct is True for v in verdicts)}
    return tally.summary("Score (Strict)", head, verdicts, breakdown)


SCORER = WeMathScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
