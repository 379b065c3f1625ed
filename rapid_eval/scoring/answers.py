"""Option-letter reading of the MathVerse, WeMath, DynaMath, LogicVista and RealWorldQA scorers.

These rules read a *set* of letters ("B, D", "C\\nD", "BD", lower-case labels "a, c"), a leading letter ("(B) 8/11",
"Option B") or an "… is C." statement, against an ``allowed`` string of letters. They are not
:func:`rapid_eval.scoring.extract.letters_in` / ``extract_choice`` (sorted lists within the first ``n_options``
letters, for the MathVista/MMMU/generic rules): the published scores of each scorer depend on its own rule, so
both stay. The generic steps (last ``\\boxed{}``, LaTeX unwrapping, compact text) come from ``extract``.
"""

from __future__ import annotations

import re

from rapid_eval.scoring.extract import LIST_SPLIT, compact_text, unwrap_latex

_LETTER_TOKEN = re.compile(r"^\(?\[?\s*([A-Za-z])\s*\]?\)?[.:]?$")
_IS_LETTER = re.compile(r"\b(?:is|are|be)\s+(?:option\s+)?\(?([A-Z])\)?(?=[.,;!]|\s*$)")
_LEADING_LIST = re.compile(r"^\s*\(?([A-Z])\)?((?:\s*(?:,|and|&)\s*\(?[A-Z]\)?)+)(?=[\s.:]|$)")
_LEADING = re.compile(r"^\s*(?:option\s+|choice\s+)?[\(\[]?\s*([A-Z])\s*[\)\]]?(?:[.:)\]]|\s|$)")
_PHRASE = re.compile(
    r"(?:final\s+answer|correct\s+answers?|correct\s+options?|correct\s+choices?|answers?|options?|choices?)"
    r"\s*(?:is|are|would\s+be|should\s+be|will\s+be)?\s*[:：]?\s*(?:option\s+|choice\s+)?"
    r"((?:\\boxed\{)?\(?[A-Z]\)?(?:\s*(?:,|and|&|/)\s*\(?[A-Z]\)?)*)(?![A-Za-z])",
    re.IGNORECASE,
)


def letter_set(s: str, allowed: str, lower_ok: bool = False) -> frozenset[str] | None:
    """Read ``s`` as a list of option letters ("B", "(B)", "B, D", "B and D", "C\\nD", "BD"); None if it is not one."""
    s = unwrap_latex(s).strip().rstrip(".")
    if not s:
        return None
    matches = [_LETTER_TOKEN.match(t) for t in LIST_SPLIT.split(s) if t]
    if matches and all(m and (lower_ok or m.group(1).isupper()) for m in matches):
        out = [m.group(1).upper() for m in matches if m]
        return frozenset(out) if all(c in allowed for c in out) else None
    compact = s.replace(" ", "")
    if 1 < len(compact) <= len(allowed) and compact.isupper() and all(c in allowed for c in compact):
        return frozenset(compact)
    return None


def leading_letters(s: str, allowed: str) -> frozenset[str] | None:
    """A list of option letters the text starts with ("B and C complete …", "A, D are …"); None if there is none."""
    m = _LEADING_LIST.match(unwrap_latex(s))
    if not m:
        return None
    letters = [m.group(1), *re.findall(r"[A-Z]", m.group(2))]
    return frozenset(letters) if all(c in allowed for c in letters) else None


def leading_letter(s: str, allowed: str) -> str | None:
    """The option letter an answer starts with: "B", "(B) 8/11", "B. 0.2", "B: 12 cm", "Option B"."""
    m = _LEADING.match(unwrap_latex(s))
    return m.group(1) if m and m.group(1) in allowed else None


def phrase_letters(text: str, allowed: str) -> frozenset[str] | None:
    """Letters after the last "answer is" / "correct option:" style phrase.

    Upper-case letters only, except a single lower-case letter that ends the text ("… answer : c").
    """
    found = None
    for m in _PHRASE.finditer(text or ""):
        group = m.group(1).replace("\\boxed{", "")
        letters = re.findall(r"[A-Z]", group)
        if not letters and re.fullmatch(r"\(?[a-z]\)?", group) and not text[m.end():].strip(" .)\n"):
            letters = [group.strip("()").upper()]
        if letters and all(c in allowed for c in letters):
            found = frozenset(letters)
    return found


def is_letter(text: str, allowed: str) -> str | None:
    """The letter of the last "… is C." / "… is (C)," statement (upper-case, followed by punctuation or the end)."""
    hits = [m.group(1) for m in _IS_LETTER.finditer(text or "") if m.group(1) in allowed]
    return hits[-1] if hits else None


def option_letter(s: str, options: tuple[str, ...] | list[str]) -> str | None:
    """The letter of the option whose text equals ``s`` (normalised: case, spaces, LaTeX wrappers); None if none."""
    key = compact_text(s)
    hits = [chr(ord("A") + i) for i, opt in enumerate(options) if key and compact_text(opt) == key]
    return hits[0] if len(hits) == 1 else None
