"""Checkout (/shop/checkout): the delivery address with inline validation, the summary, and the order button."""

import json
from typing import Any

import reflex as rx

from shop import cart as carts
from shop import orders
from shop.components import cards
from shop.components.art import BRAND, INK, LINE, MUTED, art_tile
from shop.components.layout import shop_page
from shop.components.order_summary import free_delivery_hint, totals
from shop.components.views import CartLineView
from shop.pages import routes
from shop.state import STORAGE_ERRORS, ShopState, emit, knob_config, read, saved_address

_BLANK = {key: "" for key in orders.ADDRESS_FIELDS}

SUMMARY_WIDTH = "26rem"
"""The order summary's column at lg and up: wide enough for the order button's longest text on one line."""


class CheckoutState(rx.State):
    """The address form, its problems, and the order being placed."""

    form: dict[str, str] = dict(_BLANK)
    errors: dict[str, str] = {}
    placing: bool = False
    error: str = ""

    @rx.var
    def error_count(self) -> int:
        """How many fields break a rule."""
        return len(self.errors)

    @rx.event
    async def load(self):
        """Fill in the last address used and log the checkout start."""
        shop = await self.get_state(ShopState)
        self.form = {**_BLANK, **{k: v for k, v in saved_address(shop).items() if k in _BLANK}}
        self.errors, self.error, self.placing = {}, "", False
        cart = carts.loads(shop.cart_json)
        if not cart.is_empty:
            money = carts.totals(cart, shop.discount_pct, shop.free_delivery_threshold)
            yield  # show the page before logging the event
            await emit(
                shop.visitor_id,
                "checkout_start",
                value=money.subtotal,
                props={"restaurant_id": cart.restaurant_id, "items_count": money.items_count},
            )

    @rx.event
    def set_field(self, name: str, value: str):
        """Keep what the visitor typed; a fixed field loses its error at once."""
        if name not in _BLANK:
            return
        self.form = {**self.form, name: value}
        if name in self.errors and name not in orders.address_problems(self.form):
            self.errors = {k: v for k, v in self.errors.items() if k != name}

    @rx.event
    def check_field(self, name: str, value: str):
        """Check one field when the visitor leaves it."""
        if name not in _BLANK:
            return
        self.form = {**self.form, name: value}
        problem = orders.address_problems(self.form).get(name) if value.strip() else None
        errors = {k: v for k, v in self.errors.items() if k != name}
        self.errors = {**errors, name: problem} if problem else errors

    @rx.event
    async def place_order(self, form_data: dict[str, Any]):
        """Validate the address; place the order; go to its tracking page."""
        self.form = {**self.form, **{k: str(form_data.get(k, "")) for k in _BLANK if k in form_data}}
        self.errors = orders.address_problems(self.form)
        self.error = ""
        if self.errors:
            first = next(iter(self.errors))
            yield rx.scroll_to(f"field-{first}")
            yield rx.toast.error(
                f"Check {len(self.errors)} field{'s' if len(self.errors) > 1 else ''}",
                description=", ".join(v.split(":")[0] for v in self.errors.values()),
            )
            return
        shop = await self.get_state(ShopState)
        cart = carts.loads(shop.cart_json)
        if cart.is_empty:
            self.error = "Your cart is empty: add a dish before placing an order."
            return
        self.placing = True
        yield
        try:
            order = await read(orders.place_order, shop.visitor_id, cart, knob_config(shop))
        except orders.OrderError as error:
            self.error = f"We couldn't place this order: {error}"
            self.placing = False
            return
        except STORAGE_ERRORS as error:
            self.error = f"We couldn't place this order right now: {str(error).splitlines()[0]}. Please try again."
            self.placing = False
            return
        shop.cart_json = ""
        shop.address_json = json.dumps({k: v.strip() for k, v in self.form.items()})
        self.placing = False
        yield rx.toast.success("Order placed!", description=f"{order.restaurant_name} is on it.")
        yield rx.redirect(routes.order(order.order_id, placed=True))


def _field(name: str, placeholder: str, auto: str = "on", **props) -> rx.Component:
    error = CheckoutState.errors[name]
    return rx.vstack(
        rx.el.label(
            orders.ADDRESS_FIELDS[name],
            html_for=f"checkout-{name}",
            style={"fontSize": "0.875rem", "fontWeight": "500", "color": INK},
        ),
        rx.input(
            id=f"checkout-{name}",
            name=name,
            value=CheckoutState.form[name],
            on_change=lambda value: CheckoutState.set_field(name, value),
            on_blur=lambda value: CheckoutState.check_field(name, value),
            placeholder=placeholder,
            auto_complete=auto,
            size="3",
            width="100%",
            color_scheme=rx.cond(error, "red", "orange"),
            variant="surface",
            custom_attrs={"aria-invalid": rx.cond(error, "true", "false")},
            box_shadow=rx.cond(error, "inset 0 0 0 1.5px #e5484d", ""),
        ),
        rx.cond(
            error,
            rx.hstack(
                rx.icon("circle_alert", size=13, color="#dc3e42"),
                rx.text(error, size="1", color="#dc3e42"),
                spacing="1",
                align="center",
                id=f"error-{name}",
                class_name="field-error",
            ),
        ),
        spacing="1",
        width="100%",
        id=f"field-{name}",
        **props,
    )


def _section(number: str, title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.center(
                rx.text(number, size="2", weight="bold", color="white"),
                width="1.75rem",
                height="1.75rem",
                border_radius="999px",
                background=BRAND,
            ),
            rx.heading(title, size="5"),
            spacing="3",
            align="center",
        ),
        *children,
        spacing="4",
        padding="1.5rem",
        background="white",
        border=f"1px solid {LINE}",
        border_radius="1.25rem",
        width="100%",
    )


def _address() -> rx.Component:
    return _section(
        "1",
        "Delivery address",
        rx.grid(
            _field("full_name", "Alex Morgan", "name", grid_column="span 2"),
            _field("street", "221 Baker Street", "address-line1", grid_column="span 2"),
            _field("unit", "Apt 4B (optional)", "address-line2"),
            _field("city", "Springfield", "address-level2"),
            _field("postal_code", "94107", "postal-code"),
            _field("phone", "(555) 012-3456", "tel"),
            _field("notes", "Ring the bell, leave at the door…", "off", grid_column="span 2"),
            columns="2",
            spacing="4",
            width="100%",
        ),
    )


def _option(icon_name: str, title: str, body: str, value: str) -> rx.Component:
    return rx.radio_cards.item(
        rx.hstack(
            rx.icon(icon_name, size=20, color=BRAND),
            rx.vstack(rx.text(title, size="2", weight="bold"), rx.text(body, size="1", color=MUTED), spacing="0"),
            spacing="3",
            align="center",
            width="100%",
        ),
        value=value,
    )


def _delivery_and_payment() -> rx.Component:
    return rx.vstack(
        _section(
            "2",
            "Delivery time",
            rx.radio_cards.root(
                _option("zap", "Standard", "As soon as possible", "standard"),
                _option("calendar_clock", "Schedule", "Pick a time later today", "schedule"),
                default_value="standard",
                name="delivery",
                columns="2",
                width="100%",
            ),
        ),
        _section(
            "3",
            "Payment",
            rx.radio_cards.root(
                _option("credit_card", "Card on delivery", "Tap to pay at your door", "card"),
                _option("wallet", "Cash on delivery", "Please have change ready", "cash"),
                default_value="card",
                name="payment",
                columns="2",
                width="100%",
            ),
        ),
        spacing="5",
        width="100%",
    )


def _summary_line(line: CartLineView) -> rx.Component:
    return rx.hstack(
        art_tile(
            line.background,
            line.icon,
            height="2.5rem",
            icon_size=14,
            radius="0.55rem",
            width="2.5rem",
            min_width="2.5rem",
        ),
        rx.text(line.quantity, " × ", line.name, size="2", flex="1", line_clamp=1),
        rx.text(line.amount, size="2", weight="medium"),
        spacing="3",
        align="center",
        width="100%",
    )


def _summary() -> rx.Component:
    cart = ShopState.cart
    return rx.vstack(
        rx.heading("Your order", size="5"),
        rx.text("from ", rx.text.strong(cart.restaurant_name), size="2", color=MUTED),
        rx.vstack(rx.foreach(cart.lines, _summary_line), spacing="3", width="100%"),
        rx.divider(),
        totals(),
        free_delivery_hint(),
        rx.cond(CheckoutState.error != "", cards.error_panel(CheckoutState.error)),
        rx.button(  # one line even with the knob's longest text (30 characters); the total is in the rows above
            rx.cond(CheckoutState.placing, rx.spinner(size="2"), rx.icon("lock", size=17, flex_shrink="0")),
            rx.text(ShopState.checkout_button_text, white_space="nowrap", id="checkout-button-text"),
            type="submit",
            size="4",
            radius="full",
            width="100%",
            disabled=CheckoutState.placing,
            id="place-order",
            box_shadow="0 10px 24px rgba(255,90,31,0.3)",
        ),
        rx.text(
            "By placing your order you agree to NovaEats' terms. Orders in this lab are simulated.",
            size="1",
            color=MUTED,
            text_align="center",
        ),
        spacing="4",
        padding="1.5rem",
        background="white",
        border=f"1px solid {LINE}",
        border_radius="1.25rem",
        box_shadow="0 10px 30px rgba(60,30,10,0.06)",
        width=rx.breakpoints(initial="100%", lg=SUMMARY_WIDTH),
        min_width=rx.breakpoints(initial="100%", lg=SUMMARY_WIDTH),
        position="sticky",
        top="6rem",
        id="checkout-summary",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.vstack(
                rx.heading("Checkout", as_="h1", size="8", weight="bold", letter_spacing="-0.03em"),
                _address(),
                _delivery_and_payment(),
                spacing="5",
                flex="1",
                min_width="0",
            ),
            _summary(),
            direction=rx.breakpoints(initial="column", lg="row"),
            spacing="7",
            align="start",
            width="100%",
        ),
        on_submit=CheckoutState.place_order,
        reset_on_submit=False,
        width="100%",
        id="checkout-form",
    )


@shop_page(routes.CHECKOUT, "Checkout", on_load=CheckoutState.load)
def checkout_page() -> rx.Component:
    """Checkout."""
    return rx.cond(
        ~ShopState.ready,
        cards.skeleton_grid(2, "16rem"),
        rx.cond(
            ShopState.cart.count > 0,
            _form(),
            cards.empty_state(
                "shopping_bag",
                "Nothing to check out yet",
                "Your cart is empty. Pick a restaurant and add a dish or two.",
                rx.link(rx.button("Find something to eat", size="3", radius="full"), href=routes.SEARCH),
                id="checkout-empty",
            ),
        ),
    )
