"""Evaluate the printed form of a sympy expression as Python's ``eval`` would, without ``eval``.

The MathVision scorer (``mathllm/MATH-V:evaluation/utils.py``) computes Python eval of ``str(latex2sympy(x))`` with
``from math import *`` in scope. That string comes from model output, so it must never reach ``eval``. Here it is
parsed with ``ast.parse(mode="eval")`` and walked by a whitelisting interpreter that knows only:

- int/float/complex literals, ``+ - * / // % **`` and unary ``+ -``;
- names from the ``math`` module (``pi``, ``e``, ``inf``, ``sqrt``, ``log``, ``factorial`` ...) and a few
  builtins the official namespace also has (``abs``, ``round``, ``pow``, ``min``, ``max``, ``int``, ``float``,
  ``True``, ``False``), called with positional arguments only;
- tuples (the official code reaches them for ``(a, b)`` strings).

Anything else (attributes, subscripts, lambdas, comprehensions, strings, keyword calls, unknown names such as
sympy's ``E``, ``oo``, ``I``, ``Symbol`` names) raises, which is what the official ``eval`` does with those names:
``NameError`` - so the comparison is "not equal" in both. Integer powers whose result would exceed
``MAX_POW_BITS`` (or factorials of more than ``MAX_FACTORIAL``) raise ``OverflowError`` instead of hanging
(the official code would hang there).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

MAX_POW_BITS = 100_000
MAX_FACTORIAL = 5_000

_BUILTINS: dict[str, Any] = {
    "abs": abs, "round": round, "pow": pow, "min": min, "max": max, "int": int, "float": float,
    "True": True, "False": False,
}
NAMES: dict[str, Any] = {**_BUILTINS, **{k: getattr(math, k) for k in dir(math) if not k.startswith("_")}}

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_HEAVY = (math.factorial, math.comb, math.perm)
_UNARY: dict[type, Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


class UnsafeExpression(ValueError):
    """The expression uses syntax outside the arithmetic whitelist."""


def safe_pow(base: Any, exp: Any) -> Any:
    """``base ** exp``, refusing integer results larger than ``MAX_POW_BITS`` bits."""
    if isinstance(base, int) and isinstance(exp, int) and exp > 0 and abs(base) > 1:
        if exp * abs(base).bit_length() > MAX_POW_BITS:
            raise OverflowError("integer power too large")
    if callable(base) or callable(exp):
        raise TypeError("unsupported operand for **")
    return operator.pow(base, exp)


def _call(node: ast.Call) -> Any:
    if node.keywords or not isinstance(node.func, ast.Name):
        raise UnsafeExpression("only plain calls of whitelisted functions")
    func = _walk(node.func)
    if not callable(func):
        raise TypeError(f"'{node.func.id}' is not callable")
    args = [_walk(a) for a in node.args]
    if func is pow and len(args) == 2:
        return safe_pow(*args)
    if func in _HEAVY and any(isinstance(a, int) and a > MAX_FACTORIAL for a in args):
        raise OverflowError(f"{node.func.id} argument too large")
    return func(*args)


def _walk(node: ast.AST) -> Any:
    if isinstance(node, ast.Expression):
        return _walk(node.body)
    if isinstance(node, ast.Constant):
        if isinstance(node.value, int | float | complex):
            return node.value
        raise UnsafeExpression(f"literal of type {type(node.value).__name__}")
    if isinstance(node, ast.Name):
        if node.id in NAMES:
            return NAMES[node.id]
        raise NameError(f"name '{node.id}' is not defined")
    if isinstance(node, ast.BinOp):
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Pow):
            return safe_pow(left, right)
        if type(node.op) in _BINARY:
            return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_walk(node.operand))
    if isinstance(node, ast.Call):
        return _call(node)
    if isinstance(node, ast.Tuple):
        return tuple(_walk(e) for e in node.elts)
    raise UnsafeExpression(f"syntax not allowed: {type(node).__name__}")


def safe_eval(expr: str) -> Any:
    """The value Python eval of ``expr`` would give with ``from math import *``, for arithmetic only.

    Raises ``SyntaxError``, ``NameError``, ``UnsafeExpression`` or an arithmetic error where ``eval`` would raise
    (or where the expression is not plain arithmetic).
    """
    return _walk(ast.parse(expr.strip(), mode="eval"))
