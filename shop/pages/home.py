"""The storefront's home: the hero banner (the page that carries the experiments), categories, popular places."""

import reflex as rx

from shop import catalog, tracking
from shop.components import cards
from shop.components.art import INK, LINE, MUTED, art_tile, category_gradient
from shop.components.layout import shop_page
from shop.components.views import CategoryView, DishView, RestaurantView, category_view, dish_view, restaurant_view
from shop.pages import routes
from shop.state import STORAGE_ERRORS, ShopState, assignments, emit, emit_batch, read


class HomeState(rx.State):
    """The home page's lists."""

    loading: bool = True
    error: str = ""
    categories: list[CategoryView] = []
    restaurants: list[RestaurantView] = []
    dishes: list[DishView] = []

    @rx.event
    async def load(self):
        """Read categories, popular restaurants and popular dishes."""
        self.error = ""
        try:
            categories = await read(catalog.categories)
            restaurants = await read(catalog.popular_restaurants, 8)
            dishes = await read(catalog.popular_dishes, 8)
        except STORAGE_ERRORS as error:
            self.error = f"The menu could not be loaded: {str(error).splitlines()[0]}"
            self.loading = False
            return
        self.categories = [category_view(c) for c in categories]
        self.restaurants = [restaurant_view(r) for r in restaurants]
        self.dishes = [dish_view(d) for d in dishes]
        self.loading = False

    @rx.event
    async def banner_seen(self):
        """The banner is on screen: log an exposure for each experiment the visitor is in (repeats are duplicates)."""
        shop = await self.get_state(ShopState)
        if shop.preview:
            return
        events = [
            {
                "event_id": tracking.exposure_event_id(key, shop.visitor_id),
                "user_id": shop.visitor_id,
                "name": "exposure",
                "experiment_key": key,
                "props": {"path": routes.HOME},
            }
            for key, _ in assignments(shop)
        ]
        if events:
            await emit_batch(events)

    @rx.event
    async def banner_click(self):
        """The visitor clicked the hero banner: log it and take them to the popular restaurants (not in a preview)."""
        shop = await self.get_state(ShopState)
        yield rx.scroll_to("popular")
        if shop.preview:
            return
        await emit(shop.visitor_id, "banner_click", props={"headline": shop.banner_headline})


def _sticker() -> rx.Component:
    return rx.cond(
        ShopState.discount_pct > 0,
        rx.center(
            rx.vstack(
                rx.text(ShopState.discount_pct, "%", size="7", weight="bold", line_height="1"),
                rx.text("OFF", size="2", weight="bold", letter_spacing="0.12em"),
                spacing="0",
                align="center",
            ),
            position="absolute",
            top="0.5rem",
            right="1rem",
            width="6rem",
            height="6rem",
            border_radius="50%",
            background="#fff36b",
            color=INK,
            transform="rotate(10deg)",
            box_shadow="0 12px 26px rgba(0,0,0,0.2)",
            border="3px dashed rgba(31,26,23,0.25)",
            id="discount-sticker",
        ),
    )


def _plate(icon_name: str, size: str, top: str, left: str, category: str, delay: str) -> rx.Component:
    return rx.center(
        art_tile(
            category_gradient(category),
            icon_name,
            height=size,
            icon_size=int(float(size[:-3]) * 6.5),
            radius="50%",
            width=size,
        ),
        position="absolute",
        top=top,
        left=left,
        border_radius="50%",
        border="6px solid rgba(255,255,255,0.9)",
        box_shadow="0 18px 40px rgba(0,0,0,0.22)",
        animation=f"novaeats-float 6s ease-in-out {delay} infinite",
    )


def _illustration() -> rx.Component:
    return rx.box(
        rx.box(
            position="absolute",
            width="19rem",
            height="19rem",
            border_radius="50%",
            top="1.5rem",
            left="2.5rem",
            background=ShopState.banner_glow,
            opacity="0.25",
        ),
        _plate("pizza", "9rem", "1rem", "6.5rem", "Pizza", "0s"),
        _plate("soup", "7rem", "9.5rem", "1rem", "Noodles", "1.2s"),
        _plate("hamburger", "6.5rem", "11.5rem", "13.5rem", "Burgers", "2.1s"),
        rx.hstack(
            rx.center(
                rx.icon("bike", size=18, color="white"),
                width="2.2rem",
                height="2.2rem",
                border_radius="0.7rem",
                background=ShopState.banner_accent,
            ),
            rx.vstack(
                rx.text("Rider on the way", size="1", color=MUTED, line_height="1.1"),
                rx.text("Arrives in 18 min", size="2", weight="bold", color=INK, line_height="1.2"),
                spacing="0",
            ),
            spacing="2",
            align="center",
            position="absolute",
            bottom="0.5rem",
            left="0",
            padding="0.6rem 0.9rem 0.6rem 0.6rem",
            background="white",
            border_radius="1rem",
            box_shadow="0 14px 30px rgba(0,0,0,0.18)",
        ),
        _sticker(),
        position="relative",
        width="22rem",
        min_width="22rem",
        height="19rem",
        display=rx.breakpoints(initial="none", md="block"),
    )


def hero() -> rx.Component:
    """The hero banner, drawn from the knobs: headline, colour, urgency badge, discount and free delivery."""
    return rx.box(
        rx.box(
            position="absolute",
            width="26rem",
            height="26rem",
            border_radius="50%",
            right="-6rem",
            top="-10rem",
            background="rgba(255,255,255,0.08)",
        ),
        rx.box(
            position="absolute",
            width="14rem",
            height="14rem",
            border_radius="50%",
            left="38%",
            bottom="-8rem",
            background="rgba(255,255,255,0.07)",
        ),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    cards.urgency_badge(size="3"),
                    rx.cond(
                        ShopState.offer_text != "",
                        rx.badge(
                            rx.icon("badge_percent", size=14),
                            ShopState.offer_text,
                            size="3",
                            radius="full",
                            variant="solid",
                            color_scheme="gray",
                            high_contrast=True,
                            id="offer-badge",
                        ),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.heading(
                    ShopState.banner_headline,
                    as_="h1",
                    size="9",
                    weight="bold",
                    color="white",
                    letter_spacing="-0.035em",
                    line_height="1.05",
                    id="banner-headline",
                ),
                rx.text(
                    "Thirty local kitchens, from wood-fired pizza to hand-pulled noodles, at your door in minutes.",
                    size="4",
                    color="rgba(255,255,255,0.92)",
                    max_width="32rem",
                ),
                rx.hstack(
                    rx.button(
                        "Order now",
                        rx.icon("arrow_right", size=18),
                        size="4",
                        radius="full",
                        background="white",
                        color=ShopState.banner_accent,
                        font_weight="700",
                        box_shadow="0 10px 24px rgba(0,0,0,0.18)",
                        _hover={"background": "#fff6ef"},
                        id="banner-cta",
                    ),
                    rx.hstack(
                        rx.icon("truck", size=18, color="white"),
                        rx.text(ShopState.delivery_text, size="3", weight="medium", color="white"),
                        spacing="2",
                        align="center",
                        padding="0.55rem 1rem",
                        border_radius="999px",
                        border="1px solid rgba(255,255,255,0.45)",
                        id="delivery-offer",
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                    padding_top="0.5rem",
                ),
                spacing="4",
                align="start",
                flex="1",
                z_index="1",
            ),
            _illustration(),
            align="center",
            spacing="6",
            width="100%",
        ),
        on_mount=HomeState.banner_seen,
        on_click=HomeState.banner_click,
        cursor="pointer",
        position="relative",
        overflow="hidden",
        padding=rx.breakpoints(initial="2rem", md="3rem 3.5rem"),
        border_radius="1.75rem",
        background=ShopState.banner_background,
        box_shadow="0 24px 50px rgba(60,30,10,0.16)",
        width="100%",
        id="shop-banner",
        custom_attrs={"data-banner-color": ShopState.banner_color, "data-urgency": ShopState.urgency_badge},
    )


def _perks() -> rx.Component:
    perks = (
        ("timer", "Fast delivery", "Most orders arrive in under 35 minutes."),
        ("shield_check", "Packed with care", "Sealed bags and insulated boxes, every time."),
        ("heart", "Local favourites", "Family kitchens and neighbourhood legends."),
    )
    return rx.grid(
        *[
            rx.hstack(
                rx.center(
                    rx.icon(name, size=20, color="#e2480f"),
                    width="2.75rem",
                    height="2.75rem",
                    min_width="2.75rem",
                    border_radius="0.9rem",
                    background="#ffe8dc",
                ),
                rx.vstack(rx.text(title, size="3", weight="bold"), rx.text(body, size="2", color=MUTED), spacing="0"),
                spacing="3",
                align="center",
                padding="1rem 1.25rem",
                background="white",
                border=f"1px solid {LINE}",
                border_radius="1rem",
            )
            for name, title, body in perks
        ],
        columns=rx.breakpoints(initial="1", md="3"),
        spacing="4",
        width="100%",
    )


def _loaded() -> rx.Component:
    return rx.vstack(
        rx.box(
            cards.section_title("What are you craving?"),
            rx.grid(
                rx.foreach(HomeState.categories, cards.category_chip),
                columns=rx.breakpoints(initial="4", sm="6", lg="12"),
                spacing="4",
                width="100%",
                id="categories",
            ),
            width="100%",
        ),
        rx.box(
            cards.section_title(
                "Popular near you",
                "The places your neighbours order from most",
                rx.link(
                    rx.hstack(
                        rx.text("See all", size="2", weight="bold"),
                        rx.icon("arrow_right", size=16),
                        spacing="1",
                        align="center",
                    ),
                    href=routes.SEARCH,
                    underline="none",
                ),
            ),
            cards.restaurants(HomeState.restaurants, "popular-restaurants"),
            width="100%",
            id="popular",
            scroll_margin_top="6rem",
        ),
        rx.box(
            cards.section_title("Crowd favourites", "Dishes people keep coming back for"),
            cards.dishes(HomeState.dishes, "popular-dishes"),
            width="100%",
        ),
        _perks(),
        spacing="8",
        width="100%",
    )


@shop_page(routes.HOME, "Food delivery", on_load=HomeState.load)
def shop_home() -> rx.Component:
    """The storefront."""
    return rx.vstack(
        rx.el.style(
            "@keyframes novaeats-float { 0%, 100% { transform: translateY(0) } 50% { transform: translateY(-8px) } }"
        ),
        rx.cond(ShopState.ready, hero(), rx.skeleton(rx.box(height="22rem", border_radius="1.75rem"), width="100%")),
        rx.cond(
            HomeState.error != "",
            cards.error_panel(HomeState.error, HomeState.load),
            rx.cond(HomeState.loading, cards.skeleton_grid(), _loaded()),
        ),
        spacing="8",
        width="100%",
    )
