"""Bayesian comparisons of a treatment with control: chance to beat control, expected loss, credible interval.

Two models, each stating its prior in the result:
- ``bayesian_normal``: gbstats' normal model on the lift (relative by default). The data give a normal likelihood
  for the lift (delta method for the relative lift); the prior is flat unless a ``NormalPrior`` is set, and the
  posterior is the conjugate normal.
- ``bayesian_beta_binomial``: a Beta-Binomial model for conversion rates, Beta(1, 1) (uniform) prior by default.
  Chance to beat, expected losses and the credible interval are exact one-dimensional integrals over one
  posterior (the narrower) of closed forms in the other, computed by Gauss-Hermite quadrature on the probit scale
  (the posterior's quantile at Phi(z), z standard normal), O(1) per comparison.

Expected loss is on the lift's scale: ``expected_loss_treatment = E[max(0, -lift)]`` (what shipping the treatment
costs if it is worse) and ``expected_loss_control = E[max(0, lift)]`` (what keeping control costs if the treatment
is better); their difference is the posterior mean lift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, cached_property

import numpy as np
from scipy import optimize, special, stats

from marts.stats.results import ErrorCode, finite_or_none
from marts.stats.sufficient import SampleStats

_NODES = 64  # Gauss-Hermite nodes; Evan Miller's exact sum agrees to ~1e-11 (see tests)


@dataclass(frozen=True)
class NormalPrior:
    """A proper normal prior on the lift (on the configured scale): mean and variance > 0."""

    mean: float = 0.0
    variance: float = 0.3**2

    def __post_init__(self) -> None:
        if not math.isfinite(self.mean):
            raise ValueError(f"mean: must be finite, got {self.mean!r}")
        if not (math.isfinite(self.variance) and self.variance > 0):
            raise ValueError(f"variance: must be a finite number > 0, got {self.variance!r}")


@dataclass(frozen=True)
class BetaPrior:
    """A Beta(alpha, beta) prior on each variant's conversion rate."""

    alpha: float = 1.0
    beta: float = 1.0

    def __post_init__(self) -> None:
        for name in ("alpha", "beta"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name}: must be a finite number > 0, got {value!r}")


@dataclass(frozen=True)
class BayesianConfig:
    """How a Bayesian comparison is reported.

    Attributes:
        relative: the lift is ``treatment / control - 1`` (else ``treatment - control``).
        ci_level: the credible interval's probability, in (0, 1).
        normal_prior: the normal model's prior on the lift; None is flat (uninformative).
        beta_prior: the Beta-Binomial model's prior on each rate.
    """

    relative: bool = True
    ci_level: float = 0.95
    normal_prior: NormalPrior | None = None
    beta_prior: BetaPrior = field(default_factory=BetaPrior)

    def __post_init__(self) -> None:
        if not (isinstance(self.ci_level, int | float) and 0 < self.ci_level < 1):
            raise ValueError(f"ci_level: must be strictly between 0 and 1, got {self.ci_level!r}")

    @property
    def scale(self) -> str:
        return "relative" if self.relative else "absolute"


@dataclass(frozen=True)
class BayesianResult:
    """A Bayesian comparison; numbers are None when ``error`` is set.

    ``lift_std`` is the posterior standard deviation (for the Beta model's relative lift, its delta-method value).
    """

    model: str
    scale: str
    prior: str
    chance_to_beat_control: float | None
    expected_loss_treatment: float | None
    expected_loss_control: float | None
    lift_mean: float | None
    lift_std: float | None
    ci_lower: float | None
    ci_upper: float | None
    ci_level: float
    error: ErrorCode | None = None
    message: str = ""


def _failure(model: str, config: BayesianConfig, prior: str, error: ErrorCode, message: str) -> BayesianResult:
    return BayesianResult(
        model, config.scale, prior, None, None, None, None, None, None, None, config.ci_level, error, message
    )


def _finite_result(model: str, config: BayesianConfig, prior: str, values: dict[str, float]) -> BayesianResult:
    """A result from raw numbers, or a typed failure if any number is not finite."""
    checked = {key: finite_or_none(value) for key, value in values.items()}
    if any(value is None for value in checked.values()):
        return _failure(model, config, prior, ErrorCode.ZERO_VARIANCE, "the posterior is degenerate")
    return BayesianResult(model, config.scale, prior, ci_level=config.ci_level, **checked)


# The normal model.


def _normal_prior_text(config: BayesianConfig) -> str:
    prior = config.normal_prior
    if prior is None:
        return f"flat (improper) prior on the {config.scale} lift"
    sd = math.sqrt(prior.variance)
    return f"normal prior on the {config.scale} lift: mean {prior.mean:g}, variance {prior.variance:g} (sd {sd:g})"


def _lift_likelihood(
    control: SampleStats, treatment: SampleStats, relative: bool
) -> tuple[float, float] | tuple[ErrorCode, str]:
    """The lift's estimate and variance from the data, or the reason there is none."""
    for name, arm in (("control", control), ("treatment", treatment)):
        if arm.n == 0:
            return ErrorCode.NO_DATA, f"{name} has no units"
        if arm.n < 2:
            return ErrorCode.TOO_FEW_UNITS, f"{name} has {arm.n} unit; need at least 2"
    var_c, var_t = control.variance / control.n, treatment.variance / treatment.n
    if var_c + var_t == 0:
        return ErrorCode.ZERO_VARIANCE, "every unit has the same value in both variants"
    mean_c, mean_t = control.mean, treatment.mean
    if not relative:
        return mean_t - mean_c, var_c + var_t
    if mean_c == 0:
        return ErrorCode.ZERO_BASELINE, "the control mean is zero: no relative lift"
    return mean_t / mean_c - 1.0, var_t / mean_c**2 + var_c * mean_t**2 / mean_c**4


def normal_losses(mean: float, std: float) -> tuple[float, float]:
    """(E[max(0, -X)], E[max(0, X)]) for X ~ Normal(mean, std^2)."""
    z = mean / std
    loss_negative = std * stats.norm.pdf(z) - mean * stats.norm.cdf(-z)
    return float(loss_negative), float(loss_negative + mean)


def bayesian_normal(
    control: SampleStats, treatment: SampleStats, config: BayesianConfig | None = None
) -> BayesianResult:
    """The normal model on the lift (gbstats' effect model) with a flat or normal prior."""
    config = config or BayesianConfig()
    model, prior_text = "normal", _normal_prior_text(config)
    likelihood = _lift_likelihood(control, treatment, config.relative)
    if isinstance(likelihood[0], ErrorCode):
        return _failure(model, config, prior_text, *likelihood)
    estimate, variance = likelihood
    if config.normal_prior is not None:
        precision = 1.0 / variance + 1.0 / config.normal_prior.variance
        estimate = (estimate / variance + config.normal_prior.mean / config.normal_prior.variance) / precision
        variance = 1.0 / precision
    std = math.sqrt(variance)
    loss_treatment, loss_control = normal_losses(estimate, std)
    z = stats.norm.isf((1 - config.ci_level) / 2)
    values = {
        "chance_to_beat_control": stats.norm.cdf(estimate / std),
        "expected_loss_treatment": loss_treatment,
        "expected_loss_control": loss_control,
        "lift_mean": estimate,
        "lift_std": std,
        "ci_lower": estimate - z * std,
        "ci_upper": estimate + z * std,
    }
    return _finite_result(model, config, prior_text, values)


# The Beta-Binomial model.


@cache
def _probit_nodes() -> tuple[np.ndarray, np.ndarray]:
    """Probabilities Phi(z_i) and weights w_i with E[g(U)] ~ sum w_i g(Phi(z_i)) for U uniform on (0, 1)."""
    z, weights = np.polynomial.hermite_e.hermegauss(_NODES)
    return special.ndtr(z), weights / math.sqrt(2 * math.pi)


@dataclass(frozen=True)
class _Beta:
    """One posterior Beta(a, b) and the integrals of it the comparisons need."""

    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    @property
    def variance(self) -> float:
        total = self.a + self.b
        return self.a * self.b / (total**2 * (total + 1))

    @property
    def inverse_mean(self) -> float:
        """E[1/X], finite for a > 1."""
        return (self.a + self.b - 1) / (self.a - 1)

    def cdf(self, x):
        return special.betainc(self.a, self.b, np.clip(x, 0.0, 1.0))

    def quantiles(self, u: np.ndarray) -> np.ndarray:
        return special.betaincinv(self.a, self.b, u)

    def mean_below(self, x):
        """E[max(0, x - X)] = x F(x) - mean * F_{a+1,b}(x)."""
        x = np.clip(x, 0.0, 1.0)
        return x * self.cdf(x) - self.mean * special.betainc(self.a + 1, self.b, x)

    def mean_above(self, x):
        """E[max(0, X - x)] = mean * (1 - F_{a+1,b}(x)) - x (1 - F(x))."""
        x = np.clip(x, 0.0, 1.0)
        return self.mean * (1 - special.betainc(self.a + 1, self.b, x)) - x * (1 - self.cdf(x))

    def relative_shortfall(self, y):
        """E[max(0, 1 - y / X)] = (1 - F(y)) - y E[1/X] (1 - F_{a-1,b}(y)), for a > 1."""
        y = np.clip(y, 0.0, 1.0)
        return (1 - self.cdf(y)) - y * self.inverse_mean * (1 - special.betainc(self.a - 1, self.b, y))


def _per_control_rate(amount: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """``amount / rate``, 0 where a far-tail node's rate underflows to 0 (there the amount is 0 too)."""
    return np.divide(amount, rate, out=np.zeros_like(amount), where=rate > 0)


def _unchanged(amount: np.ndarray, rate: np.ndarray) -> np.ndarray:
    return amount


@dataclass(frozen=True)
class _BetaComparison:
    """Exact posterior integrals for the lift of treatment ``t`` over control ``c``.

    Each is an expectation over the narrower posterior (the outer one, by Gauss-Hermite quadrature on its probit
    scale) of a closed form in the other, which is smooth on that range.
    """

    c: _Beta
    t: _Beta
    relative: bool

    @property
    def control_outer(self) -> bool:
        return self.c.variance <= self.t.variance

    @cached_property
    def _outer_nodes(self) -> np.ndarray:
        outer = self.c if self.control_outer else self.t
        return outer.quantiles(_probit_nodes()[0])

    def _expect(self, function) -> float:
        return float(np.dot(_probit_nodes()[1], function(self._outer_nodes)))

    def chance_to_beat(self) -> float:
        if self.control_outer:
            return self._expect(lambda x: 1 - self.t.cdf(x))
        return self._expect(self.c.cdf)

    def losses(self) -> tuple[float, float]:
        """(E[max(0, -lift)], E[max(0, lift)])."""
        c, t = self.c, self.t
        if self.control_outer:
            per_unit = _per_control_rate if self.relative else _unchanged
            return (
                self._expect(lambda x: per_unit(t.mean_below(x), x)),
                self._expect(lambda x: per_unit(t.mean_above(x), x)),
            )
        if not self.relative:
            return self._expect(c.mean_above), self._expect(c.mean_below)
        shortfall = self._expect(c.relative_shortfall)
        return shortfall, t.mean * c.inverse_mean - 1 + shortfall

    def lift_mean(self) -> float:
        if self.relative:
            return self.t.mean * self.c.inverse_mean - 1
        return self.t.mean - self.c.mean

    def lift_std(self) -> float:
        """Exact for the absolute lift; the delta method's for the relative lift."""
        c, t = self.c, self.t
        if not self.relative:
            return math.sqrt(c.variance + t.variance)
        return math.sqrt(t.variance / c.mean**2 + c.variance * t.mean**2 / c.mean**4)

    def cdf(self, lift: float) -> float:
        """P(lift <= ``lift``)."""
        c, t = self.c, self.t
        if self.relative:
            if lift <= -1:
                return 0.0
            if self.control_outer:
                return self._expect(lambda x: t.cdf((1 + lift) * x))
            return self._expect(lambda y: 1 - c.cdf(y / (1 + lift)))
        if self.control_outer:
            return self._expect(lambda x: t.cdf(x + lift))
        return self._expect(lambda y: 1 - c.cdf(y - lift))

    def quantile(self, probability: float) -> float:
        center, spread = self.lift_mean(), self.lift_std()
        floor = -1.0  # both lifts are at least -1
        low, high = max(center - 12 * spread, floor), center + 12 * spread
        while low > floor and self.cdf(low) > probability:
            low = max(floor, center - 2 * (center - low))
        while self.cdf(high) < probability:
            high = center + 2 * (high - center)
        return optimize.brentq(lambda x: self.cdf(x) - probability, low, high, xtol=1e-12, rtol=1e-10)


def _beta_prior_text(config: BayesianConfig) -> str:
    prior = config.beta_prior
    uniform = " (uniform)" if prior.alpha == 1 and prior.beta == 1 else ""
    return f"Beta({prior.alpha:g}, {prior.beta:g}) prior{uniform} on each variant's conversion rate"


def _conversions(name: str, arm: SampleStats) -> tuple[ErrorCode, str] | None:
    """Why ``arm`` is not a binary metric's statistics, or None."""
    if arm.n == 0:
        return ErrorCode.NO_DATA, f"{name} has no units"
    successes = arm.sum
    if not (0 <= successes <= arm.n and float(successes).is_integer()):
        return ErrorCode.INVALID_INPUT, f"{name}: conversions must be a whole number in [0, n={arm.n}], got {successes}"
    return None


def bayesian_beta_binomial(
    control: SampleStats, treatment: SampleStats, config: BayesianConfig | None = None
) -> BayesianResult:
    """The Beta-Binomial model for two conversion rates (``SampleStats.from_proportion``)."""
    config = config or BayesianConfig()
    model, prior_text = "beta_binomial", _beta_prior_text(config)
    for name, arm in (("control", control), ("treatment", treatment)):
        if (problem := _conversions(name, arm)) is not None:
            return _failure(model, config, prior_text, *problem)
    if config.relative and control.sum == 0:
        return _failure(model, config, prior_text, ErrorCode.ZERO_BASELINE, "control has no conversions")
    prior = config.beta_prior
    comparison = _BetaComparison(
        _Beta(prior.alpha + control.sum, prior.beta + control.n - control.sum),
        _Beta(prior.alpha + treatment.sum, prior.beta + treatment.n - treatment.sum),
        config.relative,
    )
    loss_treatment, loss_control = comparison.losses()
    tail = (1 - config.ci_level) / 2
    values = {
        "chance_to_beat_control": comparison.chance_to_beat(),
        "expected_loss_treatment": max(loss_treatment, 0.0),
        "expected_loss_control": max(loss_control, 0.0),
        "lift_mean": comparison.lift_mean(),
        "lift_std": comparison.lift_std(),
        "ci_lower": comparison.quantile(tail),
        "ci_upper": comparison.quantile(1 - tail),
    }
    return _finite_result(model, config, prior_text, values)
