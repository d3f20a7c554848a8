import math

import pytest
from scipy.stats import chisquare
from statsmodels.stats.proportion import proportion_confint

from app.statistics.comparison import (
    chi_square_goodness_of_fit,
    compare,
    dissimilarity_index,
    merge_small_expected,
    wilson_interval,
)


@pytest.mark.parametrize("successes,trials", [(0, 10), (1, 10), (5, 10), (10, 10), (37, 412), (999, 1000), (3, 7)])
def test_wilson_interval_matches_statsmodels(successes, trials):
    lower, upper = wilson_interval(successes, trials)
    want_lower, want_upper = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    assert lower == pytest.approx(want_lower, abs=1e-12)
    assert upper == pytest.approx(want_upper, abs=1e-12)


def test_wilson_interval_by_hand():
    # p = 0.5, n = 100, z = 1.96: centre 0.5, half-width 1.96 * sqrt(0.0025 + 0.000096) / 1.038416
    lower, upper = wilson_interval(50, 100)
    half = 1.959963984540054 * math.sqrt(0.25 / 100 + 1.959963984540054**2 / 40000) / (1 + 1.959963984540054**2 / 100)
    assert lower == pytest.approx(0.5 - half)
    assert upper == pytest.approx(0.5 + half)
    assert lower == pytest.approx(0.4038, abs=1e-4)


def test_dissimilarity_by_hand():
    assert dissimilarity_index([0.5, 0.3, 0.2], [0.4, 0.4, 0.2]) == pytest.approx(0.1)
    assert dissimilarity_index([1.0, 0.0], [0.0, 1.0]) == pytest.approx(1.0)


def test_chi_square_without_merging_matches_scipy():
    counts = [30, 50, 20]
    shares = [0.25, 0.5, 0.25]
    result = chi_square_goodness_of_fit(counts, shares)
    want = chisquare(counts, [25, 50, 25])
    assert result.statistic == pytest.approx(want.statistic)
    assert result.p_value == pytest.approx(want.pvalue)
    assert result.dof == 2
    # by hand: 25/25 + 0 + 25/25 = 2
    assert result.statistic == pytest.approx(2.0)


def test_small_expected_counts_are_merged_before_testing():
    counts = [40, 45, 2, 1, 12]
    shares = [0.4, 0.4, 0.02, 0.03, 0.15]  # expected 40, 40, 2, 3, 15
    assert merge_small_expected([40, 40, 2, 3, 15]) == [[0], [1], [2, 3], [4]]
    result = chi_square_goodness_of_fit(counts, shares)
    want = chisquare([40, 45, 3, 12], [40, 40, 5, 15])
    assert result.statistic == pytest.approx(want.statistic)
    assert result.p_value == pytest.approx(want.pvalue)
    assert result.dof == 3


def test_too_few_people_cannot_be_tested():
    result = chi_square_goodness_of_fit([2, 1], [0.5, 0.5])
    assert not result.tested
    assert "Too few" in result.reason


def test_compare_shares_ratio_gap_and_flags():
    population = {"A": 800, "B": 200}
    result = compare({"A": 190, "B": 10}, population, unknown=50)
    a, b = result.categories
    assert result.known == 200
    assert result.coverage == pytest.approx(0.8)
    assert a.share == pytest.approx(0.95)
    assert a.ratio == pytest.approx(0.95 / 0.8)
    assert a.gap_points == pytest.approx(15.0)
    assert a.flag == "over"
    assert b.share == pytest.approx(0.05)
    assert b.ratio == pytest.approx(0.25)
    assert b.gap_points == pytest.approx(-15.0)
    assert b.flag == "under"
    assert result.dissimilarity == pytest.approx(0.15)
    assert result.chi_square.p_value < 0.001


def test_compare_within_interval_is_not_flagged():
    result = compare({"A": 41, "B": 9}, {"A": 800, "B": 200})
    assert [c.flag for c in result.categories] == ["", ""]


def test_compare_with_nobody_known():
    result = compare({}, {"A": 1, "B": 1}, unknown=3)
    assert result.known == 0
    assert result.coverage == 0
    assert result.dissimilarity is None
    assert result.categories[0].share is None
