"""Statistics of the reporters, as pure functions: seeded bootstrap CIs, paired tests, repeat spreads.

Decisions:
- The unit of resampling is a *cluster* of items (a DynaMath seed with its variants, a WeMath problem with its
  sub-questions, one item elsewhere): resampling single items would break the group metrics and understate the
  noise of correlated items. Every function takes the metric as a callable over the chosen cluster indices, so
  the benchmark's own ``metrics`` (worst-case accuracy, strict score) is what is resampled.
- The percentile bootstrap (2.5/97.5 percentiles of ``n_boot`` resamples) with a fixed seed: the same inputs give
  the same interval on every machine (numpy's PCG64).
- Paired tests resample the *same* clusters for both configurations (paired bootstrap, two-sided p = twice the
  smaller tail share of the resampled differences around 0), so the shared difficulty of the items cancels.
  McNemar's exact test (binomial on the discordant pairs) is given for per-item right/wrong data.
- Repeats (``reason --repeats K``, distinct sampling seeds) enter as the mean over repeats, their spread as the
  sample standard deviation (ddof=1), and inside the bootstrap each resample averages every repeat.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

ALPHA = 0.05
"""Two-sided level of the intervals (95%) and of the significance marks."""

MetricFn = Callable[[Any], float | None]
"""A metric over a resample: an array of cluster indices (one stratum), or a list of such arrays (one per stratum,
e.g. per benchmark for the AVG column); None when nothing in it can be scored."""

MIN_PAIRED_CLUSTERS = 10
"""Fewer shared clusters than this: a paired bootstrap delta is not tested (reported as not significant)."""

Sizes = int | Sequence[int]
"""The number of clusters: one stratum, or one count per stratum (each resampled within itself)."""


def _draw(rng: np.random.Generator, sizes: Sizes) -> Any:
    if isinstance(sizes, int):
        return rng.integers(0, sizes, sizes)
    return [rng.integers(0, n, n) for n in sizes]


def _full(sizes: Sizes) -> Any:
    return np.arange(sizes) if isinstance(sizes, int) else [np.arange(n) for n in sizes]


def _empty(sizes: Sizes) -> bool:
    return sizes == 0 if isinstance(sizes, int) else (not sizes or min(sizes) == 0)


def mean_of(metrics: Sequence[MetricFn]) -> MetricFn:
    """The plain mean of per-stratum metrics (the AVG column over benchmarks), for stratified resamples."""

    def metric(idx: Sequence[np.ndarray]) -> float | None:
        vals = [m(i) for m, i in zip(metrics, idx, strict=True)]
        scored = [v for v in vals if v is not None]
        return None if len(scored) < len(vals) else float(np.mean(scored))

    return metric


def bootstrap_ci(metric: MetricFn, n_clusters: Sizes, n_boot: int = 1000, seed: int = 0,
                 alpha: float = ALPHA) -> tuple[float, float] | None:
    """Percentile bootstrap interval of ``metric`` over ``n_clusters`` clusters; None with no data or resamples."""
    if _empty(n_clusters) or n_boot <= 0:
        return None
    rng = np.random.default_rng(seed)
    values = [metric(_draw(rng, n_clusters)) for _ in range(n_boot)]
    return percentile_ci(np.array([np.nan if v is None else v for v in values], dtype=float), alpha)


def paired_bootstrap(metric_a: MetricFn, metric_b: MetricFn, n_clusters: Sizes, n_boot: int = 1000,
                     seed: int = 0) -> dict[str, float | None]:
    """Paired bootstrap of ``b - a`` on shared clusters: ``{"delta", "lo", "hi", "p"}`` (p two-sided).

    Both metrics see the same resampled indices. ``delta`` is the difference on the full data."""
    if _empty(n_clusters):
        return {"delta": None, "lo": None, "hi": None, "p": None}
    full = _full(n_clusters)
    a, b = metric_a(full), metric_b(full)
    if a is None or b is None:
        return {"delta": None, "lo": None, "hi": None, "p": None}
    delta = b - a
    if n_boot <= 0:
        return {"delta": delta, "lo": None, "hi": None, "p": None}
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n_boot):
        idx = _draw(rng, n_clusters)
        va, vb = metric_a(idx), metric_b(idx)
        diffs.append(np.nan if va is None or vb is None else vb - va)
    total = n_clusters if isinstance(n_clusters, int) else sum(n_clusters)
    return paired_summary(np.array(diffs, dtype=float), delta, total)


def mcnemar_exact(a: Sequence[bool], b: Sequence[bool]) -> dict[str, float]:
    """McNemar's exact test on paired right/wrong outcomes: ``{"b_only", "a_only", "p"}`` (p two-sided).

    ``b_only`` counts items ``b`` gets right and ``a`` wrong. With no discordant pair, p = 1."""
    if len(a) != len(b):
        raise ValueError(f"paired outcomes differ in length ({len(a)} vs {len(b)})")
    b_only = sum(1 for x, y in zip(a, b, strict=True) if y and not x)
    a_only = sum(1 for x, y in zip(a, b, strict=True) if x and not y)
    n, k = a_only + b_only, min(a_only, b_only)
    if n == 0:
        return {"b_only": 0, "a_only": 0, "p": 1.0}
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return {"b_only": b_only, "a_only": a_only, "p": min(1.0, 2 * tail)}


def mean_spread(values: Sequence[float | None]) -> tuple[float | None, float | None]:
    """(mean, sample standard deviation) of the scored repeats; the spread is None for fewer than two."""
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None
    mean = sum(vals) / len(vals)
    if len(vals) < 2:
        return mean, None
    return mean, math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1))


def plain_mean(values: Sequence[float | None]) -> float | None:
    """The papers' AVG: the plain mean of the benchmarks' headline numbers; None if any is missing."""
    if not values or any(v is None for v in values):
        return None
    return sum(values) / len(values)  # type: ignore[arg-type]


def accuracy_metric(correct: np.ndarray, clusters: Sequence[Sequence[int]]) -> MetricFn:
    """A fast metric for plain accuracy: ``correct`` is a (repeats x items) array of 1/0/NaN (NaN = unscored);
    the metric of a resample is the mean over repeats of the accuracy (percent) over its scored items."""
    right, scored = _cluster_sums(correct, clusters)

    def metric(idx: np.ndarray) -> float | None:
        n = scored[:, idx].sum(axis=1)
        if np.any(n == 0):
            return None
        return float(np.mean(100.0 * right[:, idx].sum(axis=1) / n))

    return metric


def _cluster_sums(correct: np.ndarray, clusters: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(right, scored) per repeat and cluster."""
    right = np.stack([[np.nansum(row[list(c)]) for c in clusters] for row in correct])
    scored = np.stack([[np.sum(~np.isnan(row[list(c)])) for c in clusters] for row in correct])
    return right, scored


def accuracy_values(correct: np.ndarray, clusters: Sequence[Sequence[int]], draws: np.ndarray,
                    chunk: int = 64) -> np.ndarray:
    """:func:`accuracy_metric` on every row of ``draws`` (resamples x clusters), vectorised; NaN where a resample
    has no scored item in some repeat."""
    right, scored = _cluster_sums(correct, clusters)
    out = np.empty(len(draws))
    for start in range(0, len(draws), chunk):
        d = draws[start:start + chunk]
        n = scored[:, d].sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            acc = np.where(n > 0, 100.0 * right[:, d].sum(axis=2) / np.maximum(n, 1), np.nan)
        out[start:start + chunk] = acc.mean(axis=0)
    return out


def cluster_mean_metric(per_cluster: np.ndarray) -> MetricFn:
    """A metric that is the mean over clusters of per-cluster values (``per_cluster``: repeats x clusters), such as
    DynaMath's worst case (a seed scores 100 or 0) or WeMath's strict score (1, 0.5 or 0 per problem)."""

    def metric(idx: np.ndarray) -> float | None:
        return float(per_cluster[:, idx].mean(axis=1).mean()) if len(idx) else None

    return metric


def cluster_mean_values(per_cluster: np.ndarray, draws: np.ndarray, chunk: int = 64) -> np.ndarray:
    """:func:`cluster_mean_metric` on every row of ``draws``, vectorised."""
    out = np.empty(len(draws))
    for start in range(0, len(draws), chunk):
        out[start:start + chunk] = per_cluster[:, draws[start:start + chunk]].mean(axis=2).mean(axis=0)
    return out


def percentile_ci(values: np.ndarray, alpha: float = ALPHA) -> tuple[float, float] | None:
    """The percentile interval of bootstrap values (NaN left out); None when none is left."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if not len(v):
        return None
    lo, hi = np.percentile(v, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(lo), float(hi)


def paired_summary(diffs: np.ndarray, delta: float | None, clusters: int | None = None) -> dict[str, Any]:
    """``{"delta", "lo", "hi", "p"}`` from bootstrap differences on shared resamples (NaN left out); p is two-sided:
    twice the smaller share of differences on either side of 0 (ties count half). With fewer than
    ``MIN_PAIRED_CLUSTERS`` shared ``clusters`` the resamples cannot show the uncertainty (one cluster: every
    resample is the full data, p = 0), so there is no test: p is None and ``untested`` is True."""
    if clusters is not None and clusters < MIN_PAIRED_CLUSTERS:
        return {"delta": delta, "lo": None, "hi": None, "p": None, "untested": True}
    d = np.asarray(diffs, dtype=float)
    d = d[~np.isnan(d)]
    if delta is None or not len(d):
        return {"delta": delta, "lo": None, "hi": None, "p": None}
    lo, hi = np.percentile(d, [100 * ALPHA / 2, 100 * (1 - ALPHA / 2)])
    below = float(np.mean(d < 0) + 0.5 * np.mean(d == 0))
    return {"delta": delta, "lo": float(lo), "hi": float(hi), "p": min(1.0, 2 * min(below, 1 - below))}
