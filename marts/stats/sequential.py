"""Always-valid inference for peeking: the normal-mixture mSPRT and its confidence sequence.

For the difference in means ``delta`` with estimate ``d`` and variance ``V = var_c / n_c + var_t / n_t`` (sample
variances plugged in), mixing the likelihood ratio over ``theta ~ Normal(0, tau^2)`` gives (Johari, Pekelis and
Walsh, "Always valid inference", 2017/2022)

    Lambda = sqrt(V / (V + tau^2)) * exp(d^2 tau^2 / (2 V (V + tau^2))).

The always-valid p-value is the running minimum of ``1 / Lambda`` over looks, and the always-valid interval is the
running intersection of ``{theta : Lambda(theta) < 1 / alpha}``, i.e. ``d +- sqrt(V (V + tau^2) / tau^2 *
(2 log(1 / alpha) + log(1 + tau^2 / V)))``. Writing ``tau^2 = rho^2 * V * N`` (N units in both arms) this is the
asymptotic confidence sequence of Waudby-Smith et al. ("Time-uniform central limit theory", 2021) with tuning
parameter ``rho``; their choice ``rho^2 = (2 log(1/alpha) + log(1 + 2 log(1/alpha))) / N*`` makes the interval
tightest near ``N*`` planned units. Both are valid under continuous monitoring; the plug-in variance makes them
asymptotically so.

The mixing variance is set either directly (``mixing_variance``, tau^2 on the difference's scale) or by
``planned_units`` (the default, 20,000 units). Each result states the tau^2 used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from scipy import special

from marts.stats.results import ErrorCode, finite_or_none
from marts.stats.sufficient import SampleStats


@dataclass(frozen=True)
class SequentialConfig:
    """The always-valid test's level and mixing distribution.

    Attributes:
        alpha: the level, in (0, 1): the chance of ever rejecting a true null across all looks.
        mixing_variance: tau^2, the variance of the normal mixture over the absolute difference; None derives it
            from ``planned_units``.
        planned_units: units in both arms at which the interval should be tightest (Waudby-Smith et al.'s tuning).
    """

    alpha: float = 0.05
    mixing_variance: float | None = None
    planned_units: int = 20_000

    def __post_init__(self) -> None:
        if not (isinstance(self.alpha, int | float) and 0 < self.alpha < 1):
            raise ValueError(f"alpha: must be strictly between 0 and 1, got {self.alpha!r}")
        if self.mixing_variance is not None and not (math.isfinite(self.mixing_variance) and self.mixing_variance > 0):
            raise ValueError(f"mixing_variance: must be a finite number > 0, got {self.mixing_variance!r}")
        if not (isinstance(self.planned_units, int) and self.planned_units >= 2):
            raise ValueError(f"planned_units: must be an integer >= 2, got {self.planned_units!r}")

    @property
    def rho_squared(self) -> float:
        """Waudby-Smith et al.'s tuning parameter for ``planned_units``."""
        boundary = 2 * math.log(1 / self.alpha)
        return (boundary + math.log(1 + boundary)) / self.planned_units

    def tau_squared(self, variance: float, units: int) -> float:
        """tau^2 at a look whose difference has ``variance`` with ``units`` units in both arms."""
        if self.mixing_variance is not None:
            return self.mixing_variance
        return self.rho_squared * variance * units

    def describe(self, tau_squared: float | None) -> str:
        """The mixing distribution in words, with the tau^2 used at a look when there is one."""
        if self.mixing_variance is not None:
            return f"normal mixture over the difference, tau^2 = {self.mixing_variance:.6g} (set)"
        used = f"tau^2 = {tau_squared:.6g}: " if tau_squared is not None else ""
        return (
            f"normal mixture over the difference, {used}tuned for the tightest interval at "
            f"{self.planned_units:,} units (rho^2 = {self.rho_squared:.6g} per unit)"
        )


@dataclass(frozen=True)
class SequentialResult:
    """One look: the difference (treatment - control), naive fixed-horizon and always-valid inference.

    In a trajectory, ``p_value`` and the ``ci`` bounds are the running (always-valid) values up to this look.
    """

    n_control: int
    n_treatment: int
    abs_lift: float | None
    std_error: float | None
    naive_p_value: float | None
    naive_ci_lower: float | None
    naive_ci_upper: float | None
    p_value: float | None
    ci_lower: float | None
    ci_upper: float | None
    mixing_variance: float | None
    tuning: str
    error: ErrorCode | None = None
    message: str = ""


def mixture_likelihood_ratio(estimate: float, variance: float, tau_squared: float, null: float = 0.0) -> float:
    """The normal-mixture likelihood ratio Lambda for an estimate with ``variance`` against ``null``."""
    total = variance + tau_squared
    exponent = (estimate - null) ** 2 * tau_squared / (2 * variance * total)
    return math.sqrt(variance / total) * math.exp(min(exponent, 700.0))


def mixture_half_width(variance: float, tau_squared: float, alpha: float) -> float:
    """Half-width of the interval ``{theta : Lambda(theta) < 1 / alpha}``."""
    log_boundary = 2 * math.log(1 / alpha) + math.log1p(tau_squared / variance)
    return math.sqrt(variance * (variance + tau_squared) / tau_squared * log_boundary)


def _difference(control: SampleStats, treatment: SampleStats) -> tuple[float, float] | tuple[ErrorCode, str]:
    """The difference in means and its variance (unpooled), or why there is none."""
    for name, arm in (("control", control), ("treatment", treatment)):
        if arm.n == 0:
            return ErrorCode.NO_DATA, f"{name} has no units"
        if arm.n < 2:
            return ErrorCode.TOO_FEW_UNITS, f"{name} has {arm.n} unit; need at least 2"
    variance = control.variance / control.n + treatment.variance / treatment.n
    if variance <= 0:
        return ErrorCode.ZERO_VARIANCE, "every unit has the same value in both variants"
    return treatment.mean - control.mean, variance


def _failure(control: SampleStats, treatment: SampleStats, config: SequentialConfig, error: ErrorCode, message: str):
    return SequentialResult(control.n, treatment.n, *(None,) * 9, config.describe(None), error, message)


def _look(control: SampleStats, treatment: SampleStats, config: SequentialConfig) -> SequentialResult:
    """One look on its own: naive and single-look always-valid numbers."""
    difference = _difference(control, treatment)
    if isinstance(difference[0], ErrorCode):
        return _failure(control, treatment, config, *difference)
    estimate, variance = difference
    std_error = math.sqrt(variance)
    tau_squared = config.tau_squared(variance, control.n + treatment.n)
    z_crit = float(special.ndtri(1 - config.alpha / 2))
    half_width = mixture_half_width(variance, tau_squared, config.alpha)
    values = (
        estimate,
        std_error,
        min(1.0, 2 * float(special.ndtr(-abs(estimate) / std_error))),
        estimate - z_crit * std_error,
        estimate + z_crit * std_error,
        min(1.0, 1 / mixture_likelihood_ratio(estimate, variance, tau_squared)),
        estimate - half_width,
        estimate + half_width,
        tau_squared,
    )
    checked = [finite_or_none(value) for value in values]
    if any(value is None for value in checked):
        return _failure(control, treatment, config, ErrorCode.ZERO_VARIANCE, "the variance is too small to use")
    return SequentialResult(control.n, treatment.n, *checked, config.describe(tau_squared))


def always_valid_test(
    control: SampleStats, treatment: SampleStats, config: SequentialConfig | None = None
) -> SequentialResult:
    """The always-valid p-value and interval at a single look (valid whenever the look is taken)."""
    return _look(control, treatment, config or SequentialConfig())


def trajectory(
    looks: list[tuple[SampleStats, SampleStats]], config: SequentialConfig | None = None
) -> list[SequentialResult]:
    """Per look, from cumulative (control, treatment) statistics: naive and running always-valid inference.

    The always-valid p-value never increases and the interval never widens: should the running intersection
    become empty (the sequence has then already missed, which happens with probability below alpha) the running
    interval is kept. A degenerate look carries its error and no numbers and leaves the running values untouched.
    O(looks).

    Raises:
        ValueError: when a look has fewer units than the one before (the statistics must be cumulative).
    """
    config = config or SequentialConfig()
    results: list[SequentialResult] = []
    best_p, lower, upper = 1.0, -math.inf, math.inf
    previous = (0, 0)
    for index, (control, treatment) in enumerate(looks, start=1):
        if control.n < previous[0] or treatment.n < previous[1]:
            raise ValueError(f"looks: statistics must be cumulative, but look {index} has fewer units than the last")
        previous = (control.n, treatment.n)
        look = _look(control, treatment, config)
        if look.error is not None:
            results.append(look)
            continue
        best_p = min(best_p, look.p_value)
        next_lower, next_upper = max(lower, look.ci_lower), min(upper, look.ci_upper)
        if next_lower <= next_upper:
            lower, upper = next_lower, next_upper
        results.append(replace(look, p_value=best_p, ci_lower=lower, ci_upper=upper))
    return results
