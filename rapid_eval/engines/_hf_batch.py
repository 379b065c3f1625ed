"""Batch plumbing for the in-process transformers engine: encode one request, collate, split outputs.

Each request is encoded on its own (chat template, images, processor) so that a bad image or template error
fails only that request and its exact prompt length is known; encoded requests are then left-padded into a
batch. Outputs are cut at the first end-of-sequence id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapid_eval.engines._images import load_pil
from rapid_eval.types import ChatRequest


@dataclass
class Encoded:
    """One request, tokenised: tensors with a leading batch dimension of 1, and its prompt length."""

    index: int
    inputs: dict[str, Any]
    length: int


def to_hf_messages(request: ChatRequest, vision: bool) -> list[dict[str, Any]]:
    """Chat messages in the transformers format; images (as ``{"type": "image"}`` parts) precede the text."""
    out: list[dict[str, Any]] = []
    for m in request.messages:
        if m.images and not vision:
            raise ValueError("this model has no vision input, but the request contains images")
        if vision:
            parts: list[dict[str, Any]] = [{"type": "image"} for _ in m.images]
            parts.append({"type": "text", "text": m.text})
            out.append({"role": m.role, "content": parts})
        else:
            out.append({"role": m.role, "content": m.text})
    return out


def encode(index: int, request: ChatRequest, processor: Any, vision: bool) -> Encoded:
    """Render the chat template and tokenise one request (loading its images); raises on any problem."""
    kw = {}
    if request.sampling.enable_thinking is not None:
        kw["enable_thinking"] = request.sampling.enable_thinking
    text = processor.apply_chat_template(to_hf_messages(request, vision), add_generation_prompt=True,
                                         tokenize=False, **kw)
    if vision:
        images = [load_pil(p) for p in request.images]
        inputs = processor(text=[text], images=images or None, add_special_tokens=False, return_tensors="pt")
    else:
        inputs = processor([text], add_special_tokens=False, return_tensors="pt")
    inputs = dict(inputs)
    return Encoded(index, inputs, int(inputs["input_ids"].shape[1]))


def collate(items: list[Encoded], pad_id: int) -> dict[str, Any]:
    """Left-pad sequence tensors to the longest prompt; concatenate the rest (pixel values, grids) in order."""
    import torch

    width = max(e.length for e in items)
    keys = [k for k in items[0].inputs if all(k in e.inputs for e in items)]
    extra = {k for e in items for k in e.inputs} - set(keys)
    batch: dict[str, Any] = {}
    for k in keys:
        vals = [e.inputs[k] for e in items]
        if all(v.dim() == 2 and v.shape[0] == 1 and v.shape[1] == e.length for v, e in zip(vals, items, strict=True)):
            fill = pad_id if k == "input_ids" else 0
            batch[k] = torch.cat(
                [torch.nn.functional.pad(v, (width - v.shape[1], 0), value=fill) for v in vals], dim=0)
        else:
            batch[k] = torch.cat(vals, dim=0)
    for k in extra:  # e.g. pixel_values when only some requests have images
        batch[k] = torch.cat([e.inputs[k] for e in items if k in e.inputs], dim=0)
    return batch


def split_output(row: list[int], eos_ids: set[int]) -> tuple[list[int], int, bool]:
    """``(content ids without eos, completion tokens incl. eos, hit_eos)`` for one generated row."""
    for i, t in enumerate(row):
        if t in eos_ids:
            return row[:i], i + 1, True
    return row, len(row), False


def generation_kwargs(request: ChatRequest, suppress: list[int], pad_id: int) -> dict[str, Any]:
    """``model.generate`` keyword arguments for one request's sampling settings.

    Everything the request specifies overrides the model's ``generation_config`` (Qwen-VL checkpoints ship
    ``repetition_penalty=1.05``, Qwen3 ``top_k=20``); ``top_k``/``min_p`` are off, as with vLLM or an OpenAI
    server given explicit parameters, so the backends sample the same distribution.
    """
    sp = request.sampling
    kw: dict[str, Any] = {"max_new_tokens": sp.max_new_tokens, "pad_token_id": pad_id, "top_k": None,
                          "min_p": None, "repetition_penalty": sp.repetition_penalty}
    if sp.temperature > 0:
        kw.update(do_sample=True, temperature=sp.temperature, top_p=sp.top_p)
    else:
        kw.update(do_sample=False, temperature=None, top_p=None)
    if suppress:
        kw["suppress_tokens"] = suppress
    return kw


def batch_key(request: ChatRequest) -> tuple:
    """Requests that share this key can run in one ``generate`` call (same sampling settings and seed)."""
    sp = request.sampling
    return (sp.temperature, sp.top_p, sp.max_new_tokens, sp.repetition_penalty, sp.seed)
