"""The Runs form's plan note, its Watch / Fast-forward switch and its launch button, in both languages.

They read ``RunPlanState`` (passed in as ``plan``) and the page's state (``state``): the rules are in
``novarium_app.lab.run_plan``.
"""

from typing import Any

import reflex as rx

from novarium_app.i18n import LocaleState, t

WATCH_NOTE = (
    "Persona agents shop over HTTP: for small and medium runs.",
    "페르소나 에이전트가 HTTP로 쇼핑합니다. 중소 규모 실행에 맞습니다.",
)
FAST_NOTE = ("The engine plays every day of the plan in seconds.", "엔진이 계획의 모든 날을 몇 초 만에 재생합니다.")


def plan_source(plan: Any) -> rx.Component:
    """Where the days and agents come from: "From your plan: 22 days, 41,200 visitors"."""
    return rx.cond(
        plan.source != "",
        rx.hstack(
            rx.icon("calendar-range", size=14, color=rx.color("accent", 10)),
            rx.text(rx.cond(LocaleState.is_korean, plan.source_ko, plan.source), size="2", id="run-plan-source"),
            spacing="2",
            align="center",
            width="100%",
        ),
    )


def mode_switch(plan: Any) -> rx.Component:
    """Watch agents over HTTP, or fast-forward the plan with the engine; a warning when watching would be long."""
    return rx.vstack(
        rx.text(t(("How to run it", "실행 방식")), size="2", weight="medium"),
        rx.segmented_control.root(
            rx.segmented_control.item(t(("Watch", "지켜보기")), value="watch", id="run-mode-watch"),
            rx.segmented_control.item(t(("Fast-forward", "빨리 감기")), value="fast_forward", id="run-mode-fast"),
            value=plan.mode,
            on_change=plan.set_mode,
            width="100%",
            id="run-mode",
        ),
        rx.text(
            rx.cond(
                plan.mode == "watch",
                t(WATCH_NOTE),
                t(FAST_NOTE),
            ),
            size="1",
            color=rx.color("gray", 10),
        ),
        rx.cond(
            plan.warning != "",
            rx.callout(
                rx.cond(LocaleState.is_korean, plan.warning_ko, plan.warning),
                icon="timer",
                color_scheme="amber",
                size="1",
                width="100%",
                id="run-watch-warning",
            ),
        ),
        spacing="1",
        width="100%",
    )


def launch_button(state: Any, plan: Any) -> rx.Component:
    """Launch in the chosen mode: agents over HTTP, or the engine (busy until it is done)."""
    return rx.cond(
        plan.mode == "watch",
        rx.button(
            rx.icon("play", size=16),
            t(("Launch run", "실행 시작")),
            on_click=state.start_run,
            loading=state.submitting,
            size="3",
            flex="1",
            id="launch-run",
        ),
        rx.button(
            rx.icon("fast-forward", size=16),
            t(("Fast-forward", "빨리 감기")),
            on_click=plan.fast_forward,
            loading=plan.forwarding,
            size="3",
            flex="1",
            id="fast-forward-run",
        ),
    )


def forwarding_note(plan: Any) -> rx.Component:
    """While the engine works: what it is simulating."""
    return rx.cond(
        plan.forwarding,
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(rx.cond(LocaleState.is_korean, plan.forward_note_ko, plan.forward_note), size="2"),
            spacing="2",
            align="center",
            width="100%",
            id="run-forwarding",
        ),
    )
