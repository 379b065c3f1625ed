"""Gold Samples for prediction files that do not carry their own, from ``--data-dir``, matched by a natural key.

``load_gold`` uses ``rapid_eval.tasks.load_task`` (all rows, every MathVerse version); if the tasks package is
unavailable it reads ``<data_dir>/<bench>/samples.jsonl`` with the row builders of ``_rows.py``.
Keys are benchmark-natural, so they do not depend on how a loader spells sample ids:
DynaMath ``(seed, variant)``, LogicVista ``v1_<n>``, WeMath ``(ID, key)``, others the sample id.
Verdicts stored in a file become ``Verdict``s through ``stored_verdicts``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rapid_eval.rescore.base import FormatError, Predictions, StoredItem
from rapid_eval.rescore.rows import sample_from_row
from rapid_eval.scoring.verdict import Verdict
from rapid_eval.types import Sample

_ALL_VERSIONS = {"mathverse": {"version": "all,Text Only"}}


def natural_key(sample: Sample) -> str:
    """A key that two loaders agree on for the same benchmark item."""
    g, m = sample.group, sample.metadata
    if sample.task == "dynamath":
        return f"{g.get('seed')}-{g.get('variant')}"
    if sample.task == "wemath":
        return f"{g.get('ID')}@{g.get('key')}"
    if sample.task == "logicvista":
        return str(m.get("_id") or sample.id)
    return sample.id


def load_gold(benchmark: str, data_dir: str | Path) -> dict[str, Sample]:
    """``{natural key: Sample}`` for every item of ``benchmark`` under ``data_dir``."""
    try:
        samples = gold_samples(benchmark, data_dir, options=_ALL_VERSIONS.get(benchmark))
    except ImportError:
        samples = _read_jsonl(benchmark, Path(data_dir))
    return {natural_key(s): s for s in samples}


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


def _read_jsonl(benchmark: str, data_dir: Path) -> list[Sample]:
    path = data_dir / benchmark / "samples.jsonl"
    if not path.exists():
        raise FormatError(f"{path}: no gold answers for '{benchmark}' (give --data-dir with <bench>/samples.jsonl)")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [sample_from_row(benchmark, r, str(i)) for i, r in enumerate(rows)]


def stored_verdicts(preds: Predictions) -> list[Verdict]:
    """The per-item verdicts a file stored (``official[i]["correct"]``), as ``decided_by="official:stored"``.

    Items without a stored verdict are unscored (never counted wrong).
    """
    if preds.official is None:
        raise FormatError(f"{preds.source}: the file stores no per-item verdicts")
    out = []
    for item in map(StoredItem.from_dict, preds.official):
        if item.correct is None:
            out.append(Verdict.unscored("no stored verdict"))
        else:
            out.append(Verdict(item.correct, item.extracted, "official:stored"))
    return out
