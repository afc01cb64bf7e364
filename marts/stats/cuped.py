"""CUPED: variance reduction with a pre-period covariate (Deng, Xu, Kohavi and Walker, 2013).

Each unit's metric ``y`` is adjusted by its pre-period covariate ``c``: ``y - theta (c - c_bar)``. Here ``theta`` is
pooled across arms from the within-arm sums,

    theta = sum_k S_yc,k / sum_k S_cc,k        (S_yc,k = sum over arm k of (y - y_bar_k)(c - c_bar_k)),

so the treatment's effect on ``y`` cannot leak into ``theta``. With this ``theta`` the adjusted difference
``(y_bar_t - y_bar_c) - theta (c_bar_t - c_bar_c)`` is exactly the OLS coefficient on the treatment indicator in
``y ~ 1 + treatment + (c - c_bar)``, and ``theta`` is the OLS coefficient on the covariate (Frisch-Waugh-Lovell).

Inference is a Welch-style z-test on the adjusted means (the uncertainty in ``theta`` is ignored, as is standard:
it is O(1/n) relative). The variance reduction ``1 - var_adjusted / var_raw`` of the difference tends to the
squared within-arm correlation of ``y`` and ``c``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from marts.stats.frequentist import Comparison
from marts.stats.results import ErrorCode, finite_or_none
from marts.stats.sufficient import CovariateStats, SampleStats

CUPED_METHOD = "cuped_z_test"
"""``Comparison.method`` of a comparison read from the CUPED-adjusted metric."""


@dataclass(frozen=True)
class CupedConfig:
    """The level of the two-sided test and interval (``1 - alpha`` coverage)."""

    alpha: float = 0.05

    def __post_init__(self) -> None:
        if not (isinstance(self.alpha, int | float) and 0 < self.alpha < 1):
            raise ValueError(f"alpha: must be strictly between 0 and 1, got {self.alpha!r}")


@dataclass(frozen=True)
class CupedResult:
    """The adjusted comparison next to the raw one; numbers are None when ``error`` is set.

    ``variance_reduction`` is ``1 - std_error^2 / raw_std_error^2``; ``correlation`` is the pooled within-arm
    correlation of metric and covariate (its square is the asymptotic variance reduction).
    """

    n_control: int
    n_treatment: int
    theta: float | None = None
    correlation: float | None = None
    adjusted_mean_control: float | None = None
    adjusted_mean_treatment: float | None = None
    abs_lift: float | None = None
    std_error: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    p_value: float | None = None
    rel_lift: float | None = None
    rel_ci_lower: float | None = None
    rel_ci_upper: float | None = None
    raw_abs_lift: float | None = None
    raw_std_error: float | None = None
    raw_ci_lower: float | None = None
    raw_ci_upper: float | None = None
    raw_p_value: float | None = None
    variance_reduction: float | None = None
    error: ErrorCode | None = None
    message: str = ""


def _centered(arm: CovariateStats) -> tuple[float, float, float]:
    """Within-arm centred sums (S_yy, S_cc, S_yc); S_yy and S_cc are never negative."""
    scale = arm.n - 1
    return arm.metric.variance * scale, arm.covariate.variance * scale, arm.covariance * scale


def _adjusted_variance(arm: CovariateStats, theta: float) -> float:
    """Per-unit variance of y - theta c within the arm."""
    value = arm.metric.variance - 2 * theta * arm.covariance + theta**2 * arm.covariate.variance
    return max(value, 0.0)


def _z_inference(estimate: float, std_error: float, alpha: float) -> tuple[float, float, float]:
    """(p-value, lower, upper) of a two-sided z-test and interval."""
    half = float(special.ndtri(1 - alpha / 2)) * std_error
    return min(1.0, 2 * float(special.ndtr(-abs(estimate) / std_error))), estimate - half, estimate + half


def _problem(control: CovariateStats, treatment: CovariateStats) -> tuple[ErrorCode, str] | None:
    for name, arm in (("control", control), ("treatment", treatment)):
        if arm.n == 0:
            return ErrorCode.NO_DATA, f"{name} has no units"
        if arm.n < 2:
            return ErrorCode.TOO_FEW_UNITS, f"{name} has {arm.n} unit; need at least 2"
    return None


def cuped_test(control: CovariateStats, treatment: CovariateStats, config: CupedConfig | None = None) -> CupedResult:
    """Treatment against control on the CUPED-adjusted metric, with the raw comparison for reference."""
    config = config or CupedConfig()
    sizes = {"n_control": control.n, "n_treatment": treatment.n}
    if (problem := _problem(control, treatment)) is not None:
        return CupedResult(**sizes, error=problem[0], message=problem[1])
    (yy_c, cc_c, yc_c), (yy_t, cc_t, yc_t) = _centered(control), _centered(treatment)
    pooled_cc, pooled_yy = cc_c + cc_t, yy_c + yy_t
    theta = (yc_c + yc_t) / pooled_cc if pooled_cc > 0 else 0.0
    correlation = (yc_c + yc_t) / math.sqrt(pooled_cc * pooled_yy) if pooled_cc > 0 and pooled_yy > 0 else 0.0
    message = "" if pooled_cc > 0 else "the covariate is constant within arms: no adjustment"

    pooled_c = (control.sum_c + treatment.sum_c) / (control.n + treatment.n)
    mean_c = control.metric.mean - theta * (control.covariate.mean - pooled_c)
    mean_t = treatment.metric.mean - theta * (treatment.covariate.mean - pooled_c)
    var_c = _adjusted_variance(control, theta) / control.n
    var_t = _adjusted_variance(treatment, theta) / treatment.n
    raw_variance = control.metric.variance / control.n + treatment.metric.variance / treatment.n
    if var_c + var_t <= 0 or raw_variance <= 0:
        return CupedResult(**sizes, error=ErrorCode.ZERO_VARIANCE, message="the adjusted metric has no variance")

    lift, std_error = mean_t - mean_c, math.sqrt(var_c + var_t)
    p_value, lower, upper = _z_inference(lift, std_error, config.alpha)
    raw_lift, raw_std_error = treatment.metric.mean - control.metric.mean, math.sqrt(raw_variance)
    raw_p_value, raw_lower, raw_upper = _z_inference(raw_lift, raw_std_error, config.alpha)
    relative = _relative(mean_c, mean_t, var_c, var_t, config.alpha)
    values = {
        "theta": theta,
        "correlation": correlation,
        "adjusted_mean_control": mean_c,
        "adjusted_mean_treatment": mean_t,
        "abs_lift": lift,
        "std_error": std_error,
        "ci_lower": lower,
        "ci_upper": upper,
        "p_value": p_value,
        "raw_abs_lift": raw_lift,
        "raw_std_error": raw_std_error,
        "raw_ci_lower": raw_lower,
        "raw_ci_upper": raw_upper,
        "raw_p_value": raw_p_value,
        "variance_reduction": 1 - (var_c + var_t) / raw_variance,
    }
    checked = {key: finite_or_none(value) for key, value in values.items()}
    if any(value is None for value in checked.values()):
        return CupedResult(**sizes, error=ErrorCode.ZERO_VARIANCE, message="the adjusted metric has no variance")
    return CupedResult(**sizes, **checked, **relative, message=message)


def _relative(mean_c: float, mean_t: float, var_c: float, var_t: float, alpha: float) -> dict[str, float | None]:
    """The relative lift of the adjusted means and its delta-method interval (None when the control mean is 0)."""
    if mean_c == 0:
        return {}
    rel = mean_t / mean_c - 1
    std_error = math.sqrt(var_t / mean_c**2 + var_c * mean_t**2 / mean_c**4)
    _, lower, upper = _z_inference(rel, std_error, alpha)
    return {
        "rel_lift": finite_or_none(rel),
        "rel_ci_lower": finite_or_none(lower),
        "rel_ci_upper": finite_or_none(upper),
    }


def adjusted_stats(control: CovariateStats, treatment: CovariateStats, theta: float) -> tuple[SampleStats, SampleStats]:
    """Each arm's sufficient statistics of the adjusted metric ``y - theta (c - c_bar)`` (``c_bar`` pooled).

    They are exactly the statistics of the per-unit adjusted values, so any test that reads ``SampleStats``
    (the Bayesian normal model, the always-valid test, the MDE) reads the CUPED-adjusted metric through them.
    """
    pooled_c = (control.sum_c + treatment.sum_c) / (control.n + treatment.n)
    return _adjusted_arm(control, theta, pooled_c), _adjusted_arm(treatment, theta, pooled_c)


def _adjusted_arm(arm: CovariateStats, theta: float, pooled_c: float) -> SampleStats:
    mean = arm.metric.mean - theta * (arm.covariate.mean - pooled_c)
    variance = _adjusted_variance(arm, theta)
    return SampleStats(arm.n, arm.n * mean, (arm.n - 1) * variance + arm.n * mean * mean)


def cuped_comparison(result: CupedResult, adjusted: tuple[SampleStats, SampleStats], alpha: float) -> Comparison:
    """A successful ``cuped_test`` as a ``Comparison``, so that the family adjustment, guardrails and the ship rule
    read the CUPED estimate exactly as they read a raw one (a z reference: ``df`` is None).

    Args:
        result: a ``cuped_test`` result without ``error``.
        adjusted: ``adjusted_stats`` at ``result.theta``; they give the relative lift's standard error.
        alpha: the level ``result`` was computed at.
    """
    control, treatment = adjusted
    base = {
        "method": CUPED_METHOD,
        "alternative": "two-sided",
        "alpha": alpha,
        "n_control": result.n_control,
        "n_treatment": result.n_treatment,
        "control_mean": result.adjusted_mean_control,
        "treatment_mean": result.adjusted_mean_treatment,
        "abs_lift": result.abs_lift,
        "abs_ci": (result.ci_lower, result.ci_upper),
        "p_value": result.p_value,
        "statistic": finite_or_none(result.abs_lift / result.std_error),
        "std_error": result.std_error,
        "message": result.message,
    }
    if result.rel_lift is None:
        message = (
            "the adjusted control mean is zero, so there is no relative lift (the absolute lift and p-value stand)"
        )
        return Comparison(**base | {"message": message}, error=ErrorCode.ZERO_BASELINE)
    var_c, var_t = control.variance / control.n, treatment.variance / treatment.n
    rel_std_error = math.sqrt(var_t + (result.rel_lift + 1.0) ** 2 * var_c) / abs(control.mean)
    return Comparison(
        **base,
        rel_lift=result.rel_lift,
        rel_ci=(result.rel_ci_lower, result.rel_ci_upper),
        rel_std_error=finite_or_none(rel_std_error),
    )
