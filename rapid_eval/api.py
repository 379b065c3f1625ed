"""The Python API: the CLI, the demo, the tests, the reporters and the trainer all drive the pipeline through here.

Modelled on lm-evaluation-harness's ``simple_evaluate``: plain functions with keyword options for everything the
command line offers, each returning a typed result::

    import rapid_eval as re_
    samples = re_.load_tasks("mathvista,wemath", data_dir="tasks/fixtures", limit=20)
    with re_.load_engine("scripted", "vlm") as vlm:
        re_.perceive(samples, vlm, variants="qcap+sol", out="runs/x")
    with re_.load_engine("openai", "Qwen/Qwen3-8B", base_url="http://127.0.0.1:8000/v1") as llm:
        result = re_.reason("runs/x", llm)              # reasons, then scores the run (scorer=None: no scoring)
    result.scores.rows[0].score                     # the same as re_.score("runs/x").rows[0].score
    re_.export_run("runs/x", "datasets/x")            # O_p as a Hugging Face dataset folder (or push=REPO_ID)
    re_.import_run("datasets/x", "runs/y")            # ... reasoned on elsewhere with no MLLM

Every stage appends one line to ``RUN/stats.jsonl`` (``log_stats=False`` skips it). Nothing here prints tables:
that is the CLI's job (:mod:`rapid_eval.reports`). Errors raise (``TaskError``, ``BackendError``, ``ValueError``)
with one clear line; the CLI turns them into exit codes.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.log import warn
from rapid_eval.types import PERCEPTOR_DEFAULTS, REASONER_DEFAULTS, Sample, SamplingParams

if TYPE_CHECKING:
    from rapid_eval.engines.base import Engine
    from rapid_eval.hub.export import ExportResult
    from rapid_eval.hub.import_ import ImportResult
    from rapid_eval.reasoning.prefetch import Prefetcher
    from rapid_eval.records import PerceptionRecord
    from rapid_eval.rescore.result import RescoreResult
    from rapid_eval.storage.cache import CallStats
    from rapid_eval.storage.rundir import Run
    from rapid_eval.summaries import RunSummary, SummaryRow
    from rapid_eval.tasks.shard import Shard

@dataclass(frozen=True)
class StageResult:
    """What ``perceive`` or ``reason`` did."""

    run: Run
    """The run directory written to."""
    records: int
    """Records written or kept (one per sample x variant, or per perception record reasoned)."""
    stats: CallStats
    """Model calls: generated, reused from the cache, failed (with their errors), tokens, seconds."""
    skipped: list[str] = field(default_factory=list)
    """Why some inputs were not processed (failed perception records, missing samples)."""
    counters: dict[str, Any] = field(default_factory=dict)
    """The engine's transport counters for this stage: attempts, retries (in all and by cause), probes."""
    scores: ScoreResult | None = None
    """:func:`reason` with a ``scorer`` (the default): the scores of the whole run once this stage ended, as
    :func:`score` computes them; None for :func:`perceive` and for ``reason(..., scorer=None)``."""

    @property
    def failed(self) -> int:
        """Requests that failed for good (recorded with their error; a rerun retries them)."""
        return self.stats.failed


@dataclass(frozen=True)
class ScoreResult:
    """What ``score`` computed (also written to ``summary.json``, ``scores.json``, ``verdicts.jsonl``)."""

    run: Run
    """The scored run."""
    summary: RunSummary
    """``summary.json``, typed (``summary.to_dict()`` is the file): scorer mode, answers, judge and its reports,
    rows, what the scores leave out."""

    @property
    def rows(self) -> list[SummaryRow]:
        """One headline cell per (task, variant, perceptor, reasoner)."""
        return self.summary.rows

    @property
    def answers(self) -> int:
        """Number of answers scored."""
        return self.summary.answers

    @property
    def incomplete(self) -> dict[str, int]:
        """What the scores leave out: failed perception and reasoning records (not superseded by a later
        success), perception outputs a reasoner has not attempted, unscored answers (non-zero entries only; empty
        when the run is complete; :func:`rapid_eval.grading.runner.failed_records`)."""
        return self.summary.incomplete.owed() if self.summary.incomplete is not None else {}


def _run(run: str | Path | Run, create: bool = False) -> Run:
    from rapid_eval.storage.rundir import Run

    return run if isinstance(run, Run) else Run(run, create=create)


def _counter_delta(engine: Engine, before: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's transport counters since ``before``; ``retries`` is always present (0 in-process)."""
    after = engine.counters()
    out: dict[str, Any] = {k: after.get(k, 0) - before.get(k, 0) for k in ("attempts", "retries", "probes")
                           if k in after}
    out.setdefault("retries", 0)
    old = before.get("retries_by_cause") or {}
    causes = {c: n - old.get(c, 0) for c, n in (after.get("retries_by_cause") or {}).items()}
    out["retries_by_cause"] = {c: n for c, n in causes.items() if n}
    return out


@contextmanager
def _stage_failure(run: Run, command: str, engine: Engine, before: Mapping[str, Any], started: float,
                   log_stats: bool) -> Iterator[None]:
    """When a stage ends with an exception (a server down for good, a full disk), still append its
    ``stats.jsonl`` line (the error and the retries it cost) and save the stores' indexes, then re-raise;
    the records written before it stay."""
    from rapid_eval.redact import redact_text, secret_values
    from rapid_eval.storage.cache import CallStats

    try:
        yield
    except Exception as e:
        if log_stats:
            with suppress(Exception):  # the disk may be what failed
                run.log_stats(command, 0, CallStats(), started, model=engine.model,
                              error=redact_text(str(e), secret_values())[:500], **_counter_delta(engine, before))
        with suppress(Exception):
            run.close()
        raise


def _shard(samples: Sequence[Sample], shard: str | Shard) -> tuple[list[Sample], dict[str, Any]]:
    """This shard's samples, and what its stats line records (index, count, fingerprint of the whole set)."""
    from rapid_eval.tasks.shard import fingerprint, parse_shard, shard_samples

    sh = parse_shard(shard) if isinstance(shard, str) else shard
    mine = shard_samples(samples, sh)
    return mine, {"index": sh.index, "count": sh.count, "fingerprint": fingerprint(s.uid for s in samples),
                  "samples": len(mine), "of": len(samples)}


def sampling(defaults: SamplingParams, **changes: Any) -> SamplingParams:
    """``defaults`` with the given settings changed (None leaves a setting as it is)."""
    return replace(defaults, **{k: v for k, v in changes.items() if v is not None})


# -- tasks and engines ---------------------------------------------------------------------------------------------
def load_tasks(
    tasks: str | Sequence[str],
    data_dir: str | Path | None = None,
    limit: int | None = None,
    *,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    on_error: Callable[[str], None] | None = warn,
    on_loaded: Callable[[str], None] | None = None,
) -> list[Sample]:
    """The samples of ``tasks`` (a comma string or a list), in order, ``limit`` per task.

    ``options``: per-task options, e.g. ``{"mathverse": {"version": "all"}}``. Rows that cannot be used are
    skipped and reported through ``on_error`` (one line naming file, line and sample); a task that cannot be
    loaded at all raises :class:`rapid_eval.tasks.TaskError`.
    """
    from rapid_eval.tasks import load_task

    names = [t.strip() for t in tasks.split(",")] if isinstance(tasks, str) else [str(t).strip() for t in tasks]
    out: list[Sample] = []
    for task in [t for t in names if t]:
        res = load_task(task, data_dir=data_dir, limit=limit, options=dict((options or {}).get(task) or {}))
        for err in res.errors:
            if on_error is not None:
                on_error(err)
        if on_loaded is not None:
            on_loaded(f"{task}: {len(res.samples)} samples from {res.source}"
                      + (f" ({len(res.errors)} rows skipped)" if res.errors else "")
                      + (f" (--limit {limit}: its scoring groups are kept whole)"
                         if limit is not None and len(res.samples) > limit else ""))
        out.extend(res.samples)
    return out


def load_engine(backend: str | None, model: str, *, base_url: str | None = None, **options: Any) -> Engine:
    """An engine by backend name (``hf``, ``vllm``, ``openai``, ``scripted``); ``None`` means ``openai`` when
    ``base_url`` is given, else ``hf``. Options go to the backend (``batch_size``, ``device``, ``concurrency`` ...)."""
    from rapid_eval.engines.registry import load_engine as _load

    if base_url:
        options["base_url"] = base_url
    return _load(backend or ("openai" if base_url else "hf"), model, **options)


# -- stages --------------------------------------------------------------------------------------------------------
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
        samples, stats_extra["shard"] = _shard(samples, shard)
    run = _run(out, create=True)
    params = sampling(PERCEPTOR_DEFAULTS, max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p,
                      seed=seed)
    stats_extra["settings"] = {"perceptor": engine.identity(), "sampling": params.to_dict(), "variants": chosen,
                               "prompts": prompts_fingerprint(prompts)}
    before = engine.counters()
    with run.lock("perceive"), _stage_failure(run, "perceive", engine, before, started, log_stats):
        n, stats = run_perceive(run, engine, list(samples), chosen, PromptSet(prompts), params, on_record)
        counters = _counter_delta(engine, before)
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
    result = _reason(run, engine, variants=variants, perceptor=perceptor, prompts=prompts,
                     max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p, seed=seed,
                     thinking=thinking, retry_failed=retry_failed, repeats=repeats, scorer=scorer, shard=shard,
                     log_stats=log_stats, prefetched=prefetched, **stats_extra)
    if scorer is None:
        return result
    return replace(result, scores=score(result.run, scorer=scorer, workers=workers, log_stats=False))


def _check_scorer(scorer: str | None) -> None:
    if scorer not in (None, "official", "generic"):
        raise ValueError(f"scorer must be 'official' or 'generic', not {scorer!r}")


def _reason(
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
    scorer: str | None = None,
    shard: str | Shard | None = None,
    log_stats: bool = True,
    prefetched: Prefetcher | None = None,
    **stats_extra: Any,
) -> StageResult:
    """:func:`reason` without the scoring at the end (``scorer`` only decides the cheap verdicts as the answers
    arrive)."""
    from rapid_eval.grading.prescore import Prescorer
    from rapid_eval.prompts import PromptSet, prompts_fingerprint
    from rapid_eval.reasoning import reason as run_reason
    from rapid_eval.variants import parse_variants

    _check_scorer(scorer)
    started = time.time()
    r = _run(run)
    chosen = parse_variants(list(variants) if variants is not None and not isinstance(variants, str) else variants) \
        if variants else None
    params = sampling(REASONER_DEFAULTS, max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p,
                      seed=seed, enable_thinking=thinking)
    only: set[str] | None = None
    if shard is not None:

        mine, stats_extra["shard"] = _shard(list(r.samples().values()), shard)
        only = {s.uid for s in mine}
    stats_extra["settings"] = {"reasoner": engine.identity(), "sampling": params.to_dict(), "variants": chosen,
                               "perceptor": perceptor, "repeats": repeats, "prompts": prompts_fingerprint(prompts)}
    before = engine.counters()
    with r.lock("reason"), _stage_failure(r, "reason", engine, before, started, log_stats):
        pre = Prescorer(r.root / "verdict_cache.jsonl", scorer) if scorer else None
        try:
            n, stats, skipped = run_reason(r, engine, PromptSet(prompts), params, chosen, perceptor, on_answer=pre,
                                           only_failed=retry_failed, repeats=repeats, only=only,
                                           attempted=prefetched.attempted if prefetched else frozenset())
        finally:
            if pre is not None:
                pre.close()
        if prefetched is not None:
            stats.merge(prefetched.stats)
            stats_extra.update(prefetched.stats_line())
        counters = _counter_delta(engine, before)
        if log_stats:
            r.log_stats("reason", n, stats, started, reasoner=engine.model, skipped=len(skipped),
                        skipped_reasons=skipped[:5], **counters, **stats_extra)
        r.close()
    return StageResult(r, n, stats, skipped, counters)


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
    from rapid_eval.perception.variants import parse_variants
    from rapid_eval.prompts import PromptSet
    from rapid_eval.reasoning.prefetch import Prefetcher

    _check_scorer(scorer)
    engines = [reasoners] if isinstance(reasoners, Engine) else list(reasoners)
    ropts = [dict(o) for o in reason_options] if isinstance(reason_options, Sequence) else \
        [dict(reason_options or {}) for _ in engines]
    if len(ropts) != len(engines):
        raise ValueError(f"{len(engines)} reasoners but {len(ropts)} reason_options")
    run = _run(out, create=True)
    with run.lock("reason"):  # the streamed calls are reason's: held until its passes end
        streams = []
        for eng, o in zip(engines, ropts, strict=True):
            v = o.get("variants")
            params = sampling(REASONER_DEFAULTS, max_new_tokens=o.get("max_new_tokens"),
                              temperature=o.get("temperature"), top_p=o.get("top_p"), seed=o.get("seed"),
                              enable_thinking=o.get("thinking"))
            streams.append(Prefetcher(run, eng, PromptSet(o.get("prompts")), params,
                                      parse_variants(list(v) if v is not None and not isinstance(v, str) else v)
                                      if v else None, o.get("perceptor"), int(o.get("repeats") or 1)).start())

        def offer(rec: PerceptionRecord, s: Sample) -> None:
            for st in streams:
                st.offer(rec, s)

        try:
            p = perceive(samples, perceptor, variants, run, log_stats=log_stats, on_record=offer,
                         **dict(perceive_options or {}))
        finally:
            for st in streams:
                st.finish()
        results = [_reason(run, eng, log_stats=log_stats, prefetched=st, **_stage_options(o, scorer))
                   for eng, o, st in zip(engines, ropts, streams, strict=True)]
    if scorer is not None and results:
        scores = score(run, scorer=scorer, workers=workers, log_stats=False)
        results = [replace(res, scores=scores) for res in results]
    return p, results


def _stage_options(options: Mapping[str, Any], scorer: str | None) -> dict[str, Any]:
    """:func:`reason`'s keywords as :func:`_reason` takes them (no final scoring: ``workers`` is not its)."""
    out = {"scorer": scorer, **options}
    out.pop("workers", None)
    if out.get("score_as_they_arrive") is not None:
        out["scorer"] = out["score_as_they_arrive"]
    out.pop("score_as_they_arrive", None)
    return out


def score(
    run: str | Path | Run,
    *,
    scorer: str = "official",
    workers: int | None = None,
    judge: str | Engine | None = None,
    judge_base_url: str | None = None,
    judge_mode: str = "fallback",
    judge_options: Mapping[str, Any] | None = None,
    judge_protocol: str = "official",
    log_stats: bool = True,
) -> ScoreResult:
    """Score every answer of ``run`` with its benchmark's rules (``scorer="generic"``: the boxed-answer rule).

    ``judge``: an optional LLM judge (a model name, served at ``judge_base_url`` or loaded with the default
    backend, or an :class:`Engine`) for MathVista, MathVerse and LogicVista; ``judge_mode`` ``fallback`` (rule
    first) or ``always``; ``judge_protocol`` ``official`` (the benchmark authors' extraction and normalisation) or
    ``vlmevalkit`` (VLMEvalKit's prompts and post-processing, as RAPID's published numbers were scored; MathVista
    and LogicVista). Judge calls are cached in ``RUN/judge.jsonl``; an engine built here is closed here.
    """
    from contextlib import nullcontext

    from rapid_eval.engines.base import Engine
    from rapid_eval.grading.judge import LLMJudge
    from rapid_eval.grading.runner import score_run
    from rapid_eval.storage.cache import CallStats

    started = time.time()
    r = _run(run)
    if scorer not in ("official", "generic"):
        raise ValueError(f"scorer must be 'official' or 'generic', not {scorer!r}")
    engine: Any = None
    if isinstance(judge, Engine):
        engine = nullcontext(judge)
    elif judge:
        backend = "openai" if judge_base_url or "/" not in judge else None
        engine = load_engine(backend, judge, base_url=judge_base_url, **dict(judge_options or {}))
    with r.lock("score"), engine if engine is not None else nullcontext() as eng:
        judge_obj = (LLMJudge(eng, r.root / "judge.jsonl", mode=judge_mode, protocol=judge_protocol)  # type: ignore[arg-type]
                     if eng is not None else None)
        summary = score_run(r, mode=scorer, workers=workers, judge=judge_obj)
        r.close()
    if log_stats:
        reports = summary.judge_reports.values()
        calls = CallStats(generated=sum(x.calls for x in reports), reused=sum(x.cache_hits for x in reports),
                          failed=sum(x.failed for x in reports))
        r.log_stats("score", summary.answers, calls, started, scorer=scorer,
                    judge=judge if isinstance(judge, str) or judge is None else judge.model,
                    incomplete=summary.incomplete.to_dict() if summary.incomplete is not None else {})
    return ScoreResult(r, summary)


def rescore(benchmark: str, files: Sequence[str | Path], *, data_dir: str | Path | None = None,
            workers: int | None = None, items: bool = False, context: bool = False) -> RescoreResult:
    """Score prediction files made elsewhere with ``benchmark``'s rules; see :mod:`rapid_eval.rescore`
    (``to_dict()`` of the result is ``rapid-eval rescore --json``).
    ``items``: the result also holds ``items``, one audit row per item (:mod:`rapid_eval.rescore.audit`);
    ``context``: and ``contexts``, each item's question, options and full response (for the audit page)."""
    from rapid_eval.rescore import rescore as _rescore

    return _rescore(benchmark, list(files), data_dir=data_dir, workers=workers, items=items, context=context)


# -- sharing: datasets ---------------------------------------------------------------------------------------------
def export_run(run: str | Path | Run, out: str | Path, *, records: str = "perception", images: bool = False,
               push: str | None = None, private: bool = False, command: str | None = None) -> ExportResult:
    """Write ``run``'s ``records`` (``perception``: every O_p variant; ``reasoning``: every answer with its
    verdict) as a Hugging Face dataset folder at ``out`` (parquet per benchmark + dataset card; see
    :mod:`rapid_eval.hub`); ``images`` embeds the items' images. ``push``: then upload it to the dataset repo
    of that id (huggingface_hub's token; :class:`rapid_eval.hub.push.HubPushError` if it fails, folder kept)."""
    from rapid_eval.hub.export import export_run as _export
    from rapid_eval.hub.push import push_folder

    result = _export(run, out, kind=records, images=images, command=command)
    if push:
        result.pushed = push_folder(result.out, push, private=private)
    return result


def import_run(source: str | Path, out: str | Path | Run, *, revision: str | None = None) -> ImportResult:
    """Build the run ``out`` from the perception dataset ``source`` (an export folder, a parquet file or a Hub
    id): its samples and perception records, keyed so that :func:`reason` asks exactly what it asked on the
    exporting run. Importing the same dataset again writes nothing."""
    from rapid_eval.hub.import_ import import_run as _import

    return _import(source, out, revision=revision)
