"""Lazy backend registry: ``name -> "module:Class"`` (with its pip extra), imported only when chosen.

``reason --backend openai`` must import neither torch nor transformers, so nothing here imports a backend
module at import time. The lookup, the "did you mean" and the missing-extra message are the shared
:class:`rapid_eval.registry.Registry`.
"""

from __future__ import annotations

from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.registry import Entry, Registry, RegistryError

BACKENDS: dict[str, Entry] = {
    # name: "module:Class" and the pip extra that provides its dependencies
    "hf": Entry("rapid_eval.engines.hf:HFEngine", "hf"),
    "openai": Entry("rapid_eval.engines.openai_api:OpenAIEngine"),
    "vllm": Entry("rapid_eval.engines.vllm_engine:VLLMEngine", "vllm"),
    "scripted": Entry("rapid_eval.engines.scripted:ScriptedEngine"),
}

ENGINES: Registry[type[Engine]] = Registry("backend", BACKENDS)


class BackendError(RegistryError, RuntimeError):
    """A backend name that does not exist, or whose dependencies are not installed."""


def load_engine(backend: str, model: str, **options: Any) -> Engine:
    """Build an engine by backend name; unknown names get a suggestion, missing extras name the pip extra."""
    try:
        cls = ENGINES.load(backend)
    except RegistryError as e:
        raise BackendError(str(e)) from e.__cause__
    return cls(model, **options)
