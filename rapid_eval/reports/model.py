"""The table every reporter builds and every renderer reads: rows of labelled cells over benchmark columns.

Columns are benchmark names plus ``avg`` (the plain mean of the row's benchmark values, as the papers' AVG).
Each row may name a baseline row; its cells then carry the paired delta to that baseline and its p-value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapid_eval.reports.cells import Cell

PAPER_BENCHMARKS = ("mathvista", "mathvision", "mathverse", "mmmu", "wemath", "dynamath", "logicvista")
"""The seven benchmarks of RACRO/RAPID, in the papers' column order; AVG is their plain mean."""

SHORT = {"mathvista": "MVista", "mathvision": "MVision", "mathverse": "MVerse", "mmmu": "MMMU", "wemath": "WeMath",
         "dynamath": "DynaM", "logicvista": "LogicV", "realworldqa": "RWQA", "avg": "AVG",
         "answers": "n", "trace_tok": "trace", "trace_vs_none_pct": "trace%", "perc_tok": "p.tok", "perc_s": "p.sec",
         "reas_tok": "r.tok", "reas_s": "r.sec", "usd": "USD", "valid_cap_pct": "cap ok%"}
"""Column headers short enough for an 80-column terminal (the legend names them in full)."""
LONG = {"mathvista": "MathVista", "mathvision": "MathVision", "mathverse": "MathVerse", "mmmu": "MMMU",
        "wemath": "WeMath", "dynamath": "DynaMath", "logicvista": "LogicVista", "realworldqa": "RealWorldQA"}
"""The benchmarks' own spellings, for the formats that are not bound to 80 columns (md, latex, html)."""


@dataclass
class Row:
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
        return {"label": self.label, **self.info, "baseline": self.baseline,
                "cells": {k: c.to_dict() for k, c in self.cells.items()}, **self.extra}


@dataclass
class ReportTable:
    kind: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    info_columns: list[str] = field(default_factory=list)
    """Which ``Row.info`` fields the flat formats (csv, md, latex) show before the cells."""
    extra_columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "columns": self.columns,
                "rows": [r.to_dict() for r in self.rows], "notes": self.notes}


def short(name: str) -> str:
    return SHORT.get(name, name[:7])


def long(name: str) -> str:
    """A column header where width does not matter: the benchmark's name as its authors write it."""
    return LONG.get(name) or short(name)
