"""The wizard's stepper: six numbered steps, each showing whether it is current, done or has a problem."""

import reflex as rx

from novarium_app.builder.validation import STEP_TITLES
from novarium_app.components.builder_state import BuilderState
from novarium_app.i18n import t

ICONS = ("lightbulb", "split", "target", "sigma", "percent", "rocket")


def _dot(index: int, state: rx.Var) -> rx.Component:
    return rx.center(
        rx.match(
            state,
            ("done", rx.icon("check", size=14)),
            ("problem", rx.icon("circle-alert", size=14)),
            rx.text(str(index + 1), size="1", weight="bold"),
        ),
        width="1.75rem",
        height="1.75rem",
        flex_shrink="0",
        border_radius="9999px",
        color=rx.match(
            state,
            (
                "current",
                "white",
            ),
            ("done", rx.color("accent", 11)),
            ("problem", "white"),
            rx.color("gray", 11),
        ),
        background=rx.match(
            state,
            ("current", rx.color("accent", 9)),
            ("done", rx.color("accent", 4)),
            ("problem", rx.color("red", 9)),
            rx.color("gray", 4),
        ),
    )


def _step(index: int) -> rx.Component:
    state = BuilderState.step_states[index]
    return rx.el.button(
        _dot(index, state),
        rx.vstack(
            rx.text(t((f"Step {index + 1}", f"{index + 1}단계")), size="1", color=rx.color("gray", 10)),
            rx.text(
                t(STEP_TITLES[index]),
                size="2",
                weight=rx.cond(state == "current", "bold", "medium"),
                color=rx.cond(state == "current", rx.color("gray", 12), rx.color("gray", 11)),
                line_height="1.25",
            ),
            spacing="0",
            align="start",
            min_width="0",
        ),
        on_click=BuilderState.open_step(index),
        min_width="0",
        display="flex",
        align_items="center",
        gap="0.6rem",
        padding="0.5rem 0.75rem",
        border="none",
        border_radius="var(--radius-3)",
        background=rx.cond(state == "current", rx.color("accent", 3), "transparent"),
        cursor="pointer",
        text_align="left",
        font="inherit",
        color="inherit",
        _hover={"background": rx.color("gray", 3)},
        type="button",
        class_name="builder-step",
        custom_attrs={
            "data-state": state,
            "data-step": str(index),
            "aria-current": rx.cond(state == "current", "step", "false"),
        },
    )


def stepper() -> rx.Component:
    """The six steps and a progress bar under them."""
    return rx.card(
        rx.vstack(
            rx.grid(
                *[_step(index) for index in range(len(STEP_TITLES))],
                columns=rx.breakpoints(initial="2", sm="3", lg="6"),
                spacing="1",
                width="100%",
            ),
            rx.progress(value=(BuilderState.step + 1) * 100 // len(STEP_TITLES), size="1", width="100%"),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        id="builder-stepper",
    )
