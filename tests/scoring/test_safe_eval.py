"""The ``eval`` replacement used for MathVision: Python's arithmetic results, nothing else."""

from __future__ import annotations

import math

import pytest

from rapid_eval.scoring.safe_eval import UnsafeExpression, safe_eval


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("1/2", 0.5),  # true division, as eval
        ("6/2", 3.0),  # a float, so str() gives "3.0" as in the official tuple path
        ("2*3", 6),  # ints stay ints
        ("-3 + 1", -2),
        ("2**10", 1024),
        ("sqrt(3)/2", math.sqrt(3) / 2),  # math functions (from math import *)
        ("pi", math.pi),
        ("e", math.e),  # math.e, like the official namespace
        ("factorial(5)", 120),
        ("log(8, 2)", 3.0),
        ("(3**1008 - 1)/3**1009", (3**1008 - 1) / 3**1009),  # big ints, exact true division
        ("(1, 2)", (1, 2)),
        ("abs(-2)", 2),
    ],
)
def test_arithmetic_like_eval(expr, expected):
    assert safe_eval(expr) == expected


@pytest.mark.parametrize(
    "expr, error",
    [
        ("x", NameError),  # sympy symbols: NameError, as under eval
        ("E", NameError),  # sympy's E is not math.e
        ("oo", NameError),
        ("I*2", NameError),
        ("Abs(-2)", NameError),
        ("__import__('os')", NameError),  # no builtins beyond the whitelist
        ("__import__('os').system('true')", UnsafeExpression),  # no attribute calls
        ("(1).__class__", UnsafeExpression),  # no attributes
        ("[1, 2][0]", UnsafeExpression),  # no subscripts or lists
        ("'a' * 3", UnsafeExpression),  # no strings
        ("(lambda: 1)()", UnsafeExpression),
        ("max(1, key=abs)", UnsafeExpression),  # no keyword calls
        ("1/0", ZeroDivisionError),
        ("2**2**2**2**2**2**2", OverflowError),  # a power tower fails fast instead of hanging
        ("factorial(10**6)", OverflowError),
        ("1 +", SyntaxError),
    ],
)
def test_rejected(expr, error):
    with pytest.raises(error):
        safe_eval(expr)
