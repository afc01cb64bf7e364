"""``peeking_alpha`` against Armitage, McPherson and Rowe's published rates, and its looks arithmetic."""

import itertools
from datetime import datetime, timedelta

import numpy as np
import pytest
from scipy import special

from marts import peeking
from marts.peeking import count_looks, peeking_alpha


@pytest.mark.parametrize(
    ("looks", "published"), [(1, 0.05), (2, 0.083), (3, 0.107), (5, 0.142), (10, 0.193), (20, 0.248), (50, 0.320)]
)
def test_matches_the_published_rates_at_five_percent(looks, published):
    assert peeking_alpha(looks, 0.05) == pytest.approx(published, abs=0.01)


def test_agrees_with_a_monte_carlo_of_brownian_looks_at_one_percent():
    rng = np.random.default_rng(4)
    looks, paths = 8, 200_000
    z = np.cumsum(rng.standard_normal((paths, looks)), axis=1) / np.sqrt(np.arange(1, looks + 1))
    simulated = float(np.mean((np.abs(z) > special.ndtri(1 - 0.01 / 2)).any(axis=1)))
    assert peeking_alpha(looks, 0.01) == pytest.approx(simulated, abs=0.003)


def test_rises_with_every_look_and_is_deterministic():
    rates = [peeking_alpha(k) for k in range(1, 31)]
    assert all(later > earlier for earlier, later in itertools.pairwise(rates))
    peeking._peeking_alpha.cache_clear()
    assert peeking_alpha(30) == rates[-1]


@pytest.mark.parametrize(
    ("looks", "alpha", "message"),
    [
        (0, 0.05, "looks: must be a whole number from 1 to 1,000"),
        (1_001, 0.05, "looks: must be a whole number from 1 to 1,000"),
        (2.0, 0.05, "looks: must be a whole number"),
        (2, 0.0, "alpha: must be a number strictly between 0 and 1"),
        (2, 1.5, "alpha: must be a number strictly between 0 and 1"),
    ],
)
def test_bad_input_names_the_field(looks, alpha, message):
    with pytest.raises(ValueError, match=message):
        peeking_alpha(looks, alpha)


def test_views_less_than_a_minute_apart_are_one_look():
    start = datetime(2026, 5, 1, 12, 0)
    views = [start, start + timedelta(seconds=20), start + timedelta(seconds=50), start + timedelta(minutes=5)]
    assert count_looks(views) == 2
    assert count_looks(reversed(views)) == 2
    assert count_looks([]) == 0
