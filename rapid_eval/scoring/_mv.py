"""math-verify calls for already-extracted answers, following the rules of scoring-rules.md §9.

Both sides are wrapped as ``\\boxed{...}`` and parsed with the LaTeX config only (boxed priority 0, no anchor-free
extraction); ``verify(gold, pred)`` keeps gold first. Timeouts are off (``signal.alarm`` only works on the main
thread): the caller's worker pool enforces the deadline. Parsed golds are cached per string.

Note for de-duplication: ``rapid_eval.scoring.mathverify_safe`` (written in parallel) is the general wrapper; this
module only serves the free-form comparisons of MathVerse and DynaMath and can delegate to it once it exists.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

logging.getLogger("math_verify").setLevel(logging.ERROR)
logging.getLogger("math_verify.parser").setLevel(logging.ERROR)
logging.getLogger("math_verify.grader").setLevel(logging.ERROR)


def _config() -> list[Any]:
    from latex2sympy2_extended import NormalizationConfig
    from math_verify import LatexExtractionConfig

    norm = NormalizationConfig(basic_latex=True, units=True, malformed_operators=False, nits=False, boxed="all")
    return [LatexExtractionConfig(try_extract_without_anchor=False, boxed_match_priority=0, normalization_config=norm)]


@lru_cache(maxsize=1)
def _cfg() -> list[Any]:
    return _config()


@lru_cache(maxsize=8192)
def parse_boxed(content: str) -> tuple[Any, ...]:
    """Parse ``\\boxed{content}``; an empty tuple when nothing parses."""
    from math_verify import parse

    try:
        return tuple(parse("\\boxed{" + content + "}", extraction_config=_cfg(), parsing_timeout=None,
                           fallback_mode="first_match", extraction_mode="first_match"))
    except Exception:  # noqa: BLE001 - math-verify raises many types on malformed LaTeX; "no parse" is the answer
        return ()


def mv_equal(gold: str, pred: str) -> bool | None:
    """True/False from math-verify; None when either side does not parse."""
    from math_verify import verify

    g, p = parse_boxed(gold), parse_boxed(pred)
    if not g or not p:
        return None
    try:
        return bool(verify(list(g), list(p), timeout_seconds=None))
    except Exception:  # noqa: BLE001
        return None


def mv_number(content: str) -> float | None:
    """The numeric value of a LaTeX expression (``2\\sqrt{2}``, ``\\frac{3}{4}``, ``4\\pi``) via sympy, never eval."""
    for obj in parse_boxed(content):
        if isinstance(obj, str):
            continue
        try:
            if getattr(obj, "is_number", False):
                val = complex(obj.evalf())
                if abs(val.imag) < 1e-12:
                    return float(val.real)
        except Exception:  # noqa: BLE001
            continue
    return None
