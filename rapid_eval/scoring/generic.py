"""The ``generic`` scorer: last ``\\boxed{}`` + math-verify, option letters, word answers; usable as a reward.

Rule per ``answer_type`` (``decided_by`` names the path):

- ``choice``: the chosen letter (``rule:letter:<step>``, steps of :func:`extract.extract_choice`: boxed letter or
  option text, answer phrase, short text, leading ``(B)``, last line) must be the gold letter. The gold may be
  a letter or the text of an option (MathVista). Several letters for a one-answer question are wrong
  (flag ``multiple_letters``).
- ``multi_choice``: the set of chosen letters equals the gold set (``"B, D"``, ``"BD"``, ``"C\\nD"``, a list).
- anything else: the last ``\\boxed{}`` content (else the text after the last answer phrase, else a short
  whole text) is compared with each accepted gold: first as normalised strings (``rule:<where>:string``); word
  golds (yes/no, names) stop there; others go to math-verify, gold first (``rule:<where>:math-verify``).
- An output cut inside its reasoning trace scores 0 with flag ``truncated``; an empty one with ``no_answer``.

:func:`boxed_reward` is the same rule as a plain function for trainers: ``1.0`` / ``0.0``, or ``None`` when
the item cannot be scored (unusable gold), so that a trainer can skip it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from rapid_eval.scoring import mathverify_safe as mv
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.extract import (
    answer_tail,
    extract_choice,
    final_text,
    is_word_answer,
    last_boxed,
    letters_in,
    normalize_text,
    option_index,
)
from rapid_eval.scoring.meta import truncated_verdict
from rapid_eval.types import Sample

log = logging.getLogger(__name__)


class GenericScorer(Scorer):
    """Judge-free rule for any benchmark (see the module docstring)."""
    symbolic_is_the_only_risk = True  # string, regex, float work; sympy only through mathverify_safe

    headline = "accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """The generic rule (module docstring) on the sample's ``answer``, ``answer_type`` and ``options``."""
        return judge(output, sample.answer, sample.answer_type, sample.options, truncated)

    def quick(self, sample: Sample, output: str, truncated: bool = False) -> Verdict | None:
        """Letters, equal strings and plain numbers here (:func:`quick_judge`); else the base's symbolic-free try."""
        verdict = quick_judge(output, sample.answer, sample.answer_type, sample.options, truncated)
        return verdict if verdict is not None else super().quick(sample, output, truncated)


def _precheck(output: str, truncated: bool) -> tuple[str, Verdict | None]:
    """The final text, and the verdict when there is nothing to extract (cut inside the trace, or empty)."""
    text, cut = final_text(output)
    if truncated or cut:
        return text, truncated_verdict(explain=True)
    if not text:
        return text, Verdict(False, None, "rule:empty", "empty output", ("no_answer",))
    return text, None


def judge(
    output: str,
    gold: str | list[str],
    answer_type: str = "text",
    options: Sequence[str] = (),
    truncated: bool = False,
) -> Verdict:
    """The generic verdict for one output (the text after ``</think>`` is used if a trace is present)."""
    text, early = _precheck(output, truncated)
    if early is not None:
        return early
    if answer_type in ("choice", "multi_choice"):
        return judge_choice(text, gold, options, multi=answer_type == "multi_choice")
    return judge_value(text, gold)


_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")


def quick_judge(
    output: str,
    gold: str | list[str],
    answer_type: str = "text",
    options: Sequence[str] = (),
    truncated: bool = False,
) -> Verdict | None:
    """The verdict of :func:`judge` where it needs no symbolic math (letters, equal strings, plain numbers).

    Plain decimal numbers compare as math-verify compares them (rounded to 6 decimals); None means "ask
    :func:`judge` in a killable worker".
    """
    text, early = _precheck(output, truncated)
    if early is not None:
        return early
    if answer_type in ("choice", "multi_choice"):  # letters never need symbolic math
        return judge_choice(text, gold, options, multi=answer_type == "multi_choice")
    cand, where = _candidate(text)
    golds = [str(g) for g in (gold if isinstance(gold, list) else [gold])]
    if cand is None:
        return None
    c = normalize_text(cand)
    if c and any(c == normalize_text(g) for g in golds):
        return Verdict(True, cand, f"rule:{where}:string")
    plain = cand.strip()
    if _PLAIN_NUMBER.match(plain) and all(_PLAIN_NUMBER.match(g.strip()) for g in golds):
        ok = any(round(float(plain), 6) == round(float(g.strip()), 6) for g in golds)
        return Verdict(ok, cand, f"rule:{where}:number")
    return None


def gold_letters(gold: str | list[str], options: Sequence[str], multi: bool) -> list[str]:
    """Gold option letters from a letter, a letter set, a list, or an option text."""
    golds = gold if isinstance(gold, list) else [gold]
    out: set[str] = set()
    for g in golds:
        idx = option_index(g, options) if options else None
        found = [chr(ord("A") + idx)] if idx is not None else letters_in(g, len(options), allow_concat=multi)
        out.update(found)
    return sorted(out)


def judge_choice(text: str, gold: str | list[str], options: Sequence[str], multi: bool) -> Verdict:
    """The verdict on the option letters chosen in ``text`` (already the final text, trace removed).

    ``multi``: the set of letters must equal the gold set; otherwise several letters are wrong (flag
    ``multiple_letters``). A gold that is neither an option letter nor an option text gives an unscored verdict.
    """
    want = gold_letters(gold, options, multi)
    if not want:
        return Verdict.unscored(f"gold {gold!r} is neither an option letter nor an option text")
    got, how = extract_choice(text, options, allow_concat=multi)
    extracted = ",".join(got) or None
    if not got:
        return Verdict(False, None, f"rule:letter:{how}", "no option letter found", ("no_answer",))
    if multi:
        return Verdict(set(got) == set(want), extracted, f"rule:letter:{how}")
    if len(got) > 1:
        return Verdict(False, extracted, f"rule:letter:{how}", "several letters for one answer", ("multiple_letters",))
    # A list gold (MMMU) accepts any of its letters; a single gold has exactly one.
    return Verdict(got[0] in want, extracted, f"rule:letter:{how}")


def _candidate(text: str) -> tuple[str | None, str]:
    boxed = last_boxed(text)
    if boxed is not None:
        return boxed, "boxed"
    tail = answer_tail(text)
    if tail:
        return tail, "answer-phrase"
    return (text, "whole") if len(text) <= 40 else (None, "none")


def judge_value(text: str, gold: str | list[str]) -> Verdict:
    """Compare the extracted answer with each accepted gold: strings first, then math-verify."""
    cand, where = _candidate(text)
    golds = [str(g) for g in (gold if isinstance(gold, list) else [gold])]
    if cand is not None:
        for g in golds:
            if normalize_text(cand) and normalize_text(cand) == normalize_text(g):
                return Verdict(True, cand, f"rule:{where}:string")
    math_golds = [g for g in golds if not is_word_answer(g)]
    if not math_golds:
        flags = () if cand is not None else ("no_answer",)
        return Verdict(False, cand, f"rule:{where}:string", "word answer compared as text", flags)
    pred = mv.parse_answer(cand) if cand is not None else mv.parse_text(text)
    if not pred:
        return Verdict(False, cand, f"rule:{where}:math-verify", "math-verify found no answer", ("no_answer",))
    parsed_golds = [mv.parse_gold(g) for g in math_golds]
    if not any(parsed_golds):
        return Verdict.unscored(f"math-verify cannot parse gold {gold!r}")
    ok = any(mv.verify(pg, pred) for pg in parsed_golds if pg)
    return Verdict(ok, cand if cand is not None else str(pred[-1]), f"rule:{where}:math-verify")


def boxed_reward(
    output: str,
    gold: str | list[str],
    answer_type: str = "text",
    options: Sequence[str] = (),
) -> float | None:
    """1.0 if the output's answer matches ``gold`` under the generic rule, else 0.0; None if unscorable.

    Safe to call from any thread (no signal-based timeouts); call it through worker processes (see
    ``pool.score_all``) when outputs may contain pathological LaTeX.
    """
    try:
        verdict = judge(output, gold, answer_type, options)
    except Exception as e:  # noqa: BLE001 - a reward must not crash the trainer; the error is logged
        log.warning("boxed_reward: cannot score (%s: %s)", type(e).__name__, e)
        return None
    return None if verdict.correct is None else float(verdict.correct)
