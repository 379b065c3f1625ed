"""Everything the vLLM backend does besides calling vLLM: build chat inputs and sampling settings, run the
plan against an ``LLM.chat``-like callable, translate outputs. Pure Python, testable without vLLM.

- Messages become vLLM chat messages whose images are ``{"type": "image_pil", "image_pil": <PIL image>}`` parts
  before the text (no base64 round trip, no local-file permission needed).
- ``chat_template_kwargs`` is a per-call argument of ``LLM.chat``, so requests are grouped by
  ``enable_thinking`` and each group is one call with a list of conversations and a list of ``SamplingParams``.
- A request whose images cannot be read fails alone. A group whose call raises (vLLM validates every prompt
  before it schedules any, and aborts the whole call on the first bad one, e.g. a prompt longer than
  ``max_model_len``) is split in halves and each half retried, down to single requests: k bad prompts among n
  cost about ``2 k log2(n)`` extra calls and the good ones stay batched (retrying one request at a time would
  turn a 10,000-request stage into 10,000 serial calls behind one bad prompt).
- Checked against real ``vllm.LLM`` output on CPU in ``tests/vllm_backend`` (text split at ``</think>``, token
  counts, finish reasons, vLLM's validation errors per request).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapid_eval.engines._images import load_pil
from rapid_eval.engines.base import OnComplete
from rapid_eval.engines.thinking import split_reasoning
from rapid_eval.types import ChatRequest, Completion, SamplingParams


def option_value(value: Any) -> Any:
    """An engine option as ``vllm.LLM`` wants it: a command-line string is read as JSON when it parses (``2``,
    ``0.5``, ``true``, ``null``, ``{"image": 4}``), ``True``/``False``/``None`` as Python spells them, anything
    else (``float32``, ``mp``) kept as text; values that are not strings pass unchanged."""
    if not isinstance(value, str):
        return value
    python = {"True": True, "False": False, "None": None}
    if value in python:
        return python[value]
    try:
        return json.loads(value)
    except ValueError:
        return value


def to_vllm_messages(request: ChatRequest) -> list[dict[str, Any]]:
    """vLLM chat messages: ``image_pil`` parts (decoded RGB images) before the text; plain text otherwise."""
    out: list[dict[str, Any]] = []
    for m in request.messages:
        if m.images:
            parts: list[dict[str, Any]] = [{"type": "image_pil", "image_pil": load_pil(p)} for p in m.images]
            parts.append({"type": "text", "text": m.text})
            out.append({"role": m.role, "content": parts})
        else:
            out.append({"role": m.role, "content": m.text})
    return out


def sampling_kwargs(sp: SamplingParams) -> dict[str, Any]:
    """Keyword arguments for ``vllm.SamplingParams``; every field explicit so model defaults never leak in."""
    greedy = sp.temperature <= 0
    return {
        "n": 1,
        "temperature": 0.0 if greedy else sp.temperature,
        "top_p": 1.0 if greedy else sp.top_p,
        "top_k": -1,
        "min_p": 0.0,
        "max_tokens": sp.max_new_tokens,
        "repetition_penalty": sp.repetition_penalty,
        "seed": sp.seed,
        "skip_special_tokens": True,
    }


@dataclass
class Group:
    """Requests that go into one ``LLM.chat`` call (same chat-template kwargs)."""

    chat_template_kwargs: dict[str, Any] | None
    indices: list[int] = field(default_factory=list)
    messages: list[list[dict[str, Any]]] = field(default_factory=list)
    sampling: list[dict[str, Any]] = field(default_factory=list)


def plan(requests: Sequence[ChatRequest]) -> tuple[list[Group], list[tuple[int, str]]]:
    """Group requests by ``enable_thinking``; return the groups and ``(index, error)`` for requests that failed
    to build (unreadable images)."""
    groups: dict[bool | None, Group] = {}
    errors: list[tuple[int, str]] = []
    for i, req in enumerate(requests):
        try:
            messages = to_vllm_messages(req)
        except Exception as e:  # unreadable image: only this request fails
            errors.append((i, f"cannot prepare request: {e}"))
            continue
        et = req.sampling.enable_thinking
        g = groups.setdefault(et, Group(None if et is None else {"enable_thinking": et}))
        g.indices.append(i)
        g.messages.append(messages)
        g.sampling.append(sampling_kwargs(req.sampling))
    return list(groups.values()), errors


def completion_from_output(output: Any, seconds: float | None = None) -> Completion:
    """A ``Completion`` from a vLLM ``RequestOutput`` (first sample): text split at ``</think>``, prompt tokens
    from ``prompt_token_ids`` (image tokens included), completion tokens from ``token_ids`` (eos included)."""
    sample = output.outputs[0]
    reason = sample.finish_reason
    prompt_ids = getattr(output, "prompt_token_ids", None)
    n_prompt = len(prompt_ids) if prompt_ids is not None else None
    n_out = len(sample.token_ids) if sample.token_ids is not None else None
    if reason not in ("stop", "length"):
        return Completion(prompt_tokens=n_prompt, completion_tokens=n_out, finish_reason="error",
                          error=f"vLLM finished the request with reason {reason!r}", seconds=seconds)
    text, reasoning, truncated = split_reasoning(sample.text or "")
    return Completion(text=text, reasoning=reasoning, prompt_tokens=n_prompt, completion_tokens=n_out,
                      finish_reason=reason, truncated_thinking=truncated, seconds=seconds)


ChatFn = Callable[[list[list[dict[str, Any]]], list[Any], dict[str, Any] | None], list[Any]]
"""``chat(conversations, sampling_params, chat_template_kwargs) -> outputs`` in input order."""


def execute(requests: Sequence[ChatRequest], chat: ChatFn, make_params: Callable[[dict[str, Any]], Any],
            on_complete: OnComplete, fatal: tuple[type[BaseException], ...] = ()) -> None:
    """Run every request through ``chat`` group by group, reporting each completion once. Exceptions of a
    ``fatal`` type (vLLM's ``EngineDeadError``) concern the whole engine: they propagate, nothing is retried."""
    groups, errors = plan(requests)
    for i, msg in errors:
        on_complete(i, Completion(finish_reason="error", error=msg))
    for g in groups:
        _run_group(g, chat, make_params, on_complete, fatal)


def _run_group(g: Group, chat: ChatFn, make_params: Callable[[dict[str, Any]], Any],
               on_complete: OnComplete, fatal: tuple[type[BaseException], ...]) -> None:
    t0 = time.perf_counter()
    try:
        outputs = chat(g.messages, [make_params(kw) for kw in g.sampling], g.chat_template_kwargs)
        if len(outputs) != len(g.indices):
            raise RuntimeError(f"vLLM returned {len(outputs)} outputs for {len(g.indices)} prompts")
    except Exception as e:  # isolate the failing request(s) by bisection
        if isinstance(e, fatal):
            raise
        if len(g.indices) == 1:
            on_complete(g.indices[0], Completion(finish_reason="error",
                                                 error=f"vLLM failed: {type(e).__name__}: {e}"))
            return
        mid = len(g.indices) // 2
        for part in (slice(0, mid), slice(mid, None)):
            half = Group(g.chat_template_kwargs, g.indices[part], g.messages[part], g.sampling[part])
            _run_group(half, chat, make_params, on_complete, fatal)
        return
    seconds = time.perf_counter() - t0
    for i, out in zip(g.indices, outputs, strict=True):
        on_complete(i, completion_from_output(out, seconds))
