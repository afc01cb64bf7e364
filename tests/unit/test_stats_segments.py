"""Segment breakdowns: per-segment comparisons, the multiple-comparison warning, and grouped statistics."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from marts.stats.frequentist import FrequentistConfig, compare
from marts.stats.results import ErrorCode
from marts.stats.segments import compare_segments, ratio_stats_by_segment, sample_stats_by_segment
from marts.stats.sufficient import RatioStats, SampleStats

PERSONAS = ["bargain_hunter", "busy_parent", "foodie", "night_owl", "student"]


def persona_data(seed: int = 0, n: int = 20_000):
    """Per-user persona, variant and a 0/1 conversion with a small lift for one persona only."""
    rng = np.random.default_rng(seed)
    persona = rng.choice(PERSONAS, n)
    treated = rng.random(n) < 0.5
    rate = 0.2 + 0.04 * (treated & (persona == "foodie"))
    converted = (rng.random(n) < rate).astype(float)
    return persona, treated, converted


def test_each_segment_gets_the_same_comparison_as_running_it_alone():
    persona, treated, converted = persona_data()
    control = sample_stats_by_segment(converted[~treated], persona[~treated])
    treatment = sample_stats_by_segment(converted[treated], persona[treated])
    breakdown = compare_segments("binary", control, treatment, dimension="persona")
    assert [s.value for s in breakdown.segments] == PERSONAS
    for segment in breakdown.segments:
        assert segment.comparison == compare("binary", control[segment.value], treatment[segment.value])


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_the_warning_gives_the_number_of_segments_and_the_false_positive_chance(alpha):
    persona, treated, converted = persona_data(1)
    control = sample_stats_by_segment(converted[~treated], persona[~treated])
    treatment = sample_stats_by_segment(converted[treated], persona[treated])
    breakdown = compare_segments("binary", control, treatment, FrequentistConfig(alpha), dimension="persona")
    chance = 1 - (1 - alpha) ** 5
    assert breakdown.n_tested == 5
    assert breakdown.false_positive_chance == pytest.approx(chance, rel=1e-12)
    assert breakdown.alpha == alpha
    assert "5 persona segments" in breakdown.warning
    assert f"{chance:.0%}" in breakdown.warning


def test_segment_p_values_are_holm_adjusted_across_the_segments():
    persona, treated, converted = persona_data(2)
    control = sample_stats_by_segment(converted[~treated], persona[~treated])
    treatment = sample_stats_by_segment(converted[treated], persona[treated])
    breakdown = compare_segments("binary", control, treatment)
    raw = [s.comparison.p_value for s in breakdown.segments]
    expected = multipletests(raw, method="holm")[1]
    assert [s.adjusted_p_value for s in breakdown.segments] == pytest.approx(expected.tolist(), rel=1e-12)
    assert breakdown.correction == "holm"


def test_a_single_segment_needs_no_warning():
    stats_ = {"all": SampleStats.from_proportion(1000, 200)}
    breakdown = compare_segments("binary", stats_, {"all": SampleStats.from_proportion(1000, 230)})
    assert breakdown.n_tested == 1
    assert breakdown.false_positive_chance == pytest.approx(0.05)
    assert breakdown.warning == ""


def test_a_segment_seen_in_one_variant_only_is_reported_but_not_counted():
    control = {"a": SampleStats.from_proportion(500, 100), "b": SampleStats.from_proportion(500, 90)}
    treatment = {"a": SampleStats.from_proportion(500, 120), "c": SampleStats.from_proportion(500, 90)}
    breakdown = compare_segments("binary", control, treatment)
    by_value = {s.value: s for s in breakdown.segments}
    assert by_value["b"].comparison.error == ErrorCode.SINGLE_VARIANT
    assert by_value["c"].comparison.error == ErrorCode.SINGLE_VARIANT
    assert by_value["b"].adjusted_p_value is None
    assert breakdown.n_tested == 1


def test_segments_work_for_ratio_metrics():
    rng = np.random.default_rng(3)
    labels = rng.choice(["ios", "web"], 4000)
    orders = rng.poisson(1.0, 4000).astype(float)
    revenue = orders * rng.gamma(3.0, 8.0, 4000)
    grouped = ratio_stats_by_segment(revenue, orders, labels)
    for value in ("ios", "web"):
        mask = labels == value
        expected = RatioStats.from_values(revenue[mask], orders[mask])
        for field in ("sum_x", "sum_y", "sum_x2", "sum_y2", "sum_xy"):
            assert getattr(grouped[value], field) == pytest.approx(getattr(expected, field), rel=1e-12)
        assert grouped[value].n == expected.n
    breakdown = compare_segments("ratio", grouped, grouped, dimension="device")
    assert all(s.comparison.p_value == pytest.approx(1.0) for s in breakdown.segments)


def test_grouped_statistics_match_per_group_statistics():
    persona, _, converted = persona_data(4, n=3000)
    grouped = sample_stats_by_segment(converted, persona)
    for value in PERSONAS:
        expected = SampleStats.from_values(converted[persona == value])
        assert grouped[value].n == expected.n
        assert grouped[value].sum == pytest.approx(expected.sum, rel=1e-12)
        assert grouped[value].sum_sq == pytest.approx(expected.sum_sq, rel=1e-12)


def test_grouped_statistics_reject_mismatched_or_non_finite_input():
    with pytest.raises(ValueError, match="labels"):
        sample_stats_by_segment([1.0, 2.0], ["a"])
    with pytest.raises(ValueError, match="values"):
        sample_stats_by_segment([1.0, np.nan], ["a", "b"])
    with pytest.raises(ValueError, match="denominators"):
        ratio_stats_by_segment([1.0, 2.0], [1.0], ["a", "b"])
