"""An experiment's results readout, from the ``experiment_users`` mart: SQL sums in, ``marts.stats`` readout out.

One SQL query sums every metric per variant and segment: units, sums, sums of squares, cross products with
``pre_revenue`` (for CUPED) and numerator / denominator sums (for ratio metrics such as AOV). No user row leaves the
database; the statistics engine works from those sums alone, and per-variant totals are the segments added up.

This module only turns those sums into sufficient statistics (``ExperimentSums``); the readout itself (every test,
the family adjustment, CUPED or not, guardrails, SRM, the ship rule and the segment breakdown) is built by
``marts.stats.orchestrator.build_readout``, the same one ``novarium analyze`` uses. One read of the mart gives the
readout of either analysis (``ExperimentSums.readout(cuped)``), so the results page switches CUPED without a query.

Degenerate data (no users yet, an empty variant, no variation) never raises: results carry error codes and
messages, and ``Readout.to_dict`` holds None where a number cannot be computed, never NaN or inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from marts.metrics import METRICS, Metric
from marts.stats.multiple import CORRECTIONS, Correction
from marts.stats.orchestrator import ArmStats, MetricInput, build_readout
from marts.stats.readout import Readout, Role
from marts.stats.sufficient import CovariateStats, RatioStats, SampleStats
from marts.stats.units import GuardrailMargin
from marts.storage import Store

MarginType = Literal["relative", "absolute"]
COVARIATE = "pre_revenue"
SEGMENT_DIMENSIONS = {"persona": "COALESCE(persona, 'unknown')"}
"""Segment dimension -> its SQL over ``experiment_users`` (users outside the warehouse have no persona)."""
ExperimentResults = Readout
"""The Lab's name for the readout (``marts.stats.readout.Readout``)."""


@dataclass(frozen=True)
class ExperimentSums:
    """One read of the mart for one experiment: every metric's sufficient statistics and the analysis settings.

    ``readout(cuped)`` builds the readout of either analysis from the same sums.
    """

    experiment_key: str
    metrics: tuple[MetricInput, ...]
    variants: tuple[str, ...]
    counts: dict[str, int]
    weights: dict[str, float]
    alpha: float
    correction: Correction
    segment_dimension: str | None
    planned_units: int | None
    warnings: tuple[str, ...]

    def readout(self, cuped: bool) -> Readout:
        """The results readout, every figure read with CUPED (``pre_revenue``) or without."""
        users = sum(self.counts.values())
        message = (
            "" if users else f"no exposed users of experiment {self.experiment_key!r} in the experiment_users mart yet"
        )
        return build_readout(
            self.metrics,
            variants=self.variants,
            counts=self.counts,
            expected_share=self.weights,
            alpha=self.alpha,
            correction=self.correction,
            cuped=cuped,
            covariate=COVARIATE,
            planned_units=self.planned_units,
            segment_dimension=self.segment_dimension,
            experiment_key=self.experiment_key,
            message=message,
            warnings=self.warnings,
        )


def experiment_sums(
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
    segment_dimension: str | None = "persona",
    planned_units: int | None = None,
) -> ExperimentSums:
    """Read one experiment's sums from the ``experiment_users`` mart (build it first: ``marts.etl``).

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
    metrics = tuple(
        _metric_input(METRICS[key], role, margin, names, totals, groups) for key, (role, margin) in roles.items()
    )
    users = sum(total.n for total in totals.values())
    warnings = [f"variant {name!r} has no exposed users yet" for name in names if users and not totals[name].n]
    warnings += [
        f"variant {name!r} is in the mart but not in the plan; it is left out" for name in groups if name not in weights
    ]
    return ExperimentSums(
        experiment_key=experiment_key,
        metrics=metrics,
        variants=names,
        counts={name: totals[name].n for name in names},
        weights=weights,
        alpha=alpha,
        correction=correction,
        segment_dimension=segment_dimension,
        planned_units=planned_units,
        warnings=tuple(warnings),
    )


def experiment_results(store: Store, experiment_key: str, *, cuped: bool = False, **options) -> Readout:
    """The readout of one experiment in one analysis: ``experiment_sums(store, experiment_key, **options)``
    read with CUPED (``cuped=True``) or without."""
    return experiment_sums(store, experiment_key, **options).readout(cuped)


def _metric_input(
    metric: Metric,
    role: Role,
    margin: GuardrailMargin | None,
    names: tuple[str, ...],
    totals: dict[str, _Sums],
    groups: dict[str, dict[str, _Sums]],
) -> MetricInput:
    return MetricInput(
        key=metric.key,
        kind=metric.kind,
        role=role,
        arms={name: arm_stats(metric, totals[name]) for name in names},
        segments={
            name: {segment: arm_stats(metric, sums) for segment, sums in groups.get(name, {}).items()} for name in names
        },
        higher_is_better=metric.higher_is_better,
        guardrail=margin,
        label=metric.label,
        description=metric.description,
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
) -> dict[str, tuple[Role, GuardrailMargin | None]]:
    """Metric key -> (role, guardrail margin) in page order: primary, secondaries, then guardrail-only metrics."""
    specs: dict[str, GuardrailMargin] = {}
    for index, (metric, margin, margin_type) in enumerate(guardrails):
        _check_metric(f"guardrails[{index}].metric", metric)
        if margin_type not in ("relative", "absolute"):
            raise ValueError(f"guardrails[{index}].margin_type: must be relative or absolute, got {margin_type!r}")
        if not (isinstance(margin, int | float) and margin >= 0):
            raise ValueError(f"guardrails[{index}].margin: must be a number >= 0, got {margin!r}")
        relative = margin_type == "relative"
        text = f"{margin * 100:g}%" if relative else f"{margin:g}"
        specs[metric] = GuardrailMargin(float(margin), relative, text)
    _check_metric("primary_metric", primary)
    roles: dict[str, tuple[Role, GuardrailMargin | None]] = {primary: ("primary", specs.get(primary))}
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


def arm_stats(metric: Metric, sums: _Sums) -> ArmStats:
    """The metric in one group, with its ``pre_revenue`` sums for CUPED (none for a ratio metric)."""
    return ArmStats(metric_stats(metric, sums), None if metric.kind == "ratio" else covariate_stats(metric, sums))
