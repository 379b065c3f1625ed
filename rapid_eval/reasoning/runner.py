"""``rapid-eval reason``: one reasoner call per usable perception record and repeat, in engine batches of
:data:`BATCH` records; each new answer is handed to ``on_answer`` as it arrives (the API scores it there)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from rapid_eval.engines.base import Engine
from rapid_eval.hashing import content_hash
from rapid_eval.prompts import PromptSet, question_vars
from rapid_eval.records import GenerationRecord, PerceptionRecord, ReasoningRecord
from rapid_eval.storage.cache import CallStats, request_key
from rapid_eval.storage.rundir import Run
from rapid_eval.types import ChatRequest, Message, Sample, SamplingParams
from rapid_eval.variants import DIRECT, NO_IMAGE_TEMPLATE, REASONER_TEMPLATES


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

    Templates get ``question``, ``prompt``, ``problem`` (:func:`rapid_eval.prompts.question_vars`), ``caption``
    and ``solution``. ``system``: the rendered system prompt, when the caller renders it once for a whole batch.
    """
    template = REASONER_TEMPLATES[variant] if sample.images else NO_IMAGE_TEMPLATE
    user = prompts.render(template, **question_vars(sample), caption=caption or "", solution=solution or "")
    if system is None:
        system = prompts.render("reasoner_system")
    return ChatRequest(messages=(Message("system", system), Message("user", user)), sampling=sampling)


OnAnswer = Callable[[Sample, GenerationRecord], None]
"""Called with (sample, generation record) as each new reasoner answer is stored (``reason`` scores it)."""


def reason(
    run: Run,
    engine: Engine,
    prompts: PromptSet,
    sampling: SamplingParams,
    variants: list[str] | None = None,
    perceptor: str | None = None,
    on_answer: OnAnswer | None = None,
    only_failed: bool = False,
    repeats: int = 1,
    only: set[str] | None = None,
    attempted: set[str] | frozenset[str] = frozenset(),
) -> tuple[int, CallStats, list[str]]:
    """Write one reasoning record per usable perception record and repeat; return (records, call stats, skipped).

    Perception records are streamed; a reasoning record already stored without error is kept without reading
    its generation, and only requests that are not cached are held for the batch, so a rerun's memory does not
    grow with the text of the run. ``only_failed``: keep only the calls whose last attempt failed
    (``reason --retry-failed``), in every repeat that failed even beyond ``repeats``. ``repeats``: repeat ``k``
    samples with seed ``sampling.seed + k`` (the seed is in the cache key, so each repeat is a cached call of its
    own) and its record carries ``repeat=k``; repeat 0 is the plain run, keys unchanged. ``only``: reason only
    the perception records of these samples (``task/id``; a shard, :mod:`rapid_eval.tasks.shard`). ``attempted``:
    generation keys already requested by this invocation (streamed, :mod:`rapid_eval.reasoning.prefetch`): a failed
    one is recorded with its error, not asked again; none is counted as reused."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    identity = engine.identity()
    if only_failed:  # every repeat that failed, not only those of this call's ``repeats`` (score's hint omits it)
        repeats = max(repeats, _failed_repeats(run, identity))
    seeds = [sampling if k == 0 else replace(sampling, seed=(sampling.seed or 0) + k) for k in range(repeats)]
    system = prompts.render("reasoner_system")
    sample = lru_cache(maxsize=4096)(run.sample)
    batch = _Batch()
    stats = CallStats()
    skipped: list[str] = []
    seen: set[str] = set()  # distinct generation keys (each one call, or one reuse)
    asked: set[str] = set()  # distinct keys requested
    n = 0
    for rec in run.iter_perception():
        if not wanted(rec, variants, perceptor, only):
            continue
        if rec.error:
            skipped.append(f"{rec.uid} [{rec.variant}]: perception failed ({rec.error}); rerun perceive")
            continue
        s = sample(rec.uid)
        if s is None:
            skipped.append(f"{rec.uid}: sample missing from samples.jsonl")
            continue
        for k, params in enumerate(seeds):
            req = reasoner_request(s, rec.variant, rec.caption, rec.solution, prompts, params, system)
            gkey = request_key(identity, req)
            if only_failed and not (run.generations.store.has(gkey) and gkey not in run.generations):
                continue  # --retry-failed: this call never failed (or never ran)
            n += 1
            seen.add(gkey)
            if gkey in attempted:
                asked.add(gkey)  # requested by this invocation already (streamed): counted there, not as reused
            if _key(rec.key, gkey) in run.reasoning:
                continue  # stored, and its generation is immutable once successful
            batch.todo.append((rec, gkey, k))
            if gkey not in run.generations and gkey not in batch.asked and gkey not in attempted:
                batch.add(req, gkey, f"{rec.uid} [{rec.variant}]" + (f" repeat {k}" if k else ""))
        if len(batch.todo) >= BATCH:
            stats.merge(batch.flush(run, engine, identity, sample, on_answer))
            asked |= batch.asked
            batch = _Batch()
    stats.merge(batch.flush(run, engine, identity, sample, on_answer))
    asked |= batch.asked
    stats.reused += len(seen) - len(asked)
    return n, stats, skipped


def wanted(rec: PerceptionRecord, variants: list[str] | None, perceptor: str | None,
           only: set[str] | None = None) -> bool:
    """Whether ``reason`` reasons on ``rec`` (not a direct answer; of the chosen variants, perceptor, samples)."""
    if rec.variant == DIRECT or (variants and rec.variant not in variants):
        return False
    if perceptor and rec.perceptor.get("model") != perceptor:
        return False
    return only is None or rec.uid in only


def _failed_repeats(run: Run, identity: dict[str, Any]) -> int:
    """1 + the highest repeat among this reasoner's failed reasoning records (0 when none failed): what
    ``--retry-failed`` must cover so a run made with ``--repeats K`` is completed by a plain ``--retry-failed``."""
    top = 0
    for r in run.iter_reasoning(containing=b'"error"'):
        if r.error and r.reasoner == identity:
            top = max(top, (r.repeat or 0) + 1)
    return top


BATCH = 20_000
"""Records per engine batch: bounds the memory a first run holds (requests and their texts), whatever the run's
size; large enough for any engine's own batching."""


class _Batch:
    """Reasoning records to write and the requests they still need."""

    def __init__(self) -> None:
        self.todo: list[tuple[PerceptionRecord, str, int]] = []  # (perception record, generation key, repeat)
        self.requests: list[ChatRequest] = []
        self.keys: list[str] = []
        self.labels: list[str] = []
        self.asked: set[str] = set()

    def add(self, req: ChatRequest, key: str, label: str) -> None:
        self.requests.append(req)
        self.keys.append(key)
        self.labels.append(label)
        self.asked.add(key)

    def flush(self, run: Run, engine: Engine, identity: dict[str, Any], sample: Callable[[str], Sample | None],
              on_answer: OnAnswer | None) -> CallStats:
        """Generate what is missing, appending each reasoning record as its answer arrives (the work overlaps the
        requests still in flight), then the records whose answer was cached."""
        if not self.todo:
            return CallStats()
        pending: dict[str, list[tuple[PerceptionRecord, int]]] = {}
        for prec, gkey, k in self.todo:
            pending.setdefault(gkey, []).append((prec, k))
        lock = threading.Lock()

        def arrived(i: int, line: dict[str, Any]) -> None:
            with lock:
                precs = pending.pop(self.keys[i], [])
            gen = GenerationRecord.from_dict(line)
            for prec, k in precs:
                _write(run, identity, prec, gen, k)
            if on_answer is not None and precs and not gen.error:
                s = sample(precs[0][0].uid)
                if s is not None:
                    on_answer(s, gen)

        _, stats = run.generations.run(engine, self.requests, stage="reason", labels=self.labels, keys=self.keys,
                                       on_result=arrived)
        for gkey, precs in pending.items():  # answers that were cached (or never came back)
            gen = run.generations.record(gkey) or GenerationRecord(key=gkey, error="not generated")
            for prec, k in precs:
                _write(run, identity, prec, gen, k)
        return stats


def _write(run: Run, identity: dict[str, Any], prec: PerceptionRecord, g: GenerationRecord, repeat: int = 0) -> None:
    """Append the reasoning record of ``prec`` answered by ``g`` (unless the same record is stored already)."""
    out = ReasoningRecord(
        key=_key(prec.key, g.key), task=prec.task, sample_id=prec.sample_id, variant=prec.variant,
        perceptor=prec.perceptor, reasoner=identity, perception_key=prec.key, generation_key=g.key,
        text=g.text, reasoning=g.reasoning, prompt_tokens=g.prompt_tokens, completion_tokens=g.completion_tokens,
        finish_reason=g.finish_reason, truncated_thinking=bool(g.truncated_thinking), seconds=g.seconds,
        error=g.error or None, repeat=repeat or None,
    ).to_dict()
    if run.reasoning.get(out["key"]) != out:
        run.reasoning.append(out)


def _key(perception_key: str, generation_key: str) -> str:
    return content_hash({"perception": perception_key, "generation": generation_key})
