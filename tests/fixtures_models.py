"""Session fixtures with real tiny models: ``tiny_models`` (built once per run) and ``tiny_server`` (one
``transformers serve`` process that serves any local model directory, the tiny VLM included).

Registered by importing into a ``conftest.py`` (``from fixtures_models import tiny_models, tiny_server``) or,
from the top-level ``tests/conftest.py``, with ``pytest_plugins = ["fixtures_models"]``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``{"vlm": dir, "llm": dir}``: a random tiny Qwen2.5-VL and the scripted tiny Qwen3 (see
    ``rapid_eval.dev.tiny_models``), built offline into a session temporary directory."""
    from rapid_eval.dev.tiny_models import build_tiny_models

    return build_tiny_models(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture(scope="session")
def tiny_server(tiny_models: dict[str, Path]) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT/v1``) of a local ``transformers serve`` that is not pinned: requests
    name ``str(tiny_models["llm"])`` or ``str(tiny_models["vlm"])`` as their model."""
    from rapid_eval.dev.serve import serve_local

    with serve_local() as base_url:
        yield base_url
