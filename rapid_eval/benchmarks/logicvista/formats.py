"""LogicVista's official files (``Yijia-Xiao/LogicVista:eval/``).

- ``results/<model>-accuracy-results.csv``: unnamed index, ``id``, ``reasoning skill``, ``capability``,
  ``true answer`` (stringified lower-case list), ``<model> answer extracted`` (GPT-4's letters; ``zzzzz`` = none),
  ``<model> answer raw``, ``match?``. ``official[i]`` = ``{"extracted", "match", "correct"}``; ``claimed`` holds
  the sum of ``match?`` (the published result: the headline follows ``match?``, ``verdicts_are_headline``).
- ``answers/<model>-answers.json``: ``{"v1_<n>": {"answer": raw text, "reasoning": …}}``. Gold comes from
  ``data_dir`` (``<data_dir>/logicvista``), else from a results CSV beside it (``../results/*-accuracy-results.csv``:
  the gold columns are the same in every model's file). The model's own results CSV
  (``<model>-accuracy-results.csv`` in the same folder or in ``../results``), when present, gives the stored
  verdicts, extracted letters and claim (:func:`rapid_eval.formats.companions.attach_verdicts`); given on the
  command line with the answers file instead, rescoring pairs them the same way.
The raw answer keeps the official pre-processing: text after "ASSISTANT:" when present.
"""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path
from typing import Any

from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.gold import load_gold
from rapid_eval.formats.rows import cell_text, plain_sample
from rapid_eval.types import Sample

_RESULT_COLS = ("id", "reasoning skill", "capability", "true answer", "match?")


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def detect_results(path: Path) -> bool:
    """True for a ``.csv`` with the results columns and a ``<model> answer extracted`` column."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        header = _header(path)
    except (OSError, ValueError, csv.Error):
        return False
    return all(c in header for c in _RESULT_COLS) and any(c.endswith(" answer extracted") for c in header)


def detect_answers(path: Path) -> bool:
    """True for a ``.json`` object (≤ 50 MB, parsed whole) whose first key is ``v1_<n>`` with an ``answer``."""
    if path.suffix.lower() != ".json" or path.stat().st_size > 50_000_000:
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict) or not data:
        return False
    key, val = next(iter(data.items()))
    return str(key).startswith("v1_") and isinstance(val, dict) and "answer" in val


def entry_of(raw: str) -> str:
    """The official pre-processing of a raw answer: the text after "ASSISTANT:" when present."""
    return raw.split("ASSISTANT:")[1] if "ASSISTANT:" in raw else raw


def _lst(cell: str) -> list[str]:
    try:
        val = ast.literal_eval(cell)
    except (ValueError, SyntaxError):
        return [cell]
    return [str(v) for v in val] if isinstance(val, (list, tuple)) else [str(val)]


def _results_rows(path: Path) -> tuple[list[dict[str, str]], str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    model = next(c for c in rows[0] if c.endswith(" answer extracted"))[: -len(" answer extracted")] if rows else ""
    return rows, model


def _sample_from_result(row: dict[str, str], gold: dict[str, Sample]) -> Sample:
    sid = row["id"]
    found = gold.get(sid)
    meta: dict[str, Any] = {"_id": sid, "skill": _lst(row["reasoning skill"]), "capability": _lst(row["capability"])}
    if found is not None:
        return Sample(id=found.id, task="logicvista", question=found.question, answer=found.answer,
                      answer_type=found.answer_type, options=found.options, metadata={**found.metadata, **meta})
    truth = _lst(row["true answer"])
    answer = ", ".join(t.upper() for t in truth)
    return Sample(id=sid, task="logicvista", question="", answer=answer,
                  answer_type="multi_choice" if len(truth) > 1 else "choice", metadata=meta)


def read_results(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """One item per row: the raw answer as output, GPT-4's letters and ``match?`` stored, the sum of ``match?`` claimed.

    The headline follows ``match?`` (``verdicts_are_headline``). Gold from ``data_dir`` when given, else the row's
    ``true answer``. Raises ``FormatError`` for a file without rows.
    """
    rows, model = _results_rows(path)
    if not rows:
        raise FormatError(f"{path}: no rows")
    gold = load_gold("logicvista", data_dir) if data_dir else {}
    samples, outputs = [], []
    official: list[dict[str, Any]] = []
    for row in rows:
        samples.append(_sample_from_result(row, gold))
        outputs.append(entry_of(row.get(f"{model} answer raw") or ""))
        match = int(float(row["match?"]))
        official.append({"extracted": _lst(row[f"{model} answer extracted"]), "match": match, "correct": bool(match)})
    correct = sum(o["match"] for o in official)
    accuracy = round(100 * correct / len(rows), 2)
    claimed = {"model": model, "correct": correct, "n": len(rows), "accuracy": accuracy, "score": accuracy,
               "file": path.name}
    return Predictions(benchmark="logicvista", samples=samples, outputs=outputs, official=official,
                       source=str(path), format="logicvista-results-csv", claimed=claimed,
                       verdicts_are_headline=True)


def own_results(path: Path) -> Path | None:
    """``<model>-accuracy-results.csv`` of an answers file's model: beside it, else in ``../results``."""
    name = path.name.removesuffix("-answers.json") + "-accuracy-results.csv"
    for cand in (path.with_name(name), path.parent.parent / "results" / name):
        if cand.is_file() and detect_results(cand):
            return cand
    return None


def _sibling_gold(path: Path) -> dict[str, Sample]:
    """Gold from any results CSV in ``../results`` (the model's own first)."""
    folder = path.parent.parent / "results"
    model = path.name.removesuffix("-answers.json")
    candidates = sorted(folder.glob("*-accuracy-results.csv"), key=lambda p: p.name != f"{model}-accuracy-results.csv")
    for csv_path in candidates:
        if detect_results(csv_path):
            rows, _ = _results_rows(csv_path)
            return {r["id"]: _sample_from_result(r, {}) for r in rows}
    return {}


def read_answers(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """The answers with gold from ``data_dir`` or a sibling results CSV, and the model's own results CSV attached.

    Keys without gold are left out and counted in ``claimed["items_without_gold"]``; :func:`own_results` finds the
    stored verdicts. Raises ``FormatError`` when no gold is found.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    gold = load_gold("logicvista", data_dir) if data_dir else _sibling_gold(path)
    if not gold:
        raise FormatError(f"{path}: no gold answers; give --data-dir (with logicvista/) "
                          "or keep ../results/*.csv beside it")
    samples, outputs, missing = [], [], []
    for key, entry in data.items():
        if key not in gold:
            missing.append(key)
            continue
        samples.append(gold[key])
        outputs.append(entry_of(str((entry or {}).get("answer") or "")))
    claimed = {"items_without_gold": len(missing)}
    preds = Predictions(benchmark="logicvista", samples=samples, outputs=outputs, source=str(path),
                        format="logicvista-answers-json", claimed=claimed)
    results = own_results(path)
    if results is None:
        return preds
    from rapid_eval.formats.companions import attach_verdicts

    return attach_verdicts(preds, read_results(results, benchmark, data_dir))


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A logicvista row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects."""
    answer = cell_text(row.get("answer"))
    sid = cell_text(row.get("_id") or row.get("id") or row.get("question_id")) or index
    return plain_sample("logicvista", row, sid, answer=answer,
                        answer_type="multi_choice" if "," in answer else "choice")


READERS = (
    Format("logicvista-results-csv", detect_results, read_results),
    Format("logicvista-answers-json", detect_answers, read_answers),
)
"""The benchmark's official output formats, asked in this order before the general readers."""
