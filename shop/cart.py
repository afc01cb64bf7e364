"""The cart as pure domain: one restaurant's lines, and the money a visitor pays for them under the shop's knobs.

Money is computed in integer cents and rounded once per step, so what the cart shows, what the order stores and
what the purchase event carries are the same numbers. The discount applies to the subtotal; delivery is free when
the subtotal (before the discount) reaches the free-delivery threshold, and always free when the threshold is 0.
"""

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

MAX_QUANTITY = 20
MAX_LINES = 30


@dataclass(frozen=True)
class CartLine:
    """One dish in the cart."""

    item_id: int
    name: str
    unit_price: float
    quantity: int


@dataclass(frozen=True)
class Cart:
    """What a visitor is about to order, all from one restaurant (an order has exactly one)."""

    restaurant_id: int = 0
    restaurant_slug: str = ""
    restaurant_name: str = ""
    restaurant_category: str = ""
    delivery_fee: float = 0.0
    lines: tuple[CartLine, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the cart holds nothing."""
        return not self.lines

    @property
    def items_count(self) -> int:
        """Units in the cart (two of a dish count twice)."""
        return sum(line.quantity for line in self.lines)

    def quantity_of(self, item_id: int) -> int:
        """How many of ``item_id`` are in the cart."""
        return next((line.quantity for line in self.lines if line.item_id == item_id), 0)


@dataclass(frozen=True)
class Totals:
    """The money of a cart under one config."""

    items_count: int
    subtotal: float
    discount_pct: int
    discount: float
    delivery_fee: float
    base_delivery_fee: float
    free_delivery_threshold: float
    total: float

    @property
    def free_delivery(self) -> bool:
        """Whether this cart delivers free."""
        return self.items_count > 0 and self.delivery_fee == 0

    @property
    def to_free_delivery(self) -> float:
        """Dollars still to add for free delivery (0 when it is already free)."""
        if self.items_count == 0 or self.free_delivery:
            return 0.0
        return _dollars(max(_cents(self.free_delivery_threshold) - _cents(self.subtotal), 0))

    @property
    def free_delivery_progress(self) -> float:
        """The share of the way to free delivery, from 0 to 1."""
        if self.free_delivery_threshold <= 0 or self.free_delivery:
            return 1.0
        return min(self.subtotal / self.free_delivery_threshold, 1.0)


class CartError(ValueError):
    """A cart change that breaks a rule; the message names the field and the rule."""


def add(cart: Cart, restaurant: Mapping[str, Any], item: Mapping[str, Any], quantity: int = 1) -> Cart:
    """The cart with ``quantity`` more of ``item``; a dish from another restaurant starts a new cart.

    Args:
        cart: the current cart.
        restaurant: the dish's restaurant (restaurant_id, slug, name, delivery_fee; category optional).
        item: the dish (item_id, name, price).
        quantity: units to add, at least 1.
    """
    _check_quantity(quantity)
    if cart.restaurant_id != restaurant["restaurant_id"]:
        cart = Cart(
            restaurant_id=int(restaurant["restaurant_id"]),
            restaurant_slug=str(restaurant["slug"]),
            restaurant_name=str(restaurant["name"]),
            restaurant_category=str(restaurant.get("category", "")),
            delivery_fee=float(restaurant["delivery_fee"]),
        )
    item_id = int(item["item_id"])
    current = cart.quantity_of(item_id)
    if current == 0:
        if len(cart.lines) >= MAX_LINES:
            raise CartError(f"lines: a cart holds at most {MAX_LINES} different dishes")
        line = CartLine(item_id, str(item["name"]), float(item["price"]), min(quantity, MAX_QUANTITY))
        return replace(cart, lines=(*cart.lines, line))
    return set_quantity(cart, item_id, min(current + quantity, MAX_QUANTITY))


def set_quantity(cart: Cart, item_id: int, quantity: int) -> Cart:
    """The cart with ``item_id`` at ``quantity`` units; 0 removes the line."""
    if quantity < 0 or quantity > MAX_QUANTITY:
        raise CartError(f"quantity: must be from 0 to {MAX_QUANTITY} (got {quantity})")
    if quantity == 0:
        return remove(cart, item_id)
    lines = tuple(replace(line, quantity=quantity) if line.item_id == item_id else line for line in cart.lines)
    return replace(cart, lines=lines)


def remove(cart: Cart, item_id: int) -> Cart:
    """The cart without ``item_id``; removing the last line empties the cart."""
    lines = tuple(line for line in cart.lines if line.item_id != item_id)
    return replace(cart, lines=lines) if lines else Cart()


def totals(cart: Cart, discount_pct: int, free_delivery_threshold: float) -> Totals:
    """Subtotal, discount, delivery fee and total of ``cart`` under the knobs.

    Args:
        cart: the cart.
        discount_pct: the site-wide discount, 0-100.
        free_delivery_threshold: the subtotal in dollars at which delivery turns free; 0 means always free.
    """
    if not 0 <= discount_pct <= 100:
        raise CartError(f"discount_pct: must be from 0 to 100 (got {discount_pct})")
    if free_delivery_threshold < 0:
        raise CartError(f"free_delivery_threshold: must be 0 or more (got {free_delivery_threshold})")
    subtotal = sum(_cents(line.unit_price) * line.quantity for line in cart.lines)
    discount = (subtotal * discount_pct + 50) // 100  # half-up to the cent
    base_fee = _cents(cart.delivery_fee)
    fee = 0 if cart.is_empty or subtotal >= _cents(free_delivery_threshold) else base_fee
    return Totals(
        items_count=cart.items_count,
        subtotal=_dollars(subtotal),
        discount_pct=discount_pct,
        discount=_dollars(discount),
        delivery_fee=_dollars(fee),
        base_delivery_fee=_dollars(base_fee),
        free_delivery_threshold=float(free_delivery_threshold),
        total=_dollars(subtotal - discount + fee),
    )


def dumps(cart: Cart) -> str:
    """The cart as JSON, as the browser keeps it."""
    return "" if cart.is_empty else json.dumps(asdict(cart), separators=(",", ":"))


def loads(text: str) -> Cart:
    """A cart from ``dumps`` output; anything unreadable (an old or edited copy) gives an empty cart."""
    if not text:
        return Cart()
    try:
        data = json.loads(text)
        lines = tuple(
            CartLine(int(raw["item_id"]), str(raw["name"]), float(raw["unit_price"]), int(raw["quantity"]))
            for raw in data["lines"]
        )
        cart = Cart(
            restaurant_id=int(data["restaurant_id"]),
            restaurant_slug=str(data["restaurant_slug"]),
            restaurant_name=str(data["restaurant_name"]),
            restaurant_category=str(data.get("restaurant_category", "")),
            delivery_fee=float(data["delivery_fee"]),
            lines=lines,
        )
    except (ValueError, TypeError, KeyError):
        return Cart()
    valid = all(1 <= line.quantity <= MAX_QUANTITY and line.unit_price >= 0 for line in lines)
    return cart if valid and lines and len(lines) <= MAX_LINES else Cart()


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartError(f"quantity: must be from 1 to {MAX_QUANTITY} (got {quantity})")


def _cents(dollars: float) -> int:
    return round(dollars * 100)


def _dollars(cents: int) -> float:
    return round(cents / 100, 2)
