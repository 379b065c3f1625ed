"""DynaMath's official per-item result tables (``DynaMath/DynaMath:samples and result/<model>-result.csv``).

Columns: ``Question ID`` (Q1..Q501), ``Variant 1`` … ``Variant 10`` (``correct``/``fail``), ``# of correct per
question``, ``Topic``, ``Difficulty Level``. After the item rows come a ``# of correct per variant`` row, an
``A_avg`` row (per-variant accuracy in %) and empty rows: parsing stops at the first non-``Q<n>`` row, and the two
summary rows become ``Predictions.claimed``. There are no responses: ``outputs`` are empty and
``official[i]["correct"]`` carries the stored verdict (``_gold.stored_verdicts``), which rescoring aggregates.
With ``data_dir`` the gold answers and questions of the seeds found there are attached.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.gold import load_gold
from rapid_eval.formats.rows import cell_text, plain_sample
from rapid_eval.types import Sample

_HEADER = ("Question ID", "Variant 1")
_ROW_ID = re.compile(r"^Q(\d+)$")


def detect(path: Path) -> bool:
    """True for a ``.csv`` whose header starts ``Question ID``, ``Variant 1`` and has the ``Topic`` column."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, ValueError, csv.Error):
        return False
    return tuple(header[:2]) == _HEADER and "Topic" in header and "# of correct per question" in header


def _summary(rows: list[list[str]], header: list[str]) -> dict[str, Any]:
    """The ``# of correct per variant`` and ``A_avg`` rows, keyed by variant number."""
    claimed: dict[str, Any] = {}
    names = {"# of correct per variant": "correct_per_variant", "A_avg": "A_avg"}
    for row in rows:
        if row and row[0] in names:
            vals = {}
            for k in range(1, 11):
                cell = row[header.index(f"Variant {k}")].strip()
                if cell:
                    vals[str(k)] = float(cell) if "." in cell else int(cell)
            claimed[names[row[0]]] = vals
    return claimed


def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """Ten items per ``Q<n>`` row (one per variant) with their stored verdicts; the summary rows become the claim.

    The items are DynaMath's whatever ``benchmark`` says; with ``data_dir`` each gets its seed's gold (else an empty
    answer and ``metadata["gold"] = "absent"``). Raises ``FormatError`` naming the line for a variant cell other
    than ``correct``/``fail``, and for a file without ``Q<n>`` rows.
    """
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:]
    gold = load_gold("dynamath", data_dir) if data_dir else {}
    samples, official = [], []
    end = len(body)
    for lineno, row in enumerate(body, start=2):
        m = _ROW_ID.match(row[0].strip()) if row else None
        if not m:
            end = lineno - 2
            break
        seed = m.group(1)
        cell = dict(zip(header, row, strict=False))
        for k in range(1, 11):
            value = cell.get(f"Variant {k}", "").strip()
            if value not in ("correct", "fail"):
                raise FormatError(f"{path}:{lineno}: Variant {k} is {value!r}, expected 'correct' or 'fail'")
            samples.append(_sample(seed, k, cell, gold))
            official.append({"correct": value == "correct", "cell": value})
    if not samples:
        raise FormatError(f"{path}: no Q<n> rows")
    return Predictions(benchmark="dynamath", samples=samples, outputs=[""] * len(samples), official=official,
                       source=str(path), format="dynamath-result-csv", claimed=_summary(body[end:], header))


def _sample(seed: str, variant: int, cell: dict[str, str], gold: dict[str, Sample]) -> Sample:
    found = gold.get(f"{seed}-{variant}")
    meta = {"subject": cell.get("Topic", ""), "level": cell.get("Difficulty Level", "")}
    if found is not None:
        return Sample(id=found.id, task="dynamath", question=found.question, answer=found.answer,
                      answer_type=found.answer_type, group={"seed": seed, "variant": str(variant)},
                      metadata={**found.metadata, **meta})
    return Sample(id=f"{seed}-{variant}", task="dynamath", question="", answer="",
                  group={"seed": seed, "variant": str(variant)}, metadata={**meta, "gold": "absent"})


def from_port_row(row: dict[str, Any], index: str) -> Sample:
    """A dynamath row in a port's own layout (VLMEvalKit TSV columns, lmms-eval ``doc``) that the adapter rejects."""
    raw_type = cell_text(row.get("answer_type"))
    atype = {"float": "float", "multiple choice": "choice"}.get(raw_type, "text")
    seed = cell_text(row.get("qid") or row.get("_seed_id") or row.get("seed") or row.get("question_id"))
    variant = cell_text(row.get("varid") or row.get("_variant") or row.get("variant"))
    sample = plain_sample("dynamath", row, f"{seed}-v{variant}" if seed else index,
                    answer=cell_text(row.get("answer") if row.get("answer") not in (None, "")
                                     else row.get("ground_truth")),
                    answer_type=atype, group={"seed": seed, "variant": variant})
    sample.metadata.setdefault("level", row.get("knowledge_level"))
    return sample


READERS = (
    Format("dynamath-result-csv", detect, read),
)
"""The benchmark's official output formats, asked in this order before the general readers."""
