"""Error rates: alpha and power are sane probabilities."""

from coach.checks.context import Context
from coach.findings import Finding, pct
from coach.hypothesis import HypothesisInput

MAX_ALPHA, MIN_POWER = 0.1, 0.7


def check_error_rates(h: HypothesisInput, context: Context) -> list[Finding]:
    """A warning for alpha above 0.1 or power below 0.7 (or outside 0-1); a good finding for stated, sane rates."""
    found = []
    if h.alpha is not None and not 0 < h.alpha <= MAX_ALPHA:
        found.append(
            Finding(
                "design.alpha",
                "warning",
                ("Alpha out of range", "유의수준이 범위를 벗어남"),
                (
                    f"Alpha {h.alpha:g} accepts a false win in more than 1 test in 10."
                    if h.alpha > 0
                    else f"Alpha {h.alpha:g} is not a probability above 0.",
                    f"유의수준 {h.alpha:g}에서는 10번 중 1번 넘게 거짓 승리를 받아들입니다."
                    if h.alpha > 0
                    else f"유의수준 {h.alpha:g}: 0보다 큰 확률이어야 합니다.",
                ),
                ("Use alpha 0.05 (at most 0.1).", "유의수준은 0.05로 두세요(최대 0.1)."),
                "alpha",
            )
        )
    if h.power is not None and not MIN_POWER <= h.power < 1:
        found.append(
            Finding(
                "design.power",
                "warning",
                ("Power out of range", "검정력이 범위를 벗어남"),
                (
                    f"Power {h.power:g} misses a real effect of the MDE's size {pct(1 - h.power)} of the time."
                    if h.power < 1
                    else f"Power {h.power:g} is not a probability below 1.",
                    f"검정력 {h.power:g}에서는 MDE 크기의 실제 효과를 {pct(1 - h.power)}의 확률로 놓칩니다."
                    if h.power < 1
                    else f"검정력 {h.power:g}: 1보다 작은 확률이어야 합니다.",
                ),
                ("Use power 0.8 (at least 0.7).", "검정력은 0.8로 두세요(최소 0.7)."),
                "power",
            )
        )
    if not found and h.alpha is not None and h.power is not None:
        found.append(
            Finding(
                "design.error_rates",
                "good",
                ("Sound error rates", "적절한 오류율"),
                (
                    f"Alpha {h.alpha:g} and power {h.power:g} are conventional choices.",
                    f"유의수준({h.alpha:g})과 검정력({h.power:g})은 관례적인 선택입니다.",
                ),
                ("Keep them fixed before the run starts.", "실행 전에 정한 값을 그대로 유지하세요."),
                "alpha",
            )
        )
    return found
