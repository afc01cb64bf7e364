"""What the shop's pages render: catalog, cart and order values turned into display-ready rows, on the backend.

Each view is a small frozen dataclass of strings and flags, so the browser formats nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from shop import cart as carts
from shop import catalog, orders
from shop.components import art
from shop.pages import routes


@dataclass(frozen=True)
class RestaurantView:
    """A restaurant card."""

    slug: str = ""
    name: str = ""
    category: str = ""
    cuisine: str = ""
    rating: str = ""
    eta: str = ""
    fee: str = ""
    delivery_fee: str = ""
    price_level: str = ""
    background: str = ""
    icon: str = "utensils"
    href: str = ""


@dataclass(frozen=True)
class DishView:
    """A dish card or menu row."""

    item_id: int = 0
    name: str = ""
    description: str = ""
    price: str = ""
    popular: bool = False
    restaurant_name: str = ""
    restaurant_slug: str = ""
    restaurant_href: str = ""
    background: str = ""
    icon: str = "utensils"
    href: str = ""


@dataclass(frozen=True)
class CategoryView:
    """A category chip."""

    name: str = ""
    count: str = ""
    background: str = ""
    icon: str = "utensils"
    href: str = ""


@dataclass(frozen=True)
class CartLineView:
    """A line of the cart."""

    item_id: int = 0
    name: str = ""
    quantity: int = 0
    unit_price: str = ""
    amount: str = ""
    background: str = ""
    icon: str = "utensils"
    href: str = ""


@dataclass(frozen=True)
class CartView:
    """The cart with its money under the visitor's knobs."""

    count: int = 0
    restaurant_name: str = ""
    restaurant_href: str = ""
    lines: tuple[CartLineView, ...] = ()
    subtotal: str = "$0.00"
    discount: str = ""
    discount_label: str = ""
    delivery_fee: str = ""
    free_delivery: bool = False
    to_free_delivery: str = ""
    progress: int = 0
    total: str = "$0.00"


@dataclass(frozen=True)
class StepView:
    """A step of the order timeline."""

    key: str = ""
    label: str = ""
    time: str = ""
    state: str = ""


def money(amount: float) -> str:
    """Dollars with cents: 1234.5 -> "$1,234.50"."""
    return f"${amount:,.2f}"


def restaurant_view(restaurant: catalog.Restaurant) -> RestaurantView:
    """A restaurant as a card shows it."""
    icon, _, _ = art.category_art(restaurant.category)
    minutes = restaurant.delivery_minutes
    return RestaurantView(
        slug=restaurant.slug,
        name=restaurant.name,
        category=restaurant.category,
        cuisine=restaurant.cuisine,
        rating=f"{restaurant.rating:.1f}",
        eta=f"{max(minutes - 5, 10)}–{minutes + 5} min",
        fee=f"{money(restaurant.delivery_fee)} delivery",
        delivery_fee=money(restaurant.delivery_fee),
        price_level="$" * restaurant.price_level,
        background=art.category_gradient(restaurant.category, angle=120 + 15 * (restaurant.restaurant_id % 4)),
        icon=icon,
        href=routes.restaurant(restaurant.slug),
    )


def dish_view(dish: catalog.Dish) -> DishView:
    """A dish as a card or menu row shows it."""
    return DishView(
        item_id=dish.item_id,
        name=dish.name,
        description=dish.description,
        price=money(dish.price),
        popular=dish.is_popular,
        restaurant_name=dish.restaurant_name,
        restaurant_slug=dish.restaurant_slug,
        restaurant_href=routes.restaurant(dish.restaurant_slug),
        background=art.dish_gradient(dish.category, dish.item_id),
        icon=art.dish_icon(dish.name, dish.category),
        href=routes.item(dish.item_id),
    )


def category_view(category: catalog.Category) -> CategoryView:
    """A category as a chip shows it."""
    icon, _, _ = art.category_art(category.name)
    return CategoryView(
        name=category.name,
        count=f"{category.restaurants} places",
        background=art.category_gradient(category.name),
        icon=icon,
        href=routes.search(category.name),
    )


def cart_view(cart: carts.Cart, discount_pct: int, free_delivery_threshold: float) -> CartView:
    """The cart and its money under the visitor's discount and free-delivery threshold."""
    if cart.is_empty:
        return CartView()
    money_ = carts.totals(cart, discount_pct, free_delivery_threshold)
    category = cart.restaurant_category
    lines = tuple(
        CartLineView(
            item_id=line.item_id,
            name=line.name,
            quantity=line.quantity,
            unit_price=money(line.unit_price),
            amount=money(line.unit_price * line.quantity),
            background=art.dish_gradient(category, line.item_id),
            icon=art.dish_icon(line.name, category),
            href=routes.item(line.item_id),
        )
        for line in cart.lines
    )
    return CartView(
        count=money_.items_count,
        restaurant_name=cart.restaurant_name,
        restaurant_href=routes.restaurant(cart.restaurant_slug),
        lines=lines,
        subtotal=money(money_.subtotal),
        discount=f"−{money(money_.discount)}" if money_.discount > 0 else "",
        discount_label=f"Discount ({discount_pct}% off)",
        delivery_fee="Free" if money_.free_delivery else money(money_.delivery_fee),
        free_delivery=money_.free_delivery,
        to_free_delivery=money(money_.to_free_delivery) if money_.to_free_delivery > 0 else "",
        progress=round(money_.free_delivery_progress * 100),
        total=money(money_.total),
    )


def step_views(steps: list[orders.Step], now: datetime) -> list[StepView]:
    """Timeline steps with when they happened or are expected, relative to ``now`` (so no time zone is guessed)."""
    return [StepView(step.key, step.label, relative(step.at, now), step.state) for step in steps]


def relative(moment: datetime, now: datetime) -> str:
    """A moment as people read it on a timeline: "just now", "12 min ago", "in ~8 min"."""
    minutes = round((moment - now).total_seconds() / 60)
    if minutes == 0:
        return "just now"
    if minutes < 0:
        return f"{-minutes} min ago" if minutes > -90 else f"{-minutes // 60} h ago"
    return f"in ~{minutes} min"
