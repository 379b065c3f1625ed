"""The ``rapid-eval`` command line: thin wrappers over the pipeline stages (imports stay lazy)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from rapid_eval.log import console, error, info, warn

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Evaluate decoupled perception (MLLM) + reasoning (text LLM) pipelines, RAPID-style.")
dev_app = typer.Typer(no_args_is_help=True, help="Developer tools (tiny offline models).")
app.add_typer(dev_app, name="dev")
from rapid_eval.training.cli import register as _register_training  # noqa: E402 - imports stay lazy

_register_training(app)  # train-vpo, train-grpo

Backend = Annotated[str | None, typer.Option("--backend", help="hf | vllm | openai | scripted (default: openai "
                                             "when --base-url is given, else hf)")]
BaseUrl = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")]
EngineArgs = Annotated[list[str] | None, typer.Option("--engine-arg", help="Backend option K=V (repeatable), e.g. "
                                                      "batch_size=16, device=cuda, concurrency=128, api_key_env=MY_KEY")]
Variants = Annotated[str | None, typer.Option("--variants", help="Comma list of none,cap,qcap,sol,cap+sol,qcap+sol,direct")]


def _engine(backend: str | None, model: str, base_url: str | None, engine_args: list[str] | None):
    from rapid_eval.engines.registry import load_engine

    opts: dict[str, Any] = {}
    for kv in engine_args or []:
        if "=" not in kv:
            raise typer.BadParameter(f"--engine-arg expects K=V, got '{kv}'")
        k, v = kv.split("=", 1)
        opts[k.strip()] = v.strip()
    if base_url:
        opts["base_url"] = base_url
    return load_engine(backend or ("openai" if base_url else "hf"), model, **opts)


def _sampling(defaults, max_new_tokens, temperature, top_p, seed, thinking=None):
    from dataclasses import replace

    changes = {k: v for k, v in {"max_new_tokens": max_new_tokens, "temperature": temperature, "top_p": top_p,
                                 "seed": seed, "enable_thinking": thinking}.items() if v is not None}
    return replace(defaults, **changes)


def _finish(stats, records: int, command: str, run) -> None:
    info(f"{command}: {records} records, {stats.generated} generated, {stats.reused} reused, "
         f"{stats.failed} failed ({stats.completion_tokens} completion tokens) -> {run.root}")
    for e in stats.errors[:10]:
        error(e)
    if stats.failed:
        error(f"{stats.failed} request(s) failed; everything else is saved. Rerun the same command to retry them.")
        raise typer.Exit(1)


@app.command()
def tasks(data_dir: Annotated[Path | None, typer.Option(help="Count local rows under this folder")] = None) -> None:
    """List the benchmark tasks with their sources and sizes."""
    from rich.table import Table

    from rapid_eval.tasks import describe_tasks

    rows = describe_tasks(data_dir=str(data_dir) if data_dir else None)
    table = Table(title="rapid-eval tasks")
    cols = ["name", "source", "size", "headline", "options", "license"] + (["local rows"] if data_dir else [])
    for col in cols:
        table.add_column(col, justify="right" if col in ("size", "local rows") else "left", overflow="fold")
    for r in rows:
        splits = r.get("splits") or []
        split = splits[0] if len(splits) == 1 else (f"{splits[0]}..{splits[-1]}" if splits else "")
        source = f"{r.get('hub_id')} [{split}]" + (f" ({len(r['configs'])} configs)" if r.get("configs") else "")
        opts = ", ".join(f"{k}={v}" for k, v in (r.get("options") or {}).items())
        cells = [r["name"], source, f"{r.get('expected_size') or ''}", str(r.get("headline_metric", "")), opts,
                 str(r.get("license", "")).split(" (")[0]]
        if data_dir:
            cells.append(str(r.get("local_rows", "")))
        table.add_row(*cells)
    console.print(table)


@app.command()
def perceive(
    model: Annotated[str, typer.Option("--model", help="Perceptor MLLM: hub id, local dir, or served name")],
    tasks: Annotated[str, typer.Option("--tasks", help="Comma list of tasks (see `rapid-eval tasks`)")],
    out: Annotated[Path, typer.Option("--out", help="Run directory (created; reused on rerun)")],
    variants: Variants = None,
    backend: Backend = None,
    base_url: BaseUrl = None,
    data_dir: Annotated[Path | None, typer.Option(help="Offline data: DIR/<task>/samples.jsonl (+images), "
                                                 "HF save_to_disk or parquet folders")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N samples per task")] = None,
    option: Annotated[list[str] | None, typer.Option("--task-option", help="task.key=value, e.g. mathverse.version=all")] = None,
    max_new_tokens: Annotated[int | None, typer.Option(help="Default 4096 (RAPID)")] = None,
    temperature: Annotated[float | None, typer.Option(help="Default 0 = greedy (RAPID)")] = None,
    top_p: Annotated[float | None, typer.Option()] = None,
    seed: Annotated[int | None, typer.Option()] = None,
    prompts: Annotated[Path | None, typer.Option(help="Folder of .jinja files overriding the built-in prompts")] = None,
    engine_arg: EngineArgs = None,
) -> None:
    """Run the perceptor MLLM: write O_p variants (captions, solutions) as JSONL records under RUN."""
    from rapid_eval.perception import parse_variants
    from rapid_eval.perception import perceive as run_perceive
    from rapid_eval.prompts import PromptSet
    from rapid_eval.rundir import Run
    from rapid_eval.types import PERCEPTOR_DEFAULTS

    started = time.time()
    chosen = parse_variants(variants)
    samples = _load_samples(tasks, data_dir, limit, option)
    run = Run(out)
    sampling = _sampling(PERCEPTOR_DEFAULTS, max_new_tokens, temperature, top_p, seed)
    with _engine(backend, model, base_url, engine_arg) as engine:
        n, stats = run_perceive(run, engine, samples, chosen, PromptSet(prompts), sampling)
    run.log_stats("perceive", n, stats, started, model=model, tasks=tasks, variants=chosen)
    _finish(stats, n, "perceive", run)


@app.command()
def reason(
    reasoner: Annotated[str, typer.Option("--reasoner", help="Text-only reasoner: hub id, local dir, or served name")],
    run_dir: Annotated[Path, typer.Option("--run", help="Run directory written by `perceive`")],
    variants: Variants = None,
    backend: Backend = None,
    base_url: BaseUrl = None,
    perceptor: Annotated[str | None, typer.Option(help="Only records of this perceptor model")] = None,
    max_new_tokens: Annotated[int | None, typer.Option(help="Default 8192 (RAPID)")] = None,
    temperature: Annotated[float | None, typer.Option(help="Default 0.6 (RAPID)")] = None,
    top_p: Annotated[float | None, typer.Option(help="Default 0.95 (RAPID)")] = None,
    seed: Annotated[int | None, typer.Option()] = None,
    thinking: Annotated[bool | None, typer.Option("--thinking/--no-thinking", help="Chat-template enable_thinking "
                                                  "(default: the template's own default)")] = None,
    scorer: Annotated[str, typer.Option(help="official (per-benchmark rules) | generic (boxed + math-verify)")] = "official",
    prompts: Annotated[Path | None, typer.Option(help="Folder of .jinja files overriding the built-in prompts")] = None,
    workers: Annotated[int, typer.Option(help="Scoring worker processes")] = 1,
    engine_arg: EngineArgs = None,
) -> None:
    """Run the text reasoner on every perception record, score the answers, write RUN/summary.json."""
    from rapid_eval.perception.variants import parse_variants
    from rapid_eval.prompts import PromptSet
    from rapid_eval.reasoning import reason as run_reason
    from rapid_eval.rundir import Run
    from rapid_eval.types import REASONER_DEFAULTS

    started = time.time()
    run = Run(run_dir, create=False)
    chosen = parse_variants(variants) if variants else None
    sampling = _sampling(REASONER_DEFAULTS, max_new_tokens, temperature, top_p, seed, thinking)
    with _engine(backend, reasoner, base_url, engine_arg) as engine:
        n, stats, skipped = run_reason(run, engine, PromptSet(prompts), sampling, chosen, perceptor)
    for s in skipped[:10]:
        warn(s)
    run.log_stats("reason", n, stats, started, reasoner=reasoner, skipped=len(skipped))
    _score_and_show(run, scorer, workers)
    _finish(stats, n, "reason", run)


@app.command()
def score(
    run_dir: Annotated[Path, typer.Option("--run", help="Run directory")],
    scorer: Annotated[str, typer.Option(help="official | generic")] = "official",
    workers: Annotated[int, typer.Option(help="Scoring worker processes")] = 1,
    judge: Annotated[str | None, typer.Option(help="Optional LLM judge model (MathVista, MathVerse, LogicVista): "
                                              "rule first, judge where the rule finds no answer")] = None,
    judge_base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint of the judge")] = None,
    judge_mode: Annotated[str, typer.Option(help="fallback (rule first) | always")] = "fallback",
    judge_arg: Annotated[list[str] | None, typer.Option("--judge-arg", help="Judge engine option K=V")] = None,
) -> None:
    """Recompute every metric of a run from its records (model calls only for an optional judge, cached)."""
    from rapid_eval.cache import CallStats
    from rapid_eval.rundir import Run

    started = time.time()
    run = Run(run_dir, create=False)
    summary = _score_and_show(run, scorer, workers, judge, judge_base_url, judge_mode, judge_arg)
    reports = (summary.get("judge_reports") or {}).values()
    calls = CallStats(generated=sum(r["calls"] for r in reports), reused=sum(r["cache_hits"] for r in reports),
                      failed=sum(r["failed"] for r in reports))
    run.log_stats("score", summary["answers"], calls, started, scorer=scorer, judge=judge)


def _score_and_show(run, mode: str, workers: int, judge: str | None = None, judge_base_url: str | None = None,
                    judge_mode: str = "fallback", judge_args: list[str] | None = None) -> dict:
    """Score the run (with an optional LLM judge, its engine closed afterwards), print the tables."""
    from contextlib import nullcontext

    from rapid_eval.reports.tables import show_summary
    from rapid_eval.scoring.score_run import score_run

    engine = (_engine("openai" if judge_base_url or "/" not in judge else None, judge, judge_base_url, judge_args)
              if judge else None)
    with engine if engine is not None else nullcontext():
        judge_obj = None
        if engine is not None:
            from rapid_eval.scoring.judge import LLMJudge

            judge_obj = LLMJudge(engine, run.root / "judge.jsonl", mode=judge_mode)
        summary = score_run(run, mode=mode, workers=workers, judge=judge_obj)
    show_summary(summary, run.root, mode)
    return summary


@app.command()
def rescore(
    files: Annotated[list[Path], typer.Argument(help="Prediction files (official formats, VLMEvalKit, lmms-eval)")],
    benchmark: Annotated[str, typer.Option("--benchmark", help="mathvista, mathverse, mathvision, mmmu, wemath, "
                                          "dynamath, logicvista, realworldqa")],
    data_dir: Annotated[Path | None, typer.Option(help="Gold answers for files that lack them")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    workers: Annotated[int, typer.Option(help="Scoring worker processes")] = 1,
) -> None:
    """Score predictions made elsewhere with the benchmark's official rules."""
    import json

    from rapid_eval.scoring.rescore import rescore as do_rescore

    try:
        result = do_rescore(benchmark, list(files), data_dir=str(data_dir) if data_dir else None, workers=workers)
    except (ValueError, KeyError, FileNotFoundError) as e:
        error(str(e).strip("'\""))
        raise typer.Exit(2) from None
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
    else:
        info(f"{benchmark}: {result['score']:.2f} ({result.get('metric', 'accuracy')}, n={result['n']})")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Run directory of the demo")] = Path("runs/demo"),
    models: Annotated[Path | None, typer.Option(help="Where the tiny models are built (default: the user cache)")] = None,
) -> None:
    """Offline demo: tiny random models, bundled real items, perceive (all variants) -> reason -> summary."""
    from rapid_eval.demo import run_demo

    run_demo(out, models)


@dev_app.command("tiny-models")
def tiny_models(out: Annotated[Path, typer.Argument(help="Folder; writes OUT/vlm and OUT/llm")]) -> None:
    """Build a tiny random Qwen2.5-VL (OUT/vlm) and Qwen3 (OUT/llm), offline and deterministically."""
    from rapid_eval.dev.tiny_models import build_tiny_models

    paths = build_tiny_models(out)
    info(f"tiny models: {paths}")


def _load_samples(tasks: str, data_dir: Path | None, limit: int | None, options: list[str] | None):
    from rapid_eval.tasks import TaskError, load_task

    per_task: dict[str, dict[str, str]] = {}
    for kv in options or []:
        name, _, value = kv.partition("=")
        task, _, key = name.partition(".")
        if not key or not value:
            raise typer.BadParameter(f"--task-option expects task.key=value, got '{kv}'")
        per_task.setdefault(task, {})[key] = value
    samples = []
    for task in [t.strip() for t in tasks.split(",") if t.strip()]:
        try:
            res = load_task(task, data_dir=str(data_dir) if data_dir else None, limit=limit,
                            options=per_task.get(task))
        except TaskError as e:
            error(str(e))
            raise typer.Exit(2) from None
        for err in res.errors:
            warn(err)
        info(f"{task}: {len(res.samples)} samples from {res.source}"
             + (f" ({len(res.errors)} rows skipped)" if res.errors else ""))
        samples.extend(res.samples)
    return samples


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        error("interrupted; everything completed so far is saved, rerun the same command to resume")
        sys.exit(130)
    except Exception as e:  # one clear line for expected user errors; full trace with RAPID_EVAL_DEBUG=1
        import os

        if os.environ.get("RAPID_EVAL_DEBUG"):
            raise
        error(f"{type(e).__name__}: {e}")
        sys.exit(1)


if __name__ == "__main__":
    main()
