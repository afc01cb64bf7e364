"""The rubric coach's power, duration, peeking and multiple-testing checks.

Sample sizes and days are computed here with statsmodels (Cohen's h, ``zt_ind_solve_power``), independently of
``marts.stats.power``, and the days are then placed in or out of each rule's range.
"""

import math

import pytest
from statsmodels.stats.power import NormalIndPower, zt_ind_solve_power
from statsmodels.stats.proportion import proportion_effectsize

from coach import critique, hypothesis_input
from marts.baselines import Baseline, Baselines
from marts.stats.sufficient import SampleStats
from tests.unit.test_coach_rubric import BASELINE, DAILY, good_spec, problems, run, with_parts


def n_exact(baseline: float, mde_rel: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> float:
    effect = proportion_effectsize(baseline * (1 + mde_rel), baseline)
    return zt_ind_solve_power(effect_size=effect, alpha=alpha, power=power, ratio=ratio)


def days_needed(n: float, daily_per_arm: float) -> int:
    return math.ceil(n / daily_per_arm - 1e-9)


def whole_weeks(days: int) -> int:
    return math.ceil(days / 7) * 7


@pytest.mark.parametrize(
    ("mde", "code", "severity"), [(0.05, "power.long_run", "warning"), (0.025, "power.infeasible", "blocker")]
)
def test_a_run_longer_than_8_weeks_warns_and_longer_than_26_weeks_blocks(mde, code, severity):
    n = n_exact(BASELINE, mde)
    days = days_needed(n, DAILY / 2)
    assert (56 < days <= 182) if code == "power.long_run" else days > 182
    result = run(good_spec(mde=mde, days=whole_weeks(days)))
    assert problems(result) == {code}
    finding = result.get(code)
    assert finding.severity == severity
    assert f"{math.ceil(n):,} visitors per variant take {days} days" in finding.reason[0]


def test_a_tiny_mde_warns_with_the_sample_size():
    daily = 10_000_000
    n = n_exact(BASELINE, 0.005)
    result = run(good_spec(mde=0.005, daily_visitors=daily, days=7))
    assert problems(result) == {"power.mde_tiny"}
    assert f"{math.ceil(n):,} visitors per variant" in result.get("power.mde_tiny").reason[0]
    assert "0.5%" in result.get("power.mde_tiny").reason[0]


def test_a_huge_mde_warns():
    spec = good_spec(mde=0.6)
    spec["design"]["builder"]["expected"] = "60"
    result = run(spec)
    assert problems(result) == {"power.mde_huge"}
    assert "60%" in result.get("power.mde_huge").reason[0]


def test_an_expected_effect_below_the_mde_warns_with_the_power_for_it():
    result = run(with_parts(expected="5"))
    assert problems(result) == {"power.expected_below_mde"}
    n = math.ceil(n_exact(BASELINE, 0.10))
    effect = proportion_effectsize(BASELINE * 1.05, BASELINE)
    power = NormalIndPower().power(effect_size=effect, nobs1=n, alpha=0.05, ratio=1.0)
    reason = result.get("power.expected_below_mde").reason
    assert f"You expect 5% but the test is sized for 10%; the planned n has only {power:.0%} power" in reason[0]
    assert f"{power:.0%}" in reason[1]


def test_a_run_shorter_than_the_plan_warns():
    days = days_needed(n_exact(BASELINE, 0.10), DAILY / 2)
    result = run(good_spec(days=7))
    assert days > 7
    assert problems(result) == {"power.short_run"}
    assert f"Run at least {days} days" in result.get("power.short_run").suggestion[0]


def test_uneven_weights_and_allocation_size_the_smallest_arm():
    spec = good_spec(days=70)
    spec["allocation"] = 50
    spec["variants"][0]["weight"] = 75
    spec["variants"][1]["weight"] = 25
    n = n_exact(BASELINE, 0.10, ratio=25 / 75)  # control-arm n for a 1:3 split
    days = days_needed(n, DAILY * 0.5 * 0.75)
    result = run(spec)
    assert problems(result) == set()
    assert (
        f"{math.ceil(n):,} visitors per variant take {days} days at 1,000 visitors" in result.get("power.ok").reason[0]
    )


def _warehouse(daily: float, rate: float) -> Baselines:
    n = 28 * int(daily)
    stats = SampleStats.from_proportion(n, round(n * rate))
    return Baselines(
        28, None, None, 28, daily, {"conversion": Baseline("conversion", "binary", stats, "daily_metrics")}
    )


def test_a_missing_baseline_or_traffic_warns_and_the_warehouse_fills_it():
    spec = good_spec(baseline=None, daily_visitors=None)
    assert problems(critique(hypothesis_input(spec))) == {"power.baseline_missing"}
    spec_no_traffic = good_spec(daily_visitors=None)
    assert problems(critique(hypothesis_input(spec_no_traffic))) == {"power.traffic_missing"}
    result = critique(hypothesis_input(spec), _warehouse(4000, 0.08))
    assert problems(result) == set()
    n = n_exact(0.08, 0.10)
    assert f"{math.ceil(n):,} visitors per variant take {days_needed(n, 2000)} days" in result.get("power.ok").reason[0]


def test_a_mean_metric_needs_its_spread():
    spec = good_spec(baseline=30.0)
    spec["primary_metric"] = "revenue_per_visitor"
    spec["guardrails"] = [{"metric": "conversion", "margin": 0.05, "margin_type": "relative"}]
    spec["hypothesis"] = "If we show a red banner, then revenue per visitor will increase by 10%, because red."
    assert problems(run(spec)) == {"power.std_missing"}
    spec["design"]["std"] = 20.0
    d = 3.0 / 20.0  # a 10% lift on 30 with a per-visitor sd of 20
    n = math.ceil(zt_ind_solve_power(effect_size=d, alpha=0.05, power=0.8, ratio=1.0))
    result = run(spec)
    assert problems(result) == set()
    assert f"{n:,} visitors per variant" in result.get("power.ok").reason[0]


def test_no_mde_means_no_power_plan():
    spec = good_spec(mde=None, planned_n_per_variant=None)
    assert problems(run(spec)) == {"power.no_plan"}


# ----- duration -------------------------------------------------------------------------------------------------


def test_days_that_are_not_whole_weeks_warn_with_the_rounded_up_figure():
    result = run(good_spec(days=10, daily_visitors=4000))
    assert problems(result) == {"duration.whole_weeks"}
    assert result.get("duration.whole_weeks").suggestion == (
        "Round the run up to 14 days (2 whole weeks).",
        "기간을 14일(2주)로 올려 잡으세요.",
    )


def test_a_run_shorter_than_a_week_warns():
    result = run(good_spec(days=5, daily_visitors=20000))
    assert problems(result) == {"duration.short"}
    assert "5 day(s)" in result.get("duration.short").reason[0]


def test_without_stored_days_the_needed_days_are_checked_for_whole_weeks():
    days = days_needed(n_exact(BASELINE, 0.10), DAILY / 2)
    result = run(good_spec(days=None))
    assert days % 7
    assert problems(result) == {"duration.whole_weeks"}
    assert f"{whole_weeks(days)} days" in result.get("duration.whole_weeks").suggestion[0]


# ----- peeking ------------------------------------------------------------------------------------------------------


def test_no_analysis_plan_warns_and_names_the_day_of_the_one_look():
    result = run(good_spec(analysis_plan=""))
    assert problems(result) == {"peeking.unplanned"}
    assert "one look on day 21" in result.get("peeking.unplanned").suggestion[0]
    assert "21일째" in result.get("peeking.unplanned").suggestion[1]


def test_fixed_and_sequential_plans_are_good():
    assert "peeking.fixed" in run(good_spec()).codes("good")
    sequential = run(good_spec(analysis_plan="sequential"))
    assert problems(sequential) == set()
    assert "peeking.sequential" in sequential.codes("good")


# ----- multiple testing -----------------------------------------------------------------------------------------


def test_secondary_metrics_bring_the_holm_note_with_its_power_cost():
    spec = good_spec()
    spec["secondary_metrics"] = ["add_to_cart_rate", "checkout_rate"]
    result = run(spec)
    assert problems(result) == {"multiple.holm"}
    finding = result.get("multiple.holm")
    assert finding.severity == "suggestion"
    n = math.ceil(n_exact(BASELINE, 0.10))
    effect = proportion_effectsize(BASELINE * 1.1, BASELINE)
    cost = NormalIndPower().power(effect_size=effect, nobs1=n, alpha=0.05 / 3, ratio=1.0)
    assert "3 goal comparisons (1 treatment(s) × 3 metric(s))" in finding.reason[0]
    assert f"p < {0.05 / 3:.3g}" in finding.reason[0]
    assert f"from 80% to {cost:.0%}" in finding.reason[0]
    assert "1 guardrail check(s)" in finding.reason[0]


def test_four_variants_warn_and_count_their_comparisons():
    spec = good_spec()
    spec["variants"] = [
        {"name": "control", "weight": 25, "config": {}},
        {"name": "red", "weight": 25, "config": {"banner_color": "red"}},
        {"name": "green", "weight": 25, "config": {"banner_color": "green"}},
        {"name": "blue", "weight": 25, "config": {"banner_color": "blue"}},
    ]
    days = days_needed(n_exact(BASELINE, 0.10), DAILY / 4)
    spec["design"]["days"] = whole_weeks(days)
    result = run(spec)
    assert problems(result) == {"multiple.many_variants", "multiple.holm"}
    assert "3 goal comparisons" in result.get("multiple.holm").reason[0]
    assert "3 guardrail check(s)" in result.get("multiple.holm").reason[0]
