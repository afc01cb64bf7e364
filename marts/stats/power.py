"""Power analysis for a two-arm test: sample size, minimum detectable effect (MDE), duration and power over days.

Every metric reduces to a standardized effect ``d`` and the effective sample size ``n_c * n_t / (n_c + n_t)``, the
parametrisation of statsmodels' ``NormalIndPower`` (z) and ``TTestIndPower`` (t), whose numbers these functions
reproduce (the two-sided power counts both rejection tails, as statsmodels does).

Metric types:
- ``ProportionMetric``: a conversion rate. The default method is Cohen's h (``2 asin sqrt(p_t) - 2 asin sqrt(p_c)``,
  statsmodels' ``proportion_effectsize``). We default to it because the arcsine transform stabilises the variance, so
  the plan needs no choice between the null's and the alternative's variance, and it gives the numbers students find
  in statsmodels, R's ``pwr.2p.test`` and G*Power. ``Z_UNPOOLED`` is the plain z-approximation with the unpooled
  variance ``p_c(1-p_c)/n_c + p_t(1-p_t)/n_t``, which models the Welch-style z-test the analysis runs; for the rates
  NovaRium tests the two plans differ by well under 1% of n.
- ``MeanMetric``: a mean with a per-unit standard deviation (e.g. from the warehouse), or a ratio metric whose
  per-unit standard deviation comes from the delta method on ``RatioStats``.

Arguments that break a rule raise ``ValueError`` naming the argument; degenerate data (zero variance, no baseline)
returns a result with an ``ErrorCode``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from scipy import integrate, optimize, special, stats

from marts.stats.results import ErrorCode, finite_or_none
from marts.stats.sufficient import RatioStats, SampleStats

_XTOL = 1e-12


class ProportionMethod(StrEnum):
    """How a difference in proportions becomes a standardized effect."""

    COHENS_H = "cohens_h"  # arcsine transform, as statsmodels' NormalIndPower + proportion_effectsize
    Z_UNPOOLED = "z_unpooled"  # difference over the unpooled standard deviation (the Welch-style z-test)


def _check_open_unit(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and 0.0 < value < 1.0):
        raise ValueError(f"{name}: must be strictly between 0 and 1, got {value!r}")


def _check_positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name}: must be a finite number > 0, got {value!r}")


@dataclass(frozen=True)
class PowerConfig:
    """The test being planned.

    Attributes:
        alpha: significance level, in (0, 1).
        power: target power, in (0, 1) and above ``alpha``.
        two_sided: a two-sided test; otherwise one-sided in the direction of the effect.
        test: ``"z"`` (normal, statsmodels' NormalIndPower) or ``"t"`` (Student, TTestIndPower, pooled df).
    """

    alpha: float = 0.05
    power: float = 0.8
    two_sided: bool = True
    test: Literal["z", "t"] = "z"

    def __post_init__(self) -> None:
        _check_open_unit("alpha", self.alpha)
        _check_open_unit("power", self.power)
        if self.power <= self.alpha:
            raise ValueError(f"power: must exceed alpha ({self.alpha}), got {self.power}")
        if self.test not in ("z", "t"):
            raise ValueError(f"test: must be 'z' or 't', got {self.test!r}")


@dataclass(frozen=True)
class ProportionMetric:
    """A conversion rate with control rate ``baseline`` in (0, 1); the treatment rate is ``baseline + mde``."""

    baseline: float
    method: ProportionMethod = ProportionMethod.COHENS_H

    def __post_init__(self) -> None:
        _check_open_unit("baseline", self.baseline)
        if self.method not in tuple(ProportionMethod):
            raise ValueError(f"method: must be one of {', '.join(ProportionMethod)}, got {self.method!r}")

    def check_delta(self, delta: float) -> None:
        if self.baseline + delta >= 1.0:
            raise ValueError(f"mde: baseline + mde must stay below 1, got {self.baseline} + {delta}")

    def effect_size(self, delta: float, ratio: float) -> float:
        """The standardized effect of an absolute difference ``delta`` (``ratio`` = n_treatment / n_control)."""
        p_c, p_t = self.baseline, self.baseline + delta
        if self.method == ProportionMethod.COHENS_H:
            return 2.0 * math.asin(math.sqrt(p_t)) - 2.0 * math.asin(math.sqrt(p_c))
        # se^2 = (p_c q_c + p_t q_t / k) / n_c and n_eff = n_c k / (1 + k), so d = delta / sqrt(se^2 * n_eff).
        unit_variance = (ratio * p_c * (1 - p_c) + p_t * (1 - p_t)) / (1 + ratio)
        return delta / math.sqrt(unit_variance)

    def delta_for(self, effect: float, ratio: float) -> float | None:
        """The absolute difference with standardized effect ``effect``; None when no rate below 1 reaches it."""
        if self.method == ProportionMethod.COHENS_H:
            angle = math.asin(math.sqrt(self.baseline)) + effect / 2.0
            return math.sin(angle) ** 2 - self.baseline if angle < math.pi / 2 else None
        top = 1.0 - self.baseline
        if self.effect_size(top * (1 - 1e-12), ratio) < effect:
            return None
        return optimize.brentq(lambda x: self.effect_size(x, ratio) - effect, 0.0, top * (1 - 1e-12), xtol=1e-15)

    @property
    def degenerate(self) -> tuple[ErrorCode, str] | None:
        return None


@dataclass(frozen=True)
class MeanMetric:
    """A mean (or ratio) metric: control ``baseline`` and per-unit standard deviation ``std``.

    Build it from warehouse numbers directly, or with ``from_sample_stats`` / ``from_ratio_stats`` from historical
    sufficient statistics; degenerate history (too few units, zero variance, zero denominator) is carried in
    ``error`` and surfaces in every result.
    """

    baseline: float
    std: float
    error: ErrorCode | None = None
    message: str = ""

    def __post_init__(self) -> None:
        if not math.isfinite(self.baseline):
            raise ValueError(f"baseline: must be finite, got {self.baseline!r}")
        if not (math.isfinite(self.std) and self.std >= 0):
            raise ValueError(f"std: must be a finite number >= 0, got {self.std!r}")

    @classmethod
    def from_sample_stats(cls, stats: SampleStats) -> MeanMetric:
        """Baseline mean and standard deviation from a historical sample."""
        if stats.n < 2:
            return cls(0.0, 0.0, ErrorCode.TOO_FEW_UNITS, f"history has {stats.n} units; need at least 2")
        return cls(stats.mean, stats.std)

    @classmethod
    def from_ratio_stats(cls, stats: RatioStats) -> MeanMetric:
        """A ratio metric sum_x / sum_y: baseline is the ratio, std the delta-method per-unit standard deviation.

        With R = mean_x / mean_y, n * Var(R_hat) ~ (var_x - 2 R cov_xy + R^2 var_y) / mean_y^2.
        """
        if stats.n < 2:
            return cls(0.0, 0.0, ErrorCode.TOO_FEW_UNITS, f"history has {stats.n} units; need at least 2")
        if stats.sum_y == 0:
            return cls(0.0, 0.0, ErrorCode.ZERO_DENOMINATOR, "the ratio's denominator sums to zero")
        mean_y = stats.sum_y / stats.n
        ratio = stats.ratio
        x, y = stats.numerator, stats.denominator
        variance = (x.variance - 2 * ratio * stats.covariance + ratio**2 * y.variance) / mean_y**2
        return cls(ratio, math.sqrt(max(variance, 0.0)))

    def check_delta(self, delta: float) -> None:
        return None

    def effect_size(self, delta: float, ratio: float) -> float:
        return delta / self.std

    def delta_for(self, effect: float, ratio: float) -> float | None:
        return effect * self.std

    @property
    def degenerate(self) -> tuple[ErrorCode, str] | None:
        if self.error is not None:
            return self.error, self.message
        if self.std == 0:
            return ErrorCode.ZERO_VARIANCE, "the metric's standard deviation is zero: any effect is detectable"
        return None


Metric = ProportionMetric | MeanMetric


@dataclass(frozen=True)
class Traffic:
    """Who enters the experiment each day.

    Attributes:
        daily_units: units (users) arriving per day, before allocation.
        allocation: the share of them in the experiment, in (0, 1] (0.5 = 50%).
        weights: the variants' split, control first (normalised); None means ``n_variants`` equal arms.
        n_variants: the number of arms when ``weights`` is None (control included), at least 2.
    """

    daily_units: float
    allocation: float = 1.0
    weights: tuple[float, ...] | None = None
    n_variants: int = 2

    def __post_init__(self) -> None:
        _check_positive("daily_units", self.daily_units)
        if not (isinstance(self.allocation, int | float) and 0 < self.allocation <= 1):
            raise ValueError(f"allocation: must be in (0, 1] (a share of traffic), got {self.allocation!r}")
        if self.weights is None:
            if not (isinstance(self.n_variants, int) and self.n_variants >= 2):
                raise ValueError(f"n_variants: must be an integer >= 2, got {self.n_variants!r}")
        else:
            if len(self.weights) < 2:
                raise ValueError(f"weights: need at least 2 variants (control first), got {len(self.weights)}")
            for weight in self.weights:
                _check_positive("weights", weight)

    @property
    def shares(self) -> tuple[float, ...]:
        """Each arm's share of the experiment's units, control first."""
        raw = self.weights if self.weights is not None else (1.0,) * self.n_variants
        total = float(sum(raw))
        return tuple(w / total for w in raw)

    @property
    def ratio(self) -> float:
        """n_treatment / n_control for the smallest treatment arm (the comparison that needs the longest run)."""
        shares = self.shares
        return min(shares[1:]) / shares[0]

    @property
    def daily_control_units(self) -> float:
        return self.daily_units * self.allocation * self.shares[0]


@dataclass(frozen=True)
class SampleSizeResult:
    """Units needed per arm. ``n_per_variant`` is the control arm (every arm when ``ratio`` is 1), rounded up."""

    n_per_variant: int | None
    n_treatment: int | None
    n_exact: float | None  # unrounded control-arm n, as statsmodels' solve_power returns it
    effect_size: float | None
    mde_abs: float | None
    mde_rel: float | None
    error: ErrorCode | None = None
    message: str = ""


@dataclass(frozen=True)
class MdeResult:
    """The smallest effect detected with the target power at ``n_per_variant`` control units."""

    n_per_variant: float
    mde_abs: float | None
    mde_rel: float | None
    effect_size: float | None
    error: ErrorCode | None = None
    message: str = ""


@dataclass(frozen=True)
class PowerResult:
    """The power of the planned test at a given size and effect."""

    power: float | None
    effect_size: float | None
    n_per_variant: float
    error: ErrorCode | None = None
    message: str = ""


@dataclass(frozen=True)
class DurationResult:
    """How many days the experiment must run to reach the sample size."""

    days: int | None
    days_exact: float | None
    daily_units_per_variant: tuple[float, ...]
    sample_size: SampleSizeResult
    error: ErrorCode | None = None
    message: str = ""


@dataclass(frozen=True)
class PowerPoint:
    """Power after ``day`` days, with ``n_per_variant`` expected control-arm units (floored)."""

    day: int
    n_per_variant: int
    power: float | None


def standardized_power(effect: float, n_control: float, ratio: float, config: PowerConfig) -> float:
    """Power of the configured test for standardized effect ``effect`` (>= 0), as statsmodels computes it."""
    n_treatment = n_control * ratio
    n_eff = n_control * n_treatment / (n_control + n_treatment)
    shift = effect * math.sqrt(n_eff)
    tail = config.alpha / 2 if config.two_sided else config.alpha
    if config.test == "z":
        crit = stats.norm.isf(tail)
        result = stats.norm.sf(crit - shift)
        if config.two_sided:
            result += stats.norm.cdf(-crit - shift)
        return float(result)
    df = n_control + n_treatment - 2
    crit = stats.t.isf(tail, df)
    result = 1.0 - _nct_cdf(crit, df, shift)
    if config.two_sided:
        result += _nct_cdf(-crit, df, shift)
    return float(result)


def _nct_cdf(x: float, df: float, shift: float) -> float:
    """The noncentral t CDF; scipy's ``nctdtr`` returns NaN in some far tails, where we integrate instead."""
    value = float(special.nctdtr(df, shift, x))
    if math.isfinite(value):
        return value
    # T = (Z + shift) / sqrt(V / df) with V ~ chi2(df), so P(T <= x) = E[Phi(x sqrt(V / df) - shift)].
    chi2 = stats.chi2(df)
    low, high = chi2.ppf(1e-15), chi2.isf(1e-15)

    def integrand(v: float) -> float:
        return stats.norm.cdf(x * math.sqrt(v / df) - shift) * chi2.pdf(v)

    return integrate.quad(integrand, low, high, points=[df])[0]


def _min_n(ratio: float, config: PowerConfig) -> float:
    """The smallest control-arm n the test is defined for (the t-test needs positive degrees of freedom)."""
    return 2.0 / (1 + ratio) + 1e-9 if config.test == "t" else 1e-9


def _solve_n(effect: float, ratio: float, config: PowerConfig) -> float:
    """The control-arm n at which the power equals the target."""
    tail = config.alpha / 2 if config.two_sided else config.alpha
    z_sum = stats.norm.isf(tail) + stats.norm.isf(1 - config.power)
    n_eff = (z_sum / effect) ** 2
    guess = n_eff * (1 + ratio) / ratio  # one tail of the z-test; the exact n is at most this for z
    low, high = max(_min_n(ratio, config), guess / 4), guess
    while standardized_power(effect, high, ratio, config) < config.power:
        high *= 2
    if standardized_power(effect, low, ratio, config) >= config.power:
        low = _min_n(ratio, config)
    return optimize.brentq(
        lambda n: standardized_power(effect, n, ratio, config) - config.power, low, high, xtol=_XTOL, rtol=4 * _XTOL
    )


def _solve_effect(n_control: float, ratio: float, config: PowerConfig) -> float:
    """The standardized effect at which the power equals the target for ``n_control`` units."""
    n_eff = n_control * ratio / (1 + ratio)
    tail = config.alpha / 2 if config.two_sided else config.alpha
    guess = (stats.norm.isf(tail) + stats.norm.isf(1 - config.power)) / math.sqrt(n_eff)
    high = guess * 2
    while standardized_power(high, n_control, ratio, config) < config.power:
        high *= 2
    return optimize.brentq(
        lambda d: standardized_power(d, n_control, ratio, config) - config.power, 0.0, high, xtol=_XTOL, rtol=4 * _XTOL
    )


def _absolute_mde(metric: Metric, mde: float, relative: bool) -> tuple[float | None, float | None]:
    """(absolute, relative) MDE; the other is None when the baseline is zero."""
    _check_positive("mde", mde)
    if relative:
        return (mde * abs(metric.baseline) if metric.baseline else None), mde
    return mde, (mde / abs(metric.baseline) if metric.baseline else None)


def sample_size(
    metric: Metric, mde: float, *, relative: bool = False, ratio: float = 1.0, config: PowerConfig | None = None
) -> SampleSizeResult:
    """Units per arm to detect ``mde`` (absolute, or relative to the baseline) with the target power.

    Args:
        metric: the metric being planned.
        mde: the minimum detectable effect, > 0.
        relative: ``mde`` is a fraction of the baseline (0.05 = +5%).
        ratio: n_treatment / n_control.
        config: alpha, power, sides and z or t.
    """
    config = config or PowerConfig()
    _check_positive("ratio", ratio)
    mde_abs, mde_rel = _absolute_mde(metric, mde, relative)
    if (problem := metric.degenerate) is not None:
        return SampleSizeResult(None, None, None, None, mde_abs, mde_rel, *problem)
    if mde_abs is None:
        return SampleSizeResult(None, None, None, None, None, mde_rel, ErrorCode.ZERO_BASELINE, "the baseline is 0")
    metric.check_delta(mde_abs)
    effect = metric.effect_size(mde_abs, ratio)
    n_exact = _solve_n(effect, ratio, config)
    n_control = math.ceil(n_exact * (1 - 1e-12))
    n_treatment = math.ceil(n_exact * ratio * (1 - 1e-12))
    return SampleSizeResult(n_control, n_treatment, n_exact, effect, mde_abs, mde_rel)


def minimum_detectable_effect(
    metric: Metric, n_per_variant: float, *, ratio: float = 1.0, config: PowerConfig | None = None
) -> MdeResult:
    """The smallest effect detected with the target power when the control arm has ``n_per_variant`` units."""
    config = config or PowerConfig()
    _check_positive("ratio", ratio)
    _check_positive("n_per_variant", n_per_variant)
    if n_per_variant <= _min_n(ratio, config):
        raise ValueError(f"n_per_variant: the t-test needs more than {2 / (1 + ratio):.3g} units, got {n_per_variant}")
    if (problem := metric.degenerate) is not None:
        return MdeResult(n_per_variant, None, None, None, *problem)
    effect = _solve_effect(n_per_variant, ratio, config)
    delta = metric.delta_for(effect, ratio)
    if delta is None:
        message = f"no treatment rate below 1 reaches power {config.power} with {n_per_variant} units per arm"
        return MdeResult(n_per_variant, None, None, effect, ErrorCode.TOO_FEW_UNITS, message)
    mde_rel = finite_or_none(delta / abs(metric.baseline)) if metric.baseline else None
    return MdeResult(n_per_variant, delta, mde_rel, effect)


def power_at_n(
    metric: Metric,
    mde: float,
    n_per_variant: float,
    *,
    relative: bool = False,
    ratio: float = 1.0,
    config: PowerConfig | None = None,
) -> PowerResult:
    """The power to detect ``mde`` with ``n_per_variant`` control units (and ``ratio`` times that in treatment)."""
    config = config or PowerConfig()
    _check_positive("ratio", ratio)
    _check_positive("n_per_variant", n_per_variant)
    if n_per_variant <= _min_n(ratio, config):
        raise ValueError(f"n_per_variant: the t-test needs more than {2 / (1 + ratio):.3g} units, got {n_per_variant}")
    mde_abs, _ = _absolute_mde(metric, mde, relative)
    if (problem := metric.degenerate) is not None:
        return PowerResult(None, None, n_per_variant, *problem)
    if mde_abs is None:
        return PowerResult(None, None, n_per_variant, ErrorCode.ZERO_BASELINE, "the baseline is 0")
    metric.check_delta(mde_abs)
    effect = metric.effect_size(mde_abs, ratio)
    return PowerResult(standardized_power(effect, n_per_variant, ratio, config), effect, n_per_variant)


def duration(
    metric: Metric, mde: float, traffic: Traffic, *, relative: bool = False, config: PowerConfig | None = None
) -> DurationResult:
    """Days until every treatment-vs-control comparison reaches the sample size for ``mde``."""
    size = sample_size(metric, mde, relative=relative, ratio=traffic.ratio, config=config)
    per_variant = tuple(traffic.daily_units * traffic.allocation * share for share in traffic.shares)
    if size.n_exact is None:
        return DurationResult(None, None, per_variant, size, size.error, size.message)
    days_exact = size.n_exact / traffic.daily_control_units
    return DurationResult(math.ceil(days_exact * (1 - 1e-12)), days_exact, per_variant, size)


def power_over_days(
    metric: Metric,
    mde: float,
    traffic: Traffic,
    days: int,
    *,
    relative: bool = False,
    config: PowerConfig | None = None,
) -> list[PowerPoint]:
    """Power after each day 1..``days`` for the smallest treatment arm; power is None on days with too few units."""
    config = config or PowerConfig()
    if not (isinstance(days, int) and days >= 1):
        raise ValueError(f"days: must be an integer >= 1, got {days!r}")
    points = []
    for day in range(1, days + 1):
        n_control = math.floor(day * traffic.daily_control_units)
        power = None
        if n_control > _min_n(traffic.ratio, config) and n_control >= 1:
            power = power_at_n(metric, mde, n_control, relative=relative, ratio=traffic.ratio, config=config).power
        points.append(PowerPoint(day, n_control, power))
    return points
