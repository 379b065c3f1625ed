"""Item-by-item audit of a prediction file's own verdicts against rapid-eval's rule on the same responses.

Pure functions, no I/O: :func:`audit_item` builds one row of ``rescore --items``, an
:class:`~rapid_eval.rescore.parts.AuditRow` (id, gold, the file's verdict ``stored``, this tool's verdict ``ours``,
the answer each side extracted, what decided ours, a response excerpt and the ``class`` of the difference);
:func:`classify` names that class; :func:`summarise` counts the classes for ``rescore --json``'s ``audit`` (an
:class:`~rapid_eval.rescore.parts.AuditSummary`).

Classes (first that applies; ``None`` = nothing to report):

- ``ours_unsure``: rapid-eval could not score the item, or flagged its verdict (truncated, timeout, random
  fallback) and differs from the file, or its rule found no answer although the response states the one the
  file extracted (the rule missed it);
- ``stored_extraction_empty``: the file's extraction is empty or failed (``""``, ``ZZZZZ``, ``Failed …``,
  ``Sorry, I cannot …``) while the response states an answer (rapid-eval's rule found one); counted whether or
  not the verdicts differ (an empty MathVista extraction is still mapped to the option closest to ``""``, right
  by luck or wrong);
- ``judge_inferred``: the file's extractor picked an answer that the response never states (:func:`states`) and
  rapid-eval's rule finds none;
- ``format``: the verdicts differ although both sides read the same answer, or the answer the losing side read
  equals the gold up to formatting (``2π`` vs ``$2\\pi$``, ``(B)`` vs ``B``, ``0.50`` vs ``0.5``);
- ``stored_extraction_contradicts_response``: both sides read an answer and they differ (GPT-4 turned
  ``**B**`` into ``a, b, c, e``);
- ``other``: the verdicts differ for none of these reasons (e.g. the file stores no extraction to compare).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import Any

from rapid_eval.rescore.parts import AuditRow, AuditSummary

CLASSES = ("stored_extraction_empty", "stored_extraction_contradicts_response", "judge_inferred", "format",
           "ours_unsure", "other")
"""Every audit class, in the order :func:`classify` tries them (``ours_unsure`` first, ``other`` last)."""

_FAILED = {"", "none", "null", "nan", "z", "zz", "zzzzz", "[]", "['zzzzz']", "failed", "failed to obtain answer",
           "failed to obtain answer via api", "no answer", "n/a"}
_UNSURE_FLAGS = {"truncated", "timeout", "random_fallback"}
_EXCERPT = 200


def is_empty(extraction: Any) -> bool:
    """An extraction that holds no answer: None, ``""``, ``ZZZZZ``/``Z`` (LogicVista's none), ``Failed …``."""
    if extraction is None:
        return True
    if isinstance(extraction, (list, tuple)):
        return all(is_empty(x) for x in extraction)
    text = str(extraction).strip().lower().rstrip(".")
    return text in _FAILED or text.startswith(("failed to obtain", "sorry, i can", "i cannot", "i can't"))


def _as_list(text: str) -> list[Any] | None:
    if text.startswith("[") and text.endswith("]"):
        try:
            val = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None
        return list(val) if isinstance(val, (list, tuple)) else None
    return None


def _latex_plain(s: str) -> str:
    s = re.sub(r"\\(?:text|mathrm|mathbf|textbf|operatorname)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\d?frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", s)
    s = s.replace("\\pi", "π").replace("\\left", "").replace("\\right", "").replace("\\,", "").replace("\\!", "")
    s = re.sub(r"\^\{?\\circ\}?|°|\\degree", "", s)
    return s.replace("$", "").replace("*", "").replace(" ", "").replace("\\%", "%")


def norm(answer: Any, options: Sequence[str] = ()) -> str:
    """A comparison key for an answer, whichever side wrote it: letter sets sorted and lower-cased (``['b', 'a']``
    and ``"A, B"`` -> ``a,b``); a letter that names one of ``options`` -> that option's text; LaTeX and markdown
    decoration, spaces and a final period dropped; numbers in one canonical form (``0.50`` -> ``0.5``)."""
    if answer is None:
        return ""
    if isinstance(answer, (list, tuple)):
        parts = sorted({norm(a, options) for a in answer if not is_empty(a)})
        return ",".join(parts)
    text = str(answer).strip()
    listed = _as_list(text)
    if listed is not None:
        return norm(listed, options)
    s = _latex_plain(text).strip().rstrip(".").strip()
    s = re.sub(r"^\\boxed\{(.*)\}$", r"\1", s)
    m = re.fullmatch(r"\(?([A-Za-z])\)?", s)
    if m:
        idx = ord(m.group(1).upper()) - ord("A")
        return norm(options[idx]) if options and 0 <= idx < len(options) else m.group(1).lower()
    if re.fullmatch(r"[A-Za-z](\s*,\s*[A-Za-z])+", s):
        return ",".join(sorted({c.strip().lower() for c in s.split(",")}))
    try:
        return format(float(s.replace(",", "")), "g")
    except ValueError:
        return s.lower()


def _letter_stated(response: str, letter: str) -> bool:
    x = re.escape(letter.upper())
    pattern = (rf"\({x}\)|(?<![A-Za-z]){x}[.):](?!\w)|\*\*{x}\*\*|\\boxed\{{{x}\}}"
               rf"|(?:option|answer|choice)\s*(?:is\s*)?:?\s*\(?{x}(?![A-Za-z])"
               rf"|^\s*{x}\s*$|(?<![A-Za-z0-9]){x}\s*\Z")
    return re.search(pattern, response, re.M) is not None


def states(response: str, answer: Any, options: Sequence[str] = ()) -> bool:
    """Whether ``response`` states ``answer`` in so many words: each letter of a letter answer written as an
    option (``(B)``, ``B.``, ``**B**``, ``answer is B``, a line ``B``, a final ``B``) or its option text, a text
    or number as a whole word (case-insensitive)."""
    if isinstance(answer, (list, tuple)):
        parts = [a for a in answer if not is_empty(a)]
        return bool(parts) and all(states(response, a, options) for a in parts)
    text = str(answer).strip()
    listed = _as_list(text)
    if listed is not None:
        return states(response, listed, options)
    m = re.fullmatch(r"\(?([A-Za-z])\)?", text)
    if m:
        idx = ord(m.group(1).upper()) - ord("A")
        if _letter_stated(response, m.group(1)):
            return True
        return bool(options) and 0 <= idx < len(options) and states(response, options[idx])
    if not text:
        return False
    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", response, re.I) is not None


def excerpt(response: str, limit: int = _EXCERPT) -> str:
    """The end of a response (where it states its conclusion), at most ``limit`` characters, one line."""
    text = " ".join((response or "").split())
    return text if len(text) <= limit else "…" + text[-(limit - 1):]


def classify(*, stored: bool | None, ours: bool | None, stored_answer: Any, has_stored_answer: bool,
             ours_answer: Any, ours_found: bool, gold: Any, ours_flags: Sequence[str] = (),
             options: Sequence[str] = (), response: str = "", canon: Any = None) -> str | None:
    """The audit class of one item (see the module docstring), or None when there is nothing to report.

    ``stored``/``ours``: the file's and rapid-eval's verdicts (None: none); ``stored_answer``: the file's extracted
    answer (``has_stored_answer``: the file stores one for this item, even an empty one); ``ours_answer``: what
    rapid-eval's rule read, ``ours_found``: whether that rule found an answer stated in the response;
    ``canon(answer)``: the benchmark's own normal form of an extracted answer (MathVista's official normaliser),
    applied to both sides before they are compared; None compares :func:`norm` forms only.
    """
    if stored is None:
        return None
    differ = ours is None or bool(stored) != bool(ours)
    if ours is None or (differ and _UNSURE_FLAGS & set(ours_flags)):
        return "ours_unsure"
    stored_empty = has_stored_answer and is_empty(stored_answer)
    if stored_empty and ours_found:
        return "stored_extraction_empty"
    if has_stored_answer and not stored_empty and not ours_found:
        return "ours_unsure" if states(response, stored_answer, options) else "judge_inferred"
    def key(answer: Any) -> str:
        if canon is not None and not is_empty(answer):
            answer = canon(answer)
        return norm(answer, options)

    s_key, o_key, g_key = key(stored_answer), key(ours_answer), norm(gold, options)
    if differ:
        loser_key = o_key if stored else s_key
        if (has_stored_answer and s_key == o_key) or (loser_key and loser_key == g_key):
            return "format"
    if has_stored_answer and ours_found and s_key and o_key and s_key != o_key:
        return "stored_extraction_contradicts_response"
    return "other" if differ else None


def stored_answer(item: Any) -> tuple[Any, bool]:
    """The answer a file's official pipeline extracted for one item (a :class:`~rapid_eval.formats.base.StoredItem`)
    and whether the file stores one: MathVista ``extraction``, a judge's ``res`` / LogicVista's letters,
    MathVision's ``model_answer``, MMMU's parsed answer; ``(None, False)`` when it stores none."""
    if item.has_extraction:
        return item.extraction, True
    if item.extracted is not None:
        return item.extracted, True
    if item.model_answer is not None:
        return item.model_answer, True
    if item.has_parsed:
        return item.parsed, True
    return None, False


def audit_items(samples: Sequence[Any], outputs: Sequence[str], stored: Sequence[Any],
                verdicts: Sequence[Any] | None, sources: Sequence[str],
                canon: Any = None) -> list[AuditRow]:
    """:func:`audit_item` for every item: ``stored`` holds StoredItems, ``verdicts`` rapid-eval's (None: a file
    without responses); ``canon(sample, answer)``: the benchmark's normal form of an extracted answer, or None."""
    rows = []
    for i, (sample, st) in enumerate(zip(samples, stored, strict=True)):
        answer, has = stored_answer(st)
        rows.append(audit_item(item_id=sample.id, gold=sample.answer, stored=st.correct, stored_answer=answer,
                               has_stored_answer=has, ours=verdicts[i] if verdicts is not None else None,
                               response=outputs[i] if i < len(outputs) else "", options=sample.options,
                               source=sources[i],
                               canon=(lambda a, s=sample: canon(s, a)) if canon is not None else None))
    return rows


def audit_item(*, item_id: str, gold: Any, stored: bool | None, stored_answer: Any, has_stored_answer: bool,
               ours: Any, response: str, options: Sequence[str] = (), source: str = "",
               canon: Any = None) -> AuditRow:
    """One ``--items`` row. ``ours`` is rapid-eval's Verdict (``correct``, ``extracted``, ``decided_by``,
    ``flags``, ``details``) or None for a file without responses."""
    if ours is None:
        return AuditRow(id=item_id, gold=gold, stored=stored, ours=None,
                        stored_extracted=stored_answer if has_stored_answer else None, ours_extracted=None,
                        decided_by=None, cls=None, response="", source=source)
    ours_answer = ours.extracted
    ours_found = ours.correct is not None and "no_answer" not in ours.flags and not is_empty(ours.extracted)
    cls = classify(stored=stored, ours=ours.correct, stored_answer=stored_answer,
                   has_stored_answer=has_stored_answer, ours_answer=ours_answer if ours_found else None,
                   ours_found=ours_found, gold=gold, ours_flags=ours.flags, options=options, response=response,
                   canon=canon)
    return AuditRow(id=item_id, gold=gold, stored=stored, ours=ours.correct,
                    stored_extracted=stored_answer if has_stored_answer else None,
                    ours_extracted=ours.extracted if ours_found else None,
                    decided_by=ours.decided_by, cls=cls, response=excerpt(response), source=source)


def summarise(items: Sequence[AuditRow], show: int = 10) -> AuditSummary:
    """``audit`` for ``rescore --json``: per class the number of items (``counts``) and up to ``show`` example
    ids (``examples``), the items compared (those with a stored verdict and one of ours) and how many verdicts
    differ overall and per class (``differ``, ``differ_by_class``)."""
    compared = [it for it in items if it.stored is not None and it.ours is not None]
    counts: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    differ_by: dict[str, int] = {}
    for cls in CLASSES:
        members = [it for it in items if it.cls == cls]
        counts[cls] = len(members)
        examples[cls] = [str(it.id) for it in members[:show]]
        differ_by[cls] = sum(it.ours is None or bool(it.stored) != bool(it.ours) for it in members)
    return AuditSummary(items=len(compared), differ=sum(bool(it.stored) != bool(it.ours) for it in compared),
                        counts=counts, differ_by_class=differ_by, examples=examples)
