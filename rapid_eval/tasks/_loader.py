"""Load a task: options -> source -> rows -> adapter -> images -> Samples, reporting bad rows and going on.

``limit`` takes the first N samples in source order. For tasks with groups (WeMath ``ID``, DynaMath ``seed``,
MathVerse ``problem``) it takes whole groups instead, in order of first appearance, until at least N samples
are in: a WeMath group is only scorable complete, and DynaMath's worst case needs all 10 variants of a seed,
which the hub stores ten splits apart. Grouped limits therefore read the source twice (first the group fields
only, then the chosen rows with their images), so no image outside the selection is written to the cache.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapid_eval.registry import RegistryError, benchmark_attr
from rapid_eval.tasks.adapter import Adapter, RowContext, RowError
from rapid_eval.tasks.images import ImageError, materialize
from rapid_eval.tasks.sources import RawRow, Source, open_source
from rapid_eval.tasks.spec import TaskError, TaskSpec, load_spec
from rapid_eval.types import Sample

_ROW_ERRORS = (RowError, ImageError, KeyError, TypeError, ValueError, SyntaxError)


@dataclass
class LoadResult:
    """What ``load_task`` returns: the samples, one message per skipped row, and where they came from."""

    task: str
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """``<file>:<line>: sample <id>: <reason>`` (or ``<dataset> row <i>``) per row that was skipped."""
    source: str = ""
    """``jsonl:<path>``, ``disk:<folder>``, ``parquet:<folder>`` or ``hub:<dataset id>``."""
    options: dict[str, Any] = field(default_factory=dict)
    """The effective options (defaults filled in)."""


def adapter_for(spec: TaskSpec) -> Adapter:
    """The ``ADAPTER`` of ``rapid_eval/benchmarks/<name>/adapter.py``; TaskError when the folder is missing.

    (The loader sits below the benchmark folders, so it finds the adapter by name through
    :func:`rapid_eval.registry.benchmark_attr`, the lookup that ``rapid_eval.benchmarks.get(name).adapter`` uses.)
    """
    try:
        adapter: Adapter = benchmark_attr(spec.name, "adapter", "ADAPTER")
        return adapter
    except RegistryError as e:
        raise TaskError(f"{spec.path}: no adapter for task '{spec.name}' ({e}); add rapid_eval/benchmarks/"
                        f"{spec.name}/adapter.py (README: Adding a benchmark)") from None


def resolve_options(spec: TaskSpec, adapter: Adapter, options: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults from the YAML, overridden by ``options``; unknown keys are a TaskError."""
    given = dict(options or {})
    unknown = sorted(set(given) - set(spec.options))
    if unknown:
        known = ", ".join(spec.options) or "none"
        raise TaskError(
            f"task '{spec.name}' has no option {', '.join(map(repr, unknown))} (its options: {known})"
        )
    return adapter.check_options(spec, {**spec.options, **given})


def _reason(e: BaseException) -> str:
    if isinstance(e, KeyError):
        return f"missing field {e}"
    if isinstance(e, RowError | ImageError):
        return str(e)
    return f"{type(e).__name__}: {e}"


class _Run:
    """One pass over a source, collecting samples and per-row errors."""

    def __init__(self, spec: TaskSpec, adapter: Adapter, source: Source, options: dict[str, Any], images: bool = True):
        self.spec, self.adapter, self.source, self.options = spec, adapter, source, options
        self.images = images
        self.result = LoadResult(spec.name, source=source.description, options=options)
        self._seen: set[str] = set()

    def ctx(self, raw: RawRow) -> RowContext:
        return RowContext(self.spec.name, raw.part, raw.index, self.options)

    def _sample_id(self, raw: RawRow, ctx: RowContext) -> str:
        try:
            return self.adapter.row_id(raw.data or {}, ctx)
        except Exception:  # the id itself may be what is missing
            return "(id unknown)"

    def error(self, raw: RawRow, message: str, sample_id: str | None = None) -> None:
        who = f"sample {sample_id}: " if sample_id else ""
        self.result.errors.append(f"{raw.origin}: {who}{message}")

    def kept(self, raw: RawRow) -> bool:
        """Report unreadable rows; False for rows that are broken or filtered out by the options."""
        if raw.data is None:
            self.error(raw, raw.error or "unreadable row")
            return False
        try:
            return self.adapter.keep(raw.data, self.ctx(raw))
        except _ROW_ERRORS as e:
            self.error(raw, _reason(e), self._sample_id(raw, self.ctx(raw)))
            return False

    def add(self, raw: RawRow) -> None:
        """Convert one row, materialise its images and append the Sample (or report why not)."""
        ctx = self.ctx(raw)
        assert raw.data is not None
        try:
            draft = self.adapter.convert(raw.data, ctx)
            if draft.problem and self.images:
                raise RowError(draft.problem)
            paths = tuple(materialize(ref, self.source.base_dir) for ref in draft.images) if self.images else ()
        except _ROW_ERRORS as e:
            self.error(raw, _reason(e), self._sample_id(raw, ctx))
            return
        sample = dataclasses.replace(draft.sample, images=paths)
        if sample.id in self._seen:
            self.error(raw, "duplicate id, row skipped", sample.id)
            return
        self._seen.add(sample.id)
        self.result.samples.append(sample)


def _select_groups(run: _Run, limit: int) -> set[str]:
    """First pass: the first groups (in source order) that hold at least ``limit`` rows."""
    sizes: dict[str, int] = {}
    for raw in run.source.rows():
        if raw.data is None:
            continue
        ctx = run.ctx(raw)
        try:
            if not run.adapter.keep(raw.data, ctx):
                continue
        except _ROW_ERRORS:
            continue
        value = run.adapter.group_value(raw.data, ctx)
        if value is not None:
            sizes[value] = sizes.get(value, 0) + 1
    chosen: set[str] = set()
    total = 0
    for value, size in sizes.items():
        if total >= limit:
            break
        chosen.add(value)
        total += size
    return chosen


def load(
    name: str,
    *,
    data_dir: str | Path | None = None,
    limit: int | None = None,
    options: dict[str, Any] | None = None,
    images: bool = True,
) -> LoadResult:
    """See :func:`rapid_eval.tasks.load_task`; ``images=False`` skips the image step (gold answers only)."""
    spec = load_spec(name)
    adapter = adapter_for(spec)
    opts = resolve_options(spec, adapter, options)
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise TaskError(f"--limit must be a non-negative integer, got {limit!r}")
    source = open_source(spec, adapter.parts(spec, opts), data_dir)
    run = _Run(spec, adapter, source, opts, images)
    if limit == 0:
        return run.result
    grouped = limit is not None and adapter.group_key is not None
    chosen = _select_groups(run, limit) if grouped and limit is not None else None
    for raw in source.rows():
        if not run.kept(raw):
            continue
        if chosen is not None:
            value = adapter.group_value(raw.data or {}, run.ctx(raw))
            if value is not None and value not in chosen:
                continue
        run.add(raw)
        if limit is not None and not grouped and len(run.result.samples) >= limit:
            break
    return run.result
