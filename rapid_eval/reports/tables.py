"""Terminal tables of a run's summary: one table per (perceptor, reasoner), tasks x O_p variants, plus AVG."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table

from rapid_eval.log import info, stdout_console
from rapid_eval.variants import DIRECT, VARIANT_ORDER

if TYPE_CHECKING:
    from rapid_eval.summaries import RunSummary, SummaryRow


def model_label(name: str | None) -> str:
    """A short display name: the last two path parts of a local directory, the hub id otherwise."""
    if not name or name == "-":
        return "-"
    parts = PurePath(name).parts
    return "/".join(parts[-2:]) if name.startswith(("/", ".")) else name


def summary_tables(rows: Iterable[SummaryRow], title_suffix: str = "") -> list[Table]:
    """One rich Table per (perceptor, reasoner) of ``summary.json`` rows: tasks x O_p variants, plus AVG.

    Each table also shows the perceptor's ``direct`` answers; a run with only direct answers gets one table per
    perceptor. AVG is the plain mean of the tasks' scores, left empty for a variant missing a task. ``rows`` are
    ``RunSummary.rows``.
    """
    rows = list(rows)
    pairs = sorted({(r.perceptor or "", r.reasoner) for r in rows if r.reasoner != "-"})
    if not pairs:  # only direct answers
        pairs = sorted({(r.perceptor or "", "-") for r in rows})
    tables = []
    for perceptor, reasoner in pairs:
        cells: dict[tuple[str, str], SummaryRow] = {}
        for r in rows:
            if (r.perceptor or "") == perceptor and r.reasoner in (reasoner, "-"):
                if r.reasoner == reasoner or r.variant == DIRECT:
                    cells[(r.task, r.variant)] = r
        variants = [v for v in VARIANT_ORDER if any(k[1] == v for k in cells)]
        tasks = sorted({k[0] for k in cells})
        title = f"perceptor {model_label(perceptor)} -> reasoner {model_label(reasoner)}"
        metrics = {task: next(cells[(task, v)] for v in variants if (task, v) in cells).metric for task in tasks}
        codes: dict[str, list[str]] = {}  # one entry per code: "acc = accuracy / accuracy (Vision Only)"
        for m in sorted({str(m) for m in metrics.values()}):
            if short_metric(m) != m:
                codes.setdefault(short_metric(m), []).append(m)
        legend = "; ".join(f"{code} = {' / '.join(ms)}" for code, ms in codes.items())
        notes = _cell_notes(cells)
        legend = "\n".join(x for x in (legend, *notes) if x)
        # 80 columns: inner rules only, one space of padding, metric codes explained in the caption, headers whole
        table = Table(title=f"{title} ({title_suffix})" if title_suffix else title, box=box.MINIMAL,
                      padding=(0, 1, 0, 0), caption=legend or None, caption_justify="left")
        table.add_column("task", no_wrap=True)
        table.add_column("metric", no_wrap=True)
        table.add_column("n", justify="right", no_wrap=True)
        for v in variants:
            table.add_column(v, justify="right", no_wrap=True, min_width=max(len(v), 5))
        for task in tasks:
            first = next(cells[(task, v)] for v in variants if (task, v) in cells)
            table.add_row(task, short_metric(str(first.metric)), _count(first),
                          *[_score_cell(cells[(task, v)]) if (task, v) in cells else "" for v in variants])
        if len(tasks) > 1:
            avg = []
            for v in variants:  # the plain mean of the tasks' headline metrics, as the papers' AVG column
                scores = [cells[(t, v)].score for t in tasks if (t, v) in cells]
                known = [x for x in scores if x is not None]
                avg.append(_fmt(sum(known) / len(known)) if len(known) == len(tasks) else "")
            table.add_row("AVG", "mean", "", *avg, style="bold")
        tables.append(table)
    return tables


def short_metric(metric: str) -> str:
    """A metric name in at most 6 characters (``worst-case accuracy`` -> ``worst``), for 80-column tables."""
    low = metric.lower()
    for key, code in (("worst", "worst"), ("strict", "strict"), ("loose", "loose"), ("accuracy", "acc")):
        if key in low:
            return code
    return metric[:6]


FALLBACK_FLAG = "random_fallback"
"""The verdict flag of an answer decided by a benchmark's official random fallback (no parsable answer)."""


def _count(row: SummaryRow) -> str:
    """The n column: the answers scored (as the CSV counts them), marked † when the headline counts otherwise."""
    items = row.items
    shown = str(items if items is not None else row.n)
    return shown + ("†" if row.note or (items is not None and row.n not in (None, items)) else "")


def _score_cell(row: SummaryRow) -> str:
    """A score, marked * when some of its answers were decided by the official random fallback."""
    return _fmt(row.score) + ("*" if row.flags.get(FALLBACK_FLAG) else "")


def _cell_notes(cells: dict[tuple[str, str], SummaryRow]) -> list[str]:
    """The caption lines that explain the † and * marks of a table, one per task."""
    notes: dict[str, str] = {}
    fallback: dict[str, int] = {}
    for (task, _), r in sorted(cells.items()):
        items, n = r.items, r.n
        if r.note:
            notes.setdefault(task, f"† {task}: {r.note}")
        elif items is not None and n not in (None, items):
            notes.setdefault(task, f"† {task}: n = {items} answers; the metric counts {n} group(s) of them")
        if r.flags.get(FALLBACK_FLAG):
            fallback[task] = fallback.get(task, 0) + int(r.flags[FALLBACK_FLAG])
    lines = list(notes.values())
    lines += [f"* {task}: {k} answer(s), over its variants, with no parsable choice scored by the official random pick"
              for task, k in fallback.items()]
    return lines


def _fmt(score: float | None) -> str:
    """A percentage cell; ``-`` where nothing could be scored."""
    return "-" if score is None else f"{score:.1f}"


def show_summary(summary: RunSummary, root: Any, mode: str) -> None:
    """Print the judge reports and the summary tables of a scored run, then where its files are."""
    for task, rep in summary.judge_reports.items():
        info(f"judge on {task}: {rep.judged} judged, {rep.decided} decided by the judge, "
             f"{rep.calls} calls ({rep.cache_hits} cached), rule/judge agreement {rep.agreement}%")
    out = stdout_console()  # the tables are the command's result: stdout; the rest stays on stderr
    for table in summary_tables(summary.rows, title_suffix=f"{mode} scoring"):
        out.print(table)
    info(f"summary: {root}/summary.json   verdicts: {root}/verdicts.jsonl")
