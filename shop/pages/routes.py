"""The shop's routes and their builders, in one place."""

from urllib.parse import quote

HOME = "/shop"
SEARCH = "/shop/search"
CART = "/shop/cart"
CHECKOUT = "/shop/checkout"
RESTAURANT = "/shop/restaurant/[restaurant_slug]"
ITEM = "/shop/item/[item_id]"
ORDER = "/shop/orders/[order_id]"
LAB = "/"


def search(query: str = "") -> str:
    """The search page for ``query``."""
    return f"{SEARCH}?q={quote(query)}" if query else SEARCH


def restaurant(slug: str) -> str:
    """A restaurant's page."""
    return f"/shop/restaurant/{quote(slug)}"


def item(item_id: int) -> str:
    """A dish's page."""
    return f"/shop/item/{item_id}"


def order(order_id: int, placed: bool = False) -> str:
    """An order's tracking page; ``placed`` adds the thank-you note shown right after checkout."""
    return f"/shop/orders/{order_id}" + ("?placed=1" if placed else "")
