"""The A/A lesson: many experiments with identical arms, one fixed-horizon test each.

Under the null the p-values are uniform, so each of the histogram's bins expects the same count and the share of
p < alpha (the false-positive rate) is alpha itself, give or take its sampling error.
"""

import threading
from dataclasses import dataclass, field

import numpy as np

from marts.stats.frequentist import FrequentistConfig, compare
from swarm.lessons.common import (
    BATCH_USERS,
    METRICS,
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

EXPERIMENTS = (100, 5_000)
USERS = (100, 20_000)
BINS = 20


@dataclass(frozen=True)
class AASettings:
    """One A/A lesson run; construction checks every field and names the first that fails.

    Attributes:
        experiments: how many A/A experiments, 100 to 5,000.
        users: users per experiment (both arms), 100 to 20,000.
        metric: "conversion" or "revenue" (revenue per visitor).
        alpha: the significance level of each test.
        seed: the same seed gives the same experiments.
    """

    experiments: int = 1_000
    users: int = 2_000
    metric: str = "conversion"
    alpha: float = 0.05
    seed: int = 7

    def __post_init__(self) -> None:
        check_settings(self, experiments=EXPERIMENTS, users=USERS)


@dataclass(frozen=True)
class AAResult:
    """The p-values of every experiment that could be tested, and what they add up to.

    Attributes:
        settings: what was run.
        p_values: one per tested experiment, in run order.
        untested: experiments the test could not run on (no variation at all, e.g. nobody ordered).
    """

    settings: AASettings
    p_values: np.ndarray = field(repr=False)
    untested: int = 0

    @property
    def tested(self) -> int:
        """Experiments with a p-value."""
        return len(self.p_values)

    @property
    def false_positives(self) -> int:
        """Experiments with p < alpha: every one is a false positive, the arms are identical."""
        return int(np.count_nonzero(self.p_values < self.settings.alpha))

    @property
    def false_positive_rate(self) -> float:
        """The share of tested experiments with p < alpha (0.0 when none could be tested)."""
        return self.false_positives / self.tested if self.tested else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% Wilson interval of the false-positive rate."""
        return wilson_interval(self.false_positives, self.tested)

    @property
    def histogram(self) -> list[int]:
        """Counts of p-values in ``BINS`` equal bins over [0, 1]; they sum to ``tested``."""
        counts, _ = np.histogram(self.p_values, bins=BINS, range=(0.0, 1.0))
        return [int(count) for count in counts]

    @property
    def expected_per_bin(self) -> float:
        """What each bin holds on average when p-values are uniform (the null)."""
        return self.tested / BINS


def run_aa(settings: AASettings, progress: Progress | None = None, cancel: threading.Event | None = None) -> AAResult:
    """Simulate ``settings.experiments`` A/A experiments through the engine and test each one.

    Conversion uses the two-proportion z-test, revenue per visitor Welch's t-test (``marts.stats.frequentist``).

    Raises:
        LessonCancelled: when ``cancel`` is set before the run ends.
    """
    config = FrequentistConfig(alpha=settings.alpha)
    kind = METRICS[settings.metric]
    experiments = iter_experiments(
        aa_plan(), settings.experiments, settings.users, settings.seed, batch_users=BATCH_USERS
    )
    p_values: list[float] = []
    untested = 0
    checkpoint(0, settings.experiments, progress, cancel)
    for done, outcomes in enumerate(experiments, start=1):
        control, treatment = arm_stats(arm_sums(outcomes.arm, unit_values(outcomes, settings.metric)))
        p_value = compare(kind, control, treatment, config).p_value
        if p_value is None:
            untested += 1
        else:
            p_values.append(p_value)
        checkpoint(done, settings.experiments, progress, cancel)
    return AAResult(settings, np.array(p_values, dtype=float), untested)
