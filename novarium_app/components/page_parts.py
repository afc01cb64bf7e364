"""The scaffolding every Lab page shares: its header, its loading skeleton, its empty state and its error callout."""

import reflex as rx

from novarium_app.i18n import Text, t

WITH_SIDE_PANEL = rx.breakpoints(initial="1fr", lg="minmax(0, 1fr) 22rem")
"""Grid columns for a main column with a 22rem side panel on large screens."""


def page_header(
    title: Text, subtitle: Text, *actions: rx.Component, back: rx.Component | None = None, **props
) -> rx.Component:
    """A page's title, the sentence under it, and its actions on the right.

    Args:
        title: The page title.
        subtitle: One sentence on what the page is for.
        *actions: Buttons or badges shown on the right.
        back: A link shown above the title, back to where the page came from.
        **props: More props for the header row (``wrap``, ``spacing``).
    """
    above = [back] if back is not None else []
    return rx.hstack(
        rx.vstack(
            *above,
            rx.heading(t(title), size="8", weight="bold"),
            rx.text(t(subtitle), color=rx.color("gray", 11)),
            spacing="1",
        ),
        rx.spacer(),
        *actions,
        align="end",
        width="100%",
        **props,
    )


def refresh_button(on_click: rx.event.EventType, **props) -> rx.Component:
    """The grey icon button that reloads a page's data."""
    return rx.icon_button(
        rx.icon("refresh-cw", size=16),
        on_click=on_click,
        variant="soft",
        color_scheme="gray",
        aria_label="Refresh",
        **props,
    )


def loading_grid(heights: list[str], **props) -> rx.Component:
    """Skeleton cards of the given heights in a grid, shown while a page loads; ``props`` set columns and id."""
    return rx.grid(*[rx.skeleton(rx.card(height=height)) for height in heights], spacing="4", width="100%", **props)


def empty_state(
    icon: rx.Component,
    title: Text | rx.Var,
    body: rx.Component,
    *next_steps: rx.Component,
    element_id: str,
    title_size: str = "5",
    card_size: str = "3",
    **stack_props,
) -> rx.Component:
    """A card saying there is nothing here yet, and the next step.

    Args:
        icon: The round icon on top.
        title: What is missing, as a text pair or an already localized Var.
        body: Why, or what to do about it.
        *next_steps: What to do next: commands, buttons or links.
        element_id: The card's id.
        title_size: The heading size.
        card_size: The card size.
        **stack_props: Layout of the card's content (``align``, ``padding_y``); it starts aligned left.
    """
    stack_props.setdefault("align", "start")
    heading = t(title) if isinstance(title, tuple) else title
    return rx.card(
        rx.vstack(icon, rx.heading(heading, size=title_size), body, *next_steps, spacing="3", **stack_props),
        size=card_size,
        width="100%",
        id=element_id,
    )


def error_callout(*message: rx.Component | rx.Var | str, element_id: str) -> rx.Component:
    """A red callout saying what could not be read; ``message`` is its text, in pieces (a prefix and the error)."""
    return rx.callout(rx.fragment(*message), icon="triangle-alert", color_scheme="red", size="2", id=element_id)
