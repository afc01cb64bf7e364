"""The frame both simulator lessons share: the form with its fields and Run button, and the result column.

``state`` is a simulator state class (a ``LessonState``); ``prefix`` starts every element id of that simulator
(``aa``, ``pk``).
"""

from typing import Any

import reflex as rx

from novarium_app.components.learn_lesson import ALPHA_OPTIONS, METRIC_OPTIONS
from novarium_app.components.learn_ui import choice, localized, number_field, progress_panel
from novarium_app.i18n import Text, t

SEED_FIELD: tuple[Text, Text] = (("Seed", "시드"), ("Same seed, same experiments", "같은 시드면 같은 실험"))
"""The seed field's label and hint."""


def field_error(state: Any, name: str) -> rx.Var:
    """The error of the form field ``name``, in the learner's language ("" when it is fine)."""
    return localized(state.errors_en.get(name, ""), state.errors_ko.get(name, ""))


def lesson_field(
    state: Any, prefix: str, name: str, label: Text, hint: Text, presets: tuple[tuple[str, str], ...] = ()
) -> rx.Component:
    """The whole-number field ``name`` of the simulator's form, locked while it runs."""
    return number_field(
        label,
        f"{prefix}-{name}",
        getattr(state, name),
        field_error(state, name),
        lambda value: state.set_field(name, value),
        hint,
        presets=presets,
        disabled=state.running,
    )


def lesson_form(state: Any, prefix: str, title: rx.Component, sizes: list[rx.Component], run: Text) -> rx.Component:
    """The simulator's form: its size fields, the metric and alpha, the seed and the Run button.

    Args:
        state: The simulator's state class.
        prefix: The simulator's element id prefix.
        title: The card's title.
        sizes: The fields that size the simulation (experiments, users, ...).
        run: The Run button's text.
    """
    return rx.card(
        rx.vstack(
            title,
            *sizes,
            choice(("Metric", "지표"), f"{prefix}-metric", METRIC_OPTIONS, state.metric, state.set_metric),
            choice(("Alpha", "유의수준 α"), f"{prefix}-alpha", ALPHA_OPTIONS, state.alpha, state.set_alpha),
            lesson_field(state, prefix, "seed", *SEED_FIELD),
            rx.button(
                rx.icon("play", size=16),
                t(run),
                on_click=state.run,
                loading=state.running,
                size="3",
                width="100%",
                id=f"{prefix}-run",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def lesson_columns(
    state: Any, prefix: str, form: rx.Component, result: rx.Component, idle: rx.Component
) -> rx.Component:
    """The form on the left; on the right the progress while it runs, then the result (``idle`` before any run)."""
    return rx.grid(
        form,
        rx.card(
            rx.cond(
                state.running,
                progress_panel(state.progress_label, state.percent_done, state.stop, prefix),
                rx.cond(state.has_result, result, idle),
            ),
            size="3",
            width="100%",
            min_width="0",
        ),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="22rem 1fr"),
        spacing="4",
        width="100%",
        align_items="start",
    )


def tile_row(*tiles: rx.Component) -> rx.Component:
    """The result's figures, three to a row on wider screens."""
    return rx.grid(*tiles, columns=rx.breakpoints(initial="1", sm="3"), spacing="3", width="100%")


def ci_detail(interval: rx.Var) -> rx.Component:
    """A rate's 95% interval, under its figure."""
    return rx.text.span(t(("95% CI ", "95% 신뢰구간 ")), interval)
