"""LogicVista: the set of chosen option labels must equal the gold set; accuracy overall, by skill and capability.

Officially GPT-4 extracts the list of chosen letters (``Yijia-Xiao/LogicVista:eval/extract_accuracy.py``); this
judge-free rule reads them, first step that succeeds (``decided_by``):
``rule:boxed`` (labels in the last ``\\boxed{}``), ``rule:block`` / ``rule:marker`` / ``rule:last-line`` (where an
answer is written down: ``<CONCLUSION> E </CONCLUSION>``, ``**Answer:** (C) It decreases``, ``*Answer*: A``, a
last line ``**C) MDBs lend …**`` — :func:`rapid_eval.scoring.answers.final_answer_letters`), ``rule:phrase``
(markdown emphasis removed first) (after the last "answer is" / "correct
options:"), ``rule:bare`` (the whole output is a label list: "A", "(C)", "B, D", "A and B"), ``rule:leading``
(the output starts with a label or a label list: "C. 10 cm", "(A) True", "B and C complete …"), ``rule:is_letter``
(the last "… is C." statement), ``rule:named`` ("Figure D is the only one …"), ``rule:option-text`` (the
answer region states the text of one option the question lists as ``(E) €12.86``), ``rule:last-line``. A bare
digit is read only inside ``\boxed{}``. Valid labels are the option letters the question offers ("Select from
A-I", "(A) … (E)"; A–E when it says nothing) or the sample's options. A leading capital followed by a lower-case
word ("A device …", "I think …") is a word, not a label.
The answer styles of the block/marker/last-line/option-text steps were read from VLMEvalKit LogicVista outputs of
LLaVA-CoT, Llama-3.2-11B and Qwen2.5-VL-3B (LogicVista_Rationale) (development files); the agreement figures in
README are measured on the other, held-out files.
The official single-character pre-check is kept: one character that is neither a–e nor a digit → no answer.
Gold: the answer split on ", " and lower-cased (a few golds are digits; one is empty and can never match).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rapid_eval.scoring import tally
from rapid_eval.scoring.answers import (
    answer_regions,
    final_answer_letters,
    inline_options,
    is_letter,
    last_line_option,
    leading_letter,
    leading_letters,
    letter_set,
    named_option,
    option_by_text,
    phrase_letters,
    strip_markdown,
)
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.extract import last_boxed
from rapid_eval.scoring.meta import as_list, meta, truncated_verdict
from rapid_eval.types import Sample

SKILLS = ("inductive", "deductive", "numerical", "spatial", "mechanical")
_RANGE = re.compile(r"\b([A-Z])\s*(?:-|–|to)\s*([A-Z])\b")
_LISTED = re.compile(r"\b(?:from|between)\s+((?:[A-Z]\s*,\s*)+[A-Z]?,?\s*(?:and|or)\s*[A-Z])\b")
_PAREN = re.compile(r"\(([A-Z])\)")
_WORD_START = re.compile(r"^\s*[A-Z]\s+(?!(?:and|or|&)\b)[a-z]")


def gold_set(answer: str | list[str]) -> frozenset[str]:
    """Official gold: split on ", ", lower-cased."""
    parts = answer if isinstance(answer, list) else str(answer).split(", ")
    return frozenset(p.strip().lower() for p in parts)


def official_match(extracted: Sequence[str], truth: Sequence[str]) -> bool:
    """The official comparison: sorted lower-cased lists are equal."""
    return sorted(x.lower() for x in extracted) == sorted(x.lower() for x in truth)


def allowed_letters(sample: Sample) -> str:
    """Option letters the question offers (highest letter named in a range, list or "(X)" label), else A–E."""
    if sample.options:
        return "".join(sample.letters)
    q = sample.question or ""
    top = "E"
    for m in _RANGE.finditer(q):
        top = max(top, m.group(2))
    for m in _LISTED.finditer(q):
        top = max(top, max(re.findall(r"[A-Z]", m.group(1))))
    for m in _PAREN.finditer(q):
        top = max(top, m.group(1))
    return "".join(chr(c) for c in range(ord("A"), ord(top) + 1))


def extract_labels(output: str, allowed: str, question: str = "") -> tuple[frozenset[str] | None, str]:
    """(chosen labels, step) — labels lower-cased as in the official lists."""
    text = (output or "").strip()
    if len(text) == 1 and not (text.lower() in "abcde" or text.isdigit()):
        return None, "precheck"
    boxed = last_boxed(text)
    if boxed is not None:
        if boxed.strip().isdigit():
            return frozenset([boxed.strip()]), "boxed"
        got = letter_set(boxed, allowed, lower_ok=True) or _lead(boxed, allowed)
        if got:
            return got, "boxed"
    found, where = final_answer_letters(text, allowed)
    if found:
        return found, where
    bare = text.rstrip("#*.!) ").lstrip("(* ")
    steps = (("phrase", lambda: phrase_letters(strip_markdown(text), allowed)),
             ("bare", lambda: letter_set(bare, allowed, lower_ok=len(bare) <= 1) if len(bare) <= 40 else None),
             ("leading", lambda: leading_letters(text, allowed) or _lead(text, allowed)),
             ("is_letter", lambda: frozenset(is_letter(strip_markdown(text), allowed) or "") or None),
             ("named", lambda: named_option(text, allowed)),
             ("option-text", lambda: _by_text(text, question, allowed)),
             ("last-line", lambda: last_line_option(text, allowed)))
    for name, step in steps:
        got = step()
        if got:
            return got, name
    return None, "none"


def _by_text(text: str, question: str, allowed: str) -> frozenset[str] | None:
    options = inline_options(question)
    for region in answer_regions(text) if options else []:
        letter = option_by_text(region, options)
        if letter:
            return frozenset(letter) if letter in allowed else None
    return None


def _lead(text: str, allowed: str) -> frozenset[str] | None:
    if _WORD_START.match(text):
        return None
    letter = leading_letter(text, allowed)
    return frozenset(letter) if letter else None


class LogicVistaScorer(Scorer):
    name = "logicvista"
    bounded = True  # string and regex work only: scored in the calling process (see Scorer.bounded)
    headline = "accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        gold = gold_set(sample.answer)
        if truncated:
            return truncated_verdict()
        got, step = extract_labels(output or "", allowed_letters(sample), sample.question or "")
        if got is None:
            return Verdict(False, None, f"rule:{step}", flags=("no_answer",))
        labels = frozenset(x.lower() for x in got)
        flags = ("empty_gold",) if gold == frozenset({""}) else ()
        return Verdict(labels == gold, ", ".join(sorted(labels)), f"rule:{step}", flags=flags)

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> dict[str, Any]:
        return logicvista_metrics(samples, verdicts)


def _skills(s: Sample) -> list[str]:
    return [x.strip().lower() for x in as_list(meta(s, "skill", "reasoning skill"))]


def capability_groups(s: Sample) -> list[str]:
    """Official capability groups: "diagram" / "ocr" if any capability mentions it, "diagram and ocr" if both."""
    caps = " ".join(as_list(meta(s, "capability", "broad_capability"))).lower()
    out = [c for c in ("diagram", "ocr") if c in caps]
    return out + (["diagram and ocr"] if len(out) == 2 else [])


def logicvista_metrics(samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    breakdown = {
        "skill": tally.grouped_accuracy(samples, verdicts,
                                        lambda s: [k for k in SKILLS if any(k in x for x in _skills(s))]),
        "capability": tally.grouped_accuracy(samples, verdicts, capability_groups),
        "broad_capability": tally.grouped_accuracy(samples, verdicts,
                                                   lambda s: as_list(meta(s, "broad_capability"))),
        "decided_by": tally.value_counts(v.decided_by for v in verdicts),
    }
    return tally.summary("accuracy", tally.score(verdicts), verdicts, breakdown)


SCORER = LogicVistaScorer
"""The benchmark's scorer class (found by :func:`rapid_eval.scoring.get_scorer`)."""
