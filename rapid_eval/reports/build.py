"""Fill a row's cells: headline value per benchmark, repeat spread, bootstrap CI, paired delta to a baseline, AVG.

The AVG cell is the plain mean of the row's benchmark values (None unless every column has one); its interval and
paired test resample each benchmark's clusters within that benchmark (stratified), so AVG's noise is the noise of
the mean the papers report.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from rapid_eval.reports import load, stats
from rapid_eval.reports.cells import Cell, Selector, TaskSeries
from rapid_eval.reports.load import open_run

_MEMO: dict[tuple, dict[str, Cell]] = {}
"""Cells already computed in this process (the summary page and a config build main and scaling from the same
configurations); keyed by everything that determines them, including the loader's generation."""


@dataclass(frozen=True)
class BootOptions:
    """Bootstrap settings of a table: resamples (0: no intervals or tests) and the seed."""

    n_boot: int = 1000
    seed: int = 0


_SERIES: dict[tuple, TaskSeries | None] = {}


def series(sel: Selector, task: str) -> TaskSeries | None:
    """The answers of one configuration on one benchmark (one object per process, so bootstrap values are
    computed once however many tables use them)."""
    key = (load.GENERATION[0], sel, task)
    if key not in _SERIES:
        answers = sel.answers(task)
        s = TaskSeries(open_run(sel.run), answers, task) if answers else None
        _SERIES[key] = s if s is not None and s.n else None
    return _SERIES[key]


def fill_cells(sel: Selector, tasks: list[str], boot: BootOptions, baseline: Selector | None = None,
               paper: dict[str, float] | None = None) -> dict[str, Cell]:
    """The cells of one configuration over ``tasks`` plus ``avg`` (memoised per process)."""
    key = (load.GENERATION[0], sel, tuple(tasks), boot, baseline, tuple(sorted((paper or {}).items())))
    if key not in _MEMO:
        _MEMO[key] = _fill_cells(sel, tasks, boot, baseline, paper or {})
    return copy.deepcopy(_MEMO[key])


def _pair(s: TaskSeries, b: TaskSeries, boot: BootOptions) -> tuple[float | None, np.ndarray, int]:
    """(delta on the items both answered, bootstrap differences on shared resamples, shared clusters) of ``s``
    minus ``b``."""
    if s.uids() != b.uids():
        common = s.uids() & b.uids()
        s, b = s.restrict(common), b.restrict(common)
    va, vb = s.value()[0], b.value()[0]
    delta = None if va is None or vb is None else va - vb
    return delta, s.boot_values(boot.n_boot, boot.seed) - b.boot_values(boot.n_boot, boot.seed), len(s.cluster_uids)


def _fill_cells(sel: Selector, tasks: list[str], boot: BootOptions, baseline: Selector | None,
                paper: dict[str, float]) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    values: dict[str, np.ndarray] = {}
    pairs: dict[str, tuple[float | None, np.ndarray, int]] = {}
    repeat_values: dict[str, list[float | None]] = {}
    for task in tasks:
        cell = cells[task] = Cell(paper=paper.get(task))
        s = series(sel, task)
        if s is None:
            continue
        repeat_values[task] = [s.score(r) for r in s.repeats]
        cell.value, cell.spread = stats.mean_spread(repeat_values[task])
        cell.repeats, cell.n = len(s.repeats), s.n
        if cell.value is None:
            continue
        if boot.n_boot > 0:
            values[task] = s.boot_values(boot.n_boot, boot.seed)
            cell.lo, cell.hi = stats.percentile_ci(values[task]) or (None, None)
        b = series(baseline, task) if baseline is not None else None
        if b is not None:
            pairs[task] = _pair(s, b, boot) if boot.n_boot > 0 else (_pair_delta(s, b), np.array([]), 0)
            delta, diffs, shared = pairs[task]
            test = stats.paired_summary(diffs, delta, shared) if boot.n_boot > 0 else {"delta": delta}
            cell.delta, cell.p, cell.untested = test["delta"], test.get("p"), bool(test.get("untested"))
    cells["avg"] = _avg_cell(tasks, cells, values, pairs, repeat_values, paper.get("avg"))
    return cells


def _pair_delta(s: TaskSeries, b: TaskSeries) -> float | None:
    common = s.uids() & b.uids()
    va, vb = s.restrict(common).value()[0], b.restrict(common).value()[0]
    return None if va is None or vb is None else va - vb


def _avg_cell(tasks: list[str], cells: dict[str, Cell], values: dict[str, np.ndarray],
              pairs: dict[str, tuple[float | None, np.ndarray, int]], repeat_values: dict[str, list[float | None]],
              paper: float | None) -> Cell:
    avg = Cell(paper=paper)
    avg.value = stats.plain_mean([cells[t].value for t in tasks])
    if avg.value is None:
        return avg
    avg.n = sum(cells[t].n for t in tasks)
    avg.repeats = min(cells[t].repeats for t in tasks)
    if len({len(repeat_values[t]) for t in tasks}) == 1 and avg.repeats > 1:  # spread of the per-repeat AVG
        avg.spread = stats.mean_spread([stats.plain_mean([repeat_values[t][i] for t in tasks])
                                        for i in range(avg.repeats)])[1]
    if len(values) == len(tasks):
        avg.lo, avg.hi = stats.percentile_ci(np.mean([values[t] for t in tasks], axis=0)) or (None, None)
    if len(pairs) == len(tasks):
        deltas = [d for t in tasks if (d := pairs[t][0]) is not None]
        delta = float(np.mean(deltas)) if len(deltas) == len(tasks) else None
        if len(values) == len(tasks):
            test = stats.paired_summary(np.mean([pairs[t][1] for t in tasks], axis=0), delta,
                                        sum(pairs[t][2] for t in tasks))
            avg.delta, avg.p, avg.untested = test["delta"], test["p"], bool(test.get("untested"))
        else:
            avg.delta = delta
    return avg


def tasks_of(selectors: list[Selector]) -> list[str]:
    """The benchmarks any of the configurations has answers on: the papers' seven in their order, then others."""
    from rapid_eval.reports.model import paper_benchmarks

    found = {a.task for sel in selectors for a in sel.answers()}
    paper = paper_benchmarks()
    return [t for t in paper if t in found] + sorted(found - set(paper))
