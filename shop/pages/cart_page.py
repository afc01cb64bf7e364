"""The cart (/shop/cart): its lines with quantities, and the money under the visitor's knobs."""

import reflex as rx

from shop.components import cards
from shop.components.art import BRAND, CATEGORY_ART, INK, LINE, MUTED, art_tile, category_gradient
from shop.components.layout import shop_page
from shop.components.order_summary import free_delivery_hint, stepper, totals
from shop.components.views import CartLineView
from shop.pages import routes
from shop.state import ShopState

SUGGESTED = ("Pizza", "Burgers", "Sushi", "Noodles", "Korean", "Salads")


def _line(line: CartLineView) -> rx.Component:
    return rx.hstack(
        rx.link(
            art_tile(
                line.background,
                line.icon,
                height="4.5rem",
                icon_size=24,
                radius="0.9rem",
                width="4.5rem",
                min_width="4.5rem",
            ),
            href=line.href,
        ),
        rx.vstack(
            rx.link(rx.text(line.name, size="3", weight="bold", color=INK), href=line.href, underline="none"),
            rx.text(line.unit_price, " each", size="2", color=MUTED),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        stepper(line, size="2"),
        rx.text(line.amount, size="3", weight="bold", min_width="5rem", text_align="right"),
        rx.icon_button(
            rx.icon("x", size=16),
            on_click=ShopState.remove_item(line.item_id),
            variant="ghost",
            color_scheme="gray",
            radius="full",
            aria_label="Remove",
            class_name="remove-line",
        ),
        spacing="4",
        align="center",
        width="100%",
        padding_y="0.9rem",
        border_bottom=f"1px solid {LINE}",
        class_name="cart-line",
        custom_attrs={"data-item-id": line.item_id},
    )


def _lines() -> rx.Component:
    cart = ShopState.cart
    return rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading("Your cart", as_="h1", size="8", weight="bold", letter_spacing="-0.03em"),
                rx.hstack(
                    rx.text("from", size="3", color=MUTED),
                    rx.link(cart.restaurant_name, href=cart.restaurant_href, size="3", weight="bold"),
                    spacing="1",
                ),
                spacing="1",
            ),
            width="100%",
        ),
        rx.box(
            rx.foreach(cart.lines, _line),
            rx.link(
                rx.hstack(
                    rx.icon("plus", size=16),
                    rx.text("Add more from ", cart.restaurant_name, size="2", weight="bold"),
                    spacing="2",
                    align="center",
                ),
                href=cart.restaurant_href,
                underline="none",
                color=BRAND,
                padding_top="1rem",
                display="block",
            ),
            padding="0.5rem 1.5rem 1.25rem",
            background="white",
            border=f"1px solid {LINE}",
            border_radius="1.25rem",
            width="100%",
            id="cart-lines",
        ),
        spacing="5",
        flex="1",
        min_width="0",
    )


def _summary() -> rx.Component:
    return rx.vstack(
        rx.heading("Order summary", size="5"),
        totals(),
        free_delivery_hint(),
        rx.link(
            rx.button(
                "Go to checkout",
                rx.icon("arrow_right", size=18),
                size="4",
                radius="full",
                width="100%",
                id="go-to-checkout",
            ),
            href=routes.CHECKOUT,
            width="100%",
        ),
        rx.hstack(
            rx.icon("shield_check", size=15, color=MUTED),
            rx.text("Prices include tax. You'll confirm your address next.", size="1", color=MUTED),
            spacing="2",
            align="center",
        ),
        spacing="4",
        padding="1.5rem",
        background="white",
        border=f"1px solid {LINE}",
        border_radius="1.25rem",
        box_shadow="0 10px 30px rgba(60,30,10,0.06)",
        width=rx.breakpoints(initial="100%", lg="24rem"),
        min_width=rx.breakpoints(initial="100%", lg="24rem"),
        position="sticky",
        top="6rem",
        id="cart-summary",
    )


def _empty() -> rx.Component:
    return cards.empty_state(
        "shopping_bag",
        "Your cart is empty",
        "Good food is a few taps away. Start with a favourite, or try something new tonight.",
        rx.link(
            rx.button("Browse restaurants", rx.icon("arrow_right", size=16), size="3", radius="full"),
            href=routes.SEARCH,
            id="browse-restaurants",
        ),
        rx.hstack(
            *[
                rx.link(
                    rx.hstack(
                        rx.box(
                            width="0.7rem", height="0.7rem", border_radius="999px", background=category_gradient(name)
                        ),
                        rx.text(name, size="2", weight="medium"),
                        spacing="2",
                        align="center",
                    ),
                    href=routes.search(name),
                    underline="none",
                    color=INK,
                    padding="0.4rem 0.85rem",
                    border_radius="999px",
                    border=f"1px solid {LINE}",
                    background="#fffaf6",
                )
                for name in SUGGESTED
                if name in CATEGORY_ART
            ],
            spacing="2",
            wrap="wrap",
            justify="center",
            padding_top="0.5rem",
        ),
        id="cart-empty",
    )


@shop_page(routes.CART, "Cart")
def cart_page() -> rx.Component:
    """The cart."""
    return rx.cond(
        ~ShopState.ready,
        cards.skeleton_grid(2, "12rem"),
        rx.cond(
            ShopState.cart.count > 0,
            rx.flex(
                _lines(),
                _summary(),
                direction=rx.breakpoints(initial="column", lg="row"),
                spacing="7",
                align="start",
                width="100%",
            ),
            _empty(),
        ),
    )
