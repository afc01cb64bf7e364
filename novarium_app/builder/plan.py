"""The power step's plan: sample size per variant, days at the shop's traffic and power over days.

It reads the wizard's text fields, takes the baseline from the warehouse (``marts.baselines``) unless the learner
typed one, and asks ``marts.stats.power`` for the numbers. Rates are typed in percent (baseline) and percentage
points (absolute MDE); the statistics engine takes proportions.

A warehouse baseline is the baseline **of the window the plan runs**: conversion per visitor over a window grows
with its length (people come back), so a D-day run's control converts at the D-day window's rate. The plan is the
first D whose visitors (the visitors curve, times allocation and weights) reach the sample size computed from the
last D days' baseline (``_plan_on_windows``); past the warehouse's history the longest window stands in.
"""

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.stats import binom

from marts.baselines import Baseline, Baselines, window_baselines
from marts.horizon import Horizon
from marts.stats.power import (
    MeanMetric,
    PowerConfig,
    PowerPoint,
    ProportionMetric,
    SampleSizeResult,
    Traffic,
    duration,
    power_at_n,
    power_over_days,
    sample_size,
)
from marts.stats.sufficient import RatioStats, SampleStats
from novarium_app.builder.validation import is_binary, number

Pair = tuple[str, str]
WindowMetric = ProportionMetric | MeanMetric
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
        windows: the warehouse baseline of the last 1, 2, ... days, as (mean, std) (std None for a rate; mean None
            where the window has none); empty when the baseline was typed. With ``visitors``, the plan sizes itself
            on the window it plans (``baseline`` and ``baseline_days`` are then only the 28-day fallback).
        baseline_end: the last day of the warehouse's windows (ISO), "" when typed.
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
    windows: tuple[tuple[float | None, float | None], ...] = ()
    baseline_end: str = ""


@dataclass(frozen=True)
class Plan:
    """What the power step shows, and what the spec's ``design`` keeps.

    ``baseline``, ``std`` and ``baseline_days`` are what the plan was sized on: the window's baseline and its
    length (None for a typed baseline).
    """

    n_per_variant: int | None
    n_total: int | None
    days: int | None
    daily_in_experiment: float
    mde_abs: float | None
    mde_rel: float | None
    curve: tuple[PowerPoint, ...]
    problem: Pair | None = None
    baseline: float | None = None
    std: float | None = None
    baseline_days: int | None = None


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


def warehouse_inputs(baselines: Baselines, horizon: Horizon | None = None) -> dict[str, dict[str, Any]]:
    """Per metric, what the power step reads from the warehouse (the ``warehouse`` that ``plan_inputs`` takes): the
    default window's mean, std, n, source, why it is missing and days, plus its baseline over the last 1, 2, ...
    days (``windows``: mean, std, visitors) for the plan to size itself on the window it plans."""
    windows: dict[str, list[list[Any]]] = {key: [] for key in baselines.metrics}
    for days in range(1, (horizon.days if horizon is not None else 0) + 1):
        for key, found in window_baselines(horizon, days).items():
            windows[key].append([found.mean, warehouse_std(found), found.n])
    return {
        key: {
            "mean": found.mean,
            "std": warehouse_std(found),
            "n": found.n,
            "source": found.source,
            "missing": found.missing,
            "days": baselines.days,
            **(
                {"windows": windows[key], "last_day": horizon.last_day.isoformat()}
                if found.available and horizon is not None
                else {}
            ),
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
    std_typed = std
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
    windows = () if typed is not None or not warehouse else _windows(warehouse.get("windows"), binary, std_typed)
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
        windows=windows,
        baseline_end=str(warehouse.get("last_day") or "") if baseline_days and warehouse else "",
    )


def _windows(found: Any, binary: bool, std: float | None) -> tuple[tuple[float | None, float | None], ...]:
    """The warehouse's per-window (mean, std) pairs, with a typed std in every window of a mean metric."""
    if not isinstance(found, list | tuple):
        return ()
    windows = []
    for entry in found:
        mean, own_std = (entry[0], entry[1]) if isinstance(entry, list | tuple) and len(entry) >= 2 else (None, None)
        mean = float(mean) if isinstance(mean, int | float) and not isinstance(mean, bool) else None
        own_std = float(own_std) if isinstance(own_std, int | float) and not isinstance(own_std, bool) else None
        windows.append((mean, None if binary else std if std is not None else own_std))
    return tuple(windows)


@functools.lru_cache(maxsize=128)
def make_plan(inputs: PlanInputs) -> Plan:
    """Sample size, days and the power curve; ``problem`` says why a plan is impossible (cached: the wizard
    re-plans after every keystroke, and most keystrokes change nothing the plan reads)."""
    daily = inputs.daily_visitors * inputs.allocation
    if inputs.windows and inputs.visitors and inputs.daily_visitors > 0:
        planned = _plan_on_windows(inputs, daily)
        if planned is not None:
            return planned
    fixed = {"baseline": inputs.baseline, "std": inputs.std, "baseline_days": inputs.baseline_days}
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
        return replace(_plan_on_visitors(inputs, metric, config, traffic, size, n_total, daily), **fixed)
    horizon = min(max(math.ceil(result.days * 1.5), MIN_HORIZON), MAX_HORIZON)
    curve = power_over_days(metric, inputs.mde, traffic, horizon, relative=inputs.relative, config=config)
    return Plan(size.n_per_variant, n_total, result.days, daily, size.mde_abs, size.mde_rel, tuple(curve), **fixed)


def _plan_on_windows(inputs: PlanInputs, daily: float) -> Plan | None:
    """The first day D whose visitors reach the sample size the last D days' baseline needs, with power over days
    each on its own window's baseline; None when no window gives a plan (the fixed baseline then plans and says
    why).

    The search reads power, one evaluation a day (the power at D reaches the target exactly when D's visitors reach
    D's sample size), and solves for the sample size only around the day it finds.
    """
    try:
        config = PowerConfig(alpha=inputs.alpha, power=inputs.power)
        traffic = Traffic(daily_units=inputs.daily_visitors, allocation=inputs.allocation, weights=inputs.weights)
    except ValueError:  # the fixed baseline's plan names the problem
        return None
    share = traffic.shares[0] * inputs.allocation
    in_control = control_units(inputs.visitors, share)
    windows = _Windows(inputs, config, traffic.ratio)
    powers = [windows.power(day, n) for day, n in enumerate(in_control, start=1)]
    days = next((day for day, power in enumerate(powers, start=1) if power is not None and power >= config.power), None)
    if days is not None:
        while days <= len(in_control) and not windows.reached(days, in_control[days - 1]):
            days += 1  # the solver's tolerance, at the edge
        while 1 < days <= len(in_control) and windows.reached(days - 1, in_control[days - 2]):
            days -= 1
    if days is None or days > len(in_control):  # past the curve, each day brings the last day's new visitors
        last = windows.size(len(in_control))
        step = (inputs.visitors[-1] - inputs.visitors[-2]) * share if len(inputs.visitors) > 1 else 0.0
        if last is None or step <= 0:
            return None
        days = len(in_control) + max(1, math.ceil((last.n_exact - in_control[-1]) / step))
    size, metric = windows.size(days), windows.metric(days)
    if size is None or metric is None:
        return None
    horizon = min(max(math.ceil(days * 1.5), MIN_HORIZON), len(in_control))
    curve = tuple(PowerPoint(day, in_control[day - 1], powers[day - 1]) for day in range(1, horizon + 1))
    n_total = math.ceil(size.n_exact / traffic.shares[0] * (1 - 1e-12))
    std = None if inputs.binary else metric.std
    return Plan(
        size.n_per_variant, n_total, days, daily, size.mde_abs, size.mde_rel, curve, None,
        metric.baseline, std, windows.days(days),
    )  # fmt: skip


SPLIT_RISK = 0.01
"""The chance a run of the planned days falls short of the planned sample because of the random split."""


def control_units(visitors: Sequence[int], share: float) -> list[int]:
    """The control's units a window of each length brings in all but ``SPLIT_RISK`` of runs.

    Each visitor lands in the control with probability ``share`` (its weight times the allocation), so the control
    holds Binomial(visitors, share) units; planning on the expected count would leave a full run short of its
    sample about half the time the plan is tight. This is the binomial's ``SPLIT_RISK`` quantile.
    """
    counts = binom.ppf(SPLIT_RISK, np.asarray(visitors, dtype=np.int64), share)
    return [int(count) for count in np.nan_to_num(counts)]


class _Windows:
    """Each window's metric, its power at a number of control units and its sample size, each computed once."""

    def __init__(self, inputs: PlanInputs, config: PowerConfig, ratio: float) -> None:
        self._inputs, self._config, self._ratio = inputs, config, ratio
        self._metrics: dict[int, WindowMetric | None] = {}
        self._sizes: dict[int, Any] = {}

    def days(self, day: int) -> int:
        """The window a run of ``day`` days is sized on: its own, or the longest one past the history."""
        return min(day, len(self._inputs.windows))

    def metric(self, day: int) -> WindowMetric | None:
        """The metric on that window's baseline, or None when it gives none."""
        window = self.days(day)
        if window not in self._metrics:
            self._metrics[window] = _window_metric(self._inputs, self._inputs.windows[window - 1])
        return self._metrics[window]

    def power(self, day: int, n_control: int) -> float | None:
        """The power after ``day`` days on that window's baseline; None without one or with too few units."""
        metric, inputs = self.metric(day), self._inputs
        if metric is None or n_control < 2:
            return None
        try:
            return power_at_n(
                metric, inputs.mde, n_control, relative=inputs.relative, ratio=self._ratio, config=self._config
            ).power
        except ValueError:
            return None

    def size(self, day: int) -> SampleSizeResult | None:
        """The sample size on that window's baseline, or None when it gives none."""
        window = self.days(day)
        if window not in self._sizes:
            metric, inputs, found = self.metric(day), self._inputs, None
            if metric is not None:
                try:
                    found = sample_size(
                        metric, inputs.mde, relative=inputs.relative, ratio=self._ratio, config=self._config
                    )
                except ValueError:
                    found = None
            self._sizes[window] = found if found is not None and found.n_exact is not None else None
        return self._sizes[window]

    def reached(self, day: int, n_control: int) -> bool:
        """Whether ``n_control`` units reach the sample size of that window."""
        size = self.size(day)
        return size is not None and n_control >= size.n_exact


def _window_metric(inputs: PlanInputs, window: tuple[float | None, float | None]) -> WindowMetric | None:
    """One window's metric; None without a mean (or, for a mean metric, a spread) or with an invalid baseline."""
    mean, std = window
    if mean is None or (not inputs.binary and (std is None or std <= 0)):
        return None
    try:
        return ProportionMetric(mean) if inputs.binary else MeanMetric(mean, std or 0.0)
    except ValueError:
        return None


def _plan_on_visitors(inputs: PlanInputs, metric, config, traffic: Traffic, size, n_total: int, daily: float) -> Plan:
    """Days and power on the visitors curve: the first day whose window brings the planned sample."""
    share = traffic.shares[0] * inputs.allocation
    in_control = control_units(inputs.visitors, share)
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
    """The chosen design as the spec's ``design`` keeps it: the baseline the plan was sized on and its window."""
    std = plan.std if plan.std is not None else inputs.std
    return {
        "alpha": inputs.alpha,
        "power": inputs.power,
        "mde": inputs.mde,
        "mde_type": "relative" if inputs.relative else "absolute",
        "baseline": round(plan.baseline if plan.baseline is not None else inputs.baseline, 6),
        "daily_visitors": round(inputs.daily_visitors, 1),
        "planned_n_per_variant": plan.n_per_variant,
        "planned_n_total": plan.n_total,
        "days": plan.days,
        **(
            {"planned_visitors": inputs.visitors[plan.days - 1]}
            if inputs.visitors and plan.days and plan.days <= len(inputs.visitors)
            else {}
        ),
        **({} if inputs.binary or std is None else {"std": round(std, 6)}),
        **({"baseline_window_days": plan.baseline_days} if plan.baseline_days else {}),
        **({"baseline_window_end": inputs.baseline_end} if plan.baseline_days and inputs.baseline_end else {}),
    }
