"""An experiment's results, read from the ``experiment_users`` mart and tested with ``marts.stats``.

One SQL query sums every metric per variant and segment: units, sums, sums of squares, cross products with
``pre_revenue`` (for CUPED) and numerator / denominator sums (for ratio metrics such as AOV). No user row leaves the
database; the statistics engine works from those sums alone, and per-variant totals are the segments added up.

Then, for every metric × treatment variant against control: the fixed-horizon test of the metric's kind, the
family-adjusted p-value (Holm or Benjamini–Hochberg across goal metrics × variants; guardrails stay out of the
family), the Bayesian chance to beat control and expected loss (in the metric's good direction, on the relative
lift), CUPED with ``pre_revenue`` (not for ratio metrics), non-inferiority for guardrails, the SRM check against the
planned weights, the ship rule with its reasons and a segment breakdown with its multiple-comparison warning.

Degenerate data (no users yet, an empty variant, no variation) never raises: results carry error codes and
messages, and ``ExperimentResults.to_dict`` holds None where a number cannot be computed, never NaN or inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from scipy import special

from marts.metrics import METRICS, Metric
from marts.stats.bayesian import BayesianConfig, bayesian_beta_binomial, bayesian_normal, normal_losses
from marts.stats.cuped import CupedConfig, CupedResult, cuped_test
from marts.stats.decision import Decision, decide
from marts.stats.frequentist import Comparison, FrequentistConfig, compare
from marts.stats.guardrails import GuardrailConfig, GuardrailResult, check_guardrail
from marts.stats.multiple import CORRECTIONS, Correction, GoalComparison, adjust_goals
from marts.stats.results import finite_or_none, finite_pair
from marts.stats.segments import SegmentBreakdown, compare_segments
from marts.stats.srm import SrmResult, check_srm
from marts.stats.sufficient import CovariateStats, RatioStats, SampleStats
from marts.storage import Store

Role = Literal["primary", "secondary", "guardrail"]
MarginType = Literal["relative", "absolute"]
COVARIATE = "pre_revenue"
SEGMENT_DIMENSIONS = {"persona": "COALESCE(persona, 'unknown')"}
"""Segment dimension -> its SQL over ``experiment_users`` (users outside the warehouse have no persona)."""


@dataclass(frozen=True)
class GuardrailSpec:
    """A guardrail as the experiment states it: the largest harm tolerated, relative or absolute."""

    metric: str
    margin: float
    margin_type: MarginType = "relative"


@dataclass(frozen=True)
class VariantSummary:
    """One variant's exposed users and its estimate of a metric (a rate, a mean or a ratio of sums)."""

    variant: str
    n: int
    mean: float | None


@dataclass(frozen=True)
class MetricComparison:
    """One treatment variant against control for one metric.

    Attributes:
        comparison: the fixed-horizon test.
        adjusted_p_value: adjusted across the goal family; None for a guardrail-only metric or without a p-value.
        chance_to_beat: the posterior chance the treatment is better in the metric's good direction.
        expected_loss: the relative lift lost if shipping the treatment turns out worse.
        cuped: the CUPED comparison (None when CUPED is off or the metric is a ratio).
    """

    variant: str
    vs: str
    comparison: Comparison
    adjusted_p_value: float | None = None
    chance_to_beat: float | None = None
    expected_loss: float | None = None
    cuped: CupedResult | None = None


@dataclass(frozen=True)
class MetricResult:
    """A metric's role, each variant's estimate and each treatment's comparison."""

    metric: Metric
    role: Role
    variants: tuple[VariantSummary, ...]
    comparisons: tuple[MetricComparison, ...]
    guardrail: GuardrailSpec | None = None

    @property
    def goal(self) -> bool:
        """Whether the metric is in the multiple-testing family (primary or secondary)."""
        return self.role != "guardrail"


@dataclass(frozen=True)
class SegmentResult:
    """One metric × treatment variant broken down by the segment dimension."""

    metric: str
    variant: str
    breakdown: SegmentBreakdown


@dataclass(frozen=True)
class ExperimentResults:
    """Everything the results page shows. ``message`` says why there is nothing to read yet ("" otherwise)."""

    experiment_key: str
    alpha: float
    correction: Correction
    control: str
    variants: tuple[str, ...]
    users: int
    srm: SrmResult
    metrics: tuple[MetricResult, ...]
    guardrails: tuple[GuardrailResult, ...]
    decisions: tuple[Decision, ...]
    segments: tuple[SegmentResult, ...]
    cuped: bool
    segment_dimension: str | None
    family_size: int
    planned_units: int | None
    message: str = ""
    warnings: tuple[str, ...] = ()

    def metric(self, key: str) -> MetricResult | None:
        """The result of metric ``key``, or None."""
        return next((m for m in self.metrics if m.metric.key == key), None)

    def decision(self, variant: str) -> Decision | None:
        """The ship rule's decision on ``variant``, or None."""
        return next((d for d in self.decisions if d.variant == variant), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; a number that cannot be computed is None, never NaN or inf."""
        srm = self.srm
        return {
            "experiment_key": self.experiment_key,
            "alpha": self.alpha,
            "correction": self.correction,
            "control": self.control,
            "variants": list(self.variants),
            "users": self.users,
            "cuped_enabled": self.cuped,
            "segment_dimension": self.segment_dimension,
            "family_size": self.family_size,
            "planned_units": self.planned_units,
            "message": self.message,
            "warnings": list(self.warnings),
            "srm": {
                "p_value": finite_or_none(srm.p_value),
                "status": srm.status,
                "observed": dict(zip(srm.variants, srm.observed, strict=True)),
                "expected_share": dict(zip(srm.variants, srm.expected_share, strict=True)),
                "observed_share": dict(zip(srm.variants, srm.observed_share, strict=True)),
                "message": srm.message,
            },
            "metrics": [_metric_dict(metric) for metric in self.metrics],
            "guardrails": [_guardrail_dict(result) for result in self.guardrails],
            "decisions": [
                {"variant": d.variant, "verdict": d.verdict, "reasons": list(d.reasons)} for d in self.decisions
            ],
            "segments": [_segment_dict(item) for item in self.segments],
        }


def experiment_results(
    store: Store,
    experiment_key: str,
    *,
    variants: Sequence[tuple[str, float]],
    control: str,
    primary_metric: str,
    secondary_metrics: Sequence[str] = (),
    guardrails: Sequence[tuple[str, float, str]] = (),
    alpha: float = 0.05,
    correction: Correction = "holm",
    cuped: bool = True,
    segment_dimension: str | None = "persona",
    planned_units: int | None = None,
) -> ExperimentResults:
    """Analyse one experiment from the ``experiment_users`` mart (build it first: ``marts.etl``).

    Args:
        store: the open Store.
        experiment_key: the experiment.
        variants: (name, planned weight) of every variant, control included.
        control: the control variant's name.
        primary_metric, secondary_metrics: goal metrics (keys of ``marts.metrics.METRICS``).
        guardrails: (metric, margin, "relative" | "absolute"); a guardrail joins the goal family only when it is
            also a goal metric.
        alpha: the significance level of every test (one-sided for guardrails).
        correction: the adjustment across goal metrics × variants, and across a breakdown's segments.
        cuped: whether to run CUPED with ``pre_revenue`` beside the raw test.
        segment_dimension: "persona", or None for no breakdown.
        planned_units: units per comparison (control + treatment) planned; below it an undecided verdict reads
            keep_running. None treats the data as complete.

    Raises:
        ValueError: naming the argument and the rule it breaks.
    """
    weights = _check_arguments(variants, control, alpha, correction, segment_dimension, planned_units)
    roles = _roles(primary_metric, secondary_metrics, guardrails)
    names = (control, *[name for name in weights if name != control])
    groups = _aggregate(store, experiment_key, [METRICS[key] for key in roles], segment_dimension)
    totals = {name: _total(groups.get(name, {})) for name in names}
    srm = check_srm({name: totals[name].n for name in names}, weights)

    results = [
        _metric_result(METRICS[key], role, guard, names, totals, alpha, cuped) for key, (role, guard) in roles.items()
    ]
    goals = [
        GoalComparison(m.metric.key, c.variant, c.comparison, m.metric.higher_is_better)
        for m in results
        if m.goal
        for c in m.comparisons
    ]
    adjusted = adjust_goals(goals, correction)
    by_goal = {(a.metric, a.variant): a.adjusted_p_value for a in adjusted}
    results = [_with_adjusted(m, by_goal) for m in results]
    checks = tuple(_guardrail_checks(results, alpha))
    decisions = tuple(
        decide(
            name,
            adjusted,
            checks,
            srm,
            horizon_reached=planned_units is None or totals[control].n + totals[name].n >= planned_units,
        )
        for name in names[1:]
    )
    segments = (
        () if segment_dimension is None else _segments(results, groups, names, segment_dimension, alpha, correction)
    )
    users = sum(total.n for total in totals.values())
    warnings = [f"variant {name!r} has no exposed users yet" for name in names if users and not totals[name].n]
    warnings += [
        f"variant {name!r} is in the mart but not in the plan; it is left out" for name in groups if name not in weights
    ]
    return ExperimentResults(
        experiment_key=experiment_key,
        alpha=alpha,
        correction=correction,
        control=control,
        variants=names,
        users=users,
        srm=srm,
        metrics=tuple(results),
        guardrails=checks,
        decisions=decisions,
        segments=segments,
        cuped=cuped,
        segment_dimension=segment_dimension,
        family_size=adjusted[0].family_size if adjusted else 0,
        planned_units=planned_units,
        message="" if users else f"no exposed users of experiment {experiment_key!r} in the experiment_users mart yet",
        warnings=tuple(warnings),
    )


# ----- arguments -----------------------------------------------------------------------------------------------


def _check_arguments(
    variants: Sequence[tuple[str, float]],
    control: str,
    alpha: float,
    correction: str,
    segment_dimension: str | None,
    planned_units: int | None,
) -> dict[str, float]:
    weights = {str(name): float(weight) for name, weight in variants}
    if len(weights) != len(variants) or len(weights) < 2:
        raise ValueError(f"variants: need at least two variants with distinct names, got {list(variants)!r}")
    if control not in weights:
        raise ValueError(f"control: must be one of the variants ({', '.join(weights)}), got {control!r}")
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha: must be strictly between 0 and 1, got {alpha!r}")
    if correction not in CORRECTIONS:
        raise ValueError(f"correction: must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    if segment_dimension is not None and segment_dimension not in SEGMENT_DIMENSIONS:
        raise ValueError(f"segment_dimension: must be one of {', '.join(SEGMENT_DIMENSIONS)} or None")
    if planned_units is not None and not (isinstance(planned_units, int) and planned_units >= 2):
        raise ValueError(f"planned_units: must be an integer >= 2, got {planned_units!r}")
    return weights


def _roles(
    primary: str, secondary: Sequence[str], guardrails: Sequence[tuple[str, float, str]]
) -> dict[str, tuple[Role, GuardrailSpec | None]]:
    """Metric key -> (role, guardrail margin) in page order: primary, secondaries, then guardrail-only metrics."""
    specs: dict[str, GuardrailSpec] = {}
    for index, (metric, margin, margin_type) in enumerate(guardrails):
        _check_metric(f"guardrails[{index}].metric", metric)
        if margin_type not in ("relative", "absolute"):
            raise ValueError(f"guardrails[{index}].margin_type: must be relative or absolute, got {margin_type!r}")
        if not (isinstance(margin, int | float) and margin >= 0):
            raise ValueError(f"guardrails[{index}].margin: must be a number >= 0, got {margin!r}")
        specs[metric] = GuardrailSpec(metric, float(margin), margin_type)
    _check_metric("primary_metric", primary)
    roles: dict[str, tuple[Role, GuardrailSpec | None]] = {primary: ("primary", specs.get(primary))}
    for index, metric in enumerate(secondary):
        _check_metric(f"secondary_metrics[{index}]", metric)
        roles.setdefault(metric, ("secondary", specs.get(metric)))
    for metric, spec in specs.items():
        roles.setdefault(metric, ("guardrail", spec))
    return roles


def _check_metric(field: str, key: str) -> None:
    if key not in METRICS:
        raise ValueError(f"{field}: unknown metric {key!r}; known metrics are {', '.join(METRICS)}")


# ----- SQL aggregation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sums:
    """One group's (variant × segment) unit count and named sums; addable."""

    n: int
    sums: dict[str, float]

    def __add__(self, other: _Sums) -> _Sums:
        keys = self.sums.keys() | other.sums.keys()
        return _Sums(self.n + other.n, {k: self.sums.get(k, 0.0) + other.sums.get(k, 0.0) for k in keys})


def _columns(metric: Metric) -> dict[str, str]:
    """Per-user value columns of ``metric`` for the inner query: alias -> SQL (catalog columns only)."""
    if metric.kind == "ratio":
        return {
            f"x_{metric.key}": f"CAST({metric.numerator} AS DOUBLE PRECISION)",
            f"d_{metric.key}": f"CAST({metric.denominator} AS DOUBLE PRECISION)",
        }
    if metric.kind == "binary":
        return {f"y_{metric.key}": f"CAST(CASE WHEN {metric.numerator} > 0 THEN 1 ELSE 0 END AS DOUBLE PRECISION)"}
    return {f"y_{metric.key}": f"CAST({metric.numerator} AS DOUBLE PRECISION)"}


def _sums(metric: Metric) -> dict[str, str]:
    """The sums of ``metric`` for the outer query: alias -> SQL."""
    k = metric.key
    if metric.kind == "ratio":
        return {
            f"{k}__x": f"SUM(x_{k})",
            f"{k}__y": f"SUM(d_{k})",
            f"{k}__xx": f"SUM(x_{k} * x_{k})",
            f"{k}__yy": f"SUM(d_{k} * d_{k})",
            f"{k}__xy": f"SUM(x_{k} * d_{k})",
        }
    return {f"{k}__s": f"SUM(y_{k})", f"{k}__ss": f"SUM(y_{k} * y_{k})", f"{k}__sc": f"SUM(y_{k} * c)"}


def aggregate_sql(metrics: Sequence[Metric], segment_dimension: str | None) -> str:
    """The one query: sums per variant and segment (segment '' without a dimension)."""
    segment = SEGMENT_DIMENSIONS[segment_dimension] if segment_dimension else "''"
    inner = {"c": f"CAST({COVARIATE} AS DOUBLE PRECISION)"}
    outer = {"c__s": "SUM(c)", "c__cc": "SUM(c * c)"}
    for metric in metrics:
        inner |= _columns(metric)
        outer |= _sums(metric)
    inner_sql = ", ".join(f"{sql} AS {alias}" for alias, sql in inner.items())
    outer_sql = ", ".join(f"{sql} AS {alias}" for alias, sql in outer.items())
    return (
        f"SELECT variant, segment, COUNT(*) AS n, {outer_sql} FROM ("
        f"SELECT variant, {segment} AS segment, {inner_sql} FROM experiment_users WHERE experiment_key = :key"
        ") AS u GROUP BY variant, segment"
    )


def _aggregate(
    store: Store, key: str, metrics: Sequence[Metric], segment_dimension: str | None
) -> dict[str, dict[str, _Sums]]:
    """variant -> segment -> sums, straight from SQL."""
    groups: dict[str, dict[str, _Sums]] = {}
    for row in store.query(aggregate_sql(metrics, segment_dimension), {"key": key}):
        sums = {name: float(value or 0.0) for name, value in row.items() if "__" in name}
        groups.setdefault(str(row["variant"]), {})[str(row["segment"])] = _Sums(int(row["n"]), sums)
    return groups


def _total(segments: dict[str, _Sums]) -> _Sums:
    total = _Sums(0, {})
    for sums in segments.values():
        total = total + sums
    return total


def metric_stats(metric: Metric, sums: _Sums) -> SampleStats | RatioStats:
    """The metric's sufficient statistics in one group."""
    s, k = sums.sums, metric.key
    if metric.kind == "ratio":
        values = (s.get(f"{k}__{part}", 0.0) for part in ("x", "y", "xx", "yy", "xy"))
        return RatioStats(sums.n, *values)
    return SampleStats(sums.n, s.get(f"{k}__s", 0.0), s.get(f"{k}__ss", 0.0))


def covariate_stats(metric: Metric, sums: _Sums) -> CovariateStats:
    """The metric with ``pre_revenue`` in one group, for CUPED (not for ratio metrics)."""
    s, k = sums.sums, metric.key
    metric_sums = (s.get(f"{k}__s", 0.0), s.get(f"{k}__ss", 0.0))
    return CovariateStats(sums.n, *metric_sums, s.get("c__s", 0.0), s.get("c__cc", 0.0), s.get(f"{k}__sc", 0.0))


# ----- statistics ----------------------------------------------------------------------------------------------


def _mean(stats: SampleStats | RatioStats) -> float | None:
    if isinstance(stats, RatioStats):
        return finite_or_none(stats.ratio) if stats.sum_y else None
    return finite_or_none(stats.mean) if stats.n else None


def _metric_result(
    metric: Metric,
    role: Role,
    guard: GuardrailSpec | None,
    names: tuple[str, ...],
    totals: dict[str, _Sums],
    alpha: float,
    cuped: bool,
) -> MetricResult:
    stats = {name: metric_stats(metric, totals[name]) for name in names}
    control = names[0]
    comparisons = []
    for name in names[1:]:
        comparison = compare(metric.kind, stats[control], stats[name], FrequentistConfig(alpha=alpha))
        chance, loss = _bayesian(metric, stats[control], stats[name], comparison)
        cuped_result = None
        if cuped and metric.kind != "ratio":
            cuped_result = cuped_test(
                covariate_stats(metric, totals[control]), covariate_stats(metric, totals[name]), CupedConfig(alpha)
            )
        comparisons.append(MetricComparison(name, control, comparison, None, chance, loss, cuped_result))
    summaries = tuple(VariantSummary(name, stats[name].n, _mean(stats[name])) for name in names)
    return MetricResult(metric, role, summaries, tuple(comparisons), guard)


def _bayesian(
    metric: Metric, control: SampleStats | RatioStats, treatment: SampleStats | RatioStats, comparison: Comparison
) -> tuple[float | None, float | None]:
    """(chance to beat control, expected loss) in the metric's good direction, on the relative lift."""
    if metric.kind == "ratio":  # the normal model on the delta-method relative lift, flat prior
        mean, std = comparison.rel_lift, comparison.rel_std_error
        if mean is None or not std:
            return None, None
        chance = float(special.ndtr(mean / std))
        loss_treatment, loss_control = normal_losses(mean, std)
    else:
        model = bayesian_beta_binomial if metric.kind == "binary" else bayesian_normal
        result = model(control, treatment, BayesianConfig(relative=True))
        chance = result.chance_to_beat_control
        loss_treatment, loss_control = result.expected_loss_treatment, result.expected_loss_control
        if chance is None:
            return None, None
    if metric.higher_is_better:
        return finite_or_none(chance), finite_or_none(loss_treatment)
    return finite_or_none(1.0 - chance), finite_or_none(loss_control)


def _with_adjusted(result: MetricResult, adjusted: dict[tuple[str, str], float | None]) -> MetricResult:
    if not result.goal:
        return result
    comparisons = tuple(
        replace(item, adjusted_p_value=adjusted.get((result.metric.key, item.variant))) for item in result.comparisons
    )
    return replace(result, comparisons=comparisons)


def _guardrail_checks(results: Sequence[MetricResult], alpha: float):
    for result in results:
        spec = result.guardrail
        if spec is None:
            continue
        relative = spec.margin_type == "relative"
        config = GuardrailConfig(spec.margin, relative, result.metric.higher_is_better, alpha)
        for item in result.comparisons:
            yield check_guardrail(item.comparison, config, metric=result.metric.key, variant=item.variant)


def _segments(
    results: Sequence[MetricResult],
    groups: dict[str, dict[str, _Sums]],
    names: tuple[str, ...],
    dimension: str,
    alpha: float,
    correction: Correction,
) -> tuple[SegmentResult, ...]:
    out = []
    for result in results:
        metric = result.metric
        by_variant = {
            name: {segment: metric_stats(metric, sums) for segment, sums in groups.get(name, {}).items()}
            for name in names
        }
        for name in names[1:]:
            breakdown = compare_segments(
                metric.kind,
                by_variant[names[0]],
                by_variant[name],
                FrequentistConfig(alpha=alpha),
                dimension=dimension,
                correction=correction,
            )
            out.append(SegmentResult(metric.key, name, breakdown))
    return tuple(out)


# ----- to_dict -------------------------------------------------------------------------------------------------


def _metric_dict(result: MetricResult) -> dict[str, Any]:
    metric, guard = result.metric, result.guardrail
    return {
        "metric": metric.key,
        "label": metric.label,
        "kind": metric.kind,
        "role": result.role,
        "description": metric.description,
        "higher_is_better": metric.higher_is_better,
        "guardrail": None if guard is None else {"margin": guard.margin, "margin_type": guard.margin_type},
        "variants": [{"variant": v.variant, "n": v.n, "mean": finite_or_none(v.mean)} for v in result.variants],
        "comparisons": [_comparison_dict(item) for item in result.comparisons],
    }


def _comparison_dict(item: MetricComparison) -> dict[str, Any]:
    c = item.comparison
    return {
        "variant": item.variant,
        "vs": item.vs,
        "control_mean": finite_or_none(c.control_mean),
        "treatment_mean": finite_or_none(c.treatment_mean),
        "abs_lift": finite_or_none(c.abs_lift),
        "abs_ci": finite_pair(c.abs_ci),
        "rel_lift": finite_or_none(c.rel_lift),
        "rel_ci": finite_pair(c.rel_ci),
        "p_value": finite_or_none(c.p_value),
        "p_value_adjusted": finite_or_none(item.adjusted_p_value),
        "method": c.method,
        "chance_to_beat": finite_or_none(item.chance_to_beat),
        "expected_loss": finite_or_none(item.expected_loss),
        "cuped": None if item.cuped is None else _cuped_dict(item.cuped),
        "error": c.error.value if c.error else None,
        "message": c.message,
    }


def _cuped_dict(cuped: CupedResult) -> dict[str, Any]:
    return {
        "abs_lift": finite_or_none(cuped.abs_lift),
        "abs_ci": finite_pair((cuped.ci_lower, cuped.ci_upper)),
        "rel_lift": finite_or_none(cuped.rel_lift),
        "rel_ci": finite_pair((cuped.rel_ci_lower, cuped.rel_ci_upper)),
        "p_value": finite_or_none(cuped.p_value),
        "variance_reduction": finite_or_none(cuped.variance_reduction),
        "raw_abs_ci": finite_pair((cuped.raw_ci_lower, cuped.raw_ci_upper)),
        "error": cuped.error.value if cuped.error else None,
        "message": cuped.message,
    }


def _guardrail_dict(result: GuardrailResult) -> dict[str, Any]:
    margin_type = "relative" if result.config.relative else "absolute"
    return {"metric": result.metric, "variant": result.variant, "margin_type": margin_type, **result.to_dict()}


def _segment_dict(item: SegmentResult) -> dict[str, Any]:
    return {"metric": item.metric, "variant": item.variant, **item.breakdown.to_dict()}
