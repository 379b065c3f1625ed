"""PNG plots (matplotlib, headless Agg backend): AVG against total parameters, and per-benchmark bars.

matplotlib is the ``reports`` extra; it is imported only when a plot is drawn, so tables never need it.
"""

from __future__ import annotations

from pathlib import Path

from rapid_eval.reports.model import ReportTable, short


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise RuntimeError("plots need matplotlib: pip install 'rapid-eval[reports]'") from e
    return plt


def scaling_plot(table: ReportTable, out: Path) -> Path | None:
    """AVG (with its 95% CI) against total parameters, one series per reasoner; None when no row has both."""
    points = [(r.info.get("params_b"), r.cells["avg"], r.info.get("reasoner", "-"), r.label) for r in table.rows
              if r.info.get("params_b") is not None and r.cells.get("avg") and r.cells["avg"].value is not None]
    if not points:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
    for reasoner in sorted({p[2] for p in points}):
        pts = sorted((p for p in points if p[2] == reasoner), key=lambda p: p[0])
        xs = [p[0] for p in pts]
        ys = [p[1].value for p in pts]
        err = [[(p[1].value - p[1].lo) if p[1].lo is not None else 0 for p in pts],
               [(p[1].hi - p[1].value) if p[1].hi is not None else 0 for p in pts]]
        name = "MLLM alone" if reasoner == "-" else f"reasoner {reasoner}"
        ax.errorbar(xs, ys, yerr=err, marker="o", capsize=3, label=name)
        for x, y, p in zip(xs, ys, pts, strict=True):
            ax.annotate(p[3].split(" + ")[0], (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
    if all(p[0] > 0 for p in points) and max(p[0] for p in points) / min(p[0] for p in points) > 20:
        ax.set_xscale("log")
    ax.set_xlabel("total parameters, perceptor + reasoner (billions)")
    ax.set_ylabel("AVG (%)")
    ax.set_title(table.title, fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out


def bars_plot(table: ReportTable, out: Path) -> Path | None:
    """Grouped bars: each row's headline value per benchmark column (and AVG)."""
    rows = [r for r in table.rows if any(c.value is not None for c in r.cells.values())]
    if not rows:
        return None
    plt = _pyplot()
    cols = table.columns
    width = 0.8 / len(rows)
    fig, ax = plt.subplots(figsize=(max(6.4, 1.1 * len(cols)), 4.2), dpi=110)
    for i, r in enumerate(rows):
        xs = [j + i * width for j in range(len(cols))]
        ys = [r.cells[c].value or 0.0 for c in cols]
        ax.bar(xs, ys, width=width, label=r.label[:30])
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(cols))], [short(c) for c in cols])
    ax.set_ylabel("headline metric (%)")
    ax.set_title(table.title, fontsize=10)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out
