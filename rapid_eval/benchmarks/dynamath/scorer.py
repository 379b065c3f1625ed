"""DynaMath: VLMEvalKit's short-answer parse adapted to free-form answers, and average / worst-case accuracy.

Short answer, first step that succeeds (``decided_by``): the last ``\\boxed{}`` (``rule:boxed``, RAPID's outputs),
the JSON "short answer" of the official prompt (``rule:json``: outermost ``{…}``, backslashes removed), the raw
output (``rule:raw``). Parsing per answer type follows ``VLMEvalKit:vlmeval/dataset/dynamath.py``:
- float: a number, or its first token with a trailing π multiplying by pi; LaTeX in a boxed answer
  (``2\\sqrt{2}``, ``\\frac{3}{4}``, ``4\\pi``) is evaluated with sympy (never ``eval``). Correct iff
  |pred − gt| ≤ 1e-3 (absolute).
- multiple choice: a single letter, a leading option letter ("(B) odd"), a boxed option text ("odd" for
  "choice: (A) even (B) odd"), or the unique letter among A–E; unparsed
  → the official fallback (gold letter within the first 3 characters), but only where an upper-case letter is
  written there ("B) odd", "(B"): the official check upper-cases the output, so noise such as "lab…" would
  match both A and B (guard, not official; ``details["official_correct"]`` keeps the unguarded verdict).
- text: correct iff the normalised answer is a substring of the normalised gold — with a guard (not official):
  a substring shorter than 2 characters or than half the gold ("0" for gold "x = 0") is rejected, and an empty
  answer never counts. ``details["official_correct"]`` keeps the unguarded verdict.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from rapid_eval.scoring import mathverify_safe as mv
from rapid_eval.scoring import tally
from rapid_eval.scoring.answers import leading_letter
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.extract import compact_text, last_boxed, unwrap_latex
from rapid_eval.scoring.meta import meta, precheck
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.types import Sample

TOLERANCE = 1e-3
MC_LETTERS = "ABCDE"


def kind(sample: Sample) -> str:
    """``float`` | ``mc`` | ``text`` from the sample's answer type (own or DynaMath's original)."""
    raw = str(meta(sample, "answer_type", default=sample.answer_type)).lower()
    if sample.answer_type in ("float", "integer") or raw == "float":
        return "float"
    if sample.answer_type in ("choice", "multi_choice") or raw == "multiple choice":
        return "mc"
    return "text"


def json_short_answer(output: str) -> str | None:
    """The official preprocess + JSON decode: outermost braces, backslashes removed, key "short answer"."""
    s = str(output)
    if 0 <= s.find("{") < s.rfind("}"):
        s = s[s.find("{") : s.rfind("}") + 1]
    s = s.replace("\\", "").replace("\\n", "\n")
    try:
        obj = json.loads(s, strict=False)
    except (ValueError, TypeError):
        return None
    val = obj.get("short answer") if isinstance(obj, dict) else None
    return None if val is None else str(val)


def parse_float(ans: str, latex: bool = False) -> float | None:
    """Official float parse (number, or first token with a trailing π); sympy for boxed LaTeX."""
    text = unwrap_latex(ans).strip() if latex else ans.strip()
    if latex and "=" in text:
        text = text.rsplit("=", 1)[1].strip()
    token = text.split(" ")[0] if text else ""
    for cand in (text, token):
        try:
            if "π" in cand:
                head = cand.split("π")[0]
                return (float(head) if head.strip() else 1.0) * math.pi
            return float(cand.replace(",", "")) if cand else None
        except ValueError:
            continue
    return mv.number(text) if latex and text else None


def option_texts(question: str) -> dict[str, str]:
    """``choice: (A) even (B) odd`` → ``{"even": "A", "odd": "B"}`` (normalised option text → letter)."""
    parts = re.findall(r"\(([A-E])\)\s*(.*?)(?=\s*\([A-E]\)|$)", question or "", flags=re.S)
    return {compact_text(text): letter for letter, text in parts if compact_text(text)}


def parse_mc(ans: str, options: dict[str, str] | None = None) -> str | None:
    """A single letter, a leading option letter, an option's text, else the unique letter among A–E (official)."""
    text = unwrap_latex(ans).strip()
    if len(text) == 1:
        return text.upper()
    lead = leading_letter(text, MC_LETTERS)
    if lead:
        return lead
    if options and compact_text(text) in options:
        return options[compact_text(text)]
    present = [c for c in MC_LETTERS if c in text.upper()]
    return present[0] if len(present) == 1 else None


def text_match(pred: str, gold: str) -> tuple[bool, bool]:
    """(guarded verdict, official verdict) of the substring rule."""
    official = pred.lower() in gold.lower()
    p, g = compact_text(pred), compact_text(gold)
    if not p:
        return False, official
    if p == g:
        return True, official
    return (p in g and len(p) >= 2 and 2 * len(p) >= len(g)), official


def short_answer(output: str) -> list[tuple[str, str]]:
    """Candidate short answers in order: boxed, JSON "short answer", raw output."""
    cands = []
    boxed = last_boxed(output)
    if boxed is not None:
        cands.append(("boxed", boxed))
    js = json_short_answer(output)
    if js is not None:
        cands.append(("json", js))
    cands.append(("raw", output.strip()))
    return cands


class DynaMathScorer(Scorer):
    """DynaMath's official rules: per-variant verdicts, headline worst-case accuracy over each seed's variants."""

    symbolic_is_the_only_risk = True  # string, regex, float work; sympy only through mathverify_safe
    name = "dynamath"
    headline = "worst-case accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """VLMEvalKit's DynaMath parse per answer type: |pred − gt| ≤ 1e-3, the gold letter, or a guarded substring."""
        gold = str(sample.answer).strip()
        if (early := precheck(gold, truncated)) is not None:
            return early
        k, output = kind(sample), output or ""
        if k == "float":
            return self._float(gold, output)
        if k == "mc":
            return self._mc(gold, output, option_texts(sample.question))
        return self._text(gold, output)

    def _float(self, gold: str, output: str) -> Verdict:
        gt = parse_float(gold)
        if gt is None:
            return Verdict.unscored(f"gold '{gold}' is not a number")
        for step, cand in short_answer(output):
            val = parse_float(cand, latex=step == "boxed")
            if val is not None:
                return Verdict(abs(val - gt) <= TOLERANCE, f"{val:g}", f"rule:{step}")
        return Verdict(False, None, "rule:none", flags=("no_answer",))

    def _mc(self, gold: str, output: str, options: dict[str, str]) -> Verdict:
        for step, cand in short_answer(output):
            letter = parse_mc(cand, options if step == "boxed" else None)
            if letter is not None:
                return Verdict(letter == gold.upper(), letter, f"rule:{step}")
        official = gold.upper() in output[:3].upper()
        hit = gold.upper() in output[:3]
        flags = ("no_answer",) + (("first3_guard",) if official and not hit else ())
        return Verdict(hit, None, "rule:first3", flags=flags, details={"official_correct": official})

    def _text(self, gold: str, output: str) -> Verdict:
        step, cand = short_answer(output)[0]
        guarded, official = text_match(cand, gold)
        flags = ("substring_guard",) if official and not guarded else ()
        return Verdict(guarded, cand, f"rule:{step}", flags=flags, details={"official_correct": official})

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """Worst-case accuracy over seeds as the headline, average-case over items, by subject and level."""
        return dynamath_metrics(samples, verdicts)


def _seed(s: Sample) -> str:
    return str(meta(s, "seed", "qid", "_seed_id", default=s.id))


def _worst(items: list[tuple[Sample, Verdict]]) -> dict[str, Any]:
    seeds: dict[str, list[bool]] = {}
    for s, v in items:
        if v.correct is not None:
            seeds.setdefault(_seed(s), []).append(bool(v.correct))
    ok = sum(all(c) for c in seeds.values())
    return {"score": tally.pct(ok, len(seeds)), "correct": ok, "n": len(seeds)}


def _average(items: list[tuple[Sample, Verdict]]) -> dict[str, Any]:
    return tally.score(v for _, v in items)


def _by(items: list[tuple[Sample, Verdict]], *keys: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[tuple[Sample, Verdict]]] = {}
    for s, v in items:
        groups.setdefault(str(meta(s, *keys, default="?")), []).append((s, v))
    return {g: {"average": _average(it), "worst": _worst(it)} for g, it in sorted(groups.items())}


def dynamath_metrics(samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
    """Average-case over items, worst-case over seeds (all present variants right), by subject and level."""
    items = list(zip(samples, verdicts, strict=True))
    variants: dict[str, int] = {}
    for s, _ in items:
        variants[_seed(s)] = variants.get(_seed(s), 0) + 1
    worst = _worst(items)
    breakdown = {
        "average": _average(items), "worst": worst,
        "seeds": len(variants), "complete_seeds": sum(n == 10 for n in variants.values()),
        "subject": _by(items, "subject", "Topic"), "level": _by(items, "level", "knowledge_level", "Difficulty Level"),
    }
    return tally.summary("worst-case accuracy", worst, verdicts, breakdown)


SCORER = DynaMathScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
