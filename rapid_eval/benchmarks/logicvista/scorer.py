"""LogicVista: the set of chosen option labels must equal the gold set; accuracy overall, by skill and capability.

Officially GPT-4 extracts the list of chosen letters (``Yijia-Xiao/LogicVista:eval/extract_accuracy.py``);
VLMEvalKit asks gpt-4o-mini the same. This judge-free rule reads them, first step that succeeds (``decided_by``):
``rule:boxed`` (labels in the last ``\\boxed{}``, or the option whose text or number it holds; a bare digit is read
as itself only there), ``rule:block`` (the last ``<CONCLUSION>`` / ``<answer>`` block), ``rule:bare`` (the whole
output is a label list: "A", "(C)", "B, D", "A and B"), then the statement the response concludes with
(:func:`rapid_eval.scoring.conclusion.conclusion`): ``rule:explicit`` (the last answer phrase or marker: "The
correct answer is D: …", "**Answer:** C) 14", "… is:" / "(C) MDBs lend …" on the next line), ``rule:explicit-text``
(it states an option's text instead), ``rule:declined`` (it names no option: "the answer is that none of the
options …" — no answer), or ``rule:implicit`` when there is no answer phrase ("… is figure **B**.", "labeled as C",
"Figure D is the only one …", "A is correct"); then ``rule:leading`` (the output starts with a label: "C. 10 cm"),
``rule:option-text`` (the last or first sentence states one option's text or number: "24 ohms" -> ``(C) 24 ohm``,
:mod:`rapid_eval.scoring.option_text`), ``rule:last-line`` (a last line that starts with a label) and
``rule:phrase`` (any "options … C" mention). Valid labels are the option letters the question offers ("Select from
A-I", "(A) … (E)"; A–E when it says nothing) or the sample's options. A leading capital followed by a lower-case
word ("A device …", "I think …") is a word, not a label.
The statement order and answer styles were read from the disagreements with gpt-4o-mini on VLMEvalKit LogicVista
outputs of six models (README, "judge-free").
The official single-character pre-check is kept: one character that is neither a–e nor a digit → no answer.
Gold: the answer split on ", " and lower-cased (a few golds are digits; one is empty and can never match).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapid_eval.scoring import tally
from rapid_eval.scoring.answers import leading_letter, leading_letters, letter_set, phrase_letters
from rapid_eval.scoring.base import Scorer, Verdict
from rapid_eval.scoring.conclusion import conclusion, label_list, strip_markdown
from rapid_eval.scoring.extract import last_boxed
from rapid_eval.scoring.meta import as_list, meta, truncated_verdict
from rapid_eval.scoring.metrics import Metrics
from rapid_eval.scoring.option_text import answer_regions, block_text, inline_options, option_by_text
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
    """(chosen labels, step) — see the module docstring for the steps."""
    text = (output or "").strip()
    if len(text) == 1 and not (text.lower() in "abcde" or text.isdigit()):
        return None, "precheck"
    options = {k: v for k, v in inline_options(question).items() if k in allowed}
    boxed = last_boxed(text)
    if boxed is not None:
        got = _boxed(boxed, allowed, options)
        if got:
            return got, "boxed"
    block = block_text(text)
    if block is not None:
        said = conclusion(block, allowed)
        got = ((said.labels if said else None) or label_list(block, allowed) or leading_letters(block, allowed)
               or _text(block, options))
        if got:
            return got, "block"
    bare = text.rstrip("#*.!) ").lstrip("(* ")
    got = letter_set(bare, allowed, lower_ok=len(bare) <= 1) if len(bare) <= 40 else None
    if got:
        return got, "bare"
    said = conclusion(text, allowed)
    if said is not None and said.labels:
        return said.labels, said.kind
    if said is not None:  # an explicit answer that names no label: its words may state an option's text
        got = _text(said.tail, options)
        return (got, "explicit-text") if got else (None, "declined")
    steps = (("leading", lambda: leading_letters(text, allowed) or _lead(text, allowed)),
             ("option-text", lambda: next(filter(None, (_text(r, options) for r in answer_regions(text))), None)),
             ("last-line", lambda: last_line_option(text, allowed)),
             ("phrase", lambda: phrase_letters(strip_markdown(text), allowed)))
    for name, step in steps:
        got = step()
        if got:
            return got, name
    return None, "none"


def _boxed(boxed: str, allowed: str, options: dict[str, str]) -> frozenset[str] | None:
    """Labels in a ``\\boxed{}``: a label list, an option's text or number, else a bare digit (numeric golds)."""
    got = letter_set(boxed, allowed, lower_ok=True) or _lead(boxed, allowed) or _text(boxed, options)
    if got:
        return got
    return frozenset([boxed.strip()]) if boxed.strip().isdigit() else None


def _text(region: str, options: dict[str, str]) -> frozenset[str] | None:
    letter = option_by_text(region, options) if options else None
    return frozenset(letter) if letter else None


def _lead(text: str, allowed: str) -> frozenset[str] | None:
    if _WORD_START.match(text):
        return None
    letter = leading_letter(text, allowed)
    return frozenset(letter) if letter else None


def last_line_option(text: str, allowed: str) -> frozenset[str] | None:
    """The option a last line starts with when it is marked as one: ``**C) MDBs lend …**``, ``(B) 1,500 gallons``."""
    lines = [ln for ln in strip_markdown(text or "").splitlines() if ln.strip()]
    return label_list(lines[-1], allowed) if lines else None


class LogicVistaScorer(Scorer):
    """LogicVista's rule: the set of chosen letters must equal the gold set; accuracy by skill and capability."""

    name = "logicvista"
    bounded = True  # string and regex work only: scored in the calling process (see Scorer.bounded)
    headline = "accuracy"

    def score_one(self, sample: Sample, output: str, truncated: bool = False) -> Verdict:
        """The set of labels the output chooses (:func:`extract_labels`) must equal the official gold set."""
        gold = gold_set(sample.answer)
        if truncated:
            return truncated_verdict()
        got, step = extract_labels(output or "", allowed_letters(sample), sample.question or "")
        if got is None:
            return Verdict(False, None, f"rule:{step}", flags=("no_answer",))
        labels = frozenset(x.lower() for x in got)
        flags = ("empty_gold",) if gold == frozenset({""}) else ()
        return Verdict(labels == gold, ", ".join(sorted(labels)), f"rule:{step}", flags=flags)

    def metrics(self, samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
        """Accuracy overall, by skill, capability and broad capability, with ``decided_by`` counts."""
        return logicvista_metrics(samples, verdicts)


def _skills(s: Sample) -> list[str]:
    return [x.strip().lower() for x in as_list(meta(s, "skill", "reasoning skill"))]


def capability_groups(s: Sample) -> list[str]:
    """Official capability groups: "diagram" / "ocr" if any capability mentions it, "diagram and ocr" if both."""
    caps = " ".join(as_list(meta(s, "capability", "broad_capability"))).lower()
    out = [c for c in ("diagram", "ocr") if c in caps]
    return out + (["diagram and ocr"] if len(out) == 2 else [])


def logicvista_metrics(samples: Sequence[Sample], verdicts: Sequence[Verdict]) -> Metrics:
    """LogicVista's numbers: accuracy over scored items, with the official breakdowns.

    ``skill`` (the five reasoning skills), ``capability`` (diagram / ocr / diagram and ocr), ``broad_capability``,
    and ``decided_by`` (how many verdicts each extraction step decided); no flag counts.
    """
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
