"""Small UI pieces the Learn page's sections share: fields, choices, figures, progress and empty panels."""

from collections.abc import Callable

import reflex as rx

from novarium_app.components.labelled_input import labelled_input
from novarium_app.i18n import LocaleState, Text, t


def bi(pair: rx.Var) -> rx.Var:
    """A backend-built [English, Korean] list var, in the learner's language."""
    return rx.cond(LocaleState.is_korean, pair[1], pair[0])


def localized(english: rx.Var, korean: rx.Var) -> rx.Var:
    """One of two vars, by the learner's language."""
    return rx.cond(LocaleState.is_korean, korean, english)


def number_field(
    label: Text,
    field_id: str,
    value: rx.Var,
    error: rx.Var,
    on_change: Callable[[rx.Var], rx.event.EventSpec],
    hint: Text,
    presets: tuple[tuple[str, str], ...] = (),
    disabled: rx.Var | bool = False,
) -> rx.Component:
    """A labelled whole-number input; its error (naming the field and the rule) replaces the hint below it."""
    chips = None
    if presets:
        chips = rx.hstack(
            *[
                rx.button(
                    shown,
                    on_click=on_change(raw),
                    size="1",
                    variant=rx.cond(value == raw, "solid", "soft"),
                    color_scheme=rx.cond(value == raw, "violet", "gray"),
                    type="button",
                    disabled=disabled,
                )
                for shown, raw in presets
            ],
            spacing="1",
        )
    return labelled_input(
        label,
        field_id,
        error,
        hint,
        f"{field_id}-error",
        aside=chips,
        value=value,
        on_change=on_change,
        input_mode="numeric",
        disabled=disabled,
    )


def choice(
    label: Text,
    field_id: str,
    options: tuple[tuple[str, Text], ...],
    value: rx.Var,
    on_change: Callable[[rx.Var], rx.event.EventSpec],
) -> rx.Component:
    """A labelled segmented control over a few fixed options."""
    return rx.vstack(
        rx.text(t(label), size="2", weight="medium"),
        rx.segmented_control.root(
            *[rx.segmented_control.item(t(shown), value=raw) for raw, shown in options],
            value=value,
            on_change=on_change,
            size="2",
            width="100%",
            id=field_id,
        ),
        spacing="1",
        width="100%",
    )


def tile(label: Text, value: rx.Var | str, tile_id: str, detail: rx.Var | str = "", tone: str = "gray") -> rx.Component:
    """A labelled figure."""
    return rx.box(
        rx.text(t(label), size="1", weight="medium", color=rx.color("gray", 11)),
        rx.text(value, size="6", weight="bold", id=tile_id, class_name="tabular-nums", color=rx.color(tone, 11)),
        rx.text(detail, size="1", color=rx.color("gray", 10), min_height="1rem"),
        padding="0.85rem 1rem",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        min_width="0",
    )


def figure(english: rx.Var, korean: rx.Var, chart_id: str) -> rx.Component:
    """A plotly figure in the learner's language."""
    config = {"displayModeBar": False, "responsive": True}
    return rx.box(
        rx.cond(
            LocaleState.is_korean,
            rx.plotly(data=korean, width="100%", config=config),
            rx.plotly(data=english, width="100%", config=config),
        ),
        id=chart_id,
        width="100%",
    )


def progress_panel(label: rx.Var, percent: rx.Var, on_stop: rx.event.EventType, prefix: str) -> rx.Component:
    """A running simulation: the bar, how many experiments are done (``label``), and Stop."""
    return rx.vstack(
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(t(("Simulating experiments…", "실험을 시뮬레이션하는 중…")), size="2", weight="medium"),
            rx.spacer(),
            rx.text(label, size="2", class_name="tabular-nums", id=f"{prefix}-done"),
            align="center",
            width="100%",
        ),
        rx.progress(value=percent, max=100, size="3", duration="0.3s", id=f"{prefix}-progress-bar"),
        rx.hstack(
            rx.text(
                t(
                    (
                        "Each experiment is simulated user by user, then tested.",
                        "실험마다 사용자를 한 명씩 시뮬레이션한 뒤 검정합니다.",
                    )
                ),
                size="1",
                color=rx.color("gray", 10),
            ),
            rx.spacer(),
            rx.button(
                rx.icon("square", size=14),
                t(("Stop", "중지")),
                on_click=on_stop,
                variant="soft",
                color_scheme="gray",
                size="2",
                id=f"{prefix}-stop",
            ),
            align="center",
            width="100%",
        ),
        spacing="3",
        width="100%",
        padding="1.25rem",
        border_radius="var(--radius-3)",
        border=f"1px dashed {rx.color('accent', 7)}",
        background=rx.color("accent", 2),
        id=f"{prefix}-progress",
    )


def idle_panel(icon: str, title: Text, text: Text, panel_id: str) -> rx.Component:
    """What a simulation's result area shows before the first run."""
    return rx.center(
        rx.vstack(
            rx.center(rx.icon(icon, size=20), class_name="learn-icon"),
            rx.text(t(title), size="3", weight="bold"),
            rx.text(t(text), size="2", color=rx.color("gray", 11), text_align="center", max_width="30rem"),
            spacing="2",
            align="center",
        ),
        min_height="16rem",
        width="100%",
        border_radius="var(--radius-3)",
        border=f"1px dashed {rx.color('gray', 6)}",
        id=panel_id,
    )


def card_title(icon: str, title: Text, subtitle: Text) -> rx.Component:
    """An icon with a card's title and one line under it."""
    return rx.hstack(
        rx.center(rx.icon(icon, size=18), class_name="learn-icon"),
        rx.vstack(
            rx.heading(t(title), size="4"),
            rx.text(t(subtitle), size="2", color=rx.color("gray", 10)),
            spacing="0",
        ),
        spacing="3",
        align="center",
    )
