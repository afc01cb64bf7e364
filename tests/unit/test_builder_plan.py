"""The power step's plan: typed units to the engine's, the same numbers as marts.stats.power, and the design kept."""

import math
from dataclasses import replace

import numpy as np
import pytest

from marts.stats.power import (
    MeanMetric,
    PowerConfig,
    ProportionMetric,
    Traffic,
    duration,
    power_over_days,
    sample_size,
)
from novarium_app.builder.plan import MAX_HORIZON, SPLIT_RISK, control_units, design, make_plan, plan_inputs
from tests.unit.test_builder_validation import valid_draft

WAREHOUSE = {"mean": 0.06, "std": None}


def _inputs(**form):
    draft = valid_draft()
    draft["form"].update(form)
    return plan_inputs(draft["form"], draft["variants"], WAREHOUSE, 1000.0)


def test_rates_are_typed_in_percent_and_planned_as_proportions():
    inputs = _inputs(mde="10", allocation="50")
    assert (inputs.binary, inputs.baseline, inputs.mde, inputs.relative, inputs.allocation) == (
        True,
        0.06,
        0.1,
        True,
        0.5,
    )
    absolute = _inputs(mde_type="absolute", mde="0.6", baseline="5")
    assert (absolute.baseline, absolute.mde, absolute.relative) == (0.05, pytest.approx(0.006), False)


def test_the_plan_is_the_engines_duration_and_power_curve():
    inputs = _inputs(mde="10", allocation="50")
    plan = make_plan(inputs)
    traffic = Traffic(daily_units=1000.0, allocation=0.5, weights=(50.0, 50.0))
    expected = duration(ProportionMetric(0.06), 0.1, traffic, relative=True, config=PowerConfig())
    assert plan.n_per_variant == expected.sample_size.n_per_variant
    assert plan.days == expected.days
    assert plan.n_total == math.ceil(expected.sample_size.n_exact * 2 * (1 - 1e-12))
    assert plan.daily_in_experiment == 500.0
    horizon = min(max(math.ceil(expected.days * 1.5), 14), MAX_HORIZON)
    curve = power_over_days(ProportionMetric(0.06), 0.1, traffic, horizon, relative=True, config=PowerConfig())
    assert plan.curve == tuple(curve)
    reached = next(point.day for point in plan.curve if point.power is not None and point.power >= 0.8)
    assert reached == plan.days


def test_halving_the_allocation_doubles_the_days_not_the_sample():
    full, half = make_plan(_inputs(mde="10")), make_plan(_inputs(mde="10", allocation="50"))
    assert full.n_per_variant == half.n_per_variant
    assert half.days in (2 * full.days - 1, 2 * full.days)


def test_a_continuous_metric_uses_the_typed_or_warehouse_std():
    draft = valid_draft()
    draft["form"].update(metric="revenue_per_visitor", mde="10")
    inputs = plan_inputs(draft["form"], draft["variants"], {"mean": 2.0, "std": 9.5}, 400.0)
    assert (inputs.binary, inputs.std) == (False, 9.5)
    plan = make_plan(inputs)
    expected = duration(MeanMetric(2.0, 9.5), 0.1, Traffic(400.0, 1.0, (50.0, 50.0)), relative=True)
    assert (plan.n_per_variant, plan.days) == (expected.sample_size.n_per_variant, expected.days)
    draft["form"]["std"] = "4"
    assert plan_inputs(draft["form"], draft["variants"], {"mean": 2.0, "std": 9.5}, 400.0).std == 4.0


def test_missing_numbers_give_no_plan():
    draft = valid_draft()
    draft["form"]["metric"] = "banner_ctr"
    assert plan_inputs(draft["form"], draft["variants"], {"mean": None, "std": None}, 400.0) is None
    draft["form"]["baseline"] = "4"
    assert plan_inputs(draft["form"], draft["variants"], {"mean": None, "std": None}, 400.0).baseline == 0.04


def test_an_impossible_effect_is_a_named_problem_not_a_crash():
    plan = make_plan(_inputs(mde_type="absolute", mde="95"))
    assert plan.problem == (
        "MDE: the baseline plus the MDE must stay below 100%",
        "최소 검출 효과(MDE): 기준값과 MDE의 합이 100%보다 작아야 합니다",
    )
    assert plan.days is None and plan.curve == ()


def test_no_traffic_is_a_named_problem():
    draft = valid_draft()
    plan = make_plan(plan_inputs(draft["form"], draft["variants"], WAREHOUSE, 0.0))
    assert plan.problem[0].startswith("The warehouse has no daily traffic yet")


def test_a_long_plan_draws_at_most_the_horizon():
    plan = make_plan(_inputs(mde="1"))
    assert plan.days > MAX_HORIZON
    assert len(plan.curve) == MAX_HORIZON
    assert plan.curve[-1].power < 0.8


def test_the_design_keeps_the_choice():
    inputs = _inputs(mde="10")
    plan = make_plan(inputs)
    kept = design(plan, inputs)
    assert kept["alpha"] == 0.05 and kept["power"] == 0.8 and kept["mde"] == 0.1 and kept["mde_type"] == "relative"
    assert kept["planned_n_per_variant"] == plan.n_per_variant and kept["days"] == plan.days
    assert kept["baseline"] == 0.06 and kept["daily_visitors"] == 1000.0


def test_the_design_keeps_the_window_the_warehouse_baseline_was_measured_over():
    """The retrospective and the coach read which window the baseline came from; a typed baseline has none."""
    draft = valid_draft()
    warehouse = {"mean": 0.27, "std": None, "days": 28}
    inputs = plan_inputs(draft["form"], draft["variants"], warehouse, 1352.0)
    assert inputs.baseline_days == 28
    assert design(make_plan(inputs), inputs)["baseline_window_days"] == 28
    draft["form"]["baseline"] = "27"
    typed = plan_inputs(draft["form"], draft["variants"], warehouse, 1352.0)
    assert typed.baseline_days is None and "baseline_window_days" not in design(make_plan(typed), typed)


def test_on_the_visitors_curve_the_days_are_the_first_window_that_brings_the_sample():
    """People come back: a window's visitors grow slower than days; the plan reads the curve, not a daily rate."""
    curve = tuple(round(400_000 * (1 - math.exp(-day / 12))) for day in range(1, MAX_HORIZON + 1))
    draft = valid_draft()
    draft["form"].update(mde="10", allocation="50")
    inputs = plan_inputs(draft["form"], draft["variants"], WAREHOUSE, 1000.0, curve)
    plan = make_plan(inputs)
    needed = duration(
        ProportionMetric(0.06), 0.1, Traffic(daily_units=1000.0, allocation=0.5, weights=(50.0, 50.0)), relative=True
    ).sample_size.n_exact
    in_control = control_units(curve, 0.25)
    assert in_control[plan.days - 1] >= needed > in_control[plan.days - 2]
    linear = make_plan(_inputs(mde="10", allocation="50"))
    assert plan.n_per_variant == linear.n_per_variant and plan.days != linear.days
    assert [point.n_per_variant for point in plan.curve] == in_control[: len(plan.curve)]
    reached = next(point.day for point in plan.curve if point.power is not None and point.power >= 0.8)
    assert reached == plan.days
    assert design(plan, inputs)["planned_visitors"] == curve[plan.days - 1]
    short = make_plan(plan_inputs(draft["form"], draft["variants"], WAREHOUSE, 1000.0, curve[:2]))
    step = (curve[1] - curve[0]) * 0.25  # past the curve, each day brings the last day's new visitors
    assert short.days == 2 + math.ceil((needed - control_units(curve[:2], 0.25)[1]) / step) and short.problem is None
    flat = plan_inputs(draft["form"], draft["variants"], WAREHOUSE, 1000.0, (5, 5))
    assert make_plan(flat).problem[0] == "The plan needs more than 2 days of the shop's traffic"


def _growing(days: int = 90) -> list[list[float | None]]:
    """A warehouse's conversion over its last D days: longer windows give visitors more days to order."""
    return [[0.02 + 0.1 * (1 - math.exp(-day / 10)), None] for day in range(1, days + 1)]


def _needed(baseline: float, mde: float = 0.1) -> float:
    return sample_size(ProportionMetric(baseline), mde, relative=True).n_exact


@pytest.mark.parametrize("mde", [10, 4, 30])
def test_the_plan_is_the_first_window_whose_visitors_reach_the_sample_its_own_baseline_needs(mde):
    """A D-day run's control converts at the D-day window's rate, so the plan is sized on that window."""
    curve = tuple(round(400_000 * (1 - math.exp(-day / 12))) for day in range(1, MAX_HORIZON + 1))
    windows = _growing()
    draft = valid_draft()
    draft["form"].update(mde=str(mde), allocation="50")
    warehouse = {"mean": windows[27][0], "std": None, "days": 28, "windows": windows, "last_day": "2026-10-31"}
    inputs = plan_inputs(draft["form"], draft["variants"], warehouse, 1000.0, curve)
    plan = make_plan(inputs)
    in_control = control_units(curve, 0.25)
    first = next(day for day in range(1, 91) if in_control[day - 1] >= _needed(windows[day - 1][0], mde / 100))
    assert plan.days == first and plan.baseline_days == first and plan.baseline == windows[first - 1][0]
    assert plan.n_per_variant == math.ceil(_needed(windows[first - 1][0], mde / 100) * (1 - 1e-12))
    on_28 = make_plan(replace(inputs, windows=()))  # what the builder planned before: the 28-day rate for any D
    assert on_28.baseline_days == 28 and on_28.n_per_variant != plan.n_per_variant
    reached = next(point.day for point in plan.curve if point.power is not None and point.power >= 0.8)
    assert reached == plan.days  # each day's power on its own window's baseline
    kept = design(plan, inputs)
    assert kept["baseline"] == round(windows[first - 1][0], 6) and kept["baseline_window_days"] == first
    assert kept["baseline_window_end"] == "2026-10-31"  # the window: its last ``first`` days up to that day


def test_past_the_history_the_longest_window_stands_in_and_a_typed_baseline_has_no_window():
    curve = tuple(round(40_000 * (1 - math.exp(-day / 30))) for day in range(1, MAX_HORIZON + 1))
    windows = _growing(20)
    draft = valid_draft()
    draft["form"].update(mde="10")
    warehouse = {"mean": windows[-1][0], "std": None, "days": 20, "windows": windows}
    plan = make_plan(plan_inputs(draft["form"], draft["variants"], warehouse, 1000.0, curve))
    assert plan.days > 20 and plan.baseline_days == 20 and plan.baseline == windows[-1][0]
    draft["form"]["baseline"] = "5"
    typed = plan_inputs(draft["form"], draft["variants"], warehouse, 1000.0, curve)
    assert typed.windows == () and make_plan(typed).baseline_days is None and make_plan(typed).baseline == 0.05


def test_a_mean_metric_plans_on_its_windows_mean_and_std_unless_the_std_is_typed():
    curve = tuple(round(400_000 * (1 - math.exp(-day / 12))) for day in range(1, MAX_HORIZON + 1))
    windows = [[2.0 + day / 10, 9.5 + day / 5] for day in range(1, 91)]
    draft = valid_draft()
    draft["form"].update(metric="revenue_per_visitor", mde="10")
    warehouse = {"mean": windows[27][0], "std": windows[27][1], "days": 28, "windows": windows}
    plan = make_plan(plan_inputs(draft["form"], draft["variants"], warehouse, 400.0, curve))
    mean, std = windows[plan.days - 1]
    assert (plan.baseline, plan.std, plan.baseline_days) == (mean, std, plan.days)
    needed = sample_size(MeanMetric(mean, std), 0.1, relative=True).n_exact
    assert control_units(curve, 0.5)[plan.days - 1] >= needed
    draft["form"]["std"] = "4"
    typed = make_plan(plan_inputs(draft["form"], draft["variants"], warehouse, 400.0, curve))
    assert typed.std == 4.0 and typed.baseline == windows[typed.days - 1][0]


def test_a_full_run_of_the_plan_brings_the_planned_sample_in_all_but_one_run_in_a_hundred():
    """The split is random: the plan counts on the control's 1% quantile, not on its expected half."""
    curve = tuple(round(90_000 * (1 - math.exp(-day / 20))) for day in range(1, MAX_HORIZON + 1))
    draft = valid_draft()
    draft["form"].update(mde="10")
    plan = make_plan(plan_inputs(draft["form"], draft["variants"], WAREHOUSE, 1000.0, curve))
    visitors = curve[plan.days - 1]
    control = np.random.default_rng(12).binomial(visitors, 0.5, size=20_000)
    assert (control < plan.n_per_variant).mean() <= SPLIT_RISK + 0.003
    expected = [math.floor(v * 0.5) for v in curve]
    on_expectation = next(day for day, n in enumerate(expected, start=1) if n >= plan.n_per_variant)
    assert plan.days >= on_expectation  # never shorter than planning on the expected half
