"""``rapid-eval reason``: one reasoner call per perception record, all in one batch, then scoring."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from rapid_eval.cache import CallStats, request_key
from rapid_eval.engines.base import Engine
from rapid_eval.hashing import content_hash
from rapid_eval.prompts import PromptSet
from rapid_eval.records import PerceptionRecord, ReasoningRecord
from rapid_eval.rundir import Run
from rapid_eval.types import ChatRequest, Message, Sample, SamplingParams

# Which reasoner template each O_p variant uses (rapid-method.md 3; the mapping for variants the released code
# does not implement is a harness decision, documented in each template).
REASONER_TEMPLATES = {
    "none": "reason_none",
    "cap": "reason_cap",
    "qcap": "reason_cap",
    "sol": "reason_sol",
    "cap+sol": "reason_joint",
    "qcap+sol": "reason_joint",
}


def reasoner_request(
    sample: Sample,
    variant: str,
    caption: str | None,
    solution: str | None,
    prompts: PromptSet,
    sampling: SamplingParams,
    system: str | None = None,
) -> ChatRequest:
    """The reasoner's chat request. Items without an image get the plain prompt, as RAPID's reasoner does.
    ``system``: the rendered system prompt, when the caller renders it once for a whole batch."""
    template = REASONER_TEMPLATES[variant] if sample.images else "reason_none"
    user = prompts.render(template, question=sample.question, caption=caption or "", solution=solution or "")
    if system is None:
        system = prompts.render("reasoner_system")
    return ChatRequest(messages=(Message("system", system), Message("user", user)), sampling=sampling)


OnAnswer = Callable[[Sample, dict[str, Any]], None]
"""Called with (sample, generation record) as each new reasoner answer is stored (``reason`` scores it)."""


def reason(
    run: Run,
    engine: Engine,
    prompts: PromptSet,
    sampling: SamplingParams,
    variants: list[str] | None = None,
    perceptor: str | None = None,
    on_answer: OnAnswer | None = None,
) -> tuple[int, CallStats, list[str]]:
    """Write one reasoning record per usable perception record; return (records, call stats, skipped notes).

    Perception records are streamed; a reasoning record already stored without error is kept without reading
    its generation, and only requests that are not cached are held for the batch, so a rerun's memory does not
    grow with the text of the run."""
    identity = engine.identity()
    system = prompts.render("reasoner_system")
    sample = lru_cache(maxsize=4096)(run.sample)
    todo: list[tuple[PerceptionRecord, str]] = []  # records still to write (generation key)
    requests: list[ChatRequest] = []
    req_keys: list[str] = []
    labels: list[str] = []
    skipped: list[str] = []
    seen: set[str] = set()  # distinct generation keys (each one call, or one reuse)
    n = 0
    for rec in run.iter_perception():
        if rec.variant == "direct" or (variants and rec.variant not in variants):
            continue
        if perceptor and rec.perceptor.get("model") != perceptor:
            continue
        if rec.error:
            skipped.append(f"{rec.uid} [{rec.variant}]: perception failed ({rec.error}); rerun perceive")
            continue
        s = sample(rec.uid)
        if s is None:
            skipped.append(f"{rec.uid}: sample missing from samples.jsonl")
            continue
        n += 1
        req = reasoner_request(s, rec.variant, rec.caption, rec.solution, prompts, sampling, system)
        gkey = request_key(identity, req)
        seen.add(gkey)
        if _key(rec.key, gkey) in run.reasoning:
            continue  # stored, and its generation is immutable once successful
        todo.append((rec, gkey))
        if gkey not in run.generations:
            requests.append(req)
            req_keys.append(gkey)
            labels.append(f"{rec.uid} [{rec.variant}]")
    reused = len(seen) - len(set(req_keys))
    first_uid = {k: rec.uid for rec, k in reversed(todo)}

    def arrived(i: int, gen: dict[str, Any]) -> None:
        if on_answer is not None and not gen.get("error"):
            s = sample(first_uid[req_keys[i]])
            if s is not None:
                on_answer(s, gen)

    _, stats = run.generations.run(engine, requests, stage="reason", labels=labels, keys=req_keys,
                                   on_result=arrived)
    stats.reused += reused
    for prec, gkey in todo:
        gen = run.generations.get(gkey) or run.generations.store.get(gkey) or {"key": gkey, "error": "not generated"}
        out = ReasoningRecord(
            key=_key(prec.key, gkey),
            task=prec.task,
            sample_id=prec.sample_id,
            variant=prec.variant,
            perceptor=prec.perceptor,
            reasoner=identity,
            perception_key=prec.key,
            generation_key=gkey,
            text=gen.get("text", ""),
            reasoning=gen.get("reasoning"),
            prompt_tokens=gen.get("prompt_tokens"),
            completion_tokens=gen.get("completion_tokens"),
            finish_reason=gen.get("finish_reason"),
            truncated_thinking=bool(gen.get("truncated_thinking")),
            seconds=gen.get("seconds"),
            error=gen.get("error") or None,
        ).to_dict()
        if run.reasoning.get(out["key"]) != out:
            run.reasoning.append(out)
    return n, stats, skipped


def _key(perception_key: str, generation_key: str) -> str:
    return content_hash({"perception": perception_key, "generation": generation_key})
