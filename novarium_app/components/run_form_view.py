"""The Runs page's form card and its empty state (no running experiment), in both languages.

They read the page's state class, passed in as ``state``: its fields (``agents``, ``errors``, ...) and events
(``set_field``, ``start_run``, ...). The rules behind the inline errors live in ``run_form``.
"""

from typing import Any

import reflex as rx

from novarium_app import routes
from novarium_app.components.page_parts import empty_state
from novarium_app.components.run_mode_view import forwarding_note, launch_button, mode_switch, plan_source
from novarium_app.components.run_widgets import form_field
from novarium_app.i18n import LocaleState, Text, t

AGENT_PRESETS = (("300", "300"), ("1,000", "1000"), ("10,000", "10000"), ("78,396", "78396"))


def _error(state: Any, name: str) -> rx.Var:
    return rx.cond(LocaleState.is_korean, state.errors_ko.get(name, ""), state.errors.get(name, ""))


def _field(state: Any, label: Text, name: str, hint: Text, suffix: str = "", aside: rx.Component | None = None):
    return form_field(
        label,
        name,
        getattr(state, name),
        _error(state, name),
        lambda value: state.set_field(name, value),
        hint=hint,
        suffix=suffix,
        aside=aside,
    )


def _experiment_select(state: Any, plan: Any) -> rx.Component:
    chosen = state.chosen
    return rx.vstack(
        rx.text(t(("Experiment", "실험")), as_="label", html_for="run-experiment_key", size="2", weight="medium"),
        rx.select(
            state.experiment_keys,
            value=state.experiment_key,
            on_change=lambda value: [state.set_field("experiment_key", value), plan.prefill(value)],
            placeholder=t(("Choose a running experiment", "진행 중인 실험을 고르세요")),
            id="run-experiment_key",
            width="100%",
            size="2",
        ),
        rx.cond(
            state.errors.contains("experiment_key"),
            rx.text(_error(state, "experiment_key"), size="1", color=rx.color("red", 11), id="error-experiment_key"),
            rx.cond(
                chosen.contains("key"),
                rx.hstack(
                    rx.icon("split", size=13, color=rx.color("accent", 10)),
                    rx.text(chosen["name"], " · ", chosen["variants"], size="1", color=rx.color("gray", 11)),
                    spacing="2",
                    align="center",
                ),
            ),
        ),
        spacing="1",
        width="100%",
    )


def _agents_field(state: Any, plan: Any) -> rx.Component:
    presets = rx.hstack(
        *[
            rx.button(
                shown,
                on_click=[state.set_field("agents", value), plan.note_agents(value)],
                size="1",
                variant=rx.cond(state.agents == value, "solid", "soft"),
                color_scheme=rx.cond(state.agents == value, "violet", "gray"),
                type="button",
                class_name="agent-preset",
            )
            for shown, value in AGENT_PRESETS
        ],
        spacing="1",
    )
    hint = ("Visitors to simulate over the days", "기간 동안 시뮬레이션할 방문자 수")
    return form_field(
        ("Agents", "에이전트"),
        "agents",
        state.agents,
        _error(state, "agents"),
        lambda value: [state.set_field("agents", value), plan.note_agents(value)],
        hint=hint,
        aside=presets,
    )


def _section(title: Text, subtitle: Text) -> rx.Component:
    return rx.vstack(
        rx.text(t(title), size="1", weight="bold", color=rx.color("gray", 11), text_transform="uppercase"),
        rx.text(t(subtitle), size="1", color=rx.color("gray", 10)),
        spacing="0",
        width="100%",
    )


def _seasonality(state: Any) -> rx.Component:
    return rx.vstack(
        rx.text(t(("Seasonality", "계절성")), as_="label", html_for="run-seasonality", size="2", weight="medium"),
        rx.hstack(
            rx.switch(checked=state.seasonality, on_change=state.set_seasonality, id="run-seasonality"),
            rx.text(rx.cond(state.seasonality, t(("On", "켜짐")), t(("Off", "꺼짐"))), size="2"),
            spacing="2",
            align="center",
            height="var(--space-6)",
        ),
        rx.text(t(("Weekday traffic swings", "요일별 트래픽 변동")), size="1", color=rx.color("gray", 10)),
        spacing="1",
        width="100%",
    )


def run_form_card(state: Any, plan: Any) -> rx.Component:
    """The new-run form: experiment and its plan, mode, agents and pacing, realism switches, Reset and Launch.

    ``plan`` is ``RunPlanState``: where the days and agents come from, Watch or Fast-forward.
    """
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(rx.icon("rocket", size=18), class_name="card-icon"),
                rx.vstack(
                    rx.heading(t(("New run", "새 실행")), size="4"),
                    rx.text(
                        t(
                            (
                                "Play days of the shop's traffic in your experiment.",
                                "실험에 상점 트래픽을 기간만큼 재생합니다.",
                            )
                        ),
                        size="2",
                        color=rx.color("gray", 10),
                    ),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
            _experiment_select(state, plan),
            plan_source(plan),
            mode_switch(plan),
            _agents_field(state, plan),
            rx.grid(
                _field(
                    state, ("Concurrency", "동시 실행 수"), "concurrency", ("Sessions at once", "동시에 진행할 세션")
                ),
                _field(state, ("Seed", "시드"), "seed", ("Same seed, same run", "같은 시드면 같은 실행")),
                _field(state, ("Days", "기간(일)"), "days", ("Days of traffic, 1 to 90", "트래픽 기간, 1~90일")),
                _field(state, ("Think time", "생각 시간"), "think_time", ("0 is turbo", "0이면 최고 속도"), suffix="s"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.divider(),
            _section(
                ("Realism switches", "현실성 스위치"),
                (
                    "Each has a known effect, revealed with the truth after you decide.",
                    "각 스위치의 효과는 정해져 있으며, 결정을 내린 뒤 정답과 함께 공개됩니다.",
                ),
            ),
            rx.grid(
                _field(
                    state,
                    ("Novelty", "신기 효과"),
                    "novelty",
                    ("1 doubles the day-1 effect", "1이면 첫날 효과가 두 배"),
                ),
                _field(
                    state,
                    ("Bot share", "봇 비율"),
                    "bot_share",
                    ("Bots never buy", "봇은 구매하지 않습니다"),
                    suffix="%",
                ),
                _field(
                    state,
                    ("Exposure bug", "노출 버그"),
                    "exposure_bug",
                    ("Planted SRM, last variant", "마지막 변형에 심은 SRM"),
                    suffix="%",
                ),
                _seasonality(state),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    t(("Reset", "초기화")), on_click=state.reset_form, variant="soft", color_scheme="gray", size="3"
                ),
                launch_button(state, plan),
                spacing="2",
                width="100%",
                padding_top="0.25rem",
            ),
            forwarding_note(plan),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="run-form",
    )


def _step(number: str, text: Text, command: str) -> rx.Component:
    return rx.hstack(
        rx.center(rx.text(number, size="1", weight="bold"), class_name="step-dot"),
        rx.vstack(
            rx.text(t(text), size="2"),
            rx.code(command, size="1", variant="soft", white_space="pre-wrap", word_break="break-all"),
            spacing="1",
            min_width="0",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def no_experiment_card(state: Any) -> rx.Component:
    """Why there is no form (no experiment is running) and how to start one."""
    return empty_state(
        rx.center(rx.icon("flask-conical-off", size=20), class_name="card-icon"),
        ("No experiment is running", "진행 중인 실험이 없습니다"),
        rx.text(
            t(
                (
                    "A run sends shoppers to a running experiment. Start one, then refresh this page.",
                    "실행은 진행 중인 실험에 쇼핑객을 보냅니다. 실험을 시작한 뒤 이 페이지를 새로 고치세요.",
                )
            ),
            size="2",
            color=rx.color("gray", 11),
        ),
        _step(
            "1",
            ("Create it from a spec", "명세로 실험 만들기"),
            "novarium experiments create examples/red-banner.json",
        ),
        _step("2", ("Start it", "실험 시작하기"), "novarium experiments start red-banner"),
        rx.text(
            t(
                (
                    "Or use the API: POST /api/experiments with the spec, then POST /api/experiments/{key}/start.",
                    "또는 API를 쓰세요: 명세로 POST /api/experiments, 그다음 POST /api/experiments/{key}/start.",
                )
            ),
            size="1",
            color=rx.color("gray", 10),
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("flask-conical", size=14), t(("Design an experiment", "실험 설계하기"))),
                href=routes.BUILDER,
                id="runs-design",
            ),
            rx.button(rx.icon("refresh-cw", size=14), t(("Refresh", "새로 고침")), on_click=state.load, variant="soft"),
            spacing="2",
        ),
        element_id="runs-empty",
        title_size="4",
    )
