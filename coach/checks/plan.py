"""The rubric's own power plan: sample size and days for the design's MDE, or why there is none.

The numbers come from ``marts.stats.power``; the design's baseline, spread and traffic are used first, then the
warehouse's (``marts.baselines``). The power, duration and multiple-testing checks read the plan.
"""

from dataclasses import dataclass

from coach.findings import Finding, Text, josa, metric_name
from coach.hypothesis import HypothesisInput
from marts.baselines import Baselines
from marts.metrics import METRICS
from marts.retrospectives.korean import sentence_ko
from marts.stats.power import MeanMetric, PowerConfig, PowerResult, ProportionMetric, Traffic, duration, power_at_n
from marts.stats.sufficient import RatioStats, SampleStats

DEFAULT_ALPHA, DEFAULT_POWER = 0.05, 0.8


@dataclass(frozen=True)
class PowerPlan:
    """The rubric's own power plan.

    Attributes:
        n_per_variant: control-arm units needed (None when it cannot be computed).
        days: days needed at the traffic.
        days_exact: the unrounded days.
        mde_rel: the MDE relative to the baseline.
        alpha, power: the error rates used.
        model, traffic, relative, mde: what ``marts.stats.power`` was given.
        missing: the finding that says why there is no plan (None when there is one, or no catalog metric).
    """

    n_per_variant: int | None = None
    days: int | None = None
    days_exact: float | None = None
    mde_rel: float | None = None
    alpha: float = DEFAULT_ALPHA
    power: float = DEFAULT_POWER
    model: ProportionMetric | MeanMetric | None = None
    traffic: Traffic | None = None
    relative: bool = True
    mde: float | None = None
    missing: Finding | None = None

    def power_at(self, effect: float, *, relative: bool, alpha: float | None = None) -> PowerResult | None:
        """The power the planned n has for ``effect`` at ``alpha`` (the plan's by default); None when not computable."""
        if self.model is None or self.traffic is None or self.n_per_variant is None:
            return None
        config = PowerConfig(alpha=self.alpha if alpha is None else alpha, power=self.power)
        try:
            return power_at_n(
                self.model, effect, self.n_per_variant, relative=relative, ratio=self.traffic.ratio, config=config
            )
        except ValueError:
            return None


def error_rates(h: HypothesisInput) -> tuple[float, float]:
    """The design's alpha and power, each replaced by the default when it is not a usable probability."""
    alpha = h.alpha if h.alpha is not None and 0 < h.alpha < 1 else DEFAULT_ALPHA
    power = h.power if h.power is not None and alpha < h.power < 1 else DEFAULT_POWER
    return alpha, power


def _warehouse_std(baselines: Baselines | None, metric: str) -> float | None:
    if baselines is None or metric not in baselines.metrics or not baselines.metrics[metric].available:
        return None
    stats = baselines.metrics[metric].stats
    if isinstance(stats, RatioStats):
        found = MeanMetric.from_ratio_stats(stats)
        return None if found.error else found.std
    return stats.std if isinstance(stats, SampleStats) else None


def _traffic(h: HypothesisInput, daily: float) -> Traffic:
    allocation = h.allocation / 100 if h.allocation is not None and 0 < h.allocation <= 100 else 1.0
    weights = tuple(v.weight or 0.0 for v in h.variants)
    if len(weights) >= 2 and all(w > 0 for w in weights):
        return Traffic(daily, allocation, weights=weights)
    return Traffic(daily, allocation, n_variants=max(2, len(h.variants)))


def _no_plan(code: str, title: Text, reason: Text, suggestion: Text, field: str = "mde") -> PowerPlan:
    return PowerPlan(missing=Finding(code, "warning", title, reason, suggestion, field))


def power_plan(h: HypothesisInput, baselines: Baselines | None) -> PowerPlan:
    """Sample size and days for the design's MDE, or the finding that says why they cannot be computed."""
    metric = h.primary_metric
    if metric not in METRICS:
        return PowerPlan()
    name = metric_name(metric)
    if h.mde is None or h.mde <= 0:
        return _no_plan(
            "power.no_plan",
            ("No power plan", "검정력 계획 없음"),
            (
                "The design sets no minimum detectable effect, so nobody knows what effect this test can detect "
                "or how long it must run.",
                "최소 검출 효과(MDE)가 없어 이 테스트가 어떤 효과를 검출할 수 있는지, 얼마나 돌려야 하는지 알 수 "
                "없습니다.",
            ),
            (
                "Set the MDE in the power step: the smallest lift worth shipping (e.g. 5% relative).",
                "검정력 단계에서 MDE를 정하세요: 배포할 가치가 있는 가장 작은 상승폭(예: 상대 5%).",
            ),
        )
    binary = METRICS[metric].kind == "binary"
    warehouse = baselines.metrics.get(metric) if baselines is not None else None
    baseline = h.baseline if h.baseline is not None else (warehouse.mean if warehouse is not None else None)
    if baseline is None or (binary and not 0 < baseline < 1):
        return _no_plan(
            "power.baseline_missing",
            ("No baseline", "기준값 없음"),
            (
                f"Neither the design nor the warehouse gives a baseline for {name[0]}, so the MDE cannot be "
                "checked against traffic.",
                f"설계에도 웨어하우스에도 {name[1]}의 기준값이 없어 MDE를 트래픽과 비교해 볼 수 없습니다.",
            ),
            (
                f"Type an assumed baseline for {name[0]} in the power step (or seed the warehouse).",
                f"검정력 단계에 {name[1]}의 가정 기준값을 입력하세요(또는 웨어하우스 데이터를 생성하세요).",
            ),
        )
    std = None if binary else (h.std if h.std is not None else _warehouse_std(baselines, metric))
    if not binary and not std:
        return _no_plan(
            "power.std_missing",
            ("No spread for the metric", "지표의 표준편차 없음"),
            (
                f"{name[0]} is a mean: its sample size needs the per-visitor standard deviation, which neither "
                "the design nor the warehouse gives.",
                f"{josa(name[1], '은', '는')} 평균 지표라 표본 크기를 구하려면 방문자당 표준편차가 필요한데, 설계에도 "
                "웨어하우스에도 없습니다.",
            ),
            (
                "Type the standard deviation in the power step (or seed the warehouse).",
                "검정력 단계에 표준편차를 입력하세요(또는 웨어하우스 데이터를 생성하세요).",
            ),
        )
    daily = h.daily_visitors if h.daily_visitors else (baselines.daily_visitors if baselines is not None else None)
    if not daily or daily <= 0:
        return _no_plan(
            "power.traffic_missing",
            ("No daily traffic", "일일 트래픽 없음"),
            (
                "The design has no daily visitors, so the run's length cannot be planned.",
                "설계에 일일 방문자 수가 없어 실험 기간을 계획할 수 없습니다.",
            ),
            (
                "Seed the warehouse (novarium seed) so the plan can use the shop's traffic.",
                "쇼핑몰 트래픽을 계획에 쓸 수 있도록 웨어하우스 데이터를 생성하세요(novarium seed).",
            ),
            "days",
        )
    alpha, power = error_rates(h)
    relative = h.mde_type != "absolute"
    try:
        model = ProportionMetric(baseline) if binary else MeanMetric(baseline, float(std or 0.0))
        traffic = _traffic(h, daily)
        config = PowerConfig(alpha=alpha, power=power)
        result = duration(model, h.mde, traffic, relative=relative, config=config)
    except ValueError as error:
        return _no_plan(
            "power.invalid",
            ("Impossible power plan", "불가능한 검정력 계획"),
            (
                f"The power plan cannot be computed: {error}.",
                f"검정력 계획을 계산할 수 없습니다: {sentence_ko(str(error))}.",
            ),
            ("Check the baseline and the MDE in the power step.", "검정력 단계에서 기준값과 MDE를 확인하세요."),
        )
    size = result.sample_size
    return PowerPlan(
        n_per_variant=size.n_per_variant,
        days=result.days,
        days_exact=result.days_exact,
        mde_rel=size.mde_rel,
        alpha=alpha,
        power=power,
        model=model,
        traffic=traffic,
        relative=relative,
        mde=h.mde,
    )
