"""A restaurant's page (/shop/restaurant/<slug>): its cover, popular dishes, the full menu, and the cart beside it."""

import reflex as rx

from shop import catalog
from shop.components import cards
from shop.components.art import BRAND, INK, LINE, MUTED, art_tile
from shop.components.layout import shop_page
from shop.components.order_summary import cart_panel
from shop.components.views import DishView, RestaurantView, dish_view, restaurant_view
from shop.pages import routes
from shop.state import STORAGE_ERRORS, ShopState, emit, read


class RestaurantState(rx.State):
    """The restaurant on screen and its menu."""

    loading: bool = True
    error: str = ""
    missing: bool = False
    place: RestaurantView = RestaurantView()
    popular: list[DishView] = []
    menu: list[DishView] = []

    @rx.event
    async def load(self):
        """Read the restaurant named in the URL and its menu."""
        slug = self.restaurant_slug
        self.loading, self.error, self.missing = True, "", False
        yield
        try:
            found = await read(catalog.restaurant, slug)
            dishes = await read(catalog.menu, found.restaurant_id) if found else []
        except STORAGE_ERRORS as error:
            self.error = f"This restaurant could not be loaded: {str(error).splitlines()[0]}"
            self.loading = False
            return
        self.loading = False
        if found is None:
            self.missing = True
            return
        self.place = restaurant_view(found)
        self.menu = [dish_view(d) for d in dishes]
        self.popular = [dish_view(d) for d in dishes if d.is_popular][:3]
        yield  # show the page before logging the event
        shop = await self.get_state(ShopState)
        await emit(shop.visitor_id, "item_view", props={"restaurant_id": found.restaurant_id, "slug": found.slug})


def _fact(icon_name: str, *children: rx.Component | str | rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon(icon_name, size=16, color=BRAND),
        rx.text(*children, size="2", weight="medium", color=INK),
        spacing="2",
        align="center",
        padding="0.45rem 0.85rem",
        background="white",
        border=f"1px solid {LINE}",
        border_radius="999px",
    )


def _cover() -> rx.Component:
    place = RestaurantState.place
    return rx.hstack(
        art_tile(
            place.background,
            place.icon,
            height="11rem",
            icon_size=60,
            radius="1.4rem",
            width="15rem",
            min_width="15rem",
            display=rx.breakpoints(initial="none", sm="block"),
        ),
        rx.vstack(
            rx.link(
                rx.hstack(
                    rx.icon("arrow_left", size=15), rx.text("All restaurants", size="2"), spacing="1", align="center"
                ),
                href=routes.SEARCH,
                color=MUTED,
                underline="none",
            ),
            rx.heading(place.name, as_="h1", size="8", weight="bold", letter_spacing="-0.03em", id="restaurant-name"),
            rx.text(place.cuisine, " · ", place.category, " · ", place.price_level, size="3", color=MUTED),
            rx.hstack(
                rx.cond(ShopState.show_ratings, _fact("star", place.rating, " rating"), rx.fragment()),
                _fact("clock", place.eta),
                rx.cond(ShopState.free_delivery_always, rx.fragment(), _fact("bike", place.fee)),
                _fact("truck", ShopState.delivery_text),
                rx.cond(ShopState.offer_text != "", _fact("badge_percent", ShopState.offer_text)),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            align="start",
        ),
        spacing="6",
        align="center",
        width="100%",
    )


def _menu() -> rx.Component:
    return rx.vstack(
        rx.cond(
            RestaurantState.popular.length() > 0,
            rx.box(
                rx.hstack(cards.section_title("Popular here"), cards.urgency_badge(size="1"), align="start"),
                rx.grid(
                    rx.foreach(RestaurantState.popular, cards.dish_card),
                    columns=rx.breakpoints(initial="2", md="3"),
                    spacing="4",
                    width="100%",
                ),
                width="100%",
            ),
        ),
        rx.box(
            cards.section_title("Menu"),
            rx.vstack(rx.foreach(RestaurantState.menu, cards.dish_row), spacing="3", width="100%", id="menu"),
            width="100%",
        ),
        spacing="7",
        flex="1",
        min_width="0",
    )


def _missing() -> rx.Component:
    return cards.empty_state(
        "store",
        "We couldn't find that restaurant",
        "It may have moved or closed. Plenty of other kitchens are open right now.",
        rx.link(rx.button("Browse restaurants", size="3", radius="full"), href=routes.SEARCH),
        id="restaurant-missing",
    )


@shop_page(routes.RESTAURANT, "Restaurant", on_load=RestaurantState.load)
def restaurant_page() -> rx.Component:
    """A restaurant and its menu."""
    return rx.cond(
        RestaurantState.error != "",
        cards.error_panel(RestaurantState.error, RestaurantState.load),
        rx.cond(
            RestaurantState.loading,
            rx.vstack(
                rx.skeleton(rx.box(height="11rem", width="100%", border_radius="1.4rem")),
                cards.skeleton_grid(6, "7rem"),
                spacing="6",
                width="100%",
            ),
            rx.cond(
                RestaurantState.missing,
                _missing(),
                rx.vstack(
                    _cover(),
                    rx.hstack(
                        _menu(),
                        rx.box(
                            cart_panel(),
                            width="22rem",
                            min_width="22rem",
                            position="sticky",
                            top="6rem",
                            display=rx.breakpoints(initial="none", lg="block"),
                        ),
                        spacing="7",
                        align="start",
                        width="100%",
                    ),
                    spacing="7",
                    width="100%",
                ),
            ),
        ),
    )
