"""Plain-Python coercion of well-formed option values, so that a command line does not import pydantic.

Typer >= 0.26 coerces every option of the command that runs through a pydantic ``TypeAdapter`` built on first use,
even an option left at its default: importing pydantic and building ~20 adapters cost ``rapid-eval reason`` 0.2-0.4 s
of a ~1.5 s run. :func:`install` puts a cheap coercion in front of typer's own for the plain annotations this CLI
uses (``str``, ``int``, ``float``, ``bool``, ``Path``, ``list[str]``, no constraints): a value those types accept
unambiguously (``None``, a value of the type itself, a decimal integer, a plain decimal number) is converted here;
anything else (a malformed number, an option with ``min``/``max``, a parser, choices, file options) goes to typer's
own adapter, built then, so every error message and every unusual value is typer's.
``tests/pipeline/test_cli_coerce.py`` checks that both give the same values. With a typer that has no such
coercion layer, :func:`install` does nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_FLOAT = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")
_PLAIN_TYPES = (str, int, float, bool, Path, list[str])
_CONSTRAINTS = ("parser", "click_type", "min", "max", "path_type", "formats")


def _fast(annotation: Any, value: Any) -> tuple[bool, Any]:
    """``(True, converted)`` when ``value`` converts to ``annotation`` without doubt, else ``(False, None)``."""
    if annotation is str:
        return (True, value) if isinstance(value, str) else (False, None)
    if annotation is bool:
        return (True, value) if isinstance(value, bool) else (False, None)
    if annotation is int:
        if type(value) is int:
            return True, value
        return (True, int(value)) if isinstance(value, str) and _INT.fullmatch(value) else (False, None)
    if annotation is float:
        if type(value) is float:
            return True, value
        return (True, float(value)) if isinstance(value, str) and _FLOAT.fullmatch(value) else (False, None)
    if annotation == list[str]:
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return True, list(value)
    return False, None


def install() -> bool:
    """Route typer's per-option coercion through :func:`_fast` first; True when typer has that layer."""
    try:
        from typer import _coercion, core
    except ImportError:
        return False
    original: Any = getattr(core, "build_runtime_param", None)
    if original is None or getattr(original, "_rapid_eval_fast", False) or not hasattr(_coercion, "RuntimeParam"):
        return original is not None
    from typer._param_types import coerce_cli_path

    class FastRuntimeParam(_coercion.RuntimeParam):
        """Converts plain values itself; builds typer's own runtime param for anything else."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.annotation is Path and (isinstance(value, Path) or (isinstance(value, str) and value)):
                return coerce_cli_path(Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx)
            ok, converted = _fast(self.annotation, value)
            if ok:
                return converted
            descriptor = _coercion.TypeDescriptor(annotation=self.annotation, parameter_info=self.parameter_info,
                                                  file_annotation=None)
            return original(descriptor)._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        info = descriptor.parameter_info
        plain = (descriptor.file_annotation is None and descriptor.annotation in _PLAIN_TYPES
                 and not any(getattr(info, name, None) for name in _CONSTRAINTS)
                 and not getattr(info, "clamp", False))
        if not plain:
            return original(descriptor)
        return FastRuntimeParam(annotation=descriptor.annotation, parameter_info=info)

    build_runtime_param._rapid_eval_fast = True  # type: ignore[attr-defined]
    core.build_runtime_param = build_runtime_param
    return True
