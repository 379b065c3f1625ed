"""Benchmark tasks: load RAPID's seven benchmarks (and RealWorldQA) as :class:`~rapid_eval.types.Sample` lists.

``tasks/<name>.yaml`` declares each benchmark (hub id, configs, splits, options, license);
``rapid_eval/benchmarks/<name>/adapter.py`` maps its rows, under both the Hugging Face and the GitHub field names.
Importing this package imports neither torch, transformers nor ``datasets`` (the latter loads only when a
hub, ``save_to_disk`` or parquet source is used).

    >>> from rapid_eval.tasks import load_task
    >>> res = load_task("wemath", data_dir="tasks/fixtures")
    >>> res.samples[0].group
    {'ID': '2steps_48', 'key': '2steps_1'}
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.paths import fixtures_dir
from rapid_eval.tasks.spec import TaskError, TaskSpec, load_spec, task_names

if TYPE_CHECKING:
    from rapid_eval.tasks._loader import LoadResult, adapter_for, load, resolve_options  # noqa: F401  # lazy names

__all__ = ["LoadResult", "TaskError", "TaskSpec", "describe_tasks", "fixtures_dir", "load_task", "task_names"]

_LAZY = {"LoadResult", "adapter_for", "load", "resolve_options"}


def __getattr__(name: str) -> Any:
    """The loader's names, imported on first use: a task's spec (``prompt_type`` for every prompt a run renders,
    ``--shard``) needs neither the row sources nor the image code behind them."""
    if name in _LAZY:
        from rapid_eval.tasks import _loader

        return getattr(_loader, name)
    raise AttributeError(f"module 'rapid_eval.tasks' has no attribute '{name}'")


def load_task(
    name: str,
    *,
    data_dir: str | Path | None = None,
    limit: int | None = None,
    options: dict[str, Any] | None = None,
    images: bool = True,
) -> LoadResult:
    """Load task ``name`` as Samples.

    - ``data_dir``: a folder holding ``<name>/samples.jsonl`` (dev format), ``save_to_disk`` output or parquet
      files (see :mod:`rapid_eval.tasks.sources`); ``None`` reads the Hugging Face hub.
    - ``limit``: the first N samples; tasks with groups keep whole groups (see :mod:`rapid_eval.tasks._loader`).
    - ``options``: task options declared in the YAML (e.g. MathVerse ``version``, MathVision ``split``).
    - ``images``: False skips the image step (no image is opened, copied or required; ``Sample.images`` is
      empty): gold answers for re-scoring prediction files do not need the images.

    Rows that cannot be used are skipped and reported in ``LoadResult.errors``; a task that cannot be loaded at
    all (unknown name or option, unreachable hub, empty folder) raises :class:`TaskError` with one line.
    """
    from rapid_eval.tasks._loader import load

    return load(name, data_dir=data_dir, limit=limit, options=options, images=images)


def describe_tasks(data_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """One dict per task for a ``rapid-eval tasks`` listing.

    Keys: name, description, hub_id, configs, splits, expected_size, split_sizes, options (defaults), license;
    with ``data_dir`` also local_source and local_rows (raw rows in the local source, before option filters; None
    when there is no local data for the task). The headline metric is the scorer's
    (``rapid_eval.benchmarks.get(name).headline_metric``).
    """
    from rapid_eval.tasks._loader import adapter_for, resolve_options
    from rapid_eval.tasks.sources import local_source

    out = []
    for name in task_names():
        spec = load_spec(name)
        adapter = adapter_for(spec)
        entry: dict[str, Any] = {
            "name": spec.name,
            "description": spec.description,
            "hub_id": spec.hub_id,
            "configs": [c for c in spec.configs if c],
            "splits": list(spec.splits),
            "expected_size": spec.expected_size,
            "split_sizes": dict(spec.split_sizes),
            "options": dict(spec.options),
            "license": spec.license,
        }
        if data_dir is not None:
            try:
                src = local_source(spec, adapter.parts(spec, resolve_options(spec, adapter, None)), data_dir)
                entry["local_source"], entry["local_rows"] = src.description, src.count()
            except TaskError:
                entry["local_source"], entry["local_rows"] = None, None
        out.append(entry)
    return out
