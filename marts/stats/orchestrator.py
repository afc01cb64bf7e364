"""The one orchestrator: per-variant sufficient statistics in, the results readout (``readout.Readout``) out.

The Lab (``marts.results``, from SQL sums over the ``experiment_users`` mart) and ``novarium analyze``
(``marts.stats.analysis``, from unit-level data) only gather sufficient statistics and call ``build_readout``.

For every metric × treatment variant against control it reads the chosen analysis:
- without CUPED, the fixed-horizon test of the metric's kind (``frequentist.compare``);
- with CUPED, the CUPED-adjusted comparison (``cuped.cuped_test`` as a ``Comparison``); a ratio metric, a metric
  without covariate statistics or degenerate data fall back to the raw test, and the comparison says so.

From that one comparison follow the family-adjusted p-value (Holm or Benjamini–Hochberg across goal metrics ×
variants; guardrail-only metrics stay out of the family), the guardrail's one-sided non-inferiority bound and the
ship rule. The Bayesian chance to beat control and expected loss (relative lift, metric's good direction), the
always-valid (mSPRT) test and the MDE read the same metric: the raw one, or the adjusted one through
``cuped.adjusted_stats``. Segment breakdowns read each segment the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from scipy import special

from marts.metrics import MetricKind
from marts.stats.bayesian import BayesianConfig, BayesianResult, bayesian_beta_binomial, bayesian_normal, normal_losses
from marts.stats.cuped import CUPED_METHOD, CupedConfig, CupedResult, adjusted_stats, cuped_comparison, cuped_test
from marts.stats.decision import decide
from marts.stats.frequentist import Comparison, FrequentistConfig, compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.multiple import CORRECTIONS, Correction, GoalComparison, adjust_goals
from marts.stats.power import MdeResult, MeanMetric, PowerConfig, ProportionMetric, minimum_detectable_effect
from marts.stats.readout import (
    MDE_POWER,
    Analysis,
    MetricReadout,
    Readout,
    Role,
    SegmentReadout,
    SequentialReading,
    VariantComparison,
    VariantSummary,
)
from marts.stats.results import ErrorCode, finite_or_none
from marts.stats.segments import segment_breakdown
from marts.stats.sequential import SequentialConfig, always_valid_test
from marts.stats.srm import check_srm
from marts.stats.sufficient import CovariateStats, RatioStats, SampleStats
from marts.stats.units import GuardrailMargin

FLAT_PRIOR = "flat (improper) prior on the relative lift"


@dataclass(frozen=True)
class ArmStats:
    """One metric in one variant (or one segment of it): its sufficient statistics and, for CUPED, the metric's
    sums with the pre-period covariate (None without a covariate or for a ratio metric)."""

    stats: SampleStats | RatioStats
    covariate: CovariateStats | None = None


@dataclass(frozen=True)
class MetricInput:
    """A metric's definition and its statistics per variant (and per variant × segment for a breakdown)."""

    key: str
    kind: MetricKind
    role: Role
    arms: Mapping[str, ArmStats]
    segments: Mapping[str, Mapping[str, ArmStats]] = field(default_factory=dict)
    higher_is_better: bool = True
    guardrail: GuardrailMargin | None = None
    label: str = ""
    description: str = ""


@dataclass(frozen=True)
class _Reading:
    """The comparison the analysis shows, CUPED's details and the statistics of the metric it read."""

    comparison: Comparison
    cuped: CupedResult | None
    stats: tuple[SampleStats, SampleStats] | None


def build_readout(
    metrics: Sequence[MetricInput],
    *,
    variants: Sequence[str],
    counts: Mapping[str, int],
    expected_share: Mapping[str, float],
    alpha: float = 0.05,
    correction: Correction = "holm",
    cuped: bool = False,
    covariate: str | None = None,
    planned_units: int | None = None,
    segment_dimension: str | None = None,
    experiment_key: str = "",
    message: str = "",
    warnings: Sequence[str] = (),
) -> Readout:
    """The readout of one experiment, every figure read from one analysis (CUPED or not).

    Args:
        metrics: goal metrics first (the primary first), then guardrail-only metrics.
        variants: the variants, control first.
        counts: units per variant (for the SRM check and the users count).
        expected_share: the planned share per variant.
        alpha: the significance level of every test (one-sided for guardrails).
        correction: the adjustment across goal metrics × variants, and across a breakdown's segments.
        cuped: read every comparison CUPED can adjust from the CUPED-adjusted metric.
        covariate: the covariate's name, for the readout's label.
        planned_units: units per comparison (control + treatment) planned. It tunes the always-valid test, and
            until each arm holds half of it (``horizon_reached``) an undecided verdict reads keep_running. None
            takes the observed units as complete.
        segment_dimension: the breakdown's dimension (``MetricInput.segments`` holds its statistics), or None.

    Raises:
        ValueError: naming the argument and the rule it breaks.
    """
    _check(variants, alpha, correction, planned_units)
    control = variants[0]
    srm = check_srm({name: int(counts.get(name, 0)) for name in variants}, dict(expected_share))
    rows = [
        [_compare(metric, control, name, alpha, cuped, planned_units) for name in variants[1:]] for metric in metrics
    ]

    goals = [
        GoalComparison(metric.key, item.variant, item.comparison, metric.higher_is_better)
        for metric, items in zip(metrics, rows, strict=True)
        if metric.role != "guardrail"
        for item in items
    ]
    adjusted = adjust_goals(goals, correction)
    by_goal = {(a.metric, a.variant): a.adjusted_p_value for a in adjusted}
    rows = [
        [replace(item, adjusted_p_value=by_goal.get((metric.key, item.variant))) for item in items]
        for metric, items in zip(metrics, rows, strict=True)
    ]
    guardrails = [item.guardrail for items in rows for item in items if item.guardrail is not None]
    decisions = tuple(
        decide(
            name,
            adjusted,
            guardrails,
            srm,
            horizon_reached=horizon_reached(counts.get(control, 0), counts.get(name, 0), planned_units),
        )
        for name in variants[1:]
    )
    readouts = tuple(_metric_readout(metric, variants, items) for metric, items in zip(metrics, rows, strict=True))
    segments = (
        () if segment_dimension is None else _segments(metrics, variants, alpha, correction, cuped, segment_dimension)
    )
    return Readout(
        analysis=Analysis(cuped, covariate if cuped else None),
        alpha=alpha,
        correction=correction,
        control=control,
        variants=tuple(variants),
        users=sum(int(counts.get(name, 0)) for name in variants),
        srm=srm,
        metrics=readouts,
        decisions=decisions,
        segments=segments,
        family_size=adjusted[0].family_size if adjusted else 0,
        planned_units=planned_units,
        segment_dimension=segment_dimension,
        experiment_key=experiment_key,
        message=message,
        warnings=tuple(warnings),
    )


def horizon_reached(control: int, treatment: int, planned_units: int | None) -> bool:
    """Whether the planned sample is in for one comparison: each arm holds its half of ``planned_units`` (the
    builder's users per variant), as the results page and the retrospective state it (``marts.planned``: the
    smallest variant against the plan). None plans nothing, so the data is complete."""
    return planned_units is None or min(control, treatment) >= planned_units // 2


def _check(variants: Sequence[str], alpha: float, correction: str, planned_units: int | None) -> None:
    if len(set(variants)) != len(variants) or len(variants) < 2:
        raise ValueError(f"variants: need at least two variants with distinct names, got {list(variants)!r}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha: must be strictly between 0 and 1, got {alpha!r}")
    if correction not in CORRECTIONS:
        raise ValueError(f"correction: must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    if planned_units is not None and not (isinstance(planned_units, int) and planned_units >= 2):
        raise ValueError(f"planned_units: must be an integer >= 2, got {planned_units!r}")


# ----- one comparison ------------------------------------------------------------------------------------------


def read(kind: MetricKind, control: ArmStats | None, treatment: ArmStats | None, alpha: float, cuped: bool) -> _Reading:
    """Treatment against control in the chosen analysis (CUPED where it applies, else the raw test)."""
    config = FrequentistConfig(alpha=alpha)
    raw = compare(kind, control.stats if control else None, treatment.stats if treatment else None, config)
    plain = None if kind == "ratio" or control is None or treatment is None else (control.stats, treatment.stats)
    if not cuped or plain is None or control.covariate is None or treatment.covariate is None:
        return _Reading(raw, None, plain)
    result = cuped_test(control.covariate, treatment.covariate, CupedConfig(alpha))
    if result.error is not None or result.theta is None:
        return _Reading(raw, result, plain)
    adjusted = adjusted_stats(control.covariate, treatment.covariate, result.theta)
    return _Reading(cuped_comparison(result, adjusted, alpha), result, adjusted)


def _compare(
    metric: MetricInput, control: str, name: str, alpha: float, cuped: bool, planned_units: int | None
) -> VariantComparison:
    """Everything about one treatment against control for one metric, except the family adjustment."""
    reading = read(metric.kind, metric.arms.get(control), metric.arms.get(name), alpha, cuped)
    comparison = reading.comparison
    guardrail = None
    if metric.guardrail is not None:
        margin = metric.guardrail
        config = GuardrailConfig(margin.margin, margin.relative, metric.higher_is_better, alpha)
        guardrail = check_guardrail(comparison, config, metric=metric.key, variant=name)
    sequential = mde = None
    if reading.stats is not None:
        stats_c, stats_t = reading.stats
        planned = planned_units or max(stats_c.n + stats_t.n, 2)
        result = always_valid_test(stats_c, stats_t, SequentialConfig(alpha=alpha, planned_units=planned))
        sequential = SequentialReading(result, planned)
        binary = metric.kind == "binary" and comparison.method != CUPED_METHOD
        mde = _mde(binary, stats_c, stats_t, alpha)
    return VariantComparison(
        variant=name,
        vs=control,
        comparison=comparison,
        bayesian=_bayesian(metric.kind, reading),
        cuped=reading.cuped,
        higher_is_better=metric.higher_is_better,
        sequential=sequential,
        mde=mde,
        guardrail=guardrail,
    )


def _bayesian(kind: MetricKind, reading: _Reading) -> BayesianResult:
    """The chance to beat control and expected loss on the relative lift of the metric the reading read."""
    config = BayesianConfig(relative=True)
    if reading.stats is None:  # a ratio metric (or no data): the normal model on the delta-method relative lift
        return _normal_on(reading.comparison, config)
    control, treatment = reading.stats
    if kind == "binary" and reading.comparison.method != CUPED_METHOD:
        return bayesian_beta_binomial(control, treatment, config)
    return bayesian_normal(control, treatment, config)


def _normal_on(comparison: Comparison, config: BayesianConfig) -> BayesianResult:
    mean, std = comparison.rel_lift, comparison.rel_std_error
    if mean is None or not std:
        code = comparison.error or ErrorCode.ZERO_VARIANCE
        message = comparison.message or "no relative lift to put a posterior on"
        nothing = dict.fromkeys(("chance_to_beat_control", "expected_loss_treatment", "expected_loss_control"))
        return BayesianResult(
            "normal", "relative", FLAT_PRIOR, **nothing, lift_mean=None, lift_std=None, ci_lower=None,
            ci_upper=None, ci_level=config.ci_level, error=code, message=message,
        )  # fmt: skip
    loss_treatment, loss_control = normal_losses(mean, std)
    z = float(special.ndtri(1 - (1 - config.ci_level) / 2))
    return BayesianResult(
        "normal",
        "relative",
        FLAT_PRIOR,
        chance_to_beat_control=finite_or_none(special.ndtr(mean / std)),
        expected_loss_treatment=finite_or_none(loss_treatment),
        expected_loss_control=finite_or_none(loss_control),
        lift_mean=mean,
        lift_std=std,
        ci_lower=finite_or_none(mean - z * std),
        ci_upper=finite_or_none(mean + z * std),
        ci_level=config.ci_level,
    )


def _mde(binary: bool, control: SampleStats, treatment: SampleStats, alpha: float) -> MdeResult:
    """The MDE at the control's units and this treatment's split (Cohen's h for a raw binary metric)."""
    n = control.n
    if n < 2 or treatment.n < 1:
        return MdeResult(n, None, None, None, ErrorCode.TOO_FEW_UNITS, f"control has {n} unit(s); need at least 2")
    if binary:
        if not 0.0 < control.mean < 1.0:
            message = f"the control rate is {control.mean:g}, so there is no variation to size an effect against"
            return MdeResult(n, None, None, None, ErrorCode.ZERO_VARIANCE, message)
        metric: ProportionMetric | MeanMetric = ProportionMetric(control.mean)
    else:
        metric = MeanMetric.from_sample_stats(control)
    config = PowerConfig(alpha=alpha, power=MDE_POWER)
    return minimum_detectable_effect(metric, n, ratio=treatment.n / n, config=config)


# ----- summaries and segments ----------------------------------------------------------------------------------


def _summary(name: str, arm: ArmStats | None) -> VariantSummary:
    if arm is None:
        return VariantSummary(name, 0, None)
    stats = arm.stats
    if isinstance(stats, RatioStats):
        return VariantSummary(name, stats.n, finite_or_none(stats.ratio) if stats.sum_y else None)
    if not stats.n:
        return VariantSummary(name, 0, None)
    return VariantSummary(name, stats.n, finite_or_none(stats.mean), finite_or_none(stats.std))


def _metric_readout(metric: MetricInput, variants: Sequence[str], items: list[VariantComparison]) -> MetricReadout:
    return MetricReadout(
        metric=metric.key,
        kind=metric.kind,
        role=metric.role,
        variants=tuple(_summary(name, metric.arms.get(name)) for name in variants),
        comparisons=tuple(items),
        higher_is_better=metric.higher_is_better,
        guardrail=metric.guardrail,
        label=metric.label,
        description=metric.description,
    )


def _segments(
    metrics: Sequence[MetricInput],
    variants: Sequence[str],
    alpha: float,
    correction: Correction,
    cuped: bool,
    dimension: str,
) -> tuple[SegmentReadout, ...]:
    out = []
    for metric in metrics:
        control = metric.segments.get(variants[0], {})
        for name in variants[1:]:
            treatment = metric.segments.get(name, {})
            values = sorted(set(control) | set(treatment), key=str)
            comparisons = {
                value: read(metric.kind, control.get(value), treatment.get(value), alpha, cuped).comparison
                for value in values
            }
            breakdown = segment_breakdown(comparisons, alpha, dimension=dimension, correction=correction)
            out.append(SegmentReadout(metric.key, name, breakdown))
    return tuple(out)
