"""The results readout: the one object every surface reads (the Lab, ``novarium analyze``, the retrospective, the
coach and the Markdown export), and its one JSON shape, ``Readout.to_dict``.

A readout shows one analysis (``Analysis``): with CUPED or without. Every figure in it (each comparison's lift,
interval and p-value, the family-adjusted p-values, the Bayesian chance, the always-valid test, the MDE, the
guardrail bounds, the segment rows and the ship rule's verdicts) is read from that analysis. A comparison CUPED
cannot adjust (a ratio metric, no covariate, degenerate data) is read without it and says so (``cuped_applied``).
``orchestrator.build_readout`` builds it from sufficient statistics.

A number that cannot be computed is None in ``to_dict``, never NaN or inf.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from marts.stats.bayesian import BayesianResult
from marts.stats.cuped import CUPED_METHOD, CupedResult
from marts.stats.decision import Decision
from marts.stats.frequentist import Comparison
from marts.stats.guardrails import GuardrailResult
from marts.stats.multiple import Correction
from marts.stats.power import MdeResult
from marts.stats.results import finite_or_none, finite_pair
from marts.stats.segments import SegmentBreakdown
from marts.stats.sequential import SequentialResult
from marts.stats.srm import SrmResult
from marts.stats.units import GuardrailMargin

Role = Literal["primary", "secondary", "guardrail"]
MDE_POWER = 0.8
ANALYSIS_LABELS = {True: ("with CUPED", "CUPED 적용"), False: ("without CUPED", "CUPED 미적용")}
"""How every surface names the analysis it shows (English, Korean)."""


@dataclass(frozen=True)
class Analysis:
    """The analysis a readout shows: CUPED with ``covariate`` (``cuped=True``) or the raw metrics."""

    cuped: bool
    covariate: str | None = None

    @property
    def label(self) -> tuple[str, str]:
        """("with CUPED", "CUPED 적용") or ("without CUPED", "CUPED 미적용")."""
        return ANALYSIS_LABELS[self.cuped]

    def to_dict(self) -> dict[str, Any]:
        return {"cuped": self.cuped, "covariate": self.covariate, "label": self.label[0], "label_ko": self.label[1]}


def analysis_of(readout: Mapping[str, Any]) -> dict[str, Any]:
    """The ``analysis`` of a readout dict; a snapshot stored before readouts named it read without CUPED."""
    found = readout.get("analysis")
    if isinstance(found, Mapping) and isinstance(found.get("cuped"), bool):
        return Analysis(found["cuped"], found.get("covariate")).to_dict()
    return Analysis(False).to_dict()


@dataclass(frozen=True)
class VariantSummary:
    """One variant's units and its raw estimate of a metric (a rate, a mean or a ratio of sums)."""

    variant: str
    n: int
    mean: float | None
    std: float | None = None


@dataclass(frozen=True)
class SequentialReading:
    """The always-valid test of one comparison and the planned units it was tuned for."""

    result: SequentialResult
    planned_units: int


@dataclass(frozen=True)
class VariantComparison:
    """One treatment variant against control for a metric, read from the readout's analysis.

    Attributes:
        comparison: the test the readout shows (``CUPED_METHOD`` when CUPED adjusted it).
        adjusted_p_value: adjusted across the goal family; None for a guardrail-only metric or without a p-value.
        bayesian: the chance to beat control and expected loss, on the relative lift.
        cuped: the CUPED details (theta, variance reduction, the raw interval) when the analysis is CUPED.
        higher_is_better: the metric's good direction; ``chance_to_beat`` and ``expected_loss`` follow it.
        sequential: the always-valid p-value and interval (None for a ratio metric).
        mde: the smallest effect detectable with ``MDE_POWER`` at alpha with the control's units (None for a ratio).
        guardrail: the non-inferiority verdict when the metric is a guardrail.
    """

    variant: str
    vs: str
    comparison: Comparison
    bayesian: BayesianResult
    adjusted_p_value: float | None = None
    cuped: CupedResult | None = None
    higher_is_better: bool = True
    sequential: SequentialReading | None = None
    mde: MdeResult | None = None
    guardrail: GuardrailResult | None = None

    @property
    def cuped_applied(self) -> bool:
        """Whether the comparison shown is the CUPED-adjusted one."""
        return self.comparison.method == CUPED_METHOD

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
class MetricReadout:
    """A metric: what it is, its role, each variant's summary and each treatment's comparison."""

    metric: str
    kind: str
    role: Role
    variants: tuple[VariantSummary, ...]
    comparisons: tuple[VariantComparison, ...]
    higher_is_better: bool = True
    guardrail: GuardrailMargin | None = None
    label: str = ""
    description: str = ""

    @property
    def goal(self) -> bool:
        """Whether the metric is in the multiple-testing family (primary or secondary) and can win."""
        return self.role != "guardrail"


@dataclass(frozen=True)
class SegmentReadout:
    """One metric × treatment variant broken down by the segment dimension."""

    metric: str
    variant: str
    breakdown: SegmentBreakdown


@dataclass(frozen=True)
class Readout:
    """The whole results readout of one experiment.

    Attributes:
        analysis: the analysis every figure is read from.
        variants: control first.
        users: units in the analysis, every variant.
        family_size: the goal comparisons with a p-value, adjusted together.
        planned_units: the units per comparison (control + treatment) planned, or None (the data is complete).
        message: why there is nothing to read yet ("" otherwise).
    """

    analysis: Analysis
    alpha: float
    correction: Correction
    control: str
    variants: tuple[str, ...]
    users: int
    srm: SrmResult
    metrics: tuple[MetricReadout, ...]
    decisions: tuple[Decision, ...]
    segments: tuple[SegmentReadout, ...] = ()
    family_size: int = 0
    planned_units: int | None = None
    segment_dimension: str | None = None
    experiment_key: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def guardrails(self) -> tuple[GuardrailResult, ...]:
        """Every guardrail verdict, metric by metric."""
        return tuple(c.guardrail for m in self.metrics for c in m.comparisons if c.guardrail is not None)

    def metric(self, key: str) -> MetricReadout | None:
        """The readout of metric ``key``, or None."""
        return next((m for m in self.metrics if m.metric == key), None)

    def decision(self, variant: str) -> Decision | None:
        """The ship rule's decision on ``variant``, or None."""
        return next((d for d in self.decisions if d.variant == variant), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values; a number that cannot be computed is None (null), never NaN or inf."""
        return {
            "experiment_key": self.experiment_key,
            "analysis": self.analysis.to_dict(),
            "alpha": self.alpha,
            "correction": self.correction,
            "control": self.control,
            "variants": list(self.variants),
            "users": self.users,
            "segment_dimension": self.segment_dimension,
            "family_size": self.family_size,
            "planned_units": self.planned_units,
            "message": self.message,
            "warnings": list(self.warnings),
            "srm": _srm_dict(self.srm),
            "metrics": [_metric_dict(metric) for metric in self.metrics],
            "guardrails": [_guardrail_dict(result) for result in self.guardrails],
            "decisions": [
                {"variant": d.variant, "verdict": d.verdict, "reasons": list(d.reasons)} for d in self.decisions
            ],
            "segments": [{"metric": s.metric, "variant": s.variant, **s.breakdown.to_dict()} for s in self.segments],
        }


def _srm_dict(srm: SrmResult) -> dict[str, Any]:
    return {
        "p_value": finite_or_none(srm.p_value),
        "statistic": finite_or_none(srm.statistic),
        "status": srm.status,
        "warning": srm.status == "warning",
        "observed": dict(zip(srm.variants, srm.observed, strict=True)),
        "expected_share": dict(zip(srm.variants, srm.expected_share, strict=True)),
        "observed_share": dict(zip(srm.variants, srm.observed_share, strict=True)),
        "message": srm.message,
    }


def _metric_dict(metric: MetricReadout) -> dict[str, Any]:
    margin = metric.guardrail
    return {
        "metric": metric.metric,
        "label": metric.label or metric.metric,
        "description": metric.description,
        "kind": metric.kind,
        "role": metric.role,
        "goal": metric.goal,
        "higher_is_better": metric.higher_is_better,
        "guardrail": None
        if margin is None
        else {
            "margin": margin.margin,
            "margin_type": "relative" if margin.relative else "absolute",
            "relative": margin.relative,
            "text": margin.text,
        },
        "variants": [
            {"variant": v.variant, "n": v.n, "mean": finite_or_none(v.mean), "std": finite_or_none(v.std)}
            for v in metric.variants
        ],
        "comparisons": [_comparison_dict(item) for item in metric.comparisons],
    }


def _comparison_dict(item: VariantComparison) -> dict[str, Any]:
    c = item.comparison
    return {
        "variant": item.variant,
        "vs": item.vs,
        "cuped_applied": item.cuped_applied,
        "method": c.method,
        "control_mean": finite_or_none(c.control_mean),
        "treatment_mean": finite_or_none(c.treatment_mean),
        "abs_lift": finite_or_none(c.abs_lift),
        "abs_ci": finite_pair(c.abs_ci),
        "rel_lift": finite_or_none(c.rel_lift),
        "rel_ci": finite_pair(c.rel_ci),
        "p_value": finite_or_none(c.p_value),
        "p_value_adjusted": finite_or_none(item.adjusted_p_value),
        "statistic": finite_or_none(c.statistic),
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
        "theta": finite_or_none(cuped.theta),
        "variance_reduction": finite_or_none(cuped.variance_reduction),
        "raw_abs_lift": finite_or_none(cuped.raw_abs_lift),
        "raw_abs_ci": finite_pair((cuped.raw_ci_lower, cuped.raw_ci_upper)),
        "raw_p_value": finite_or_none(cuped.raw_p_value),
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
    relative = result.config.relative
    return {
        "metric": result.metric,
        "variant": result.variant,
        "margin_type": "relative" if relative else "absolute",
        "relative": relative,
        "harm_p_value": finite_or_none(result.harm_p_value),
        **result.to_dict(),
    }
