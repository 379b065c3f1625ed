"""lmms-eval per-sample logs (``--log_samples``: ``samples_<task>_<date>.jsonl`` / ``<date>_samples_<task>.jsonl``).

One JSON object per line. Two layouts (``third-party-formats.md``):

- ≤ 0.6: ``doc_id``, ``doc`` (the dataset row without image fields), ``target``, ``arguments``, ``resps`` (per
  request, a list of generations), ``filtered_resps`` (a list), hashes, then the task's metric fields;
- ≥ 0.7: ``doc_id``, ``target``, ``filtered_resps`` (a **bare string** when there is one), ``resps`` only when it
  differs from ``filtered_resps``, ``token_counts``, ``doc_hash``, ``input_media``, ``input`` (the prompt) and
  the metric fields; **no ``doc``**.

Gold: ``doc`` (the benchmark's own fields) when logged; else, with ``--data-dir``, the task's sample at position
``doc_id`` (documented assumption: the log covers the task in dataset order; checked against ``target``: when
most items' gold differs from their ``target`` the file is refused, naming the first ones); else ``target``
itself, with ``input`` as the question (its ``A. …`` option
lines are read by the scorers that need them). Response: the raw generation ``resps`` when logged, else
``filtered_resps`` (which then equals it); the text after the last ``</think>`` is scored. ``official[i]`` keeps
``filtered``, ``target`` and the metric fields, with ``correct`` set from a per-sample metric value of 0 or 1
(``exact_match`` / ``acc`` / ``acc_score`` / ``accuracy``, or such a metric's ``{"score": …}`` dict), or from a
metric dict's ``true_false`` (MathVista ``llm_as_judge_eval``, whose item fields — pid, query, choices, answer,
types, precision, metadata — also give the gold when there is no ``doc``); MMMU's ``mmmu_acc`` ``parsed_pred``
becomes ``official["parsed"]``, scored by the official eval-only rule as the headline (as lmms-eval aggregates it).
``claimed`` is the run's aggregate from the ``<date>_results.json`` beside ``<date>_samples_<task>.jsonl``
(``results.<task>.<metric>,<filter>``, the first non-stderr metric; a value ≤ 1 is a fraction and is shown in
percent).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rapid_eval.engines.thinking import split_reasoning
from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.rows import sample_from_row
from rapid_eval.types import Sample

_STANDARD = {"doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "doc_hash", "prompt_hash",
             "target_hash", "token_counts", "success", "task", "split", "input_text", "image_paths", "input",
             "input_media"}
_OPTION_LINE = re.compile(r"^([A-I])\. (.*)$", re.M)
_BINARY_METRICS = ("exact_match", "acc", "acc_score", "accuracy", "score")


def _first_record(path: Path) -> dict[str, Any] | None:
    """The first line as a JSON object; None for anything else (unreadable, not JSON, not an object)."""
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    return rec if isinstance(rec, dict) else None
    except (OSError, ValueError, RecursionError):
        return None
    return None


def detect(path: Path) -> bool:
    """True for a ``.jsonl``/``.json`` file whose first line is an object with ``doc_id`` and a response field."""
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
        if isinstance(val, dict):  # ≥ 0.7 metric dicts: {"question_id": …, "score": 1.0}
            val = val.get("score")
        if isinstance(val, (int, float)) and not isinstance(val, bool) and val in (0, 1):
            out["correct"] = bool(val)
            break
    else:
        for val in metrics.values():  # a per-sample metric dict holding a 0/1 score or a true_false verdict
            if isinstance(val, dict) and isinstance(val.get("true_false"), bool):  # MathVista llm_as_judge_eval
                out["correct"] = val["true_false"]
                out["extracted"] = val.get("extraction")
                break
            if isinstance(val, dict) and isinstance(val.get("score"), (int, float)) and val["score"] in (0, 1):
                out["correct"] = bool(val["score"])
                break
    for val in metrics.values():  # MMMU mmmu_acc: the official parse, scored by the official eval-only rule
        if isinstance(val, dict) and isinstance(val.get("parsed_pred"), list) and val["parsed_pred"]:
            out["parsed"] = val["parsed_pred"][0]
            break
    return out


def _row_from_metrics(rec: dict[str, Any]) -> dict[str, Any] | None:
    """A gold row from a per-sample metric dict that carries the item (lmms-eval MathVista ``llm_as_judge_eval``:
    pid, query, choices, answer, types, precision, metadata; MMMU ``mmmu_acc``: id, question_type, answer)."""
    for key, val in rec.items():
        if key in _STANDARD or not isinstance(val, dict) or val.get("answer") in (None, ""):
            continue
        row = dict(val)
        if "question_id" in row and "pid" not in row:
            row["pid"] = row["question_id"]
        row.setdefault("question", row.get("query") or (_first_text(rec.get("input")) if rec.get("input") else ""))
        if row.get("question_type") == "multiple-choice" and not row.get("options"):  # MMMU: options in the prompt
            row["options"] = [m.group(2).strip() for m in _OPTION_LINE.finditer(str(row["question"]))]
        return row
    return None


def response(rec: dict[str, Any]) -> str:
    """The raw generation: ``resps`` when logged, else ``filtered_resps`` (≥ 0.7 drops ``resps`` when equal)."""
    return _first_text(rec["resps"] if rec.get("resps") not in (None, [], "") else rec.get("filtered_resps"))


def _sample(benchmark: str, rec: dict[str, Any], by_position: list[Sample], lineno: int, path: Path) -> Sample:
    doc = rec.get("doc")
    if isinstance(doc, dict) and doc:
        row = dict(doc)
        if not any(row.get(k) not in (None, "") for k in ("answer", "ground_truth")) and rec.get("target") is not None:
            row["answer"] = rec["target"]
        return sample_from_row(benchmark, row, str(rec.get("doc_id", "")))
    pos = rec.get("doc_id")
    if by_position:
        if not isinstance(pos, int) or not 0 <= pos < len(by_position):
            raise FormatError(f"{path}:{lineno}: doc_id {pos!r} is not a position in the task loaded from --data-dir "
                              f"({len(by_position)} items)")
        return by_position[pos]
    if rec.get("target") in (None, "") and _row_from_metrics(rec) is None:
        raise FormatError(f"{path}:{lineno}: no 'doc' and no 'target' in the record; give --data-dir to take gold "
                          "from the task")
    row = _row_from_metrics(rec) or {"answer": rec["target"],
                                     "question": _first_text(rec.get("input")) if rec.get("input") else ""}
    return sample_from_row(benchmark, row, str(pos if pos is not None else lineno - 1))


def _same_gold(gold: Any, target: Any) -> bool:
    norm = lambda v: str(v).strip().lower()  # noqa: E731
    golds = gold if isinstance(gold, list) else [gold]
    targets = target if isinstance(target, list) else [target]
    return any(norm(g) == norm(t) for g in golds for t in targets)


def _load_in_order(benchmark: str, data_dir: str | None) -> list[Sample]:
    if not data_dir:
        return []
    from rapid_eval.formats.gold import gold_samples

    return gold_samples(benchmark, data_dir)


def claimed_scores(path: Path) -> dict[str, Any]:
    """The task's aggregate in the ``<date>_results.json`` beside ``<date>_samples_<task>.jsonl``, or {}."""
    prefix, sep, rest = path.stem.partition("_samples_")
    if not sep:
        return {}
    results = path.with_name(f"{prefix}_results.json")
    try:
        task_results = json.loads(results.read_text(encoding="utf-8"))["results"][rest]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    for key, value in task_results.items():
        if "," in key and "stderr" not in key and isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"score": round(100.0 * value if value <= 1 else float(value), 4), "metric": key,
                    "file": results.name}
    return {}


def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """The log's items (module docstring), with the run's claimed aggregate; loads the task when ``data_dir`` is given.

    Raises ``FormatError`` naming the file and line for a line that is not JSON, a ``doc_id`` that is no position in
    the loaded task, a file with no records, or a log whose targets mostly differ from the loaded gold.
    """
    by_position = _load_in_order(benchmark, data_dir)
    samples, outputs, official = [], [], []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError) as e:
                raise FormatError(f"{path}:{lineno}: not JSON ({e})") from e
            samples.append(_sample(benchmark, rec, by_position, lineno, path))
            final, _, truncated = split_reasoning(response(rec))
            outputs.append(final)
            official.append({**_official(rec), "truncated": truncated})
    if not samples:
        raise FormatError(f"{path}: no records")
    if by_position:
        differ = [f"doc_id {s.id}: target {o['target']!r} vs gold {s.answer!r}"
                  for s, o in zip(samples, official, strict=True)
                  if o.get("target") is not None and not _same_gold(s.answer, o["target"])]
        if len(differ) * 2 > len(samples):
            raise FormatError(f"{path}: {len(differ)} of {len(samples)} records' target differs from the gold at their "
                              "doc_id in --data-dir (the log does not follow the task's order?): "
                              f"{'; '.join(differ[:3])}")
    return Predictions(benchmark=benchmark, samples=samples, outputs=outputs, official=official, source=str(path),
                       format="lmms-eval", claimed=claimed_scores(path))


READERS = (
    Format("lmms-eval", detect, read),
)
"""General readers (any benchmark), asked after the benchmark's own official formats."""
