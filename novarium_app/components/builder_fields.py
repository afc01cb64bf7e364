"""The builder's form pieces: labelled inputs with their inline problem, section cards, and text in two languages.

A field's problem (naming the field and the rule) replaces its hint once the learner has touched the field or
tried to leave its step; ``BuilderState.shown`` holds those problems as [English, Korean].
"""

import re
from collections.abc import Callable

import reflex as rx

from novarium_app.components.builder_state import BuilderState
from novarium_app.i18n import LocaleState, Text, t


def bi(pair: rx.Var) -> rx.Var:
    """A [English, Korean] pair held in state, in the learner's language."""
    return rx.cond(LocaleState.is_korean, pair[1], pair[0])


def bi_fields(row: rx.Var, name: str) -> rx.Var:
    """``row[name + "_en"]`` or ``row[name + "_ko"]``, in the learner's language."""
    return rx.cond(LocaleState.is_korean, row[f"{name}_ko"], row[f"{name}_en"])


def dom_id(name: str) -> str:
    """A field name as an element id ("variants[1].weight" -> "variants-1-weight")."""
    return re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-")


def problem_text(message: rx.Var, element_id: str) -> rx.Component:
    """An inline problem under a field."""
    return rx.hstack(
        rx.icon("circle-alert", size=13, flex_shrink="0", margin_top="2px"),
        rx.text(message, size="1", id=element_id, role="alert"),
        spacing="1",
        align="start",
        color=rx.color("red", 11),
    )


def error_or_hint(name: str, hint: Text | None = None) -> rx.Component:
    """The field's problem when it has one to show, else its hint."""
    quiet = rx.text(t(hint), size="1", color=rx.color("gray", 10)) if hint else rx.fragment()
    return rx.cond(
        BuilderState.shown.contains(name),
        problem_text(bi(BuilderState.shown[name]), f"error-{dom_id(name)}"),
        quiet,
    )


def label(text: Text, html_for: str = "", aside: rx.Component | None = None) -> rx.Component:
    """A field's label, with an optional element at its right."""
    element = rx.text(t(text), as_="label", html_for=html_for, size="2", weight="medium")
    if aside is None:
        return element
    return rx.hstack(element, rx.spacer(), aside, align="center", width="100%")


def form_input(
    text: Text,
    name: str,
    hint: Text | None = None,
    *,
    placeholder: Text | None = None,
    suffix: str | rx.Var | None = None,
    aside: rx.Component | None = None,
    numeric: bool = False,
) -> rx.Component:
    """A labelled text input bound to ``BuilderState.form[name]``."""
    element_id = f"builder-{dom_id(name)}"
    invalid = BuilderState.shown.contains(name)
    return rx.vstack(
        label(text, element_id, aside),
        rx.input(
            *(
                [rx.input.slot(rx.text(suffix, size="2", color=rx.color("gray", 10)), side="right")]
                if suffix is not None
                else []
            ),
            value=BuilderState.form[name],
            on_change=lambda value: BuilderState.set_field(name, value),
            placeholder=t(placeholder) if placeholder else "",
            id=element_id,
            input_mode="decimal" if numeric else "text",
            auto_complete="off",
            color_scheme=rx.cond(invalid, "red", "gray"),
            variant="surface",
            size="2",
            width="100%",
            custom_attrs={"aria-invalid": rx.cond(invalid, "true", "false")},
        ),
        error_or_hint(name, hint),
        spacing="1",
        width="100%",
        min_width="0",
    )


def form_area(text: Text, name: str, hint: Text, placeholder: Text) -> rx.Component:
    """A labelled multi-line input bound to ``BuilderState.form[name]``."""
    element_id = f"builder-{dom_id(name)}"
    invalid = BuilderState.shown.contains(name)
    return rx.vstack(
        label(text, element_id),
        rx.text_area(
            value=BuilderState.form[name],
            on_change=lambda value: BuilderState.set_field(name, value),
            placeholder=t(placeholder),
            id=element_id,
            rows="3",
            resize="vertical",
            color_scheme=rx.cond(invalid, "red", "gray"),
            variant="surface",
            width="100%",
            custom_attrs={"aria-invalid": rx.cond(invalid, "true", "false")},
        ),
        error_or_hint(name, hint),
        spacing="1",
        width="100%",
    )


def choice(
    name: str, options: list[tuple[str, Text]], on_change: Callable | None = None, size: str = "2"
) -> rx.Component:
    """A segmented control over ``options`` (value, label) bound to ``BuilderState.form[name]``."""
    return rx.segmented_control.root(
        *[rx.segmented_control.item(t(text), value=value) for value, text in options],
        value=BuilderState.form[name],
        on_change=on_change or (lambda value: BuilderState.set_field(name, value)),
        size=size,
        id=f"builder-{dom_id(name)}",
    )


def section(icon: str, title: Text, subtitle: Text, *children: rx.Component, **props) -> rx.Component:
    """A card with an icon, a title and a one-line explanation."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(rx.icon(icon, size=18), class_name="card-icon"),
                rx.vstack(
                    rx.heading(t(title), size="4"),
                    rx.text(t(subtitle), size="2", color=rx.color("gray", 10)),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        **props,
    )


def fact(text: Text, value: rx.Var | str, element_id: str, detail: rx.Component | None = None) -> rx.Component:
    """A labelled figure (a stat tile)."""
    return rx.box(
        rx.text(t(text), size="1", weight="medium", color=rx.color("gray", 11), text_transform="uppercase"),
        rx.text(value, size="6", weight="bold", id=element_id, class_name="tabular-nums", white_space="nowrap"),
        detail if detail is not None else rx.fragment(),
        padding="0.85rem 1rem",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        min_width="0",
    )
