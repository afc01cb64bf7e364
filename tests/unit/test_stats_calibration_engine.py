"""Calibration on the swarm's vectorised engine: thousands of simulated experiments with a known truth.

The engine (``swarm.simulation.iter_experiments``) simulates whole experiments of persona users; the ground truth
(``swarm.truth``) says what the true effect is. The statistics engine must then be calibrated on this traffic, not
only on textbook draws: false positives at alpha in A/A tests, interval coverage of the true effect, and the planned
power when the plan uses the true baseline and effect.
"""

import numpy as np
import pytest

from marts.stats.frequentist import FrequentistConfig, compare
from marts.stats.power import ProportionMetric, sample_size
from marts.stats.sufficient import SampleStats
from swarm.plan import Plan
from swarm.simulation import iter_experiments
from swarm.truth import ground_truth
from swarm.world import World

ALPHA = 0.05
EXPERIMENTS = 2_000


def _stats(outcomes, values) -> tuple[SampleStats, SampleStats]:
    """Control and treatment statistics of per-user ``values``."""
    arm = outcomes.arm
    return SampleStats.from_values(values[arm == 0]), SampleStats.from_values(values[arm == 1])


def _comparisons(plan: Plan, users: int, seed: int, metric: str):
    config = FrequentistConfig(alpha=ALPHA)
    for outcomes in iter_experiments(plan, EXPERIMENTS, users, seed):
        if metric == "conversion":
            yield compare("binary", *_stats(outcomes, (outcomes.purchases > 0).astype(float)), config)
        else:
            yield compare("continuous", *_stats(outcomes, outcomes.revenue.astype(float)), config)


@pytest.mark.parametrize("metric", ["conversion", "revenue_per_visitor"])
def test_aa_false_positive_rate_and_coverage_on_engine_traffic(metric):
    plan = Plan.build([("a", {}), ("b", {})])
    results = list(_comparisons(plan, 4_000, seed=21, metric=metric))
    false_positive_rate = np.mean([r.p_value < ALPHA for r in results])
    coverage = np.mean([r.abs_ci[0] <= 0.0 <= r.abs_ci[1] for r in results])
    assert 0.04 <= false_positive_rate <= 0.06, false_positive_rate
    assert 0.94 <= coverage <= 0.96, coverage


def test_intervals_cover_the_true_effect_the_simulator_built_in():
    plan = Plan.build([("control", {}), ("treatment", {"discount_pct": 10})])
    true_effect = ground_truth(plan).effect("conversion", "treatment").absolute
    results = list(_comparisons(plan, 6_000, seed=22, metric="conversion"))
    coverage = np.mean([r.abs_ci[0] <= true_effect <= r.abs_ci[1] for r in results])
    assert true_effect > 0.01
    assert 0.94 <= coverage <= 0.96, coverage


def test_observed_power_at_the_planned_n_is_within_4_points_of_the_plan():
    plan = Plan.build([("control", {}), ("treatment", {"discount_pct": 20})])
    truth = ground_truth(plan)
    baseline = truth.value("conversion", "control")
    effect = truth.effect("conversion", "treatment").absolute
    planned = sample_size(ProportionMetric(baseline), effect)
    results = list(_comparisons(plan, 2 * planned.n_per_variant, seed=23, metric="conversion"))
    observed = np.mean([r.p_value < ALPHA and r.abs_lift > 0 for r in results])
    assert abs(observed - 0.80) <= 0.04, (observed, planned.n_per_variant)


def test_intervals_cover_the_true_effect_in_a_secret_world():
    """The engine samples the world the truth is computed in: coverage holds far from the nominal effect."""
    arms = [("control", {}), ("treatment", {"discount_pct": 10})]
    plan = Plan.build(arms, world=World.from_secret(bytes(32)))
    true_effect = ground_truth(plan).effect("conversion", "treatment").absolute
    nominal_effect = ground_truth(Plan.build(arms)).effect("conversion", "treatment").absolute
    # about 1.4 standard errors apart at these sizes: an engine sampling the nominal world would miss the truth often
    assert true_effect > 1.5 * nominal_effect
    results = list(_comparisons(plan, 6_000, seed=24, metric="conversion"))
    coverage = np.mean([r.abs_ci[0] <= true_effect <= r.abs_ci[1] for r in results])
    assert 0.94 <= coverage <= 0.96, coverage
