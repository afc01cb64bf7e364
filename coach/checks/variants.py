"""Variants: a control and at least one treatment that changes something."""

from coach.checks.context import Context
from coach.findings import Finding
from coach.hypothesis import HypothesisInput


def check_variants(h: HypothesisInput, context: Context) -> list[Finding]:
    """A blocker for fewer than two variants, a warning for a treatment set like the control."""
    count = len(h.variants)
    if count < 2:
        return [
            Finding(
                "variants.too_few",
                "blocker",
                ("Fewer than two variants", "변형이 두 개 미만"),
                (
                    f"The design has {count} variant(s); a test compares a control with at least one treatment.",
                    f"변형이 {count}개입니다. 테스트는 대조군과 최소 하나의 실험군을 비교합니다.",
                ),
                ("Add a control and a treatment.", "대조군과 실험군을 추가하세요."),
                "variants",
            )
        ]
    control = h.variants[0].config
    same = [v.name for v in h.variants[1:] if v.config == control]
    if not same:
        return []
    names = ", ".join(same)
    return [
        Finding(
            "variants.no_change",
            "warning",
            ("Treatment changes nothing", "바뀐 것이 없는 실험군"),
            (
                f"{names}: the same knobs as the control, so this is an A/A test and any difference is noise.",
                f"{names}: 대조군과 노브 설정이 같아 A/A 테스트가 되며, 어떤 차이든 잡음입니다.",
            ),
            (
                "Set the knob your hypothesis changes in each treatment.",
                "각 실험군에 가설이 바꾸는 노브를 설정하세요.",
            ),
            "variants",
        )
    ]
