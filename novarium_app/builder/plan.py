"""The power step's plan: sample size per variant, days at the shop's traffic and power over days.

It reads the wizard's text fields, takes the baseline from the warehouse (``marts.baselines``) unless the learner
typed one, and asks ``marts.stats.power`` for the numbers. Rates are typed in percent (baseline) and percentage
points (absolute MDE); the statistics engine takes proportions.
"""

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from marts.baselines import Baseline, Baselines
from marts.stats.power import (
    MeanMetric,
    PowerConfig,
    PowerPoint,
    ProportionMetric,
    Traffic,
    duration,
    power_at_n,
    power_over_days,
)
from marts.stats.sufficient import RatioStats, SampleStats
from novarium_app.builder.validation import is_binary, number

Pair = tuple[str, str]
MIN_HORIZON = 14
MAX_HORIZON = 120


@dataclass(frozen=True)
class PlanInputs:
    """A plan's numbers, in the statistics engine's units.

    Attributes:
        binary: the metric is a rate (``baseline`` and an absolute ``mde`` are proportions).
        baseline: the control's expected level.
        std: the per-visitor standard deviation (continuous and ratio metrics).
        alpha: significance level.
        power: target power.
        mde: minimum detectable effect (a fraction of the baseline when ``relative``).
        relative: the MDE is relative.
        daily_visitors: the shop's visitors per day.
        allocation: the share of them in the experiment, in (0, 1].
        weights: the variants' weights, control first.
        baseline_days: the window the warehouse's baseline was measured over (per visitor), None when typed.
        visitors: visitors the shop's traffic brings in 1, 2, ... days (people come back, so a window is not a sum
            of days); empty: ``daily_visitors`` a day.
    """

    binary: bool
    baseline: float
    std: float | None
    alpha: float
    power: float
    mde: float
    relative: bool
    daily_visitors: float
    allocation: float
    weights: tuple[float, ...]
    baseline_days: int | None = None
    visitors: tuple[int, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What the power step shows, and what the spec's ``design`` keeps."""

    n_per_variant: int | None
    n_total: int | None
    days: int | None
    daily_in_experiment: float
    mde_abs: float | None
    mde_rel: float | None
    curve: tuple[PowerPoint, ...]
    problem: Pair | None = None


def warehouse_std(baseline: Baseline) -> float | None:
    """The per-visitor standard deviation behind a warehouse baseline (delta method for a ratio), or None."""
    stats = baseline.stats
    if not baseline.available or stats is None:
        return None
    if isinstance(stats, RatioStats):
        metric = MeanMetric.from_ratio_stats(stats)
        return None if metric.error else metric.std
    assert isinstance(stats, SampleStats)
    return stats.std


def warehouse_inputs(baselines: Baselines) -> dict[str, dict[str, Any]]:
    """Per metric, what the power step reads from the warehouse: its mean and std, n, source, why it is missing and
    the window's days (the ``warehouse`` that ``plan_inputs`` takes for the primary metric)."""
    return {
        key: {
            "mean": found.mean,
            "std": warehouse_std(found),
            "n": found.n,
            "source": found.source,
            "missing": found.missing,
            "days": baselines.days,
        }
        for key, found in baselines.metrics.items()
    }


def plan_inputs(
    form: Mapping[str, str],
    variants: Sequence[Mapping[str, Any]],
    warehouse: Mapping[str, Any] | None,
    daily_visitors: float,
    visitors: tuple[int, ...] = (),
) -> PlanInputs | None:
    """The plan's numbers from the form (typed baseline first, then the warehouse's); None when one is missing.

    ``warehouse`` holds the primary metric's ``mean`` and ``std`` (None when the warehouse has none).
    """
    binary = is_binary(form["metric"])
    relative = form["mde_type"] != "absolute"
    typed = number(form["baseline"], percent=binary) if form["baseline"].strip() else None
    baseline = typed / 100 if typed is not None and binary else typed
    baseline_days = None
    if baseline is None and warehouse:
        baseline = warehouse.get("mean")
        days = warehouse.get("days")
        baseline_days = days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else None
    std = number(form["std"]) if form["std"].strip() else None
    if std is None and warehouse and not binary:
        std = warehouse.get("std")
    mde = number(form["mde"], percent=True)
    alpha, power = number(form["alpha"]), number(form["power"])
    allocation = number(form["allocation"], percent=True)
    weights = tuple(number(str(v.get("weight", ""))) for v in variants)
    if None in (baseline, mde, alpha, power, allocation) or any(w is None or w <= 0 for w in weights):
        return None
    if not binary and (std is None or std <= 0):
        return None
    if mde is not None and (relative or binary):
        mde = mde / 100
    return PlanInputs(
        binary=binary,
        baseline=float(baseline),
        std=std,
        alpha=float(alpha),
        power=float(power),
        mde=float(mde),
        relative=relative,
        daily_visitors=daily_visitors,
        allocation=float(allocation) / 100,
        weights=tuple(float(w) for w in weights),
        baseline_days=baseline_days,
        visitors=tuple(visitors),
    )


@functools.lru_cache(maxsize=128)
def make_plan(inputs: PlanInputs) -> Plan:
    """Sample size, days and the power curve; ``problem`` says why a plan is impossible (cached: the wizard
    re-plans after every keystroke, and most keystrokes change nothing the plan reads)."""
    daily = inputs.daily_visitors * inputs.allocation
    try:
        config = PowerConfig(alpha=inputs.alpha, power=inputs.power)
        metric = ProportionMetric(inputs.baseline) if inputs.binary else MeanMetric(inputs.baseline, inputs.std or 0.0)
        if inputs.daily_visitors <= 0:
            return Plan(None, None, None, 0.0, None, None, (), _NO_TRAFFIC)
        traffic = Traffic(daily_units=inputs.daily_visitors, allocation=inputs.allocation, weights=inputs.weights)
        result = duration(metric, inputs.mde, traffic, relative=inputs.relative, config=config)
    except ValueError as error:
        return Plan(None, None, None, daily, None, None, (), _engine_problem(str(error)))
    size = result.sample_size
    if result.days is None or size.n_exact is None:
        message = result.message or "the plan is undefined"
        return Plan(None, None, None, daily, size.mde_abs, size.mde_rel, (), (message, message))
    n_total = math.ceil(size.n_exact / traffic.shares[0] * (1 - 1e-12))
    if inputs.visitors:
        return _plan_on_visitors(inputs, metric, config, traffic, size, n_total, daily)
    horizon = min(max(math.ceil(result.days * 1.5), MIN_HORIZON), MAX_HORIZON)
    curve = power_over_days(metric, inputs.mde, traffic, horizon, relative=inputs.relative, config=config)
    return Plan(size.n_per_variant, n_total, result.days, daily, size.mde_abs, size.mde_rel, tuple(curve))


def _plan_on_visitors(inputs: PlanInputs, metric, config, traffic: Traffic, size, n_total: int, daily: float) -> Plan:
    """Days and power on the visitors curve: the first day whose window brings the planned sample."""
    share = traffic.shares[0] * inputs.allocation
    in_control = [math.floor(v * share) for v in inputs.visitors]
    days = next((day for day, n in enumerate(in_control, start=1) if n >= size.n_exact), None)
    if days is None:  # past the curve, each day brings the last day's new visitors
        step = (inputs.visitors[-1] - inputs.visitors[-2]) * share if len(inputs.visitors) > 1 else 0.0
        if step <= 0:
            longest = len(inputs.visitors)
            message = f"The plan needs more than {longest} days of the shop's traffic"
            korean = f"계획에 상점 트래픽 {longest}일보다 더 긴 기간이 필요합니다"
            return Plan(None, None, None, daily, size.mde_abs, size.mde_rel, (), (message, korean))
        days = len(in_control) + math.ceil((size.n_exact - in_control[-1]) / step)
    horizon = min(max(math.ceil(days * 1.5), MIN_HORIZON), len(in_control))
    curve = []
    for day, n_control in enumerate(in_control[:horizon], start=1):
        power = None
        if n_control >= 2:
            power = power_at_n(
                metric, inputs.mde, n_control, relative=inputs.relative, ratio=traffic.ratio, config=config
            )
        curve.append(PowerPoint(day, n_control, power.power if power is not None else None))
    return Plan(size.n_per_variant, n_total, days, daily, size.mde_abs, size.mde_rel, tuple(curve))


_NO_TRAFFIC: Pair = (
    "The warehouse has no daily traffic yet: seed it (novarium seed) to plan the duration",
    "웨어하우스에 일일 트래픽이 아직 없습니다. 기간을 계획하려면 데이터를 생성하세요(novarium seed)",
)


def _engine_problem(message: str) -> Pair:
    if message.startswith("mde: baseline + mde must stay below 1"):
        return (
            "MDE: the baseline plus the MDE must stay below 100%",
            "최소 검출 효과(MDE): 기준값과 MDE의 합이 100%보다 작아야 합니다",
        )
    if message.startswith("baseline:"):
        return ("Baseline: must be above 0% and below 100%", "기준값: 0%보다 크고 100%보다 작아야 합니다")
    return message, message


def design(plan: Plan, inputs: PlanInputs) -> dict[str, Any]:
    """The chosen design as the spec's ``design`` keeps it."""
    return {
        "alpha": inputs.alpha,
        "power": inputs.power,
        "mde": inputs.mde,
        "mde_type": "relative" if inputs.relative else "absolute",
        "baseline": round(inputs.baseline, 6),
        "daily_visitors": round(inputs.daily_visitors, 1),
        "planned_n_per_variant": plan.n_per_variant,
        "planned_n_total": plan.n_total,
        "days": plan.days,
        **(
            {"planned_visitors": inputs.visitors[plan.days - 1]}
            if inputs.visitors and plan.days and plan.days <= len(inputs.visitors)
            else {}
        ),
        **({} if inputs.binary or inputs.std is None else {"std": round(inputs.std, 6)}),
        **({"baseline_window_days": inputs.baseline_days} if inputs.baseline_days else {}),
    }
