"""Duration and peeking: the run covers whole weeks, and the analysis plan says when the p-value is read."""

import math

from coach.checks.context import Context
from coach.checks.plan import PowerPlan
from coach.findings import Finding
from coach.hypothesis import HypothesisInput


def _weeks(days: int) -> int:
    return max(1, math.ceil(days / 7))


def _run_days(h: HypothesisInput, plan: PowerPlan) -> int | None:
    """The design's days, else the days the plan needs."""
    return h.days if h.days is not None else plan.days


def check_duration(h: HypothesisInput, context: Context) -> list[Finding]:
    """A warning for a run shorter than a week or not in whole weeks; else a good finding."""
    days = _run_days(h, context.plan)
    if days is None:
        return []
    rounded = _weeks(days) * 7
    if days < 7:
        return [
            Finding(
                "duration.short",
                "warning",
                ("Shorter than a week", "일주일 미만"),
                (
                    f"{days} day(s) miss part of the week: weekday and weekend shoppers behave differently.",
                    f"{days}일은 한 주를 다 담지 못합니다. 평일과 주말 고객은 다르게 행동합니다.",
                ),
                ("Run at least 7 days (one whole week).", "최소 7일(한 주 전체) 동안 실행하세요."),
                "days",
            )
        ]
    if days % 7:
        return [
            Finding(
                "duration.whole_weeks",
                "warning",
                ("Not whole weeks", "주 단위가 아님"),
                (
                    f"{days} days over-represent some weekdays, so weekday effects bias the result.",
                    f"{days}일은 일부 요일을 더 많이 담아 요일 효과가 결과를 치우치게 합니다.",
                ),
                (
                    f"Round the run up to {rounded} days ({rounded // 7} whole weeks).",
                    f"기간을 {rounded}일({rounded // 7}주)로 올려 잡으세요.",
                ),
                "days",
            )
        ]
    return [
        Finding(
            "duration.ok",
            "good",
            ("Whole weeks", "주 단위 기간"),
            (
                f"{days} days cover every weekday equally ({days // 7} week(s)).",
                f"{days}일({days // 7}주) 기간은 모든 요일을 고르게 담습니다.",
            ),
            ("Keep runs to whole weeks.", "앞으로도 기간을 주 단위로 잡으세요."),
            "days",
        )
    ]


def check_peeking(h: HypothesisInput, context: Context) -> list[Finding]:
    """A good finding for a fixed or a sequential plan, a warning when there is none."""
    days = _run_days(h, context.plan)
    day_en = f"day {days}" if days is not None else "the planned end"
    day_ko = f"{days}일째" if days is not None else "계획한 종료일"
    if h.analysis_plan == "fixed":
        return [
            Finding(
                "peeking.fixed",
                "good",
                ("One planned look", "한 번만 보는 계획"),
                (
                    f"A fixed plan reads the p-value once, on {day_en}: its false-positive rate stays at alpha.",
                    f"고정 계획은 {day_ko}에 p값을 한 번만 읽어 거짓 양성률이 유의수준에 머뭅니다.",
                ),
                (
                    f"Open the results only on {day_en}; before that, watch the monitor for SRM and broken "
                    "tracking, not p-values.",
                    f"결과는 {day_ko}에만 여세요. 그 전에는 p값이 아니라 SRM과 추적 오류만 모니터에서 확인하세요.",
                ),
                "analysis_plan",
            )
        ]
    if h.analysis_plan == "sequential":
        return [
            Finding(
                "peeking.sequential",
                "good",
                ("Sequential analysis", "순차 분석"),
                (
                    "Always-valid p-values let you look at any time without inflating false positives.",
                    "항상 유효한 p값이라 언제 봐도 거짓 양성이 부풀지 않습니다.",
                ),
                (
                    "Stop only when the sequential boundary is crossed or at the planned end.",
                    "순차 경계를 넘었을 때나 계획한 종료일에만 멈추세요.",
                ),
                "analysis_plan",
            )
        ]
    return [
        Finding(
            "peeking.unplanned",
            "warning",
            ("No analysis plan", "분석 계획 없음"),
            (
                "Looking at a fixed-sample p-value during the run and stopping when it dips below alpha inflates "
                "false positives (5 looks at 5% give about 14%).",
                "실행 중에 고정 표본 p값을 보다가 유의수준 아래로 내려갈 때 멈추면 거짓 양성이 부풉니다"
                "(5%에서 5번 보면 약 14%).",
            ),
            (
                f"Decide now: one look on {day_en} (fixed), or sequential analysis if you want to peek.",
                f"지금 정하세요: {day_ko}에 한 번만 보기(고정), 또는 중간에 보고 싶다면 순차 분석.",
            ),
            "analysis_plan",
        )
    ]
