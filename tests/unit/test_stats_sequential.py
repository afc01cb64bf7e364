"""Always-valid inference against an independent mixture integral and the published formulas."""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats

from marts.stats.results import ErrorCode
from marts.stats.sequential import (
    SequentialConfig,
    always_valid_test,
    mixture_half_width,
    mixture_likelihood_ratio,
    trajectory,
)
from marts.stats.sufficient import SampleStats


def _mixture_by_integration(estimate, variance, tau_squared):
    """Lambda = integral over theta ~ N(0, tau^2) of the likelihood ratio N(d; theta, V) / N(d; 0, V)."""
    sd = math.sqrt(tau_squared)

    def integrand(theta):
        log_ratio = (2 * estimate * theta - theta**2) / (2 * variance)
        return math.exp(log_ratio) * stats.norm.pdf(theta, 0, sd)

    center = estimate * tau_squared / (variance + tau_squared)  # where the integrand peaks
    spread = math.sqrt(variance * tau_squared / (variance + tau_squared))
    return integrate.quad(integrand, center - 40 * spread, center + 40 * spread, epsrel=1e-12, limit=200)[0]


@pytest.mark.parametrize(
    ("estimate", "variance", "tau_squared"),
    [(0.0, 1.0, 1.0), (0.3, 0.01, 0.05), (-0.02, 1e-4, 1e-3), (1.5, 0.2, 0.01), (0.004, 2e-6, 5e-5)],
)
def test_mixture_ratio_matches_numerical_integration(estimate, variance, tau_squared):
    expected = _mixture_by_integration(estimate, variance, tau_squared)
    assert mixture_likelihood_ratio(estimate, variance, tau_squared) == pytest.approx(expected, rel=1e-9)


def test_interval_boundary_is_where_the_ratio_reaches_one_over_alpha():
    for variance, tau_squared, alpha in [(0.01, 0.05, 0.05), (1e-4, 1e-5, 0.1), (2.0, 30.0, 0.01)]:
        edge = mixture_half_width(variance, tau_squared, alpha)
        assert mixture_likelihood_ratio(edge, variance, tau_squared) == pytest.approx(1 / alpha, rel=1e-12)


def _arms(rng, n, shift=0.0):
    return SampleStats.from_values(rng.normal(10.0, 3.0, n)), SampleStats.from_values(rng.normal(10.0 + shift, 3.0, n))


def test_single_look_matches_johari_et_al_two_stream_formula():
    """Johari et al. (2017), equal n per arm and common variance sigma^2:
    Lambda_n = sqrt(2 s^2 / (2 s^2 + n tau^2)) exp(n^2 tau^2 (y - x)^2 / (4 s^2 (2 s^2 + n tau^2)))."""
    rng = np.random.default_rng(5)
    control, treatment = _arms(rng, 4000, shift=0.15)
    tau_squared = 0.04
    result = always_valid_test(control, treatment, SequentialConfig(mixing_variance=tau_squared))
    n, diff = 4000, treatment.mean - control.mean
    sigma_squared = (control.variance + treatment.variance) / 2
    ratio = math.sqrt(2 * sigma_squared / (2 * sigma_squared + n * tau_squared)) * math.exp(
        n**2 * tau_squared * diff**2 / (4 * sigma_squared * (2 * sigma_squared + n * tau_squared))
    )
    assert result.p_value == pytest.approx(min(1.0, 1 / ratio), rel=1e-9)
    assert result.mixing_variance == tau_squared
    assert "tau^2 = 0.04 (set)" in result.tuning


def test_default_tuning_matches_waudby_smiths_asymptotic_confidence_sequence():
    """Waudby-Smith et al. (2021): mu_t +- sigma_t sqrt(2 (t rho^2 + 1) / (t^2 rho^2) log(sqrt(t rho^2 + 1) / alpha)),
    with rho^2 = (-2 log alpha + log(-2 log alpha + 1)) / t* for the planned t*."""
    rng = np.random.default_rng(8)
    control, treatment = _arms(rng, 3000, shift=0.2)
    config = SequentialConfig(alpha=0.05, planned_units=10_000)
    result = always_valid_test(control, treatment, config)

    alpha, t = 0.05, control.n + treatment.n
    rho_squared = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / 10_000
    sigma = math.sqrt((control.variance / control.n + treatment.variance / treatment.n) * t)  # per-unit scale
    half = sigma * math.sqrt(
        2 * (t * rho_squared + 1) / (t**2 * rho_squared) * math.log(math.sqrt(t * rho_squared + 1) / alpha)
    )
    estimate = treatment.mean - control.mean
    assert config.rho_squared == pytest.approx(rho_squared, rel=1e-12)
    assert result.ci_lower == pytest.approx(estimate - half, rel=1e-9)
    assert result.ci_upper == pytest.approx(estimate + half, rel=1e-9)
    assert "10,000 units" in result.tuning and "tau^2 = " in result.tuning


def test_default_tuning_is_tightest_near_the_planned_units():
    config = SequentialConfig(planned_units=50_000)
    units = np.arange(5_000, 200_001, 500)
    # per-unit variance 1: the variance of the difference at N units is 1 / N
    ratios = [mixture_half_width(1 / n, config.tau_squared(1 / n, int(n)), 0.05) * math.sqrt(n) for n in units]
    assert abs(units[int(np.argmin(ratios))] / 50_000 - 1) < 0.05


def test_naive_values_are_the_fixed_horizon_z_test():
    rng = np.random.default_rng(2)
    control, treatment = _arms(rng, 500, shift=0.4)
    result = always_valid_test(control, treatment)
    se = math.sqrt(control.variance / 500 + treatment.variance / 500)
    estimate = treatment.mean - control.mean
    assert result.abs_lift == pytest.approx(estimate, rel=1e-12)
    assert result.naive_p_value == pytest.approx(2 * stats.norm.sf(abs(estimate) / se), rel=1e-9)
    assert result.naive_ci_lower == pytest.approx(estimate - stats.norm.isf(0.025) * se, rel=1e-9)
    # the always-valid interval is wider and its p-value larger than the naive ones
    assert result.ci_lower < result.naive_ci_lower < result.naive_ci_upper < result.ci_upper
    assert result.p_value > result.naive_p_value


def _cumulative_looks(rng, looks, batch, shift):
    control, treatment, out = SampleStats(0, 0.0, 0.0), SampleStats(0, 0.0, 0.0), []
    for _ in range(looks):
        more_c, more_t = _arms(rng, batch, shift)
        control, treatment = control + more_c, treatment + more_t
        out.append((control, treatment))
    return out


def test_trajectory_is_monotone_and_starts_with_the_single_look_values():
    rng = np.random.default_rng(13)
    looks = _cumulative_looks(rng, 30, 200, shift=0.05)
    results = trajectory(looks)
    assert len(results) == 30
    first = always_valid_test(*looks[0])
    assert results[0].p_value == first.p_value and results[0].ci_lower == first.ci_lower
    for earlier, later in itertools.pairwise(results):
        assert later.p_value <= earlier.p_value
        assert earlier.ci_lower <= later.ci_lower <= later.ci_upper <= earlier.ci_upper
    for result, (control, treatment) in zip(results, looks, strict=True):
        single = always_valid_test(control, treatment)
        assert result.naive_p_value == single.naive_p_value  # naive values are per look, not running
        assert result.p_value <= single.p_value
        assert result.n_control == control.n


def test_a_real_effect_drives_the_always_valid_p_value_to_zero():
    rng = np.random.default_rng(21)
    results = trajectory(_cumulative_looks(rng, 25, 1000, shift=0.3))
    assert results[0].p_value > 0.05
    assert results[-1].p_value < 1e-6
    assert results[-1].ci_lower > 0


def test_trajectory_skips_degenerate_looks_and_rejects_shrinking_counts():
    one = SampleStats.from_values([1.0])
    looks = [(one, one), *_cumulative_looks(np.random.default_rng(4), 3, 100, 0.0)]
    results = trajectory(looks)
    assert results[0].error == ErrorCode.TOO_FEW_UNITS and results[0].p_value is None and results[0].message
    assert all(r.error is None and 0 < r.p_value <= 1 for r in results[1:])
    with pytest.raises(ValueError, match=r"^looks: "):
        trajectory([looks[2], looks[1]])


@pytest.mark.parametrize(
    ("control", "treatment", "code"),
    [
        (SampleStats(0, 0.0, 0.0), SampleStats.from_values([1.0, 2.0]), ErrorCode.NO_DATA),
        (SampleStats.from_values([1.0, 2.0]), SampleStats.from_values([3.0]), ErrorCode.TOO_FEW_UNITS),
        (SampleStats.from_values([2.0, 2.0]), SampleStats.from_values([3.0, 3.0]), ErrorCode.ZERO_VARIANCE),
    ],
)
def test_degenerate_looks_are_typed_results(control, treatment, code):
    result = always_valid_test(control, treatment)
    assert result.error == code and result.message
    assert result.p_value is None and result.ci_lower is None and result.naive_p_value is None


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda: SequentialConfig(alpha=0.0), "alpha"),
        (lambda: SequentialConfig(alpha=1.0), "alpha"),
        (lambda: SequentialConfig(mixing_variance=0.0), "mixing_variance"),
        (lambda: SequentialConfig(mixing_variance=float("inf")), "mixing_variance"),
        (lambda: SequentialConfig(planned_units=1), "planned_units"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(build, name):
    with pytest.raises(ValueError, match=rf"^{name}: "):
        build()
