"""The table every reporter builds and every renderer reads: rows of labelled cells over benchmark columns.

Columns are benchmark names plus ``avg`` (the plain mean of the row's benchmark values, as the papers' AVG).
Each row may name a baseline row; its cells then carry the paired delta to that baseline and its p-value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapid_eval import benchmarks
from rapid_eval.reports.cells import Cell


def paper_benchmarks() -> tuple[str, ...]:
    """The seven benchmarks of RACRO/RAPID, in the papers' column order (each folder's ``PAPER_ORDER``); AVG is
    their plain mean."""
    return tuple(b.name for b in benchmarks.paper_benchmarks())


SHORT = {"avg": "AVG", "answers": "n", "trace_tok": "trace", "trace_vs_none_pct": "trace%", "perc_tok": "p.tok",
         "perc_s": "p.sec", "reas_tok": "r.tok", "reas_s": "r.sec", "usd": "USD", "valid_cap_pct": "cap ok%"}
"""Headers of the columns that are not benchmarks, short enough for an 80-column terminal (the legend names them
in full); a benchmark's header is its ``short_name``."""


@dataclass
class Row:
    """One row of a report table: its label, what the info columns show, and one cell per column."""

    label: str
    """The row's first column: ablation letter, variant, or a short model pairing."""
    info: dict[str, Any] = field(default_factory=dict)
    """Descriptive fields (config, run, perceptor, reasoner, variant, params ...)."""
    cells: dict[str, Cell] = field(default_factory=dict)
    baseline: str | None = None
    """Label of the row its deltas are measured against."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Per-row numbers beside the benchmark cells (gain over the MLLM, trace tokens, cost ...)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON row: ``label``, the ``info`` and ``extra`` fields flattened beside it, ``baseline``, ``cells``."""
        return {"label": self.label, **self.info, "baseline": self.baseline,
                "cells": {k: c.to_dict() for k, c in self.cells.items()}, **self.extra}


@dataclass
class ReportTable:
    """A table of a report (kind, title, columns, rows, notes), rendered by :mod:`rapid_eval.reports.render`."""

    kind: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    info_columns: list[str] = field(default_factory=list)
    """Which ``Row.info`` fields the flat formats (csv, md, latex) show before the cells."""
    extra_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON table (``--format json``): kind, title, columns, rows, notes; the column selections are not kept."""
        return {"kind": self.kind, "title": self.title, "columns": self.columns,
                "rows": [r.to_dict() for r in self.rows], "notes": self.notes}


def short(name: str) -> str:
    """The column header of ``name``: a benchmark's short name, a known column's abbreviation, else 7 letters."""
    if name in SHORT:
        return SHORT[name]
    if name in benchmarks.names():
        return benchmarks.get(name).short_name
    return name[:7]


def long(name: str) -> str:
    """A column header where width does not matter: a benchmark's name as its authors write it."""
    if name in benchmarks.names():
        return benchmarks.get(name).display_name
    return short(name)
