"""``rapid-eval export``: a run's perception (or reasoning) records as a Hugging Face dataset folder.

    OUT/README.md                            the dataset card: YAML metadata the Hub reads (configs, licenses,
                                             provenance under ``rapid_eval``), then prose
    OUT/data/<benchmark>/<kind>-NNNNN.parquet   the rows (:mod:`rapid_eval.hub.schema`), SHARD_ROWS per shard

``datasets.load_dataset(OUT)`` loads every benchmark (config ``all``); ``load_dataset(OUT, "<benchmark>")`` one.
``OUT`` must be new, empty, or an earlier export (its card and ``data/`` are replaced); anything else is refused.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapid_eval.hub._quiet import quiet
from rapid_eval.hub.card import CARD, card_metadata, is_export, write_card
from rapid_eval.hub.rows import ExportError, image_column, perception_rows, reasoning_rows
from rapid_eval.hub.schema import KINDS, features
from rapid_eval.storage.rundir import Run

SHARD_ROWS = 20_000
"""Rows per parquet shard (bounds the memory an export holds per benchmark)."""


@dataclass
class ExportResult:
    """What :func:`export_run` wrote."""

    out: Path
    """The dataset folder."""
    kind: str
    """``perception`` or ``reasoning``."""
    rows: dict[str, int] = field(default_factory=dict)
    """Rows per benchmark."""
    files: list[Path] = field(default_factory=list)
    """The parquet shards written."""
    images: bool = False
    """Whether the rows carry their images."""
    pushed: str | None = None
    """The Hub commit URL, where ``push`` uploaded it."""


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; export writes a folder")
    if out.exists() and any(out.iterdir()):
        if not is_export(out):
            raise ExportError(f"{out} is not empty and holds no earlier export; choose a new folder")
        shutil.rmtree(out / "data", ignore_errors=True)
        (out / CARD).unlink()
    out.mkdir(parents=True, exist_ok=True)


class _Shards:
    """Per-benchmark row buffers written as parquet shards of :data:`SHARD_ROWS` rows."""

    def __init__(self, out: Path, kind: str, images: bool, shard_rows: int):
        self.out, self.kind, self.shard_rows = out, kind, shard_rows
        self.features = features(kind, images)
        self.buffers: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self.files: list[Path] = []

    def add(self, benchmark: str, row: dict[str, Any]) -> None:
        buf = self.buffers.setdefault(benchmark, [])
        buf.append({name: row.get(name) for name in self.features})  # every column, in schema order
        self.counts[benchmark] = self.counts.get(benchmark, 0) + 1
        if len(buf) >= self.shard_rows:
            self.flush(benchmark)

    def flush(self, benchmark: str) -> None:
        from datasets import Dataset

        rows = self.buffers.pop(benchmark, [])
        if not rows:
            return
        folder = self.out / "data" / benchmark
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.kind}-{sum(p.parent == folder for p in self.files):05d}.parquet"
        with quiet():
            Dataset.from_list(rows, features=self.features).to_parquet(str(path))
        self.files.append(path)

    def close(self) -> None:
        for benchmark in list(self.buffers):
            self.flush(benchmark)


def export_run(run: str | Path | Run, out: str | Path, *, kind: str = "perception", images: bool = False,
               command: str | None = None, shard_rows: int = SHARD_ROWS) -> ExportResult:
    """Write ``run``'s ``kind`` records (every variant, perceptor and reasoner) as a dataset folder at ``out``.

    ``images``: embed each row's image files (``datasets.Image``), so the importer can perceive again or show
    them; without, rows carry the image count only (reasoning needs no image). ``command``: what the card says
    made the dataset (the CLI passes its command line). Raises :class:`ExportError` with one line."""
    if kind not in KINDS:
        raise ExportError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    r = run if isinstance(run, Run) else Run(run, create=False)
    target = Path(out)
    if target.resolve() == r.root.resolve():
        raise ExportError(f"{target}: export into a folder other than the run")
    if not (r.root / f"{kind}.jsonl").exists():
        raise ExportError(f"{r.root}: no {kind}.jsonl to export (run `rapid-eval "
                          f"{'perceive' if kind == 'perception' else 'reason'}` first)")
    _prepare(target)
    shards = _Shards(target, kind, images, shard_rows)
    rows = perception_rows(r) if kind == "perception" else reasoning_rows(r)
    for sample, row in rows:
        if images:
            row["images"] = image_column(sample)
        shards.add(sample.task, row)
    shards.close()
    if not shards.counts:
        raise ExportError(f"{r.root}: {kind}.jsonl holds no records to export")
    meta = card_metadata(r, kind, shards.counts, images, command or _api_command(r, target, kind, images))
    write_card(target, meta)
    return ExportResult(target, kind, dict(shards.counts), list(shards.files), images)


def _api_command(run: Run, out: Path, kind: str, images: bool) -> str:
    return (f"rapid_eval.api.export_run({str(run.root)!r}, {str(out)!r}, kind={kind!r}"
            + (", images=True" if images else "") + ")")
