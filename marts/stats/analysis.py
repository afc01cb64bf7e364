"""One analysis of unit-level data: SRM, then every metric × treatment variant against control.

Each comparison carries the fixed-horizon test (z-test for binary metrics, Welch for continuous), its raw and
family-adjusted p-value (Holm by default, across all metrics × variants), the Bayesian chance to beat control
(Beta-Binomial for binary metrics, the normal model for continuous ones) and, with a covariate, CUPED.
``AnalysisReport.to_dict`` is the ``novarium analyze --json`` shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marts.stats.bayesian import BayesianConfig, BayesianResult, bayesian_beta_binomial, bayesian_normal
from marts.stats.cuped import CupedConfig, CupedResult, cuped_test
from marts.stats.frequentist import Comparison, FrequentistConfig, compare
from marts.stats.multiple import Correction, GoalComparison, adjust_goals
from marts.stats.results import finite_or_none
from marts.stats.srm import SrmResult, check_srm
from marts.stats.sufficient import CovariateStats, SampleStats
from marts.stats.units import UnitData

METHODS = {"binary": "two-proportion z-test", "continuous": "Welch t-test"}


@dataclass(frozen=True)
class VariantSummary:
    """One variant's units, mean and standard deviation (ddof=1) for a metric."""

    variant: str
    n: int
    mean: float
    std: float


@dataclass(frozen=True)
class VariantComparison:
    """One treatment variant against control for a metric."""

    variant: str
    vs: str
    comparison: Comparison
    adjusted_p_value: float | None
    bayesian: BayesianResult
    cuped: CupedResult | None


@dataclass(frozen=True)
class MetricReport:
    """A metric: its type, each variant's summary and each treatment's comparison."""

    metric: str
    type: str
    variants: tuple[VariantSummary, ...]
    comparisons: tuple[VariantComparison, ...]


@dataclass(frozen=True)
class AnalysisReport:
    """The whole analysis."""

    alpha: float
    correction: Correction
    control: str
    srm: SrmResult
    metrics: tuple[MetricReport, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; a number that cannot be computed is None (null), never NaN or inf."""
        return {
            "alpha": self.alpha,
            "correction": self.correction,
            "srm": {
                "p_value": finite_or_none(self.srm.p_value),
                "statistic": finite_or_none(self.srm.statistic),
                "observed": dict(zip(self.srm.variants, self.srm.observed, strict=True)),
                "expected_share": dict(zip(self.srm.variants, self.srm.expected_share, strict=True)),
                "status": self.srm.status,
                "warning": self.srm.status == "warning",
                "message": self.srm.message,
            },
            "metrics": [_metric_dict(metric) for metric in self.metrics],
        }


def analyze_units(data: UnitData, *, alpha: float = 0.05, correction: Correction = "holm") -> AnalysisReport:
    """Analyse checked unit-level data (see ``marts.stats.units.prepare_units``)."""
    config = FrequentistConfig(alpha=alpha)
    srm = check_srm(dict(zip(data.variants, data.counts, strict=True)), data.expected_share)
    goals: list[GoalComparison] = []
    pending: list[tuple[int, str, BayesianResult, CupedResult | None]] = []
    summaries: list[tuple[VariantSummary, ...]] = []
    for index, metric in enumerate(data.metrics):
        stats = [SampleStats.from_values(values) for values in metric.values]
        summaries.append(
            tuple(VariantSummary(name, s.n, s.mean, s.std) for name, s in zip(data.variants, stats, strict=True))
        )
        for position, variant in enumerate(data.variants[1:], start=1):
            comparison = compare(metric.type, stats[0], stats[position], config)
            goals.append(GoalComparison(metric.name, variant, comparison))
            bayes = _bayesian(metric.type, stats[0], stats[position])
            cuped = None
            if data.covariate is not None:
                cuped = cuped_test(
                    CovariateStats.from_values(metric.values[0], data.covariate[0]),
                    CovariateStats.from_values(metric.values[position], data.covariate[position]),
                    CupedConfig(alpha=alpha),
                )
            pending.append((index, variant, bayes, cuped))
    adjusted = adjust_goals(goals, correction)
    by_metric: dict[int, list[VariantComparison]] = {index: [] for index in range(len(data.metrics))}
    for (index, variant, bayes, cuped), result in zip(pending, adjusted, strict=True):
        by_metric[index].append(
            VariantComparison(variant, data.control, result.goal.comparison, result.adjusted_p_value, bayes, cuped)
        )
    metrics = tuple(
        MetricReport(metric.name, metric.type, summaries[index], tuple(by_metric[index]))
        for index, metric in enumerate(data.metrics)
    )
    return AnalysisReport(alpha=alpha, correction=correction, control=data.control, srm=srm, metrics=metrics)


def _bayesian(kind: str, control: SampleStats, treatment: SampleStats) -> BayesianResult:
    if kind == "binary":
        return bayesian_beta_binomial(control, treatment, BayesianConfig(relative=True))
    return bayesian_normal(control, treatment, BayesianConfig(relative=True))


def _metric_dict(metric: MetricReport) -> dict[str, Any]:
    return {
        "metric": metric.metric,
        "type": metric.type,
        "variants": [
            {"variant": v.variant, "n": v.n, "mean": finite_or_none(v.mean), "std": finite_or_none(v.std)}
            for v in metric.variants
        ],
        "comparisons": [_comparison_dict(metric.type, c) for c in metric.comparisons],
    }


def _comparison_dict(kind: str, item: VariantComparison) -> dict[str, Any]:
    c = item.comparison
    return {
        "variant": item.variant,
        "vs": item.vs,
        "abs_lift": finite_or_none(c.abs_lift),
        "abs_ci": [finite_or_none(c.abs_ci[0]), finite_or_none(c.abs_ci[1])],
        "rel_lift": finite_or_none(c.rel_lift),
        "rel_ci": [finite_or_none(c.rel_ci[0]), finite_or_none(c.rel_ci[1])],
        "p_value": finite_or_none(c.p_value),
        "p_value_adjusted": finite_or_none(item.adjusted_p_value),
        "statistic": finite_or_none(c.statistic),
        "method": METHODS[kind],
        "chance_to_beat": finite_or_none(item.bayesian.chance_to_beat_control),
        "expected_loss": finite_or_none(item.bayesian.expected_loss_treatment),
        "bayesian_prior": item.bayesian.prior,
        "cuped": None if item.cuped is None else _cuped_dict(item.cuped),
        "error": c.error.value if c.error else None,
        "message": c.message,
    }


def _cuped_dict(cuped: CupedResult) -> dict[str, Any]:
    return {
        "abs_lift": finite_or_none(cuped.abs_lift),
        "abs_ci": [finite_or_none(cuped.ci_lower), finite_or_none(cuped.ci_upper)],
        "p_value": finite_or_none(cuped.p_value),
        "variance_reduction": finite_or_none(cuped.variance_reduction),
        "theta": finite_or_none(cuped.theta),
        "error": cuped.error.value if cuped.error else None,
        "message": cuped.message,
    }
