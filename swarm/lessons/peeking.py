"""The peeking lesson: A/A experiments looked at once a day while their data accumulate.

Users arrive over ``looks`` days (uniformly, each counted from their first visit on). At each day's look the
learner sees the naive fixed-horizon p-value and the always-valid mSPRT p-value (``marts.stats.sequential``).
Stopping at the first naive p < alpha inflates the false-positive rate well above alpha (about
``marts.peeking.peeking_alpha(looks)``); the always-valid p-value stays at or below alpha however often one looks.
"""

import threading
from dataclasses import dataclass, field

import numpy as np

from marts.peeking import peeking_alpha
from marts.stats.sequential import SequentialConfig, trajectory
from swarm.lessons.common import (
    BATCH_USERS,
    Progress,
    aa_plan,
    arm_stats,
    arm_sums,
    check_settings,
    checkpoint,
    unit_values,
    wilson_interval,
)
from swarm.simulation import iter_experiments

EXPERIMENTS = (100, 2_000)
USERS = (500, 20_000)
LOOKS = (2, 30)


@dataclass(frozen=True)
class PeekingSettings:
    """One peeking lesson run; construction checks every field and names the first that fails.

    Attributes:
        experiments: how many A/A experiments, 100 to 2,000.
        users: users per experiment by the last look (both arms), 500 to 20,000.
        looks: daily looks, 2 to 30 (the experiment runs that many days).
        metric: "conversion" or "revenue" (revenue per visitor).
        alpha: the significance level.
        seed: the same seed gives the same experiments.
    """

    experiments: int = 500
    users: int = 4_000
    looks: int = 10
    metric: str = "conversion"
    alpha: float = 0.05
    seed: int = 7

    def __post_init__(self) -> None:
        check_settings(self, experiments=EXPERIMENTS, users=USERS, looks=LOOKS)


@dataclass(frozen=True)
class Trajectory:
    """One experiment's p-values at each look (None where a look had too little data to test)."""

    experiment: int
    naive: list[float | None]
    always_valid: list[float | None]


@dataclass(frozen=True)
class PeekingResult:
    """When each experiment first looked significant, naively and always-validly.

    Attributes:
        settings: what was run.
        naive_first: per experiment, the first look (1-based) with naive p < alpha, 0 when none.
        valid_first: per experiment, the first look with always-valid p < alpha, 0 when none.
        final_naive: per experiment, whether the last look alone had naive p < alpha (no peeking).
        sample: one experiment's trajectory, one fooled by peeking when there is one.
    """

    settings: PeekingSettings
    naive_first: np.ndarray = field(repr=False)
    valid_first: np.ndarray = field(repr=False)
    final_naive: np.ndarray = field(repr=False)
    sample: Trajectory

    @property
    def looks(self) -> list[int]:
        """1 .. looks."""
        return list(range(1, self.settings.looks + 1))

    def _share_by_look(self, first: np.ndarray) -> list[float]:
        hits = np.bincount(first, minlength=self.settings.looks + 1)[1:]
        return [float(share) for share in np.cumsum(hits) / len(first)]

    @property
    def naive_by_look(self) -> list[float]:
        """Per look k: the share of experiments stopped as significant by look k, naively (never decreases)."""
        return self._share_by_look(self.naive_first)

    @property
    def valid_by_look(self) -> list[float]:
        """Per look k: the same with the always-valid p-value."""
        return self._share_by_look(self.valid_first)

    @property
    def theory_by_look(self) -> list[float]:
        """Per look k: Armitage, McPherson and Rowe's rate for k equally spaced looks."""
        return [peeking_alpha(k, self.settings.alpha) for k in self.looks]

    def _rate(self, flags: np.ndarray) -> tuple[float, tuple[float, float]]:
        count = int(np.count_nonzero(flags))
        return count / len(flags), wilson_interval(count, len(flags))

    @property
    def naive(self) -> tuple[float, tuple[float, float]]:
        """The false-positive rate of stopping at the first naive p < alpha, with its 95% interval."""
        return self._rate(self.naive_first > 0)

    @property
    def always_valid(self) -> tuple[float, tuple[float, float]]:
        """The false-positive rate with the always-valid p-value, with its 95% interval."""
        return self._rate(self.valid_first > 0)

    @property
    def fixed_horizon(self) -> tuple[float, tuple[float, float]]:
        """The false-positive rate of looking once, at the end, with its 95% interval."""
        return self._rate(self.final_naive)


def run_peeking(
    settings: PeekingSettings, progress: Progress | None = None, cancel: threading.Event | None = None
) -> PeekingResult:
    """Simulate the experiments, look at each one every day, and record when it first looked significant.

    Raises:
        LessonCancelled: when ``cancel`` is set before the run ends.
    """
    alpha, looks = settings.alpha, settings.looks
    config = SequentialConfig(alpha=alpha, planned_units=settings.users)
    experiments = iter_experiments(
        aa_plan(days=looks), settings.experiments, settings.users, settings.seed, batch_users=BATCH_USERS
    )
    naive_first = np.zeros(settings.experiments, dtype=np.int64)
    valid_first = np.zeros(settings.experiments, dtype=np.int64)
    final_naive = np.zeros(settings.experiments, dtype=bool)
    first_seen: Trajectory | None = None
    fooled: Trajectory | None = None
    checkpoint(0, settings.experiments, progress, cancel)
    for index, outcomes in enumerate(experiments):
        values = unit_values(outcomes, settings.metric)
        sums = arm_sums(outcomes.arm, values, outcomes.first_day, looks).cumsum(axis=2)
        path = trajectory([arm_stats(sums, look) for look in range(looks)], config)
        naive = [look.naive_p_value for look in path]
        valid = [look.p_value for look in path]
        naive_first[index] = _first_below(naive, alpha)
        valid_first[index] = _first_below(valid, alpha)
        final_naive[index] = naive[-1] is not None and naive[-1] < alpha
        if first_seen is None:
            first_seen = Trajectory(index + 1, naive, valid)
        if fooled is None and naive_first[index] and not valid_first[index]:
            fooled = Trajectory(index + 1, naive, valid)
        checkpoint(index + 1, settings.experiments, progress, cancel)
    return PeekingResult(settings, naive_first, valid_first, final_naive, fooled or first_seen)


def _first_below(p_values: list[float | None], alpha: float) -> int:
    """The first look (1-based) with p < alpha, 0 when there is none."""
    return next((look for look, p in enumerate(p_values, start=1) if p is not None and p < alpha), 0)
