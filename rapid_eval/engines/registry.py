"""Lazy backend registry: ``name -> "module:Class"``, imported only when chosen.

``reason --backend openai`` must import neither torch nor transformers, so nothing here imports a backend
module at import time.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

from rapid_eval.engines.base import Engine

BACKENDS: dict[str, tuple[str, str]] = {
    # name: ("module:Class", pip extra that provides its dependencies)
    "hf": ("rapid_eval.engines.hf:HFEngine", "hf"),
    "openai": ("rapid_eval.engines.openai_api:OpenAIEngine", ""),
    "vllm": ("rapid_eval.engines.vllm_engine:VLLMEngine", "vllm"),
    "scripted": ("rapid_eval.engines.scripted:ScriptedEngine", ""),
}


class BackendError(RuntimeError):
    """A backend name that does not exist, or whose dependencies are not installed."""


def load_engine(backend: str, model: str, **options: Any) -> Engine:
    """Build an engine by backend name; unknown names get a suggestion, missing extras name the pip extra."""
    if backend not in BACKENDS:
        close = difflib.get_close_matches(backend, list(BACKENDS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise BackendError(f"unknown backend '{backend}'{hint}; choose one of: {', '.join(BACKENDS)}")
    target, extra = BACKENDS[backend]
    module_name, cls_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        pip = f'pip install "rapid-eval[{extra}]"' if extra else "pip install rapid-eval"
        raise BackendError(f"backend '{backend}' needs a package that is not installed ({e.name}): {pip}") from e
    cls = getattr(module, cls_name)
    return cls(model, **options)
