"""Answer extraction as small pure steps: final text, last ``\\boxed{}``, answer phrases, letters, numbers, words.

Each function does one thing and returns ``None`` (or ``[]``) when it finds nothing, so a scorer can chain them
and record which step decided. Nothing here calls math-verify or sympy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_WRAPPERS = re.compile(r"\\(?:text|textbf|textit|textrm|mathrm|mathbf|mathit|mbox|operatorname)\s*\{([^{}]*)\}")
_LATEX_WRAPPERS = re.compile(r"\\(?:text|textbf|mathrm|mathbf|operatorname|mbox)\s*\{([^{}]*)\}")
_SPACING = (("\\left", ""), ("\\right", ""), ("\\,", " "), ("\\;", " "), ("\\!", ""), ("\\ ", " "), ("~", " "))
_MARKUP = (("$", ""), ("**", ""), *_SPACING)
_LATEX_MARKUP = (*_SPACING, ("$", ""))
_ANSWER_PHRASE = re.compile(
    r"(?:(?:final\s+answer|correct\s+(?:answer|option|choice)s?|answer)\s*(?:is|are|would\s+be|"
    r"should\s+be|will\s+be)?|答案\s*(?:是|为|應為|应为)?)\s*[:：]?\s*(?:option\s+|choice\s+)?",
    re.IGNORECASE,
)
_ONE_LETTER = re.compile(r"^[(\[]?\s*([A-Za-z])\s*[)\]]?$")
_LETTER_THEN_TEXT = re.compile(r"^(?:\(([A-Za-z])\)|([A-Z])(?:\s*[.:)]|\s+(?=\()))\s*\S")
_PAREN_LETTER = re.compile(r"\(([A-Z])\)")
LIST_SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b|\bor\b|\s)\s*", re.IGNORECASE)
_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+")
_WORD = re.compile(r"^[a-z][a-z '\-]*[a-z]$")
_SENTENCE_END = re.compile(r"\.(?:\s|$)|\n|。")


def final_text(text: str | None) -> tuple[str, bool]:
    """``(answer_text, truncated)``: the text after the last ``</think>``; an unclosed ``<think>`` is truncated."""
    text = text or ""
    if THINK_CLOSE in text:
        return text.rpartition(THINK_CLOSE)[2].strip(), False
    if THINK_OPEN in text:
        return "", True
    return text.strip(), False


def last_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}`` (or ``\\fbox{...}``) with balanced braces; None when there is none."""
    for m in reversed(list(_BOXED.finditer(text or ""))):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        if depth == 0:
            return text[m.end() : i - 1].strip()
    return None


def unwrap(s: str) -> str:
    """Drop ``\\text{}``-style wrappers (keeping their content), ``$``, ``**`` and LaTeX spacing."""
    return _strip_markup(s, _WRAPPERS, _MARKUP)


def unwrap_latex(s: str) -> str:
    """The narrower :func:`unwrap` of the MathVerse, WeMath, DynaMath, LogicVista and RealWorldQA rules: ``$``,
    ``\\text``/``\\textbf``/``\\mathrm``/``\\mathbf``/``\\operatorname``/``\\mbox`` and LaTeX spacing go; ``**``,
    ``\\textit``, ``\\textrm`` and ``\\mathit`` stay."""
    return _strip_markup(s, _LATEX_WRAPPERS, _LATEX_MARKUP)


def _strip_markup(s: str, wrappers: re.Pattern[str], markup: tuple[tuple[str, str], ...]) -> str:
    prev = None
    while prev != s:
        prev, s = s, wrappers.sub(r"\1", s)
    for tok, rep in markup:
        s = s.replace(tok, rep)
    return s.strip()


def answer_tail(text: str) -> str | None:
    """What follows the last answer phrase ("the answer is", "Answer:", "correct option is" ...), to line end."""
    matches = list(_ANSWER_PHRASE.finditer(text or ""))
    if not matches:
        return None
    tail = text[matches[-1].end() :].strip()
    tail = _SENTENCE_END.split(tail, maxsplit=1)[0].strip()
    return tail or None


def last_number(text: str) -> str | None:
    """The last number written in the text (thousands commas removed), e.g. ``"-1,234.5"`` -> ``"-1234.5"``."""
    found = _NUMBER.findall(text or "")
    return found[-1].replace(",", "") if found else None


def letters_in(candidate: str, n_options: int, allow_concat: bool = False) -> list[str]:
    """Read a short answer candidate as option letters: ``B``, ``(b)``, ``B.``, ``B: 12 cm``, ``A, C``, ``A and C``.

    Letters must lie within the first ``n_options`` letters (when ``n_options`` > 0); ``allow_concat`` also
    accepts ``AC`` as two letters (multi-answer questions only, since ``AB`` is often a segment name).
    """
    s = unwrap(candidate).strip().strip(".").strip()
    if not s:
        return []
    found = _single_or_list(s, allow_concat)
    valid = [chr(ord("A") + i) for i in range(n_options)] if n_options > 0 else None
    if not found or (valid is not None and any(x not in valid for x in found)):
        return []
    return sorted(set(found))


def _single_or_list(s: str, allow_concat: bool) -> list[str]:
    m = _ONE_LETTER.match(s)
    if m:
        return [m.group(1).upper()]
    m = _LETTER_THEN_TEXT.match(s)
    if m:
        return [(m.group(1) or m.group(2)).upper()]
    parts = [p for p in LIST_SPLIT.split(s) if p]
    singles = [_ONE_LETTER.match(p) for p in parts]
    if len(parts) > 1 and all(singles):
        return [x.group(1).upper() for x in singles if x]
    if allow_concat and re.fullmatch(r"[A-Z]{2,}", s) and len(set(s)) == len(s):
        return list(s)
    return []


def option_index(candidate: str, options: Sequence[str]) -> int | None:
    """Index of the option whose normalised text equals the normalised candidate (first match)."""
    want = normalize_text(candidate)
    if not want:
        return None
    for i, opt in enumerate(options):
        if normalize_text(opt) == want:
            return i
    return None


def extract_choice(text: str, options: Sequence[str], allow_concat: bool = False) -> tuple[list[str], str]:
    """Chosen option letters in a final answer text and the step that found them (``[]``, ``"none"`` if none).

    Steps, first hit wins: the last ``\\boxed{}`` (letters or option text; a boxed answer always decides),
    the last answer phrase, the whole text when it is short, a leading ``(B)``/``B.``, the last line.
    """
    n = len(options)
    boxed = last_boxed(text)
    if boxed is not None:
        return _letters_or_option(boxed, options, allow_concat, "boxed")
    for step, candidate in (("answer-phrase", answer_tail(text)), ("whole", text if len(text) <= 40 else None)):
        if candidate:
            found, how = _letters_or_option(candidate, options, allow_concat, step)
            if found:
                return found, how
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    if lines:
        lead = _LETTER_THEN_TEXT.match(lines[0].strip())
        if lead and letters_in((lead.group(1) or lead.group(2)), n):
            return letters_in((lead.group(1) or lead.group(2)), n), "leading"
        found, how = _letters_or_option(lines[-1], options, allow_concat, "last-line")
        if found:
            return found, how
        idx = leading_option(lines[0], options)
        if idx is not None:
            return [chr(ord("A") + idx)], "leading-option-text"
    return [], "none"


def leading_option(line: str, options: Sequence[str]) -> int | None:
    """The one option whose text opens the line as a whole word ("Yes, the sandwich is cut" -> "Yes")."""
    low = normalize_text(line)
    hits = [i for i, opt in enumerate(options)
            if (o := normalize_text(opt)) and low.startswith(o) and not low[len(o) : len(o) + 1].isalnum()]
    return hits[0] if len(hits) == 1 else None


def _letters_or_option(candidate: str, options: Sequence[str], allow_concat: bool, step: str) -> tuple[list[str], str]:
    found = letters_in(candidate, len(options), allow_concat)
    if found:
        return found, step
    idx = option_index(candidate, options)
    if idx is not None:
        return [chr(ord("A") + idx)], f"{step}-option-text"
    if step == "answer-phrase":
        marked = set(_PAREN_LETTER.findall(candidate))
        if len(marked) == 1 and letters_in(next(iter(marked)), len(options)):
            return [next(iter(marked))], f"{step}-parenthesised"
    return [], step


def normalize_text(s: str) -> str:
    """Lower-case word form for string comparison: wrappers and markup removed, outer punctuation stripped."""
    s = unwrap(str(s)).lower()
    s = re.sub(r"\s+", " ", s)
    return s.strip().strip(".,;:!?\"'`").strip()


def compact_text(s: str) -> str:
    """Lower-case, :func:`unwrap_latex`, every space removed, a trailing period dropped
    ("Volume = 12" -> "volume=12")."""
    return re.sub(r"\s+", "", unwrap_latex(s).lower()).rstrip(".")


def is_word_answer(gold: str) -> bool:
    """Yes/no and other word answers (``"Yes"``, ``"Tampa"``, ``"right angle"``): compared as strings."""
    g = normalize_text(gold)
    return bool(_WORD.match(g)) and "\\" not in gold
