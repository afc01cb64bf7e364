"""The Experiments page's parts: one card per experiment with its actions, and the confirmation before a Stop.

They read the page's state class, passed in as ``state`` (``acting``, ``confirm_stop`` and the ``start``,
``ask_stop``, ``stop`` and ``cancel_stop`` events), like the Runs page's parts.
"""

from typing import Any

import reflex as rx

from novarium_app import routes
from novarium_app.i18n import LocaleState, Text, t


def _bi(row: rx.Var, name: str) -> rx.Var:
    return rx.cond(LocaleState.is_korean, row[f"{name}_ko"], row[f"{name}_en"])


def _status_badge(row: rx.Var) -> rx.Component:
    return rx.badge(
        rx.icon(row["status_icon"].to(str), size=13),
        _bi(row, "status"),
        color_scheme=row["status_color"].to(str),
        variant="soft",
        size="2",
        radius="full",
        class_name="experiment-status",
        custom_attrs={"data-status": row["status"]},
    )


def _action_link(text: Text, icon: str, href: rx.Var | str, **props) -> rx.Component:
    return rx.link(
        rx.button(rx.icon(icon, size=14), t(text), size="2", variant="soft", **props),
        href=href,
        underline="none",
    )


def _action_button(text: Text, icon: str, on_click: Any, row: rx.Var, state: Any, **props) -> rx.Component:
    """A row's button: busy while that row's action runs, disabled while any row's does."""
    return rx.button(
        rx.icon(icon, size=14),
        t(text),
        on_click=on_click,
        loading=state.acting == row["key"],
        disabled=state.acting != "",
        size="2",
        **props,
    )


def _actions(row: rx.Var, state: Any) -> rx.Component:
    status = row["status"]
    return rx.hstack(
        rx.cond(
            status == "draft",
            rx.hstack(
                _action_link(("Continue", "이어서 작성"), "pencil", row["continue_href"], class_name="continue-draft"),
                _action_button(
                    ("Start", "시작"), "play", state.start(row["key"]), row, state, class_name="start-draft"
                ),
                spacing="2",
            ),
        ),
        rx.cond(
            status == "running",
            rx.hstack(
                _action_link(("Open runs", "실행 열기"), "bot", routes.RUNS, class_name="open-runs"),
                _action_button(
                    ("Stop", "중지"),
                    "square",
                    state.ask_stop(row["key"]),
                    row,
                    state,
                    variant="soft",
                    color_scheme="red",
                    class_name="stop-experiment",
                ),
                spacing="2",
            ),
        ),
        rx.cond(
            status != "draft",
            _action_link(
                ("Results", "결과"), "chart-column", row["results_href"], color_scheme="gray", class_name="open-results"
            ),
        ),
        spacing="2",
        wrap="wrap",
        justify="end",
    )


def experiment_card(row: rx.Var, state: Any) -> rx.Component:
    """One experiment: status, name, key, hypothesis, metric, variants, allocation, creation date and actions."""
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    _status_badge(row),
                    rx.heading(row["name"], size="4", class_name="experiment-name"),
                    rx.code(row["key"], variant="soft", size="1"),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(row["hypothesis"], size="2", color=rx.color("gray", 11), class_name="experiment-hypothesis"),
                rx.hstack(
                    rx.badge(rx.icon("target", size=12), _bi(row, "metric"), variant="surface", color_scheme="violet"),
                    rx.hstack(
                        rx.icon("split", size=13, color=rx.color("gray", 10)),
                        rx.text(row["variants"], size="1", color=rx.color("gray", 11)),
                        spacing="1",
                        align="center",
                    ),
                    rx.hstack(
                        rx.icon("percent", size=13, color=rx.color("gray", 10)),
                        rx.text(row["allocation"], size="1", color=rx.color("gray", 11)),
                        spacing="1",
                        align="center",
                    ),
                    rx.hstack(
                        rx.icon("calendar", size=13, color=rx.color("gray", 10)),
                        rx.text(t(("Created ", "생성 ")), row["created"], size="1", color=rx.color("gray", 11)),
                        spacing="1",
                        align="center",
                    ),
                    spacing="4",
                    align="center",
                    wrap="wrap",
                ),
                spacing="2",
                flex="1",
                min_width="0",
            ),
            _actions(row, state),
            spacing="4",
            align="start",
            width="100%",
            flex_wrap=rx.breakpoints(initial="wrap", md="nowrap"),
        ),
        size="2",
        width="100%",
        class_name="experiment-row",
        custom_attrs={"data-key": row["key"], "data-status": row["status"]},
    )


def stop_dialog(state: Any) -> rx.Component:
    """Asks before a running experiment stops; Cancel (or Escape) leaves it running."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(("Stop this experiment?", "이 실험을 중지할까요?"))),
            rx.alert_dialog.description(
                rx.code(state.confirm_stop, variant="soft"),
                t(
                    (
                        " stops taking visitors: no new assignments or exposures. What it collected stays, so you can "
                        "still read its results and decide.",
                        " 실험은 더 이상 방문자를 받지 않습니다(새 배정과 노출 없음). 모은 데이터는 그대로 남아 "
                        "결과를 읽고 결정할 수 있습니다.",
                    )
                ),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(t(("Cancel", "취소")), variant="soft", color_scheme="gray", id="stop-cancel"),
                ),
                rx.alert_dialog.action(
                    rx.button(t(("Stop", "중지")), color_scheme="red", on_click=state.stop, id="stop-confirm"),
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="30rem",
        ),
        open=state.confirm_stop != "",
        on_open_change=state.close_stop,
    )
