"""In-process vLLM backend: all requests of a stage go to ``LLM.chat`` at once (one call per chat-template
setting), so vLLM schedules the whole stage with continuous batching.

Options (``load_engine("vllm", model, **options)``): ``tensor_parallel_size`` (1), ``gpu_memory_utilization``
(0.9), ``max_model_len`` (None: the model's), ``dtype`` ("auto"), ``seed`` (0), ``limit_mm_per_prompt`` (e.g.
``{"image": 38}``), ``mm_processor_kwargs`` (e.g. ``{"min_pixels": 4*28*28, "max_pixels": 16384*28*28}``),
``enforce_eager`` (False), ``trust_remote_code`` (False); ``llm_kwargs`` passes anything else to
``vllm.LLM``. Request building and output translation live in ``_vllm_requests`` (tested without vLLM);
this module only holds the ``vllm.LLM`` instance. Importing it without vLLM installed raises an ImportError
that names ``pip install "rapid-eval[vllm]"``.
"""

from __future__ import annotations

from typing import Any

try:
    import vllm
except ImportError as e:  # the registry turns this into a BackendError naming the extra
    raise ImportError('the vllm backend needs vLLM (GPU only): pip install "rapid-eval[vllm]"',
                      name="vllm") from e

from rapid_eval.engines._fingerprint import model_identity
from rapid_eval.engines._options import warn_unknown
from rapid_eval.engines._vllm_requests import execute
from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.types import ChatRequest


class VLLMEngine(Engine):
    """Chat generation with an in-process ``vllm.LLM``."""

    backend = "vllm"

    def __init__(self, model: str, tensor_parallel_size: int = 1, gpu_memory_utilization: float = 0.9,
                 max_model_len: int | None = None, dtype: str = "auto", seed: int = 0,
                 limit_mm_per_prompt: dict[str, int] | None = None, mm_processor_kwargs: dict[str, Any] | None = None,
                 enforce_eager: bool = False, trust_remote_code: bool = False,
                 llm_kwargs: dict[str, Any] | None = None, **options: Any):
        super().__init__(model, tensor_parallel_size=tensor_parallel_size, dtype=dtype,
                         max_model_len=max_model_len, **options)
        warn_unknown(self.backend, options)
        self.dtype_name = dtype
        self._fingerprint = model_identity(model)
        kw: dict[str, Any] = dict(tensor_parallel_size=tensor_parallel_size,
                                  gpu_memory_utilization=gpu_memory_utilization, dtype=dtype, seed=seed,
                                  enforce_eager=enforce_eager, trust_remote_code=trust_remote_code)
        if max_model_len is not None:
            kw["max_model_len"] = max_model_len
        if limit_mm_per_prompt is not None:
            kw["limit_mm_per_prompt"] = limit_mm_per_prompt
        if mm_processor_kwargs is not None:
            kw["mm_processor_kwargs"] = mm_processor_kwargs
        kw.update(llm_kwargs or {})
        self.llm: Any = vllm.LLM(model=self._fingerprint.get("path", model), **kw)

    def identity(self) -> dict[str, Any]:
        """Model name, backend, resolved path + file fingerprint, and the dtype when it is not the default."""
        ident = {**super().identity(), **self._fingerprint}
        if self.dtype_name != "auto":
            ident["dtype"] = self.dtype_name
        return ident

    def _chat(self, conversations: list, params: list, template_kwargs: dict[str, Any] | None) -> list:
        return self.llm.chat(conversations, params, use_tqdm=False, chat_template_kwargs=template_kwargs)

    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        execute(requests, self._chat, lambda kw: vllm.SamplingParams(**kw), on_complete)

    def close(self) -> None:
        """Drop the engine so its GPU memory can be reclaimed."""
        self.llm = None
