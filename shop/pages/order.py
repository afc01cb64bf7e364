"""Order tracking (/shop/orders/<id>): where the order is, derived from the time since it was placed, and what it held.

A visitor sees only their own orders. While the page is open and the order is on its way, the timeline moves on
by itself.
"""

import asyncio
from datetime import UTC, datetime

import reflex as rx

from shop import orders
from shop.components import art, cards
from shop.components.art import BRAND, INK, LINE, MUTED, art_tile
from shop.components.layout import shop_page
from shop.components.order_summary import money_row
from shop.components.views import CartLineView, StepView, money, step_views
from shop.pages import routes
from shop.state import STORAGE_ERRORS, ShopState, read, saved_address

TICK_SECONDS = 15
MAX_TICKS = 240  # an hour of following


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class OrderState(rx.State):
    """The order on screen and its timeline."""

    loading: bool = True
    error: str = ""
    missing: bool = False
    just_placed: bool = False
    number: str = ""
    restaurant_name: str = ""
    restaurant_href: str = ""
    eta: str = ""
    status: str = ""
    progress: int = 0
    steps: list[StepView] = []
    lines: list[CartLineView] = []
    subtotal: str = ""
    discount: str = ""
    delivery_fee: str = ""
    total: str = ""
    address: str = ""
    _order: orders.Order | None = None

    @rx.event
    async def load(self):
        """Read the order named in the URL, if it is the visitor's."""
        self.loading, self.error, self.missing = True, "", False
        self.just_placed = self.router.url.query_parameters.get("placed") == "1"
        yield
        raw = str(self.order_id)
        shop = await self.get_state(ShopState)
        if not raw.isdigit() or len(raw) > 18:
            self.loading, self.missing = False, True
            return
        try:
            found = await read(orders.find_order, int(raw), shop.visitor_id)
        except STORAGE_ERRORS as error:
            self.error = f"This order could not be loaded: {str(error).splitlines()[0]}"
            self.loading = False
            return
        self.loading = False
        if found is None:
            self.missing = True
            return
        self._order = found
        self._show(found)
        address = saved_address(shop)
        self.address = ", ".join(v for v in (address.get("street"), address.get("unit"), address.get("city")) if v)
        self._refresh()
        if self.status not in ("delivered", "cancelled"):
            yield OrderState.follow

    def _show(self, order: orders.Order) -> None:
        self.number = str(order.order_id)
        self.restaurant_name = order.restaurant_name
        self.restaurant_href = routes.restaurant(order.restaurant_slug)
        category = order.restaurant_category
        self.lines = [
            CartLineView(
                item_id=line.item_id,
                name=line.name,
                quantity=line.quantity,
                unit_price=money(line.unit_price),
                amount=money(line.amount),
                background=art.dish_gradient(category, line.item_id),
                icon=art.dish_icon(line.name, category),
                href=routes.item(line.item_id),
            )
            for line in order.lines
        ]
        self.subtotal = money(order.subtotal)
        self.discount = f"−{money(order.discount)}" if order.discount > 0 else ""
        self.delivery_fee = "Free" if order.delivery_fee == 0 else money(order.delivery_fee)
        self.total = money(order.total)

    def _refresh(self) -> None:
        order = self._order
        if order is None:
            return
        now = _now()
        steps = orders.timeline(order.ordered_at, order.delivery_minutes, now, order.status)
        current = next((s for s in reversed(steps) if s.state in ("current", "done")), steps[0])
        self.steps = step_views(steps, now)
        self.status = current.key
        left = orders.minutes_left(order.ordered_at, order.delivery_minutes, now)
        if order.status == "cancelled":
            self.eta, self.progress = "Cancelled", 0
        elif current.key == "delivered":
            self.eta, self.progress = "Delivered", 100
        else:
            self.eta = f"Arriving in {left} min" if left > 1 else "Arriving any minute"
            elapsed = (now - order.ordered_at).total_seconds() / 60
            self.progress = max(min(round(100 * elapsed / max(order.delivery_minutes, 1)), 99), 2)

    @rx.event(background=True)
    async def follow(self):
        """Move the timeline on while the visitor watches; stop when delivered or when they leave the page."""
        async with self:
            path = self.router.url.path
            number = self.number
        for _ in range(MAX_TICKS):
            await asyncio.sleep(TICK_SECONDS)
            async with self:
                if self.router.url.path != path or self.number != number:
                    return
                self._refresh()
                if self.status in ("delivered", "cancelled"):
                    return


def _step(step: StepView) -> rx.Component:
    done = step.state == "done"
    current = step.state == "current"
    return rx.hstack(
        rx.vstack(
            rx.center(
                rx.cond(
                    done,
                    rx.icon("check", size=14, color="white", stroke_width=3),
                    rx.box(
                        width="0.5rem",
                        height="0.5rem",
                        border_radius="999px",
                        background=rx.cond(current, "white", "#d9c7ba"),
                    ),
                ),
                width="1.6rem",
                height="1.6rem",
                border_radius="999px",
                background=rx.cond(done | current, BRAND, "#f3e9e1"),
                box_shadow=rx.cond(current, "0 0 0 6px rgba(255,90,31,0.18)", "none"),
            ),
            rx.box(
                width="2px",
                flex="1",
                min_height="1.6rem",
                background=rx.cond(done, BRAND, LINE),
                class_name="timeline-rail",
            ),
            spacing="1",
            align="center",
            height="100%",
        ),
        rx.vstack(
            rx.text(
                step.label,
                size="3",
                weight=rx.cond(current, "bold", "medium"),
                color=rx.cond(done | current, INK, MUTED),
            ),
            rx.text(step.time, size="1", color=MUTED),
            spacing="0",
            padding_bottom="1rem",
        ),
        spacing="3",
        align="stretch",
        class_name="timeline-step",
        custom_attrs={"data-step": step.key, "data-state": step.state},
    )


def _map() -> rx.Component:
    """A drawn street map with the route from the kitchen to the door, and the rider on it."""
    return rx.box(
        rx.box(
            position="absolute",
            inset="0",
            background_image=(
                "linear-gradient(#efe4da 2px, transparent 2px), linear-gradient(90deg, #efe4da 2px, transparent 2px)"
            ),
            background_size="46px 46px",
            background_color="#fbf6f1",
        ),
        rx.box(
            position="absolute",
            left="8%",
            right="8%",
            top="calc(50% - 3px)",
            height="6px",
            border_radius="999px",
            background="repeating-linear-gradient(90deg, #f6c4a8 0 12px, transparent 12px 20px)",
        ),
        rx.box(
            position="absolute",
            left="8%",
            top="calc(50% - 3px)",
            height="6px",
            border_radius="999px",
            width=f"calc(84% * {OrderState.progress} / 100)",
            background=BRAND,
            transition="width 1s ease",
        ),
        rx.center(
            rx.icon("store", size=18, color="white"),
            position="absolute",
            left="calc(8% - 1.1rem)",
            top="calc(50% - 1.1rem)",
            width="2.2rem",
            height="2.2rem",
            border_radius="0.7rem",
            background=INK,
        ),
        rx.center(
            rx.icon("house", size=18, color="white"),
            position="absolute",
            right="calc(8% - 1.1rem)",
            top="calc(50% - 1.1rem)",
            width="2.2rem",
            height="2.2rem",
            border_radius="0.7rem",
            background="#15803d",
        ),
        rx.center(
            rx.icon("bike", size=20, color=BRAND),
            position="absolute",
            left=f"calc(8% + 84% * {OrderState.progress} / 100 - 1.4rem)",
            top="calc(50% - 3.6rem)",
            width="2.8rem",
            height="2.8rem",
            border_radius="999px",
            background="white",
            box_shadow="0 8px 20px rgba(60,30,10,0.2)",
            transition="left 1s ease",
            id="rider",
        ),
        position="relative",
        height="12rem",
        border_radius="1.1rem",
        overflow="hidden",
        border=f"1px solid {LINE}",
        width="100%",
    )


def _line(line: CartLineView) -> rx.Component:
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
        rx.text(line.quantity, " × ", line.name, size="2", flex="1"),
        rx.text(line.amount, size="2", weight="medium"),
        spacing="3",
        align="center",
        width="100%",
    )


def _tracking() -> rx.Component:
    return rx.vstack(
        rx.cond(
            OrderState.just_placed,
            rx.hstack(
                rx.center(
                    rx.icon("circle_check_big", size=22, color="white"),
                    width="2.5rem",
                    height="2.5rem",
                    border_radius="999px",
                    background="#15803d",
                ),
                rx.vstack(
                    rx.text("Thanks! Your order is confirmed.", size="3", weight="bold"),
                    rx.text(OrderState.restaurant_name, " has your order.", size="2", color=MUTED),
                    spacing="0",
                ),
                spacing="3",
                align="center",
                padding="1rem 1.25rem",
                background="#e9f8ee",
                border="1px solid #c6ecd2",
                border_radius="1rem",
                width="100%",
                id="order-confirmed",
            ),
        ),
        rx.hstack(
            rx.vstack(
                rx.text("Order #", OrderState.number, size="2", color=MUTED, id="order-number"),
                rx.heading(OrderState.eta, as_="h1", size="8", weight="bold", letter_spacing="-0.03em", id="order-eta"),
                rx.hstack(
                    rx.text("from", size="3", color=MUTED),
                    rx.link(OrderState.restaurant_name, href=OrderState.restaurant_href, size="3", weight="bold"),
                    spacing="1",
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(
                (OrderState.status != "delivered") & (OrderState.status != "cancelled"),
                rx.badge(
                    rx.box(width="0.5rem", height="0.5rem", border_radius="999px", background="#15803d"),
                    "Live",
                    color_scheme="green",
                    variant="soft",
                    radius="full",
                    size="2",
                ),
            ),
            width="100%",
            align="end",
        ),
        rx.flex(
            rx.vstack(
                _map(),
                rx.box(
                    rx.foreach(OrderState.steps, _step),
                    style={"& .timeline-step:last-child .timeline-rail": {"visibility": "hidden"}},
                    padding="1.25rem 1.25rem 0.25rem",
                    background="white",
                    border=f"1px solid {LINE}",
                    border_radius="1.1rem",
                    width="100%",
                    id="order-timeline",
                ),
                spacing="4",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.heading("Order details", size="4"),
                rx.cond(
                    OrderState.address != "",
                    rx.hstack(
                        rx.icon("map_pin", size=15, color=BRAND),
                        rx.text(OrderState.address, size="2", color=MUTED),
                        spacing="2",
                        align="center",
                    ),
                ),
                rx.vstack(rx.foreach(OrderState.lines, _line), spacing="3", width="100%"),
                rx.divider(),
                money_row("Subtotal", OrderState.subtotal, "order-subtotal"),
                rx.cond(
                    OrderState.discount != "",
                    money_row("Discount", OrderState.discount, "order-discount", color="#15803d"),
                ),
                money_row("Delivery", OrderState.delivery_fee, "order-delivery"),
                rx.divider(),
                money_row("Total", OrderState.total, "order-total", strong=True),
                rx.link(
                    rx.button("Order something else", variant="soft", size="3", radius="full", width="100%"),
                    href=routes.HOME,
                    width="100%",
                ),
                spacing="3",
                padding="1.5rem",
                background="white",
                border=f"1px solid {LINE}",
                border_radius="1.25rem",
                width=rx.breakpoints(initial="100%", lg="24rem"),
                min_width=rx.breakpoints(initial="100%", lg="24rem"),
            ),
            direction=rx.breakpoints(initial="column", lg="row"),
            spacing="6",
            align="start",
            width="100%",
        ),
        spacing="5",
        width="100%",
    )


@shop_page(routes.ORDER, "Your order", on_load=OrderState.load)
def order_page() -> rx.Component:
    """An order's tracking page."""
    return rx.cond(
        OrderState.error != "",
        cards.error_panel(OrderState.error, OrderState.load),
        rx.cond(
            OrderState.loading,
            rx.vstack(rx.skeleton(rx.box(height="12rem", width="100%", border_radius="1.1rem")), width="100%"),
            rx.cond(
                OrderState.missing,
                cards.empty_state(
                    "receipt",
                    "We couldn't find that order",
                    "Orders show up here only in the browser that placed them.",
                    rx.link(rx.button("Back to the shop", size="3", radius="full"), href=routes.HOME),
                    id="order-missing",
                ),
                _tracking(),
            ),
        ),
    )
