"""Power: the run the plan needs is feasible, the MDE is realistic, the expected effect is not below it, and the
design runs long enough."""

from coach.checks.context import Context
from coach.checks.plan import PowerPlan
from coach.findings import Finding, pct
from coach.hypothesis import HypothesisInput

LONG_RUN_DAYS = 56  # 8 weeks: a warning
INFEASIBLE_DAYS = 182  # 26 weeks: a blocker
TINY_MDE, HUGE_MDE = 0.01, 0.5


def check_power(h: HypothesisInput, context: Context) -> list[Finding]:
    """Why there is no power plan; or warnings about the plan's length, its MDE and the design's days; or a good
    finding."""
    plan = context.plan
    if plan.missing is not None:
        return [plan.missing]
    found = []
    n, days, mde_rel = plan.n_per_variant, plan.days, plan.mde_rel
    if n is None or days is None or plan.traffic is None:
        return found
    daily = plan.traffic.daily_units * plan.traffic.allocation
    numbers = (
        f"{n:,} visitors per variant take {days} days at {daily:,.0f} visitors a day in the experiment",
        f"변형당 방문자 {n:,}명을 모으려면 실험에 들어오는 하루 {daily:,.0f}명 기준으로 {days}일이 걸립니다",
    )
    if days > INFEASIBLE_DAYS:
        found.append(
            Finding(
                "power.infeasible",
                "blocker",
                ("Run longer than half a year", "반년이 넘는 실험 기간"),
                (f"{numbers[0]} (over 26 weeks).", f"{numbers[1]}(26주 초과)."),
                (
                    "Test a bolder change with a larger MDE, give the experiment more traffic, or drop variants.",
                    "더 과감한 변경으로 MDE를 키우거나, 실험에 트래픽을 더 배정하거나, 변형 수를 줄이세요.",
                ),
                "mde",
            )
        )
    elif days > LONG_RUN_DAYS:
        found.append(
            Finding(
                "power.long_run",
                "warning",
                ("Run longer than 8 weeks", "8주가 넘는 실험 기간"),
                (f"{numbers[0]} (over 8 weeks).", f"{numbers[1]}(8주 초과)."),
                (
                    "Raise the MDE, allocate more traffic or drop a variant to finish within 8 weeks.",
                    "8주 안에 끝내려면 MDE를 키우거나, 트래픽 배정을 늘리거나, 변형 하나를 줄이세요.",
                ),
                "mde",
            )
        )
    if mde_rel is not None and mde_rel < TINY_MDE:
        found.append(
            Finding(
                "power.mde_tiny",
                "warning",
                ("Tiny MDE", "지나치게 작은 MDE"),
                (
                    f"An MDE of {pct(mde_rel)} relative needs {n:,} visitors per variant; effects this small are "
                    "rarely worth shipping.",
                    f"상대 MDE {pct(mde_rel)}에는 변형당 방문자 {n:,}명이 필요하며, 이렇게 작은 효과는 배포할 "
                    "가치가 드뭅니다.",
                ),
                (
                    "Set the MDE to the smallest lift you would act on (often 2-10% relative).",
                    "실제로 행동에 옮길 가장 작은 상승폭으로 MDE를 정하세요(보통 상대 2-10%).",
                ),
                "mde",
            )
        )
    elif mde_rel is not None and mde_rel > HUGE_MDE:
        found.append(
            Finding(
                "power.mde_huge",
                "warning",
                ("Huge MDE", "지나치게 큰 MDE"),
                (
                    f"An MDE of {pct(mde_rel)} relative only detects effects few changes ever have; smaller real "
                    "effects will look like nothing.",
                    f"상대 MDE {pct(mde_rel)}는 거의 나오지 않는 큰 효과만 검출하며, 그보다 작은 실제 효과는 "
                    "없는 것처럼 보입니다.",
                ),
                (
                    "Lower the MDE to a lift you expect (at most 50% relative) and run longer.",
                    "MDE를 예상하는 상승폭(상대 50% 이하)으로 낮추고 더 오래 실행하세요.",
                ),
                "mde",
            )
        )
    found += _expected_vs_mde(h, plan)
    if h.days is not None and plan.days_exact is not None and h.days < plan.days_exact * (1 - 1e-9):
        found.append(
            Finding(
                "power.short_run",
                "warning",
                ("Run shorter than the plan", "계획보다 짧은 실험 기간"),
                (
                    f"The design runs {h.days} days, but {numbers[0]}.",
                    f"설계된 기간은 {h.days}일인데, {numbers[1]}.",
                ),
                (f"Run at least {days} days.", f"최소 {days}일 동안 실행하세요."),
                "days",
            )
        )
    if not found:
        found.append(
            Finding(
                "power.ok",
                "good",
                ("Realistic MDE", "현실적인 MDE"),
                (
                    f"An MDE of {pct(mde_rel or 0)} relative: {numbers[0]}.",
                    f"상대 MDE {pct(mde_rel or 0)}: {numbers[1]}.",
                ),
                (
                    "Keep sizing tests from the baseline and the traffic before launching.",
                    "앞으로도 시작 전에 기준값과 트래픽으로 테스트 크기를 정하세요.",
                ),
                "mde",
            )
        )
    return found


def _expected_vs_mde(h: HypothesisInput, plan: PowerPlan) -> list[Finding]:
    if h.expected is None or h.expected <= 0 or plan.mde_rel is None or plan.n_per_variant is None:
        return []
    expected = h.expected / 100
    if expected >= plan.mde_rel * (1 - 1e-9):
        return []
    found = plan.power_at(expected, relative=True)
    if found is None:
        return []
    chance = "" if found.power is None else f"; the planned n has only {found.power:.0%} power for it"
    chance_ko = "" if found.power is None else f". 계획한 표본으로는 그 효과에 대한 검정력이 {found.power:.0%}뿐입니다"
    return [
        Finding(
            "power.expected_below_mde",
            "warning",
            ("Expected effect below the MDE", "MDE보다 작은 예상 효과"),
            (
                f"You expect {h.expected:g}% but the test is sized for {pct(plan.mde_rel)}{chance}.",
                f"예상 효과는 {h.expected:g}%인데 테스트는 {pct(plan.mde_rel)}에 맞춰져 있습니다{chance_ko}.",
            ),
            (
                f"Lower the MDE to {h.expected:g}% (and run longer), or revisit the expected size.",
                f"MDE를 {h.expected:g}%로 낮추거나(더 오래 실행) 예상 크기를 다시 검토하세요.",
            ),
            "mde",
        )
    ]
