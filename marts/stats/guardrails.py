"""Guardrails: one-sided non-inferiority tests ("did the treatment not make this metric worse by more than a margin?").

The margin is the largest harm we accept, either in the metric's units (``relative=False``) or as a share of the
control mean (``relative=True``, tested on the delta-method relative lift). The bad direction follows the metric's
``higher_is_better``. Non-inferiority is shown when the one-sided 1 - alpha bound on the bad side stays within the
margin, i.e. when the test of H0 "harm >= margin" rejects. The interval uses the comparison's standard error (the
unpooled one for proportions) and its reference distribution (t with Welch df, or normal).

Verdicts: ``non_inferior`` (shown), ``harmed`` (significantly worse than control and not shown within the margin),
``inconclusive`` (neither yet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from marts.display import MINUS, percent
from marts.stats.frequentist import Comparison, cdf, quantile
from marts.stats.results import ErrorCode, finite_or_none
from marts.vocabulary import p_phrase

GuardrailVerdict = Literal["non_inferior", "inconclusive", "harmed"]


@dataclass(frozen=True)
class GuardrailConfig:
    """A guardrail's non-inferiority margin.

    Attributes:
        margin: the largest tolerated harm, >= 0 (0.02 with ``relative`` means 2% of the control mean).
        relative: whether ``margin`` is a share of the control mean (True) or in the metric's units (False).
        higher_is_better: the metric's good direction; harm is a move the other way.
        alpha: the one-sided significance level.
    """

    margin: float
    relative: bool = True
    higher_is_better: bool = True
    alpha: float = 0.05

    def __post_init__(self) -> None:
        if not (math.isfinite(self.margin) and self.margin >= 0.0):
            raise ValueError(f"margin: must be a finite number >= 0 (the tolerated harm), got {self.margin!r}")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha: must be strictly between 0 and 1, got {self.alpha!r}")


@dataclass(frozen=True)
class GuardrailResult:
    """The verdict on one guardrail metric in one treatment variant.

    Attributes:
        metric, variant: labels for reasons and reports.
        verdict: "non_inferior", "inconclusive" or "harmed".
        reasons: the verdict in plain words.
        comparison: the underlying comparison.
        config: the margin, scale, direction and alpha used.
        estimate: the lift on the margin's scale (relative or absolute).
        bound: the one-sided 1 - alpha bound on the bad side of ``estimate``.
        p_value: the non-inferiority p-value (H0: harm >= margin).
        harm_p_value: the one-sided p-value of H0 "no harm" against "worse than control".
        error, message: why a number is missing, from the comparison or the margin's scale.
    """

    metric: str
    variant: str
    verdict: GuardrailVerdict
    comparison: Comparison
    config: GuardrailConfig
    reasons: list[str] = field(default_factory=list)
    estimate: float | None = None
    bound: float | None = None
    p_value: float | None = None
    harm_p_value: float | None = None
    error: ErrorCode | None = None
    message: str = ""

    @property
    def non_inferior(self) -> bool:
        return self.verdict == "non_inferior"

    def to_dict(self) -> dict[str, Any]:
        """The verdict and its numbers as plain JSON values (each report adds the labels it needs)."""
        return {
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "margin": self.config.margin,
            "estimate": finite_or_none(self.estimate),
            "bound": finite_or_none(self.bound),
            "bound_side": "lower" if self.config.higher_is_better else "upper",
            "bound_confidence": 1.0 - self.config.alpha,
            "p_value": finite_or_none(self.p_value),
            "error": self.error.value if self.error else None,
            "message": self.message,
        }


def check_guardrail(
    comparison: Comparison, config: GuardrailConfig, *, metric: str = "", variant: str = ""
) -> GuardrailResult:
    """Test one guardrail comparison for non-inferiority within ``config.margin``."""
    label = " in ".join(part for part in (metric or "guardrail", variant) if part)
    sign = 1.0 if config.higher_is_better else -1.0
    harm_p_value = None
    if comparison.statistic is not None:
        harm_p_value = finite_or_none(cdf(sign * comparison.statistic, comparison.df))

    if config.relative:
        estimate, std_error = comparison.rel_lift, comparison.rel_std_error
    else:
        estimate, std_error = comparison.abs_lift, comparison.std_error
    base = {"metric": metric, "variant": variant, "comparison": comparison, "config": config}
    harmed = harm_p_value is not None and harm_p_value < config.alpha
    if estimate is None or std_error is None:
        message = comparison.message or "the comparison has no estimate on the margin's scale"
        verdict: GuardrailVerdict = "harmed" if harmed else "inconclusive"
        reason = f"{label}: cannot test non-inferiority ({message})"
        if harmed:
            reason += f"; it is significantly worse than control (one-sided {p_phrase(harm_p_value)})"
        error = comparison.error or ErrorCode.INVALID_INPUT
        return GuardrailResult(
            **base, verdict=verdict, reasons=[reason], harm_p_value=harm_p_value, error=error, message=message
        )

    # Work on the "good direction" scale, where harm is negative and the margin sits at -margin.
    good_change = sign * estimate
    q = quantile(1.0 - config.alpha, comparison.df)
    worst = good_change - q * std_error
    if std_error > 0.0:
        p_value = cdf(-(good_change + config.margin) / std_error, comparison.df)
    else:
        p_value = 0.0 if good_change > -config.margin else 1.0
    p_value = finite_or_none(p_value)
    shown = p_value is not None and p_value < config.alpha
    verdict = "non_inferior" if shown else "harmed" if harmed else "inconclusive"
    reason = _reason(label, verdict, config, sign * worst, p_value, harm_p_value)
    return GuardrailResult(
        **base,
        verdict=verdict,
        reasons=[reason],
        estimate=finite_or_none(estimate),
        bound=finite_or_none(sign * worst),
        p_value=p_value,
        harm_p_value=harm_p_value,
    )


def _amount(value: float, relative: bool) -> str:
    """A signed bound or margin as the results page writes numbers ("−10.00%", "+0.25"), minus sign included."""
    return percent(value, signed=True) if relative else f"{value:+.4g}".replace("-", MINUS)


def _reason(
    label: str,
    verdict: GuardrailVerdict,
    config: GuardrailConfig,
    bound: float,
    p_value: float | None,
    harm_p_value: float | None,
) -> str:
    confidence = f"{1.0 - config.alpha:.0%}"
    margin = _amount(-config.margin if config.higher_is_better else config.margin, config.relative)
    side = "lower" if config.higher_is_better else "upper"
    found = f"{label}: the {side} one-sided {confidence} bound of the change is {_amount(bound, config.relative)}"
    if verdict == "non_inferior":
        return f"{found}, within the {margin} margin, so it is non-inferior ({p_phrase(p_value)})."
    if verdict == "harmed":
        return (
            f"{found}, past the {margin} margin, and the metric is significantly worse than control "
            f"(one-sided {p_phrase(harm_p_value)}): harmed."
        )
    return f"{found}, past the {margin} margin, so non-inferiority is not shown yet ({p_phrase(p_value)})."
