"""Bayesian models against closed forms, scipy integration, Evan Miller's exact sum and Monte Carlo."""

import math

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import betaln

from marts.stats.bayesian import (
    BayesianConfig,
    BetaPrior,
    NormalPrior,
    bayesian_beta_binomial,
    bayesian_normal,
)
from marts.stats.results import ErrorCode
from marts.stats.sufficient import SampleStats

# (control n, control conversions, treatment n, treatment conversions); some with the treatment's posterior
# wider than control's and some narrower, so both quadrature orders are exercised.
SMALL_COUNTS = [(20, 3, 20, 7), (100, 10, 100, 15), (50, 1, 500, 60), (1000, 100, 30, 5), (200, 199, 200, 200)]
SMALL_COUNTS += [(3, 1, 3, 2), (12, 0, 9, 0), (1000, 2, 1000, 9), (40, 30, 400, 250)]


def _evan_miller(a_c: float, b_c: float, a_t: float, b_t: float) -> float:
    """P(p_t > p_c) for p_c ~ Beta(a_c, b_c), p_t ~ Beta(a_t, b_t), integer a_t (Evan Miller's closed form)."""
    terms = (
        math.exp(betaln(a_c + i, b_c + b_t) - math.log(b_t + i) - betaln(1 + i, b_t) - betaln(a_c, b_c))
        for i in range(int(a_t))
    )
    return math.fsum(terms)


def _arms(n_c, s_c, n_t, s_t):
    return SampleStats.from_proportion(n_c, s_c), SampleStats.from_proportion(n_t, s_t)


@pytest.mark.parametrize("counts", SMALL_COUNTS)
def test_beta_chance_to_beat_matches_evan_millers_sum(counts):
    n_c, s_c, n_t, s_t = counts
    exact = _evan_miller(1 + s_c, 1 + n_c - s_c, 1 + s_t, 1 + n_t - s_t)
    result = bayesian_beta_binomial(*_arms(*counts), BayesianConfig(relative=False))
    assert result.chance_to_beat_control == pytest.approx(exact, abs=1e-9)
    assert "Beta(1, 1)" in result.prior


def test_beta_chance_to_beat_with_a_stated_prior_matches_the_exact_sum():
    config = BayesianConfig(beta_prior=BetaPrior(3.0, 20.0))
    result = bayesian_beta_binomial(*_arms(60, 5, 80, 12), config)
    assert result.chance_to_beat_control == pytest.approx(_evan_miller(8, 75, 15, 88), abs=1e-9)
    assert result.prior == "Beta(3, 20) prior on each variant's conversion rate"


def _expected_shortfall(a_outer, b_outer, a_inner, b_inner, relative):
    """E[max(0, (X - Y) / X or 1)] for X ~ Beta(outer), Y ~ Beta(inner) by nested adaptive quadrature."""
    inner = stats.beta(a_inner, b_inner)

    def given(x):
        value = integrate.quad(lambda y: (x - y) * inner.pdf(y), 0, x, limit=200)[0]
        return value / x if relative else value

    outer = stats.beta(a_outer, b_outer)
    low, high = outer.ppf(1e-13), outer.isf(1e-13)
    return integrate.quad(lambda x: given(x) * outer.pdf(x), low, high, limit=200, epsabs=1e-13)[0]


@pytest.mark.parametrize("counts", [(20, 3, 20, 7), (50, 2, 500, 60), (400, 40, 30, 5)])
def test_beta_expected_losses_match_scipy_integration(counts):
    n_c, s_c, n_t, s_t = counts
    control, treatment = (1 + s_c, 1 + n_c - s_c), (1 + s_t, 1 + n_t - s_t)
    absolute = bayesian_beta_binomial(*_arms(*counts), BayesianConfig(relative=False))
    assert absolute.expected_loss_treatment == pytest.approx(
        _expected_shortfall(*control, *treatment, relative=False), abs=1e-9
    )
    assert absolute.expected_loss_control == pytest.approx(
        _expected_shortfall(*treatment, *control, relative=False), abs=1e-9
    )
    relative = bayesian_beta_binomial(*_arms(*counts))
    # relative loss of shipping treatment: E[max(0, 1 - X_t / X_c)] = E[max(0, X_c - X_t) / X_c]
    assert relative.expected_loss_treatment == pytest.approx(
        _expected_shortfall(*control, *treatment, relative=True), abs=1e-9
    )
    # the losses differ by the posterior mean lift, E[X_t] E[1 / X_c] - 1 for the relative lift
    a_c, b_c = control
    mean_lift = (treatment[0] / sum(treatment)) * (a_c + b_c - 1) / (a_c - 1) - 1
    assert relative.lift_mean == pytest.approx(mean_lift, rel=1e-12)
    assert relative.expected_loss_control - relative.expected_loss_treatment == pytest.approx(mean_lift, abs=1e-10)


@pytest.mark.parametrize(
    ("counts", "relative"),
    [
        ((30, 4, 30, 9), True),
        ((30, 4, 30, 9), False),
        ((20_000, 1_000, 2_000, 130), True),
        ((800, 90, 8_000, 850), False),
    ],
)
def test_beta_model_matches_monte_carlo_within_its_error(counts, relative):
    n_c, s_c, n_t, s_t = counts
    rng = np.random.default_rng(20240611)
    draws = 400_000
    p_c = rng.beta(1 + s_c, 1 + n_c - s_c, draws)
    p_t = rng.beta(1 + s_t, 1 + n_t - s_t, draws)
    lift = p_t / p_c - 1 if relative else p_t - p_c
    result = bayesian_beta_binomial(*_arms(*counts), BayesianConfig(relative=relative, ci_level=0.9))

    def within_mc_error(estimate, samples):
        return abs(estimate - samples.mean()) <= 5 * samples.std() / math.sqrt(draws)

    assert within_mc_error(result.chance_to_beat_control, (p_t > p_c).astype(float))
    assert within_mc_error(result.expected_loss_treatment, np.maximum(0.0, -lift))
    assert within_mc_error(result.expected_loss_control, np.maximum(0.0, lift))
    assert within_mc_error(result.lift_mean, lift)
    # the interval's ends: the Monte Carlo share below each matches 5% and 95% within its binomial error
    assert within_mc_error(0.05, (lift <= result.ci_lower).astype(float))
    assert within_mc_error(0.95, (lift <= result.ci_upper).astype(float))


def test_beta_model_is_antisymmetric_in_the_arms():
    forward = bayesian_beta_binomial(*_arms(300, 30, 250, 35), BayesianConfig(relative=False))
    backward = bayesian_beta_binomial(*reversed(_arms(300, 30, 250, 35)), BayesianConfig(relative=False))
    assert forward.chance_to_beat_control + backward.chance_to_beat_control == pytest.approx(1.0, abs=1e-12)
    assert forward.expected_loss_treatment == pytest.approx(backward.expected_loss_control, abs=1e-12)
    assert forward.ci_lower == pytest.approx(-backward.ci_upper, abs=1e-9)


def _normal_likelihood(control, treatment, relative):
    """The lift's estimate and variance from raw arrays (the delta method for the relative lift)."""
    m_c, m_t = control.mean(), treatment.mean()
    v_c, v_t = control.var(ddof=1) / control.size, treatment.var(ddof=1) / treatment.size
    if not relative:
        return m_t - m_c, v_c + v_t
    return m_t / m_c - 1, v_t / m_c**2 + v_c * m_t**2 / m_c**4


@pytest.mark.parametrize("relative", [True, False])
@pytest.mark.parametrize("prior", [None, NormalPrior(0.0, 0.3**2), NormalPrior(0.05, 0.01**2)])
def test_normal_model_matches_the_conjugate_closed_form(relative, prior):
    rng = np.random.default_rng(11)
    control, treatment = rng.gamma(2.0, 10.0, 3000), rng.gamma(2.0, 10.4, 3000)
    config = BayesianConfig(relative=relative, normal_prior=prior, ci_level=0.9)
    result = bayesian_normal(SampleStats.from_values(control), SampleStats.from_values(treatment), config)

    mean, variance = _normal_likelihood(control, treatment, relative)
    if prior is not None:
        # posterior of a normal mean with known variance: precision-weighted average
        weight = prior.variance / (prior.variance + variance)
        mean, variance = (
            weight * mean + (1 - weight) * prior.mean,
            variance * prior.variance / (variance + prior.variance),
        )
    sd = math.sqrt(variance)
    assert result.lift_mean == pytest.approx(mean, rel=1e-9)
    assert result.lift_std == pytest.approx(sd, rel=1e-9)
    assert result.chance_to_beat_control == pytest.approx(stats.norm.sf(0, mean, sd), rel=1e-9)
    assert result.ci_lower == pytest.approx(stats.norm.ppf(0.05, mean, sd), rel=1e-9)
    assert result.ci_upper == pytest.approx(stats.norm.ppf(0.95, mean, sd), rel=1e-9)
    density = stats.norm(mean, sd).pdf
    span = (mean - 40 * sd, mean + 40 * sd)
    loss_treatment = integrate.quad(lambda x: -x * density(x), span[0], 0, epsabs=1e-14)[0] if span[0] < 0 else 0.0
    loss_control = integrate.quad(lambda x: x * density(x), 0, max(span[1], 0), epsabs=1e-14)[0]
    assert result.expected_loss_treatment == pytest.approx(loss_treatment, abs=1e-11)
    assert result.expected_loss_control == pytest.approx(loss_control, abs=1e-11)
    assert result.scale == ("relative" if relative else "absolute")
    if prior is None:
        assert result.prior.startswith("flat")
    else:
        assert f"mean {prior.mean:g}" in result.prior and f"variance {prior.variance:g}" in result.prior


def test_a_tight_prior_pulls_the_lift_toward_its_mean():
    control, treatment = SampleStats.from_proportion(2000, 200), SampleStats.from_proportion(2000, 260)
    flat = bayesian_normal(control, treatment)
    tight = bayesian_normal(control, treatment, BayesianConfig(normal_prior=NormalPrior(0.0, 0.02**2)))
    assert 0 < tight.lift_mean < flat.lift_mean
    assert tight.lift_std < flat.lift_std
    assert tight.chance_to_beat_control < flat.chance_to_beat_control


def test_normal_and_beta_models_agree_on_large_samples():
    control, treatment = SampleStats.from_proportion(200_000, 20_000), SampleStats.from_proportion(200_000, 20_400)
    normal, beta = bayesian_normal(control, treatment), bayesian_beta_binomial(control, treatment)
    assert normal.chance_to_beat_control == pytest.approx(beta.chance_to_beat_control, abs=2e-3)
    assert normal.ci_lower == pytest.approx(beta.ci_lower, abs=1e-3)
    assert normal.ci_upper == pytest.approx(beta.ci_upper, abs=1e-3)


@pytest.mark.parametrize(
    ("control", "treatment", "relative", "code"),
    [
        (SampleStats(0, 0.0, 0.0), SampleStats.from_proportion(10, 2), True, ErrorCode.NO_DATA),
        (SampleStats(1, 1.0, 1.0), SampleStats.from_proportion(10, 2), True, ErrorCode.TOO_FEW_UNITS),
        (SampleStats.from_proportion(10, 0), SampleStats.from_proportion(10, 0), False, ErrorCode.ZERO_VARIANCE),
        (SampleStats.from_proportion(10, 0), SampleStats.from_proportion(10, 3), True, ErrorCode.ZERO_BASELINE),
    ],
)
def test_normal_model_degenerate_data_is_a_typed_result(control, treatment, relative, code):
    result = bayesian_normal(control, treatment, BayesianConfig(relative=relative))
    assert result.error == code and result.message
    assert result.chance_to_beat_control is None and result.ci_lower is None


@pytest.mark.parametrize(
    ("control", "treatment", "relative", "code"),
    [
        (SampleStats(0, 0.0, 0.0), SampleStats.from_proportion(10, 2), False, ErrorCode.NO_DATA),
        (SampleStats.from_proportion(10, 0), SampleStats.from_proportion(10, 3), True, ErrorCode.ZERO_BASELINE),
        (SampleStats(10, 12.0, 12.0), SampleStats.from_proportion(10, 3), False, ErrorCode.INVALID_INPUT),
        (SampleStats(10, 2.5, 2.5), SampleStats.from_proportion(10, 3), False, ErrorCode.INVALID_INPUT),
    ],
)
def test_beta_model_degenerate_data_is_a_typed_result(control, treatment, relative, code):
    result = bayesian_beta_binomial(control, treatment, BayesianConfig(relative=relative))
    assert result.error == code and result.message
    assert result.expected_loss_control is None


def test_beta_model_with_no_conversions_anywhere_is_a_coin_flip():
    result = bayesian_beta_binomial(*_arms(50, 0, 50, 0), BayesianConfig(relative=False))
    assert result.chance_to_beat_control == pytest.approx(0.5, abs=1e-12)
    assert result.expected_loss_treatment == pytest.approx(result.expected_loss_control, abs=1e-12)
    assert all(math.isfinite(v) for v in (result.ci_lower, result.ci_upper, result.lift_std))


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda: BayesianConfig(ci_level=1.0), "ci_level"),
        (lambda: BayesianConfig(ci_level=0), "ci_level"),
        (lambda: NormalPrior(0.0, 0.0), "variance"),
        (lambda: NormalPrior(float("nan"), 1.0), "mean"),
        (lambda: BetaPrior(0.0, 1.0), "alpha"),
        (lambda: BetaPrior(1.0, -2.0), "beta"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(build, name):
    with pytest.raises(ValueError, match=rf"^{name}: "):
        build()
