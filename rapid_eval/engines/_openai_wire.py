"""The OpenAI chat-completions wire format: request bodies, response parsing, retry timing. Pure functions.

Kept free of httpx/torch so it is cheap to import and easy to test. Bodies carry only fields that every
OpenAI-compatible server accepts (vLLM, SGLang, ``transformers serve``, hosted APIs): never ``stop`` (it breaks
VLM requests on ``transformers serve``) nor ``top_k``/``n`` (rejected or ignored by some servers).
"""

from __future__ import annotations

import email.utils
import random
import time
from typing import Any

from rapid_eval.engines._images import image_data_url
from rapid_eval.engines.thinking import split_reasoning
from rapid_eval.sanitize import clean_text, printable, token_count
from rapid_eval.types import ChatRequest, Completion

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})
"""HTTP statuses worth retrying: timeouts, rate limits, overload and server errors."""
MAX_RETRY_AFTER = 600.0
"""A server asking for a longer pause than this (seconds) gets this long."""


def to_openai_messages(request: ChatRequest) -> list[dict[str, Any]]:
    """Chat messages with images as base64 data URLs before the text; plain string content when no images."""
    out: list[dict[str, Any]] = []
    for m in request.messages:
        if m.images:
            parts: list[dict[str, Any]] = [
                {"type": "image_url", "image_url": {"url": image_data_url(p)}} for p in m.images]
            parts.append({"type": "text", "text": m.text})
            out.append({"role": m.role, "content": parts})
        else:
            out.append({"role": m.role, "content": m.text})
    return out


def build_body(model: str, request: ChatRequest, extra_body: dict[str, Any] | None = None,
               max_tokens_field: str = "max_tokens", pin_sampling: bool = False) -> dict[str, Any]:
    """The JSON body of ``POST /chat/completions`` for one request (raises ``ImageError`` for bad images).

    ``pin_sampling`` (for vLLM / SGLang, which fill unspecified fields from the model's
    ``generation_config``, e.g. Qwen2.5-VL's ``repetition_penalty=1.05``) also sends ``top_k=-1``, ``min_p=0``
    and ``repetition_penalty`` even when it is 1.0. Other servers get ``repetition_penalty`` only when it is
    not 1.0 (``transformers serve`` rejects the field).
    """
    sp = request.sampling
    body: dict[str, Any] = {
        "model": model,
        "messages": to_openai_messages(request),
        max_tokens_field: sp.max_new_tokens,
        "temperature": sp.temperature,
        "top_p": sp.top_p,
    }
    if sp.seed is not None:
        body["seed"] = sp.seed
    if pin_sampling:
        body.update(top_k=-1, min_p=0.0, repetition_penalty=sp.repetition_penalty)
    elif sp.repetition_penalty != 1.0:
        body["repetition_penalty"] = sp.repetition_penalty  # vLLM / SGLang extension
    if sp.enable_thinking is not None:
        body["chat_template_kwargs"] = {"enable_thinking": sp.enable_thinking}
    if extra_body:
        for k, v in extra_body.items():
            if k == "chat_template_kwargs" and isinstance(v, dict):
                body[k] = {**v, **body.get(k, {})}
            else:
                body[k] = v
    return body


class MalformedResponse(ValueError):
    """A 200 response whose JSON lacks the chat-completion fields (retried like a transient failure)."""


def parse_response(data: Any) -> Completion:
    """A ``Completion`` from a chat-completion JSON object: reasoning from ``reasoning_content`` /
    ``reasoning`` when the server split it out, else from ``<think>`` in the content; tokens from ``usage``.

    The one place a reply's shape is checked: anything but a dict with a non-empty ``choices`` list whose first
    item has a ``message`` dict with string (or null) ``content`` and reasoning raises ``MalformedResponse``.
    Token counts that are not plain non-negative integers become None; lone surrogates become U+FFFD."""
    if not isinstance(data, dict):
        raise MalformedResponse(f"reply is a JSON {type(data).__name__}, not an object")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices:
        err = data.get("error")
        raise MalformedResponse(f"no choices in response{': ' + printable(str(err), 300) if err else ''}")
    choice = choices[0]
    msg = choice.get("message") if isinstance(choice, dict) else None
    if not isinstance(msg, dict):
        raise MalformedResponse(f"choices[0].message is {_kind(msg)}, not an object")
    fields = {}
    for name in ("content", "reasoning_content", "reasoning"):
        value = msg.get(name)
        if value is not None and not isinstance(value, str):
            raise MalformedResponse(f"choices[0].message.{name} is {_kind(value)}, not a string")
        fields[name] = clean_text(value) if value else None
    content = fields["content"] or ""
    server_reasoning = fields["reasoning_content"] or fields["reasoning"]
    finish = choice.get("finish_reason")
    finish = printable(finish, 40) if isinstance(finish, str) and finish else "stop"
    text, reasoning, truncated = split_reasoning(content, server_reasoning)
    if server_reasoning and not text and finish == "length":
        truncated = True  # cut inside the trace: the server put everything into the reasoning field
    usage = data.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    return Completion(text=text, reasoning=reasoning, prompt_tokens=token_count(usage.get("prompt_tokens")),
                      completion_tokens=token_count(usage.get("completion_tokens")), finish_reason=finish,
                      truncated_thinking=truncated)


def _kind(value: Any) -> str:
    return "missing" if value is None else f"a {type(value).__name__}"


def retry_after_seconds(headers: Any, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or HTTP date), capped; else None."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return min(max(float(ms) / 1000.0, 0.0), MAX_RETRY_AFTER)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def backoff_seconds(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: ``min(cap, base * 2**attempt)`` scaled by a factor in [0.5, 1)."""
    r = (rng or random).random()
    return min(cap, base * (2 ** attempt)) * (0.5 + 0.5 * r)
