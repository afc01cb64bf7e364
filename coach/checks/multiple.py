"""Multiple testing: how many goal comparisons the Holm adjustment covers, and what it costs in power."""

from coach.checks.context import Context
from coach.findings import Finding
from coach.hypothesis import HypothesisInput

MANY_VARIANTS = 4


def check_multiple(h: HypothesisInput, context: Context) -> list[Finding]:
    """A warning for many variants, the Holm note with its power cost, or a good finding for one comparison."""
    plan = context.plan
    variants = len(h.variants)
    if variants < 2:
        return []
    treatments = variants - 1
    comparisons = treatments * (1 + len(h.secondary_metrics))
    guard_checks = treatments * len(h.guardrails)
    guard = (
        f"; the {guard_checks} guardrail check(s) are one-sided non-inferiority tests outside the family, each "
        f"at alpha {plan.alpha:g}",
        f". 가드레일 검정 {guard_checks}개는 보정 대상이 아닌 단측 비열등성 검정으로, 각각 유의수준 "
        f"{plan.alpha:g}에서 판단합니다",
    )
    found = []
    if variants >= MANY_VARIANTS:
        found.append(
            Finding(
                "multiple.many_variants",
                "warning",
                ("Many variants", "많은 변형"),
                (
                    f"{variants} variants split the traffic {variants} ways and make {treatments} comparisons "
                    "with the control per metric.",
                    f"변형 {variants}개는 트래픽을 {variants}등분하고 지표마다 대조군과 {treatments}번 비교합니다.",
                ),
                (
                    "Keep the two or three variants that test distinct ideas.",
                    "서로 다른 아이디어를 검증하는 변형 2-3개만 남기세요.",
                ),
                "variants",
            )
        )
    if comparisons > 1:
        threshold = plan.alpha / comparisons
        adjusted = None if plan.mde is None else plan.power_at(plan.mde, relative=plan.relative, alpha=threshold)
        cost = None if adjusted is None else adjusted.power
        cost_en = (
            ""
            if cost is None
            else f"; at the planned n that cuts the power for the MDE from {plan.power:.0%} to {cost:.0%}"
        )
        cost_ko = (
            "" if cost is None else f". 계획한 표본에서는 MDE 검정력이 {plan.power:.0%}에서 {cost:.0%}로 줄어듭니다"
        )
        found.append(
            Finding(
                "multiple.holm",
                "suggestion",
                ("Holm adjustment applies", "Holm 보정 적용"),
                (
                    f"{comparisons} goal comparisons ({treatments} treatment(s) × {1 + len(h.secondary_metrics)} "
                    f"metric(s)): the Lab adjusts them with Holm, so in the worst case the OEC must reach "
                    f"p < {threshold:.3g}{cost_en}{guard[0]}.",
                    f"목표 비교가 {comparisons}개(실험군 {treatments}개 × 지표 {1 + len(h.secondary_metrics)}개)라 "
                    f"Lab은 Holm 보정을 적용하며, 최악의 경우 1차 지표는 p < {threshold:.3g}여야 합니다"
                    f"{cost_ko}{guard[1]}.",
                ),
                (
                    "Make the secondary metrics descriptive (read, not tested), or size the test for the "
                    "adjusted alpha.",
                    "보조 지표는 검정하지 않고 참고용으로만 보거나, 보정된 유의수준에 맞춰 표본을 키우세요.",
                ),
                "secondary",
            )
        )
    elif not found:
        found.append(
            Finding(
                "multiple.single",
                "good",
                ("One comparison", "비교 하나"),
                (
                    f"One goal comparison: the OEC is tested at alpha {plan.alpha:g} with no multiplicity "
                    f"cost{guard[0]}.",
                    f"목표 비교가 하나라 1차 지표를 보정 없이 유의수준 {plan.alpha:g}에서 검정합니다{guard[1]}.",
                ),
                ("Keep the family of tested metrics small.", "검정하는 지표의 수를 계속 작게 유지하세요."),
                "secondary",
            )
        )
    return found
