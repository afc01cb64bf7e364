"""Fixed-horizon frequentist tests of treatment against control, computed in O(1) from sufficient statistics.

One shallow class family: ``FrequentistTest`` does the shared work (lift, p-value, intervals, relative lift by the
delta method) and each subclass overrides only what differs:

- ``TwoProportionZTest`` (binary): the p-value uses the pooled standard error, as statsmodels ``proportions_ztest``
  does (under the null both groups share one rate); the interval uses the unpooled (Wald) standard error, as
  statsmodels ``confint_proportions_2indep(method="wald")`` does, because away from the null the rates differ.
- ``WelchTTest`` (continuous): unequal variances, Welch–Satterthwaite degrees of freedom, like
  ``scipy.stats.ttest_ind(equal_var=False)``.
- ``DeltaMethodRatioTest`` (ratio, e.g. AOV = revenue / orders with users randomised): the variance of each
  variant's ratio of sums by the delta method, then a z-test.

The relative lift ``treatment_mean / control_mean - 1`` has its own interval from the delta method on the ratio of
two independent means: Var(rel) ≈ var_t / m_c² + m_t² var_c / m_c⁴, where var_t and var_c are the variances of the
two mean estimates. It is not the absolute interval divided by the baseline, which ignores the control's noise.

``make_test`` picks the test from the metric kind; ``compare`` runs it.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass
from typing import ClassVar, Literal

from scipy import special

from marts.metrics import MetricKind
from marts.stats.results import ErrorCode, finite_or_none
from marts.stats.sufficient import RatioStats, SampleStats

Alternative = Literal["two-sided", "greater", "less"]
ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
Interval = tuple[float | None, float | None]

# Below this share of the mean square a variance is rounding noise from sum_sq - sum² / n, not spread.
_RELATIVE_VARIANCE_FLOOR = 1e-10


@dataclass(frozen=True)
class FrequentistConfig:
    """How to run a fixed-horizon test.

    Attributes:
        alpha: the significance level; intervals have coverage 1 - alpha.
        alternative: "two-sided", "greater" (treatment above control) or "less" (treatment below control).
            One-sided alternatives give one-sided intervals, with None on the unbounded side.
    """

    alpha: float = 0.05
    alternative: Alternative = "two-sided"

    def __post_init__(self) -> None:
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha: must be strictly between 0 and 1, got {self.alpha!r}")
        if self.alternative not in ALTERNATIVES:
            raise ValueError(f"alternative: must be one of {', '.join(ALTERNATIVES)}, got {self.alternative!r}")


@dataclass(frozen=True)
class Comparison:
    """Treatment against control for one metric.

    Numbers that cannot be computed are None, never NaN or inf, and ``error`` with ``message`` says why. Most errors
    leave only the means; ``ZERO_BASELINE`` keeps the absolute lift, its interval and the p-value and drops only the
    relative numbers; ``ZERO_VARIANCE`` keeps the lifts (known exactly) but no p-value or interval.

    Attributes:
        method: the test that produced it.
        alternative, alpha: the configuration used.
        n_control, n_treatment: units (the randomisation unit, also for ratio metrics).
        control_mean, treatment_mean: the per-variant estimates (a rate, a mean or a ratio of sums).
        abs_lift: treatment_mean - control_mean; abs_ci its interval.
        rel_lift: treatment_mean / control_mean - 1; rel_ci its delta-method interval.
        p_value, statistic: the test of "no difference" (z or t).
        std_error: the standard error of abs_lift used by the interval; rel_std_error that of rel_lift.
        df: degrees of freedom of the t reference distribution, None for a normal reference.
        error, message: why something is missing, in plain words.
    """

    method: str
    alternative: Alternative
    alpha: float
    n_control: int
    n_treatment: int
    control_mean: float | None = None
    treatment_mean: float | None = None
    abs_lift: float | None = None
    abs_ci: Interval = (None, None)
    rel_lift: float | None = None
    rel_ci: Interval = (None, None)
    p_value: float | None = None
    statistic: float | None = None
    std_error: float | None = None
    rel_std_error: float | None = None
    df: float | None = None
    error: ErrorCode | None = None
    message: str = ""

    @property
    def significant(self) -> bool:
        """Whether the (unadjusted) p-value is below alpha."""
        return self.p_value is not None and self.p_value < self.alpha


def cdf(x: float, df: float | None) -> float:
    """The standard normal (df None) or Student t cumulative distribution at x."""
    return float(special.ndtr(x)) if df is None else float(special.stdtr(df, x))


def quantile(probability: float, df: float | None) -> float:
    """The standard normal (df None) or Student t quantile."""
    return float(special.ndtri(probability)) if df is None else float(special.stdtrit(df, probability))


def p_value(statistic: float, df: float | None, alternative: Alternative) -> float:
    """The p-value of a z or t statistic under the given alternative."""
    if alternative == "greater":
        return cdf(-statistic, df)
    if alternative == "less":
        return cdf(statistic, df)
    return min(2.0 * cdf(-abs(statistic), df), 1.0)


def interval(estimate: float, std_error: float, df: float | None, config: FrequentistConfig) -> Interval:
    """The 1 - alpha interval around ``estimate``, one-sided for a one-sided alternative."""
    if config.alternative == "two-sided":
        half_width = quantile(1.0 - config.alpha / 2.0, df) * std_error
        return finite_or_none(estimate - half_width), finite_or_none(estimate + half_width)
    half_width = quantile(1.0 - config.alpha, df) * std_error
    if config.alternative == "greater":
        return finite_or_none(estimate - half_width), None
    return None, finite_or_none(estimate + half_width)


class _Invalid(Exception):
    """Internal signal: the data cannot give an estimate (carries the code and the words)."""

    def __init__(self, error: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.error = error
        self.message = message


@dataclass(frozen=True)
class _Moments:
    """One variant's estimate and the variance of that estimate."""

    mean: float
    variance_of_mean: float


class FrequentistTest:
    """Base of the fixed-horizon tests: treatment against control from sufficient statistics.

    Subclasses set ``method`` and ``stats_type`` and override ``_validate``, ``_moments``, ``_null_std_error`` or
    ``_df`` where they differ. ``control`` or ``treatment`` may be None (a variant with no data at all).
    """

    method: ClassVar[str] = "frequentist"
    stats_type: ClassVar[type] = SampleStats

    def __init__(
        self,
        control: SampleStats | RatioStats | None,
        treatment: SampleStats | RatioStats | None,
        config: FrequentistConfig | None = None,
    ) -> None:
        for name, stats in (("control", control), ("treatment", treatment)):
            if stats is not None and not isinstance(stats, self.stats_type):
                raise TypeError(f"{name}: {self.method} needs {self.stats_type.__name__}, got {type(stats).__name__}")
        self.control = control
        self.treatment = treatment
        self.config = config or FrequentistConfig()

    def compute(self) -> Comparison:
        """Run the test; degenerate data gives a Comparison with ``error`` set instead of raising."""
        control, treatment = self.control, self.treatment
        base = {
            "method": self.method,
            "alternative": self.config.alternative,
            "alpha": self.config.alpha,
            "n_control": _units(control),
            "n_treatment": _units(treatment),
        }
        if control is None or treatment is None:
            missing = "control" if control is None else "treatment"
            return Comparison(**base, error=ErrorCode.SINGLE_VARIANT, message=f"{missing}: no data, nothing to compare")
        try:
            for name, stats in (("control", control), ("treatment", treatment)):
                self._validate(name, stats)
            moments_c = self._moments("control", control)
            moments_t = self._moments("treatment", treatment)
        except _Invalid as invalid:
            return Comparison(**base, error=invalid.error, message=invalid.message)
        return self._compare(base, moments_c, moments_t)

    def _compare(self, base: dict, moments_c: _Moments, moments_t: _Moments) -> Comparison:
        mean_c, mean_t = moments_c.mean, moments_t.mean
        abs_lift = mean_t - mean_c
        rel_lift = mean_t / mean_c - 1.0 if mean_c * mean_c > 0.0 else None
        base |= {
            "control_mean": finite_or_none(mean_c),
            "treatment_mean": finite_or_none(mean_t),
            "abs_lift": finite_or_none(abs_lift),
            "rel_lift": finite_or_none(rel_lift),
        }
        var_c, var_t = moments_c.variance_of_mean, moments_t.variance_of_mean
        std_error = math.sqrt(var_c + var_t)
        null_std_error = self._null_std_error(moments_c, moments_t)
        if not (math.isfinite(std_error) and math.isfinite(null_std_error)):
            message = "the sums are too large to compute a variance in floating point"
            return Comparison(**base, error=ErrorCode.INVALID_INPUT, message=message)
        if not null_std_error > 0.0:
            message = "no variation in either variant: every unit has the same value, so there is nothing to test"
            return Comparison(**base, error=ErrorCode.ZERO_VARIANCE, message=message)
        df = self._df(moments_c, moments_t)
        statistic = abs_lift / null_std_error
        numbers = {
            "abs_ci": interval(abs_lift, std_error, df, self.config),
            "p_value": finite_or_none(p_value(statistic, df, self.config.alternative)),
            "statistic": finite_or_none(statistic),
            "std_error": finite_or_none(std_error),
            "df": finite_or_none(df),
        }
        if base["rel_lift"] is None:
            message = "the control mean is zero, so there is no relative lift (the absolute lift and p-value stand)"
            return Comparison(**base, **numbers, error=ErrorCode.ZERO_BASELINE, message=message)
        # var_t / m_c² + m_t² var_c / m_c⁴, written to stay finite for tiny baselines.
        rel_std_error = math.sqrt(var_t + (rel_lift + 1.0) * (rel_lift + 1.0) * var_c) / abs(mean_c)
        rel_ci = interval(rel_lift, rel_std_error, df, self.config)
        return Comparison(**base, **numbers, rel_ci=rel_ci, rel_std_error=finite_or_none(rel_std_error))

    def _validate(self, name: str, stats: SampleStats | RatioStats) -> None:
        """Raise ``_Invalid`` when a variant's statistics cannot give an estimate."""
        if not all(math.isfinite(value) for value in astuple(stats)):
            raise _Invalid(ErrorCode.INVALID_INPUT, f"{name}: n and the sums must be finite numbers")
        if stats.n < 0 or int(stats.n) != stats.n:
            raise _Invalid(ErrorCode.INVALID_INPUT, f"{name}: n must be a whole number >= 0, got {stats.n}")
        if stats.n == 0:
            raise _Invalid(ErrorCode.NO_DATA, f"{name}: no units")
        if stats.n < 2:
            raise _Invalid(ErrorCode.TOO_FEW_UNITS, f"{name}: only {stats.n} unit; at least 2 are needed")

    def _moments(self, name: str, stats: SampleStats | RatioStats) -> _Moments:
        """The variant's estimate and the variance of that estimate."""
        raise NotImplementedError

    def _null_std_error(self, control: _Moments, treatment: _Moments) -> float:
        """The standard error of the lift under "no difference", which scales the test statistic."""
        return math.sqrt(control.variance_of_mean + treatment.variance_of_mean)

    def _df(self, control: _Moments, treatment: _Moments) -> float | None:
        """Degrees of freedom of the reference distribution; None means normal."""
        return None


def _units(stats: SampleStats | RatioStats | None) -> int:
    return int(stats.n) if stats is not None and math.isfinite(stats.n) else 0


def sample_variance(stats: SampleStats) -> float:
    """The unbiased variance, with rounding noise of sum_sq - sum² / n (constant data) snapped to zero."""
    variance = stats.variance
    return 0.0 if variance <= _RELATIVE_VARIANCE_FLOOR * stats.sum_sq / stats.n else variance


class TwoProportionZTest(FrequentistTest):
    """Binary metric: pooled-SE z statistic and p-value, unpooled (Wald) interval."""

    method = "two_proportion_z_test"

    def _validate(self, name: str, stats: SampleStats) -> None:
        super()._validate(name, stats)
        if not 0.0 <= stats.sum <= stats.n or stats.sum != round(stats.sum):
            raise _Invalid(ErrorCode.INVALID_INPUT, f"{name}: conversions must be a whole number in [0, n]")
        if abs(stats.sum_sq - stats.sum) > 1e-9 * max(stats.sum, 1.0):
            raise _Invalid(ErrorCode.INVALID_INPUT, f"{name}: a binary metric needs 0/1 values (sum_sq == sum)")

    def _moments(self, name: str, stats: SampleStats) -> _Moments:
        rate = stats.sum / stats.n
        return _Moments(rate, rate * (1.0 - rate) / stats.n)

    def _null_std_error(self, control: _Moments, treatment: _Moments) -> float:
        n_c, n_t = self.control.n, self.treatment.n
        pooled = (control.mean * n_c + treatment.mean * n_t) / (n_c + n_t)
        return math.sqrt(pooled * (1.0 - pooled) * (1.0 / n_c + 1.0 / n_t))


class WelchTTest(FrequentistTest):
    """Continuous metric: Welch's unequal-variance t-test with Welch–Satterthwaite degrees of freedom."""

    method = "welch_t_test"

    def _moments(self, name: str, stats: SampleStats) -> _Moments:
        return _Moments(stats.sum / stats.n, sample_variance(stats) / stats.n)

    def _df(self, control: _Moments, treatment: _Moments) -> float | None:
        var_c, var_t = control.variance_of_mean, treatment.variance_of_mean
        denominator = var_c * var_c / (self.control.n - 1) + var_t * var_t / (self.treatment.n - 1)
        return (var_c + var_t) * (var_c + var_t) / denominator if denominator > 0.0 else None


class DeltaMethodRatioTest(FrequentistTest):
    """Ratio metric (sum x / sum y per variant, units randomised): delta-method variance and a z-test.

    Var(x̄ / ȳ) ≈ (σx² - 2 R σxy + R² σy²) / (n ȳ²) with R = x̄ / ȳ (Deng, Knoblich and Lu, 2018).
    """

    method = "delta_method_ratio"
    stats_type = RatioStats

    def _validate(self, name: str, stats: RatioStats) -> None:
        super()._validate(name, stats)
        if stats.sum_y == 0.0:
            raise _Invalid(ErrorCode.ZERO_DENOMINATOR, f"{name}: the denominator sums to zero, so there is no ratio")

    def _moments(self, name: str, stats: RatioStats) -> _Moments:
        n = stats.n
        mean_y = stats.sum_y / n
        scale = n * mean_y * mean_y
        if not scale > 0.0:
            raise _Invalid(ErrorCode.ZERO_DENOMINATOR, f"{name}: the denominator's mean is too close to zero")
        ratio = stats.sum_x / stats.sum_y
        spread = sample_variance(stats.numerator) - 2.0 * ratio * stats.covariance
        spread += ratio * ratio * sample_variance(stats.denominator)
        if not (math.isfinite(ratio) and math.isfinite(spread)):
            raise _Invalid(ErrorCode.INVALID_INPUT, f"{name}: the sums are too large for a ratio variance")
        noise_floor = _RELATIVE_VARIANCE_FLOOR * (stats.sum_x2 + ratio * ratio * stats.sum_y2) / n
        return _Moments(ratio, (spread if spread > noise_floor else 0.0) / scale)


TESTS_BY_KIND: dict[str, type[FrequentistTest]] = {
    "binary": TwoProportionZTest,
    "continuous": WelchTTest,
    "ratio": DeltaMethodRatioTest,
}


def make_test(
    kind: MetricKind,
    control: SampleStats | RatioStats | None,
    treatment: SampleStats | RatioStats | None,
    config: FrequentistConfig | None = None,
) -> FrequentistTest:
    """The test for a metric kind ("binary", "continuous" or "ratio")."""
    if kind not in TESTS_BY_KIND:
        raise ValueError(f"kind: must be one of {', '.join(TESTS_BY_KIND)}, got {kind!r}")
    return TESTS_BY_KIND[kind](control, treatment, config)


def compare(
    kind: MetricKind,
    control: SampleStats | RatioStats | None,
    treatment: SampleStats | RatioStats | None,
    config: FrequentistConfig | None = None,
) -> Comparison:
    """Compare treatment with control for a metric kind; see ``make_test``."""
    return make_test(kind, control, treatment, config).compute()
