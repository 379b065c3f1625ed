"""The ``rapid-eval`` command line: typer wiring over the Python API (:mod:`rapid_eval.api`); imports stay lazy.

Each command parses its options, calls the API and prints; no orchestration lives here."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from rapid_eval.cli_checks import EXIT_CODES
from rapid_eval.cli_coerce import install as _fast_option_coercion
from rapid_eval.cli_options import kv_options
from rapid_eval.cli_sharing import register as register_sharing
from rapid_eval.log import error, info, stdout_console, warn
from rapid_eval.log import result as result_line
from rapid_eval.registry import benchmark_names
from rapid_eval.reports.cli import register as register_reports
from rapid_eval.training.cli import register as register_training
from rapid_eval.types import PERCEPTOR_DEFAULTS as PD
from rapid_eval.types import REASONER_DEFAULTS as RD
from rapid_eval.variants import CHOICES

_fast_option_coercion()  # option values without pydantic (typer >= 0.26 builds an adapter per option)
# Plain click help (rich_markup_mode=None): rich's help panels cut option names and choice lists at 80 columns.
app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Evaluate decoupled perception (MLLM) + reasoning (text LLM) pipelines, RAPID-style.\n\n"
                  "Pipeline: perceive -> reason (scores too) -> table / report; `run CONFIG.yaml` does all. "
                  "Results go to stdout, progress and errors to stderr.", epilog=EXIT_CODES)
dev_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Developer tools (tiny offline models).")

Backend = Annotated[str | None, typer.Option("--backend", help="hf | vllm | openai | scripted (default: openai "
                                             "when --base-url is given, else hf)")]
BaseUrl = Annotated[str | None, typer.Option("--base-url",
                                             help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")]
EngineArgs = Annotated[list[str] | None, typer.Option("--engine-arg", help="Backend option K=V (repeatable), e.g. "
                                                      "batch_size=16, device=cuda, concurrency=128, "
                                                      "api_key_env=MY_KEY")]
Variants = Annotated[str | None, typer.Option("--variants",
                                              help=f"Comma list of {CHOICES}")]
ShardOpt = Annotated[str | None, typer.Option("--shard", help="I/N: only this node's share of the samples (0 <= I < "
                                              "N; groups a metric needs stay whole); join with `rapid-eval merge`")]
AllowIncomplete = Annotated[bool, typer.Option("--allow-incomplete", help="Exit 0 even when input rows were "
                                               "skipped or records failed (they are still reported)")]


def _version(value: bool) -> None:
    if value:
        from rapid_eval.provenance import versions

        v = versions()
        result_line(f"rapid-eval {v['rapid-eval']}" + (f" (git {v['git_commit'][:12]})" if v.get("git_commit") else "")
                    + f"; python {v['python']}, torch {v.get('torch') or '-'}, transformers "
                    f"{v.get('transformers') or '-'}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version (and git commit) and exit")] = False) -> None:
    pass


def _task_options(items: list[str] | None) -> dict[str, dict[str, str]]:
    per_task: dict[str, dict[str, str]] = {}
    for kv in items or []:
        name, _, value = kv.partition("=")
        task, _, key = name.partition(".")
        if not key or not value:
            raise typer.BadParameter(f"--task-option expects task.key=value, got '{kv}'")
        per_task.setdefault(task, {})[key] = value
    return per_task


def _finish(result: Any, command: str, skipped_rows: int = 0, allow_incomplete: bool = False) -> None:
    stats = result.stats
    retries = result.counters.get("retries", 0)
    info(f"{command}: {result.records} records, {stats.generated} generated, {stats.reused} reused, "
         f"{stats.failed} failed" + (f", {retries} retries" if retries else "")
         + f" ({stats.completion_tokens} completion tokens) -> {result.run.root}")
    for e in stats.errors[:10]:
        error(e)
    problems = []
    if stats.failed:
        problems.append(f"{stats.failed} request(s) failed")
    if skipped_rows:
        problems.append(f"{skipped_rows} input row(s) were skipped")
    if problems:
        error("; ".join(problems) + "; everything else is saved. Rerun the same command to retry failed requests"
              + ("" if allow_incomplete else " (--allow-incomplete: exit 0 anyway)") + ".")
        if not allow_incomplete:
            raise typer.Exit(1)


def _writable(path: Path) -> None:
    """Fail before any model loads or any request is paid for when the run directory cannot be written."""
    from rapid_eval.preflight import NotWritable, check_writable

    try:
        check_writable(path)
    except NotWritable as e:
        error(str(e))
        raise typer.Exit(2) from None


@app.command()
def tasks(data_dir: Annotated[Path | None, typer.Option(help="Count local rows under this folder")] = None) -> None:
    """List the benchmark tasks with their sources and sizes."""
    from rich.markup import escape
    from rich.table import Table

    from rapid_eval import benchmarks
    from rapid_eval.tasks import describe_tasks

    rows = describe_tasks(data_dir=str(data_dir) if data_dir else None)
    table = Table(title="rapid-eval tasks")
    cols = ["name", "source", "size", "headline", "options", "license"] + (["local rows"] if data_dir else [])
    for col in cols:
        # names and hub ids are never cut mid-word: cells wrap at spaces, the columns are as wide as the longest id
        table.add_column(col, justify="right" if col in ("size", "local rows") else "left",
                         no_wrap=col in ("name", "size"), overflow="fold", min_width=24 if col == "source" else None)
    for r in rows:
        splits = r.get("splits") or []
        split = splits[0] if len(splits) == 1 else (f"{splits[0]}..{splits[-1]}" if splits else "")
        source = f"{r.get('hub_id')} [{split}]" + (f" ({len(r['configs'])} configs)" if r.get("configs") else "")
        opts = ", ".join(f"{k}={v}" for k, v in (r.get("options") or {}).items())
        cells = [r["name"], source, f"{r.get('expected_size') or ''}", benchmarks.get(r["name"]).headline_metric, opts,
                 str(r.get("license", "")).split(" (")[0]]
        if data_dir:
            cells.append(str(r.get("local_rows", "")))
        table.add_row(*map(escape, cells))  # "[testmini]" is text, not rich markup
    stdout_console().print(table)


def list_variants() -> None:
    """List the O_p variants: name, the perceptor calls it makes, what it is."""
    from rapid_eval.variants import TABLE

    for v in TABLE:
        calls = "+".join(v.parts) or "-"
        result_line(f"{v.name:<9} {calls:<9} {v.label}" + ("" if v.reasoner_template else " (not reasoned)"))


app.command("variants")(list_variants)  # listed after `tasks`


@app.command()
def perceive(
    model: Annotated[str, typer.Option("--model", help="Perceptor MLLM: hub id, local dir, or served name")],
    tasks: Annotated[str, typer.Option("--tasks", help="Comma list of tasks (see `rapid-eval tasks`)")],
    out: Annotated[Path, typer.Option("--run", "--out", help="Run directory (created; reused on rerun)")],
    variants: Variants = None,
    backend: Backend = None,
    base_url: BaseUrl = None,
    data_dir: Annotated[Path | None, typer.Option(help="Offline data: DIR/<task>/samples.jsonl (+images), "
                                                 "HF save_to_disk or parquet folders")] = None,
    limit: Annotated[int | None, typer.Option(help="The first N samples per task; a task scored by groups "
                                              "(problem groups, seeds) keeps its groups whole, so may give a few more")]
    = None,
    option: Annotated[list[str] | None,
                      typer.Option("--task-option", help="task.key=value (options: `rapid-eval tasks`)")] = None,
    max_new_tokens: Annotated[int | None, typer.Option(help=f"Default {PD.max_new_tokens} (RAPID)")] = None,
    temperature: Annotated[float | None, typer.Option(help=f"Default {PD.temperature:g} = greedy (RAPID)")] = None,
    top_p: Annotated[float | None, typer.Option()] = None,
    seed: Annotated[int | None, typer.Option()] = None,
    prompts: Annotated[Path | None, typer.Option(help="Folder of .jinja files overriding the built-in prompts")] = None,
    engine_arg: EngineArgs = None,
    shard: ShardOpt = None,
    allow_incomplete: AllowIncomplete = False,
) -> None:
    """Run the perceptor MLLM: write O_p variants (captions, solutions) as JSONL records under RUN."""
    from rapid_eval import api
    from rapid_eval import cli_checks as check
    from rapid_eval.tasks import TaskError

    check.variants(variants)  # everything a model is not needed for is checked before one loads
    check.tasks(tasks)
    check.limit(limit)
    check.data_dir(data_dir)
    check.shard(shard)
    options = kv_options(engine_arg, "--engine-arg")
    name = check.backend_name(backend, base_url)
    check.device(name, options)
    model = check.model(model, name)
    skipped: list[str] = []

    def skip(reason: str) -> None:
        warn(reason)
        skipped.append(reason)

    try:
        samples = api.load_tasks(tasks, data_dir, limit, options=_task_options(option), on_loaded=info,
                                 on_error=skip)
    except TaskError as e:
        check.usage_error(str(e))
    created = not out.exists()
    _writable(out)
    with _engine(backend, model, base_url, options, out if created else None) as engine:
        result = api.perceive(samples, engine, variants, out, prompts=prompts, max_new_tokens=max_new_tokens,
                              temperature=temperature, top_p=top_p, seed=seed, tasks=tasks, shard=shard,
                              skipped_rows=len(skipped), skipped_reasons=skipped[:5],
                              data_dir=str(data_dir.resolve()) if data_dir else None)
    _finish(result, "perceive", len(skipped), allow_incomplete)


def _engine(backend: str | None, model: str, base_url: str | None, options: dict[str, Any],
            created: Path | None = None) -> Any:
    """Load the engine; when it cannot load, the run directory this command created (still empty) is removed
    and the error is one line with exit code 2 (nothing was sent)."""
    from rapid_eval import api
    from rapid_eval.cli_checks import usage_error
    from rapid_eval.engines.registry import BackendError

    try:
        return api.load_engine(backend, model, base_url=base_url, **options)
    except (BackendError, OSError, ValueError, RuntimeError) as e:  # a model, server or option that cannot load
        if created is not None and created.is_dir() and not any(created.iterdir()):
            created.rmdir()
        usage_error(f"cannot load {model}: {_one_line(e)}")


def _one_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


@app.command()
def reason(
    reasoner: Annotated[str, typer.Option("--reasoner", help="Text-only reasoner: hub id, local dir, or served name")],
    run_dir: Annotated[Path, typer.Option("--run", help="Run directory written by `perceive`")],
    variants: Variants = None,
    backend: Backend = None,
    base_url: BaseUrl = None,
    perceptor: Annotated[str | None, typer.Option(help="Only records of this perceptor model")] = None,
    max_new_tokens: Annotated[int | None, typer.Option(help=f"Default {RD.max_new_tokens} (RAPID)")] = None,
    temperature: Annotated[float | None, typer.Option(help=f"Default {RD.temperature} (RAPID)")] = None,
    top_p: Annotated[float | None, typer.Option(help=f"Default {RD.top_p} (RAPID)")] = None,
    seed: Annotated[int | None, typer.Option()] = None,
    thinking: Annotated[bool | None, typer.Option("--thinking/--no-thinking", help="Chat-template enable_thinking "
                                                  "(default: the template's own default)")] = None,
    scorer: Annotated[str, typer.Option(
        help="official (per-benchmark rules) | generic (boxed + math-verify)")] = "official",
    prompts: Annotated[Path | None, typer.Option(help="Folder of .jinja files overriding the built-in prompts")] = None,
    workers: Annotated[int | None, typer.Option(help="Scoring worker processes (default: the CPU cores this "
                                                 "process may use, at most 8, fewer for few items)")] = None,
    engine_arg: EngineArgs = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed",
                                               help="Redo only the calls that failed before")] = False,
    repeats: Annotated[int, typer.Option(help="Sample each answer K times with seeds seed..seed+K-1")] = 1,
    shard: ShardOpt = None,
    allow_incomplete: AllowIncomplete = False,
) -> None:
    """Run the text reasoner on every perception record, score the answers, write RUN/summary.json."""
    from rapid_eval import api
    from rapid_eval import cli_checks as check
    from rapid_eval.storage.rundir import Run

    check.perception_records(run_dir, perceptor)  # a missing or empty run fails before any model loads
    if variants:
        check.variants(variants)
    check.scorer(scorer)
    check.shard(shard)
    options = kv_options(engine_arg, "--engine-arg")
    name = check.backend_name(backend, base_url)
    check.device(name, options)
    reasoner = check.model(reasoner, name, "--reasoner")
    run = Run(run_dir, create=False)
    _writable(run_dir)
    with _engine(backend, reasoner, base_url, options) as engine:
        result = api.reason(run, engine, variants=variants, perceptor=perceptor, prompts=prompts,
                            max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p, seed=seed,
                            thinking=thinking, retry_failed=retry_failed, repeats=repeats, scorer=scorer,
                            workers=workers, shard=shard)
    for s in result.skipped[:10]:
        warn(s)
    if result.scores is not None:
        _show(result.scores, scorer)
    _finish(result, "reason", allow_incomplete=allow_incomplete)


@app.command()
def score(
    run_dir: Annotated[Path, typer.Option("--run", help="Run directory")],
    scorer: Annotated[str, typer.Option(help="official | generic")] = "official",
    workers: Annotated[int | None, typer.Option(help="Scoring worker processes (default: the CPU cores this "
                                                 "process may use, at most 8, fewer for few items)")] = None,
    judge: Annotated[str | None, typer.Option(help="Optional LLM judge model, for the benchmarks with a judge "
                                              f"({', '.join(benchmark_names('judge'))}): rule first, judge where "
                                              "the rule finds no answer")] = None,
    judge_base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint of the judge")] = None,
    judge_mode: Annotated[str, typer.Option(help="fallback (rule first) | always")] = "fallback",
    judge_arg: Annotated[list[str] | None, typer.Option("--judge-arg", help="Judge engine option K=V")] = None,
    judge_protocol: Annotated[str, typer.Option(
        help="official (the benchmark authors' extraction) | vlmevalkit (VLMEvalKit's prompts and "
             "post-processing, as RAPID scored)")] = "official",
    allow_incomplete: AllowIncomplete = False,
) -> None:
    """Recompute every metric of a run from its records (model calls only for an optional judge, cached)."""
    from rapid_eval import api
    from rapid_eval import cli_checks as check

    check.answers(run_dir)
    check.scorer(scorer)
    result = api.score(run_dir, scorer=scorer, workers=workers, judge=judge, judge_base_url=judge_base_url,
                       judge_mode=judge_mode, judge_options=kv_options(judge_arg, "--judge-arg"),
                       judge_protocol=judge_protocol)
    _show(result, scorer)
    if result.incomplete:
        parts = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in result.incomplete.items())
        error(f"the scores leave out {parts}: rerun the stage that failed (`reason` resumes where it stopped; "
              "`reason --retry-failed` redoes failed calls)"
              + ("" if allow_incomplete else "; --allow-incomplete exits 0 anyway"))
        if not allow_incomplete:
            raise typer.Exit(1)


def _show(result: Any, mode: str) -> None:
    from rapid_eval.reports.tables import show_summary

    show_summary(result.summary, result.run.root, mode)


# The sharing commands (merge, export, import, rescore): here, so that `--help` lists them in pipeline order.
register_sharing(app)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--run", "--out", help="Run directory of the demo")] = Path("runs/demo"),
    models: Annotated[Path | None,
                      typer.Option(help="Where the tiny models are built (default: the user cache)")] = None,
) -> None:
    """Offline demo: tiny random models, bundled real items, perceive (all variants) -> reason -> summary."""
    from rapid_eval.demo import run_demo

    run_demo(out, models)


@dev_app.command("tiny-models")
def tiny_models(
    out: Annotated[Path, typer.Argument(help="Folder; writes OUT/vlm and OUT/llm")],
    vllm: Annotated[bool, typer.Option("--vllm", help="Also OUT/llm-vllm: the scripted Qwen3 with head_dim 64, "
                                       "which vLLM's CPU attention accepts")] = False,
) -> None:
    """Build a tiny random Qwen2.5-VL (OUT/vlm) and Qwen3 (OUT/llm), offline and deterministically."""
    from rapid_eval.dev.tiny_models import DEFAULT_MODELS, build_tiny_models

    paths = build_tiny_models(out, (*DEFAULT_MODELS, "llm-vllm") if vllm else DEFAULT_MODELS)
    info(f"tiny models: {paths}")


# Sub-apps after the pipeline's own commands, so that `rapid-eval --help` lists commands in pipeline order.
register_reports(app)  # table, report, run
register_training(app)  # train-vpo, train-grpo
app.add_typer(dev_app, name="dev")


def _command(argv: list[str]) -> Any:
    """The click command to run: when ``argv`` names one of ``app``'s own commands, a group holding only that one
    (typer builds the parameters of every command it holds before parsing, ~15 commands; a run needs one)."""
    import typer.main

    name = argv[0] if argv else ""
    chosen = [c for c in app.registered_commands
              if (c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")) == name]
    if len(chosen) != 1:
        return typer.main.get_command(app)  # options, --help, a sub-app (table, dev) or a typo: the whole app
    one = copy.copy(app)
    one.registered_commands = chosen
    one.registered_groups = []
    return typer.main.get_group(one)


def main() -> None:
    """The ``rapid-eval`` entry point: runs the command named in ``sys.argv``.

    Errors bad input raises (``OSError``, ``ValueError``, ``LookupError``, ``RuntimeError``) print one ``error:``
    line and exit 1, others add their type; Ctrl-C exits 130. ``RAPID_EVAL_DEBUG=1`` re-raises for the trace.
    """
    try:
        _command(sys.argv[1:])()
    except KeyboardInterrupt:
        error("interrupted; everything completed so far is saved, rerun the same command to resume")
        sys.exit(130)
    except Exception as e:  # one clear line for expected user errors; full trace with RAPID_EVAL_DEBUG=1
        import os

        if os.environ.get("RAPID_EVAL_DEBUG"):
            raise
        expected = isinstance(e, (OSError, ValueError, LookupError, RuntimeError))  # what bad input raises
        error(str(e) if expected and str(e) else f"{type(e).__name__}: {e} (a bug? RAPID_EVAL_DEBUG=1 shows the "
              "trace)")
        sys.exit(1)


if __name__ == "__main__":
    main()
