"""Guardrails: non-inferiority against statsmodels' shifted-null tests, verdicts, direction and degenerate data."""

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats import proportion as sm_proportion  # its test_* names would be collected by pytest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from marts.stats.frequentist import FrequentistConfig, compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.results import ErrorCode
from marts.stats.sufficient import SampleStats

REL = 1e-6


def proportion(n: int, successes: int) -> SampleStats:
    return SampleStats.from_proportion(n, successes)


@pytest.mark.parametrize(
    ("x_c", "x_t", "margin"), [(300, 330, 0.02), (300, 290, 0.02), (300, 250, 0.01), (300, 300, 0.0), (60, 55, 0.05)]
)
def test_absolute_binary_margin_matches_statsmodels_wald_test_with_a_shifted_null(x_c, x_t, margin):
    comparison = compare("binary", proportion(1000, x_c), proportion(1000, x_t))
    result = check_guardrail(comparison, GuardrailConfig(margin, relative=False))
    reference = sm_proportion.test_proportions_2indep(
        x_t, 1000, x_c, 1000, value=-margin, method="wald", compare="diff", alternative="larger"
    )
    assert result.p_value == pytest.approx(reference.pvalue, rel=REL)
    assert result.non_inferior == (reference.pvalue < 0.05)


@pytest.mark.parametrize("higher_is_better", [True, False])
@pytest.mark.parametrize("shift", [-0.6, -0.2, 0.0, 0.3])
def test_absolute_continuous_margin_matches_statsmodels_welch_test_with_a_shifted_null(higher_is_better, shift):
    rng = np.random.default_rng(21)
    control = rng.gamma(2.0, 5.0, 900)
    treatment = rng.gamma(2.0, 5.0, 800) + shift
    margin = 0.5
    comparison = compare("continuous", SampleStats.from_values(control), SampleStats.from_values(treatment))
    result = check_guardrail(comparison, GuardrailConfig(margin, relative=False, higher_is_better=higher_is_better))
    means = CompareMeans(DescrStatsW(treatment), DescrStatsW(control))
    if higher_is_better:
        _, p, _ = means.ttest_ind(alternative="larger", usevar="unequal", value=-margin)
        low, _ = means.tconfint_diff(alpha=0.05, alternative="larger", usevar="unequal")
        assert result.bound == pytest.approx(low, rel=REL)
    else:
        _, p, _ = means.ttest_ind(alternative="smaller", usevar="unequal", value=margin)
        _, high = means.tconfint_diff(alpha=0.05, alternative="smaller", usevar="unequal")
        assert result.bound == pytest.approx(high, rel=REL)
    assert result.p_value == pytest.approx(p, rel=REL)


def test_relative_margin_uses_the_delta_method_relative_interval():
    comparison = compare("binary", proportion(4000, 800), proportion(4000, 790))
    result = check_guardrail(comparison, GuardrailConfig(0.10, relative=True))
    p_c, p_t = 0.2, 790 / 4000
    rel = p_t / p_c - 1
    se = math.sqrt(p_t * (1 - p_t) / 4000 / p_c**2 + p_t**2 * p_c * (1 - p_c) / 4000 / p_c**4)
    assert result.estimate == pytest.approx(rel, rel=REL)
    assert result.bound == pytest.approx(rel - stats.norm.ppf(0.95) * se, rel=REL)
    assert result.p_value == pytest.approx(stats.norm.sf((rel + 0.10) / se), rel=REL)
    assert result.verdict == "non_inferior"
    assert "non-inferior" in result.reasons[0]


def test_a_significant_drop_past_the_margin_is_harmed():
    comparison = compare("binary", proportion(5000, 1000), proportion(5000, 850))
    result = check_guardrail(comparison, GuardrailConfig(0.05), metric="checkout_rate", variant="B")
    assert result.verdict == "harmed"
    assert result.harm_p_value < 0.05 and result.p_value > 0.05
    assert result.reasons[0].startswith("checkout_rate in B:")
    assert "harmed" in result.reasons[0]


def test_a_small_sample_is_inconclusive():
    comparison = compare("binary", proportion(100, 20), proportion(100, 19))
    result = check_guardrail(comparison, GuardrailConfig(0.05))
    assert result.verdict == "inconclusive"
    assert result.p_value > 0.05 and result.harm_p_value > 0.05
    assert "not shown" in result.reasons[0]


def test_the_bad_direction_follows_higher_is_better():
    # Latency-like metric: treatment is clearly higher, which is bad when lower is better.
    rng = np.random.default_rng(4)
    control = SampleStats.from_values(rng.normal(100, 10, 2000))
    treatment = SampleStats.from_values(rng.normal(106, 10, 2000))
    comparison = compare("continuous", control, treatment)
    lower_is_better = check_guardrail(comparison, GuardrailConfig(0.02, higher_is_better=False))
    higher_is_better = check_guardrail(comparison, GuardrailConfig(0.02, higher_is_better=True))
    assert lower_is_better.verdict == "harmed"
    assert higher_is_better.verdict == "non_inferior"
    assert lower_is_better.bound > lower_is_better.estimate > higher_is_better.bound


def test_a_non_inferiority_verdict_does_not_depend_on_the_comparisons_alternative():
    c, t = proportion(3000, 600), proportion(3000, 610)
    verdicts = {
        alt: check_guardrail(compare("binary", c, t, FrequentistConfig(alternative=alt)), GuardrailConfig(0.1))
        for alt in ("two-sided", "greater", "less")
    }
    assert len({(v.verdict, v.p_value, v.bound) for v in verdicts.values()}) == 1


def test_a_degenerate_comparison_is_inconclusive_with_its_error():
    comparison = compare("binary", proportion(0, 0), proportion(100, 10))
    result = check_guardrail(comparison, GuardrailConfig(0.05))
    assert result.verdict == "inconclusive"
    assert result.error == ErrorCode.NO_DATA
    assert result.p_value is None and result.bound is None
    assert "cannot test" in result.reasons[0]


def test_a_zero_baseline_blocks_a_relative_margin_but_not_an_absolute_one():
    comparison = compare("binary", proportion(2000, 0), proportion(2000, 1))
    relative = check_guardrail(comparison, GuardrailConfig(0.05, relative=True, higher_is_better=False))
    absolute = check_guardrail(comparison, GuardrailConfig(0.01, relative=False, higher_is_better=False))
    assert relative.error == ErrorCode.ZERO_BASELINE and relative.verdict == "inconclusive"
    assert absolute.error is None and absolute.verdict == "non_inferior"


BAD_CONFIGS = [(-0.1, 0.05, "margin"), (math.inf, 0.05, "margin"), (math.nan, 0.05, "margin")]
BAD_CONFIGS += [(0.1, 1.5, "alpha"), (0.1, 0.0, "alpha")]


@pytest.mark.parametrize(("margin", "alpha", "field"), BAD_CONFIGS)
def test_config_rejects_bad_margins_and_alphas(margin, alpha, field):
    with pytest.raises(ValueError, match=field):
        GuardrailConfig(margin, alpha=alpha)
