"""The commands that move results between runs and machines: ``merge`` (shards into one run), ``export`` /
``import`` (runs as Hugging Face datasets) and ``rescore`` (prediction files made elsewhere). Thin wiring over the
Python API, as :mod:`rapid_eval.cli` is; registered on its app by :func:`register`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rapid_eval.log import error, info
from rapid_eval.log import result as result_line
from rapid_eval.registry import benchmark_names


def merge(
    runs: Annotated[list[Path], typer.Argument(help="Shard runs (`perceive --shard I/N`, `reason --shard I/N`)")],
    out: Annotated[Path, typer.Option("--out", help="The merged run (a new directory)")],
) -> None:
    """Merge shard runs into one run holding exactly the records of an unsharded run (refuses mismatches)."""
    from rapid_eval.storage.merge import MergeError, merge_runs

    try:
        result = merge_runs(runs, out)
    except (MergeError, FileNotFoundError) as e:
        error(f"merge: {e}")
        raise typer.Exit(2) from None
    counts = ", ".join(f"{n} {name}" for name, n in result.records.items() if n)
    layout = "; ".join(f"{stage}: {spec} shards" for stage, spec in result.shards.items())
    info(f"merged {len(runs)} runs ({layout or 'unsharded'}): {counts} -> {result.out}; "
         f"`rapid-eval score --run {result.out}` computes the scores")


def export(
    run_dir: Annotated[Path, typer.Argument(help="Run directory")],
    out: Annotated[Path, typer.Option("--out", help="Dataset folder (new, empty, or an earlier export: replaced)")],
    records: Annotated[str, typer.Option("--records", help="perception (every O_p variant) | reasoning (every "
                                         "answer with its verdict)")] = "perception",
    images: Annotated[bool, typer.Option("--images", help="Embed the items' images in the rows")] = False,
    push: Annotated[str | None, typer.Option("--push", help="Then upload to this Hub dataset repo "
                                             "(huggingface_hub's token)")] = None,
    private: Annotated[bool, typer.Option("--private", help="With --push: create the repo private")] = False,
) -> None:
    """Write a run's records as a Hugging Face dataset folder: parquet per benchmark plus a dataset card."""
    import shlex

    from rapid_eval import api
    from rapid_eval.hub.push import HubPushError
    from rapid_eval.hub.rows import ExportError

    command = shlex.join(["rapid-eval", "export", str(run_dir), "--out", str(out), "--records", records]
                         + (["--images"] if images else []) + (["--push", push] if push else []))
    try:
        result = api.export_run(run_dir, out, records=records, images=images, push=push, private=private,
                                command=command)
    except (ExportError, HubPushError, FileNotFoundError) as e:
        error(f"export: {e}")
        raise typer.Exit(2) from None
    rows = ", ".join(f"{n} {name}" for name, n in result.rows.items())
    info(f"exported {sum(result.rows.values())} {result.kind} rows ({rows}) -> {result.out}"
         + (f"; pushed: {result.pushed}" if result.pushed else ""))


def import_(
    source: Annotated[str, typer.Argument(help="Exported perception dataset: folder, parquet file or Hub id")],
    out: Annotated[Path, typer.Option("--run", "--out",
                                      help="Run directory (created; a repeated import writes nothing)")],
    revision: Annotated[str | None, typer.Option(help="Hub revision (branch, tag or commit)")] = None,
) -> None:
    """Build a run from someone's exported O_p: `reason` on it needs no MLLM and asks what the exporter asked."""
    from rapid_eval import api
    from rapid_eval.hub.import_ import HubImportError
    from rapid_eval.hub.schema import HubSchemaError

    try:
        result = api.import_run(source, out, revision=revision)
    except (HubImportError, HubSchemaError) as e:
        error(f"import: {e}")
        raise typer.Exit(2) from None
    info(f"imported {result.rows} perception rows from {source}: {result.samples_added} samples and "
         f"{result.records_added} records added, {result.images_written} images written"
         + ("" if result.images else " (no images in the dataset: text-only reasoning)") + f" -> {result.run.root}")


def rescore(
    files: Annotated[list[Path], typer.Argument(help="Prediction files (official formats, VLMEvalKit, lmms-eval)")],
    benchmark: Annotated[str, typer.Option("--benchmark", help=", ".join(benchmark_names()))],
    data_dir: Annotated[Path | None, typer.Option(help="Gold answers for files that lack them")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    workers: Annotated[int | None, typer.Option(help="Scoring worker processes (default: the CPU cores this "
                                                 "process may use, at most 8, fewer for few items)")] = None,
    items_out: Annotated[Path | None, typer.Option("--items", help="Write one JSON line per item: id, gold, the "
                                                   "file's verdict (stored), ours, both extracted answers, what "
                                                   "decided ours, audit class, response excerpt")] = None,
    report_out: Annotated[Path | None, typer.Option("--report", help="Write the audit page DIR/audit.html: every "
                                                    "item with question, gold, response, both verdicts and "
                                                    "extractions, filterable by audit class (images from "
                                                    "--data-dir)")] = None,
) -> None:
    """Score predictions made elsewhere with the benchmark's official rules."""
    import json
    from dataclasses import replace

    from rapid_eval.api import rescore as do_rescore

    try:
        result = do_rescore(benchmark, list(files), data_dir=data_dir, workers=workers,
                            items=items_out is not None or report_out is not None, context=report_out is not None)
    except (ValueError, KeyError, FileNotFoundError) as e:
        error(str(e).strip("'\""))
        raise typer.Exit(2) from None
    if report_out is not None:
        from rapid_eval.reports.audit_page import build_audit_page

        info(f"audit page -> {build_audit_page(result, report_out, data_dir)} (open it in a browser)")
    rows = result.items
    if items_out is not None:
        tmp = items_out.with_name(items_out.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for row in rows or []:
                f.write(json.dumps(row.to_dict(), ensure_ascii=False, default=str) + "\n")
        tmp.replace(items_out)
        info(f"{len(rows or [])} items written to {items_out}")
    if as_json:
        summary = replace(result, items=None, contexts=None).to_dict()
        sys.stdout.write(json.dumps(summary, ensure_ascii=False, default=str) + "\n")
    else:
        from rapid_eval.rescore.result import summary_lines

        for line in summary_lines(result):
            result_line(line)


def register(app: typer.Typer) -> None:
    """Add ``merge``, ``export``, ``import`` and ``rescore`` to ``app``, in that order."""
    app.command()(merge)
    app.command("export")(export)
    app.command("import")(import_)
    app.command()(rescore)
