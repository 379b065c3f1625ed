"""``rapid-eval reason``: one reasoner call per perception record, all in one batch, then scoring."""

from __future__ import annotations

from dataclasses import replace

from rapid_eval.cache import CallStats, request_key
from rapid_eval.engines.base import Engine
from rapid_eval.hashing import content_hash
from rapid_eval.prompts import PromptSet, question_vars
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
) -> ChatRequest:
    """The reasoner's chat request. Items without an image get the plain prompt, as RAPID's reasoner does.

    Templates get ``question``, ``prompt``, ``problem`` (:func:`rapid_eval.prompts.question_vars`), ``caption``
    and ``solution``.
    """
    template = REASONER_TEMPLATES[variant] if sample.images else "reason_none"
    qv = question_vars(sample)
    user = prompts.render(template, **qv, caption=caption or "", solution=solution or "")
    system = prompts.render("reasoner_system")
    return ChatRequest(messages=(Message("system", system), Message("user", user)), sampling=sampling)


def reason(
    run: Run,
    engine: Engine,
    prompts: PromptSet,
    sampling: SamplingParams,
    variants: list[str] | None = None,
    perceptor: str | None = None,
    only_failed: bool = False,
    repeats: int = 1,
) -> tuple[int, CallStats, list[str]]:
    """Write one reasoning record per usable perception record and repeat; return (records, call stats, skipped).

    ``only_failed``: keep only the calls whose last attempt failed (``reason --retry-failed``).
    ``repeats``: repeat ``k`` samples with seed ``sampling.seed + k`` (the seed is in the cache key, so each repeat
    is a cached call of its own) and its record carries ``repeat=k``; repeat 0 is the plain run, keys unchanged."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    samples = run.samples()
    todo: list[tuple[PerceptionRecord, Sample]] = []
    skipped: list[str] = []
    for rec in run.perception_records():
        if rec.variant == "direct" or (variants and rec.variant not in variants):
            continue
        if perceptor and rec.perceptor.get("model") != perceptor:
            continue
        if rec.error:
            skipped.append(f"{rec.uid} [{rec.variant}]: perception failed ({rec.error}); rerun perceive")
            continue
        if rec.uid not in samples:
            skipped.append(f"{rec.uid}: sample missing from samples.jsonl")
            continue
        todo.append((rec, samples[rec.uid]))

    seeds = [sampling if k == 0 else replace(sampling, seed=(sampling.seed or 0) + k) for k in range(repeats)]
    jobs = [(r, s, k) for k in range(repeats) for r, s in todo]
    requests = [reasoner_request(s, r.variant, r.caption, r.solution, prompts, seeds[k]) for r, s, k in jobs]
    if only_failed:
        ident = engine.identity()
        failed = [bool((g := run.generations.get(request_key(ident, q))) and g.get("error")) for q in requests]
        jobs = [t for t, f in zip(jobs, failed, strict=True) if f]
        requests = [q for q, f in zip(requests, failed, strict=True) if f]
    labels = [f"{r.uid} [{r.variant}]" + (f" repeat {k}" if k else "") for r, _, k in jobs]
    results, stats = run.generations.run(engine, requests, stage="reason", labels=labels)

    reasoner = engine.identity()
    for (prec, _, k), gen in zip(jobs, results, strict=True):
        row = ReasoningRecord(
            key=content_hash({"perception": prec.key, "generation": gen["key"]}),
            task=prec.task,
            sample_id=prec.sample_id,
            variant=prec.variant,
            perceptor=prec.perceptor,
            reasoner=reasoner,
            perception_key=prec.key,
            generation_key=gen["key"],
            text=gen.get("text", ""),
            reasoning=gen.get("reasoning"),
            prompt_tokens=gen.get("prompt_tokens"),
            completion_tokens=gen.get("completion_tokens"),
            finish_reason=gen.get("finish_reason"),
            truncated_thinking=bool(gen.get("truncated_thinking")),
            seconds=gen.get("seconds"),
            error=gen.get("error") or None,
            repeat=k or None,
        ).to_dict()
        if run.reasoning.get(row["key"]) != row:
            run.reasoning.append(row)
    return len(jobs), stats, skipped
