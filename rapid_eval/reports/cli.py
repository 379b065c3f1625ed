"""``rapid-eval table ...``, ``rapid-eval report ...`` and ``rapid-eval run CONFIG.yaml``: thin wiring.

Registered in ``rapid_eval.cli`` with :func:`register`; every import of the reporters stays lazy.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rapid_eval.log import error, info, result, warn
from rapid_eval.variants import RAPID_VARIANT, VARIANTS

if TYPE_CHECKING:
    from rapid_eval.reports.model import ReportTable

table_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None,
                        help="The papers' tables from one or more runs (ablation, main, variants, scaling), beside "
                        "the paper's numbers, with CIs and paired tests.")

Runs = Annotated[list[Path] | None, typer.Option("--run", help="Run directory (repeatable)")]
Fmt = Annotated[str, typer.Option("--format", help="rich | md | csv | latex | json | html")]
Out = Annotated[Path | None, typer.Option("--out", help="Write to FILE instead of the terminal")]
Boot = Annotated[int, typer.Option("--bootstrap", help="Bootstrap resamples for CIs and paired tests (0: none)")]
Seed = Annotated[int, typer.Option("--seed", help="Bootstrap seed")]
Variant = Annotated[str, typer.Option("--variant", help="O_p variant of the reasoned rows")]
Params = Annotated[list[str] | None, typer.Option("--params", help="MODEL=BILLIONS for models not on disk")]


def _emit(table: ReportTable, fmt: str, out: Path | None) -> None:
    from rapid_eval.reports.render import render

    try:
        result = render(table, fmt)
    except ValueError as e:
        error(str(e))
        raise typer.Exit(2) from None
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "rich":
            from rich.console import Console

            with open(out, "w", encoding="utf-8") as f:
                Console(file=f, width=80).print(result)
        else:
            out.write_text(str(result), encoding="utf-8")
        info(f"{table.kind} table -> {out}")
    elif fmt == "rich":  # the table is the command's output: stdout (messages stay on stderr)
        from rich.console import Console

        Console(highlight=False).print(result)
    else:
        sys.stdout.write(str(result))


def _need(runs: list[Path] | None) -> list[Path]:
    """Every run is scored (holds verdicts); otherwise one line naming the command to run first, exit 2."""
    from rapid_eval.cli_checks import answers, has_lines, usage_error

    if not runs:
        usage_error("give at least one --run RUN")
    for r in runs:
        answers(r)  # no run, or nothing reasoned yet: names `perceive` or `reason`
        if not has_lines(r / "verdicts.jsonl"):
            usage_error(f"{r}: not scored yet; run `rapid-eval score --run {r}` first")
    return runs


@table_app.command("ablation")
def ablation(spec: Annotated[Path, typer.Option("--spec", help="YAML: rows A-I -> run, perceptor, reasoner, variant")],
             fmt: Fmt = "rich", out: Out = None, bootstrap: Boot = 1000, seed: Seed = 0) -> None:
    """RAPID's ablation rows A-I, each mapped to runs by a YAML spec, beside the paper's AVG."""
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.kinds import ablation as build

    try:
        table = build(spec, BootOptions(bootstrap, seed))
    except (ValueError, FileNotFoundError) as e:
        error(str(e))
        raise typer.Exit(2) from None
    _emit(table, fmt, out)


@table_app.command("main")
def main(run: Runs = None, fmt: Fmt = "rich", out: Out = None, variant: Variant = RAPID_VARIANT,
         params: Params = None, bootstrap: Boot = 1000, seed: Seed = 0) -> None:
    """Perceptor x reasoner rows with parameters, per-benchmark metrics, AVG and gain over the MLLM alone."""
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.kinds import main as build
    from rapid_eval.reports.params import parse_given

    _emit(build(_need(run), BootOptions(bootstrap, seed), variant, parse_given(params)), fmt, out)


@table_app.command("variants", help=f"O_p variants ({', '.join(VARIANTS)}) x reasoner, per benchmark and AVG.")
def variants(run: Runs = None, fmt: Fmt = "rich", out: Out = None,
             perceptor: Annotated[str | None, typer.Option(help="Only this perceptor")] = None,
             bootstrap: Boot = 1000, seed: Seed = 0) -> None:
    """O_p variants x reasoner, per benchmark and AVG (the command's help text is the ``help=`` above)."""
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.kinds import variants as build

    _emit(build(_need(run), BootOptions(bootstrap, seed), perceptor), fmt, out)


@table_app.command("scaling")
def scaling(run: Runs = None, fmt: Fmt = "rich", out: Out = None, variant: Variant = RAPID_VARIANT,
            params: Params = None, plot: Annotated[Path | None, typer.Option(help="PNG of AVG against "
                                                                              "parameters")] = None,
            bootstrap: Boot = 1000, seed: Seed = 0) -> None:
    """AVG across reasoner sizes with the perceptor fixed (the paper's scaling view, RACRO reference rows), with a
    PNG plot."""
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.kinds import scaling as build
    from rapid_eval.reports.params import parse_given
    from rapid_eval.reports.plots import scaling_plot

    table = build(_need(run), BootOptions(bootstrap, seed), variant, parse_given(params))
    _emit(table, fmt, out)
    target = plot or (out.with_suffix(".png") if out else Path("scaling.png"))
    written = scaling_plot(table, target)
    if written:
        info(f"scaling plot -> {written}")
    else:
        error("no row has both a parameter count and an AVG: give --params MODEL=BILLIONS")


@table_app.command("diagnostics")
def diagnostics(run: Runs = None, fmt: Fmt = "rich", out: Out = None,
                price: Annotated[list[str] | None, typer.Option("--price", help="MODEL=USD_IN/USD_OUT per "
                                                                "million tokens (repeatable)")] = None,
                hascap_model: Annotated[str | None, typer.Option(help="Judge every caption with the hasCap "
                                                                 "prompt through this model (cached)")] = None,
                backend: Annotated[str | None, typer.Option(help="Backend of the hasCap judge")] = None,
                base_url: Annotated[str | None, typer.Option(help="Endpoint of the hasCap judge")] = None,
                engine_arg: Annotated[list[str] | None, typer.Option("--engine-arg", help="K=V")] = None) -> None:
    """Trace length, cost per stage (tokens, seconds, money) and the valid-caption ratio per configuration."""
    from rapid_eval.reports.diagnostics import caption_ratio, diagnostics_table, parse_prices

    runs = _need(run)
    if hascap_model:
        from rapid_eval.api import load_engine

        opts = dict(kv.split("=", 1) for kv in engine_arg or [])
        with load_engine(backend, hascap_model, base_url=base_url, **opts) as engine:
            for r in runs:
                caption_ratio(r, engine)  # cached in the run: a second judgement makes no call
    try:
        prices = parse_prices(price)
    except ValueError as e:
        error(str(e))
        raise typer.Exit(2) from None
    table = diagnostics_table(runs, prices)
    for note in table.notes:
        if note.startswith("--price "):
            warn(note)
    _emit(table, fmt, out)


def report(runs: Annotated[list[Path] | None, typer.Argument(help="Run directories (or --run RUN ...)")] = None,
           run_opt: Runs = None,
           out: Annotated[Path, typer.Option("--out", help="Folder of the static site")] = Path("report"),
           params: Params = None, bootstrap: Boot = 1000, seed: Seed = 0,
           data_dir: Annotated[list[Path] | None, typer.Option(
               "--data-dir", help="A folder the runs' images may come from besides those their perceive "
               "recorded (repeatable); images elsewhere are not copied")] = None) -> None:
    """A static HTML explorer of every answer (filters, traces, verdicts) and a summary page; no server."""
    from rapid_eval.reports.build import BootOptions
    from rapid_eval.reports.explorer import build_explorer
    from rapid_eval.reports.params import parse_given
    from rapid_eval.reports.summary import summary_html

    runs = _need([*(runs or []), *(run_opt or [])])
    summary = summary_html(runs, out, BootOptions(bootstrap, seed), parse_given(params))
    index = build_explorer(runs, out, summary, data_dirs=data_dir or ())
    info(f"report -> {index} (open it in a browser; summary: {out / 'summary.html'})")


def run(config: Annotated[Path, typer.Argument(help="YAML: tasks, perceptors, reasoners, variants, repeats, "
                                                "tables (see results/configs/)")],
        out: Annotated[Path | None, typer.Option("--run", "--out",
                                                 help="Run directory (overrides the config's 'out')")] = None,
        shard: Annotated[str | None, typer.Option("--shard", help="I/N: run only this node's share of the samples "
                                                  "(then `rapid-eval merge` the shards' runs)")] = None,
        allow_incomplete: Annotated[bool, typer.Option("--allow-incomplete", help="Exit 0 even when input rows "
                                                       "were skipped or the scores leave answers out (still "
                                                       "reported)")] = False,
        ) -> None:
    """Reproduce a table from one config: run every missing stage (reusing every record), then write the
    tables (OUT/tables) and the report (OUT/report). A second run makes no model call."""
    from rapid_eval import cli_checks as check
    from rapid_eval.reports.config_run import ConfigError, run_config

    check.shard(shard)  # a malformed --shard fails before any model loads
    try:
        done = run_config(config, out, shard=shard)
    except ConfigError as e:
        error(str(e))
        raise typer.Exit(2) from None
    for s in done["stages"]:
        for msg in s["errors"]:
            error(f"{s['stage']} {s['model']}: {msg}")
    for path in done["tables"]:
        info(f"table -> {path}")
        if str(path).endswith(".md"):  # the tables are the command's result: stdout
            result(Path(path).read_text(encoding="utf-8").rstrip("\n") + "\n")
    if done.get("report"):
        info(f"report -> {done['report']} (open it in a browser)")
    problems = [f"{done['failed']} call(s) failed"] if done["failed"] else []
    if done["skipped_rows"]:
        problems.append(f"{done['skipped_rows']} input row(s) were skipped")
    problems += [f"the scores leave out {n} {what.replace('_', ' ')}" for what, n in done["incomplete"].items()
                 if what not in ("failed_perception", "failed_reasoning")]  # the failed calls are counted above
    if problems:
        error("; ".join(problems) + "; everything else is saved. Rerun the same command to retry failed calls"
              + ("" if allow_incomplete else " (--allow-incomplete: exit 0 anyway)") + ".")
        if not allow_incomplete:
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``table``, ``report`` and ``run`` to the main CLI."""
    app.add_typer(table_app, name="table")
    app.command("report")(report)
    app.command("run")(run)
