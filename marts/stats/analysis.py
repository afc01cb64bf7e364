"""One analysis of unit-level data (``novarium analyze``): sufficient statistics from the units, then the readout.

This module only reduces checked unit-level data (``marts.stats.units.prepare_units``) to per-variant sufficient
statistics, with the covariate's sums for CUPED and per-segment statistics for a breakdown. The readout itself
(every test, the family adjustment, CUPED or not, the Bayesian chance, the always-valid test, the MDE, guardrails,
SRM, the ship rule and the segments) is ``marts.stats.orchestrator.build_readout``, the same one the Lab uses, so
the same data gives the same numbers in both. ``Readout.to_dict`` is the ``novarium analyze --json`` shape.

The first ``--metric`` is the primary metric and the others secondary: both are goals in one family, as in the Lab.
"""

from __future__ import annotations

from marts.stats.multiple import Correction
from marts.stats.orchestrator import ArmStats, MetricInput, build_readout
from marts.stats.readout import MDE_POWER, Readout, Role
from marts.stats.segments import covariate_stats_by_segment, sample_stats_by_segment
from marts.stats.sufficient import CovariateStats, SampleStats
from marts.stats.units import UnitData, UnitMetric

__all__ = ["MDE_POWER", "analyze_units"]


def analyze_units(
    data: UnitData,
    *,
    alpha: float = 0.05,
    correction: Correction = "holm",
    planned_units: int | None = None,
    cuped: bool | None = None,
) -> Readout:
    """Analyse checked unit-level data (see ``marts.stats.units.prepare_units``).

    Args:
        data: the checked units, with each metric's role and direction, the optional covariate and segment.
        alpha: the significance level of every test (one-sided for guardrails).
        correction: the adjustment across goal metrics × variants (and across the segments of one breakdown).
        planned_units: units per comparison (control + treatment) planned. It tunes the always-valid test, and
            a variant with fewer units has not reached its horizon (an undecided verdict is then keep_running).
            None takes each comparison's observed units and treats the data as complete.
        cuped: read every figure from the CUPED-adjusted metrics; None means "with CUPED when there is a
            covariate".

    Raises:
        ValueError: CUPED asked for without a covariate, or a rule ``build_readout`` checks.
    """
    if cuped and data.covariate is None:
        raise ValueError("--cuped: needs a pre-period covariate (--covariate COL)")
    chosen = data.covariate is not None if cuped is None else cuped
    goals = [metric for metric in data.metrics if metric.goal]
    roles = {metric.name: _role(metric, goals) for metric in data.metrics}
    return build_readout(
        [_metric_input(data, metric, roles[metric.name]) for metric in data.metrics],
        variants=data.variants,
        counts=dict(zip(data.variants, data.counts, strict=True)),
        expected_share=data.expected_share,
        alpha=alpha,
        correction=correction,
        cuped=chosen,
        covariate=data.covariate_name if data.covariate is not None else None,
        planned_units=planned_units,
        segment_dimension=data.segment.name if data.segment is not None else None,
    )


def _role(metric: UnitMetric, goals: list[UnitMetric]) -> Role:
    if not metric.goal:
        return "guardrail"
    return "primary" if metric is goals[0] else "secondary"


def _metric_input(data: UnitData, metric: UnitMetric, role: Role) -> MetricInput:
    covariate = data.covariate
    arms = {}
    segments = {}
    for position, name in enumerate(data.variants):
        values = metric.values[position]
        with_covariate = None if covariate is None else CovariateStats.from_values(values, covariate[position])
        arms[name] = ArmStats(SampleStats.from_values(values), with_covariate)
        if data.segment is not None:
            labels = data.segment.labels[position]
            plain = sample_stats_by_segment(values, labels)
            paired = {} if covariate is None else covariate_stats_by_segment(values, covariate[position], labels)
            segments[name] = {segment: ArmStats(stats, paired.get(segment)) for segment, stats in plain.items()}
    return MetricInput(
        key=metric.name,
        kind=metric.type,
        role=role,
        arms=arms,
        segments=segments,
        higher_is_better=metric.higher_is_better,
        guardrail=metric.guardrail,
        label=metric.name,
    )
