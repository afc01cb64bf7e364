"""The storefront's shell: header (logo, search, cart), footer, and the ``shop_page`` decorator around ``rx.page``."""

from collections.abc import Callable

import reflex as rx

from shop.components.art import BRAND, CANVAS, INK, LINE, MUTED
from shop.pages import routes
from shop.state import ShopState

MAX_WIDTH = "80rem"
FOOTER_CATEGORIES = ("Pizza", "Burgers", "Sushi", "Noodles", "Korean", "Vegan")


def logo() -> rx.Component:
    """The NovaEats mark and wordmark, linking home."""
    return rx.link(
        rx.hstack(
            rx.center(
                rx.icon("utensils_crossed", size=18, color="white", stroke_width=2.4),
                width="2.1rem",
                height="2.1rem",
                border_radius="0.7rem",
                background=f"linear-gradient(135deg, {BRAND}, #ff9a3d)",
                box_shadow="0 6px 14px rgba(255,90,31,0.35)",
            ),
            rx.text(
                "Nova", rx.text.span("Eats", color=BRAND), size="6", weight="bold", color=INK, letter_spacing="-0.03em"
            ),
            spacing="2",
            align="center",
        ),
        href=routes.HOME,
        underline="none",
        aria_label="NovaEats home",
    )


def _search_box() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.icon("search", size=18, color=MUTED),
            rx.el.input(
                name="q",
                placeholder="Search restaurants or dishes",
                aria_label="Search restaurants or dishes",
                id="shop-search-input",
                auto_complete="off",
                style={
                    "border": "none",
                    "outline": "none",
                    "background": "transparent",
                    "flex": "1",
                    "fontSize": "0.95rem",
                    "color": INK,
                    "minWidth": "0",
                },
            ),
            align="center",
            spacing="2",
            padding_x="1rem",
            height="2.75rem",
            border_radius="999px",
            background="#f6efe9",
            border=f"1px solid {LINE}",
            width="100%",
            _focus_within={
                "border_color": BRAND,
                "background": "white",
                "box_shadow": "0 0 0 3px rgba(255,90,31,0.15)",
            },
        ),
        on_submit=ShopState.search,
        reset_on_submit=False,
        flex="1",
        max_width="36rem",
        margin_right="auto",
    )


def _cart_button() -> rx.Component:
    count = ShopState.cart.count
    return rx.link(
        rx.hstack(
            rx.box(
                rx.icon("shopping_bag", size=20, color="white"),
                rx.cond(
                    count > 0,
                    rx.center(
                        rx.text(count, size="1", weight="bold", color=BRAND),
                        position="absolute",
                        top="-0.55rem",
                        right="-0.7rem",
                        min_width="1.25rem",
                        height="1.25rem",
                        padding_x="0.3rem",
                        border_radius="999px",
                        background="white",
                        border=f"2px solid {BRAND}",
                        id="cart-count",
                    ),
                ),
                position="relative",
                display="flex",
            ),
            rx.text(rx.cond(count > 0, ShopState.cart.subtotal, "Cart"), size="2", weight="bold", color="white"),
            align="center",
            spacing="3",
            padding_x="1.1rem",
            height="2.75rem",
            border_radius="999px",
            background=INK,
            _hover={"background": "#000"},
        ),
        href=routes.CART,
        underline="none",
        aria_label="Cart",
        id="cart-button",
    )


def header() -> rx.Component:
    """Logo, delivery address, search box, the way back to the Lab, and the cart."""
    return rx.box(
        rx.hstack(
            logo(),
            rx.hstack(
                rx.icon("map_pin", size=16, color=BRAND),
                rx.vstack(
                    rx.text("Deliver to", size="1", color=MUTED, line_height="1"),
                    rx.text("Home · Now", size="2", weight="bold", color=INK, line_height="1.2"),
                    spacing="0",
                ),
                align="center",
                spacing="2",
                display=rx.breakpoints(initial="none", md="flex"),
                padding_x="0.75rem",
                border_left=f"1px solid {LINE}",
            ),
            _search_box(),
            rx.link(
                rx.hstack(
                    rx.icon("flask_conical", size=15), rx.text("Back to the Lab", size="2"), spacing="1", align="center"
                ),
                href=routes.LAB,
                color=MUTED,
                underline="none",
                white_space="nowrap",
                _hover={"color": INK},
            ),
            _cart_button(),
            align="center",
            spacing="5",
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding_x="1.5rem",
            height="4.5rem",
        ),
        position="sticky",
        top="0",
        z_index="20",
        background="rgba(255,250,246,0.92)",
        backdrop_filter="saturate(180%) blur(12px)",
        border_bottom=f"1px solid {LINE}",
        width="100%",
    )


def _footer_column(title: str, *links: tuple[str, str]) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", weight="bold", color="white"),
        *[
            rx.link(label, href=href, size="2", color="#c9bdb4", underline="none", _hover={"color": "white"})
            for label, href in links
        ],
        spacing="2",
        align="start",
    )


def footer() -> rx.Component:
    """Brand, browse links and what this shop really is."""
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.hstack(
                        rx.center(
                            rx.icon("utensils_crossed", size=16, color="white"),
                            width="1.9rem",
                            height="1.9rem",
                            border_radius="0.6rem",
                            background=BRAND,
                        ),
                        rx.text("NovaEats", size="5", weight="bold", color="white"),
                        spacing="2",
                        align="center",
                    ),
                    rx.text(
                        "Your neighbourhood's kitchens, delivered hot.", size="2", color="#c9bdb4", max_width="18rem"
                    ),
                    rx.hstack(
                        *[
                            rx.center(
                                rx.icon(name, size=16, color="#c9bdb4"),
                                width="2rem",
                                height="2rem",
                                border_radius="999px",
                                border="1px solid #3a322d",
                            )
                            for name in ("bike", "clock", "shield_check")
                        ],
                        spacing="2",
                    ),
                    spacing="3",
                    align="start",
                ),
                rx.spacer(),
                _footer_column("Discover", *[(c, routes.search(c)) for c in FOOTER_CATEGORIES[:3]]),
                _footer_column("More cuisines", *[(c, routes.search(c)) for c in FOOTER_CATEGORIES[3:]]),
                _footer_column(
                    "Your orders",
                    ("Cart", routes.CART),
                    ("Checkout", routes.CHECKOUT),
                    ("All restaurants", routes.SEARCH),
                ),
                spacing="9",
                align="start",
                width="100%",
                wrap="wrap",
            ),
            rx.divider(color_scheme="gray", opacity="0.2"),
            rx.hstack(
                rx.text(
                    "© NovaEats · a simulated shop inside the NovaRium experimentation lab. "
                    "Orders are recorded for analysis, not cooked.",
                    size="1",
                    color="#9a8d84",
                ),
                rx.spacer(),
                rx.link("The NovaRium Lab", href=routes.LAB, size="1", color="#c9bdb4"),
                width="100%",
                align="center",
            ),
            spacing="6",
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding="3rem 1.5rem 2rem",
        ),
        background=INK,
        width="100%",
        margin_top="4rem",
    )


def _new_cart_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Start a new cart?"),
            rx.alert_dialog.description(ShopState.replace_message, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep my cart", variant="soft", color_scheme="gray", on_click=ShopState.keep_cart)
                ),
                rx.alert_dialog.action(
                    rx.button("Start new cart", on_click=ShopState.confirm_new_cart, id="confirm-new-cart")
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
        open=ShopState.replace_open,
    )


def _notice() -> rx.Component:
    return rx.cond(
        ShopState.notice != "",
        rx.box(
            rx.callout(ShopState.notice, icon="triangle_alert", color_scheme="amber", size="1", id="shop-notice"),
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding="1rem 1.5rem 0",
        ),
    )


def shop_page(route: str, title: str, on_load: rx.event.EventType | None = None) -> Callable:
    """Register a shop page at ``route`` in the storefront shell; ``ShopState.visit`` runs first on load."""
    extra = [] if on_load is None else on_load if isinstance(on_load, list) else [on_load]

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        @rx.page(route=route, title=f"{title} · NovaEats", on_load=[ShopState.visit, *extra])
        def page() -> rx.Component:
            return rx.theme(
                rx.box(
                    header(),
                    _notice(),
                    rx.box(
                        content(),
                        max_width=MAX_WIDTH,
                        margin_x="auto",
                        padding="1.75rem 1.5rem 0",
                        width="100%",
                        min_height="60vh",
                    ),
                    footer(),
                    _new_cart_dialog(),
                    background=CANVAS,
                    color=INK,
                    min_height="100vh",
                    width="100%",
                ),
                appearance="light",
                accent_color="orange",
                gray_color="sand",
                radius="large",
                has_background=False,
            )

        page.__name__ = content.__name__
        return page

    return decorator
