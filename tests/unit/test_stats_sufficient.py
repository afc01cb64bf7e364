"""Sufficient statistics: sums that add up, and moments that match numpy."""

import numpy as np
import pytest

from marts.stats.sufficient import CovariateStats, RatioStats, SampleStats


def test_sample_moments_match_numpy_and_pool_by_addition():
    rng = np.random.default_rng(3)
    a, b = rng.normal(5, 2, 400), rng.normal(5, 2, 600)
    pooled = SampleStats.from_values(a) + SampleStats.from_values(b)
    both = np.concatenate([a, b])
    assert pooled.n == 1000
    assert pooled.mean == pytest.approx(both.mean(), rel=1e-12)
    assert pooled.variance == pytest.approx(both.var(ddof=1), rel=1e-9)


def test_a_proportion_is_its_ones():
    stats = SampleStats.from_proportion(200, 30)
    assert stats == SampleStats.from_values([1] * 30 + [0] * 170)
    with pytest.raises(ValueError, match="successes: must be between 0 and n=10"):
        SampleStats.from_proportion(10, 11)


def test_ratio_and_covariate_covariances_match_numpy():
    rng = np.random.default_rng(4)
    x, y = rng.gamma(2, 10, 500), rng.poisson(2, 500).astype(float)
    ratio = RatioStats.from_values(x, y)
    assert ratio.ratio == pytest.approx(x.sum() / y.sum())
    assert ratio.covariance == pytest.approx(np.cov(x, y)[0, 1], rel=1e-9)
    cov = CovariateStats.from_values(x, y)
    assert cov.covariance == pytest.approx(np.cov(x, y)[0, 1], rel=1e-9)
    assert (ratio + ratio).n == 1000 and (cov + cov).sum_yc == pytest.approx(2 * (x @ y))


def test_empty_and_single_units_have_zero_variance_not_nan():
    assert SampleStats.from_values([]).mean == 0.0
    assert SampleStats.from_values([4.0]).variance == 0.0
    assert RatioStats.from_values([], []).ratio == 0.0


@pytest.mark.parametrize("values", [[1.0, float("nan")], [float("inf")], [1e200, 1e200]])
def test_values_that_cannot_be_summed_are_refused(values):
    with pytest.raises(ValueError, match="values: "):
        SampleStats.from_values(values)


def test_paired_arrays_must_have_equal_length():
    with pytest.raises(ValueError, match="denominators: must have the same length"):
        RatioStats.from_values([1, 2], [1])
    with pytest.raises(ValueError, match="covariate: must have the same length"):
        CovariateStats.from_values([1, 2], [1])
