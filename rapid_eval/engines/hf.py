"""In-process transformers backend (CPU or GPU): batched ``generate`` over left-padded prompts.

Options (``load_engine("hf", model, **options)``):

- ``device``: ``"auto"`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``, ``"cuda:1"`` ... On CUDA with
  ``device="auto"`` the model is placed with ``device_map="auto"`` (spread over visible GPUs).
- ``dtype``: ``"auto"`` (the checkpoint's dtype), ``"bfloat16"``, ``"float16"``, ``"float32"``.
- ``batch_size`` (default 8): requests per ``generate`` call; requests are grouped by sampling settings and
  sorted by prompt length so a batch carries little padding.
- ``kind``: ``"auto"`` (detect from the config), ``"vlm"`` or ``"llm"``.
- ``attn_implementation``, ``trust_remote_code``: passed to ``from_pretrained``.

Greedy when ``temperature == 0``, else sampling with ``top_p``; the request's settings override the model's
``generation_config`` and ``top_k``/``min_p`` are off (as on vLLM/OpenAI servers given explicit parameters).
``torch.manual_seed(seed)`` runs before every batch. The vision placeholder tokens are suppressed in generation.
``enable_thinking`` goes to the chat template when not None.

The model is loaded on the first non-empty ``generate`` (or :meth:`HFEngine.start`), not in the constructor: a
rerun whose every request is already recorded makes zero calls and never imports torch or loads weights. The
constructor checks what it can without them: the options, and that a local model path exists and holds a
``config.json`` (a hub id that is not in the local cache is left to transformers at load time).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapid_eval.engines._hf_batch import (
    Encoded,
    batch_key,
    collate,
    encode,
    generation_kwargs,
    split_output,
)
from rapid_eval.engines._hf_processor import is_vlm_config, load_vl_processor, tokenizer_of
from rapid_eval.engines._options import warn_unknown
from rapid_eval.engines.base import Engine, OnComplete
from rapid_eval.engines.thinking import split_reasoning
from rapid_eval.model_files import model_identity
from rapid_eval.types import ChatRequest, Completion

SUPPRESSED_TOKENS = ("<|image_pad|>", "<|video_pad|>", "<|vision_start|>", "<|vision_end|>")


class HFEngine(Engine):
    """Chat generation with a transformers model loaded in this process."""

    backend = "hf"

    def __init__(self, model: str, device: str = "auto", dtype: str = "auto", batch_size: int = 8,
                 kind: str = "auto", attn_implementation: str | None = None, trust_remote_code: bool = False,
                 **options: Any):
        """Check the options and the model path without torch; the weights load on first use (``start``).

        A local model folder must hold a ``config.json``; its top-level files are hashed for ``identity``. Raises
        ValueError for a bad ``batch_size`` or ``kind``, RuntimeError for a path that cannot be a model (or a hub id
        that is not cached while ``HF_HUB_OFFLINE`` is set). Unknown options only warn.
        """
        super().__init__(model, device=device, dtype=dtype, batch_size=batch_size, kind=kind, **options)
        warn_unknown(self.backend, options)
        if int(batch_size) < 1:
            raise ValueError(f"hf: batch_size must be >= 1, got {batch_size}")
        if kind not in ("auto", "vlm", "llm"):
            raise ValueError(f"hf: kind must be auto, vlm or llm, got {kind!r}")
        self.batch_size = int(batch_size)
        self.dtype_name = dtype
        self._fingerprint = model_identity(model)
        _check_model_path(model, self._fingerprint)
        self._load_args = (device, dtype, kind, attn_implementation, trust_remote_code)
        self.net: Any = None
        self._vision = False
        self._closed = False

    def start(self) -> HFEngine:
        """Load the model unless it is loaded already (imports torch and transformers); return the engine."""
        if self.net is None:
            if self._closed:
                raise RuntimeError("hf engine is closed")
            self._load(*self._load_args)
        return self

    @property
    def vision(self) -> bool:
        """Whether the model takes images (loads the model on first access)."""
        return bool(self.start()._vision)

    def _load(self, device: str, dtype: str, kind: str, attn: str | None, trust: bool) -> None:
        import torch
        from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText, AutoTokenizer

        path = self._fingerprint.get("path", self.model)
        try:
            config = AutoConfig.from_pretrained(path, trust_remote_code=trust)
        except (OSError, ValueError) as e:
            raise RuntimeError(f"hf: cannot load model '{self.model}': {e}") from e
        self._vision = is_vlm_config(config) if kind == "auto" else kind == "vlm"

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        kw: dict[str, Any] = {"trust_remote_code": trust}
        kw["dtype"] = dtype if dtype == "auto" else getattr(torch, dtype)
        if attn:
            kw["attn_implementation"] = attn
        if device == "cuda":
            kw["device_map"] = "auto"
        cls = AutoModelForImageTextToText if self._vision else AutoModelForCausalLM
        net = cls.from_pretrained(path, **kw)
        if device != "cuda":
            # transformers wraps `to` with functools.wraps(torch.nn.Module.to), so mypy sees the unbound signature
            net = net.to(device)  # type: ignore[arg-type]
        net = net.eval()

        if self._vision:
            self.processor = load_vl_processor(path, trust_remote_code=trust)
        else:
            self.processor = AutoTokenizer.from_pretrained(path, trust_remote_code=trust)
        tok = tokenizer_of(self.processor)
        tok.padding_side = "left"
        self.pad_id = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        vocab = tok.get_vocab()
        self.suppress = sorted(vocab[t] for t in SUPPRESSED_TOKENS if t in vocab)
        eos = net.generation_config.eos_token_id
        eos = [eos] if isinstance(eos, int) else list(eos or [])
        self.eos_ids = set(eos) | ({tok.eos_token_id} if tok.eos_token_id is not None else set())
        self.tokenizer = tok
        self.net = net  # set last: a load that failed half-way is redone by the next call

    def identity(self) -> dict[str, Any]:
        """Model name, backend, resolved path + file fingerprint, and the dtype when it is not the default."""
        ident = {**super().identity(), **self._fingerprint}
        if self.dtype_name != "auto":
            ident["dtype"] = self.dtype_name
        return ident

    def _generate(self, requests: list[ChatRequest], on_complete: OnComplete) -> None:
        self.start()  # load errors concern the whole engine: they raise here, before any request completes
        groups: dict[tuple, list[Encoded]] = defaultdict(list)
        for i, req in enumerate(requests):
            try:
                groups[batch_key(req)].append(encode(i, req, self.processor, self._vision))
            except Exception as e:  # any encoding problem fails only this request
                on_complete(i, _error(f"cannot prepare request: {e}"))
        for items in groups.values():
            items.sort(key=lambda e: (e.length, e.index))
            for start in range(0, len(items), self.batch_size):
                self._run_batch(items[start:start + self.batch_size], requests, on_complete)

    def _run_batch(self, items: list[Encoded], requests: list[ChatRequest], on_complete: OnComplete) -> None:
        """Generate one batch; if the batch as a whole fails, retry its requests one by one."""
        t0 = time.perf_counter()
        try:
            rows = self._generate_rows(items, requests[items[0].index])
        except Exception as e:  # isolate the failing request below
            if len(items) > 1:
                for it in items:
                    self._run_batch([it], requests, on_complete)
                return
            on_complete(items[0].index, _error(f"generation failed: {type(e).__name__}: {e}"))
            return
        seconds = time.perf_counter() - t0
        for it, row in zip(items, rows, strict=True):
            on_complete(it.index, self._completion(it, row, seconds))

    def _generate_rows(self, items: list[Encoded], first: ChatRequest) -> list[list[int]]:
        import torch

        batch = collate(items, self.pad_id)
        dev, dt = self.net.device, self.net.dtype
        batch = {k: v.to(dev, dtype=dt) if v.is_floating_point() else v.to(dev) for k, v in batch.items()}
        if first.sampling.seed is not None:
            torch.manual_seed(first.sampling.seed)
        with torch.inference_mode():
            out = self.net.generate(**batch, **generation_kwargs(first, self.suppress, self.pad_id))
        width = batch["input_ids"].shape[1]
        return out[:, width:].tolist()

    def _completion(self, item: Encoded, row: list[int], seconds: float) -> Completion:
        ids, n_tokens, hit_eos = split_output(row, self.eos_ids)
        raw = self.tokenizer.decode(ids, skip_special_tokens=True)
        text, reasoning, truncated = split_reasoning(raw)
        return Completion(text=text, reasoning=reasoning, prompt_tokens=item.length, completion_tokens=n_tokens,
                          finish_reason="stop" if hit_eos else "length", truncated_thinking=truncated,
                          seconds=seconds)

    def close(self) -> None:
        """Drop the model (if it was loaded) and free accelerator memory; a closed engine does not load again."""
        self._closed = True
        if getattr(self, "net", None) is None:
            return
        self.net = None
        try:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        except Exception:  # best effort
            pass


def _check_model_path(model: str, fingerprint: dict[str, Any]) -> None:
    """Fail at once, without torch, on a local model path that cannot be a model: missing, or no config.json."""
    if fingerprint:
        if not (Path(fingerprint["path"]) / "config.json").is_file():
            raise RuntimeError(f"hf: cannot load model '{model}': {fingerprint['path']} has no config.json")
        return
    if model.startswith((".", "/", "~")) or Path(model).expanduser().exists():
        raise RuntimeError(f"hf: cannot load model '{model}': no such model directory")
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        raise RuntimeError(f"hf: cannot load model '{model}': not in the local Hugging Face cache, and "
                           "HF_HUB_OFFLINE is set (give a local folder, or the offline tiny models tiny:vlm/tiny:llm)")


def _error(msg: str) -> Completion:
    return Completion(finish_reason="error", error=msg)
