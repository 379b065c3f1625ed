"""math-verify called the safe way (scoring-rules.md §9): LaTeX config only, gold boxed and cached, gold first.

- Gold is parsed as ``\\boxed{gold}`` (a bare ``\\frac{\\sqrt{3}}{2}`` or ``2\\sqrt{3}`` is mis-parsed otherwise),
  once per distinct gold string.
- Predictions are parsed with the same LaTeX config: boxed priority 0, no anchor-free extraction (else the
  rightmost number of a text wins), ``malformed_operators=False``, ``nits=False``, ``first_match``.
- ``verify(gold, pred)`` keeps gold first (the comparison is asymmetric).
- math-verify's own timeouts are off (``signal.alarm`` only works on the main thread and does not stop every
  hang): run bulk scoring through :func:`rapid_eval.scoring.pool.score_all`, which kills hung workers.
- Only the LaTeX extraction config is used: the expression config goes through sympy's ``parse_expr``, which
  evaluates Python code.

For an answer already extracted by a rule: :func:`equal` (True/False), :func:`compare` (None when a side does not
parse, so the rule can fall back to string equality: MathVerse) and :func:`number` (its value: DynaMath, MathVerse).
math-verify and sympy are imported on first use, so importing this module is cheap.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

for _name in ("math_verify", "math_verify.parser", "math_verify.grader", "latex2sympy2_extended"):
    logging.getLogger(_name).setLevel(logging.ERROR)


class SymbolicNeeded(BaseException):  # noqa: N818 - a signal, not an error: no ``except Exception`` may catch it
    """Raised by the calls below inside :func:`symbolic_free`: the rule reached math-verify (sympy), which only a
    killable worker may run. A ``BaseException``, so that a rule's own ``except Exception`` never turns it into a
    verdict."""


_FORBIDDEN = threading.local()


@contextmanager
def symbolic_free() -> Iterator[None]:
    """Within this block (in this thread) any parse or verify raises :class:`SymbolicNeeded`."""
    before = getattr(_FORBIDDEN, "on", False)
    _FORBIDDEN.on = True
    try:
        yield
    finally:
        _FORBIDDEN.on = before


def entering_symbolic() -> None:
    """Call before any symbolic math (sympy, latex2sympy): raises :class:`SymbolicNeeded` inside
    :func:`symbolic_free`."""
    if getattr(_FORBIDDEN, "on", False):
        raise SymbolicNeeded


@lru_cache(maxsize=1)
def latex_config() -> tuple[Any, ...]:
    """The one extraction config used for gold and predictions."""
    from latex2sympy2_extended import NormalizationConfig
    from math_verify import LatexExtractionConfig

    norm = NormalizationConfig(basic_latex=True, units=True, malformed_operators=False, nits=False, boxed="all",
                               equations=False)
    return (LatexExtractionConfig(try_extract_without_anchor=False, boxed_match_priority=0,
                                  normalization_config=norm),)


def parse_text(text: str) -> list[Any]:
    """math-verify's parse of a prediction text (``[]`` when nothing is found); no timeout, see module doc."""
    entering_symbolic()
    from math_verify import parse

    return parse(text, extraction_config=latex_config(), extraction_mode="first_match", parsing_timeout=None)


@lru_cache(maxsize=8192)
def parse_gold(gold: str) -> tuple[Any, ...]:
    """Parsed gold, from ``\\boxed{gold}``; cached per gold string. Empty when math-verify finds nothing."""
    return tuple(parse_text("\\boxed{" + gold + "}"))


def parse_answer(answer: str) -> list[Any]:
    """Parse an already-extracted answer (e.g. the content of the last ``\\boxed{}``) by boxing it."""
    return parse_text("\\boxed{" + answer + "}")


def verify(gold: Any, pred: Any) -> bool:
    """``math_verify.verify(gold, pred)`` with gold first and no signal-based timeout."""
    entering_symbolic()
    from math_verify import verify as mv_verify

    if not gold or not pred:
        return False
    return bool(mv_verify(list(gold), list(pred), timeout_seconds=None))


def equal(gold: str, answer: str) -> bool:
    """Does the extracted ``answer`` equal ``gold`` for math-verify (both boxed, gold first)?"""
    return verify(parse_gold(gold), parse_answer(answer))


def compare(gold: str, answer: str) -> bool | None:
    """:func:`equal`, but None when either side does not parse (so the caller can fall back to another rule)."""
    g, p = parse_gold(gold), parse_answer(answer)
    return verify(g, p) if g and p else None


def number(answer: str) -> float | None:
    """The real value of an extracted LaTeX answer (``2\\sqrt{2}``, ``\\frac{3}{4}``, ``4\\pi``) via sympy's
    ``evalf``, never ``eval``; None when it parses to no number."""
    for obj in parse_answer(answer):
        if isinstance(obj, str):
            continue
        try:
            if getattr(obj, "is_number", False):
                val = complex(obj.evalf())
                if abs(val.imag) < 1e-12:
                    return float(val.real)
        except Exception:  # noqa: BLE001 - sympy raises many types on odd expressions; "no number" is the answer
            continue
    return None
