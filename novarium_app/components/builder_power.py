"""Step 4, power: alpha, power and the MDE; the baseline from the warehouse; sample size, days and power over days."""

import reflex as rx

from novarium_app.components.builder_fields import bi_fields, fact, form_input, section
from novarium_app.components.builder_state import BuilderState
from novarium_app.i18n import LocaleState, t


def _picks(name: str, values: tuple[str, ...]) -> rx.Component:
    return rx.hstack(
        *[
            rx.button(
                value,
                on_click=BuilderState.set_field(name, value),
                size="1",
                variant=rx.cond(BuilderState.form[name] == value, "solid", "soft"),
                color_scheme=rx.cond(BuilderState.form[name] == value, "violet", "gray"),
                type="button",
            )
            for value in values
        ],
        spacing="1",
    )


def _settings() -> rx.Component:
    relative = BuilderState.form["mde_type"] == "relative"
    binary = BuilderState.baseline["binary"] == "1"
    return section(
        "sigma",
        ("Test settings", "검정 설정"),
        (
            "How sure you want to be, and the smallest effect worth finding.",
            "얼마나 확신하고 싶은지, 찾을 가치가 있는 가장 작은 효과.",
        ),
        rx.grid(
            form_input(
                ("Alpha", "유의수준(α)"),
                "alpha",
                ("False-positive rate, two-sided.", "양측 검정의 거짓 양성 비율."),
                aside=_picks("alpha", ("0.01", "0.05", "0.1")),
                numeric=True,
            ),
            form_input(
                ("Power", "검정력"),
                "power",
                ("Chance to detect a true effect of the MDE.", "MDE만큼의 실제 효과를 찾아낼 확률."),
                aside=_picks("power", ("0.8", "0.9")),
                numeric=True,
            ),
            columns="2",
            spacing="4",
            width="100%",
        ),
        form_input(
            ("Minimum detectable effect (MDE)", "최소 검출 효과(MDE)"),
            "mde",
            ("Relative to the baseline, or in the metric's own units.", "기준값 대비 비율 또는 지표의 단위로."),
            suffix=rx.cond(relative, "%", rx.cond(binary, "%p", "")),
            numeric=True,
            aside=rx.hstack(
                rx.segmented_control.root(
                    rx.segmented_control.item(t(("Relative", "상대")), value="relative"),
                    rx.segmented_control.item(t(("Absolute", "절대")), value="absolute"),
                    value=BuilderState.form["mde_type"],
                    on_change=lambda value: BuilderState.set_field("mde_type", value),
                    size="1",
                    id="builder-mde_type",
                ),
                rx.button(
                    t(("Use expected", "예상 효과 사용")),
                    " (",
                    BuilderState.form["expected"],
                    "%)",
                    on_click=BuilderState.use_expected,
                    size="1",
                    variant="soft",
                    type="button",
                ),
                spacing="2",
                align="center",
            ),
        ),
        _analysis_plan(),
        rx.callout(
            t(
                (
                    "A smaller MDE needs more visitors. Plan for the smallest effect you would act on.",
                    "MDE가 작을수록 더 많은 방문자가 필요합니다. 행동할 가치가 있는 가장 작은 효과로 계획하세요.",
                )
            ),
            icon="info",
            size="1",
            color_scheme="gray",
        ),
    )


PLAN_HELP = {
    "fixed": (
        "Read the results once, when the planned sample is in. Looking earlier and stopping on p < α inflates "
        "false positives.",
        "계획한 표본이 모이면 결과를 한 번만 봅니다. 그 전에 보고 p < α에서 멈추면 거짓 양성이 늘어납니다.",
    ),
    "sequential": (
        "Look whenever you like: decide on the always-valid p-value (mSPRT), which stays valid at every look, "
        "at the cost of some power.",
        "언제든 볼 수 있습니다. 매번 유효한 always-valid p-값(mSPRT)으로 판단하며, 대신 검정력이 조금 줄어듭니다.",
    ),
}


def _analysis_plan() -> rx.Component:
    """How the learner commits to reading the results: one look at the end, or sequentially."""
    plan = BuilderState.form["analysis_plan"]
    return rx.vstack(
        rx.text(t(("Analysis plan", "분석 계획")), size="2", weight="medium"),
        rx.segmented_control.root(
            rx.segmented_control.item(t(("One look at the end", "종료 시 한 번 확인")), value="fixed"),
            rx.segmented_control.item(t(("Sequential (peek any time)", "순차 검정(언제든 확인)")), value="sequential"),
            value=plan,
            on_change=lambda value: BuilderState.set_field("analysis_plan", value),
            size="1",
            id="builder-analysis_plan",
        ),
        rx.text(
            rx.cond(plan == "sequential", t(PLAN_HELP["sequential"]), t(PLAN_HELP["fixed"])),
            size="1",
            color=rx.color("gray", 10),
        ),
        _cuped_plan(),
        spacing="1",
        width="100%",
    )


CUPED_HELP = {
    "on": (
        "Every figure on the results page (tiles, tables, the plot, adjusted p-values and the ship rule) is read "
        "with CUPED: each user's revenue before the experiment narrows the intervals. Ratio metrics stay unadjusted.",
        "결과 페이지의 모든 수치(타일, 표, 그래프, 보정 p-값, 배포 규칙)를 CUPED로 읽습니다. 실험 전 사용자별 "
        "매출이 신뢰구간을 좁힙니다. 비율 지표는 보정하지 않습니다.",
    ),
    "off": (
        "Every figure on the results page is read from the raw metrics. Choose now: switching analysis after "
        "seeing the results is a garden of forking paths.",
        "결과 페이지의 모든 수치를 보정하지 않은 지표로 읽습니다. 지금 정하세요. 결과를 본 뒤 분석을 바꾸면 "
        "'갈림길의 정원' 문제가 생깁니다.",
    ),
}


def _cuped_plan() -> rx.Component:
    """The analysis the learner pre-registers: with CUPED or without."""
    choice = BuilderState.form["cuped"]
    return rx.vstack(
        rx.text(t(("Variance reduction", "분산 감소")), size="2", weight="medium", margin_top="0.5rem"),
        rx.segmented_control.root(
            rx.segmented_control.item(t(("Without CUPED", "CUPED 미적용")), value="off"),
            rx.segmented_control.item(t(("With CUPED", "CUPED 적용")), value="on"),
            value=choice,
            on_change=lambda value: BuilderState.set_field("cuped", value),
            size="1",
            id="builder-cuped",
        ),
        rx.text(
            rx.cond(choice == "on", t(CUPED_HELP["on"]), t(CUPED_HELP["off"])),
            size="1",
            color=rx.color("gray", 10),
        ),
        spacing="1",
        width="100%",
    )


WINDOW_NOTE = (
    "Measured as the experiment will measure it: per visitor over a window as long as the run the plan asks for. "
    "A longer window gives each visitor more days to order, so the plan takes the baseline of the days it plans.",
    "실험과 같은 방식으로, 계획한 실행 기간만큼의 기간 동안 방문자당으로 측정했습니다. 기간이 길수록 방문자가 "
    "주문할 날이 많아지므로, 계획은 자신이 계획한 기간의 기준값을 씁니다.",
)
"""Which window the baseline uses, said plainly (``marts.baselines``)."""


def _baseline() -> rx.Component:
    available = BuilderState.baseline["available"] == "1"
    binary = BuilderState.baseline["binary"] == "1"
    return section(
        "database",
        ("Baseline", "기준값"),
        (
            "Where the control starts, from the warehouse's recent history.",
            "대조군의 출발점으로, 웨어하우스의 최근 기록에서 가져옵니다.",
        ),
        rx.cond(
            available,
            rx.vstack(
                rx.grid(
                    fact(("Baseline", "기준값"), BuilderState.baseline["value"], "baseline-value"),
                    fact(("Std. dev. per visitor", "방문자당 표준편차"), BuilderState.baseline["std"], "baseline-std"),
                    fact(("Visitors", "방문자"), BuilderState.baseline["n"], "baseline-n"),
                    columns="3",
                    spacing="2",
                    width="100%",
                ),
                rx.text(
                    bi_fields(BuilderState.baseline, "named"),
                    size="2",
                    weight="medium",
                    id="baseline-window",
                    data_days=BuilderState.baseline["days"],
                ),
                rx.text(
                    bi_fields(BuilderState.baseline, "unit"),
                    " · ",
                    BuilderState.baseline["window"],
                    " · ",
                    bi_fields(BuilderState.baseline, "source"),
                    size="1",
                    color=rx.color("gray", 10),
                    id="baseline-unit",
                ),
                rx.text(t(WINDOW_NOTE), size="1", color=rx.color("gray", 10)),
                rx.cond(
                    BuilderState.adopted["note_en"] != "",
                    rx.callout(
                        bi_fields(BuilderState.adopted, "note"),
                        icon="git-merge",
                        color_scheme="amber",
                        size="1",
                        id="baseline-adoptions",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            rx.callout(
                bi_fields(BuilderState.baseline, "missing"),
                icon="database-zap",
                color_scheme="amber",
                size="1",
                id="baseline-missing",
            ),
        ),
        rx.grid(
            form_input(
                ("Your baseline (optional)", "직접 입력한 기준값 (선택)"),
                "baseline",
                ("Leave empty to use the warehouse's.", "비워 두면 웨어하우스 값을 씁니다."),
                suffix=rx.cond(binary, "%", ""),
                numeric=True,
            ),
            rx.cond(
                binary,
                rx.fragment(),
                form_input(
                    ("Your std. dev. (optional)", "직접 입력한 표준편차 (선택)"),
                    "std",
                    ("Per visitor; empty uses the warehouse's.", "방문자당 값이며, 비워 두면 웨어하우스 값을 씁니다."),
                    numeric=True,
                ),
            ),
            columns="2",
            spacing="4",
            width="100%",
        ),
    )


def _results() -> rx.Component:
    plan = BuilderState.plan_text
    return section(
        "calculator",
        ("Plan", "계획"),
        ("Sample size and duration at the shop's daily traffic.", "쇼핑몰의 일일 트래픽 기준 표본 크기와 기간."),
        rx.cond(
            plan.contains("n_per_variant"),
            rx.vstack(
                rx.cond(
                    plan["problem_en"] != "",
                    rx.callout(
                        bi_fields(plan, "problem"),
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        id="plan-problem",
                    ),
                    rx.vstack(
                        rx.grid(
                            fact(("Visitors per variant", "변형별 방문자"), plan["n_per_variant"], "plan-n"),
                            fact(("Visitors in total", "전체 방문자"), plan["n_total"], "plan-total"),
                            fact(
                                ("Days", "기간(일)"),
                                plan["days"],
                                "plan-days",
                                rx.text(
                                    plan["daily"],
                                    t((" visitors a day in the test", "명/일이 실험에 참여")),
                                    size="1",
                                    color=rx.color("gray", 10),
                                ),
                            ),
                            columns=rx.breakpoints(initial="1", sm="3"),
                            spacing="2",
                            width="100%",
                        ),
                        rx.text(
                            t(("MDE: ", "MDE: ")),
                            plan["mde_rel"],
                            t((" relative = ", " 상대 = ")),
                            plan["mde_abs"],
                            t((" absolute", " 절대")),
                            size="1",
                            color=rx.color("gray", 10),
                            id="plan-mde",
                        ),
                        rx.cond(
                            plan["long"] == "1",
                            rx.callout(
                                t(
                                    (
                                        "That is longer than most tests can run. Raise the MDE or the allocation, or "
                                        "pick a metric with less noise.",
                                        "대부분의 실험이 감당하기 어려운 기간입니다. MDE나 할당 비율을 높이거나 "
                                        "잡음이 적은 지표를 고르세요.",
                                    )
                                ),
                                icon="hourglass",
                                color_scheme="amber",
                                size="1",
                                id="plan-long",
                            ),
                        ),
                        rx.plotly(
                            data=rx.cond(
                                LocaleState.is_korean, BuilderState.power_figure_ko, BuilderState.power_figure
                            ),
                            id="power-chart",
                            width="100%",
                            config={"displayModeBar": False, "responsive": True},
                        ),
                        spacing="3",
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            rx.callout(
                t(
                    (
                        "Fix the test settings and the baseline to see the plan.",
                        "검정 설정과 기준값을 고치면 계획이 보입니다.",
                    )
                ),
                icon="calculator",
                color_scheme="gray",
                size="1",
                id="plan-waiting",
            ),
        ),
        rx.text(
            t(
                (
                    "Visitors per day over the warehouse's last days (their distinct visitors ÷ ",
                    "웨어하우스 최근 기간의 하루 방문자(서로 다른 방문자 ÷ ",
                )
            ),
            BuilderState.daily_days,
            t((" days): ", "일): ")),
            BuilderState.daily_visitors,
            size="1",
            color=rx.color("gray", 10),
        ),
    )


def power_step() -> rx.Component:
    """The fourth step's panel."""
    return rx.grid(
        rx.vstack(_settings(), _baseline(), spacing="4", width="100%", min_width="0"),
        _results(),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="repeat(2, minmax(0, 1fr))"),
        spacing="4",
        width="100%",
        align_items="start",
        id="step-power",
    )
