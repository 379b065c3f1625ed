"""Fill a row's cells: headline value per benchmark, repeat spread, bootstrap CI, paired delta to a baseline, AVG.

The AVG cell is the plain mean of the row's benchmark values (None unless every column has one); its interval and
paired test resample each benchmark's clusters within that benchmark (stratified), so AVG's noise is the noise of
the mean the papers report.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from rapid_eval.reports import load, stats
from rapid_eval.reports.cells import Cell, Selector, TaskSeries
from rapid_eval.reports.load import open_run

_MEMO: dict[tuple, dict[str, Cell]] = {}
"""Cells already computed in this process (the summary page and a config build main and scaling from the same
configurations); keyed by everything that determines them, including the loader's generation."""


@dataclass(frozen=True)
class BootOptions:
    n_boot: int = 1000
    seed: int = 0


def series(sel: Selector, task: str) -> TaskSeries | None:
    answers = sel.answers(task)
    if not answers:
        return None
    s = TaskSeries(open_run(sel.run), answers, task)
    return s if s.n else None


def fill_cells(sel: Selector, tasks: list[str], boot: BootOptions, baseline: Selector | None = None,
               paper: dict[str, float] | None = None) -> dict[str, Cell]:
    """The cells of one configuration over ``tasks`` plus ``avg`` (memoised per process)."""
    key = (load.GENERATION[0], sel, tuple(tasks), boot, baseline, tuple(sorted((paper or {}).items())))
    if key not in _MEMO:
        _MEMO[key] = _fill_cells(sel, tasks, boot, baseline, paper)
    return copy.deepcopy(_MEMO[key])


def _fill_cells(sel: Selector, tasks: list[str], boot: BootOptions, baseline: Selector | None,
                paper: dict[str, float] | None) -> dict[str, Cell]:
    paper = paper or {}
    cells: dict[str, Cell] = {}
    per_task: dict[str, TaskSeries] = {}
    base_series: dict[str, TaskSeries] = {}
    repeat_values: dict[str, list[float | None]] = {}
    for task in tasks:
        s = series(sel, task)
        cell = Cell(paper=paper.get(task))
        cells[task] = cell
        if s is None:
            continue
        per_task[task] = s
        repeat_values[task] = [s.score(r) for r in s.repeats]
        cell.value, cell.spread = stats.mean_spread(repeat_values[task])
        cell.repeats, cell.n = len(s.repeats), s.n
        if cell.value is not None:
            cell.lo, cell.hi = stats.bootstrap_ci(s.metric(), len(s.cluster_uids), boot.n_boot, boot.seed) or (None, None)
        b = series(baseline, task) if baseline is not None else None
        if b is not None and cell.value is not None:
            base_series[task] = b
            common = s.uids() & b.uids()
            sa, sb = b.restrict(common), s.restrict(common)
            test = stats.paired_bootstrap(sa.metric(), sb.metric(), len(sa.cluster_uids), boot.n_boot, boot.seed)
            cell.delta, cell.p = test["delta"], test["p"]
    cells["avg"] = _avg_cell(tasks, cells, per_task, base_series, repeat_values, boot, paper.get("avg"))
    return cells


def _avg_cell(tasks, cells, per_task, base_series, repeat_values, boot: BootOptions, paper: float | None) -> Cell:
    avg = Cell(paper=paper)
    avg.value = stats.plain_mean([cells[t].value for t in tasks])
    if avg.value is None:
        return avg
    series_list = [per_task[t] for t in tasks]
    avg.n = sum(s.n for s in series_list)
    reps = {tuple(s.repeats) for s in series_list}
    avg.repeats = min(len(s.repeats) for s in series_list)
    if len(reps) == 1 and avg.repeats > 1:  # the same repeats everywhere: the spread of the per-repeat AVG
        per_repeat = [stats.plain_mean([repeat_values[t][i] for t in tasks]) for i in range(avg.repeats)]
        avg.spread = stats.mean_spread(per_repeat)[1]
    sizes = [len(s.cluster_uids) for s in series_list]
    ci = stats.bootstrap_ci(stats.mean_of([s.metric() for s in series_list]), sizes, boot.n_boot, boot.seed)
    avg.lo, avg.hi = ci or (None, None)
    if len(base_series) == len(tasks):
        pairs = []
        for t in tasks:
            common = per_task[t].uids() & base_series[t].uids()
            pairs.append((base_series[t].restrict(common), per_task[t].restrict(common)))
        test = stats.paired_bootstrap(stats.mean_of([a.metric() for a, _ in pairs]),
                                      stats.mean_of([b.metric() for _, b in pairs]),
                                      [len(a.cluster_uids) for a, _ in pairs], boot.n_boot, boot.seed)
        avg.delta, avg.p = test["delta"], test["p"]
    return avg


def tasks_of(selectors: list[Selector]) -> list[str]:
    """The benchmarks any of the configurations has answers on: the papers' seven in their order, then others."""
    from rapid_eval.reports.model import PAPER_BENCHMARKS

    found = {a.task for sel in selectors for a in sel.answers()}
    return [t for t in PAPER_BENCHMARKS if t in found] + sorted(found - set(PAPER_BENCHMARKS))
