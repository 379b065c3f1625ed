"""MathVerse's official output files (``ZrrSkywalker/MathVerse`` README: ``output_testmini.json``).

A JSON list of the testmini records (``sample_index``, ``problem_index``, ``problem_version``, ``question``,
``answer``, ``question_type``, ``metadata``, ``query_wo``, ``query_cot`` …) plus ``model_answer`` (the response).
After the official scripts ran, records also hold ``extraction`` (stage 1) and ``judgement`` (0/1, stage 2);
these go to ``official``. The gold is in the file itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rapid_eval.scoring.formats._rows import cell_text, sample_from_row
from rapid_eval.scoring.formats.base import FormatError, Predictions, register_format


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def detect(path: Path) -> bool:
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


@register_format("mathverse-output", benchmarks=("mathverse",), detect=detect)
def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
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
