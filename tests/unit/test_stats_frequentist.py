"""Fixed-horizon tests against statsmodels and scipy (1e-6 relative), the delta method, and the cookie_cats figures."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from marts.stats.frequentist import (
    Comparison,
    DeltaMethodRatioTest,
    FrequentistConfig,
    TwoProportionZTest,
    WelchTTest,
    compare,
    make_test,
)
from marts.stats.sufficient import RatioStats, SampleStats
from tests.datasets import COOKIE_CATS

REL = 1e-6
SM_ALTERNATIVE = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}
ALTERNATIVES = ("two-sided", "greater", "less")

# (control successes, control n, treatment successes, treatment n)
PROPORTIONS = [
    (20034, 44700, 20119, 45489),
    (8502, 44700, 8279, 45489),
    (30, 1000, 45, 1000),
    (5, 40, 1, 35),
    (480, 500, 470, 500),
    (0, 200, 7, 180),
]


def close(actual: float | None, expected: float) -> bool:
    """Equal to 1e-6 relative (or 1e-12 absolute, for numbers at zero)."""
    return actual is not None and actual == pytest.approx(float(expected), rel=REL, abs=1e-12)


def continuous_samples(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A skewed control and a treatment with a different spread and size."""
    rng = np.random.default_rng(seed)
    control = rng.lognormal(mean=1.0, sigma=1.0, size=300 + seed)
    treatment = rng.lognormal(mean=1.1, sigma=1.3, size=250 + 7 * seed)
    return control, treatment


# --- binary: two-proportion z-test -----------------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("counts", PROPORTIONS)
def test_z_test_statistic_and_p_value_match_statsmodels_proportions_ztest(counts, alternative):
    x_c, n_c, x_t, n_t = counts
    result = compare(
        "binary",
        SampleStats.from_proportion(n_c, x_c),
        SampleStats.from_proportion(n_t, x_t),
        FrequentistConfig(alternative=alternative),
    )
    z, p = proportions_ztest([x_t, x_c], [n_t, n_c], alternative=SM_ALTERNATIVE[alternative])
    assert result.error is None or result.error == "zero_baseline"
    assert close(result.statistic, z)
    assert close(result.p_value, p)


@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.2])
@pytest.mark.parametrize("counts", PROPORTIONS)
def test_z_test_interval_matches_statsmodels_wald_interval(counts, alpha):
    x_c, n_c, x_t, n_t = counts
    result = compare(
        "binary", SampleStats.from_proportion(n_c, x_c), SampleStats.from_proportion(n_t, x_t), FrequentistConfig(alpha)
    )
    low, high = confint_proportions_2indep(x_t, n_t, x_c, n_c, method="wald", compare="diff", alpha=alpha)
    assert close(result.abs_ci[0], low)
    assert close(result.abs_ci[1], high)
    assert close(result.abs_lift, x_t / n_t - x_c / n_c)


def test_z_test_uses_the_pooled_error_for_the_statistic_and_the_unpooled_error_for_the_interval():
    result = compare("binary", SampleStats.from_proportion(1000, 100), SampleStats.from_proportion(1000, 300))
    p_c, p_t, pooled = 0.1, 0.3, 0.2
    unpooled_se = math.sqrt(p_c * (1 - p_c) / 1000 + p_t * (1 - p_t) / 1000)
    pooled_se = math.sqrt(pooled * (1 - pooled) * 2 / 1000)
    assert close(result.std_error, unpooled_se)
    assert close(result.statistic, 0.2 / pooled_se)
    assert not close(result.statistic, 0.2 / unpooled_se)


def test_z_test_accepts_statistics_built_from_0_1_arrays():
    rng = np.random.default_rng(3)
    control, treatment = rng.random(5000) < 0.3, rng.random(5000) < 0.32
    from_arrays = compare("binary", SampleStats.from_values(control), SampleStats.from_values(treatment))
    from_counts = compare(
        "binary",
        SampleStats.from_proportion(5000, int(control.sum())),
        SampleStats.from_proportion(5000, int(treatment.sum())),
    )
    assert from_arrays == from_counts


# --- continuous: Welch t-test ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_welch_matches_scipy_ttest_ind_statistic_p_value_df_and_interval(seed, alternative):
    control, treatment = continuous_samples(seed)
    alpha = 0.05 if seed % 2 else 0.1
    result = compare(
        "continuous",
        SampleStats.from_values(control),
        SampleStats.from_values(treatment),
        FrequentistConfig(alpha, alternative),
    )
    reference = stats.ttest_ind(treatment, control, equal_var=False, alternative=alternative)
    low, high = reference.confidence_interval(confidence_level=1 - alpha)
    assert close(result.statistic, reference.statistic)
    assert close(result.p_value, reference.pvalue)
    assert close(result.df, reference.df)
    for mine, theirs in zip(result.abs_ci, (low, high), strict=True):
        assert (mine is None) if math.isinf(theirs) else close(mine, theirs)


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_welch_interval_matches_statsmodels_compare_means(alternative):
    control, treatment = continuous_samples(5)
    result = compare(
        "continuous",
        SampleStats.from_values(control),
        SampleStats.from_values(treatment),
        FrequentistConfig(0.05, alternative),
    )
    means = CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
    low, high = means.tconfint_diff(alpha=0.05, alternative=SM_ALTERNATIVE[alternative], usevar="unequal")
    t, p, df = means.ttest_ind(alternative=SM_ALTERNATIVE[alternative], usevar="unequal")
    for mine, theirs in zip(result.abs_ci, (low, high), strict=True):
        assert (mine is None) if math.isinf(theirs) else close(mine, theirs)
    assert close(result.statistic, t)
    assert close(result.p_value, p)
    assert close(result.df, df)


def test_welch_two_sided_interval_excludes_zero_exactly_when_p_is_below_alpha():
    for seed in range(20):
        control, treatment = continuous_samples(seed)
        result = compare("continuous", SampleStats.from_values(control), SampleStats.from_values(treatment))
        excludes_zero = result.abs_ci[0] > 0 or result.abs_ci[1] < 0
        assert excludes_zero == (result.p_value < 0.05)


def test_one_sided_p_values_split_the_two_sided_one():
    control, treatment = continuous_samples(7)
    c, t = SampleStats.from_values(control), SampleStats.from_values(treatment)
    p = {alt: compare("continuous", c, t, FrequentistConfig(alternative=alt)).p_value for alt in ALTERNATIVES}
    assert p["greater"] + p["less"] == pytest.approx(1.0, rel=1e-12)
    assert p["two-sided"] == pytest.approx(2 * min(p["greater"], p["less"]), rel=1e-12)


def test_comparisons_of_pooled_shards_equal_comparisons_of_the_whole_arrays():
    control, treatment = continuous_samples(9)
    whole = compare("continuous", SampleStats.from_values(control), SampleStats.from_values(treatment))
    sharded = compare(
        "continuous",
        SampleStats.from_values(control[:100]) + SampleStats.from_values(control[100:]),
        SampleStats.from_values(treatment[:50]) + SampleStats.from_values(treatment[50:]),
    )
    for field in ("statistic", "p_value", "df", "abs_lift", "rel_lift", "std_error", "rel_std_error"):
        assert close(getattr(sharded, field), getattr(whole, field))


# --- the relative lift: delta method on the ratio of means -----------------------------------------------------------


def delta_relative_interval(mean_c, var_mean_c, mean_t, var_mean_t, quantile) -> tuple[float, float]:
    """Var(m_t / m_c) ≈ var_t / m_c² + m_t² var_c / m_c⁴, written out independently of the engine."""
    rel = mean_t / mean_c - 1
    se = math.sqrt(var_mean_t / mean_c**2 + mean_t**2 * var_mean_c / mean_c**4)
    return rel - quantile * se, rel + quantile * se


def test_relative_interval_is_the_delta_method_not_the_absolute_interval_over_the_baseline():
    x_c, n_c, x_t, n_t = 300, 1000, 360, 1000
    result = compare("binary", SampleStats.from_proportion(n_c, x_c), SampleStats.from_proportion(n_t, x_t))
    p_c, p_t = x_c / n_c, x_t / n_t
    expected = delta_relative_interval(p_c, p_c * (1 - p_c) / n_c, p_t, p_t * (1 - p_t) / n_t, stats.norm.ppf(0.975))
    assert close(result.rel_lift, p_t / p_c - 1)
    assert close(result.rel_ci[0], expected[0])
    assert close(result.rel_ci[1], expected[1])
    naive = (result.abs_ci[0] / p_c, result.abs_ci[1] / p_c)
    assert result.rel_ci[1] - result.rel_ci[0] > 1.05 * (naive[1] - naive[0])  # the control's noise widens it


def test_welch_relative_interval_uses_the_delta_method_with_the_welch_quantile():
    control, treatment = continuous_samples(4)
    result = compare("continuous", SampleStats.from_values(control), SampleStats.from_values(treatment))
    var_c = control.var(ddof=1) / control.size
    var_t = treatment.var(ddof=1) / treatment.size
    welch_df = stats.ttest_ind(treatment, control, equal_var=False).df
    expected = delta_relative_interval(control.mean(), var_c, treatment.mean(), var_t, stats.t.ppf(0.975, welch_df))
    assert close(result.rel_ci[0], expected[0])
    assert close(result.rel_ci[1], expected[1])


@pytest.mark.parametrize("kind", ["binary", "continuous"])
def test_relative_interval_covers_the_true_relative_lift_about_95_percent_of_the_time(kind):
    rng = np.random.default_rng(11)
    runs, n = 2000, 2000
    true_rel = 0.22 / 0.20 - 1 if kind == "binary" else 11.0 / 10.0 - 1
    covered = 0
    for _ in range(runs):
        if kind == "binary":
            c = SampleStats.from_proportion(n, int(rng.binomial(n, 0.20)))
            t = SampleStats.from_proportion(n, int(rng.binomial(n, 0.22)))
        else:
            c = SampleStats.from_values(rng.exponential(10.0, n))
            t = SampleStats.from_values(rng.exponential(11.0, n))
        low, high = compare(kind, c, t).rel_ci
        covered += low <= true_rel <= high
    assert 0.93 <= covered / runs <= 0.97


# --- ratio metrics: delta method -------------------------------------------------------------------------------------


def orders_and_revenue(rng: np.random.Generator, n: int, basket: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-user orders (many zero) and revenue correlated with them: an AOV metric randomised by user."""
    orders = rng.poisson(0.8, n).astype(float)
    revenue = orders * basket + rng.gamma(2.0, 3.0, n) * orders
    return revenue, orders


def deng_ratio_variance(x: np.ndarray, y: np.ndarray) -> float:
    """Var(x̄/ȳ) from Deng, Knoblich and Lu (2018), eq. 3, on raw arrays."""
    mu_x, mu_y = x.mean(), y.mean()
    cov = np.cov(x, y, ddof=1)
    return (cov[0, 0] / mu_y**2 - 2 * mu_x * cov[0, 1] / mu_y**3 + mu_x**2 * cov[1, 1] / mu_y**4) / x.size


def test_ratio_test_matches_the_published_delta_method_formula():
    rng = np.random.default_rng(5)
    x_c, y_c = orders_and_revenue(rng, 3000, 20.0)
    x_t, y_t = orders_and_revenue(rng, 2800, 21.0)
    result = compare("ratio", RatioStats.from_values(x_c, y_c), RatioStats.from_values(x_t, y_t))
    var_c, var_t = deng_ratio_variance(x_c, y_c), deng_ratio_variance(x_t, y_t)
    r_c, r_t = x_c.sum() / y_c.sum(), x_t.sum() / y_t.sum()
    z = (r_t - r_c) / math.sqrt(var_c + var_t)
    assert close(result.control_mean, r_c)
    assert close(result.treatment_mean, r_t)
    assert close(result.std_error, math.sqrt(var_c + var_t))
    assert close(result.statistic, z)
    assert close(result.p_value, 2 * stats.norm.sf(abs(z)))
    assert close(result.abs_ci[0], r_t - r_c - stats.norm.ppf(0.975) * math.sqrt(var_c + var_t))
    expected_rel = delta_relative_interval(r_c, var_c, r_t, var_t, stats.norm.ppf(0.975))
    assert close(result.rel_ci[0], expected_rel[0])
    assert close(result.rel_ci[1], expected_rel[1])


def test_ratio_standard_error_agrees_with_a_bootstrap_over_users():
    rng = np.random.default_rng(8)
    x_c, y_c = orders_and_revenue(rng, 2000, 20.0)
    x_t, y_t = orders_and_revenue(rng, 2000, 22.0)
    result = compare("ratio", RatioStats.from_values(x_c, y_c), RatioStats.from_values(x_t, y_t))
    draws = 2000
    i_c = rng.integers(0, x_c.size, (draws, x_c.size))
    i_t = rng.integers(0, x_t.size, (draws, x_t.size))
    boot = x_t[i_t].sum(1) / y_t[i_t].sum(1) - x_c[i_c].sum(1) / y_c[i_c].sum(1)
    assert result.std_error == pytest.approx(boot.std(ddof=1), rel=0.08)


def test_ratio_intervals_cover_the_true_lifts_about_95_percent_of_the_time():
    rng = np.random.default_rng(13)
    runs, n = 1500, 800
    # E[revenue] / E[orders] = basket + E[gamma(2, 3)] = basket + 6 for this generator.
    true_c, true_t = 20.0 + 6.0, 21.0 + 6.0
    covered_abs = covered_rel = 0
    for _ in range(runs):
        result = compare(
            "ratio",
            RatioStats.from_values(*orders_and_revenue(rng, n, 20.0)),
            RatioStats.from_values(*orders_and_revenue(rng, n, 21.0)),
        )
        covered_abs += result.abs_ci[0] <= true_t - true_c <= result.abs_ci[1]
        covered_rel += result.rel_ci[0] <= true_t / true_c - 1 <= result.rel_ci[1]
    assert 0.93 <= covered_abs / runs <= 0.97
    assert 0.93 <= covered_rel / runs <= 0.97


# --- the cookie_cats figures -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cookie_cats() -> pd.DataFrame:
    assert COOKIE_CATS.exists(), f"the Cookie Cats data set is missing: {COOKIE_CATS}"
    return pd.read_csv(COOKIE_CATS)


@pytest.mark.parametrize(
    ("column", "z", "p", "rel", "p_places"),
    [("retention_1", -1.784, 0.074, -0.0132, 3), ("retention_7", -3.164, 0.00155, -0.0431, 5)],
)
def test_z_test_reproduces_the_cookie_cats_figures(cookie_cats, column, z, p, rel, p_places):
    control = cookie_cats.loc[cookie_cats["version"] == "gate_30", column].to_numpy(dtype=float)
    treatment = cookie_cats.loc[cookie_cats["version"] == "gate_40", column].to_numpy(dtype=float)
    result = compare("binary", SampleStats.from_values(control), SampleStats.from_values(treatment))
    assert (result.n_control, result.n_treatment) == (44700, 45489)
    assert round(result.statistic, 3) == z
    assert round(result.p_value, p_places) == p
    assert round(result.rel_lift, 4) == rel
    assert result.significant == (p < 0.05)


# --- configuration and the factory -----------------------------------------------------------------------------------


FACTORY_CASES = [
    ("binary", TwoProportionZTest, SampleStats.from_proportion(100, 30)),
    ("continuous", WelchTTest, SampleStats.from_values([1.0, 2.0, 4.0])),
    ("ratio", DeltaMethodRatioTest, RatioStats.from_values([1.0, 2.0, 4.0], [1.0, 1.0, 3.0])),
]


@pytest.mark.parametrize(("kind", "cls", "sample"), FACTORY_CASES)
def test_the_factory_picks_the_test_by_metric_kind(kind, cls, sample):
    test = make_test(kind, sample, sample)
    assert type(test) is cls
    result = test.compute()
    assert isinstance(result, Comparison)
    assert (result.method, result.error, result.abs_lift, result.p_value) == (cls.method, None, 0.0, 1.0)


def test_the_factory_rejects_an_unknown_kind_and_mismatched_statistics():
    stats_ = SampleStats.from_proportion(10, 3)
    with pytest.raises(ValueError, match="kind"):
        make_test("median", stats_, stats_)
    with pytest.raises(TypeError, match="RatioStats"):
        make_test("ratio", stats_, stats_)


@pytest.mark.parametrize(("alpha", "alternative"), [(0.0, "two-sided"), (1.0, "less"), (math.nan, "greater")])
def test_config_rejects_alpha_outside_zero_and_one(alpha, alternative):
    with pytest.raises(ValueError, match="alpha"):
        FrequentistConfig(alpha, alternative)


def test_config_rejects_an_unknown_alternative():
    with pytest.raises(ValueError, match="alternative"):
        FrequentistConfig(alternative="larger")


def test_one_sided_intervals_leave_the_open_side_empty():
    c, t = SampleStats.from_proportion(1000, 300), SampleStats.from_proportion(1000, 330)
    greater = compare("binary", c, t, FrequentistConfig(alternative="greater"))
    less = compare("binary", c, t, FrequentistConfig(alternative="less"))
    assert greater.abs_ci[1] is None and greater.rel_ci[1] is None
    assert less.abs_ci[0] is None and less.rel_ci[0] is None
    one_sided_z = stats.norm.ppf(0.95)
    assert close(greater.abs_ci[0], greater.abs_lift - one_sided_z * greater.std_error)
