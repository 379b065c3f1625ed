"""``rapid-eval perceive``: build every needed MLLM call once, run them in one batch, compose the variants."""

from __future__ import annotations

from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.hashing import content_hash
from rapid_eval.perception.variants import PARTS, VARIANTS, part_request
from rapid_eval.prompts import PromptSet
from rapid_eval.records import PerceptionRecord
from rapid_eval.storage.cache import CallStats, request_key
from rapid_eval.storage.rundir import Run, sample_uid
from rapid_eval.types import ChatRequest, Sample, SamplingParams


def perceive(
    run: Run,
    engine: Engine,
    samples: list[Sample],
    variants: list[str],
    prompts: PromptSet,
    sampling: SamplingParams,
) -> tuple[int, CallStats]:
    """Write one perception record per (sample, variant); return (records written or kept, call stats).

    A record whose key (sample, variant, perceptor, generation keys of its parts) is already stored without error
    is kept as it is: its parts are not read back, so a rerun costs the index lookups, not the text."""
    run.add_samples(samples)
    stats = CallStats()
    for i in range(0, len(samples), BATCH):
        stats.merge(_perceive(run, engine, samples[i : i + BATCH], variants, prompts, sampling))
    return len(samples) * len(variants), stats


BATCH = 5_000
"""Samples per engine batch (up to seven calls each): bounds what a first run holds, whatever its size."""


def _perceive(run: Run, engine: Engine, samples: list[Sample], variants: list[str], prompts: PromptSet,
              sampling: SamplingParams) -> CallStats:
    identity = engine.identity()
    # 1. every distinct (sample, part) call, in one batch; requests already cached are not kept
    keys: dict[tuple[str, str], str] = {}
    requests: list[ChatRequest] = []
    labels: list[str] = []
    req_keys: list[str] = []
    asked: set[str] = set()
    for s in samples:
        for v in variants:
            for name in VARIANTS[v]:
                part = PARTS[name]
                if (part.needs_image and not s.images) or (sample_uid(s), name) in keys:
                    continue
                req = part_request(s, part, prompts, sampling)
                k = keys[(sample_uid(s), name)] = request_key(identity, req)
                if k not in run.generations and k not in asked:
                    asked.add(k)
                    requests.append(req)
                    req_keys.append(k)
                    labels.append(f"{sample_uid(s)} [{name}]")
    _, stats = run.generations.run(engine, requests, stage="perceive", labels=labels, keys=req_keys)
    stats.reused += len(set(keys.values())) - len(req_keys)

    # 2. compose the variants from their parts (only records not stored yet, or stored with an error)
    for s in samples:
        for v in variants:
            gen_keys = {name: keys.get((sample_uid(s), name)) for name in VARIANTS[v]}
            if _key(s, v, identity, gen_keys) in run.perception:
                continue
            parts = {name: run.generations.record(k) or {"key": k, "error": "not generated"} if k else None
                     for name, k in gen_keys.items()}
            rec = _compose(s, v, identity, parts).to_dict()
            if run.perception.get(rec["key"]) != rec:
                run.perception.append(rec)
    return stats


def _key(sample: Sample, variant: str, perceptor: dict[str, Any], gen_keys: dict[str, str | None]) -> str:
    return content_hash({"sample": sample_uid(sample), "variant": variant, "perceptor": perceptor, "parts": gen_keys})


def _compose(sample: Sample, variant: str, perceptor: dict[str, Any],
             parts: dict[str, dict[str, Any] | None]) -> PerceptionRecord:
    texts: dict[str, str | None] = {"caption": None, "solution": None, "answer": None}
    errors: list[str] = []
    gen_keys: dict[str, str | None] = {}
    prompt_tokens = completion_tokens = 0
    seconds = 0.0
    for name, rec in parts.items():
        role = PARTS[name].role
        if rec is None:  # skipped: a caption part for an item without an image
            texts[role] = ""
            gen_keys[name] = None
            continue
        gen_keys[name] = rec["key"]
        if rec.get("error"):
            errors.append(f"{name}: {rec['error']}")
            continue
        texts[role] = rec.get("text", "")
        prompt_tokens += rec.get("prompt_tokens") or 0
        completion_tokens += rec.get("completion_tokens") or 0
        seconds += rec.get("seconds") or 0.0
    key = _key(sample, variant, perceptor, gen_keys)
    direct = parts.get("direct") if variant == "direct" else None
    return PerceptionRecord(
        key=key,
        task=sample.task,
        sample_id=sample.id,
        variant=variant,
        perceptor=perceptor,
        parts=gen_keys,
        caption=texts["caption"],
        solution=texts["solution"],
        answer=texts["answer"],
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        seconds=round(seconds, 4),
        truncated_thinking=bool(direct.get("truncated_thinking")) if direct else None,
        finish_reason=direct.get("finish_reason") if direct else None,
        error="; ".join(errors) if errors else None,
    )
