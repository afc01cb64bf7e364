"""Cart math: lines, subtotal, the discount knob, the delivery fee and the free-delivery threshold."""

import pytest

from shop import cart as carts

RAMEN = {"restaurant_id": 15, "slug": "ramen-ichiban", "name": "Ramen Ichiban", "category": "Noodles",
         "delivery_fee": 2.99}  # fmt: skip
PIZZA = {"restaurant_id": 7, "slug": "slice-of-brooklyn", "name": "Slice of Brooklyn", "delivery_fee": 1.99}
TONKOTSU = {"item_id": 1501, "name": "Tonkotsu Ramen", "price": 16.00}
GYOZA = {"item_id": 1506, "name": "Pork Gyoza (6 pcs)", "price": 7.50}
SLICE = {"item_id": 706, "name": "Cheese Slice", "price": 4.00}


def _cart(*lines: tuple[dict, int]) -> carts.Cart:
    cart = carts.Cart()
    for item, quantity in lines:
        cart = carts.add(cart, RAMEN, item, quantity)
    return cart


def test_subtotal_below_threshold_pays_the_restaurants_fee():
    totals = carts.totals(_cart((TONKOTSU, 1), (GYOZA, 1)), discount_pct=0, free_delivery_threshold=30)
    assert (totals.items_count, totals.subtotal, totals.discount) == (2, 23.50, 0.0)
    assert totals.delivery_fee == 2.99
    assert totals.total == 26.49
    assert not totals.free_delivery
    assert totals.to_free_delivery == 6.50
    assert totals.free_delivery_progress == pytest.approx(23.5 / 30)


def test_subtotal_at_the_threshold_delivers_free():
    cart = _cart((TONKOTSU, 1), (GYOZA, 1))  # 23.50
    totals = carts.totals(cart, discount_pct=0, free_delivery_threshold=23.50)
    assert totals.delivery_fee == 0.0
    assert totals.free_delivery
    assert totals.to_free_delivery == 0.0
    assert totals.free_delivery_progress == 1.0
    assert totals.total == 23.50


def test_threshold_zero_means_always_free():
    totals = carts.totals(_cart((GYOZA, 1)), discount_pct=0, free_delivery_threshold=0)
    assert totals.delivery_fee == 0.0
    assert totals.free_delivery
    assert totals.base_delivery_fee == 2.99


def test_threshold_compares_the_subtotal_before_the_discount():
    cart = _cart((TONKOTSU, 2))  # 32.00, 25% off -> 24.00 paid, still free delivery over 30
    totals = carts.totals(cart, discount_pct=25, free_delivery_threshold=30)
    assert (totals.subtotal, totals.discount, totals.delivery_fee, totals.total) == (32.00, 8.00, 0.0, 24.00)


@pytest.mark.parametrize(
    ("pct", "discount", "total"),
    [(0, 0.0, 26.49), (10, 2.35, 24.14), (15, 3.53, 22.96), (50, 11.75, 14.74)],
)
def test_discount_rounds_half_up_to_the_cent(pct, discount, total):
    totals = carts.totals(_cart((TONKOTSU, 1), (GYOZA, 1)), discount_pct=pct, free_delivery_threshold=100)
    assert totals.discount == discount  # 23.50 * 15% = 3.525 -> 3.53
    assert totals.total == total
    assert totals.total == round(totals.subtotal - totals.discount + totals.delivery_fee, 2)


def test_cents_do_not_drift():
    cart = _cart(({"item_id": 1, "name": "Dime", "price": 0.10}, 3))
    totals = carts.totals(cart, discount_pct=0, free_delivery_threshold=0.30)
    assert totals.subtotal == 0.30  # not 0.30000000000000004
    assert totals.free_delivery


def test_an_empty_cart_costs_nothing():
    totals = carts.totals(carts.Cart(), discount_pct=20, free_delivery_threshold=30)
    assert (totals.items_count, totals.subtotal, totals.delivery_fee, totals.total) == (0, 0.0, 0.0, 0.0)
    assert not totals.free_delivery
    assert totals.to_free_delivery == 0.0


@pytest.mark.parametrize(("pct", "threshold", "field"), [(-1, 30, "discount_pct"), (101, 30, "discount_pct"),
                                                          (0, -5, "free_delivery_threshold")])  # fmt: skip
def test_knobs_out_of_range_name_the_knob(pct, threshold, field):
    with pytest.raises(carts.CartError, match=field):
        carts.totals(_cart((GYOZA, 1)), pct, threshold)


def test_adding_the_same_dish_adds_to_its_line():
    cart = _cart((GYOZA, 1), (GYOZA, 2))
    assert len(cart.lines) == 1
    assert cart.quantity_of(1506) == 3
    assert cart.items_count == 3


def test_quantity_is_capped():
    cart = _cart((GYOZA, carts.MAX_QUANTITY), (GYOZA, 5))
    assert cart.quantity_of(1506) == carts.MAX_QUANTITY


def test_a_dish_from_another_restaurant_starts_a_new_cart():
    cart = carts.add(_cart((TONKOTSU, 2)), PIZZA, SLICE, 1)
    assert cart.restaurant_id == 7
    assert cart.restaurant_name == "Slice of Brooklyn"
    assert cart.delivery_fee == 1.99
    assert [line.item_id for line in cart.lines] == [706]


def test_set_quantity_and_remove():
    cart = _cart((TONKOTSU, 1), (GYOZA, 1))
    cart = carts.set_quantity(cart, 1501, 4)
    assert cart.quantity_of(1501) == 4
    cart = carts.set_quantity(cart, 1501, 0)
    assert [line.item_id for line in cart.lines] == [1506]
    assert carts.remove(cart, 1506) == carts.Cart()


@pytest.mark.parametrize("quantity", [0, -1, carts.MAX_QUANTITY + 1])
def test_add_rejects_a_bad_quantity_naming_the_field(quantity):
    with pytest.raises(carts.CartError, match="quantity: must be from 1"):
        carts.add(carts.Cart(), RAMEN, GYOZA, quantity)


def test_set_quantity_rejects_a_bad_quantity():
    with pytest.raises(carts.CartError, match="quantity"):
        carts.set_quantity(_cart((GYOZA, 1)), 1506, carts.MAX_QUANTITY + 1)


def test_a_cart_round_trips_through_json():
    cart = _cart((TONKOTSU, 2), (GYOZA, 1))
    assert carts.loads(carts.dumps(cart)) == cart
    assert carts.dumps(carts.Cart()) == ""


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"restaurant_id": 1}',
        '{"restaurant_id": 1, "restaurant_slug": "x", "restaurant_name": "X", "delivery_fee": 1, "lines": []}',
        '{"restaurant_id": 1, "restaurant_slug": "x", "restaurant_name": "X", "delivery_fee": 1, '
        '"lines": [{"item_id": 1, "name": "a", "unit_price": 1, "quantity": 999}]}',
        '{"restaurant_id": 1, "restaurant_slug": "x", "restaurant_name": "X", "delivery_fee": 1, '
        '"lines": [{"item_id": 1, "name": "a", "unit_price": -3, "quantity": 1}]}',
    ],
)
def test_an_unreadable_or_edited_cart_is_empty(text):
    assert carts.loads(text) == carts.Cart()
