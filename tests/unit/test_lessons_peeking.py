"""The peeking lesson: naive stopping inflates false positives with every look; the always-valid p-value does not."""

import numpy as np
import pytest

from marts.peeking import peeking_alpha
from swarm.lessons import PeekingSettings, run_peeking

SLACK = 0.015
"""Monte Carlo slack on a rate from 1,000 experiments (the standard error of 0.05 is 0.007)."""


@pytest.fixture(scope="module")
def ten_looks():
    return run_peeking(PeekingSettings(experiments=1_000, users=2_000, looks=10, metric="revenue", seed=3))


def test_naive_false_positive_rate_rises_with_looks_towards_the_theory(ten_looks):
    naive = ten_looks.naive_by_look
    assert len(naive) == 10
    assert naive == sorted(naive)
    assert abs(naive[0] - 0.05) < 0.02  # one look is a fixed-horizon test
    assert naive[-1] > 2.5 * 0.05
    assert naive[4] < naive[-1]
    rate, (low, high) = ten_looks.naive
    assert rate == naive[-1]
    assert abs(rate - peeking_alpha(10)) < 0.04
    assert low < rate < high


def test_always_valid_stays_at_or_below_alpha_at_every_look(ten_looks):
    valid = ten_looks.valid_by_look
    assert valid == sorted(valid)
    assert valid[-1] <= 0.05 + SLACK
    assert ten_looks.always_valid[0] == valid[-1]


def test_looking_once_at_the_end_keeps_alpha(ten_looks):
    rate, _ = ten_looks.fixed_horizon
    assert abs(rate - 0.05) < 0.02


def test_more_looks_mean_more_false_positives_on_conversion():
    two = run_peeking(PeekingSettings(experiments=600, users=2_000, looks=2, seed=8))
    twenty = run_peeking(PeekingSettings(experiments=600, users=2_000, looks=20, seed=8))
    assert two.naive[0] + 0.05 < twenty.naive[0]
    assert twenty.always_valid[0] <= 0.05 + SLACK
    assert len(twenty.theory_by_look) == 20
    assert twenty.theory_by_look[0] == pytest.approx(0.05)
    assert twenty.theory_by_look[-1] == pytest.approx(0.248, abs=0.01)


def test_the_sample_trajectory_is_one_fooled_by_peeking(ten_looks):
    sample = ten_looks.sample
    index = sample.experiment - 1
    assert ten_looks.naive_first[index] > 0 and ten_looks.valid_first[index] == 0
    assert len(sample.naive) == len(sample.always_valid) == 10
    assert min(p for p in sample.naive if p is not None) < 0.05
    valid = [p for p in sample.always_valid if p is not None]
    assert valid == sorted(valid, reverse=True)  # the always-valid p-value never rises
    assert min(valid) >= 0.05


def test_the_same_seed_gives_the_same_stops():
    settings = PeekingSettings(experiments=100, users=500, looks=5, seed=21)
    first, again = run_peeking(settings), run_peeking(settings)
    np.testing.assert_array_equal(first.naive_first, again.naive_first)
    np.testing.assert_array_equal(first.valid_first, again.valid_first)
    assert first.sample == again.sample


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"looks": 1}, "looks: must be a whole number from 2 to 30 (got 1)"),
        ({"looks": 31}, "looks: must be a whole number from 2 to 30"),
        ({"experiments": 2_001}, "experiments: must be a whole number from 100 to 2,000"),
        ({"users": 499}, "users: must be a whole number from 500 to 20,000"),
        ({"metric": ""}, "metric: must be one of conversion, revenue"),
    ],
)
def test_a_bad_setting_names_the_field_and_the_rule(changes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        PeekingSettings(**changes)
