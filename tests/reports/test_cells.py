"""Cells on group metrics: DynaMath's worst case resamples whole seeds, the vectorised path reproduces the
scorer's own number on every resample (a seed drawn twice counts twice), and the CI reflects seed-level noise."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from testlib import FIXTURES

from rapid_eval.reports import stats
from rapid_eval.reports.build import series
from rapid_eval.reports.cells import Selector


@pytest.fixture(scope="module")
def dynamath_run(tmp_path_factory):
    import rapid_eval as rapid

    base = rapid.load_tasks(["dynamath"], data_dir=FIXTURES)
    samples = []
    for k in range(6):  # six seeds: the even ones answered right on every variant (gold A), the odd ones not
        for s in base:
            gold = "A" if k % 2 == 0 else s.answer
            samples.append(dataclasses.replace(s, id=f"{s.id}~{k}", answer=gold,
                                               group={**s.group, "seed": f"{s.group['seed']}~{k}"}))
    root = tmp_path_factory.mktemp("dyn") / "run"
    with rapid.load_engine("scripted", "vlm", reply="\\boxed{A}") as vlm:
        rapid.perceive(samples, vlm, ["direct"], root)
    rapid.score(root)
    return root


def test_worst_case_resamples_seeds_and_matches_the_scorer(dynamath_run):
    s = series(Selector(dynamath_run, "direct"), "dynamath")
    assert len(s.cluster_uids) == 6 and all(len(c) == 10 for c in s.cluster_uids)
    how, per_cluster = s._method()
    assert how == "cluster_mean"
    assert s.score(0) == 50.0  # even seeds right on all ten variants; odd seeds have gold B on some variants
    draws = np.random.default_rng(1).integers(0, 6, size=(40, 6))
    fast = stats.cluster_mean_values(per_cluster, draws)
    slow = [s.score(0, d) for d in draws]  # the scorer's own metrics on relabelled resamples
    assert fast == pytest.approx(slow, abs=0.01)
    assert len(set(np.round(fast, 2))) > 3  # resamples really differ
    lo, hi = stats.percentile_ci(s.boot_values(500, 0))
    assert lo < s.score(0) < hi and hi - lo > 20  # six seeds: a wide interval


def test_mmmu_mixed_splits_resample_only_the_headline_split(tmp_path):
    """The MMMU fixtures mix validation, test and AI2D items; the headline is the validation split's, so the
    interval resamples validation items only (a resample of test items alone used to switch the headline to the
    test split: value 0 with a CI up to 100)."""
    import rapid_eval as rapid

    samples = rapid.load_tasks(["mmmu"], data_dir=FIXTURES)
    root = tmp_path / "run"
    with rapid.load_engine("scripted", "vlm", reply="\\boxed{A}") as vlm:
        rapid.perceive(samples, vlm, ["direct"], root)
    rapid.score(root)
    s = series(Selector(root, "direct"), "mmmu")
    n_val = sum(1 for x in samples if x.id.startswith("validation_"))
    assert 0 < n_val < len(samples)
    assert s.n == n_val
    value = s.score(0)
    truth = 100.0 * np.mean([x.answer == "A" for x in samples if x.id.startswith("validation_")])
    assert value == pytest.approx(truth, abs=0.01) and value == 0.0  # the validation gold is not A; test's is
    assert stats.percentile_ci(s.boot_values(200, 0)) == (0.0, 0.0)  # every resample: the validation items
