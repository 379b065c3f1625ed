"""Table cells: one configuration's headline metric on one benchmark, with its CI, repeat spread and paired delta.

A configuration is a :class:`Selector` (run, perceptor, reasoner, O_p variant). The headline number is the
benchmark's own ``Scorer.metrics`` score on the run's verdicts (the number ``summary.json`` shows), averaged over
repeats. Intervals resample clusters of items (see ``stats``); for metrics that are not plain accuracy the
scorer's ``metrics`` is rerun on each resample, with a cluster drawn twice relabelled so that it counts twice
(a WeMath problem or a DynaMath seed is two problems, not one merged group). A scorer whose headline covers
only some items (``headline_samples``: MMMU's validation split when splits are mixed) is resampled on those only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from rapid_eval.reports import stats
from rapid_eval.reports.load import NO_REASONER, RunData, ScoredAnswer, model_matches, open_run
from rapid_eval.scoring.verdict import Verdict
from rapid_eval.types import Sample
from rapid_eval.variants import DIRECT

_NOT_CLUSTER = ("variant", "key", "version")
"""Group fields that tell items of a cluster apart rather than name the cluster."""


@dataclass(frozen=True)
class Selector:
    """One configuration: which answers of which run form a table cell."""

    run: Path
    variant: str
    perceptor: str | None = None
    reasoner: str | None = None
    """None: any; ``-`` (or any value for the ``direct`` variant): the MLLM's own answer."""

    def answers(self, task: str | None = None) -> list[ScoredAnswer]:
        """This configuration's scored answers in its run, every repeat, on ``task`` only unless None.

        Perceptor and reasoner match as :func:`model_matches` does (None: any); a ``direct`` selector takes the
        MLLM's own answers whatever ``reasoner`` says. Reads the run through :func:`open_run` (cached per process).
        """
        reasoner = NO_REASONER if self.variant == DIRECT else self.reasoner
        return [a for a in open_run(self.run).answers if a.variant == self.variant
                and (task is None or a.task == task) and model_matches(a.perceptor, self.perceptor)
                and (reasoner is None or model_matches(a.reasoner, reasoner))]


@dataclass
class Cell:
    """A table cell. ``delta``/``p``: the paired difference to the row's baseline configuration."""

    value: float | None = None
    lo: float | None = None
    hi: float | None = None
    spread: float | None = None
    repeats: int = 0
    n: int = 0
    paper: float | None = None
    delta: float | None = None
    p: float | None = None
    untested: bool = False
    """The delta rests on fewer than ``stats.MIN_PAIRED_CLUSTERS`` shared clusters: no test, shown as not
    significant."""

    @property
    def vs_paper(self) -> float | None:
        """``value - paper`` (the reproduction minus the paper's number); None when either is missing."""
        return None if self.value is None or self.paper is None else self.value - self.paper

    @property
    def significant(self) -> bool | None:
        """Whether the paired delta's ``p`` is below ``stats.ALPHA``; None without a test, False when ``untested``."""
        if self.untested:
            return False
        return None if self.p is None else self.p < stats.ALPHA

    def to_dict(self) -> dict:
        """Every field plus ``vs_paper`` and ``significant``, as the JSON reports write a cell."""
        return {**dataclasses.asdict(self), "vs_paper": self.vs_paper, "significant": self.significant}


class TaskSeries:
    """One configuration's answers on one benchmark, arranged for metrics over resampled clusters.

    Bootstrap values are computed once per series (:meth:`boot_values`) from resamples that depend only on the
    benchmark, the number of clusters and the seed, so two configurations on the same items see the same
    resamples and their paired differences are differences of these vectors. Three ways to evaluate a resample,
    the fastest one that reproduces the scorer's own number on this data: plain accuracy over scored items
    (vectorised), a mean over clusters of per-cluster values (DynaMath worst case, WeMath strict score; checked on
    the full data and on a random half), else the scorer's ``metrics`` on every resample."""

    def __init__(self, run: RunData, answers: list[ScoredAnswer], task: str, only: set[str] | None = None):
        """Group ``answers`` (one configuration's, on ``task``) by repeat and their items into clusters.

        ``only`` keeps those item uids; answers whose sample the run does not hold are dropped, and a scorer with
        ``headline_samples`` narrows the items further. Picks the scorer for ``run.scorer_mode``; computes no
        metric yet.
        """
        from rapid_eval.grading.runner import pick_scorer

        self.task = task
        self.scorer = pick_scorer(task, run.scorer_mode)
        self.run = run
        samples = run.samples
        headline = getattr(self.scorer, "headline_samples", None)
        if headline is not None:  # MMMU with mixed splits: only the validation items make its headline
            ours = {a.uid: samples[a.uid] for a in answers if a.uid in samples and (only is None or a.uid in only)}
            kept = {id(s) for s in headline(list(ours.values()))}
            only = {u for u, s in ours.items() if id(s) in kept}
        by_repeat: dict[int, dict[str, ScoredAnswer]] = {}
        for a in answers:
            if a.uid in samples and (only is None or a.uid in only):
                by_repeat.setdefault(a.repeat, {})[a.uid] = a
        self.answers = answers
        self.repeats = sorted(by_repeat)
        uids = sorted({u for rep in by_repeat.values() for u in rep})
        clusters: dict[str, list[str]] = {}
        for u in uids:
            clusters.setdefault(_cluster_key(samples[u]), []).append(u)
        self.cluster_uids = list(clusters.values())
        self.samples = samples
        self.by_repeat = by_repeat
        self.n = len(uids)
        self._boot: dict[tuple[int, int], np.ndarray] = {}
        self._how: tuple[str, object] | None = None

    def restrict(self, uids: set[str]) -> TaskSeries:
        """The same configuration on the given items only (clusters rebuilt, so two restrictions to the same
        items have the same clusters in the same order)."""
        return TaskSeries(self.run, self.answers, self.task, only=uids)

    def uids(self) -> set[str]:
        """The ``task/id`` of every item in the series (answered in at least one repeat)."""
        return {u for c in self.cluster_uids for u in c}

    def value(self) -> tuple[float | None, float | None]:
        """(mean over repeats, spread over repeats) of the scorer's headline number."""
        return stats.mean_spread([self.score(r) for r in self.repeats])

    def score(self, repeat: int, idx: np.ndarray | None = None) -> float | None:
        """The headline metric of one repeat on the clusters ``idx`` (all when None)."""
        idx = np.arange(len(self.cluster_uids)) if idx is None else idx
        answers = self.by_repeat[repeat]
        samples: list[Sample] = []
        verdicts: list[Verdict] = []
        copies: dict[int, int] = {}
        for i in idx.tolist():
            copy = copies[i] = copies.get(i, -1) + 1
            for u in self.cluster_uids[i]:
                if u in answers:
                    a = answers[u]
                    samples.append(_relabel(self.samples[u], copy))
                    v = a.verdict
                    verdicts.append(Verdict(v.correct, v.extracted, v.decided_by, "", v.flags))
        if not samples:
            return None
        return self.scorer.metrics(samples, verdicts).score

    def metric(self) -> stats.MetricFn:
        """Mean over repeats of the headline metric on one resample of clusters."""
        how, data = self._method()
        if how == "accuracy":
            arr, clusters = cast(tuple[np.ndarray, list[list[int]]], data)
            return stats.accuracy_metric(arr, clusters)
        if how == "cluster_mean":
            return stats.cluster_mean_metric(cast(np.ndarray, data))

        def metric(idx: np.ndarray) -> float | None:
            vals = [self.score(r, idx) for r in self.repeats]
            scored = [v for v in vals if v is not None]
            return None if len(scored) < len(vals) else float(np.mean(scored))

        return metric

    def boot_values(self, n_boot: int, seed: int) -> np.ndarray:
        """The metric on ``n_boot`` seeded resamples of the clusters (NaN where a resample cannot be scored)."""
        key = (n_boot, seed)
        if key not in self._boot:
            nc = len(self.cluster_uids)
            rng = np.random.default_rng([seed, nc, *self.task.encode()])
            draws = rng.integers(0, nc, size=(n_boot, nc)) if nc else np.zeros((0, 0), dtype=int)
            how, data = self._method()
            if how == "accuracy":
                arr, clusters = cast(tuple[np.ndarray, list[list[int]]], data)
                vals = stats.accuracy_values(arr, clusters, draws)
            elif how == "cluster_mean":
                vals = stats.cluster_mean_values(cast(np.ndarray, data), draws)
            else:
                metric = self.metric()
                vals = np.array([np.nan if (v := metric(d)) is None else v for d in draws], dtype=float)
            self._boot[key] = vals
        return self._boot[key]

    def _method(self) -> tuple[str, object]:
        if self._how is None:
            self._how = self._find_method()
        return self._how

    def _find_method(self) -> tuple[str, object]:
        official = [self.score(r) for r in self.repeats]
        if not self.cluster_uids or any(v is None for v in official):
            return "generic", None
        order = [u for c in self.cluster_uids for u in c]
        pos = {u: i for i, u in enumerate(order)}
        arr = np.full((len(self.repeats), len(order)), np.nan)
        for r_i, r in enumerate(self.repeats):
            for u, a in self.by_repeat[r].items():
                if a.verdict.correct is not None:
                    arr[r_i, pos[u]] = float(bool(a.verdict.correct))
        clusters = [[pos[u] for u in c] for c in self.cluster_uids]
        full = np.arange(len(clusters))
        if all(_close(stats.accuracy_metric(arr[i:i + 1], clusters)(full), official[i]) for i in range(len(official))):
            return "accuracy", (arr, clusters)
        per = np.array([[np.nan if (v := self.score(r, np.array([c]))) is None else v for c in range(len(clusters))]
                        for r in self.repeats])
        half = np.random.default_rng(0).permutation(len(clusters))[: max(1, len(clusters) // 2)]
        if not np.isnan(per).any() and all(
                _close(float(per[i].mean()), official[i]) and _close(float(per[i, half].mean()), self.score(r, half))
                for i, r in enumerate(self.repeats)):
            return "cluster_mean", per
        return "generic", None


def _close(a: float | None, b: float | None) -> bool:
    """Equal up to the scorers' rounding to two decimals."""
    return a is not None and b is not None and abs(a - b) <= 0.006


def _cluster_key(sample: Sample) -> str:
    names = [f"{k}={v}" for k, v in sorted(sample.group.items()) if k not in _NOT_CLUSTER and v not in (None, "")]
    return f"{sample.task}|{'|'.join(names)}" if names else sample.uid


def _relabel(sample: Sample, copy: int) -> Sample:
    """The ``copy``-th draw of a cluster: its id and cluster-naming values suffixed, so it counts on its own."""
    if copy == 0:
        return sample
    names = {str(v) for k, v in sample.group.items() if k not in _NOT_CLUSTER}

    def tag(d: dict) -> dict:
        return {k: (f"{v}#{copy}" if str(v) in names and k not in _NOT_CLUSTER else v) for k, v in d.items()}

    return dataclasses.replace(sample, id=f"{sample.id}#{copy}", group=tag(sample.group),
                               metadata=tag(sample.metadata))
