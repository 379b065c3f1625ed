"""The summary page of ``rapid-eval report``: the variants and main tables, their plots, the diagnostics."""

from __future__ import annotations

from pathlib import Path

from rapid_eval.log import warn
from rapid_eval.reports.build import BootOptions
from rapid_eval.reports.model import ReportTable
from rapid_eval.reports.render import to_html


def summary_html(runs: list[Path], out: Path, boot: BootOptions, params: dict | None = None) -> str:
    """HTML fragments for the summary page; plots are written under ``out/plots``."""
    from rapid_eval.reports import kinds
    from rapid_eval.reports.diagnostics import diagnostics_table

    parts = []
    variants = kinds.variants(runs, boot)
    parts.append(to_html(variants))
    parts.append(_plot("bars", variants, out))
    main = kinds.main(runs, boot, params=params)
    if any(r.baseline for r in main.rows):
        parts.append(to_html(main))
    if any(r.info.get("params_b") for r in main.rows):
        parts.append(_plot("scaling", kinds.scaling(runs, boot, params=params), out))
    parts.append(to_html(diagnostics_table(runs)))
    return "\n".join(p for p in parts if p)


def _plot(kind: str, table: ReportTable, out: Path) -> str:
    try:
        from rapid_eval.reports.plots import bars_plot, scaling_plot
    except ImportError:  # pragma: no cover - plots are optional
        return ""
    try:
        path = (bars_plot if kind == "bars" else scaling_plot)(table, out / "plots" / f"{kind}.png")
    except RuntimeError as e:
        warn(f"no {kind} plot: {e}")
        return ""
    return f"<p><img src='plots/{path.name}' alt='{kind} plot'></p>" if path else ""
