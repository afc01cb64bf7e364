"""A dish's page (/shop/item/<id>): a big picture, the description, a quantity and the add-to-cart button."""

import reflex as rx

from shop import catalog
from shop.cart import MAX_QUANTITY
from shop.components import cards
from shop.components.art import BRAND, INK, LINE, MUTED, art_tile
from shop.components.layout import shop_page
from shop.components.views import DishView, RestaurantView, dish_view, money, restaurant_view
from shop.pages import routes
from shop.state import STORAGE_ERRORS, ShopState, emit, read


class ItemState(rx.State):
    """The dish on screen, how many the visitor wants, and more from its kitchen."""

    loading: bool = True
    error: str = ""
    missing: bool = False
    dish: DishView = DishView()
    place: RestaurantView = RestaurantView()
    more: list[DishView] = []
    quantity: int = 1
    unit_price: float = 0.0

    @rx.var
    def add_label(self) -> str:
        """The add button's words, with the amount."""
        return f"Add {self.quantity} to cart · {money(self.unit_price * self.quantity)}"

    @rx.event
    async def load(self):
        """Read the dish named in the URL and log the item view."""
        self.loading, self.error, self.missing, self.quantity = True, "", False, 1
        yield
        raw = str(self.item_id)
        if not raw.isdigit():
            self.loading, self.missing = False, True
            return
        try:
            found = await read(catalog.dish, int(raw))
            restaurant = await read(catalog.restaurant_by_id, found.restaurant_id) if found else None
            menu = await read(catalog.menu, found.restaurant_id) if found else []
        except STORAGE_ERRORS as error:
            self.error = f"This dish could not be loaded: {str(error).splitlines()[0]}"
            self.loading = False
            return
        self.loading = False
        if found is None or restaurant is None:
            self.missing = True
            return
        self.dish = dish_view(found)
        self.place = restaurant_view(restaurant)
        self.unit_price = found.price
        others = [d for d in menu if d.item_id != found.item_id]
        self.more = [dish_view(d) for d in sorted(others, key=lambda d: not d.is_popular)[:4]]
        yield  # show the page before logging the event
        shop = await self.get_state(ShopState)
        await emit(
            shop.visitor_id,
            "item_view",
            value=found.price,
            props={"item_id": found.item_id, "restaurant_id": found.restaurant_id},
        )

    @rx.event
    def more_of_it(self):
        """One more."""
        self.quantity = min(self.quantity + 1, MAX_QUANTITY)

    @rx.event
    def less_of_it(self):
        """One less (never below one)."""
        self.quantity = max(self.quantity - 1, 1)


def _breadcrumbs() -> rx.Component:
    return rx.hstack(
        rx.link("Home", href=routes.HOME, color=MUTED, underline="none"),
        rx.icon("chevron_right", size=14, color=MUTED),
        rx.link(ItemState.place.name, href=ItemState.place.href, color=MUTED, underline="none"),
        rx.icon("chevron_right", size=14, color=MUTED),
        rx.text(ItemState.dish.name, color=INK, weight="medium"),
        spacing="2",
        align="center",
        font_size="0.875rem",
    )


def _buy_box() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(
                ItemState.dish.popular,
                rx.badge(
                    rx.icon("flame", size=13), "Popular", color_scheme="orange", variant="soft", radius="full", size="2"
                ),
            ),
            cards.urgency_badge(),
            spacing="2",
        ),
        rx.heading(ItemState.dish.name, as_="h1", size="8", weight="bold", letter_spacing="-0.03em", id="item-name"),
        rx.link(
            rx.hstack(
                rx.icon("store", size=15),
                rx.text(ItemState.place.name, size="3", weight="medium"),
                cards.rating(ItemState.place.rating),
                spacing="2",
                align="center",
            ),
            href=ItemState.place.href,
            color=INK,
            underline="hover",
        ),
        rx.text(ItemState.dish.description, size="4", color=MUTED, line_height="1.6"),
        rx.text(ItemState.dish.price, size="7", weight="bold", color=INK, id="item-price"),
        rx.hstack(
            rx.hstack(
                rx.icon_button(
                    rx.icon("minus", size=16),
                    on_click=ItemState.less_of_it,
                    variant="soft",
                    color_scheme="gray",
                    radius="full",
                    size="3",
                    aria_label="One less",
                ),
                rx.text(
                    ItemState.quantity,
                    size="4",
                    weight="bold",
                    min_width="2rem",
                    text_align="center",
                    id="item-quantity",
                ),
                rx.icon_button(
                    rx.icon("plus", size=16),
                    on_click=ItemState.more_of_it,
                    variant="soft",
                    radius="full",
                    size="3",
                    aria_label="One more",
                ),
                spacing="2",
                align="center",
                padding="0.3rem",
                border=f"1px solid {LINE}",
                border_radius="999px",
                background="white",
            ),
            rx.button(
                rx.icon("shopping_bag", size=18),
                ItemState.add_label,
                on_click=ShopState.add_item(ItemState.dish.item_id, ItemState.quantity),
                size="4",
                radius="full",
                flex="1",
                id="add-to-cart",
                box_shadow="0 10px 24px rgba(255,90,31,0.3)",
            ),
            spacing="3",
            width="100%",
            align="center",
        ),
        rx.hstack(
            rx.icon("truck", size=16, color=BRAND),
            rx.text(ItemState.place.eta, " · ", ShopState.delivery_text, size="2", color=MUTED),
            spacing="2",
            align="center",
        ),
        spacing="4",
        align="start",
        flex="1",
        min_width="0",
    )


def _item() -> rx.Component:
    return rx.vstack(
        _breadcrumbs(),
        rx.flex(
            art_tile(
                ItemState.dish.background,
                ItemState.dish.icon,
                height="24rem",
                icon_size=110,
                radius="1.75rem",
                width=rx.breakpoints(initial="100%", md="46%"),
                min_width=rx.breakpoints(initial="100%", md="46%"),
            ),
            _buy_box(),
            direction=rx.breakpoints(initial="column", md="row"),
            spacing="8",
            align="center",
            width="100%",
        ),
        rx.cond(
            ItemState.more.length() > 0,
            rx.box(
                rx.heading("More from ", ItemState.place.name, size="6", weight="bold", margin_bottom="1rem"),
                rx.grid(
                    rx.foreach(ItemState.more, cards.dish_card),
                    columns=rx.breakpoints(initial="2", md="4"),
                    spacing="4",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        spacing="7",
        width="100%",
    )


@shop_page(routes.ITEM, "Dish", on_load=ItemState.load)
def item_page() -> rx.Component:
    """A dish."""
    return rx.cond(
        ItemState.error != "",
        cards.error_panel(ItemState.error, ItemState.load),
        rx.cond(
            ItemState.loading,
            rx.hstack(rx.skeleton(rx.box(height="24rem", width="100%", border_radius="1.75rem")), width="100%"),
            rx.cond(
                ItemState.missing,
                cards.empty_state(
                    "utensils",
                    "That dish isn't on the menu",
                    "It may have sold out for good. Here's where the good stuff is.",
                    rx.link(rx.button("Browse restaurants", size="3", radius="full"), href=routes.SEARCH),
                    id="item-missing",
                ),
                _item(),
            ),
        ),
    )
