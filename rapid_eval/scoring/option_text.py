"""Which option a response names by its text rather than its letter: ``24 ohms`` -> ``(C) 24 ohm``.

Questions that list their options inline (``(A) 360 ohm (B) 1/24 ohm (C) 24 ohm``, ``A) 10 B) 12 C) 14``) are
read into ``{letter: text}`` by :func:`inline_options`. :func:`option_by_text` maps a stretch of the response to
the one option it states: the option whose words equal it, else the one option whose text (3 characters or more)
occurs in it as whole words (the longest when one contains another), else the one option whose number occurs in
it (thousands commas, currency and units ignored; ``1/24`` is one number). Two candidates -> None.
:func:`answer_regions` says where in a response to look.

Pure functions on strings.
"""

from __future__ import annotations

import re

from rapid_eval.scoring.conclusion import strip_markdown
from rapid_eval.scoring.extract import unwrap_latex

_LABEL = r"(?:\(([A-Z])\)|(?<![A-Za-z0-9])([A-Z])\))"
_INLINE_OPTION = re.compile(_LABEL + r"\s*(.*?)\s*(?=\([A-Z]\)|(?<![A-Za-z0-9])[A-Z]\)|$)", re.DOTALL)
_NUM = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?:\s*/\s*\d+)?(?![\w])")
_BLOCK = re.compile(r"<(conclusion|answer|final_answer)>(.*?)(?:</\1>|$)", re.IGNORECASE | re.DOTALL)
_MARKER = re.compile(
    r"^\W*(?:the\s+)?(?:final\s+answer|correct\s+(?:answer|option|choice)s?|answers?)\s*(?:is|are)?\s*[:：]\s*(.*)$",
    re.IGNORECASE | re.MULTILINE)


def inline_options(question: str) -> dict[str, str]:
    """``{letter: text}`` of options written in the question as ``(A) €25.00 (B) €25.20 …`` or ``A) 10 B) 12``.

    Both styles must label at least two options in order from A; otherwise ``{}``."""
    out: dict[str, str] = {}
    for m in _INLINE_OPTION.finditer(question or ""):
        letter, text = m.group(1) or m.group(2), m.group(3).strip().rstrip(",;").strip()
        if text and letter not in out:
            out[letter] = text
    return out if len(out) >= 2 and "A" in out else {}


def _words(s: str) -> str:
    """Lower-case words and numbers separated by single spaces (``"(E) €12.86!"`` -> ``"e €12.86"``)."""
    return " ".join(re.sub(r"[^\w.%$€£/]+|(?<!\d)[./]|[./](?!\d)", " ", unwrap_latex(s).lower()).split())


def numbers(s: str) -> list[str]:
    """Numbers written in ``s``, normalised: ``"$1,170,000"`` -> ``"1170000"``, ``"1 / 24"`` -> ``"1/24"``."""
    return [re.sub(r"[\s,]", "", n) for n in _NUM.findall(unwrap_latex(s or ""))]


def option_by_text(region: str, options: dict[str, str]) -> str | None:
    """The one option whose text ``region`` states (see the module docstring), or None."""
    key = _words(region)
    if not key or not options:
        return None
    texts = {letter: _words(t) for letter, t in options.items() if _words(t)}
    equal = [letter for letter, t in texts.items() if t == key]
    if len(equal) == 1:
        return equal[0]
    inside = [letter for letter, t in texts.items() if len(t) >= 3 and f" {t} " in f" {key} "]
    inside = [a for a in inside if not any(a != b and f" {texts[a]} " in f" {texts[b]} " for b in inside)]
    if len(inside) == 1:
        return inside[0]
    if inside:
        return None
    said = set(numbers(region))
    by_number = [letter for letter, t in options.items() if len(numbers(t)) == 1 and numbers(t)[0] in said]
    return by_number[0] if len(by_number) == 1 else None


def answer_regions(text: str) -> list[str]:
    """Where an answer is written down, most specific first: the last ``<CONCLUSION>``/``<answer>`` block, else
    the last answer-marker line; else the whole text when it is short (≤ 60 characters); else the last sentence of
    the last line, that line (≤ 200 characters each), then the first sentence (≤ 200 characters); markdown
    removed."""
    blocks = _BLOCK.findall(text or "")
    if blocks:
        return [strip_markdown(blocks[-1][1])]
    plain = strip_markdown(text or "")
    markers = _MARKER.findall(plain)
    if markers:
        return [markers[-1].strip()]
    if len(plain) <= 60:
        return [plain]
    lines = [ln.strip() for ln in plain.splitlines() if ln.strip()]
    if not lines:
        return []
    last = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lines[-1])[-1]
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", lines[0])[0]
    return [r for r in dict.fromkeys((last, lines[-1], first)) if r and len(r) <= 200]


def block_text(text: str) -> str | None:
    """The text of the last ``<CONCLUSION>`` / ``<answer>`` / ``<final_answer>`` block, markdown removed."""
    blocks = _BLOCK.findall(text or "")
    return strip_markdown(blocks[-1][1]) if blocks else None
