"""CUPED against statsmodels OLS and the variance reduction against rho^2 on simulated data.

The exact relation tested: with theta pooled from the within-arm sums, the CUPED difference equals OLS's coefficient
on the treatment indicator in ``y ~ 1 + treatment + (c - c_bar)`` (Frisch-Waugh-Lovell), theta equals the
coefficient on ``c - c_bar``, and the adjusted control mean equals the intercept.
"""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from marts.stats.cuped import CupedConfig, cuped_test
from marts.stats.results import ErrorCode
from marts.stats.sufficient import CovariateStats

# covariate ~ Gamma(2, 10): variance 200; y = a + 0.8 c + Normal(0, 8^2): cov 160, variance 192
POPULATION_RHO_SQUARED = 160.0**2 / (200.0 * 192.0)


def _simulate(rng, n_control, n_treatment, effect):
    c_c, c_t = rng.gamma(2.0, 10.0, n_control), rng.gamma(2.0, 10.0, n_treatment)
    y_c = 5.0 + 0.8 * c_c + rng.normal(0.0, 8.0, n_control)
    y_t = 5.0 + effect + 0.8 * c_t + rng.normal(0.0, 8.0, n_treatment)
    return (y_c, c_c), (y_t, c_t)


def _ols(control, treatment):
    (y_c, c_c), (y_t, c_t) = control, treatment
    y, c = np.concatenate([y_c, y_t]), np.concatenate([c_c, c_t])
    indicator = np.concatenate([np.zeros(y_c.size), np.ones(y_t.size)])
    design = sm.add_constant(np.column_stack([indicator, c - c.mean()]))
    return sm.OLS(y, design).fit(cov_type="HC0")


@pytest.mark.parametrize(("n_control", "n_treatment", "effect"), [(4000, 4000, 0.6), (3000, 7000, 0.0), (50, 80, 2.0)])
def test_cuped_lift_equals_the_ols_treatment_coefficient(n_control, n_treatment, effect):
    control, treatment = _simulate(np.random.default_rng(n_control), n_control, n_treatment, effect)
    result = cuped_test(CovariateStats.from_values(*control), CovariateStats.from_values(*treatment))
    fit = _ols(control, treatment)
    intercept, treatment_coef, covariate_coef = fit.params
    assert result.abs_lift == pytest.approx(treatment_coef, rel=1e-9, abs=1e-10)
    assert result.theta == pytest.approx(covariate_coef, rel=1e-9)
    assert result.adjusted_mean_control == pytest.approx(intercept, rel=1e-9)
    assert result.adjusted_mean_treatment == pytest.approx(intercept + treatment_coef, rel=1e-9)
    if min(n_control, n_treatment) >= 1000:
        # the z-test ignores the uncertainty in theta, O(1/n): on large samples its standard error is within 0.5%
        # of OLS's heteroskedasticity-robust (HC0) one
        assert result.std_error == pytest.approx(fit.bse[1], rel=0.005)


def test_inference_is_a_welch_z_on_the_adjusted_values():
    control, treatment = _simulate(np.random.default_rng(9), 2000, 2500, 0.5)
    result = cuped_test(CovariateStats.from_values(*control), CovariateStats.from_values(*treatment), CupedConfig(0.1))
    theta = result.theta
    adjusted_c = control[0] - theta * control[1]
    adjusted_t = treatment[0] - theta * treatment[1]
    se = math.sqrt(adjusted_c.var(ddof=1) / adjusted_c.size + adjusted_t.var(ddof=1) / adjusted_t.size)
    assert result.std_error == pytest.approx(se, rel=1e-9)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(result.abs_lift) / se), rel=1e-9)
    assert result.ci_upper - result.abs_lift == pytest.approx(stats.norm.isf(0.05) * se, rel=1e-9)
    raw_se = math.sqrt(control[0].var(ddof=1) / 2000 + treatment[0].var(ddof=1) / 2500)
    assert result.raw_std_error == pytest.approx(raw_se, rel=1e-9)
    assert result.raw_abs_lift == pytest.approx(treatment[0].mean() - control[0].mean(), rel=1e-9)
    assert result.ci_upper - result.ci_lower < 0.7 * (result.raw_ci_upper - result.raw_ci_lower)
    assert result.variance_reduction == pytest.approx(1 - se**2 / raw_se**2, rel=1e-9)
    m_c, m_t = result.adjusted_mean_control, result.adjusted_mean_treatment
    rel_se = math.sqrt(adjusted_t.var(ddof=1) / 2500 / m_c**2 + adjusted_c.var(ddof=1) / 2000 * m_t**2 / m_c**4)
    assert result.rel_lift == pytest.approx(m_t / m_c - 1, rel=1e-9)
    assert result.rel_ci_lower == pytest.approx(m_t / m_c - 1 - stats.norm.isf(0.05) * rel_se, rel=1e-9)


def test_variance_reduction_is_rho_squared_on_simulated_data():
    control, treatment = _simulate(np.random.default_rng(31), 30_000, 20_000, 1.0)
    result = cuped_test(CovariateStats.from_values(*control), CovariateStats.from_values(*treatment))
    assert result.variance_reduction == pytest.approx(POPULATION_RHO_SQUARED, abs=0.01)
    within = np.concatenate([control[0] - control[0].mean(), treatment[0] - treatment[0].mean()])
    covariate = np.concatenate([control[1] - control[1].mean(), treatment[1] - treatment[1].mean()])
    rho = np.corrcoef(within, covariate)[0, 1]
    assert result.correlation == pytest.approx(rho, rel=1e-9)
    assert result.variance_reduction == pytest.approx(rho**2, abs=0.005)


def test_an_unrelated_covariate_changes_almost_nothing():
    rng = np.random.default_rng(2)
    y_c, y_t = rng.normal(10, 2, 5000), rng.normal(10.1, 2, 5000)
    result = cuped_test(
        CovariateStats.from_values(y_c, rng.normal(0, 1, 5000)),
        CovariateStats.from_values(y_t, rng.normal(0, 1, 5000)),
    )
    assert abs(result.variance_reduction) < 0.005
    assert result.abs_lift == pytest.approx(result.raw_abs_lift, abs=0.01)


def test_a_constant_covariate_means_no_adjustment():
    result = cuped_test(
        CovariateStats.from_values([1.0, 2.0, 4.0], [3.0, 3.0, 3.0]),
        CovariateStats.from_values([2.0, 2.5, 5.0], [3.0, 3.0, 3.0]),
    )
    assert result.error is None and result.theta == 0.0 and "constant" in result.message
    assert result.abs_lift == pytest.approx(result.raw_abs_lift)
    assert result.variance_reduction == pytest.approx(0.0, abs=1e-12)


TWO_UNITS = CovariateStats.from_values([1.0, 2.0], [1.0, 3.0])


@pytest.mark.parametrize(
    ("control", "treatment", "code"),
    [
        (CovariateStats(0, 0, 0, 0, 0, 0), TWO_UNITS, ErrorCode.NO_DATA),
        (CovariateStats.from_values([1.0], [2.0]), TWO_UNITS, ErrorCode.TOO_FEW_UNITS),
        (
            CovariateStats.from_values([1.0, 1.0], [2.0, 5.0]),
            CovariateStats.from_values([3.0, 3.0], [1.0, 3.0]),
            ErrorCode.ZERO_VARIANCE,
        ),
    ],
)
def test_degenerate_data_is_a_typed_result(control, treatment, code):
    result = cuped_test(control, treatment)
    assert result.error == code and result.message
    assert result.abs_lift is None and result.p_value is None and result.variance_reduction is None


def test_bad_alpha_raises_naming_it():
    with pytest.raises(ValueError, match=r"^alpha: "):
        CupedConfig(alpha=1.0)
