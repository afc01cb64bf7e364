"""Guardrails: present, not the OEC, with plausible margins."""

from coach.checks.context import Context
from coach.findings import Finding, Text, josa, metric_name, metric_names, pct
from coach.hypothesis import HypothesisInput
from marts.baselines import Baselines
from marts.metrics import METRICS

MAX_RELATIVE_MARGIN = 0.2
SUGGESTED_GUARDRAILS = {
    "conversion": ("revenue_per_visitor", "aov"),
    "revenue_per_visitor": ("conversion", "aov"),
    "aov": ("conversion",),
    "banner_ctr": ("conversion", "revenue_per_visitor"),
    "add_to_cart_rate": ("conversion", "aov"),
    "checkout_rate": ("conversion", "aov"),
    "orders_per_visitor": ("aov", "revenue_per_visitor"),
    "items_viewed": ("conversion",),
}
"""The OEC -> metrics worth guarding when the design has no guardrail."""


def check_guardrails(h: HypothesisInput, context: Context) -> list[Finding]:
    """A warning for no guardrails, a guardrail on the OEC or an implausible margin; else a good finding."""
    baselines = context.baselines
    primary = h.primary_metric
    if not h.guardrails:
        ideas = [m for m in SUGGESTED_GUARDRAILS.get(primary, ("conversion", "aov")) if m != primary]
        names = metric_names(ideas)
        return [
            Finding(
                "guardrails.none",
                "warning",
                ("No guardrails", "가드레일 없음"),
                (
                    "Nothing checks that the change does no harm elsewhere: a win on the OEC could hide a loss.",
                    "변경이 다른 곳에 해를 끼치지 않는지 확인하는 장치가 없어, 1차 지표의 승리가 손실을 가릴 수 "
                    "있습니다.",
                ),
                (
                    f"Add {names[0]} as a guardrail with a 5% relative margin.",
                    f"{josa(names[1], '을', '를')} 상대 허용폭 5%의 가드레일로 추가하세요.",
                ),
                "guardrails",
            )
        ]
    found = []
    if any(g.metric == primary for g in h.guardrails):
        name = metric_name(primary)
        found.append(
            Finding(
                "guardrails.is_oec",
                "warning",
                ("Guardrail is the OEC", "가드레일이 1차 지표와 같음"),
                (
                    f"{name[0]} is both the OEC and a guardrail: the guardrail adds no protection.",
                    f"{josa(name[1], '이', '가')} 1차 지표이자 가드레일이라 가드레일이 아무것도 보호하지 않습니다.",
                ),
                (
                    "Guard a different metric that the change could hurt.",
                    "변경이 해칠 수 있는 다른 지표를 가드레일로 두세요.",
                ),
                "guardrails",
            )
        )
    bad = [text for g in h.guardrails if (text := _margin_problem(g.metric, g.margin, g.margin_type, baselines))]
    if bad:
        found.append(
            Finding(
                "guardrails.margin",
                "warning",
                ("Implausible guardrail margin", "비현실적인 가드레일 허용폭"),
                ("; ".join(t[0] for t in bad) + ".", "; ".join(t[1] for t in bad) + "."),
                (
                    "Use a margin above 0 and at most 20% relative (5% is common).",
                    "허용폭은 0보다 크고 상대 20% 이하로 두세요(보통 5%).",
                ),
                "guardrails",
            )
        )
    if not found:
        names = metric_names([g.metric for g in h.guardrails])
        found.append(
            Finding(
                "guardrails.ok",
                "good",
                ("Sensible guardrails", "적절한 가드레일"),
                (
                    f"The guardrails ({names[0]}) protect against harm with plausible margins.",
                    f"가드레일({names[1]})이 적절한 허용폭으로 손해를 막아 줍니다.",
                ),
                ("Keep guarding what the change could hurt.", "변경이 해칠 수 있는 지표를 계속 지키세요."),
                "guardrails",
            )
        )
    return found


def _margin_problem(metric: str, margin: float | None, margin_type: str, baselines: Baselines | None) -> Text | None:
    name = metric_name(metric)
    if margin is None or margin <= 0:
        return f"{name[0]}: the margin must be above 0", f"{name[1]}: 허용폭은 0보다 커야 합니다"
    relative = margin if margin_type == "relative" else None
    if margin_type == "absolute":
        kind = METRICS[metric].kind if metric in METRICS else None
        level = None
        if baselines is not None and metric in baselines.metrics:
            level = baselines.metrics[metric].mean
        if kind == "binary":
            relative = margin / level if level else None
            if relative is None and margin > MAX_RELATIVE_MARGIN:
                return (
                    f"{name[0]}: {margin * 100:.3g} percentage points lets the rate fall by more than 20 points",
                    f"{name[1]}: {margin * 100:.3g}%p는 비율이 20%p 넘게 떨어져도 허용합니다",
                )
        elif level:
            relative = margin / abs(level)
    if relative is not None and relative > MAX_RELATIVE_MARGIN:
        return (
            f"{name[0]}: a {pct(relative)} margin accepts a loss larger than 20%",
            f"{name[1]}: 허용폭 {pct(relative)}는 20%가 넘는 손실도 받아들입니다",
        )
    return None
