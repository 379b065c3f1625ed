"""Statistics on known inputs: bootstrap CI, paired bootstrap, McNemar, repeat spread, AVG."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rapid_eval.reports import stats


def _acc(values):
    arr = np.array([values], dtype=float)
    return stats.accuracy_metric(arr, [[i] for i in range(len(values))])


def test_bootstrap_ci_is_seeded_brackets_the_mean_and_degenerates_on_constant_data():
    data = [1, 0] * 50  # accuracy 50%: the 95% interval of a 100-item proportion is about +-10 points
    lo, hi = stats.bootstrap_ci(_acc(data), 100, n_boot=2000, seed=3)
    assert lo < 50 < hi
    assert 7 < (hi - lo) / 2 < 12  # normal approximation: 1.96 * sqrt(.25 / 100) = 9.8 points
    assert stats.bootstrap_ci(_acc(data), 100, n_boot=2000, seed=3) == (lo, hi)
    assert stats.bootstrap_ci(_acc([1] * 20), 20, n_boot=200) == (100.0, 100.0)
    assert stats.bootstrap_ci(_acc([]), 0) is None


def test_paired_bootstrap_sees_a_consistent_gain_and_not_noise():
    a = [0] * 40 + [1] * 60
    b = [1] * 40 + [1] * 60  # b fixes 40 items a gets wrong, loses none
    res = stats.paired_bootstrap(_acc(a), _acc(b), 100, n_boot=1000, seed=0)
    assert res["delta"] == pytest.approx(40.0)
    assert res["p"] < 0.01 and res["lo"] > 0
    c = [1, 0] * 50
    d = [0, 1] * 50  # same accuracy, disagree everywhere
    res = stats.paired_bootstrap(_acc(c), _acc(d), 100, n_boot=1000, seed=0)
    assert res["delta"] == 0.0 and res["p"] > 0.5


def test_mcnemar_exact_matches_the_binomial_by_hand():
    # 10 discordant pairs, 8 for b: p = 2 * P(X <= 2 | n=10, 1/2) = 2 * (1 + 10 + 45) / 1024
    a = [0] * 8 + [1] * 2 + [1] * 5
    b = [1] * 8 + [0] * 2 + [1] * 5
    res = stats.mcnemar_exact(a, b)
    assert (res["b_only"], res["a_only"]) == (8, 2)
    assert res["p"] == pytest.approx(2 * 56 / 1024)
    assert stats.mcnemar_exact([1, 0], [1, 0])["p"] == 1.0
    with pytest.raises(ValueError):
        stats.mcnemar_exact([1], [1, 0])


def test_repeats_spread_avg_and_stratified_mean():
    mean, sd = stats.mean_spread([50.0, 52.0, 54.0])
    assert mean == 52.0 and sd == pytest.approx(2.0)
    assert stats.mean_spread([40.0]) == (40.0, None)
    assert stats.plain_mean([10.0, 20.0, 60.0]) == 30.0
    assert stats.plain_mean([10.0, None]) is None
    avg = stats.mean_of([_acc([1, 1, 0, 0]), _acc([1, 0])])
    assert avg([np.arange(4), np.arange(2)]) == 50.0
    lo, hi = stats.bootstrap_ci(avg, [4, 2], n_boot=300)
    assert lo <= 50.0 <= hi


def test_accuracy_metric_skips_unscored_items_and_averages_repeats():
    arr = np.array([[1, 0, math.nan, 1], [0, 0, 1, 1]], dtype=float)
    metric = stats.accuracy_metric(arr, [[0, 1], [2], [3]])
    # repeat 1: 2/3 scored right; repeat 2: 2/4 -> mean of 66.67 and 50
    assert metric(np.arange(3)) == pytest.approx((200 / 3 + 50) / 2)


def test_a_paired_delta_on_too_few_clusters_is_not_tested():
    """One or two clusters: every resample is (nearly) the full data, so the bootstrap p would be 0 ("significant")
    for any difference. Below MIN_PAIRED_CLUSTERS there is no test, and the cell reads as not significant."""
    from rapid_eval.reports.cells import Cell

    a, b = np.array([0.0, 1.0]), np.array([1.0, 1.0])
    res = stats.paired_bootstrap(_acc(a), _acc(b), 2, n_boot=200, seed=0)
    assert res["delta"] == pytest.approx(50.0) and res["p"] is None and res["untested"] is True
    many = stats.paired_bootstrap(_acc(np.zeros(40)), _acc(np.ones(40)), 40, n_boot=200, seed=0)
    assert many["p"] < 0.05 and "untested" not in many
    assert Cell(delta=0.5, untested=True).significant is False and Cell(delta=0.5, p=0.01).significant is True
