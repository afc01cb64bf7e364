"""A labelled text input whose error replaces the hint under it: the shape of every checked form field."""

import reflex as rx

from novarium_app.i18n import Text, t


def labelled_input(
    label: Text,
    input_id: str,
    error: rx.Var,
    hint: Text,
    error_id: str,
    *slots: rx.Component,
    aside: rx.Component | None = None,
    **input_props,
) -> rx.Component:
    """A label over an input, and under it the error (naming the field and the rule) or else the hint.

    Args:
        label: The field's label.
        input_id: The input's id; the label points at it.
        error: The error text, "" when the value is fine.
        hint: What the field takes, shown while there is no error.
        error_id: The error text's id.
        *slots: Input slots (a unit at the right).
        aside: Sits at the right of the label, e.g. quick picks.
        **input_props: The input's value, events and behaviour (``value``, ``on_change``, ``input_mode``, ...).
    """
    has_error = error != ""
    label_row = rx.text(t(label), as_="label", html_for=input_id, size="2", weight="medium")
    if aside is not None:
        label_row = rx.hstack(label_row, rx.spacer(), aside, align="center", width="100%")
    return rx.vstack(
        label_row,
        rx.input(
            *slots,
            id=input_id,
            **input_props,
            auto_complete="off",
            color_scheme=rx.cond(has_error, "red", "gray"),
            variant="surface",
            size="2",
            width="100%",
            custom_attrs={"aria-invalid": rx.cond(has_error, "true", "false")},
        ),
        rx.cond(
            has_error,
            rx.text(error, size="1", color=rx.color("red", 11), id=error_id, role="alert"),
            rx.text(t(hint), size="1", color=rx.color("gray", 10)),
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )
