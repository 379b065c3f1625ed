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
    """The paper's scaling figure: AVG (with its 95% CI) against the reasoner's parameters, one series per fixed
    perceptor; reference rows (RACRO's ``w/`` rows) dashed, at their paper AVG. The MLLM-alone rows are left
    out (no reasoner). None when no row has both numbers."""
    # (reasoner parameters, AVG, lower error, upper error, series, reasoner, reference?)
    points: list[tuple[float, float, float, float, str, str, bool]] = []
    for r in table.rows:
        avg, size = r.cells.get("avg"), r.info.get("reasoner_params_b")
        ref = bool(r.info.get("reference"))
        value = None if avg is None else (avg.paper if ref else avg.value)
        if value is None or not size:
            continue
        low = value - avg.lo if avg is not None and avg.lo is not None and not ref else 0.0
        high = avg.hi - value if avg is not None and avg.hi is not None and not ref else 0.0
        points.append((float(size), value, low, high, str(r.info.get("series", r.label)),
                       str(r.info.get("reasoner", "")).split("/")[-1], ref))
    if not points:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
    for series in sorted({p[4] for p in points}):
        pts = sorted((p for p in points if p[4] == series), key=lambda p: p[0])
        ax.errorbar([p[0] for p in pts], [p[1] for p in pts], yerr=[[p[2] for p in pts], [p[3] for p in pts]],
                    marker="s" if pts[0][6] else "o", linestyle="--" if pts[0][6] else "-", capsize=3,
                    label=f"perceptor {series}" if not pts[0][6] else series)
        for p in pts:
            ax.annotate(p[5], (p[0], p[1]), textcoords="offset points", xytext=(4, 4), fontsize=7)
    sizes = [p[0] for p in points]
    if max(sizes) / min(sizes) > 20:
        ax.set_xscale("log")
    ax.set_xlabel("reasoner parameters (billions); perceptor fixed per series")
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
