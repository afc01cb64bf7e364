"""Search (/shop/search?q=): restaurants and dishes matching the query; with no query, every restaurant."""

import reflex as rx

from shop import catalog
from shop.components import cards
from shop.components.art import INK, MUTED
from shop.components.layout import shop_page
from shop.components.views import CategoryView, DishView, RestaurantView, category_view, dish_view, restaurant_view
from shop.pages import routes
from shop.state import STORAGE_ERRORS, ShopState, emit, read

ALL_RESTAURANTS = 60


class SearchState(rx.State):
    """The query and what matched it."""

    query: str = ""
    loading: bool = True
    error: str = ""
    restaurants: list[RestaurantView] = []
    dishes: list[DishView] = []
    categories: list[CategoryView] = []
    popular: list[RestaurantView] = []

    @rx.var
    def summary(self) -> str:
        """How many places and dishes matched."""
        places = f"{len(self.restaurants)} restaurant{'' if len(self.restaurants) == 1 else 's'}"
        dishes = f"{len(self.dishes)} dish{'' if len(self.dishes) == 1 else 'es'}"
        return f"{places} and {dishes}"

    @rx.var
    def no_results(self) -> bool:
        """Whether a query matched nothing."""
        return self.query != "" and not self.restaurants and not self.dishes

    @rx.event
    async def load(self):
        """Run the query from the URL and log the search."""
        self.query = " ".join(catalog.query_words(self.router.url.query_parameters.get("q", "")))
        self.loading = True
        self.error = ""
        yield
        try:
            if self.query:
                results = await read(catalog.search, self.query)
                restaurants, dishes = list(results.restaurants), list(results.dishes)
            else:
                restaurants, dishes = await read(catalog.popular_restaurants, ALL_RESTAURANTS), []
            categories = await read(catalog.categories)
            popular = await read(catalog.popular_restaurants, 4) if self.query and not restaurants else []
        except STORAGE_ERRORS as error:
            self.error = f"Search is unavailable right now: {str(error).splitlines()[0]}"
            self.loading = False
            return
        self.restaurants = [restaurant_view(r) for r in restaurants]
        self.dishes = [dish_view(d) for d in dishes]
        self.categories = [category_view(c) for c in categories]
        self.popular = [restaurant_view(r) for r in popular]
        self.loading = False
        yield  # show the page before logging the event
        if self.query:
            shop = await self.get_state(ShopState)
            await emit(
                shop.visitor_id,
                "search",
                props={"query": self.query, "results": len(restaurants) + len(dishes)},
            )


def _heading() -> rx.Component:
    return rx.vstack(
        rx.cond(
            SearchState.query != "",
            rx.heading(
                "Results for “",
                SearchState.query,
                "”",
                size="8",
                weight="bold",
                letter_spacing="-0.03em",
                id="search-heading",
            ),
            rx.heading("All restaurants", size="8", weight="bold", letter_spacing="-0.03em", id="search-heading"),
        ),
        rx.cond(
            SearchState.query != "",
            rx.cond(~SearchState.no_results, rx.text(SearchState.summary, size="3", color=MUTED)),
            rx.text("Every kitchen on NovaEats, the most popular first.", size="3", color=MUTED),
        ),
        spacing="2",
        width="100%",
    )


def _no_results() -> rx.Component:
    return rx.vstack(
        cards.empty_state(
            "search_x",
            rx.text("No matches for “", SearchState.query, "”"),
            "Check the spelling, try a shorter word, or pick a category below.",
            cards.category_pills(SearchState.categories),
            id="search-empty",
        ),
        rx.box(
            cards.section_title("Popular right now"),
            cards.restaurants(SearchState.popular, "search-popular"),
            width="100%",
        ),
        spacing="7",
        width="100%",
    )


def _results() -> rx.Component:
    return rx.vstack(
        rx.cond(SearchState.query == "", cards.category_pills(SearchState.categories)),
        rx.cond(
            SearchState.restaurants.length() > 0,
            rx.box(
                rx.cond(SearchState.query != "", cards.section_title("Restaurants")),
                cards.restaurants(SearchState.restaurants, "search-restaurants"),
                width="100%",
            ),
        ),
        rx.cond(
            SearchState.dishes.length() > 0,
            rx.box(
                cards.section_title("Dishes"),
                rx.grid(
                    rx.foreach(
                        SearchState.dishes,
                        lambda d: rx.vstack(
                            cards.dish_row(d),
                            rx.link(
                                rx.hstack(
                                    rx.icon("store", size=13),
                                    rx.text(d.restaurant_name, size="1"),
                                    spacing="1",
                                    align="center",
                                ),
                                href=d.restaurant_href,
                                color=MUTED,
                                underline="none",
                                padding_left="0.5rem",
                                _hover={"color": INK},
                            ),
                            spacing="1",
                            width="100%",
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", lg="2"),
                    spacing="4",
                    width="100%",
                    id="search-dishes",
                ),
                width="100%",
            ),
        ),
        spacing="7",
        width="100%",
    )


@shop_page(routes.SEARCH, "Search", on_load=SearchState.load)
def search_page() -> rx.Component:
    """Search results, or every restaurant without a query."""
    return rx.vstack(
        _heading(),
        rx.cond(
            SearchState.error != "",
            cards.error_panel(SearchState.error, SearchState.load),
            rx.cond(
                SearchState.loading,
                cards.skeleton_grid(),
                rx.cond(SearchState.no_results, _no_results(), _results()),
            ),
        ),
        spacing="6",
        width="100%",
    )
