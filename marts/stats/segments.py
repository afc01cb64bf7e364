"""Segment breakdowns: the same comparison within each value of a dimension (persona, device, country, ...).

Every segment is another test, so a breakdown always carries a multiple-comparison warning: with k segments tested
at alpha, the chance of at least one false positive when the variant does nothing is 1 - (1 - alpha)^k. Each
segment also gets a Holm-adjusted p-value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from marts.metrics import MetricKind
from marts.stats.frequentist import Comparison, FrequentistConfig, compare
from marts.stats.multiple import Correction, adjust_p_values
from marts.stats.results import finite_or_none, finite_pair
from marts.stats.sufficient import CovariateStats, RatioStats, SampleStats


@dataclass(frozen=True)
class SegmentComparison:
    """The comparison within one segment value, with its p-value adjusted across the segments."""

    value: str
    comparison: Comparison
    adjusted_p_value: float | None = None


@dataclass(frozen=True)
class SegmentBreakdown:
    """A comparison per segment value, and the multiple-comparison warning that goes with it.

    Attributes:
        dimension: what the segments split by (e.g. "persona").
        segments: one result per segment value, in sorted order of the values.
        n_tested: how many segments produced a p-value.
        false_positive_chance: 1 - (1 - alpha)^n_tested, the chance of at least one false positive at alpha.
        alpha: the significance level used.
        correction: how ``adjusted_p_value`` was computed.
        warning: the same in plain words ("" when at most one segment was tested).
    """

    dimension: str
    segments: tuple[SegmentComparison, ...]
    n_tested: int
    false_positive_chance: float
    alpha: float
    correction: Correction
    warning: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: the warning and one row per segment (as the Lab and ``analyze --json`` report it)."""
        return {
            "dimension": self.dimension,
            "warning": self.warning,
            "n_tested": self.n_tested,
            "false_positive_chance": finite_or_none(self.false_positive_chance),
            "correction": self.correction,
            "rows": [
                {
                    "segment": s.value,
                    "n_control": s.comparison.n_control,
                    "n_treatment": s.comparison.n_treatment,
                    "control_mean": finite_or_none(s.comparison.control_mean),
                    "treatment_mean": finite_or_none(s.comparison.treatment_mean),
                    "abs_lift": finite_or_none(s.comparison.abs_lift),
                    "abs_ci": finite_pair(s.comparison.abs_ci),
                    "rel_lift": finite_or_none(s.comparison.rel_lift),
                    "p_value": finite_or_none(s.comparison.p_value),
                    "p_value_adjusted": finite_or_none(s.adjusted_p_value),
                    "error": s.comparison.error.value if s.comparison.error else None,
                    "message": s.comparison.message,
                }
                for s in self.segments
            ],
        }


def compare_segments(
    kind: MetricKind,
    control: Mapping[str, SampleStats | RatioStats],
    treatment: Mapping[str, SampleStats | RatioStats],
    config: FrequentistConfig | None = None,
    *,
    dimension: str = "segment",
    correction: Correction = "holm",
) -> SegmentBreakdown:
    """Compare treatment with control within each segment value found in either variant.

    A value present in only one variant gives a comparison with a ``SINGLE_VARIANT`` error.
    """
    config = config or FrequentistConfig()
    values = sorted(set(control) | set(treatment), key=str)
    comparisons = {value: compare(kind, control.get(value), treatment.get(value), config) for value in values}
    return segment_breakdown(comparisons, config.alpha, dimension=dimension, correction=correction)


def segment_breakdown(
    comparisons: Mapping[str, Comparison], alpha: float, *, dimension: str = "segment", correction: Correction = "holm"
) -> SegmentBreakdown:
    """The breakdown of comparisons already made per segment value: adjusted p-values and the warning.

    ``compare_segments`` makes the comparisons from sufficient statistics; a readout that reads another analysis
    (CUPED) makes its own and adjusts them here, the same way.
    """
    values = sorted(comparisons, key=str)
    ordered = [comparisons[value] for value in values]
    tested = [index for index, comparison in enumerate(ordered) if comparison.p_value is not None]
    adjusted = dict(zip(tested, adjust_p_values([ordered[i].p_value for i in tested], correction), strict=True))
    segments = tuple(
        SegmentComparison(str(value), comparison, adjusted.get(index))
        for index, (value, comparison) in enumerate(zip(values, ordered, strict=True))
    )
    k = len(tested)
    chance = 1.0 - (1.0 - alpha) ** k
    warning = ""
    if k > 1:
        wins = sum(segment.comparison.significant for segment in segments)
        warning = (
            f"{k} {dimension} segments were tested at alpha {alpha:g}: even if the variant did nothing, the "
            f"chance of at least one false positive is {chance:.0%}. {wins} of {k} look significant before "
            "correction; treat a segment-only win as a hypothesis for a new experiment, not a result."
        )
    return SegmentBreakdown(dimension, segments, k, chance, alpha, correction, warning)


def sample_stats_by_segment(values, labels) -> dict[str, SampleStats]:
    """``SampleStats`` per segment label from per-unit values and labels of equal length, in one pass."""
    values = np.asarray(values, dtype=float)
    keys, index = _group_index(labels, values.size, values)
    n = np.bincount(index, minlength=keys.size)
    sums = np.bincount(index, weights=values, minlength=keys.size)
    squares = np.bincount(index, weights=values * values, minlength=keys.size)
    return {str(key): SampleStats(int(n[i]), float(sums[i]), float(squares[i])) for i, key in enumerate(keys)}


def covariate_stats_by_segment(values, covariate, labels) -> dict[str, CovariateStats]:
    """``CovariateStats`` (for CUPED) per segment label from per-unit values, covariate values and labels."""
    y = np.asarray(values, dtype=float)
    c = np.asarray(covariate, dtype=float)
    if y.shape != c.shape:
        raise ValueError(f"covariate: must have the same shape as the values {y.shape}, got {c.shape}")
    keys, index = _group_index(labels, y.size, y, c)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(index, weights=weights, minlength=keys.size)

    n = np.bincount(index, minlength=keys.size)
    columns = [total(y), total(y * y), total(c), total(c * c), total(y * c)]
    return {str(key): CovariateStats(int(n[i]), *(float(col[i]) for col in columns)) for i, key in enumerate(keys)}


def ratio_stats_by_segment(numerators, denominators, labels) -> dict[str, RatioStats]:
    """``RatioStats`` per segment label from per-unit numerators, denominators and labels of equal length."""
    x = np.asarray(numerators, dtype=float)
    y = np.asarray(denominators, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"denominators: must have the same shape as numerators {x.shape}, got {y.shape}")
    keys, index = _group_index(labels, x.size, x, y)

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(index, weights=weights, minlength=keys.size)

    n = np.bincount(index, minlength=keys.size)
    columns = [total(x), total(y), total(x * x), total(y * y), total(x * y)]
    return {str(key): RatioStats(int(n[i]), *(float(column[i]) for column in columns)) for i, key in enumerate(keys)}


def _group_index(labels, size: int, *columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct labels and each unit's position among them; checks shapes and finiteness."""
    if any(column.ndim != 1 or not np.all(np.isfinite(column)) for column in columns):
        raise ValueError("values: must be one-dimensional finite numbers (no NaN or inf)")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size != size:
        raise ValueError(f"labels: must be one-dimensional with one label per unit ({size}), got shape {labels.shape}")
    return np.unique(labels, return_inverse=True)
