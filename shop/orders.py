"""Placing an order (the order and its lines in one transaction, then the purchase event) and reading it back.

Prices come from the menu in storage, never from the browser's copy of the cart, and the money is computed by
``shop.cart.totals`` under the visitor's knobs, so the order, the cart page and the purchase event agree.
"""

import logging
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marts.storage import Store
from shop import cart as carts
from shop import tracking

log = logging.getLogger("novarium.shop")

ORDER_ID_MIN = 10**9  # shop orders get 10-digit ids, far above the warehouse's 1..n
_ID_ATTEMPTS = 3


class OrderError(ValueError):
    """An order that cannot be placed; the message names the field and the rule."""


@dataclass(frozen=True)
class OrderLine:
    """One line of a placed order."""

    line_no: int
    item_id: int
    name: str
    quantity: int
    unit_price: float

    @property
    def amount(self) -> float:
        """The line's price times its quantity."""
        return round(self.unit_price * self.quantity, 2)


@dataclass(frozen=True)
class Order:
    """An order as stored, with its restaurant and lines."""

    order_id: int
    user_id: str
    restaurant_id: int
    restaurant_name: str
    restaurant_slug: str
    restaurant_category: str
    delivery_minutes: int
    ordered_at: datetime
    items_count: int
    subtotal: float
    discount: float
    delivery_fee: float
    total: float
    status: str
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class Step:
    """One step of an order's delivery timeline."""

    key: str
    label: str
    at: datetime
    state: str  # done, current or upcoming


def place_order(
    store: Store, user_id: str, cart: carts.Cart, config: Mapping[str, Any], now: datetime | None = None
) -> Order:
    """Write the order and its lines atomically, then emit the purchase event; returns the stored order.

    Args:
        store: the open Store.
        user_id: the visitor placing the order.
        cart: what they ordered (names and prices are re-read from the menu).
        config: the visitor's resolved knobs (discount_pct, free_delivery_threshold).
        now: the order time (naive UTC); defaults to the current time.

    Raises:
        OrderError: the user id is missing, the cart is empty or holds a dish the restaurant does not sell.
    """
    if not user_id:
        raise OrderError("user_id: is required")
    if cart.is_empty:
        raise OrderError("cart: must hold at least one dish")
    priced, restaurant = _priced(store, cart)
    money = carts.totals(priced, int(config["discount_pct"]), float(config["free_delivery_threshold"]))
    ordered_at = (now or datetime.now(UTC)).replace(tzinfo=None, microsecond=0)
    lines = tuple(
        OrderLine(n, line.item_id, line.name, line.quantity, line.unit_price) for n, line in enumerate(priced.lines, 1)
    )
    order = Order(
        order_id=0,
        user_id=user_id,
        restaurant_id=priced.restaurant_id,
        restaurant_name=priced.restaurant_name,
        restaurant_slug=priced.restaurant_slug,
        restaurant_category=restaurant["category"],
        delivery_minutes=int(restaurant["delivery_minutes"]),
        ordered_at=ordered_at,
        items_count=money.items_count,
        subtotal=money.subtotal,
        discount=money.discount,
        delivery_fee=money.delivery_fee,
        total=money.total,
        status="placed",
        lines=lines,
    )
    order = _insert(store, order)
    _emit_purchase(store, order)
    return order


def _priced(store: Store, cart: carts.Cart) -> tuple[carts.Cart, dict[str, Any]]:
    """The cart with the menu's current names and prices and the restaurant's current fee."""
    rows = store.query(
        "SELECT restaurant_id, slug, name, category, delivery_fee, delivery_minutes FROM restaurants "
        "WHERE restaurant_id = :id",
        {"id": cart.restaurant_id},
    )
    if not rows:
        raise OrderError(f"restaurant_id: no restaurant {cart.restaurant_id}")
    restaurant = rows[0]
    menu = {
        int(row["item_id"]): row
        for row in store.query(
            "SELECT item_id, name, price FROM menu_items WHERE restaurant_id = :id", {"id": cart.restaurant_id}
        )
    }
    lines = []
    for index, line in enumerate(cart.lines):
        dish = menu.get(line.item_id)
        if dish is None:
            raise OrderError(f"lines[{index}].item_id: dish {line.item_id} is not on {restaurant['name']}'s menu")
        lines.append(replace(line, name=dish["name"], unit_price=float(dish["price"])))
    priced = replace(
        cart,
        restaurant_slug=restaurant["slug"],
        restaurant_name=restaurant["name"],
        restaurant_category=restaurant["category"],
        delivery_fee=float(restaurant["delivery_fee"]),
        lines=tuple(lines),
    )
    return priced, restaurant


def _insert(store: Store, order: Order) -> Order:
    """Insert the order and its lines in one transaction under a fresh random id (retried on a clash)."""
    for attempt in range(_ID_ATTEMPTS):
        order = replace(order, order_id=new_order_id())
        try:
            with store.transaction() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO orders (order_id, user_id, session_id, restaurant_id, ordered_at, items_count, "
                        "subtotal, discount, delivery_fee, total, status) VALUES (:order_id, :user_id, NULL, "
                        ":restaurant_id, :ordered_at, :items_count, :subtotal, :discount, :delivery_fee, :total, "
                        ":status)"
                    ),
                    {
                        "order_id": order.order_id,
                        "user_id": order.user_id,
                        "restaurant_id": order.restaurant_id,
                        "ordered_at": order.ordered_at,
                        "items_count": order.items_count,
                        "subtotal": order.subtotal,
                        "discount": order.discount,
                        "delivery_fee": order.delivery_fee,
                        "total": order.total,
                        "status": order.status,
                    },
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO order_items (order_id, line_no, item_id, quantity, unit_price) "
                        "VALUES (:order_id, :line_no, :item_id, :quantity, :unit_price)"
                    ),
                    [
                        {
                            "order_id": order.order_id,
                            "line_no": line.line_no,
                            "item_id": line.item_id,
                            "quantity": line.quantity,
                            "unit_price": line.unit_price,
                        }
                        for line in order.lines
                    ],
                )
            return order
        except sa.exc.IntegrityError:
            if attempt == _ID_ATTEMPTS - 1:
                raise
            log.warning("order id %s already taken; drawing another", order.order_id)
    raise AssertionError("unreachable")


def _emit_purchase(store: Store, order: Order) -> None:
    """The purchase event, through the tracking service; its id makes a repeat a duplicate."""
    event = {
        "event_id": f"purchase:{order.order_id}",
        "user_id": order.user_id,
        "name": "purchase",
        "value": order.total,
        "props": {
            "order_id": order.order_id,
            "restaurant_id": order.restaurant_id,
            "items_count": order.items_count,
            "subtotal": order.subtotal,
            "discount": order.discount,
            "delivery_fee": order.delivery_fee,
        },
    }
    result = tracking.ingest(store, [event])
    if result.rejected:
        log.error("purchase event of order %s rejected: %s", order.order_id, result.rejected)


def new_order_id() -> int:
    """A random 10-digit order id."""
    return ORDER_ID_MIN + secrets.randbelow(9 * ORDER_ID_MIN)


def find_order(store: Store, order_id: int, user_id: str) -> Order | None:
    """The order ``order_id`` if it belongs to ``user_id`` (a visitor sees only their own orders), else None."""
    rows = store.query(
        "SELECT o.order_id, o.user_id, o.restaurant_id, r.name AS restaurant_name, r.slug AS restaurant_slug, "
        "r.category AS restaurant_category, r.delivery_minutes, o.ordered_at, o.items_count, o.subtotal, o.discount, "
        "o.delivery_fee, o.total, o.status "
        "FROM orders o JOIN restaurants r ON r.restaurant_id = o.restaurant_id "
        "WHERE o.order_id = :order_id AND o.user_id = :user_id",
        {"order_id": order_id, "user_id": user_id},
    )
    if not rows:
        return None
    row = rows[0]
    lines = store.query(
        "SELECT i.line_no, i.item_id, COALESCE(m.name, 'Item ' || CAST(i.item_id AS VARCHAR)) AS name, i.quantity, "
        "i.unit_price FROM order_items i LEFT JOIN menu_items m ON m.item_id = i.item_id "
        "WHERE i.order_id = :order_id ORDER BY i.line_no",
        {"order_id": order_id},
    )
    return Order(
        order_id=int(row["order_id"]),
        user_id=row["user_id"],
        restaurant_id=int(row["restaurant_id"]),
        restaurant_name=row["restaurant_name"],
        restaurant_slug=row["restaurant_slug"],
        restaurant_category=row["restaurant_category"],
        delivery_minutes=int(row["delivery_minutes"]),
        ordered_at=row["ordered_at"],
        items_count=int(row["items_count"]),
        subtotal=float(row["subtotal"]),
        discount=float(row["discount"]),
        delivery_fee=float(row["delivery_fee"]),
        total=float(row["total"]),
        status=row["status"],
        lines=tuple(
            OrderLine(int(r["line_no"]), int(r["item_id"]), r["name"], int(r["quantity"]), float(r["unit_price"]))
            for r in lines
        ),
    )


_STEPS = (
    ("placed", "Order placed", 0.0),
    ("confirmed", "Restaurant confirmed", 0.05),
    ("preparing", "Preparing your food", 0.15),
    ("on_the_way", "Out for delivery", 0.6),
    ("delivered", "Delivered", 1.0),
)


def timeline(ordered_at: datetime, delivery_minutes: int, now: datetime, status: str = "placed") -> list[Step]:
    """The delivery steps of an order and which one it is at, derived from the time elapsed since it was placed.

    A cancelled order has two steps, placed and cancelled. Times are naive UTC.
    """
    if status == "cancelled":
        return [Step("placed", "Order placed", ordered_at, "done"), Step("cancelled", "Cancelled", ordered_at, "done")]
    at = [(key, label, ordered_at + timedelta(minutes=share * delivery_minutes)) for key, label, share in _STEPS]
    current = max(sum(1 for _, _, when in at if when <= now) - 1, 0)
    delivered = current == len(at) - 1
    return [
        Step(
            key, label, when, "done" if index < current or delivered else "current" if index == current else "upcoming"
        )
        for index, (key, label, when) in enumerate(at)
    ]


def minutes_left(ordered_at: datetime, delivery_minutes: int, now: datetime) -> int:
    """Whole minutes until the expected delivery (0 once it is due)."""
    remaining = delivery_minutes - (now - ordered_at).total_seconds() / 60
    return max(math.ceil(remaining), 0)


ADDRESS_FIELDS: dict[str, str] = {
    "full_name": "Full name",
    "street": "Street address",
    "unit": "Apartment, suite",
    "city": "City",
    "postal_code": "ZIP code",
    "phone": "Phone",
    "notes": "Notes for the rider",
}
_REQUIRED = ("full_name", "street", "city", "postal_code", "phone")


def address_problems(fields: Mapping[str, str]) -> dict[str, str]:
    """Every delivery-address field that breaks its rule, as {field: message naming the field and the rule}."""
    value = {key: (fields.get(key) or "").strip() for key in ADDRESS_FIELDS}
    problems: dict[str, str] = {}
    for key in _REQUIRED:
        if not value[key]:
            problems[key] = f"{ADDRESS_FIELDS[key]}: is required"
    if value["full_name"] and len(value["full_name"]) < 2:
        problems["full_name"] = "Full name: must have at least 2 characters"
    if value["street"] and not (re.search(r"\d", value["street"]) and re.search(r"[A-Za-z]", value["street"])):
        problems["street"] = "Street address: must include a house number and a street name"
    if value["city"] and not re.fullmatch(r"[A-Za-z][A-Za-z .'-]{1,59}", value["city"]):
        problems["city"] = "City: must be 2-60 letters"
    if value["postal_code"] and not re.fullmatch(r"\d{5}(-\d{4})?", value["postal_code"]):
        problems["postal_code"] = "ZIP code: must be 5 digits (or ZIP+4)"
    digits = re.sub(r"\D", "", value["phone"])
    if value["phone"] and not 10 <= len(digits) <= 15:
        problems["phone"] = "Phone: must have 10 to 15 digits"
    for key, limit in (("full_name", 80), ("street", 120), ("unit", 40), ("notes", 200)):
        if len(value[key]) > limit:
            problems[key] = f"{ADDRESS_FIELDS[key]}: must be at most {limit} characters"
    return problems
