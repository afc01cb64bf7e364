"""Power analysis against statsmodels' power classes and the closed forms (1e-6 relative)."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

from marts.stats.power import (
    MeanMetric,
    PowerConfig,
    ProportionMethod,
    ProportionMetric,
    Traffic,
    duration,
    minimum_detectable_effect,
    power_at_n,
    power_over_days,
    sample_size,
)
from marts.stats.results import ErrorCode
from marts.stats.sufficient import RatioStats, SampleStats

REL = 1e-6
SOLVERS = {"z": NormalIndPower, "t": TTestIndPower}
DESIGNS = [
    (test, two_sided, ratio, alpha, power)
    for test in ("z", "t")
    for two_sided in (True, False)
    for ratio in (1.0, 2.0, 0.5)
    for alpha, power in ((0.05, 0.8), (0.01, 0.9))
]


def _solver(test: str):
    """A statsmodels solver with its effect-size root finder tightened (its default xtol is 1e-5 absolute)."""
    solver = SOLVERS[test]()
    solver.start_bqexp["effect_size"] = {"xtol": 1e-14}
    return solver


def _alternative(two_sided: bool) -> str:
    return "two-sided" if two_sided else "larger"


@pytest.mark.parametrize(("test", "two_sided", "ratio", "alpha", "power"), DESIGNS)
def test_means_match_statsmodels(test, two_sided, ratio, alpha, power):
    config = PowerConfig(alpha=alpha, power=power, two_sided=two_sided, test=test)
    metric = MeanMetric(baseline=25.0, std=12.0)
    solver, alternative = _solver(test), _alternative(two_sided)

    size = sample_size(metric, 1.5, ratio=ratio, config=config)
    expected_n = solver.solve_power(
        effect_size=1.5 / 12.0, alpha=alpha, power=power, ratio=ratio, alternative=alternative
    )
    assert size.n_exact == pytest.approx(expected_n, rel=REL)
    assert size.n_per_variant == math.ceil(expected_n)
    assert size.n_treatment == math.ceil(expected_n * ratio - 1e-9)

    mde = minimum_detectable_effect(metric, 800, ratio=ratio, config=config)
    expected_effect = solver.solve_power(nobs1=800, alpha=alpha, power=power, ratio=ratio, alternative=alternative)
    assert mde.effect_size == pytest.approx(expected_effect, rel=REL)
    assert mde.mde_abs == pytest.approx(expected_effect * 12.0, rel=REL)
    assert mde.mde_rel == pytest.approx(expected_effect * 12.0 / 25.0, rel=REL)
    assert solver.power(mde.effect_size, 800, alpha, ratio=ratio, alternative=alternative) == pytest.approx(power)

    achieved = power_at_n(metric, 1.5, 800, ratio=ratio, config=config)
    expected_power = solver.power(1.5 / 12.0, 800, alpha, ratio=ratio, alternative=alternative)
    assert achieved.power == pytest.approx(expected_power, rel=REL)
    solved = solver.solve_power(effect_size=1.5 / 12.0, nobs1=800, alpha=alpha, ratio=ratio, alternative=alternative)
    assert achieved.power == pytest.approx(solved, rel=REL)


@pytest.mark.parametrize(("two_sided", "ratio"), [(True, 1.0), (True, 3.0), (False, 1.0), (False, 0.5)])
@pytest.mark.parametrize(("baseline", "mde"), [(0.1, 0.01), (0.03, 0.006), (0.5, 0.05), (0.85, 0.04)])
def test_proportions_cohens_h_match_statsmodels(two_sided, ratio, baseline, mde):
    config = PowerConfig(two_sided=two_sided)
    metric = ProportionMetric(baseline)
    solver, alternative = _solver("z"), _alternative(two_sided)
    h = proportion_effectsize(baseline + mde, baseline)

    size = sample_size(metric, mde, ratio=ratio, config=config)
    assert size.effect_size == pytest.approx(h, rel=1e-12)
    assert size.n_exact == pytest.approx(
        solver.solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=ratio, alternative=alternative), rel=REL
    )

    achieved = power_at_n(metric, mde, 2000, ratio=ratio, config=config)
    assert achieved.power == pytest.approx(solver.power(h, 2000, 0.05, ratio=ratio, alternative=alternative), rel=REL)

    found = minimum_detectable_effect(metric, 2000, ratio=ratio, config=config)
    expected_h = solver.solve_power(nobs1=2000, alpha=0.05, power=0.8, ratio=ratio, alternative=alternative)
    assert proportion_effectsize(baseline + found.mde_abs, baseline) == pytest.approx(expected_h, rel=REL)


def _unpooled_power(p_c, p_t, n_c, ratio, alpha, two_sided):
    """The z-approximation with unpooled variance, written out: both tails when two-sided."""
    se = math.sqrt(p_c * (1 - p_c) / n_c + p_t * (1 - p_t) / (n_c * ratio))
    crit = stats.norm.isf(alpha / 2 if two_sided else alpha)
    shift = (p_t - p_c) / se
    return stats.norm.sf(crit - shift) + (stats.norm.cdf(-crit - shift) if two_sided else 0.0)


@pytest.mark.parametrize(("baseline", "mde"), [(0.1, 0.01), (0.03, 0.006), (0.5, 0.05)])
@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_proportions_unpooled_z_match_closed_form(baseline, mde, ratio):
    metric = ProportionMetric(baseline, ProportionMethod.Z_UNPOOLED)
    p_t = baseline + mde
    variance_sum = baseline * (1 - baseline) + p_t * (1 - p_t) / ratio

    one_sided = sample_size(metric, mde, ratio=ratio, config=PowerConfig(two_sided=False))
    closed = (stats.norm.isf(0.05) + stats.norm.isf(0.2)) ** 2 * variance_sum / mde**2
    assert one_sided.n_exact == pytest.approx(closed, rel=REL)

    two_sided = sample_size(metric, mde, ratio=ratio)
    assert _unpooled_power(baseline, p_t, two_sided.n_exact, ratio, 0.05, True) == pytest.approx(0.8, rel=REL)
    # Equivalently NormalIndPower with d = delta / sqrt(k (p_c q_c + p_t q_t / k) / (1 + k)).
    d = mde / math.sqrt(ratio * variance_sum / (1 + ratio))
    expected = _solver("z").solve_power(effect_size=d, alpha=0.05, power=0.8, ratio=ratio)
    assert two_sided.n_exact == pytest.approx(expected, rel=REL)

    achieved = power_at_n(metric, mde, 3000, ratio=ratio)
    assert achieved.power == pytest.approx(_unpooled_power(baseline, p_t, 3000, ratio, 0.05, True), rel=REL)

    found = minimum_detectable_effect(metric, 3000, ratio=ratio)
    power_at_mde = _unpooled_power(baseline, baseline + found.mde_abs, 3000, ratio, 0.05, True)
    assert power_at_mde == pytest.approx(0.8, rel=REL)


@pytest.mark.parametrize("baseline", [0.02, 0.05, 0.1, 0.3, 0.5])
@pytest.mark.parametrize("relative_mde", [0.05, 0.1, 0.2])
def test_default_cohens_h_and_unpooled_z_plans_are_within_one_percent(baseline, relative_mde):
    by_h = sample_size(ProportionMetric(baseline), relative_mde, relative=True)
    by_z = sample_size(ProportionMetric(baseline, ProportionMethod.Z_UNPOOLED), relative_mde, relative=True)
    assert by_h.n_exact == pytest.approx(by_z.n_exact, rel=0.01)
    assert ProportionMetric(baseline).method == ProportionMethod.COHENS_H


def test_ratio_metric_uses_the_delta_method_variance():
    rng = np.random.default_rng(7)
    orders = rng.poisson(2.0, 5000) + 1
    revenue = orders * rng.gamma(4.0, 6.0, 5000)
    metric = MeanMetric.from_ratio_stats(RatioStats.from_values(revenue, orders))
    ratio = revenue.sum() / orders.sum()
    linearised = (revenue - ratio * orders) / orders.mean()  # the delta method's per-unit influence values
    assert metric.baseline == pytest.approx(ratio, rel=1e-12)
    assert metric.std == pytest.approx(linearised.std(ddof=1), rel=1e-9)

    size = sample_size(metric, 0.03, relative=True)
    expected = _solver("z").solve_power(effect_size=0.03 * ratio / metric.std, alpha=0.05, power=0.8)
    assert size.n_exact == pytest.approx(expected, rel=REL)


def test_mean_metric_from_sample_stats_and_relative_mde():
    values = np.random.default_rng(3).normal(40.0, 9.0, 4000)
    metric = MeanMetric.from_sample_stats(SampleStats.from_values(values))
    assert metric.std == pytest.approx(values.std(ddof=1), rel=1e-9)
    relative = sample_size(metric, 0.02, relative=True)
    absolute = sample_size(metric, 0.02 * values.mean())
    assert relative.n_exact == pytest.approx(absolute.n_exact, rel=1e-12)
    assert relative.mde_rel == 0.02
    assert relative.mde_abs == pytest.approx(0.02 * values.mean(), rel=1e-12)


def test_duration_with_unequal_weights_and_allocation():
    metric = ProportionMetric(0.12)
    traffic = Traffic(daily_units=4000, allocation=0.4, weights=(2.0, 1.0, 1.0))
    plan = duration(metric, 0.1, traffic, relative=True)
    # control gets half the allocated traffic, each treatment a quarter: treatments have ratio 0.5 to control
    assert traffic.ratio == pytest.approx(0.5)
    assert plan.daily_units_per_variant == pytest.approx((800.0, 400.0, 400.0))
    expected_n = sample_size(metric, 0.1, relative=True, ratio=0.5).n_exact
    assert plan.sample_size.n_exact == pytest.approx(expected_n, rel=1e-12)
    assert plan.days_exact == pytest.approx(expected_n / 800.0, rel=1e-12)
    assert (plan.days - 1) * 800 < expected_n <= plan.days * 800


def test_duration_with_equal_arms_counts_every_variant():
    metric = MeanMetric(baseline=30.0, std=20.0)
    two = duration(metric, 0.05, Traffic(daily_units=1000), relative=True)
    four = duration(metric, 0.05, Traffic(daily_units=1000, n_variants=4), relative=True)
    assert two.sample_size.n_exact == pytest.approx(four.sample_size.n_exact)
    assert four.days_exact == pytest.approx(2 * two.days_exact)  # each arm gets 250 a day instead of 500


def test_power_over_days_rises_and_crosses_the_target_on_the_planned_day():
    metric = ProportionMetric(0.1)
    traffic = Traffic(daily_units=1500, allocation=0.5, n_variants=3)
    plan = duration(metric, 0.15, traffic, relative=True)
    points = power_over_days(metric, 0.15, traffic, plan.days + 3, relative=True)
    assert [p.day for p in points] == list(range(1, plan.days + 4))
    powers = [p.power for p in points]
    assert all(a < b for a, b in itertools.pairwise(powers))
    assert powers[plan.days - 1] >= 0.8 > powers[plan.days - 2]
    for point in points:
        assert point.n_per_variant == math.floor(point.day * 250)
        h = proportion_effectsize(0.115, 0.1)
        assert point.power == pytest.approx(NormalIndPower().power(h, point.n_per_variant, 0.05), rel=REL)


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda: PowerConfig(alpha=0.0), "alpha"),
        (lambda: PowerConfig(alpha=1.0), "alpha"),
        (lambda: PowerConfig(alpha=1.5), "alpha"),
        (lambda: PowerConfig(power=0.0), "power"),
        (lambda: PowerConfig(power=1.0), "power"),
        (lambda: PowerConfig(alpha=0.2, power=0.1), "power"),
        (lambda: PowerConfig(test="f"), "test"),
        (lambda: ProportionMetric(0.0), "baseline"),
        (lambda: ProportionMetric(1.0), "baseline"),
        (lambda: ProportionMetric(1.3), "baseline"),
        (lambda: ProportionMetric(0.1, "arcsine"), "method"),
        (lambda: sample_size(ProportionMetric(0.1), 0.0), "mde"),
        (lambda: sample_size(ProportionMetric(0.1), -0.01), "mde"),
        (lambda: sample_size(ProportionMetric(0.9), 0.1), "mde"),
        (lambda: sample_size(MeanMetric(1.0, 1.0), 0.1, ratio=0.0), "ratio"),
        (lambda: MeanMetric(1.0, -1.0), "std"),
        (lambda: minimum_detectable_effect(MeanMetric(1.0, 1.0), 0), "n_per_variant"),
        (lambda: power_at_n(MeanMetric(1.0, 1.0), 0.1, 1, config=PowerConfig(test="t")), "n_per_variant"),
        (lambda: Traffic(daily_units=0), "daily_units"),
        (lambda: Traffic(daily_units=10, allocation=1.5), "allocation"),
        (lambda: Traffic(daily_units=10, n_variants=1), "n_variants"),
        (lambda: Traffic(daily_units=10, weights=(1.0, 0.0)), "weights"),
        (lambda: power_over_days(ProportionMetric(0.1), 0.01, Traffic(daily_units=10), 0), "days"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(build, name):
    with pytest.raises(ValueError, match=rf"^{name}: "):
        build()


def test_degenerate_history_returns_typed_results():
    flat = MeanMetric.from_sample_stats(SampleStats.from_values([5.0, 5.0, 5.0]))
    for result in (sample_size(flat, 0.1), minimum_detectable_effect(flat, 100), power_at_n(flat, 0.1, 100)):
        assert result.error == ErrorCode.ZERO_VARIANCE
        assert result.message
    assert sample_size(MeanMetric.from_sample_stats(SampleStats(1, 2.0, 4.0)), 0.1).error == ErrorCode.TOO_FEW_UNITS
    no_denominator = MeanMetric.from_ratio_stats(RatioStats.from_values([1.0, 2.0], [0.0, 0.0]))
    assert sample_size(no_denominator, 0.1).error == ErrorCode.ZERO_DENOMINATOR
    zero_mean = MeanMetric(baseline=0.0, std=1.0)
    assert sample_size(zero_mean, 0.1, relative=True).error == ErrorCode.ZERO_BASELINE
    assert sample_size(zero_mean, 0.1).mde_rel is None
    late = duration(flat, 0.1, Traffic(daily_units=100))
    assert late.days is None and late.error == ErrorCode.ZERO_VARIANCE
    assert all(p.power is None for p in power_over_days(flat, 0.1, Traffic(daily_units=100), 3))


def test_unreachable_mde_for_a_proportion_is_a_typed_result():
    for method in ProportionMethod:
        result = minimum_detectable_effect(ProportionMetric(0.6, method), 3)
        assert result.error == ErrorCode.TOO_FEW_UNITS
        assert result.mde_abs is None and "power" in result.message
