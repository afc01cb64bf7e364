"""What both lessons share: the metrics, input checks, the A/A plan, per-arm sums and the Wilson interval."""

import math
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
from scipy import special

from marts.stats.sufficient import SampleStats
from swarm.plan import Plan
from swarm.simulation import Outcomes

METRICS: dict[str, str] = {"conversion": "binary", "revenue": "continuous"}
"""Metric -> the kind the statistics engine tests it as: conversion (ordered at all) or revenue per visitor."""
ALPHAS = (0.01, 0.05, 0.1)
MAX_SEED = 2**31 - 1
MAX_USER_DRAWS = 25_000_000
"""At most this many simulated users per lesson run (experiments x users), about 15 s of engine time."""
BATCH_USERS = 200_000
"""Users simulated in one vectorised pass: small enough for smooth progress, large enough to stay fast."""
_PLAN_END = datetime(2026, 1, 1)

Progress = Callable[[int, int], None]
"""Called with (experiments done, experiments planned)."""


class LessonCancelled(Exception):
    """The learner stopped the simulation before it finished."""


def check_whole(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int in [low, high]; a ValueError naming the field and the rule otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise ValueError(f"{name}: must be a whole number from {low:,} to {high:,} (got {value!r})")
    return int(value)


def check_alpha(alpha: object) -> float:
    """``alpha`` as a float strictly between 0 and 0.5."""
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 0.5:
        raise ValueError(f"alpha: must be a number strictly between 0 and 0.5 (got {alpha!r})")
    return float(alpha)


def check_metric(metric: object) -> str:
    """``metric`` when it is one of ``METRICS``."""
    if metric not in METRICS:
        raise ValueError(f"metric: must be one of {', '.join(METRICS)} (got {metric!r})")
    return str(metric)


def check_work(experiments: int, users: int) -> None:
    """Refuse runs whose experiments x users exceed ``MAX_USER_DRAWS``."""
    if experiments * users > MAX_USER_DRAWS:
        raise ValueError(
            f"users: experiments x users must be at most {MAX_USER_DRAWS:,} (got {experiments:,} x {users:,}); "
            "lower either"
        )


def check_settings(settings: Any, **ranges: tuple[int, int]) -> None:
    """Check a lesson's settings and name the first field that fails.

    Args:
        settings: Has ``experiments``, ``users``, ``metric``, ``alpha`` and ``seed``.
        **ranges: The whole-number fields and their (low, high), checked first and in this order.
    """
    for name, (low, high) in ranges.items():
        check_whole(name, getattr(settings, name), low, high)
    check_metric(settings.metric)
    check_alpha(settings.alpha)
    check_whole("seed", settings.seed, 0, MAX_SEED)
    check_work(settings.experiments, settings.users)


def aa_plan(days: int = 1) -> Plan:
    """Two identical arms, A and B, half the traffic each, over ``days`` days (a fixed calendar)."""
    return Plan.build([("A", {}), ("B", {})], days=days, end=_PLAN_END)


def unit_values(outcomes: Outcomes, metric: str) -> np.ndarray:
    """Per user: 1.0 if they ordered (conversion) or their revenue in $ (revenue per visitor)."""
    if metric == "conversion":
        return (outcomes.purchases > 0).astype(float)
    return outcomes.revenue.astype(float)


def arm_sums(arm: np.ndarray, values: np.ndarray, groups: np.ndarray | None = None, size: int = 1) -> np.ndarray:
    """n, sum and sum of squares per (arm, group) as an array of shape (3, 2, size)."""
    key = arm.astype(np.int64) * size + (0 if groups is None else groups.astype(np.int64))
    length = 2 * size
    sums = (
        np.bincount(key, minlength=length),
        np.bincount(key, weights=values, minlength=length),
        np.bincount(key, weights=values * values, minlength=length),
    )
    return np.stack(sums).reshape(3, 2, size).astype(float)


def arm_stats(sums: np.ndarray, group: int = 0) -> tuple[SampleStats, SampleStats]:
    """Control's and treatment's sufficient statistics in one group of ``arm_sums``."""
    n, total, squares = sums[:, :, group]
    control, treatment = (SampleStats(int(n[arm]), float(total[arm]), float(squares[arm])) for arm in (0, 1))
    return control, treatment


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 1) when there are no trials."""
    if trials <= 0:
        return 0.0, 1.0
    z = float(special.ndtri(0.5 + confidence / 2))
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def checkpoint(done: int, total: int, progress: Progress | None, cancel: threading.Event | None) -> None:
    """Report progress and stop when the learner asked to."""
    if cancel is not None and cancel.is_set():
        raise LessonCancelled(f"stopped after {done:,} of {total:,} experiments")
    if progress is not None:
        progress(done, total)
