"""The A/A lesson on the vectorised engine: p-values, false-positive rate, histogram, reproducibility, input checks."""

import threading

import numpy as np
import pytest

from swarm.lessons import AASettings, LessonCancelled, run_aa, wilson_interval
from swarm.lessons.aa import BINS


@pytest.fixture(scope="module")
def conversion():
    return run_aa(AASettings(experiments=1_000, users=1_000, metric="conversion", alpha=0.05, seed=3))


def test_conversion_false_positive_rate_is_near_alpha_and_inside_its_interval(conversion):
    assert conversion.tested == 1_000
    assert conversion.untested == 0
    assert abs(conversion.false_positive_rate - 0.05) < 0.02
    low, high = conversion.interval
    assert low < 0.05 < high
    assert low < conversion.false_positive_rate < high


def test_revenue_per_visitor_false_positive_rate_is_near_alpha_at_ten_percent():
    result = run_aa(AASettings(experiments=800, users=1_000, metric="revenue", alpha=0.10, seed=5))
    assert abs(result.false_positive_rate - 0.10) < 0.03
    assert result.false_positives == int(np.count_nonzero(result.p_values < 0.10))


def test_histogram_counts_sum_to_the_experiments_and_look_uniform(conversion):
    counts = conversion.histogram
    assert len(counts) == BINS
    assert sum(counts) == 1_000
    assert conversion.expected_per_bin == 50
    # uniform under the null: every bin within a generous band of its expected 50
    assert all(20 <= count <= 85 for count in counts), counts
    assert counts[0] == conversion.false_positives  # alpha 0.05 is exactly the first bin


def test_the_same_seed_gives_the_same_p_values_and_another_seed_does_not():
    settings = AASettings(experiments=100, users=300, seed=11)
    first, again = run_aa(settings), run_aa(settings)
    other = run_aa(AASettings(experiments=100, users=300, seed=12))
    np.testing.assert_array_equal(first.p_values, again.p_values)
    assert not np.array_equal(first.p_values, other.p_values)


def test_progress_is_reported_up_to_the_total_and_cancel_stops_the_run():
    seen: list[tuple[int, int]] = []
    run_aa(AASettings(experiments=100, users=100, seed=1), progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 100) and seen[-1] == (100, 100)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)

    cancel = threading.Event()

    def stop_at_ten(done: int, total: int) -> None:
        if done == 10:
            cancel.set()

    with pytest.raises(LessonCancelled, match="stopped after 11 of 100 experiments"):
        run_aa(AASettings(experiments=100, users=100, seed=1), progress=stop_at_ten, cancel=cancel)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"experiments": 99}, "experiments: must be a whole number from 100 to 5,000 (got 99)"),
        ({"experiments": 5_001}, "experiments: must be a whole number from 100 to 5,000"),
        ({"experiments": 200.5}, "experiments: must be a whole number"),
        ({"users": 50}, "users: must be a whole number from 100 to 20,000 (got 50)"),
        ({"users": True}, "users: must be a whole number"),
        ({"metric": "clicks"}, "metric: must be one of conversion, revenue (got 'clicks')"),
        ({"alpha": 0}, "alpha: must be a number strictly between 0 and 0.5"),
        ({"alpha": 0.5}, "alpha: must be a number strictly between 0 and 0.5"),
        ({"seed": -1}, "seed: must be a whole number from 0 to 2,147,483,647"),
        ({"experiments": 5_000, "users": 20_000}, "users: experiments x users must be at most 25,000,000"),
    ],
)
def test_a_bad_setting_names_the_field_and_the_rule(changes, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        AASettings(**changes)


def test_wilson_interval_matches_statsmodels():
    low, high = wilson_interval(50, 1_000)
    assert (round(low, 5), round(high, 5)) == (0.03813, 0.06531)  # proportion_confint(50, 1000, method="wilson")
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 100)[0] == pytest.approx(0.0, abs=1e-12)
