"""Cards and rows the shop's pages are made of: restaurants (grid or list, per the layout knob), dishes, categories."""

import reflex as rx

from shop.components.art import BRAND, INK, LINE, MUTED, art_tile, icon
from shop.components.views import CategoryView, DishView, RestaurantView
from shop.state import ShopState


def section_title(title: str, subtitle: str = "", action: rx.Component | None = None) -> rx.Component:
    """A section heading with an optional line under it and an action on the right."""
    return rx.hstack(
        rx.vstack(
            rx.heading(title, size="6", weight="bold", letter_spacing="-0.02em"),
            rx.text(subtitle, size="2", color=MUTED) if subtitle else rx.fragment(),
            spacing="1",
        ),
        rx.spacer(),
        action or rx.fragment(),
        align="end",
        width="100%",
        margin_bottom="1rem",
    )


def rating(value: rx.Var, size: str = "2") -> rx.Component:
    """A star rating, shown only when the show_ratings knob is on."""
    return rx.cond(
        ShopState.show_ratings,
        rx.hstack(
            rx.icon("star", size=14, color="#f59e0b", fill="#f59e0b"),
            rx.text(value, size=size, weight="bold", color=INK),
            spacing="1",
            align="center",
            class_name="rating",
        ),
    )


def urgency_badge(size: str = "2") -> rx.Component:
    """The urgency badge of the urgency knob ('' hides it)."""
    return rx.cond(
        ShopState.urgency_label != "",
        rx.badge(
            rx.match(
                ShopState.urgency_badge,
                ("limited_time", rx.icon("timer", size=14)),
                ("selling_fast", rx.icon("flame", size=14)),
                rx.icon("alarm_clock", size=14),
            ),
            ShopState.urgency_label,
            color_scheme="red",
            variant="solid",
            radius="full",
            size=size,
            class_name="urgency-badge",
        ),
    )


def _meta(*parts: rx.Component) -> rx.Component:
    return rx.hstack(*parts, spacing="3", align="center", wrap="wrap", color=MUTED)


def _restaurant_meta(r: RestaurantView) -> rx.Component:
    return _meta(
        rating(r.rating),
        rx.hstack(rx.icon("clock", size=14), rx.text(r.eta, size="2"), spacing="1", align="center"),
        rx.hstack(
            rx.icon("bike", size=14),
            rx.text(rx.cond(ShopState.free_delivery_always, "Free", r.delivery_fee), size="2"),
            spacing="1",
            align="center",
        ),
    )


def restaurant_card(r: RestaurantView) -> rx.Component:
    """A restaurant in the grid layout: picture on top, details under it."""
    return rx.link(
        rx.vstack(
            rx.box(
                art_tile(r.background, r.icon, height="9.5rem", icon_size=44, radius="1rem 1rem 0 0"),
                rx.badge(
                    r.category,
                    position="absolute",
                    top="0.75rem",
                    left="0.75rem",
                    variant="solid",
                    color_scheme="gray",
                    high_contrast=True,
                    radius="full",
                ),
                position="relative",
                width="100%",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(r.name, size="4", weight="bold", color=INK, trim="both"),
                    rx.spacer(),
                    rx.text(r.price_level, size="2", color=MUTED),
                    width="100%",
                    align="center",
                ),
                rx.text(r.cuisine, size="2", color=MUTED),
                _restaurant_meta(r),
                spacing="2",
                padding="0.9rem 1rem 1.1rem",
                width="100%",
            ),
            spacing="0",
            background="white",
            border=f"1px solid {LINE}",
            border_radius="1rem",
            overflow="hidden",
            height="100%",
            transition="transform 0.15s ease, box-shadow 0.15s ease",
            _hover={"transform": "translateY(-3px)", "box_shadow": "0 14px 30px rgba(60,30,10,0.10)"},
        ),
        href=r.href,
        underline="none",
        class_name="restaurant-card",
        custom_attrs={"data-slug": r.slug},
    )


def restaurant_row(r: RestaurantView) -> rx.Component:
    """A restaurant in the list layout: a small picture beside the details."""
    return rx.link(
        rx.hstack(
            art_tile(
                r.background, r.icon, height="5.5rem", icon_size=28, radius="0.9rem", width="7.5rem", min_width="7.5rem"
            ),
            rx.vstack(
                rx.text(r.name, size="4", weight="bold", color=INK),
                rx.text(r.cuisine, " · ", r.price_level, size="2", color=MUTED),
                _restaurant_meta(r),
                spacing="1",
                flex="1",
            ),
            rx.icon("chevron_right", size=20, color=MUTED),
            align="center",
            spacing="4",
            padding="0.75rem",
            background="white",
            border=f"1px solid {LINE}",
            border_radius="1rem",
            width="100%",
            _hover={"box_shadow": "0 10px 24px rgba(60,30,10,0.08)", "border_color": "#f3c9b0"},
        ),
        href=r.href,
        underline="none",
        class_name="restaurant-row",
        custom_attrs={"data-slug": r.slug},
        width="100%",
    )


def restaurants(items: rx.Var[list[RestaurantView]], list_id: str) -> rx.Component:
    """Restaurants in the grid or the list layout, as the recommendation_layout knob says."""
    return rx.cond(
        ShopState.is_grid,
        rx.grid(
            rx.foreach(items, restaurant_card),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="4",
            width="100%",
            id=list_id,
            custom_attrs={"data-layout": "grid"},
        ),
        rx.grid(
            rx.foreach(items, restaurant_row),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="3",
            width="100%",
            id=list_id,
            custom_attrs={"data-layout": "list"},
        ),
    )


def dishes(items: rx.Var[list[DishView]], list_id: str) -> rx.Component:
    """Dishes as picture cards or as menu rows, as the recommendation_layout knob says."""
    return rx.cond(
        ShopState.is_grid,
        rx.grid(
            rx.foreach(items, dish_card),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="4",
            width="100%",
            id=list_id,
            custom_attrs={"data-layout": "grid"},
        ),
        rx.grid(
            rx.foreach(items, dish_row),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="3",
            width="100%",
            id=list_id,
            custom_attrs={"data-layout": "list"},
        ),
    )


def add_button(item_id: rx.Var[int], label: str = "", **props) -> rx.Component:
    """The round + that puts one of a dish in the cart."""
    return rx.icon_button(
        rx.icon("plus", size=18, stroke_width=2.6),
        on_click=ShopState.add_item(item_id, 1),
        radius="full",
        size="2",
        aria_label=f"Add {label}" if label else "Add to cart",
        class_name="add-to-cart",
        box_shadow="0 4px 12px rgba(255,90,31,0.35)",
        **props,
    )


def dish_card(d: DishView) -> rx.Component:
    """A dish with a picture, for popular dishes."""
    return rx.box(
        rx.link(
            rx.vstack(
                art_tile(d.background, d.icon, height="8.5rem", icon_size=38, radius="0.9rem"),
                rx.vstack(
                    rx.text(d.name, size="3", weight="bold", color=INK, line_clamp=1),
                    rx.text(d.restaurant_name, size="1", color=MUTED, line_clamp=1),
                    rx.text(d.price, size="3", weight="bold", color=INK),
                    spacing="1",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            href=d.href,
            underline="none",
        ),
        rx.cond(d.popular, rx.box(urgency_badge(size="1"), position="absolute", top="1.25rem", left="1.25rem")),
        rx.box(add_button(d.item_id, variant="solid"), position="absolute", top="6.4rem", right="1.2rem"),
        position="relative",
        padding="0.75rem",
        background="white",
        border=f"1px solid {LINE}",
        border_radius="1.1rem",
        class_name="dish-card",
        custom_attrs={"data-item-id": d.item_id},
        _hover={"box_shadow": "0 12px 26px rgba(60,30,10,0.09)"},
    )


def dish_row(d: DishView) -> rx.Component:
    """A dish as a menu line: name, description and price beside a small picture, with the add button."""
    return rx.hstack(
        rx.link(
            rx.hstack(
                rx.vstack(
                    rx.hstack(
                        rx.text(d.name, size="3", weight="bold", color=INK),
                        rx.cond(
                            d.popular,
                            rx.badge(
                                rx.icon("flame", size=12),
                                "Popular",
                                color_scheme="orange",
                                variant="soft",
                                radius="full",
                                size="1",
                            ),
                        ),
                        rx.cond(d.popular, urgency_badge(size="1")),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(d.description, size="2", color=MUTED, line_clamp=2),
                    rx.text(d.price, size="3", weight="medium", color=INK),
                    spacing="1",
                    flex="1",
                    min_width="0",
                ),
                art_tile(
                    d.background,
                    d.icon,
                    height="5.5rem",
                    icon_size=26,
                    radius="0.8rem",
                    width="6.5rem",
                    min_width="6.5rem",
                ),
                spacing="4",
                align="center",
                width="100%",
            ),
            href=d.href,
            underline="none",
            flex="1",
            min_width="0",
        ),
        add_button(d.item_id, variant="soft"),
        spacing="3",
        align="center",
        padding="1rem",
        background="white",
        border=f"1px solid {LINE}",
        border_radius="1rem",
        width="100%",
        class_name="dish-row",
        custom_attrs={"data-item-id": d.item_id},
        _hover={"border_color": "#f3c9b0"},
    )


def category_chip(c: CategoryView) -> rx.Component:
    """A category shortcut: a small drawn tile and the name."""
    return rx.link(
        rx.vstack(
            rx.center(
                icon(c.icon, size=26, color="white", stroke_width=1.8),
                width="4.25rem",
                height="4.25rem",
                border_radius="1.2rem",
                background=c.background,
                box_shadow="0 8px 18px rgba(60,30,10,0.12)",
                transition="transform 0.15s ease",
            ),
            rx.text(c.name, size="2", weight="medium", color=INK, text_align="center", white_space="nowrap"),
            spacing="2",
            align="center",
            _hover={"& > div:first-child": {"transform": "translateY(-3px) rotate(-3deg)"}},
        ),
        href=c.href,
        underline="none",
        class_name="category-chip",
    )


def category_pills(items: rx.Var[list[CategoryView]]) -> rx.Component:
    """Categories as compact pills, for suggestions."""
    return rx.hstack(
        rx.foreach(
            items,
            lambda c: rx.link(
                rx.hstack(
                    icon(c.icon, size=15, color=BRAND),
                    rx.text(c.name, size="2", weight="medium"),
                    spacing="2",
                    align="center",
                ),
                href=c.href,
                underline="none",
                color=INK,
                padding="0.45rem 0.9rem",
                border_radius="999px",
                background="white",
                border=f"1px solid {LINE}",
                _hover={"border_color": BRAND},
                class_name="category-pill",
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def empty_state(
    icon_name: str, title: str | rx.Var, body: str | rx.Var, *actions: rx.Component, **props
) -> rx.Component:
    """A friendly nothing-here panel with a next step."""
    return rx.vstack(
        rx.center(
            rx.icon(icon_name, size=34, color=BRAND),
            width="5rem",
            height="5rem",
            border_radius="999px",
            background="#ffe8dc",
        ),
        rx.heading(title, size="5", text_align="center"),
        rx.text(body, size="2", color=MUTED, text_align="center", max_width="28rem"),
        *actions,
        spacing="3",
        align="center",
        padding="3rem 1.5rem",
        background="white",
        border=f"1px dashed {LINE}",
        border_radius="1.25rem",
        width="100%",
        **props,
    )


def error_panel(message: rx.Var, retry: rx.event.EventType | None = None) -> rx.Component:
    """What went wrong, said plainly, with a retry."""
    return rx.callout(
        rx.vstack(
            rx.text(message),
            rx.button("Try again", on_click=retry, size="1", variant="soft", color_scheme="red")
            if retry
            else rx.fragment(),
            spacing="2",
            align="start",
        ),
        icon="triangle_alert",
        color_scheme="red",
        size="2",
        width="100%",
        class_name="shop-error",
    )


def skeleton_grid(count: int = 8, height: str = "15rem") -> rx.Component:
    """Placeholders while a list loads."""
    return rx.grid(
        *[rx.skeleton(rx.box(height=height, border_radius="1rem", width="100%")) for _ in range(count)],
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="4",
        width="100%",
    )
