"""Making untrusted values safe to store and print: numbers from a server's ``usage``, text with lone
surrogates, error messages with terminal escape codes. Pure functions.

A server (or a hand-edited record) can send anything where a token count should be: a string, a list, a
negative number, ``1e30``, ``NaN``. Stored as is, one such value breaks every later sum (``TypeError``) and bare
``NaN`` breaks strict JSON parsers; so counts are kept only when they are plain non-negative integers below
``MAX_TOKENS``, and become None otherwise.
"""

from __future__ import annotations

import math
import re
from typing import Any

MAX_TOKENS = 10**9
"""Largest token count believed (no request comes near it; ``1e30`` from a server is a lie)."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def token_count(value: Any) -> int | None:
    """``value`` as a token count: a non-negative int below ``MAX_TOKENS`` (integral floats accepted), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 <= value < MAX_TOKENS:
        return value
    return None


def seconds_value(value: Any) -> float | None:
    """A finite non-negative duration, else None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return float(value)
    return None


def clean_text(text: str) -> str:
    """``text`` with lone surrogates (``"\\ud800"`` in JSON, not encodable as UTF-8) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def printable(text: str, limit: int | None = None) -> str:
    """``text`` safe for a terminal: control characters (escape codes, NUL, carriage returns) shown as
    ``\\xNN``, lone surrogates replaced; cut to ``limit`` characters first when given."""
    if limit is not None:
        text = text[:limit]
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", clean_text(text))
