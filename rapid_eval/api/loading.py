"""Load what a stage runs on: benchmark samples (:func:`load_tasks`) and engines (:func:`load_engine`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapid_eval.log import warn
from rapid_eval.types import Sample

if TYPE_CHECKING:
    from rapid_eval.engines.base import Engine


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
