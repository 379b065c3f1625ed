"""VLMEvalKit prediction files (``<model>_<Dataset>.xlsx`` / ``.csv`` / ``.tsv``) and their judged variants.

A prediction file is the dataset TSV plus a ``prediction`` column: ``index``, ``question``, ``answer``,
``prediction``, MCQ option columns ``A``, ``B`` …, and the benchmark's own columns (MathVista ``question_type``/
``answer_type``/``choices``/``precision``; MathVerse ``problem_version``/``question_type``/``metadata``/
``question_for_eval``; DynaMath ``qid``/``varid``/``answer_type``/``subject``/``knowledge_level``; WeMath ``ID``/
``key``/``knowledge concept``; LogicVista ``skill`` …). Judged files (``…_gpt-4o-mini.xlsx``, ``…_score.xlsx``,
``_openai_result``) add per-item results, kept in ``official``: ``hit`` (MCQ, LogicVista, WeMath), ``score``
(MathVerse stage 2), ``correct`` (DynaMath), ``extract`` / ``extracted`` / ``res`` (the judge's extraction).
Judged files also get ``claimed`` (the ``_score.csv`` / ``_acc.csv`` beside them, :mod:`.vlmevalkit_claimed`) and
``replay`` (the stored judge outputs run through VLMEvalKit's post-processing, :mod:`rapid_eval.scoring.judge_replay`,
against the stored verdicts); where a judged file has no verdict column (MathVista: ``res`` and ``log`` only)
the replayed verdict is the stored one, as VLMEvalKit's score file counts it.
``prediction`` is RAPID's whole reasoner output: the text after the last ``</think>`` is scored; an unclosed
``<think>`` (cut in the trace) gives an empty output and ``official[i]["truncated"] = True``.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from rapid_eval import benchmarks
from rapid_eval.engines.thinking import split_reasoning
from rapid_eval.formats.base import Format, FormatError, Predictions
from rapid_eval.formats.rows import cell_text, sample_from_row
from rapid_eval.rescore.vlmevalkit_claimed import claimed_scores
from rapid_eval.scoring.judge_replay import replay_summary

_SUFFIXES = (".xlsx", ".csv", ".tsv")
_VERDICT_COLS = ("hit", "score", "correct")
_EXTRACT_COLS = ("extract", "extracted", "res")


MAX_XLSX_BYTES = 256 << 20
"""Largest unpacked size of an ``.xlsx`` read (a 2 MB file can unpack to a 531 MB sheet that takes minutes);
``RAPID_EVAL_MAX_XLSX_BYTES`` raises it."""
MAX_XLSX_CELLS = 5_000_000
"""Most cells of a sheet read (its declared dimension); ``RAPID_EVAL_MAX_XLSX_CELLS`` raises it."""


class XlsxTooLarge(FormatError):
    """A workbook over the unpacked-size or cell limit (reported, not taken for "some other format")."""


def _limit(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def check_xlsx(path: Path) -> None:
    """``FormatError`` naming ``path`` when the workbook unpacks to more than the byte limit or declares more
    cells than the cell limit (checked from the zip directory and the sheet's dimension, before any parsing)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (OSError, zipfile.BadZipFile) as e:
        raise FormatError(f"{path}: not a readable .xlsx ({e})") from None
    limit = _limit("RAPID_EVAL_MAX_XLSX_BYTES", MAX_XLSX_BYTES)
    if unpacked > limit:
        raise XlsxTooLarge(f"{path}: unpacks to {unpacked >> 20} MiB, over the {limit >> 20} MiB limit (a zip "
                          "bomb? raise RAPID_EVAL_MAX_XLSX_BYTES if it is meant)")
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        ws = wb.active
        cells = (ws.max_row or 0) * (ws.max_column or 0)
    finally:
        wb.close()
    cap = _limit("RAPID_EVAL_MAX_XLSX_CELLS", MAX_XLSX_CELLS)
    if cells > cap:
        raise XlsxTooLarge(f"{path}: the sheet declares {cells} cells, over the {cap} limit "
                          "(raise RAPID_EVAL_MAX_XLSX_CELLS if it is meant)")


def _columns(path: Path) -> list[str]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        check_xlsx(path)
        wb = load_workbook(path, read_only=True)
        try:
            first = next(wb.active.iter_rows(max_row=1, values_only=True), ())
        finally:
            wb.close()
        return [str(c) for c in first if c is not None]
    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f, delimiter="\t" if path.suffix.lower() == ".tsv" else ","), [])


def detect(path: Path) -> bool:
    """True for a ``.xlsx``/``.csv``/``.tsv`` file whose header has ``index``, ``prediction`` and ``answer``.

    An unreadable file is simply not this format; a workbook over the size limits raises :class:`XlsxTooLarge`.
    """
    if path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        cols = set(_columns(path))
    except XlsxTooLarge:
        raise
    except Exception:  # noqa: BLE001 - a file openpyxl/csv cannot read (bad zip, binary) is simply not ours
        return False
    return {"index", "prediction", "answer"} <= cols


def _rows(path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    if path.suffix.lower() == ".xlsx":
        check_xlsx(path)
        df = pd.read_excel(path, dtype=object)
    else:
        df = pd.read_csv(path, sep="\t" if path.suffix.lower() == ".tsv" else ",", dtype=object, keep_default_na=False)
    return [{str(k): (None if cell_text(v) == "" else v) for k, v in rec.items()}
            for rec in df.to_dict(orient="records")]


def _verdict(row: dict[str, Any]) -> bool | None:
    for col in _VERDICT_COLS:
        val = row.get(col)
        if val is None:
            continue
        text = cell_text(val).strip().lower()
        if text in ("1", "true", "1.0"):
            return True
        if text in ("0", "false", "0.0"):
            return False
    return None


def _official(row: dict[str, Any], truncated: bool) -> dict[str, Any]:
    rec: dict[str, Any] = {"truncated": truncated, "correct": _verdict(row)}
    for col in _EXTRACT_COLS:
        if row.get(col) is not None:
            rec["extracted"] = cell_text(row[col])
            break
    else:  # the judge's column is there but empty: a failed extraction, which the audit reports
        if any(col in row for col in _EXTRACT_COLS):
            rec["extracted"] = ""
    for col in ("log", "log_extract", "log_score", "parse"):
        if row.get(col) is not None:
            rec[col] = cell_text(row[col])
    return rec


def read(path: Path, benchmark: str, data_dir: str | None = None) -> Predictions:
    """The file's rows as items (module docstring), with stored verdicts, judge replay and claim where judged.

    Loads the whole sheet (pandas; ``.xlsx`` through openpyxl after :func:`check_xlsx`). Raises ``FormatError``
    naming the file, line and ``index`` for a row without gold or one the benchmark cannot turn into a Sample.
    """
    rows = _rows(path)
    if not rows:
        raise FormatError(f"{path}: no rows")
    samples, outputs, official = [], [], []
    for lineno, row in enumerate(rows, start=2):
        if row.get("answer") is None:
            raise FormatError(f"{path}:{lineno}: index {row.get('index')}: no gold answer")
        try:
            samples.append(sample_from_row(benchmark, row, cell_text(row.get("index"))))
        except (KeyError, ValueError, TypeError) as e:
            raise FormatError(f"{path}:{lineno}: index {row.get('index')}: {e}") from e
        final, _, truncated = split_reasoning(cell_text(row.get("prediction")))
        outputs.append(final)
        official.append(_official(row, truncated))
    replay = _replay(benchmark, rows, samples, official)
    has_verdicts = any(o["correct"] is not None for o in official)
    return Predictions(benchmark=benchmark, samples=samples, outputs=outputs, official=official, source=str(path),
                       format="vlmevalkit-judged" if has_verdicts else "vlmevalkit", claimed=claimed_scores(path),
                       replay=replay)


def _replay(benchmark: str, rows: list[dict[str, Any]], samples: list[Any],
            official: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Replay the stored judge outputs; fill ``correct`` from them where the file has no verdict column."""
    if not any(row.get("log") is not None or row.get("res") is not None for row in rows):
        return None
    replayed = benchmarks.get(benchmark).replay_vlmevalkit(rows)
    if all(r is None for r in replayed):
        return None
    if all(o["correct"] is None for o in official):  # MathVista: the score file's hit is the replayed verdict
        for o, r in zip(official, replayed, strict=True):
            o["correct"], o["verdict_from"] = r, "replayed"
        return {**replay_summary(replayed, replayed, [s.id for s in samples]), "stored": "none (verdicts replayed)"}
    return replay_summary(replayed, [o["correct"] for o in official], [s.id for s in samples])


READERS = (
    Format("vlmevalkit", detect, read),
)
"""General readers (any benchmark), asked after the benchmark's own official formats."""
