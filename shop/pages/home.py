"""The NovaEats storefront (a placeholder until the shop is built)."""

import reflex as rx

SHOP_ROUTE = "/shop"


def _hero() -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.badge("Opening soon", color_scheme="orange", variant="solid", size="2"),
            rx.heading("Hungry? NovaEats delivers.", size="9", weight="bold", color="white"),
            rx.text("Thirty kitchens, one tap away. Lunch in minutes, dinner on time.", size="5",
                    color="rgba(255,255,255,0.9)"),
            spacing="4",
            align="start",
        ),
        padding="3.5rem",
        border_radius="1.5rem",
        background="linear-gradient(120deg, #ff5a1f 0%, #ff8a3d 55%, #ffb347 100%)",
        width="100%",
    )


def shop_home() -> rx.Component:
    """The storefront placeholder."""
    return rx.box(
        rx.hstack(
            rx.hstack(rx.icon("utensils", color="#ff5a1f", size=26), rx.heading("NovaEats", size="6", weight="bold"),
                      align="center", spacing="2"),
            rx.spacer(),
            rx.link("Back to the Lab", href="/", size="2"),
            width="100%",
            padding_y="1rem",
        ),
        _hero(),
        rx.text("The shop's menus, cart and checkout arrive with the shop release.", margin_top="1.5rem",
                color=rx.color("gray", 11), id="shop-placeholder"),
        max_width="72rem",
        margin_x="auto",
        padding="1.5rem",
    )
