"""lmms-eval per-sample logs (``--log_samples``: ``samples_<task>_<date>.jsonl``).

One JSON object per line: ``doc_id``, ``doc`` (the dataset row without image fields), ``target``, ``arguments``,
``resps`` (per request, a list of generations), ``filtered_resps`` (after the task's filters), optional hashes,
then the task's metric fields (``exact_match``, ``gpt_eval_score``, ``acc_score``, ``dynamath_worst`` …).
Gold comes from ``doc`` (the benchmark's own fields), else ``target``. The raw generation ``resps[0][0]`` is
scored (text after the last ``</think>``); ``official[i]`` keeps ``filtered``, ``target`` and the metric fields,
with ``correct`` set from an ``exact_match`` / ``acc`` / ``acc_score`` value of 0 or 1 when there is one.
Some lmms-eval versions omit ``doc``; such a log needs ``--data-dir``, and rows are matched by ``doc_id`` as the
position in the loaded task (documented assumption: the log covers the task in dataset order).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rapid_eval.engines.thinking import split_reasoning
from rapid_eval.rescore.base import Format, FormatError, Predictions
from rapid_eval.rescore.rows import sample_from_row
from rapid_eval.types import Sample

_STANDARD = {"doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "doc_hash", "prompt_hash",
             "target_hash", "token_counts", "success", "task", "split", "input_text", "image_paths"}
_BINARY_METRICS = ("exact_match", "acc", "acc_score", "accuracy")


def _first_record(path: Path) -> dict[str, Any] | None:
    """The first line as a JSON object; None for anything else (unreadable, not JSON, not an object)."""
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    return rec if isinstance(rec, dict) else None
    except (OSError, ValueError):
        return None
    return None


def detect(path: Path) -> bool:
    if path.suffix.lower() not in (".jsonl", ".json"):
        return False
    rec = _first_record(path)
    return rec is not None and "doc_id" in rec and ("resps" in rec or "filtered_resps" in rec)


def _first_text(value: Any) -> str:
    while isinstance(value, (list, tuple)):
        if not value:
            return ""
        value = value[0]
    return "" if value is None else str(value)


def _official(rec: dict[str, Any]) -> dict[str, Any]:
    metrics = {k: v for k, v in rec.items() if k not in _STANDARD}
    out: dict[str, Any] = {"filtered": _first_text(rec.get("filtered_resps")), "target": rec.get("target"),
                           "metrics": metrics, "correct": None}
    for name in _BINARY_METRICS:
        val = metrics.get(name)
        if isinstance(val, (int, float)) and not isinstance(val, bool) and val in (0, 1):
            out["correct"] = bool(val)
            break
    return out


def _sample(benchmark: str, rec: dict[str, Any], by_position: list[Sample], lineno: int, path: Path) -> Sample:
    doc = rec.get("doc")
    if isinstance(doc, dict) and doc:
        row = dict(doc)
        if not any(row.get(k) not in (None, "") for k in ("answer", "ground_truth")) and rec.get("target") is not None:
            row["answer"] = rec["target"]
        return sample_from_row(benchmark, row, str(rec.get("doc_id", "")))
    pos = rec.get("doc_id")
    if isinstance(pos, int) and 0 <= pos < len(by_position):
        return by_position[pos]
    raise FormatError(f"{path}:{lineno}: no 'doc' in the record; give --data-dir to take gold from the task")


def _load_in_order(benchmark: str, data_dir: str | None) -> list[Sample]:
    if not data_dir:
        return []
    from rapid_eval.tasks import load_task

    return load_task(benchmark, data_dir=data_dir).samples


def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    by_position = _load_in_order(benchmark, data_dir)
    samples, outputs, official = [], [], []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                raise FormatError(f"{path}:{lineno}: not JSON ({e})") from e
            samples.append(_sample(benchmark, rec, by_position, lineno, path))
            final, _, truncated = split_reasoning(_first_text(rec.get("resps")))
            outputs.append(final)
            official.append({**_official(rec), "truncated": truncated})
    if not samples:
        raise FormatError(f"{path}: no records")
    return Predictions(benchmark=benchmark, samples=samples, outputs=outputs, official=official, source=str(path),
                       format="lmms-eval", claimed={})


READERS = (
    Format("lmms-eval", detect, read),
)
"""General readers (any benchmark), asked after the benchmark's own official formats."""
