"""MathVista's official output files (``lupantech/MathVista:results/<family>/output_*.json``).

A JSON object ``pid -> record``: the problem fields (``question``, ``choices``, ``unit``, ``precision``, ``answer``,
``question_type``, ``answer_type``, ``metadata``, ``query``) plus ``response`` and, after the official scripts ran,
``extraction`` (GPT extractor), ``prediction`` (normalised) and ``true_false``. The gold is in the file. Stored
fields go to ``Predictions.official``; a sibling ``scores_*.json`` (same suffix) gives ``claimed``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.rows import cell_text, maybe_dict, maybe_list, plain_sample
from rapid_eval.types import Sample

_REQUIRED = {"question_type", "answer_type", "answer", "response"}
_FREE_TYPES = {"integer": "integer", "float": "float", "list": "list"}


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load(path: Path) -> Any:
    """The parsed JSON of ``path``, None if unreadable; cached by path and mtime, so detect and read parse it once."""
    return _load(str(path), path.stat().st_mtime)


def detect(path: Path) -> bool:
    """True for a ``.json`` object whose first value is a MathVista record (``response`` and the problem fields)."""
    if not path.is_file() or path.suffix.lower() != ".json":
        return False
    data = load(path)
    if not isinstance(data, dict) or not data:
        return False
    first = next(iter(data.values()))
    return isinstance(first, dict) and _REQUIRED <= set(first) and ("pid" in first or "choices" in first)


def sample_from_record(pid: str, rec: dict[str, Any]) -> Sample:
    """A Sample as the MathVista task loader builds it (choice text as gold, flattened metadata)."""
    choices = [str(c) for c in rec.get("choices") or []]
    qtype, atype = str(rec["question_type"]), str(rec["answer_type"])
    meta: dict[str, Any] = dict(rec.get("metadata") or {})
    meta.update(question_type=qtype, answer_type=atype, query=rec.get("query"))
    precision = rec.get("precision")
    return Sample(
        id=str(rec.get("pid", pid)),
        task="mathvista",
        question=str(rec.get("question") or ""),
        answer=str(rec["answer"]),
        answer_type="choice" if qtype == "multi_choice" else _FREE_TYPES.get(atype, "text"),  # type: ignore[arg-type]
        options=tuple(choices),
        precision=int(precision) if precision is not None else None,
        unit=str(rec["unit"]) if rec.get("unit") else None,
        metadata=meta,
    )


def claimed_scores(path: Path) -> dict[str, Any]:
    """``average`` of the sibling ``scores_<suffix>.json`` (and the whole file under ``official``), or {}."""
    sibling = path.with_name(path.name.replace("output_", "scores_", 1))
    if sibling == path or not sibling.exists():
        return {}
    try:
        scores = json.loads(sibling.read_text(encoding="utf-8"))
        avg = scores["average"]
        return {"score": float(avg["accuracy"]), "correct": int(avg["correct"]), "total": int(avg["total"]),
                "file": sibling.name, "official": scores}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """One item per ``pid``: ``response`` as output; stored ``extraction``, ``prediction``, ``true_false``; claim.

    Raises ``FormatError`` naming the file for anything but a JSON object, and the pid of a record without
    ``question_type``, ``answer_type`` or ``answer``.
    """
    data = load(path)
    if not isinstance(data, dict):
        raise FormatError(f"{path}: expected a JSON object pid -> MathVista record")
    samples, outputs, official = [], [], []
    for pid, rec in data.items():
        if not isinstance(rec, dict) or not {"question_type", "answer_type", "answer"} <= set(rec):
            raise FormatError(f"{path}: record '{pid}' lacks question_type/answer_type/answer")
        samples.append(sample_from_record(pid, rec))
        outputs.append(str(rec.get("response") or ""))
        official.append({
            "has_extraction": "extraction" in rec,
            "extraction": rec.get("extraction"),
            "prediction": rec.get("prediction"),
            "correct": rec.get("true_false"),
        })
    return Predictions(benchmark="mathvista", samples=samples, outputs=outputs, official=official, source=str(path),
                       format="mathvista-output", claimed=claimed_scores(path))


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A mathvista row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects."""
    choices = tuple(cell_text(c) for c in maybe_list(row.get("choices"))) if row.get("choices") is not None else ()
    qtype = cell_text(row.get("question_type"))
    atype = "choice" if qtype == "multi_choice" else (cell_text(row.get("answer_type")) or "text")
    prec = row.get("precision")
    sample = plain_sample("mathvista", row, cell_text(row.get("pid")) or index, answer_type=atype, options=choices,
                    precision=int(float(cell_text(prec))) if cell_text(prec) else None,
                    unit=cell_text(row.get("unit")) or None)
    sample.metadata.update({k: v for k, v in maybe_dict(row.get("metadata")).items() if k not in sample.metadata})
    return sample


READERS = (
    Format("mathvista-output", detect, read),
)
"""The benchmark's official output formats, asked in this order before the general readers."""


def explain_difference(sample: Sample, stored: Any, verdict: Any) -> str | None:
    """Why rapid-eval's verdict may differ from a stored ``true_false`` in a documented way, else None.

    The one known cause (``benchmarks-data.md`` §3.1): an integer item whose stored GPT extraction is written as a
    float (``2.0``, ``5.5``): the published judgement predates the official normaliser's ``int(float(x))``.
    """
    extraction = str(stored.extraction or "").strip()
    if sample.metadata.get("answer_type") == "integer" and re.fullmatch(r"-?\d*\.\d+", extraction):
        return "integer item, float extraction: stored judgement predates int(float(x))"
    return None
