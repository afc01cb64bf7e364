"""Step 1, problem and hypothesis: the change, the metric, the direction, the expected size and the rationale.

The parts are asked for separately and composed into one sentence, shown live as the learner types.
"""

import reflex as rx

from marts.metrics import CATALOG as METRIC_CATALOG
from novarium_app.builder.draft import NO_PERSONA
from novarium_app.builder.labels import PERSONA_NAMES, metric_description, metric_label, persona_label
from novarium_app.components.builder_fields import bi, choice, error_or_hint, form_area, form_input, label, section
from novarium_app.components.builder_state import BuilderState
from novarium_app.components.coach_review import coach_panel
from novarium_app.i18n import t


def metric_select(name: str = "metric", element_id: str = "builder-metric") -> rx.Component:
    """A select over the metric catalog, bound to ``BuilderState.form[name]``."""
    return rx.select.root(
        rx.select.trigger(width="100%", id=element_id),
        rx.select.content(
            *[rx.select.item(t(metric_label(metric.key)), value=metric.key) for metric in METRIC_CATALOG]
        ),
        value=BuilderState.form[name],
        on_change=lambda value: BuilderState.set_field(name, value),
    )


def _metric_description() -> rx.Component:
    return rx.match(
        BuilderState.form["metric"],
        *[
            (metric.key, rx.text(t(metric_description(metric.key)), size="1", color=rx.color("gray", 10)))
            for metric in METRIC_CATALOG
        ],
        rx.fragment(),
    )


def _persona_select() -> rx.Component:
    return rx.vstack(
        label(("Shoppers in focus (optional)", "주목할 고객층 (선택)"), "builder-persona"),
        rx.select.root(
            rx.select.trigger(width="100%", id="builder-persona"),
            rx.select.content(
                rx.select.item(t(("All shoppers", "전체 고객")), value=NO_PERSONA),
                *[rx.select.item(t(persona_label(name)), value=name) for name in PERSONA_NAMES],
            ),
            value=rx.cond(BuilderState.form["persona"] == "", NO_PERSONA, BuilderState.form["persona"]),
            on_change=lambda value: BuilderState.set_field("persona", value),
        ),
        error_or_hint(
            "persona", ("Who you expect to react most; it shapes the sentence.", "가장 크게 반응할 고객층입니다.")
        ),
        spacing="1",
        width="100%",
    )


def _form() -> rx.Component:
    return section(
        "lightbulb",
        ("Problem & hypothesis", "문제와 가설"),
        (
            "Say what you change, what should move, how much and why.",
            "무엇을 바꾸고, 무엇이 얼마나, 왜 움직일지 적으세요.",
        ),
        rx.grid(
            form_input(
                ("Experiment name", "실험 이름"),
                "name",
                ("Shown in the experiment list.", "실험 목록에 표시됩니다."),
                placeholder=("Red banner with urgency", "긴급 배지가 있는 빨간 배너"),
            ),
            form_input(
                ("Key", "키"),
                "key",
                (
                    "Follows the name; used in URLs, the API and the hash.",
                    "이름을 따라 만들어지며 URL·API·해시에 쓰입니다.",
                ),
                placeholder=("red-banner", "red-banner"),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        form_input(
            ("The change", "변경 내용"),
            "change",
            ("One concrete change to the shop.", "쇼핑몰에 줄 구체적인 변경 하나."),
            placeholder=(
                "show a red banner with a 'selling fast' badge",
                "'빠르게 판매 중' 배지가 있는 빨간 배너를 보여준다",
            ),
        ),
        rx.grid(
            rx.vstack(
                label(("Metric that should move", "움직일 지표"), "builder-metric"),
                metric_select(),
                _metric_description(),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                label(("Direction", "방향"), "builder-direction"),
                choice("direction", [("increase", ("Increase", "증가")), ("decrease", ("Decrease", "감소"))]),
                error_or_hint("direction"),
                spacing="1",
                width="100%",
            ),
            form_input(
                ("Expected size", "예상 효과 크기"),
                "expected",
                ("Relative change you expect.", "예상하는 상대 변화율."),
                suffix="%",
                numeric=True,
            ),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
        _persona_select(),
        form_area(
            ("Rationale", "근거"),
            "rationale",
            (
                "Why should it work? Evidence, a mechanism, a past result.",
                "왜 효과가 있을까요? 근거, 작동 원리, 과거 결과.",
            ),
            (
                "urgency cues make impulsive shoppers decide faster",
                "긴급함을 알리는 신호가 충동형 고객의 결정을 앞당긴다",
            ),
        ),
        id="step-problem",
    )


def _sentence() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("quote", size=16, color=rx.color("accent", 10)),
                rx.text(t(("Your hypothesis", "나의 가설")), size="2", weight="bold", color=rx.color("accent", 11)),
                spacing="2",
                align="center",
            ),
            rx.text(bi(BuilderState.hypothesis), size="4", weight="medium", id="hypothesis-sentence"),
            rx.text(
                t(
                    (
                        "Stored with the experiment, in the language you write it.",
                        "작성한 언어로 실험과 함께 저장됩니다.",
                    )
                ),
                size="1",
                color=rx.color("gray", 10),
            ),
            spacing="3",
        ),
        size="3",
        width="100%",
        background=rx.color("accent", 2),
        border=f"1px solid {rx.color('accent', 5)}",
    )


def _tips() -> rx.Component:
    tips = (
        ("target", ("One change, one primary metric.", "변경 하나에 주 지표 하나.")),
        (
            "ruler",
            (
                "Size the effect you expect; the power step plans for it.",
                "예상 효과를 적으면 검정력 단계에서 계획합니다.",
            ),
        ),
        ("scale", ("A rationale you could be wrong about is a good one.", "틀릴 수도 있는 근거가 좋은 근거입니다.")),
    )
    return rx.card(
        rx.vstack(
            rx.text(t(("A good hypothesis", "좋은 가설이란")), size="2", weight="bold"),
            *[
                rx.hstack(
                    rx.icon(icon, size=15, color=rx.color("accent", 10), flex_shrink="0"),
                    rx.text(t(text), size="2", color=rx.color("gray", 11)),
                    spacing="2",
                    align="start",
                )
                for icon, text in tips
            ],
            spacing="3",
        ),
        size="2",
        width="100%",
    )


def problem_step() -> rx.Component:
    """The first step's panel."""
    return rx.grid(
        _form(),
        rx.vstack(_sentence(), coach_panel(), _tips(), spacing="4", width="100%", position="sticky", top="1rem"),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="minmax(0, 1fr) 22rem"),
        spacing="4",
        width="100%",
        align_items="start",
    )
