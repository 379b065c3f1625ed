"""Gold Samples for prediction files that do not carry their own, from ``--data-dir``, matched by a natural key.

``load_gold`` loads the task with ``rapid_eval.tasks.load_task`` under the adapter's ``gold_options`` (every
item: MathVerse's every version), without images (a task that cannot be loaded is a FormatError naming why).
Keys are the adapter's ``natural_key``, so they do not depend on how a loader spells sample ids:
DynaMath ``<seed>-<variant>``, LogicVista ``v1_<n>``, WeMath ``<ID>@<key>``, others the sample id.
Verdicts stored in a file become ``Verdict``s through ``stored_verdicts``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rapid_eval.formats.base import FormatError, Predictions, StoredItem
from rapid_eval.scoring.verdict import Verdict
from rapid_eval.tasks import TaskError, adapter_for, load_spec
from rapid_eval.types import Sample


def load_gold(benchmark: str, data_dir: str | Path) -> dict[str, Sample]:
    """``{natural key: Sample}`` for every item of ``benchmark`` under ``data_dir``."""
    try:
        adapter = adapter_for(load_spec(benchmark))
    except TaskError as e:
        raise FormatError(f"{data_dir}: cannot load gold answers for '{benchmark}' ({e})") from e
    samples = gold_samples(benchmark, data_dir, options=dict(adapter.gold_options) or None)
    return {adapter.natural_key(s): s for s in samples}


def gold_samples(benchmark: str, data_dir: str | Path, options: dict[str, Any] | None = None) -> list[Sample]:
    """The task's Samples in dataset order, loaded for their gold answers only: no image is opened or needed.

    A task that cannot be loaded, or whose rows all fail, is a :class:`FormatError` that names the folder and
    the first failing rows with their reasons (never a bare "give --data-dir" when one was given).
    """
    from rapid_eval.tasks import load_task

    try:
        result = load_task(benchmark, data_dir=data_dir, options=options, images=False)
    except Exception as e:  # noqa: BLE001 - TaskError and friends: report as a format problem with the cause
        raise FormatError(f"{data_dir}: cannot load gold answers for '{benchmark}' ({e})") from e
    if not result.samples:
        shown = "; ".join(result.errors[:3]) + (f"; … {len(result.errors) - 3} more" if len(result.errors) > 3 else "")
        why = f"{len(result.errors)} rows failed to load: {shown}" if result.errors else "the source has no rows"
        raise FormatError(f"{data_dir}: no gold answers for '{benchmark}' from {result.source or data_dir} ({why})")
    return result.samples


def stored_verdicts(preds: Predictions) -> list[Verdict]:
    """The per-item verdicts a file stored (``official[i]["correct"]``), as ``decided_by="official:stored"``.

    Items without a stored verdict are unscored (never counted wrong).
    """
    if preds.official is None:
        raise FormatError(f"{preds.source}: the file stores no per-item verdicts")
    return [StoredItem.from_dict(d).verdict() for d in preds.official]
