"""Small UI pieces of the Runs page: a status badge, a metric tile, a form field with its inline error, and ``bi``."""

from collections.abc import Callable

import reflex as rx

from novarium_app.components.labelled_input import labelled_input
from novarium_app.i18n import LocaleState, Text, t


def bi(row: rx.Var, key: str) -> rx.Var:
    """A string built on the backend in both languages: ``row[key]`` in English, ``row[key + "_ko"]`` in Korean."""
    return rx.cond(LocaleState.is_korean, row[f"{key}_ko"], row[key])


def status_badge(row: rx.Var, size: str = "2") -> rx.Component:
    """A run's status in its colour, from a row with keys status, status_label(_ko), status_color and status_icon."""
    return rx.badge(
        rx.icon(row["status_icon"].to(str), size=13),
        bi(row, "status_label"),
        color_scheme=row["status_color"].to(str),
        variant="soft",
        size=size,
        radius="full",
        class_name="run-status",
        custom_attrs={"data-status": row["status"]},
    )


def metric_tile(
    label: Text, value: rx.Var | str, icon: str, tile_id: str, detail: rx.Var | rx.Component | str = ""
) -> rx.Component:
    """A labelled figure inside the live run card."""
    return rx.box(
        rx.hstack(
            rx.icon(icon, size=14, color=rx.color("gray", 10)),
            rx.text(t(label), size="1", weight="medium", color=rx.color("gray", 11), text_transform="uppercase"),
            spacing="2",
            align="center",
        ),
        rx.text(value, size="6", weight="bold", id=tile_id, class_name="tabular-nums", white_space="nowrap"),
        rx.text(detail, size="1", color=rx.color("gray", 10), min_height="1rem"),
        padding="0.85rem 1rem",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        min_width="0",
    )


def form_field(
    label: Text,
    name: str,
    value: rx.Var,
    error: rx.Var,
    on_change: Callable[[rx.Var], rx.event.EventSpec],
    hint: Text = ("", ""),
    suffix: str = "",
    aside: rx.Component | None = None,
) -> rx.Component:
    """A labelled text input; its error (naming the field and the rule) replaces the hint below it.

    ``aside`` sits at the right of the label, e.g. quick picks.
    """
    slots = [rx.input.slot(rx.text(suffix, size="2", color=rx.color("gray", 10)), side="right")] if suffix else []
    return labelled_input(
        label,
        f"run-{name}",
        error,
        hint,
        f"error-{name}",
        *slots,
        aside=aside,
        name=name,
        value=value,
        on_change=on_change,
        input_mode="decimal",
    )
