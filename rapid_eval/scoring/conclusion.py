"""The option a free-form response concludes with, read the way a GPT answer extractor reads it.

A chain of thought names many options on its way ("In choice A …", "Option D: this figure …", "the other options
(B, C, D) do not …"); the answer is the one it concludes with. :func:`conclusion` finds every *statement* of a
choice in the markdown-stripped text, each with its position, and returns the deciding one:

- **explicit** statements: an answer marker or phrase — ``Answer: C``, ``The correct answer is (B) No lawyers …``,
  ``the correct option that corresponds to the given solid is C``, ``the correct answer would be:`` / ``Figure A``
  on the next line, ``So, the answer is: None of the options …``. The *last* explicit statement decides. When it
  names no option ("the correct answer is that none of the given options …") the response declines (``labels``
  None, ``declined`` True), unless its words state an option's text (:mod:`rapid_eval.scoring.option_text`).
- **implicit** statements, used only when there is no explicit one: ``… is figure B.``, ``… is (C) Insufficient
  Information``, ``corresponds to A``, ``labeled as C``, ``Figure D is the only …``, ``A is correct``; the last
  one decides.

A label is a capital the question offers (``allowed``), alone or in a list ("A and C", "B, D"), optionally with
parentheses or a noun ("Figure A", "Net D", "Option B"). A bare capital followed by a lower-case word that is not a
connective ("is A device") is a word, not a label.

Pure functions on strings; nothing here depends on a benchmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapid_eval.scoring.extract import unwrap_latex

NOUNS = (r"(?:option|choice|answer|figure|fig\.|piece|net|diagram|shape|image|picture|box|statement|proposal|sign|"
         r"panel|pattern|graph|object|letter|cube|card|tile|plan|set|part|section|alternative|view|candidate)")
_CONNECTIVE = re.compile(r"^\s+(?:because|since|as|which|that|is|are|was|in|for|from|with|and|or|due|here|"
                         r"being|would|will|should|has|shows|matches|fits|represents|correctly|best|only|—|-)\b")
_LABEL = r"(?:(?i:the\s+)?(?i:" + NOUNS + r")s?\s+)?(?:\(([A-Z])\)|\[([A-Z])\]|([A-Z])(?![A-Za-z0-9]))"
_LIST_SEP = r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*/\s*)"
_LABEL_LIST = re.compile(r"^\s*(?:(?i:the\s+)?(?i:options?|choices?|letters?)\s+)?" + _LABEL +
                         r"((?:" + _LIST_SEP + _LABEL + r")*)")
_ONE_LABEL = re.compile(_LABEL)
_AFTER_BARE = re.compile(r"^(?:\s*$|\s*[.,;:!?)\]\"'’”]|\s*\n|\s+\(|\s+[-–—]\s)")

_EXPLICIT = re.compile(
    r"\b(?:(?:final|correct|right|best|proper)\s+(?:answer|option|choice|response|conclusion)s?\b[^.\n]{0,80}?"
    r"\b(?:is|are|would\s+be|should\s+be|will\s+be|must\s+be)\b|(?:the|final|my|correct|right)\s+answers?\s*"
    r"(?:is|are|would\s+be|should\s+be|will\s+be)\b|(?:final\s+)?answers?\s*(?=[:：])|(?:correct|final)\s+(?:answer|option|choice)s?\s*(?=[:：]))"
    r"\s*(?:[:：]|that\s+is\s*:?|\s)?\s*",
    re.IGNORECASE)
_HEDGE = re.compile(r"^(?:(?:most\s+)?likely|probably|clearly|definitely|indeed|then|therefore|thus|still|actually|"
                    r"simply)\s*,?\s+", re.IGNORECASE)
_NEGATED = re.compile(r"^(?:not|neither|correct|incorrect|wrong|right|true|false)\b", re.IGNORECASE)
_LAST_LOWER = re.compile(r"^\(?\s*([a-z])\s*\)?[.\s]*$")
_INTRO = re.compile(r"\b(?:answer|conclusion|correct|final)\b|\b(?:is|are|be)\s*:$", re.IGNORECASE)
_IMPLICIT = re.compile(
    r"\b(?:is|are|be|was)\s+(?=\S)|\b(?:corresponds?|matches|match|refers|belongs?)\s+to\s+|"
    r"\blabel(?:l)?ed\s+(?:as\s+)?|\b(?:choose|select|pick)\s+(?:option\s+)?(?=[A-Z(])",
    re.IGNORECASE)
_NAMED = re.compile(r"\b(?i:" + NOUNS + r")\s+\(?([A-Z])\)?\s*,?\s+(?i:is|would\s+be|seems\s+to\s+be)\s+"
                    r"(?i:the\s+|a\s+)?(?i:correct|right|only|answer|best|one\s+that)\b|"
                    r"(?<![A-Za-z])\(?([A-Z])\)?\s+is\s+(?i:the\s+)?(?i:correct|right)\b")


@dataclass(frozen=True)
class Conclusion:
    """The deciding statement of a response."""

    labels: frozenset[str] | None
    """The option labels it names (upper-case), or None when it names none."""
    kind: str
    """``explicit`` (an answer marker or phrase) or ``implicit`` ("… is figure B.")."""
    tail: str
    """The words after the statement's verb, to the end of the sentence: where an option's text may be stated."""

    @property
    def declined(self) -> bool:
        """An explicit answer statement that names no option ("the answer is that none of the options …")."""
        return self.labels is None


def strip_markdown(s: str) -> str:
    """Markdown emphasis and LaTeX wrappers removed: ``**Answer:** (C)`` -> ``Answer: (C)``."""
    return re.sub(r"[*_`#]+", "", unwrap_latex(s)).strip()


def label_list(tail: str, allowed: str) -> frozenset[str] | None:
    """The option labels ``tail`` starts with ("B", "(C) Insufficient …", "Figure A", "A and C", "B, D."), or None.

    A bare capital must end there ("C.", "C,", "C" at the end, "C because …"): "A device …" is not
    a label. A capital in parentheses or after a noun ("Figure A shows …") is a label whatever follows."""
    m = _LABEL_LIST.match(tail)
    if not m:
        return None
    marked = not m.group(3) or bool(tail[:m.start(3)].strip())  # "(C)", "[C]", "Figure C", "option C"
    rest = tail[m.end():]
    if not marked and not (_AFTER_BARE.match(rest) or _CONNECTIVE.match(rest)):
        return None
    letters = [next(g for g in m.groups()[:3] if g)]
    letters += [next(g for g in x.groups() if g) for x in _ONE_LABEL.finditer(m.group(4) or "")]
    return frozenset(letters) if all(c in allowed for c in letters) else None


def _sentence(text: str, start: int) -> str:
    end = re.search(r"(?<=[.!?])\s|\n\s*\n|$", text[start:])
    return text[start:start + (end.start() if end else len(text))].strip()


def _explicit(plain: str, allowed: str) -> list[tuple[int, Conclusion]]:
    out = []
    for m in _EXPLICIT.finditer(plain):
        tail = _HEDGE.sub("", plain[m.end():].lstrip())
        if _NEGATED.match(tail):  # "the correct answer is not A", "… answers is correct" (a judgement, not an answer)
            continue
        got = label_list(tail, allowed)
        lower = _LAST_LOWER.match(tail)  # "… answer : c" ending the text (the official pre-check's style)
        if not got and lower and lower.group(1).upper() in allowed:
            got = frozenset(lower.group(1).upper())
        out.append((m.start(), Conclusion(got, "explicit", _sentence(plain, m.end()))))
    lines = [(m.start(), m.group(0).strip()) for m in re.finditer(r"[^\n]+", plain) if m.group(0).strip()]
    for (_, intro), (pos, nxt) in zip(lines[:-1], lines[1:], strict=False):
        if intro.endswith(":") and _INTRO.search(intro):
            got = label_list(nxt, allowed)
            if got:
                out.append((pos, Conclusion(got, "explicit", nxt)))
    return out


def _implicit(plain: str, allowed: str) -> list[tuple[int, Conclusion]]:
    out = []
    for m in _IMPLICIT.finditer(plain):
        got = label_list(plain[m.end():], allowed)
        if got and len(got) < max(3, len(allowed)):  # "labeled A, B, C, D and E" describes, it does not choose
            out.append((m.start(), Conclusion(got, "implicit", _sentence(plain, m.end()))))
    for m in _NAMED.finditer(plain):
        letter = m.group(1) or m.group(2)
        if letter in allowed:
            out.append((m.start(), Conclusion(frozenset(letter), "implicit", _sentence(plain, m.start()))))
    return out


def conclusion(text: str, allowed: str) -> Conclusion | None:
    """The deciding statement of ``text`` (see the module docstring), or None when it states no choice."""
    plain = strip_markdown(text or "")
    explicit = _explicit(plain, allowed)
    if explicit:
        return max(explicit, key=lambda pc: pc[0])[1]
    implicit = _implicit(plain, allowed)
    return max(implicit, key=lambda pc: pc[0])[1] if implicit else None
