"""Multiple-testing corrections against statsmodels ``multipletests``, and the goal family."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from marts.stats.frequentist import compare
from marts.stats.multiple import GoalComparison, adjust_goals, adjust_p_values
from marts.stats.results import ErrorCode
from marts.stats.sufficient import SampleStats

P_VALUE_SETS = [
    [0.01, 0.04, 0.03, 0.2],
    [0.001, 0.001, 0.02, 0.02, 0.5, 1.0, 0.0],
    [0.049],
    [0.3, 0.2, 0.1, 0.05, 0.04, 0.03, 0.02, 0.01],
    np.random.default_rng(1).uniform(0, 0.1, 25).tolist(),
    np.random.default_rng(2).uniform(0, 1, 60).tolist(),
]


@pytest.mark.parametrize("correction", ["holm", "fdr_bh", "bonferroni"])
@pytest.mark.parametrize("p_values", P_VALUE_SETS)
def test_adjusted_p_values_match_statsmodels_multipletests(p_values, correction):
    expected = multipletests(p_values, alpha=0.05, method=correction)[1]
    assert adjust_p_values(p_values, correction) == pytest.approx(expected.tolist(), rel=1e-12, abs=1e-15)


def test_holm_is_the_default_and_none_keeps_the_raw_values():
    p_values = [0.01, 0.04, 0.03]
    assert adjust_p_values(p_values) == adjust_p_values(p_values, "holm")
    assert adjust_p_values(p_values, "none") == p_values
    assert adjust_p_values([]) == []


def test_corrections_reject_bad_input():
    with pytest.raises(ValueError, match="correction"):
        adjust_p_values([0.1], "sidak")
    with pytest.raises(ValueError, match="p_values"):
        adjust_p_values([0.1, 1.5])
    with pytest.raises(ValueError, match="p_values"):
        adjust_p_values([float("nan")])


def goal(metric: str, variant: str, successes_t: int, higher_is_better: bool = True, n: int = 2000) -> GoalComparison:
    """A binary goal with a 20% control rate."""
    control = SampleStats.from_proportion(n, n // 5)
    treatment = SampleStats.from_proportion(n, successes_t) if n else SampleStats(0, 0.0, 0.0)
    return GoalComparison(metric, variant, compare("binary", control, treatment), higher_is_better)


def test_goals_are_adjusted_as_one_family_across_metrics_and_variants():
    goals = [goal("conversion", "B", 470), goal("ctr", "B", 410), goal("conversion", "C", 440), goal("ctr", "C", 400)]
    for correction in ("holm", "fdr_bh"):
        adjusted = adjust_goals(goals, correction)
        raw = [g.comparison.p_value for g in goals]
        expected = multipletests(raw, method=correction)[1]
        assert [a.p_value for a in adjusted] == raw
        assert [a.adjusted_p_value for a in adjusted] == pytest.approx(expected.tolist(), rel=1e-12)
        assert [(a.metric, a.variant) for a in adjusted] == [(g.metric, g.variant) for g in goals]
        assert all(a.family_size == 4 and a.correction == correction for a in adjusted)


def test_a_win_can_vanish_after_adjustment():
    goals = [goal("conversion", "B", 460)] + [goal(f"other_{i}", "B", 400) for i in range(4)]
    first = adjust_goals(goals)[0]
    assert first.p_value < 0.05 <= first.adjusted_p_value
    assert not first.significant and not first.improved
    assert adjust_goals(goals, "none")[0].improved


def test_comparisons_without_a_p_value_stay_out_of_the_family():
    goals = [goal("conversion", "B", 470), goal("ctr", "B", 0, n=0), goal("aov", "B", 430)]
    adjusted = adjust_goals(goals)
    assert goals[1].comparison.error == ErrorCode.NO_DATA
    assert adjusted[1].p_value is None and adjusted[1].adjusted_p_value is None
    assert not adjusted[1].significant
    expected = multipletests([goals[0].comparison.p_value, goals[2].comparison.p_value], method="holm")[1]
    assert [adjusted[0].adjusted_p_value, adjusted[2].adjusted_p_value] == pytest.approx(expected.tolist())
    assert adjusted[0].family_size == 2


@pytest.mark.parametrize(
    ("successes_t", "higher_is_better", "improved", "worsened"),
    [(500, True, True, False), (300, True, False, True), (500, False, False, True), (300, False, True, False)],
)
def test_improvement_follows_the_metric_direction(successes_t, higher_is_better, improved, worsened):
    adjusted = adjust_goals([goal("m", "B", successes_t, higher_is_better)])[0]
    assert adjusted.significant
    assert (adjusted.improved, adjusted.worsened) == (improved, worsened)
