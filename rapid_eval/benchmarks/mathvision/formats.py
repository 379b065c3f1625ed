"""MATH-V's official output files (``mathllm/MATH-V:outputs/<model>.jsonl``) and their ``<model>_result.json``.

Rows ``{id, model, response, model_answer, correct}``: no gold, so the gold comes from ``--data-dir``
(``<data_dir>/mathvision/samples.jsonl`` with the official ``test.jsonl`` fields, e.g. ``shared/benchmarks/
annotations``), through the task loader when it is available. ``model_answer``/``correct`` go to
``Predictions.official``; the sibling ``<model>_result.json`` gives ``claimed``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.rows import cell_text, maybe_list, option_columns, plain_sample
from rapid_eval.types import Sample

_RESULT = re.compile(r"^(\d+)/(\d+)=")


def _first_row(path: Path) -> dict[str, Any] | None:
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    return row if isinstance(row, dict) else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return None


def detect(path: Path) -> bool:
    """True for a ``.jsonl`` file whose first row has ``id``, ``response`` and ``model_answer`` or ``correct``."""
    if not path.is_file() or path.suffix.lower() != ".jsonl":
        return False
    row = _first_row(path)
    return row is not None and {"id", "response"} <= set(row) and ("model_answer" in row or "correct" in row)


def gold_file(data_dir: str | Path) -> Path | None:
    """``samples.jsonl`` under ``data_dir/mathvision``, ``data_dir`` itself, or ``data_dir`` as the file."""
    d = Path(data_dir)
    for p in (d / "mathvision" / "samples.jsonl", d / "samples.jsonl", d):
        if p.is_file():
            return p
    return None


def _sample(row: dict[str, Any]) -> Sample:
    options = [str(o) for o in row.get("options") or []]
    return Sample(id=str(row["id"]), task="mathvision", question=str(row.get("question") or ""),
                  answer=str(row["answer"]), answer_type="choice" if options else "text", options=tuple(options),
                  metadata={"subject": row.get("subject"), "level": row.get("level")})


@lru_cache(maxsize=4)
def load_gold(data_dir: str) -> dict[str, Sample]:
    """``{id: Sample}`` of the MathVision gold under ``data_dir`` (task loader if importable, else a plain read)."""
    path = gold_file(data_dir)
    if path is None:
        raise FormatError(f"{data_dir}: no mathvision/samples.jsonl (MathVision outputs need --data-dir with the "
                          "official gold, e.g. shared/benchmarks/annotations)")
    if path.name == "samples.jsonl" and path.parent.name == "mathvision":
        try:
            from rapid_eval.formats.gold import gold_samples

            return {s.id: s for s in gold_samples("mathvision", path.parent.parent)}
        except ImportError:
            pass
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(r["id"]): _sample(r) for r in rows}


def claimed_scores(path: Path) -> dict[str, Any]:
    """``-all`` of the sibling ``<model>_result.json`` as numbers, with the whole file under ``official``."""
    sibling = path.with_name(path.stem + "_result.json")
    try:
        result = json.loads(sibling.read_text(encoding="utf-8"))
        m = _RESULT.match(result["-all"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not m:
        return {}
    correct, total = int(m.group(1)), int(m.group(2))
    return {"score": round(100 * correct / total, 2), "correct": correct, "total": total, "-all": result["-all"],
            "file": sibling.name, "official": result}


def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """One item per row: ``response`` as output, gold from ``data_dir``, stored ``model_answer``/``correct``, claim.

    Raises ``FormatError`` without ``data_dir``, and naming the line for a row that is not JSON with an ``id`` or whose
    id is not in the gold.
    """
    if data_dir is None:
        raise FormatError(f"{path}: MathVision output rows carry no gold answers; give --data-dir with "
                          "mathvision/samples.jsonl (e.g. shared/benchmarks/annotations)")
    gold = load_gold(str(data_dir))
    samples, outputs, official = [], [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            sid = str(row["id"])
        except (ValueError, KeyError, TypeError):
            raise FormatError(f"{path}:{n}: not a JSON row with an 'id'") from None
        if sid not in gold:
            raise FormatError(f"{path}:{n}: id '{sid}' is not in the gold answers under {data_dir}")
        samples.append(gold[sid])
        outputs.append(str(row.get("response") or ""))
        official.append({"model_answer": row.get("model_answer"), "correct": row.get("correct")})
    return Predictions(benchmark="mathvision", samples=samples, outputs=outputs, official=official, source=str(path),
                       format="mathvision-output", claimed=claimed_scores(path))


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A mathvision row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects."""
    options = tuple(cell_text(o) for o in maybe_list(row.get("options"))) or option_columns(row)
    return plain_sample("mathvision", row, cell_text(row.get("id")) or index,
                        answer_type="choice" if options else "text", options=options)


READERS = (
    Format("mathvision-output", detect, read),
)
"""The benchmark's official output formats, asked in this order before the general readers."""


def explain_difference(sample: Sample, stored: Any, verdict: Any) -> str | None:
    """Why rapid-eval's verdict may differ from a stored ``correct`` in a documented way, else None.

    The one known case (Gemini-Pro id 3013): an ``a/b`` answer for a ``\\frac{a}{b}`` gold is equal under the
    released rule (``_fix_a_slash_b`` and 2-decimal rounding) but was stored as wrong.
    """
    answer = str(stored.model_answer or "")
    if verdict.correct and not stored.correct and re.fullmatch(r"-?\d+/\d+", answer):
        return "a/b answer equal to the \\frac gold under the released rule, stored as wrong"
    return None
