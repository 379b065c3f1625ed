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


_BLOCK = re.compile(r"<(conclusion|answer|final_answer)>(.*?)(?:</\1>|$)", re.IGNORECASE | re.DOTALL)
_MARKER = re.compile(
    r"^\W*(?:the\s+)?(?:final\s+answer|correct\s+(?:answer|option|choice)s?|answers?|options?|choices?)\s*"
    r"(?:is|are)?\s*[:：]\s*(.*)$", re.IGNORECASE | re.MULTILINE)
_INTRO = re.compile(r"\b(?:is|are|answer|conclusion|option|choice)\b", re.IGNORECASE)
_MARKED_OPTION = re.compile(r"^\s*(?:\(([A-Z])\)|([A-Z])\)|([A-Z])[.:](?=\s|$))")
_ARTICLE = re.compile(r"^\s*[A-Z]\s+(?!(?:and|or|&)\b)[a-z]")


def strip_markdown(s: str) -> str:
    """Markdown emphasis and LaTeX wrappers removed: ``**Answer:** (C)`` -> ``Answer: (C)``."""
    return re.sub(r"[*_`#]+", "", unwrap_latex(s)).strip()


def _option_start(s: str, allowed: str) -> frozenset[str] | None:
    """The option label(s) a short answer starts with: ``B, D``, ``E``, ``(B) 1,500 gallons``, ``C) 14``, ``D.``."""
    s = s.strip()
    whole = letter_set(s, allowed, lower_ok=len(s) <= 1) if len(s) <= 20 else None
    if whole:
        return whole
    if _ARTICLE.match(s):  # "A device …", "I think …" are words, not labels
        return None
    lead = leading_letters(s, allowed)
    if lead:
        return lead
    m = _MARKED_OPTION.match(s)
    letter = next((g for g in m.groups() if g), None) if m else None
    return frozenset(letter) if letter and letter in allowed else None


_INLINE_OPTION = re.compile(r"\(([A-Z])\)\s*(.*?)\s*(?=\([A-Z]\)|$)", re.DOTALL)


def inline_options(question: str) -> dict[str, str]:
    """``{letter: text}`` of options written in the question as ``(A) €25.00 (B) €25.20 …``."""
    return {m.group(1): m.group(2).strip() for m in _INLINE_OPTION.finditer(question or "") if m.group(2).strip()}


def answer_regions(text: str) -> list[str]:
    """Where an answer is written down, most specific first: the last ``<CONCLUSION>``/``<answer>`` block, else
    the last answer-marker line, else the whole text when it is short (≤ 60 characters), else the last sentence
    of its last line, then that line (≤ 200 characters each); markdown removed."""
    blocks = _BLOCK.findall(text or "")
    if blocks:
        return [strip_markdown(blocks[-1][1])]
    markers = _MARKER.findall(strip_markdown(text or ""))
    if markers:
        return [markers[-1].strip()]
    plain = strip_markdown(text or "")
    if len(plain) <= 60:
        return [plain]
    lines = [ln.strip() for ln in plain.splitlines() if ln.strip()]
    if not lines:
        return []
    last = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lines[-1])[-1]
    return [r for r in dict.fromkeys((last, lines[-1])) if r and len(r) <= 200]


def _words(s: str) -> str:
    """Lower-case words and numbers separated by single spaces (``"(E) €12.86!"`` -> ``"e €12.86"``)."""
    return " ".join(re.sub(r"[^\w.%$€£]+|(?<!\d)\.|\.(?!\d)", " ", unwrap_latex(s).lower()).split())


def option_by_text(region: str, options: dict[str, str]) -> str | None:
    """The one option whose text the answer region states (``€12.86`` -> the option ``(E) €12.86``): equal after
    normalising case, spaces and punctuation; else the options whose text (3 characters or more) occurs in the
    region as whole words, keeping only the longest when one contains another ("counterclockwise" over
    "clockwise" does not arise: whole words; "Painting V" is not "Painting I"); one left -> its letter."""
    key = _words(region)
    if not key:
        return None
    texts = {letter: _words(t) for letter, t in options.items() if _words(t)}
    equal = [letter for letter, t in texts.items() if t == key]
    if len(equal) == 1:
        return equal[0]
    inside = [letter for letter, t in texts.items() if len(t) >= 3 and f" {t} " in f" {key} "]
    inside = [a for a in inside if not any(a != b and f" {texts[a]} " in f" {texts[b]} " for b in inside)]
    return inside[0] if len(inside) == 1 else None


def final_answer_letters(text: str, allowed: str) -> tuple[frozenset[str] | None, str]:
    """Labels stated where an answer is written down: the last ``<CONCLUSION>`` / ``<answer>`` block (``block``),
    else the last answer-marker line such as ``**Answer:** (C) It decreases``, ``*Answer*: A``, ``Correct option:
    (D)``, or the option line after an introducing line ("Thus, the correct conclusion is:" / ``**(C) Some
    investors are not sharks**``) (``marker``). (None, "") when none names an allowed label."""
    blocks = _BLOCK.findall(text or "")
    if blocks:
        got = _option_start(strip_markdown(blocks[-1][1]), allowed)
        if got:
            return got, "block"
    plain = strip_markdown(text or "")
    markers = _MARKER.findall(plain)
    if markers:
        got = _option_start(markers[-1], allowed)
        if got:
            return got, "marker"
    lines = [ln.strip() for ln in plain.splitlines() if ln.strip()]
    for intro, nxt in reversed(list(zip(lines[:-1], lines[1:], strict=True))):
        if intro.endswith(":") and _INTRO.search(intro):
            got = _option_start(nxt, allowed)
            if got:
                return got, "marker"
    return None, ""


_NAMED = re.compile(r"\b(?:figure|option|choice|box|shape|image|diagram|statement)\s+\(?([A-Z])\)?\s+"
                    r"(?:is|would\s+be)\s+"
                    r"(?:the\s+|a\s+)?(?:correct|right|only|answer|best)\b", re.IGNORECASE)


def named_option(text: str, allowed: str) -> frozenset[str] | None:
    """The option of the last "Figure D is the only one …" / "option B is correct" statement."""
    hits = [m.group(1) for m in _NAMED.finditer(strip_markdown(text or "")) if m.group(1) in allowed]
    return frozenset(hits[-1]) if hits else None


def last_line_option(text: str, allowed: str) -> frozenset[str] | None:
    """The option a last line starts with when it is marked as one: ``**C) MDBs lend …**``, ``(B) 1,500 gallons``."""
    lines = [ln for ln in strip_markdown(text or "").splitlines() if ln.strip()]
    m = _MARKED_OPTION.match(lines[-1]) if lines else None
    letter = next((g for g in m.groups() if g), None) if m else None
    return frozenset(letter) if letter and letter in allowed else None


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
