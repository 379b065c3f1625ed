"""The model stages: :func:`perceive`, :func:`reason` and the two streamed together
(:func:`perceive_and_reason`)."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rapid_eval.api._support import check_scorer, counter_delta, run_of, sampling, shard_of, stage_failure
from rapid_eval.api.results import StageResult
from rapid_eval.api.scores import score
from rapid_eval.types import PERCEPTOR_DEFAULTS, REASONER_DEFAULTS, Sample, SamplingParams

if TYPE_CHECKING:
    from rapid_eval.engines.base import Engine
    from rapid_eval.prompts import PromptSet
    from rapid_eval.reasoning.prefetch import Prefetcher
    from rapid_eval.records import PerceptionRecord
    from rapid_eval.storage.rundir import Run
    from rapid_eval.tasks.shard import Shard


def perceive(
    samples: Sequence[Sample],
    engine: Engine,
    variants: str | Sequence[str] | None = None,
    out: str | Path | Run = "runs/run",
    *,
    prompts: str | Path | None = None,
    max_new_tokens: int | None = None,
    temperature: float | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    shard: str | Shard | None = None,
    log_stats: bool = True,
    on_record: Callable[[PerceptionRecord, Sample], None] | None = None,
    **stats_extra: Any,
) -> StageResult:
    """Run the perceptor on ``samples``: one record per (sample, variant) under ``out`` (created; reused on
    rerun, so nothing is generated twice). ``variants``: comma string or list (default: all seven). ``shard``:
    ``"I/N"`` keeps only this share of ``samples`` (:mod:`rapid_eval.tasks.shard`; every shard must be given
    the same ``samples``); ``rapid-eval merge`` joins the shard runs. ``on_record(record, sample)``: called with each
    perception record as soon as it is written (or found stored), e.g. to stream it to a reasoner
    (:func:`perceive_and_reason`)."""
    from rapid_eval.perception import parse_variants
    from rapid_eval.perception import perceive as run_perceive
    from rapid_eval.prompts import PromptSet, prompts_fingerprint

    started = time.time()
    chosen = parse_variants(list(variants) if variants is not None and not isinstance(variants, str) else variants)
    if shard is not None:
        samples, stats_extra["shard"] = shard_of(samples, shard)
    run = run_of(out, create=True)
    params = sampling(PERCEPTOR_DEFAULTS, max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p,
                      seed=seed)
    stats_extra["settings"] = {"perceptor": engine.identity(), "sampling": params.to_dict(), "variants": chosen,
                               "prompts": prompts_fingerprint(prompts)}
    before = engine.counters()
    with run.lock("perceive"), stage_failure(run, "perceive", engine, before, started, log_stats):
        n, stats = run_perceive(run, engine, list(samples), chosen, PromptSet(prompts), params, on_record)
        counters = counter_delta(engine, before)
        if log_stats:
            run.log_stats("perceive", n, stats, started, model=engine.model, variants=chosen, **counters,
                          **stats_extra)
        run.close()
    return StageResult(run, n, stats, counters=counters)


def reason(
    run: str | Path | Run,
    engine: Engine,
    *,
    variants: str | Sequence[str] | None = None,
    perceptor: str | None = None,
    prompts: str | Path | None = None,
    max_new_tokens: int | None = None,
    temperature: float | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    thinking: bool | None = None,
    retry_failed: bool = False,
    repeats: int = 1,
    scorer: str | None = "official",
    workers: int | None = None,
    score_as_they_arrive: str | None = None,
    shard: str | Shard | None = None,
    log_stats: bool = True,
    prefetched: Prefetcher | None = None,
    **stats_extra: Any,
) -> StageResult:
    """Run the reasoner on every usable perception record of ``run`` (only ``variants`` / ``perceptor`` if
    given), then score the run, as ``rapid-eval reason`` does: ``scorer`` ``"official"`` (each benchmark's rules,
    the default) or ``"generic"`` decides, while the batch runs, every new answer that needs no symbolic math and
    caches its verdict, then scores the whole run (:func:`score` with ``workers``, no judge, no ``score`` stats
    line) into ``result.scores``; ``scorer=None`` only reasons (``result.scores`` is None).
    ``score_as_they_arrive`` is the old name of ``scorer`` (deprecated). ``retry_failed``: redo only
    the calls that failed before (nothing new is started). ``repeats``: sample each answer K times with seeds
    seed..seed+K-1, each a cached call and record of its own. ``shard``: ``"I/N"`` reasons only the perception
    records of this share of the run's samples (:mod:`rapid_eval.tasks.shard`). ``prefetched``: the calls this
    reasoner already made while perception ran (:func:`perceive_and_reason`), counted in the result."""
    if score_as_they_arrive is not None:
        warnings.warn("reason(score_as_they_arrive=...) is deprecated: use scorer=...", DeprecationWarning,
                      stacklevel=2)
        scorer = score_as_they_arrive
    plan = _ReasonPlan.of(variants=variants, perceptor=perceptor, prompts=prompts, max_new_tokens=max_new_tokens,
                          temperature=temperature, top_p=top_p, seed=seed, thinking=thinking, repeats=repeats)
    result = _reason(run_of(run), engine, plan, scorer=scorer, retry_failed=retry_failed, shard=shard,
                     log_stats=log_stats, prefetched=prefetched, stats_extra=stats_extra)
    if scorer is None:
        return result
    return replace(result, scores=score(result.run, scorer=scorer, workers=workers, log_stats=False))


@dataclass(frozen=True)
class _ReasonPlan:
    """What a reasoner asks, derived once from :func:`reason`'s options: a reasoner streamed behind perception
    (its :class:`~rapid_eval.reasoning.prefetch.Prefetcher`) and its reason pass must ask exactly the same."""

    prompts_spec: str | Path | None
    prompts: PromptSet
    params: SamplingParams
    variants: list[str] | None
    perceptor: str | None
    repeats: int

    KEYS: ClassVar[tuple[str, ...]] = ("variants", "perceptor", "prompts", "max_new_tokens", "temperature",
                                       "top_p", "seed", "thinking", "repeats")
    """The options of :func:`reason` a plan is made of."""

    @classmethod
    def of(cls, *, variants: str | Sequence[str] | None = None, perceptor: str | None = None,
           prompts: str | Path | None = None, max_new_tokens: int | None = None, temperature: float | None = None,
           top_p: float | None = None, seed: int | None = None, thinking: bool | None = None,
           repeats: int | None = 1) -> _ReasonPlan:
        """The plan of these options (unknown variants raise before any model call)."""
        from rapid_eval.prompts import PromptSet
        from rapid_eval.variants import parse_variants

        chosen = parse_variants(variants if isinstance(variants, str) else list(variants)) if variants else None
        params = sampling(REASONER_DEFAULTS, max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p,
                          seed=seed, enable_thinking=thinking)
        return cls(prompts, PromptSet(prompts), params, chosen, perceptor, int(repeats or 1))

    def settings(self, engine: Engine) -> dict[str, Any]:
        """The ``settings`` of the stage's stats line (what a shard merge must find equal)."""
        from rapid_eval.prompts import prompts_fingerprint

        return {"reasoner": engine.identity(), "sampling": self.params.to_dict(), "variants": self.variants,
                "perceptor": self.perceptor, "repeats": self.repeats,
                "prompts": prompts_fingerprint(self.prompts_spec)}


def _reason(run: Run, engine: Engine, plan: _ReasonPlan, *, scorer: str | None, retry_failed: bool = False,
            shard: str | Shard | None = None, log_stats: bool = True, prefetched: Prefetcher | None = None,
            stats_extra: dict[str, Any]) -> StageResult:
    """:func:`reason` without the scoring at the end (``scorer`` only decides the cheap verdicts as the answers
    arrive)."""
    from rapid_eval.grading.prescore import Prescorer
    from rapid_eval.reasoning import reason as run_reason

    check_scorer(scorer, none_ok=True)
    started = time.time()
    only: set[str] | None = None
    if shard is not None:
        mine, stats_extra["shard"] = shard_of(list(run.samples().values()), shard)
        only = {s.uid for s in mine}
    stats_extra["settings"] = plan.settings(engine)
    before = engine.counters()
    with run.lock("reason"), stage_failure(run, "reason", engine, before, started, log_stats):
        pre = Prescorer(run.root / "verdict_cache.jsonl", scorer) if scorer else None
        try:
            n, stats, skipped = run_reason(run, engine, plan.prompts, plan.params, plan.variants, plan.perceptor,
                                           on_answer=pre, only_failed=retry_failed, repeats=plan.repeats, only=only,
                                           attempted=prefetched.attempted if prefetched else frozenset())
        finally:
            if pre is not None:
                pre.close()
        if prefetched is not None:
            stats.merge(prefetched.stats)
            stats_extra.update(prefetched.stats_line())
        counters = counter_delta(engine, before)
        if log_stats:
            run.log_stats("reason", n, stats, started, reasoner=engine.model, skipped=len(skipped),
                          skipped_reasons=skipped[:5], **counters, **stats_extra)
        run.close()
    return StageResult(run, n, stats, skipped, counters)


def perceive_and_reason(
    samples: Sequence[Sample],
    perceptor: Engine,
    reasoners: Engine | Sequence[Engine],
    variants: str | Sequence[str] | None = None,
    out: str | Path | Run = "runs/run",
    *,
    perceive_options: Mapping[str, Any] | None = None,
    reason_options: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
    log_stats: bool = True,
    scorer: str | None = "official",
    workers: int | None = None,
) -> tuple[StageResult, list[StageResult]]:
    """:func:`perceive`, then :func:`reason` with each reasoner, streamed: each reasoner's calls start on a
    perception record as soon as it lands (:mod:`rapid_eval.reasoning.prefetch`), so every engine is busy at
    once; the records and scores are those of the sequential calls. ``perceive_options``: :func:`perceive`'s
    keywords; ``reason_options``: :func:`reason`'s, one mapping for all reasoners or one per reasoner (their
    ``scorer`` decides the cheap verdicts as the answers arrive). ``scorer``: the run is scored once, after the
    last reasoner, and every reasoner's result carries those scores (None: no scoring)."""
    from rapid_eval.engines.base import Engine
    from rapid_eval.reasoning.prefetch import Prefetcher

    check_scorer(scorer, none_ok=True)
    engines = [reasoners] if isinstance(reasoners, Engine) else list(reasoners)
    ropts = [dict(o) for o in reason_options] if isinstance(reason_options, Sequence) else \
        [dict(reason_options or {}) for _ in engines]
    if len(ropts) != len(engines):
        raise ValueError(f"{len(engines)} reasoners but {len(ropts)} reason_options")
    passes = [_stage_options(o, scorer) for o in ropts]  # (plan, the pass's own keywords)
    run = run_of(out, create=True)
    with run.lock("reason"):  # the streamed calls are reason's: held until its passes end
        streams = [Prefetcher(run, eng, plan.prompts, plan.params, plan.variants, plan.perceptor,
                              plan.repeats).start() for eng, (plan, _) in zip(engines, passes, strict=True)]

        def offer(rec: PerceptionRecord, s: Sample) -> None:
            for st in streams:
                st.offer(rec, s)

        try:
            p = perceive(samples, perceptor, variants, run, log_stats=log_stats, on_record=offer,
                         **dict(perceive_options or {}))
        finally:
            for st in streams:
                st.finish()
        results = [_reason(run, eng, plan, log_stats=log_stats, prefetched=st, **kw)
                   for eng, (plan, kw), st in zip(engines, passes, streams, strict=True)]
    if scorer is not None and results:
        scores = score(run, scorer=scorer, workers=workers, log_stats=False)
        results = [replace(res, scores=scores) for res in results]
    return p, results


def _stage_options(options: Mapping[str, Any], scorer: str | None) -> tuple[_ReasonPlan, dict[str, Any]]:
    """:func:`reason`'s keywords split into the plan and :func:`_reason`'s own (no final scoring: ``workers`` is
    not its); keywords no option names go to the stats line, as :func:`reason` takes them."""
    rest = dict(options)
    plan = _ReasonPlan.of(**{k: rest.pop(k) for k in _ReasonPlan.KEYS if k in rest})
    rest.pop("workers", None)
    old = rest.pop("score_as_they_arrive", None)
    chosen = rest.pop("scorer", scorer)
    return plan, {"scorer": old if old is not None else chosen, "retry_failed": bool(rest.pop("retry_failed", False)),
                  "shard": rest.pop("shard", None), "stats_extra": rest}
