"""One analysis of unit-level data: SRM, every metric × treatment variant against control, and the ship rule.

Each comparison carries:
- the fixed-horizon test (z-test for binary metrics, Welch for continuous) with its raw and family-adjusted p-value
  (Holm by default, across goal metrics × variants; guardrail-only metrics stay out of the family);
- the Bayesian chance to beat control and expected loss (Beta-Binomial for binary metrics, the normal model for
  continuous ones), in the metric's good direction;
- the always-valid (mSPRT) p-value and interval, tuned for the tightest interval at the planned units (the observed
  units of the comparison unless ``planned_units`` is given);
- the MDE: the smallest effect detectable with 80% power at alpha with the control's observed units;
- with a covariate, CUPED; for a guardrail, the non-inferiority verdict.

Then the ship rule decides per treatment variant (``decision.decide_all``'s two steps, so that each variant gets its
own horizon), and with a segment dimension every metric × variant is broken down by it. ``AnalysisReport.to_dict``
is the ``novarium analyze --json`` shape.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from marts.stats.bayesian import BayesianConfig, BayesianResult, bayesian_beta_binomial, bayesian_normal
from marts.stats.cuped import CupedConfig, CupedResult, cuped_test
from marts.stats.decision import Decision, decide
from marts.stats.frequentist import Comparison, FrequentistConfig, compare
from marts.stats.guardrails import GuardrailConfig, GuardrailResult, check_guardrail
from marts.stats.multiple import Correction, GoalComparison, adjust_goals
from marts.stats.power import MdeResult, MeanMetric, PowerConfig, ProportionMetric, minimum_detectable_effect
from marts.stats.results import ErrorCode, finite_or_none, finite_pair
from marts.stats.segments import SegmentBreakdown, compare_segments, sample_stats_by_segment
from marts.stats.sequential import SequentialConfig, SequentialResult, always_valid_test
from marts.stats.srm import SrmResult, check_srm
from marts.stats.sufficient import CovariateStats, SampleStats
from marts.stats.units import GuardrailMargin, UnitData, UnitMetric

METHODS = {"binary": "two-proportion z-test", "continuous": "Welch t-test"}
MDE_POWER = 0.8


@dataclass(frozen=True)
class VariantSummary:
    """One variant's units, mean and standard deviation (ddof=1) for a metric."""

    variant: str
    n: int
    mean: float
    std: float


@dataclass(frozen=True)
class SequentialReading:
    """The always-valid test of one comparison and the planned units it was tuned for."""

    result: SequentialResult
    planned_units: int


@dataclass(frozen=True)
class VariantComparison:
    """One treatment variant against control for a metric.

    Attributes:
        adjusted_p_value: adjusted across the goal family; None for a guardrail-only metric or without a p-value.
        higher_is_better: the metric's good direction; ``chance_to_beat`` and ``expected_loss`` follow it.
        sequential: the always-valid p-value and interval.
        mde: the smallest effect detectable with ``MDE_POWER`` at alpha with the control's observed units.
        guardrail: the non-inferiority verdict when the metric is a guardrail.
    """

    variant: str
    vs: str
    comparison: Comparison
    adjusted_p_value: float | None
    bayesian: BayesianResult
    cuped: CupedResult | None
    higher_is_better: bool = True
    sequential: SequentialReading | None = None
    mde: MdeResult | None = None
    guardrail: GuardrailResult | None = None

    @property
    def chance_to_beat(self) -> float | None:
        """The posterior chance that the treatment is better than control in the metric's good direction."""
        chance = self.bayesian.chance_to_beat_control
        return chance if self.higher_is_better or chance is None else 1.0 - chance

    @property
    def expected_loss(self) -> float | None:
        """What shipping the treatment is expected to cost if it is worse (on the relative lift's scale)."""
        bayes = self.bayesian
        return bayes.expected_loss_treatment if self.higher_is_better else bayes.expected_loss_control


@dataclass(frozen=True)
class MetricReport:
    """A metric: its type and role, each variant's summary and each treatment's comparison."""

    metric: str
    type: str
    variants: tuple[VariantSummary, ...]
    comparisons: tuple[VariantComparison, ...]
    goal: bool = True
    higher_is_better: bool = True
    guardrail: GuardrailMargin | None = None

    @property
    def role(self) -> str:
        """The metric's role: "goal" (in the family, can win) or "guardrail" (a guardrail only)."""
        return "goal" if self.goal else "guardrail"


@dataclass(frozen=True)
class SegmentReport:
    """One metric × treatment variant broken down by the segment dimension."""

    metric: str
    variant: str
    breakdown: SegmentBreakdown


@dataclass(frozen=True)
class AnalysisReport:
    """The whole analysis.

    Attributes:
        family_size: the goal comparisons with a p-value, adjusted together.
        planned_units: the units per comparison (control + treatment) the user planned, or None (observed units).
        decisions: the ship rule's verdict per treatment variant.
        segments: the segment breakdowns, empty without a segment dimension.
    """

    alpha: float
    correction: Correction
    control: str
    srm: SrmResult
    metrics: tuple[MetricReport, ...]
    family_size: int = 0
    planned_units: int | None = None
    decisions: tuple[Decision, ...] = ()
    segments: tuple[SegmentReport, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; a number that cannot be computed is None (null), never NaN or inf."""
        return {
            "alpha": self.alpha,
            "correction": self.correction,
            "family_size": self.family_size,
            "planned_units": self.planned_units,
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
            "decisions": [
                {"variant": d.variant, "verdict": d.verdict, "reasons": list(d.reasons)} for d in self.decisions
            ],
            "segments": [_segment_dict(item) for item in self.segments],
        }


def analyze_units(
    data: UnitData,
    *,
    alpha: float = 0.05,
    correction: Correction = "holm",
    planned_units: int | None = None,
) -> AnalysisReport:
    """Analyse checked unit-level data (see ``marts.stats.units.prepare_units``).

    Args:
        data: the checked units, with each metric's role and direction and the optional segment dimension.
        alpha: the significance level of every test (one-sided for guardrails).
        correction: the adjustment across goal metrics × variants (and across the segments of one breakdown).
        planned_units: units per comparison (control + treatment) planned. It tunes the always-valid test, and
            a variant with fewer units has not reached its horizon (an undecided verdict is then keep_running).
            None takes each comparison's observed units and treats the data as complete.
    """
    if planned_units is not None and not (isinstance(planned_units, int) and planned_units >= 2):
        raise ValueError(f"planned_units: must be an integer >= 2, got {planned_units!r}")
    srm = check_srm(dict(zip(data.variants, data.counts, strict=True)), data.expected_share)
    stats = [[SampleStats.from_values(values) for values in metric.values] for metric in data.metrics]
    rows = [
        [_compare_variant(data, metric, stats[index], position, alpha, planned_units) for position in _treatments(data)]
        for index, metric in enumerate(data.metrics)
    ]

    goals = [
        GoalComparison(metric.name, item.variant, item.comparison, metric.higher_is_better)
        for metric, items in zip(data.metrics, rows, strict=True)
        if metric.goal
        for item in items
    ]
    adjusted = adjust_goals(goals, correction)
    adjusted_p = {(a.metric, a.variant): a.adjusted_p_value for a in adjusted}
    rows = [
        [replace(item, adjusted_p_value=adjusted_p.get((metric.name, item.variant))) for item in items]
        for metric, items in zip(data.metrics, rows, strict=True)
    ]

    guardrails = [item.guardrail for items in rows for item in items if item.guardrail is not None]
    decisions = tuple(
        decide(
            data.variants[position],
            adjusted,
            guardrails,
            srm,
            horizon_reached=planned_units is None or data.counts[0] + data.counts[position] >= planned_units,
        )
        for position in _treatments(data)
    )

    metrics = tuple(
        MetricReport(
            metric.name,
            metric.type,
            tuple(
                VariantSummary(name, s.n, s.mean, s.std) for name, s in zip(data.variants, stats[index], strict=True)
            ),
            tuple(rows[index]),
            goal=metric.goal,
            higher_is_better=metric.higher_is_better,
            guardrail=metric.guardrail,
        )
        for index, metric in enumerate(data.metrics)
    )
    return AnalysisReport(
        alpha=alpha,
        correction=correction,
        control=data.control,
        srm=srm,
        metrics=metrics,
        family_size=adjusted[0].family_size if adjusted else 0,
        planned_units=planned_units,
        decisions=decisions,
        segments=_segments(data, alpha, correction),
    )


def _treatments(data: UnitData) -> range:
    return range(1, len(data.variants))


def _compare_variant(
    data: UnitData,
    metric: UnitMetric,
    stats: list[SampleStats],
    position: int,
    alpha: float,
    planned_units: int | None,
) -> VariantComparison:
    """Everything about one treatment against control for one metric, except the family adjustment."""
    variant, control, treatment = data.variants[position], stats[0], stats[position]
    comparison = compare(metric.type, control, treatment, FrequentistConfig(alpha=alpha))
    cuped = None
    if data.covariate is not None:
        cuped = cuped_test(
            CovariateStats.from_values(metric.values[0], data.covariate[0]),
            CovariateStats.from_values(metric.values[position], data.covariate[position]),
            CupedConfig(alpha=alpha),
        )
    planned = planned_units or control.n + treatment.n
    sequential = always_valid_test(control, treatment, SequentialConfig(alpha=alpha, planned_units=planned))
    guardrail = None
    if metric.guardrail is not None:
        margin = metric.guardrail
        config = GuardrailConfig(margin.margin, margin.relative, metric.higher_is_better, alpha)
        guardrail = check_guardrail(comparison, config, metric=metric.name, variant=variant)
    return VariantComparison(
        variant=variant,
        vs=data.control,
        comparison=comparison,
        adjusted_p_value=None,
        bayesian=_bayesian(metric.type, control, treatment),
        cuped=cuped,
        higher_is_better=metric.higher_is_better,
        sequential=SequentialReading(sequential, planned),
        mde=_mde(metric.type, control, treatment, alpha),
        guardrail=guardrail,
    )


def _bayesian(kind: str, control: SampleStats, treatment: SampleStats) -> BayesianResult:
    if kind == "binary":
        return bayesian_beta_binomial(control, treatment, BayesianConfig(relative=True))
    return bayesian_normal(control, treatment, BayesianConfig(relative=True))


def _mde(kind: str, control: SampleStats, treatment: SampleStats, alpha: float) -> MdeResult:
    """The MDE at the control's observed units and this treatment's split (Cohen's h for a binary metric)."""
    n = control.n
    if n < 2 or treatment.n < 1:
        return MdeResult(n, None, None, None, ErrorCode.TOO_FEW_UNITS, f"control has {n} unit(s); need at least 2")
    if kind == "binary":
        if not 0.0 < control.mean < 1.0:
            message = f"the control rate is {control.mean:g}, so there is no variation to size an effect against"
            return MdeResult(n, None, None, None, ErrorCode.ZERO_VARIANCE, message)
        metric: ProportionMetric | MeanMetric = ProportionMetric(control.mean)
    else:
        metric = MeanMetric.from_sample_stats(control)
    config = PowerConfig(alpha=alpha, power=MDE_POWER)
    return minimum_detectable_effect(metric, n, ratio=treatment.n / n, config=config)


def _segments(data: UnitData, alpha: float, correction: Correction) -> tuple[SegmentReport, ...]:
    if data.segment is None:
        return ()
    labels = data.segment.labels
    reports = []
    for metric in data.metrics:
        by_variant = [sample_stats_by_segment(v, s) for v, s in zip(metric.values, labels, strict=True)]
        for position in _treatments(data):
            breakdown = compare_segments(
                metric.type,
                by_variant[0],
                by_variant[position],
                FrequentistConfig(alpha=alpha),
                dimension=data.segment.name,
                correction=correction,
            )
            reports.append(SegmentReport(metric.name, data.variants[position], breakdown))
    return tuple(reports)


def _metric_dict(metric: MetricReport) -> dict[str, Any]:
    margin = metric.guardrail
    return {
        "metric": metric.metric,
        "type": metric.type,
        "role": metric.role,
        "higher_is_better": metric.higher_is_better,
        "guardrail_margin": None
        if margin is None
        else {"margin": margin.margin, "relative": margin.relative, "text": margin.text},
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
        "abs_ci": finite_pair(c.abs_ci),
        "rel_lift": finite_or_none(c.rel_lift),
        "rel_ci": finite_pair(c.rel_ci),
        "p_value": finite_or_none(c.p_value),
        "p_value_adjusted": finite_or_none(item.adjusted_p_value),
        "statistic": finite_or_none(c.statistic),
        "method": METHODS[kind],
        "chance_to_beat": finite_or_none(item.chance_to_beat),
        "expected_loss": finite_or_none(item.expected_loss),
        "bayesian_prior": item.bayesian.prior,
        "cuped": None if item.cuped is None else _cuped_dict(item.cuped),
        "sequential": None if item.sequential is None else _sequential_dict(item.sequential),
        "mde": None if item.mde is None else _mde_dict(item.mde),
        "guardrail": None if item.guardrail is None else _guardrail_dict(item.guardrail),
        "error": c.error.value if c.error else None,
        "message": c.message,
    }


def _cuped_dict(cuped: CupedResult) -> dict[str, Any]:
    return {
        "abs_lift": finite_or_none(cuped.abs_lift),
        "abs_ci": finite_pair((cuped.ci_lower, cuped.ci_upper)),
        "p_value": finite_or_none(cuped.p_value),
        "variance_reduction": finite_or_none(cuped.variance_reduction),
        "theta": finite_or_none(cuped.theta),
        "error": cuped.error.value if cuped.error else None,
        "message": cuped.message,
    }


def _sequential_dict(reading: SequentialReading) -> dict[str, Any]:
    result = reading.result
    return {
        "p_value": finite_or_none(result.p_value),
        "ci": finite_pair((result.ci_lower, result.ci_upper)),
        "tuning": result.tuning,
        "planned_units": reading.planned_units,
        "mixing_variance": finite_or_none(result.mixing_variance),
        "error": result.error.value if result.error else None,
        "message": result.message,
    }


def _mde_dict(mde: MdeResult) -> dict[str, Any]:
    return {
        "abs": finite_or_none(mde.mde_abs),
        "rel": finite_or_none(mde.mde_rel),
        "power": MDE_POWER,
        "n_control": int(mde.n_per_variant),
        "error": mde.error.value if mde.error else None,
        "message": mde.message,
    }


def _guardrail_dict(result: GuardrailResult) -> dict[str, Any]:
    return {**result.to_dict(), "relative": result.config.relative, "harm_p_value": finite_or_none(result.harm_p_value)}


def _segment_dict(item: SegmentReport) -> dict[str, Any]:
    return {"metric": item.metric, "variant": item.variant, **item.breakdown.to_dict()}
