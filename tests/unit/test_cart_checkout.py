"""Checkout and after: address validation, the delivery timeline, and what the cart page shows under the knobs."""

from datetime import datetime, timedelta

import pytest

from shop import cart as carts
from shop import orders
from shop.components import art
from shop.components.views import cart_view, relative

GOOD = {
    "full_name": "Alex Morgan",
    "street": "221 Baker Street",
    "unit": "",
    "city": "Springfield",
    "postal_code": "94107",
    "phone": "(555) 012-3456",
    "notes": "",
}
PLACED = datetime(2026, 5, 1, 19, 0, 0)


def test_a_complete_address_passes():
    assert orders.address_problems(GOOD) == {}
    assert orders.address_problems({**GOOD, "postal_code": "94107-1234"}) == {}


def test_missing_fields_are_each_named():
    problems = orders.address_problems({})
    assert set(problems) == {"full_name", "street", "city", "postal_code", "phone"}
    assert problems["postal_code"] == "ZIP code: is required"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postal_code", "12", "ZIP code: must be 5 digits (or ZIP+4)"),
        ("phone", "555", "Phone: must have 10 to 15 digits"),
        ("street", "Baker Street", "Street address: must include a house number and a street name"),
        ("city", "4th", "City: must be 2-60 letters"),
        ("notes", "x" * 201, "Notes for the rider: must be at most 200 characters"),
    ],
)
def test_a_bad_field_is_named_with_its_rule(field, value, message):
    assert orders.address_problems({**GOOD, field: value}) == {field: message}


def _states(minutes: float, delivery_minutes: int = 30) -> list[tuple[str, str]]:
    steps = orders.timeline(PLACED, delivery_minutes, PLACED + timedelta(minutes=minutes))
    return [(step.key, step.state) for step in steps]


def test_a_new_order_is_at_placed():
    assert _states(0) == [
        ("placed", "current"),
        ("confirmed", "upcoming"),
        ("preparing", "upcoming"),
        ("on_the_way", "upcoming"),
        ("delivered", "upcoming"),
    ]


def test_the_timeline_moves_with_the_clock():
    assert _states(5)[2] == ("preparing", "current")  # 15% of 30 min = 4.5 min
    assert _states(20)[3] == ("on_the_way", "current")  # 60% = 18 min
    assert [state for _, state in _states(20)[:3]] == ["done", "done", "done"]
    assert all(state == "done" for _, state in _states(30))
    assert all(state == "done" for _, state in _states(300))


def test_a_clock_behind_the_order_time_stays_at_placed():
    assert _states(-3)[0] == ("placed", "current")


def test_a_cancelled_order_says_so():
    steps = orders.timeline(PLACED, 30, PLACED, status="cancelled")
    assert [step.key for step in steps] == ["placed", "cancelled"]


def test_minutes_left():
    assert orders.minutes_left(PLACED, 30, PLACED) == 30
    assert orders.minutes_left(PLACED, 30, PLACED + timedelta(minutes=12, seconds=30)) == 18
    assert orders.minutes_left(PLACED, 30, PLACED + timedelta(minutes=45)) == 0


def test_relative_times():
    assert relative(PLACED, PLACED) == "just now"
    assert relative(PLACED - timedelta(minutes=7), PLACED) == "7 min ago"
    assert relative(PLACED + timedelta(minutes=8), PLACED) == "in ~8 min"


RAMEN = {"restaurant_id": 15, "slug": "ramen-ichiban", "name": "Ramen Ichiban", "category": "Noodles",
         "delivery_fee": 2.99}  # fmt: skip


def _cart() -> carts.Cart:
    cart = carts.add(carts.Cart(), RAMEN, {"item_id": 1501, "name": "Tonkotsu Ramen", "price": 16.00}, 1)
    return carts.add(cart, RAMEN, {"item_id": 1506, "name": "Pork Gyoza (6 pcs)", "price": 7.50}, 1)


def test_the_cart_view_shows_the_fee_and_the_way_to_free_delivery():
    view = cart_view(_cart(), discount_pct=0, free_delivery_threshold=30)
    assert (view.count, view.subtotal, view.discount, view.delivery_fee, view.total) == (
        2,
        "$23.50",
        "",
        "$2.99",
        "$26.49",
    )
    assert (view.free_delivery, view.to_free_delivery, view.progress) == (False, "$6.50", 78)


def test_the_cart_view_shows_the_discount_and_free_delivery():
    view = cart_view(_cart(), discount_pct=20, free_delivery_threshold=0)
    assert (view.discount, view.discount_label, view.delivery_fee, view.total) == (
        "−$4.70",
        "Discount (20% off)",
        "Free",
        "$18.80",
    )
    assert view.free_delivery
    assert view.to_free_delivery == ""


@pytest.mark.parametrize(
    ("name", "category", "icon"),
    [
        ("Prosciutto e Rucola", "Pizza", "pizza"),  # "cola" inside a word is not a drink
        ("The Classic Red Top", "Pizza", "pizza"),
        ("Fish Cake Soup", "Korean", "soup"),
        ("Cinnamon Roll", "Bakery", "croissant"),
        ("Spicy Tuna Roll", "Sushi", "fish"),
        ("Barley Tea", "Korean", "cup_soda"),
        ("Galbi Plate", "Korean", "beef"),
    ],
)
def test_dish_icons_come_from_whole_words(name, category, icon):
    assert art.dish_icon(name, category) == icon
    assert icon in art.ICONS
