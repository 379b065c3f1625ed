"""``rapid-eval perceive``: build every needed MLLM call once per sample and part, run them in engine batches of
:data:`BATCH` samples, compose each variant's record from its parts' generations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.hashing import content_hash
from rapid_eval.perception.variants import PARTS, VARIANTS, part_request
from rapid_eval.prompts import PromptSet
from rapid_eval.records import GenerationRecord, PerceptionRecord
from rapid_eval.storage.cache import CallStats, request_key
from rapid_eval.storage.rundir import Run
from rapid_eval.types import ChatRequest, Sample, SamplingParams
from rapid_eval.variants import DIRECT


def perceive(
    run: Run,
    engine: Engine,
    samples: list[Sample],
    variants: list[str],
    prompts: PromptSet,
    sampling: SamplingParams,
    on_record: OnRecord | None = None,
) -> tuple[int, CallStats]:
    """Write one perception record per (sample, variant); return (records written or kept, call stats).

    A record whose key (sample, variant, perceptor, generation keys of its parts) is already stored without error
    is kept as it is: its parts are not read back, so a rerun costs the index lookups, not the text. A sample's
    records are written as soon as its last part lands (those whose parts were all cached first), and each one,
    written or kept, is handed to ``on_record`` (streaming: the reasoner starts on it at once)."""
    run.add_samples(samples)
    stats = CallStats()
    for i in range(0, len(samples), BATCH):
        stats.merge(_perceive(run, engine, samples[i : i + BATCH], variants, prompts, sampling, on_record))
    return len(samples) * len(variants), stats


OnRecord = Callable[[PerceptionRecord, Sample], None]
"""Called with each perception record (written or kept) and its sample."""

BATCH = 5_000
"""Samples per engine batch (up to seven calls each): bounds what a first run holds, whatever its size."""


def _perceive(run: Run, engine: Engine, samples: list[Sample], variants: list[str], prompts: PromptSet,
              sampling: SamplingParams, on_record: OnRecord | None) -> CallStats:
    identity = engine.identity()
    # 1. every distinct (sample, part) call, in one batch; requests already cached are not kept
    keys: dict[tuple[str, str], str] = {}
    requests: list[ChatRequest] = []
    labels: list[str] = []
    req_keys: list[str] = []
    asked: set[str] = set()
    waiting: dict[str, list[Sample]] = {}  # generation key -> samples that wait for it
    missing: dict[str, int] = {}  # sample uid -> parts not generated yet
    for s in samples:
        for v in variants:
            for name in VARIANTS[v]:
                part = PARTS[name]
                if (part.needs_image and not s.images) or (s.uid, name) in keys:
                    continue
                req = part_request(s, part, prompts, sampling)
                k = keys[(s.uid, name)] = request_key(identity, req)
                if k not in run.generations:
                    waiting.setdefault(k, []).append(s)
                    missing[s.uid] = missing.get(s.uid, 0) + 1
                    if k not in asked:
                        asked.add(k)
                        requests.append(req)
                        req_keys.append(k)
                        labels.append(f"{s.uid} [{name}]")

    # 2. compose a sample's variants once its parts are in (only records not stored yet, or stored with an error)
    def compose(s: Sample) -> None:
        for v in variants:
            gen_keys = {name: keys.get((s.uid, name)) for name in VARIANTS[v]}
            key = _key(s, v, identity, gen_keys)
            if key in run.perception:
                stored = run.perception_record(key)
                if on_record is not None and stored is not None:
                    on_record(stored, s)
                continue
            parts = {name: run.generations.record(k) or GenerationRecord(key=k, error="not generated") if k else None
                     for name, k in gen_keys.items()}
            rec = _compose(s, v, identity, parts)
            d = rec.to_dict()
            if run.perception.get(d["key"]) != d:
                run.perception.append(d)
            if on_record is not None:
                on_record(rec, s)

    def arrived(i: int, _gen: dict[str, Any]) -> None:
        for s in waiting.pop(req_keys[i], []):
            missing[s.uid] -= 1
            if not missing[s.uid]:
                compose(s)

    for s in samples:
        if not missing.get(s.uid):
            compose(s)
    _, stats = run.generations.run(engine, requests, stage="perceive", labels=labels, keys=req_keys,
                                   on_result=arrived)
    stats.reused += len(set(keys.values())) - len(req_keys)
    for s in {s.uid: s for ss in waiting.values() for s in ss}.values():  # parts that never came back
        missing[s.uid] = -1
        compose(s)
    return stats


def _key(sample: Sample, variant: str, perceptor: dict[str, Any], gen_keys: dict[str, str | None]) -> str:
    return content_hash({"sample": sample.uid, "variant": variant, "perceptor": perceptor, "parts": gen_keys})


def _compose(sample: Sample, variant: str, perceptor: dict[str, Any],
             parts: dict[str, GenerationRecord | None]) -> PerceptionRecord:
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
        gen_keys[name] = rec.key
        if rec.error:
            errors.append(f"{name}: {rec.error}")
            continue
        texts[role] = rec.text
        prompt_tokens += rec.prompt_tokens or 0
        completion_tokens += rec.completion_tokens or 0
        seconds += rec.seconds or 0.0
    key = _key(sample, variant, perceptor, gen_keys)
    direct = parts.get(DIRECT) if variant == DIRECT else None  # the direct variant is its one part, same name
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
        truncated_thinking=bool(direct.truncated_thinking) if direct else None,
        finish_reason=direct.finish_reason if direct else None,
        error="; ".join(errors) if errors else None,
    )
