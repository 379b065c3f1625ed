"""MathVerse's official output files (``ZrrSkywalker/MathVerse`` README: ``output_testmini.json``).

A JSON list of the testmini records (``sample_index``, ``problem_index``, ``problem_version``, ``question``,
``answer``, ``question_type``, ``metadata``, ``query_wo``, ``query_cot`` …) plus ``model_answer`` (the response).
After the official scripts ran, records also hold ``extraction`` (stage 1) and ``judgement`` (0/1, stage 2);
these go to ``official``. The gold is in the file itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.rows import (
    cell_text,
    maybe_dict,
    plain_sample,
    sample_from_row,
)
from rapid_eval.types import Sample


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def detect(path: Path) -> bool:
    """True for a ``.json`` list (≤ 200 MB) whose first record has ``problem_version``, ``model_answer``, ``answer``."""
    if path.suffix.lower() != ".json" or path.stat().st_size > 200_000_000:
        return False
    data = _load(path)
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
            and {"problem_version", "model_answer", "answer"} <= set(data[0]))


def _official(rec: dict[str, Any]) -> dict[str, Any]:
    judgement = rec.get("judgement")
    out: dict[str, Any] = {"correct": None if judgement in (None, "") else int(judgement) == 1}
    if rec.get("extraction") is not None:
        out["extracted"] = cell_text(rec["extraction"])
    return out


def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """One item per record: ``model_answer`` as output, stage-1 ``extraction`` and stage-2 ``judgement`` stored.

    Raises ``FormatError`` naming the file for anything but a JSON list, and the record for one without ``answer``.
    """
    data = _load(path)
    if not isinstance(data, list):
        raise FormatError(f"{path}: expected a JSON list of MathVerse records")
    samples, outputs, official = [], [], []
    for i, rec in enumerate(data):
        if not isinstance(rec, dict) or "answer" not in rec:
            raise FormatError(f"{path}: record {i} has no 'answer'")
        samples.append(sample_from_row("mathverse", rec, str(i)))
        outputs.append(cell_text(rec.get("model_answer")))
        official.append(_official(rec))
    return Predictions(benchmark="mathverse", samples=samples, outputs=outputs, official=official, source=str(path),
                       format="mathverse-output", claimed={})


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A mathverse row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects."""
    answer = cell_text(row.get("answer"))
    meta = maybe_dict(row.get("metadata"))
    mc = cell_text(row.get("question_type")).startswith("multi")
    atype = ("multi_choice" if len(re.findall(r"[A-Z]", answer)) > 1 else "choice") if mc else "text"
    sample = plain_sample("mathverse", row, cell_text(row.get("sample_index")) or index, answer=answer,
                          answer_type=atype, group={"problem": cell_text(row.get("problem_index")),
                                                    "version": cell_text(row.get("problem_version"))})
    sample.metadata.update({k: v for k, v in meta.items() if k not in sample.metadata})
    return sample


READERS = (
    Format("mathverse-output", detect, read),
)
"""The benchmark's official output formats, asked in this order before the general readers."""
