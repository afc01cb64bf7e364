"""Calibration by simulation: false-positive rate, interval coverage, planned power and peeking.

Experiments are drawn with a seeded numpy generator (until the swarm's vectorised engine is wired in) and analysed
with the real engine: ``marts.stats.frequentist`` for fixed-horizon tests, ``marts.stats.power`` for the plans and
``marts.stats.sequential`` for peeking. Each test runs in a few seconds on one core.
"""

import numpy as np
import pytest

from marts.stats.frequentist import FrequentistConfig, compare
from marts.stats.power import MeanMetric, PowerConfig, ProportionMethod, ProportionMetric, sample_size
from marts.stats.sequential import SequentialConfig, trajectory
from marts.stats.sufficient import SampleStats

ALPHA = 0.05
EXPERIMENTS = 10_000  # the rate's standard error is 0.22 points at 5%, so [4%, 6%] is +-4.5 of them


def _binary_experiments(rng, experiments, n_control, p_control, n_treatment, p_treatment):
    """Per experiment: (control, treatment) statistics of a conversion metric."""
    successes_c = rng.binomial(n_control, p_control, experiments)
    successes_t = rng.binomial(n_treatment, p_treatment, experiments)
    return [
        (SampleStats.from_proportion(n_control, int(s_c)), SampleStats.from_proportion(n_treatment, int(s_t)))
        for s_c, s_t in zip(successes_c, successes_t, strict=True)
    ]


def _revenue_experiments(rng, experiments, n, scale_control, scale_treatment, chunk=1000):
    """Per experiment: (control, treatment) statistics of a skewed revenue-like metric (gamma, shape 0.8)."""
    out = []
    for start in range(0, experiments, chunk):
        size = min(chunk, experiments - start)
        control = rng.gamma(0.8, scale_control, (size, n))
        treatment = rng.gamma(0.8, scale_treatment, (size, n))
        out += [
            (SampleStats(n, float(c.sum()), float(c @ c)), SampleStats(n, float(t.sum()), float(t @ t)))
            for c, t in zip(control, treatment, strict=True)
        ]
    return out


def _rates(kind, experiments, true_lift):
    """(rejection rate at ALPHA, share of intervals covering ``true_lift``)."""
    config = FrequentistConfig(alpha=ALPHA)
    results = [compare(kind, control, treatment, config) for control, treatment in experiments]
    assert all(r.error is None for r in results)
    rejected = np.mean([r.p_value < ALPHA for r in results])
    covered = np.mean([r.abs_ci[0] <= true_lift <= r.abs_ci[1] for r in results])
    return rejected, covered


def test_aa_false_positive_rate_and_coverage_for_conversions():
    experiments = _binary_experiments(np.random.default_rng(101), EXPERIMENTS, 3000, 0.08, 3000, 0.08)
    false_positives, coverage = _rates("binary", experiments, 0.0)
    assert 0.04 <= false_positives <= 0.06
    assert 0.94 <= coverage <= 0.96


def test_aa_false_positive_rate_and_coverage_for_revenue():
    experiments = _revenue_experiments(np.random.default_rng(102), EXPERIMENTS, 1000, 25.0, 25.0)
    false_positives, coverage = _rates("continuous", experiments, 0.0)
    assert 0.04 <= false_positives <= 0.06
    assert 0.94 <= coverage <= 0.96


def test_ab_interval_coverage_with_a_real_effect():
    experiments = _binary_experiments(np.random.default_rng(103), EXPERIMENTS, 2500, 0.10, 3500, 0.12)
    _, coverage = _rates("binary", experiments, 0.02)
    assert 0.94 <= coverage <= 0.96


@pytest.mark.parametrize("method", list(ProportionMethod))
def test_observed_power_at_the_planned_n_matches_the_plan_for_conversions(method):
    plan = sample_size(ProportionMetric(0.10, method), 0.10, relative=True, config=PowerConfig(power=0.8))
    n = plan.n_per_variant
    experiments = _binary_experiments(np.random.default_rng(104), 3000, n, 0.10, n, 0.11)
    power, _ = _rates("binary", experiments, 0.01)
    assert abs(power - 0.8) <= 0.04


def test_observed_power_at_the_planned_n_matches_the_plan_for_revenue():
    # gamma(0.8, 25): mean 20, standard deviation 25 / sqrt(0.8) * 0.8 = sqrt(0.8) * 25
    metric = MeanMetric(baseline=20.0, std=float(np.sqrt(0.8) * 25.0))
    plan = sample_size(metric, 0.08, relative=True, config=PowerConfig(power=0.7, test="t"))
    experiments = _revenue_experiments(np.random.default_rng(105), 2000, plan.n_per_variant, 25.0, 25.0 * 1.08)
    power, _ = _rates("continuous", experiments, 20.0 * 0.08)
    assert abs(power - 0.7) <= 0.04


def _normal_looks(rng, experiments, looks, batch, sigma=1.0):
    """Cumulative per-look statistics of A/A normal data, drawn exactly from the sufficient statistics'
    distribution: the batch mean is Normal(0, sigma^2 / batch), the centred sum of squares sigma^2 chi2(batch - 1)."""
    shape = (experiments, looks, 2)
    means = rng.normal(0.0, sigma / np.sqrt(batch), shape)
    centred = sigma**2 * rng.chisquare(batch - 1, shape)
    sums = np.cumsum(batch * means, axis=1)
    sums_sq = np.cumsum(centred + batch * means**2, axis=1)
    counts = batch * np.arange(1, looks + 1)
    return [
        [
            (
                SampleStats(int(counts[k]), sums[e, k, 0], sums_sq[e, k, 0]),
                SampleStats(int(counts[k]), sums[e, k, 1], sums_sq[e, k, 1]),
            )
            for k in range(looks)
        ]
        for e in range(experiments)
    ]


def test_continuous_peeking_keeps_always_valid_at_alpha_while_naive_inflates():
    experiments = _normal_looks(np.random.default_rng(106), 2000, 25, 400)
    config = SequentialConfig(alpha=ALPHA)
    always_valid, naive = [], []
    for looks in experiments:
        results = trajectory(looks, config)
        always_valid.append(results[-1].p_value <= ALPHA)  # the running minimum: rejected at some look
        naive.append(any(r.naive_p_value <= ALPHA for r in results))
    always_valid_rate, naive_rate = np.mean(always_valid), np.mean(naive)
    assert always_valid_rate <= ALPHA
    assert naive_rate > 2 * ALPHA
