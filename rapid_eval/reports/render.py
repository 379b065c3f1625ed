"""Render a :class:`ReportTable`: rich (fits 80 columns), Markdown, CSV (one line per cell), LaTeX, JSON, HTML.

Marks, the same in every format: ``±x`` half-width of the 95% bootstrap CI, ``sd x`` spread over repeats,
``p x`` the paper's value, ``Δp x`` ours minus the paper, ``Δ x`` paired difference to the row's baseline;
a delta whose paired test is not significant at 5% carries ``~`` (rich, md, latex, html) or
``significant: false`` (csv, json).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable
from typing import Any

from rich import box
from rich.table import Table

from rapid_eval.reports import stats
from rapid_eval.reports.cells import Cell
from rapid_eval.reports.model import ReportTable, long, short

FORMATS = ("rich", "md", "csv", "latex", "json", "html")

LEGEND = ("±: half-width of the 95% bootstrap CI · sd: spread over repeats · p: paper · Δp: ours minus paper · "
          "Δ: paired difference to the baseline row (~ = not significant: p ≥ 0.05, or fewer than "
          f"{stats.MIN_PAIRED_CLUSTERS} shared clusters to test)")


def _num(x: float | None, signed: bool = False) -> str:
    if x is None:
        return "-"
    if isinstance(x, int) and not isinstance(x, bool):  # counts print as counts, not 7.0
        return f"{x:+d}" if signed else str(x)
    return f"{x:+.1f}" if signed else f"{x:.1f}"


def _half(c: Cell) -> float | None:
    return None if c.lo is None or c.hi is None else (c.hi - c.lo) / 2


def _delta(c: Cell) -> str:
    if c.delta is None:
        return ""
    return f"Δ{c.delta:+.1f}" + ("~" if c.significant is False else "")


def cell_lines(c: Cell) -> list[str]:
    """The short lines of one cell (each at most 7 characters, so 8 columns fit 80)."""
    lines = [_num(c.value)]
    if c.value is not None and (h := _half(c)) is not None:
        lines.append(f"±{h:.1f}")
    if c.spread is not None:
        lines.append(f"sd{c.spread:.1f}")
    if c.paper is not None:
        lines.append(f"p{c.paper:.1f}")
        if c.vs_paper is not None:
            lines.append(f"Δp{c.vs_paper:+.1f}")
    if c.delta is not None:
        lines.append(_delta(c))
    return lines


def cell_text(c: Cell) -> str:
    """One-line cell for Markdown and HTML."""
    parts = [_num(c.value)]
    if c.value is not None and (h := _half(c)) is not None:
        parts[0] += f" ±{h:.1f}"
    if c.spread is not None:
        parts.append(f"sd {c.spread:.1f}")
    if c.paper is not None:
        parts.append(f"paper {c.paper:.1f} ({_num(c.vs_paper, signed=True)})")
    if c.delta is not None:
        parts.append(_delta(c))
    return " · ".join(parts)


def to_rich(t: ReportTable) -> Table:
    """A rich Table for an 80-column terminal: short headers, each cell on a few lines, legend and notes below."""
    table = Table(title=t.title, box=box.SIMPLE_HEAD, padding=(0, 1, 0, 0), pad_edge=False,
                  caption="\n".join([LEGEND, *t.notes]), caption_justify="left", show_lines=True)
    table.add_column("row", max_width=14, overflow="fold")
    for col in t.columns:
        table.add_column(short(col), justify="right", no_wrap=True, min_width=5)
    for extra in t.extra_columns:
        table.add_column(extra, justify="right", no_wrap=True)
    for row in t.rows:
        label = row.label.replace(" / ", "\n").replace(" + ", "\n+ ")  # model names on lines of their own
        if t.kind == "ablation" and row.info.get("config"):
            label += f"\n{row.info['config']}"
        label += f"\n{row.info['params_b']:.3g}B" if row.info.get("params_b") else ""
        extras = [_num(row.extra.get(e), signed=True) if isinstance(row.extra.get(e), float | None)
                  else str(row.extra.get(e)) for e in t.extra_columns]
        table.add_row(label, *["\n".join(cell_lines(row.cells.get(c, Cell()))) for c in t.columns], *extras)
    return table


def to_markdown(t: ReportTable) -> str:
    """A Markdown section: ``###`` title, a pipe table with the info columns, then legend and notes in italics."""
    head = ["row", *t.info_columns, *[long(c) for c in t.columns], *t.extra_columns]
    out = [f"### {t.title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in t.rows:
        info = [_plain(row.info.get(k)) for k in t.info_columns]
        extras = [_plain(row.extra.get(e)) for e in t.extra_columns]
        cells = [cell_text(row.cells.get(c, Cell())) for c in t.columns]
        out.append("| " + " | ".join([row.label, *info, *cells, *extras]).replace("\n", " ") + " |")
    out += ["", f"_{LEGEND}_", *[f"_{n}_" for n in t.notes]]
    return "\n".join(out) + "\n"


CSV_FIELDS = ("value", "lo", "hi", "spread", "repeats", "n", "paper", "vs_paper", "delta", "p", "significant")


def to_csv(t: ReportTable) -> str:
    """Long format: one line per (row, column), so every number stays a number."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["table", "row", *t.info_columns, "baseline", "column", *CSV_FIELDS])
    for row in t.rows:
        for col in t.columns:
            d = row.cells.get(col, Cell()).to_dict()
            w.writerow([t.kind, row.label, *[_plain(row.info.get(k)) for k in t.info_columns], row.baseline or "",
                        col, *[_plain(d[f]) for f in CSV_FIELDS]])
    return buf.getvalue()


def _latex_escape(s: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"), ("#", r"\#"),
                 ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}")):
        s = s.replace(a, b) if a != "\\" else s.replace(a, "\0")
    return s.replace("\0", r"\textbackslash{}")


def to_latex(t: ReportTable) -> str:
    """A ``tabular`` (booktabs rules) that compiles as it is: every text is escaped, the row descriptions
    (``info_columns``) have columns of their own, the legend and notes follow as comment lines."""
    cols = "l" * (1 + len(t.info_columns)) + "r" * (len(t.columns) + len(t.extra_columns))
    head = ["", *t.info_columns, *[long(c) for c in t.columns], *t.extra_columns]
    lines = [r"\begin{tabular}{" + cols + "}", r"\toprule",
             " & ".join(_latex_escape(h) for h in head) + r" \\", r"\midrule"]
    for row in t.rows:
        cells = []
        for c in t.columns:
            cell = row.cells.get(c, Cell())
            text = _num(cell.value)
            if (h := _half(cell)) is not None and cell.value is not None:
                text += rf"{{\scriptsize$\pm${h:.1f}}}"
            if cell.delta is not None:
                mark = "" if cell.significant is not False else r"$^{\sim}$"
                text += rf" {{\scriptsize({cell.delta:+.1f}{mark})}}"
            cells.append(text)
        info = [_latex_escape(_plain(row.info.get(k))) for k in t.info_columns]
        extras = [_latex_escape(_num(v, signed=True) if isinstance(v := row.extra.get(e), int | float | None)
                                else str(v)) for e in t.extra_columns]
        lines.append(" & ".join([_latex_escape(row.label), *info, *cells, *extras]) + r" \\")
        if any(row.cells.get(c, Cell()).paper is not None for c in t.columns):
            papers = [_num(row.cells.get(c, Cell()).paper) for c in t.columns]
            lines.append(" & ".join([r"\quad\textit{paper}", *[""] * len(t.info_columns), *papers,
                                     *[""] * len(t.extra_columns)]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    comments = ["% " + " ".join(n.split()) for n in [t.title, LEGEND, *t.notes]]  # one line each: a comment
    return "\n".join(comments) + "\n" + "\n".join(lines) + "\n"


def to_json(t: ReportTable) -> str:
    """:meth:`ReportTable.to_dict` as indented JSON (non-ASCII kept), newline-terminated."""
    return json.dumps(t.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"


def to_html(t: ReportTable) -> str:
    """An HTML fragment (``<h2>``, ``<table class='report'>``, note paragraphs), every text escaped.

    Not-significant cells get ``class="ns"``; the info columns are not shown.
    """
    head = "".join(f"<th>{html.escape(h)}</th>" for h in ["row", *[long(c) for c in t.columns], *t.extra_columns])
    body = []
    for row in t.rows:
        tds = [f"<td>{html.escape(row.label)}</td>"]
        for c in t.columns:
            cell = row.cells.get(c, Cell())
            cls = ' class="ns"' if cell.significant is False else ""
            tds.append(f"<td{cls}>{'<br>'.join(html.escape(x) for x in cell_lines(cell))}</td>")
        tds += [f"<td>{html.escape(_plain(row.extra.get(e)))}</td>" for e in t.extra_columns]
        body.append("<tr>" + "".join(tds) + "</tr>")
    notes = "".join(f"<p class='note'>{html.escape(n)}</p>" for n in [LEGEND, *t.notes])
    return (f"<h2>{html.escape(t.title)}</h2><table class='report'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>{notes}")


def _plain(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.4g}" if abs(x) < 0.01 and x else f"{x:.2f}".rstrip("0").rstrip(".")
    return str(x)


def render(t: ReportTable, fmt: str) -> str | Table:
    """The table in ``fmt``; ``rich`` returns a rich Table to print, the others text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; choose from: {', '.join(FORMATS)}")
    if fmt == "rich":
        return to_rich(t)
    text: dict[str, Callable[[ReportTable], str]] = {"md": to_markdown, "csv": to_csv, "latex": to_latex,
                                                     "json": to_json, "html": to_html}
    return text[fmt](t)
