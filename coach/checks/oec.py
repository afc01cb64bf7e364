"""The OEC: the primary metric fits the knobs changed and the hypothesis; a price change watches revenue."""

from coach.checks.context import Context
from coach.checks.plan import error_rates
from coach.findings import Finding, Text, josa, metric_name, metric_names, pct
from coach.hypothesis import HypothesisInput
from marts.metrics import METRICS
from marts.vocabulary import PERSONA_NAMES, persona_name

PRICE_WORDS = ("price", "discount", "fee", "coupon", "delivery", "promo", "shipping")
REVENUE_METRICS = ("revenue_per_visitor", "aov")
DOWNSTREAM_METRICS = ("conversion", "revenue_per_visitor", "orders_per_visitor")
"""Metrics any change in the shop can move: they are a fair OEC for every knob."""
KNOB_FAMILIES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (PRICE_WORDS, ("aov", "checkout_rate", "add_to_cart_rate")),
    (("banner", "headline", "urgency", "badge", "color"), ("banner_ctr", "add_to_cart_rate")),
    (("checkout", "button"), ("checkout_rate",)),
    (("recommend", "layout", "rating"), ("items_viewed", "add_to_cart_rate")),
)
"""Words in a knob's key -> the metrics it acts on directly (besides ``DOWNSTREAM_METRICS``)."""


def _changed_knobs(h: HypothesisInput) -> list[str]:
    """Knob keys any treatment sets differently from the control, sorted."""
    if not h.variants:
        return []
    control = h.variants[0].config
    keys = {key for v in h.variants[1:] for key, value in v.config.items() if control.get(key) != value}
    return sorted(keys)


def _acts_on(knob: str) -> tuple[str, ...] | None:
    """The metrics a knob acts on directly, None when its family is unknown."""
    lowered = knob.casefold()
    families = [metrics for words, metrics in KNOB_FAMILIES if any(w in lowered for w in words)]
    if not families:
        return None
    return tuple(sorted({m for metrics in families for m in metrics}))


def check_oec(h: HypothesisInput, context: Context) -> list[Finding]:
    """Warnings for an OEC that misses the change, the hypothesis or revenue; persona notes; or a good finding."""
    primary = h.primary_metric
    if primary not in METRICS:
        return []
    found = []
    name = metric_name(primary)
    knobs = _changed_knobs(h)
    guarded = {g.metric for g in h.guardrails}
    priced = [k for k in knobs if any(word in k.casefold() for word in PRICE_WORDS)]
    if priced and primary not in REVENUE_METRICS and not guarded & set(REVENUE_METRICS):
        found.append(
            Finding(
                "oec.price_unguarded",
                "warning",
                ("Price change, revenue unwatched", "가격 변경, 매출 미관찰"),
                (
                    f"{', '.join(priced)} changes what people pay, but neither revenue per visitor nor average order "
                    f"value is the OEC or a guardrail: {name[0]} can rise while revenue falls.",
                    f"{', '.join(priced)} 노브는 고객이 내는 금액을 바꾸는데, 방문자당 매출과 평균 주문 금액이 "
                    f"1차 지표도 가드레일도 아닙니다. {josa(name[1], '은', '는')} 오르면서 매출은 줄 수 있습니다.",
                ),
                (
                    "Add average order value (or revenue per visitor) as a guardrail with a 5% relative margin.",
                    "평균 주문 금액(또는 방문자당 매출)을 상대 허용폭 5%의 가드레일로 추가하세요.",
                ),
                "guardrails",
            )
        )
    mapped = {k: _acts_on(k) for k in knobs}
    reach = {m for metrics in mapped.values() if metrics for m in metrics} | set(DOWNSTREAM_METRICS)
    if knobs and all(mapped.values()) and primary not in reach:
        listed = ", ".join(knobs)
        found.append(
            Finding(
                "oec.mismatch",
                "warning",
                ("OEC does not fit the change", "변경과 맞지 않는 1차 지표"),
                (
                    f"{listed} acts on {metric_names(sorted(reach))[0]}, not on {name[0]}: the test may miss "
                    "the effect it causes.",
                    f"{listed} 노브는 {metric_names(sorted(reach))[1]}에 작용하며 "
                    f"{josa(name[1], '과', '와')}는 거리가 멉니다. "
                    "실제로 생긴 효과를 놓칠 수 있습니다.",
                ),
                (
                    "Pick a primary metric the change acts on (conversion fits any change) and keep "
                    f"{name[0]} as a secondary.",
                    "변경이 직접 작용하는 1차 지표를 고르고(전환율은 어떤 변경에도 맞습니다) "
                    f"{josa(name[1], '은', '는')} "
                    "보조 지표로 두세요.",
                ),
                "metric",
            )
        )
    if not h.from_builder and h.metrics_named and primary not in h.metrics_named:
        said = metric_names(h.metrics_named)
        found.append(
            Finding(
                "oec.hypothesis_metric",
                "warning",
                ("Hypothesis and OEC differ", "가설과 1차 지표 불일치"),
                (
                    f"The hypothesis talks about {said[0]}, but the primary metric is {name[0]}.",
                    f"가설은 {josa(said[1], '을', '를')} 말하지만 1차 지표는 {name[1]}입니다.",
                ),
                (
                    "Make the primary metric the one the hypothesis predicts, or rewrite the hypothesis.",
                    "1차 지표를 가설이 예측하는 지표로 바꾸거나 가설을 고쳐 쓰세요.",
                ),
                "metric",
            )
        )
    if h.persona:
        found += _persona(h, name)
    if knobs and all(mapped.values()) and primary in reach and not found:
        found.append(
            Finding(
                "oec.fits",
                "good",
                ("OEC fits the change", "변경에 맞는 1차 지표"),
                (
                    f"{name[0]} is moved by what you change ({', '.join(knobs)}).",
                    f"{josa(name[1], '은', '는')} 바꾸는 노브({', '.join(knobs)})의 영향을 받는 지표입니다.",
                ),
                (
                    "Keep choosing the OEC from what the change acts on.",
                    "앞으로도 변경이 작용하는 지표에서 1차 지표를 고르세요.",
                ),
                "metric",
            )
        )
    return found


def _persona(h: HypothesisInput, name: Text) -> list[Finding]:
    who = persona_name(h.persona)
    segments = len(PERSONA_NAMES)
    alpha = error_rates(h)[0]
    luck = 1 - (1 - alpha) ** segments
    return [
        Finding(
            "oec.persona_segment",
            "suggestion",
            ("Check the persona segment", "페르소나 세그먼트 확인"),
            (
                f"The hypothesis is about the {who[0]} persona, but {name[0]} is measured over everyone: the other "
                "personas dilute the effect.",
                f"가설은 {who[1]} 고객에 관한 것인데 {josa(name[1], '은', '는')} 전체 고객으로 측정되어 "
                "다른 페르소나가 "
                "효과를 희석합니다.",
            ),
            (
                f"Read the {who[0]} row of the persona breakdown on the results page, and size the MDE for the "
                "diluted effect.",
                f"결과 페이지의 페르소나별 분석에서 {who[1]} 행을 확인하고, 희석된 효과에 맞춰 MDE를 정하세요.",
            ),
            "persona",
        ),
        Finding(
            "oec.segment_multiplicity",
            "warning",
            ("Segments multiply comparisons", "세그먼트는 비교를 늘립니다"),
            (
                f"The persona breakdown has {segments} segments: at alpha {alpha:g}, at least one looks "
                f"significant by luck {pct(luck)} of the time.",
                f"페르소나 분석에는 세그먼트가 {segments}개 있어, 유의수준 {alpha:g}에서 적어도 하나가 우연히 "
                f"유의해 보일 확률이 {pct(luck)}입니다.",
            ),
            (
                f"Commit now to reading only the {who[0]} segment; treat the others as exploratory (the Lab "
                "adjusts the breakdown with Holm).",
                f"{who[1]} 세그먼트만 판단에 쓰겠다고 지금 정해 두고, 나머지는 탐색용으로만 보세요"
                "(Lab은 세그먼트 분석에 Holm 보정을 적용합니다).",
            ),
            "persona",
        ),
    ]
