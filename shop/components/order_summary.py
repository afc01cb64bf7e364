"""The cart's money (subtotal, discount, delivery, total, the way to free delivery) and the compact cart panel."""

import reflex as rx

from shop.components.art import BRAND, INK, LINE, MUTED, art_tile
from shop.components.views import CartLineView
from shop.pages import routes
from shop.state import ShopState


def money_row(label: str | rx.Var, value: rx.Var | str, row_id: str, strong: bool = False, **props) -> rx.Component:
    """One line of the money summary."""
    size = "4" if strong else "2"
    return rx.hstack(
        rx.text(label, size=size, weight="bold" if strong else "regular", color=INK if strong else MUTED),
        rx.spacer(),
        rx.text(value, size=size, weight="bold" if strong else "medium", id=row_id, **props),
        width="100%",
        align="center",
    )


def free_delivery_hint() -> rx.Component:
    """'Add $X for free delivery' with a progress bar, or the news that delivery is free."""
    cart = ShopState.cart
    return rx.cond(
        cart.free_delivery,
        rx.hstack(
            rx.icon("party_popper", size=16, color="#15803d"),
            rx.text("You've unlocked free delivery", size="2", weight="medium", color="#15803d"),
            spacing="2",
            align="center",
            padding="0.6rem 0.8rem",
            border_radius="0.75rem",
            background="#e9f8ee",
            width="100%",
            id="free-delivery-unlocked",
        ),
        rx.vstack(
            rx.hstack(
                rx.icon("truck", size=16, color=BRAND),
                rx.text("Add ", rx.text.strong(cart.to_free_delivery), " for free delivery", size="2", color=INK),
                spacing="2",
                align="center",
            ),
            rx.progress(value=cart.progress, max=100, size="2", color_scheme="orange", width="100%"),
            spacing="2",
            padding="0.7rem 0.8rem",
            border_radius="0.75rem",
            background="#fff1e8",
            width="100%",
            id="free-delivery-hint",
        ),
    )


def totals() -> rx.Component:
    """Subtotal, discount (when the knob gives one), delivery fee and total."""
    cart = ShopState.cart
    return rx.vstack(
        money_row("Subtotal", cart.subtotal, "cart-subtotal"),
        rx.cond(cart.discount != "", money_row(cart.discount_label, cart.discount, "cart-discount", color="#15803d")),
        money_row("Delivery", cart.delivery_fee, "cart-delivery", color=rx.cond(cart.free_delivery, "#15803d", INK)),
        rx.divider(margin_y="0.25rem"),
        money_row("Total", cart.total, "cart-total", strong=True),
        spacing="2",
        width="100%",
    )


def stepper(line: CartLineView, size: str = "1") -> rx.Component:
    """Minus, the quantity, plus."""
    return rx.hstack(
        rx.icon_button(
            rx.cond(line.quantity > 1, rx.icon("minus", size=14), rx.icon("trash_2", size=14)),
            on_click=ShopState.change_quantity(line.item_id, -1),
            size=size,
            variant="soft",
            color_scheme="gray",
            radius="full",
            aria_label="One less",
            class_name="qty-minus",
        ),
        rx.text(line.quantity, size="2", weight="bold", min_width="1.25rem", text_align="center", class_name="qty"),
        rx.icon_button(
            rx.icon("plus", size=14),
            on_click=ShopState.change_quantity(line.item_id, 1),
            size=size,
            variant="soft",
            radius="full",
            aria_label="One more",
            class_name="qty-plus",
        ),
        spacing="2",
        align="center",
    )


def _panel_line(line: CartLineView) -> rx.Component:
    return rx.hstack(
        art_tile(
            line.background,
            line.icon,
            height="2.75rem",
            icon_size=16,
            radius="0.6rem",
            width="2.75rem",
            min_width="2.75rem",
        ),
        rx.vstack(
            rx.text(line.name, size="2", weight="medium", line_clamp=1),
            rx.text(line.amount, size="1", color=MUTED),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        stepper(line),
        spacing="3",
        align="center",
        width="100%",
    )


def cart_panel() -> rx.Component:
    """The cart beside a menu: its lines, totals and the way to checkout."""
    cart = ShopState.cart
    return rx.vstack(
        rx.hstack(
            rx.heading("Your order", size="4"),
            rx.spacer(),
            rx.cond(cart.count > 0, rx.badge(cart.count, " items", radius="full", variant="soft")),
            width="100%",
            align="center",
        ),
        rx.cond(
            cart.count > 0,
            rx.vstack(
                rx.link(
                    rx.text("from ", cart.restaurant_name, size="1", color=MUTED),
                    href=cart.restaurant_href,
                    underline="hover",
                ),
                rx.vstack(rx.foreach(cart.lines, _panel_line), spacing="3", width="100%"),
                rx.divider(),
                totals(),
                free_delivery_hint(),
                rx.link(
                    rx.button("Go to checkout", rx.icon("arrow_right", size=16), size="3", radius="full", width="100%"),
                    href=routes.CHECKOUT,
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                rx.center(
                    rx.icon("shopping_bag", size=26, color="#d9c7ba"),
                    width="3.5rem",
                    height="3.5rem",
                    border_radius="999px",
                    background="#fbf3ed",
                ),
                rx.text("Your cart is empty", size="2", weight="bold"),
                rx.text("Tap + on a dish to start your order.", size="1", color=MUTED),
                spacing="2",
                align="center",
                padding_y="1.5rem",
                width="100%",
            ),
        ),
        spacing="3",
        padding="1.25rem",
        background="white",
        border=f"1px solid {LINE}",
        border_radius="1.25rem",
        box_shadow="0 10px 30px rgba(60,30,10,0.06)",
        width="100%",
        id="cart-panel",
    )
