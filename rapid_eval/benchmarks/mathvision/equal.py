"""MATH-V's ``is_equal`` (``mathllm/MATH-V:evaluation/utils.py``), with the same results and no ``eval``.

Official rule: lower-case both; empty -> False; equal strings -> True; ``(a,b)`` / ``[a,b]`` strings are
evaluated element-wise (``str(round(eval of str(latex2sympy(x)), 2))``, except ``infty``/``a``/``-a`` elements) and
compared as strings; else the 2-decimal rounding of Python eval on str(latex2sympy(...)) of gold and prediction;
any error -> False.

Differences in mechanics, not in results:

- ``eval`` is replaced by :func:`safe_eval.safe_eval`, which interprets the same arithmetic strings;
- the official scorer used the old ``latex2sympy2`` package; we use ``latex2sympy2_extended`` (the math-verify
  dependency) and emulate the old behaviour where it matters for these comparisons:
  the old pre-processing (``$``, ``\\,``, ``~``, ``\\quad`` -> space; ``\\dfrac``/``\\tfrac`` -> ``\\frac``;
  ``\\left(``/``\\right)`` -> parentheses), no normalisation, no mixed fractions (``2\\frac{1}{2}`` is a product),
  ``\\circ``, ``%``, ``\\boxed``, ``\\!`` and non-ASCII characters (``80-2π``) unsupported (an error, hence
  "not equal") unless the parse stops before them, ``{4}`` is the group 4, and -
  since the old grammar had no end-of-input rule - a parse that stops at a token that cannot continue the
  expression keeps the prefix (``2\\sqrt{3}}.so`` -> ``2\\sqrt{3}``), while an unknown character is an error.

With these, re-deriving ``correct`` from the responses of the seven published MATH-V output files reproduces the
stored flags item by item except one (Gemini-Pro id 3013, ``4/3`` vs gold ``\\frac{4}{3}``: equal here and under
the released rule, stored as wrong), i.e. every claimed ``-all`` except Gemini-Pro (538 vs 537).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rapid_eval.scoring.mathverify_safe import entering_symbolic
from rapid_eval.scoring.safe_eval import safe_eval

_OLD_PREPROCESS = (
    ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\displaystyle", " "), ("\\quad", " "), ("\\qquad", " "),
    ("~", " "), ("\\,", " "), ("$", " "), ("\\bigl(", "("), ("\\bigr)", ")"), ("\\left(", "("), ("\\right)", ")"),
)
_UNSUPPORTED = ("\\circ", "%", "\\boxed", "\\!")


def _first_unsupported(s: str) -> int | None:
    """Where the first thing the old grammar could not read starts: ``\\circ``, ``%``, ``\\boxed``, ``\\!``, or a
    non-ASCII character (``π``, ``√``, ``°``); None when there is none."""
    found = [i for i in (s.find(tok) for tok in _UNSUPPORTED) if i >= 0]
    found += [i for i, c in enumerate(s) if ord(c) > 127][:1]
    return min(found) if found else None
_STOPPED_EARLY = "I expected one of these"
_PLAIN_INT = re.compile(r"0|[1-9][0-9]{0,14}")
_LEADING_SYMBOL = re.compile(r"[\s{(\[0-9]*[a-z]")


class _Failed(Exception):
    """latex2sympy (old-style) could not convert the string."""


@lru_cache(maxsize=1)
def _converter() -> tuple[Any, Any, Any]:
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, latex2sympy
    from sympy import FiniteSet

    return latex2sympy, ConversionConfig(interpret_as_mixed_fractions=False), FiniteSet


def _error_column(message: str) -> int:
    lines = message.split("\n")
    return len(lines[-1]) - 1 if len(lines) >= 3 and lines[-1].endswith("^") else -1


def old_latex2sympy_str(latex: str, _prefix: bool = True) -> str:
    """``str(latex2sympy(latex))`` as the old ``latex2sympy2`` would print it; raises on failure."""
    entering_symbolic()
    latex2sympy, config, finite_set = _converter()
    s = latex
    for old, new in _OLD_PREPROCESS:
        s = s.replace(old, new)
    bad = _first_unsupported(s)
    try:
        expr = latex2sympy(s, normalization_config=None, conversion_config=config)
    except Exception as e:  # noqa: BLE001 - the ANTLR listener raises plain Exception
        col = _error_column(str(e))
        stopped = str(e).startswith(_STOPPED_EARLY) and 0 < col < len(s)
        control_symbol = s[col] == "\\" and not s[col + 1 : col + 2].isalpha()
        if _prefix and stopped and (bad is None or col <= bad) and not control_symbol:
            return old_latex2sympy_str(s[:col], _prefix=False)
        raise _Failed(str(e).split("\n")[0]) from None
    if bad is not None:  # the new grammar read past something the old one could not
        raise _Failed("not supported by latex2sympy2")
    if isinstance(expr, finite_set) and len(expr) == 1:
        expr = next(iter(expr))
    return str(expr)


@lru_cache(maxsize=65536)
def latex_value(latex: str) -> tuple[bool, Any]:
    """``(True, value)`` where the official code takes Python eval of str(latex2sympy(latex)), done safely, or
    ``(False, reason)`` where the official code raises."""
    if _PLAIN_INT.fullmatch(latex):
        # Shortcut, same outcome: latex2sympy makes a sympy Integer of a plain decimal integer and prints it back
        # unchanged, so eval gives int(latex) (checked against the full path in tests/benchmarks). Three quarters
        # of the answers that reached sympy in the real MathVision prediction files are such integers.
        return True, int(latex)
    if _LEADING_SYMBOL.match(latex):
        # Shortcut, same outcome: a lower-case letter reached before anything that could end the expression
        # becomes a sympy symbol (``e`` becomes ``E``), whose name ``eval`` does not know. Parsing long words
        # ("{{thetopoftheupperblock}}") with ANTLR takes up to a second.
        return False, "NameError: symbol in expression"
    try:
        return True, safe_eval(old_latex2sympy_str(latex))
    except Exception as e:  # noqa: BLE001 - every failure means "not equal", as in the official try/except
        return False, f"{type(e).__name__}: {e}"


def _rounded(latex: str) -> Any:
    ok, value = latex_value(latex)
    if not ok:
        raise _Failed(value)
    return round(value, 2)


def eval_tuple(s: str) -> str:
    """The official ``eval_tuple``: ``"(2*3, 5+2)"`` -> ``"(6,7)"``; the input unchanged when it cannot."""
    parts = s[1:-1].split(",")
    try:
        if len(parts) > 1 and ((s[0], s[-1]) in (("(", ")"), ("[", "]"))):
            body = ",".join(p if "infty" in p or p in ("a", "-a") else str(_rounded(p)) for p in parts)
            return s[0] + body + s[-1]
    except Exception:  # noqa: BLE001 - as the official code: any failure keeps the string
        return s
    return s


def is_equal(asw: str, gt_asw: str) -> tuple[bool, str]:
    """The official ``is_equal(asw, gt_asw)`` and which step decided (``string``, ``tuple``, ``numeric``)."""
    asw, gt_asw = asw.lower(), gt_asw.lower()
    if asw.replace(" ", "") == "" or gt_asw.replace(" ", "") == "":
        return False, "empty"
    if gt_asw.strip() == asw.strip():
        return True, "string"
    asw, gt_asw = eval_tuple(asw), eval_tuple(gt_asw)
    if gt_asw == asw:
        return True, "tuple"
    try:
        return _rounded(gt_asw) == _rounded(asw), "numeric"
    except Exception:  # noqa: BLE001 - as the official code: any failure is "not equal"
        return False, "numeric"
