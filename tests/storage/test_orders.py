"""Placing orders on DuckDB and on PostgreSQL: the order and its lines together, consistent totals, the purchase."""

import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from marts.warehouse.catalog import menu_items_frame, restaurants_frame
from shop import cart as carts
from shop import knobs, orders

RAMEN = {"restaurant_id": 15, "slug": "ramen-ichiban", "name": "Ramen Ichiban", "category": "Noodles",
         "delivery_fee": 2.99}  # fmt: skip
NOW = datetime(2026, 5, 1, 19, 0, 0)


@pytest.fixture
def shop_store(store):
    store.bulk_insert("restaurants", restaurants_frame())
    store.bulk_insert("menu_items", menu_items_frame())
    return store


def _cart(*lines: tuple[int, str, float, int]) -> carts.Cart:
    cart = carts.Cart()
    for item_id, name, price, quantity in lines:
        cart = carts.add(cart, RAMEN, {"item_id": item_id, "name": name, "price": price}, quantity)
    return cart


CART = _cart((1501, "Tonkotsu Ramen", 16.00, 2), (1506, "Pork Gyoza (6 pcs)", 7.50, 1))


def _config(**knobs_set) -> dict:
    return knobs.resolve(knobs_set)


def test_an_order_and_its_lines_are_stored_with_consistent_totals(shop_store):
    order = orders.place_order(shop_store, "v-alice", CART, _config(discount_pct=10), now=NOW)
    row = shop_store.query("SELECT * FROM orders WHERE order_id = :id", {"id": order.order_id})[0]
    assert row["user_id"] == "v-alice"
    assert row["session_id"] is None
    assert row["restaurant_id"] == 15
    assert row["status"] == "placed"
    assert row["ordered_at"] == NOW
    # 2 x 16.00 + 7.50 = 39.50; 10% off = 3.95; over the $30 threshold, so delivery is free
    assert (row["items_count"], row["subtotal"], row["discount"], row["delivery_fee"], row["total"]) == (
        3,
        39.50,
        3.95,
        0.0,
        35.55,
    )
    lines = shop_store.query(
        "SELECT line_no, item_id, quantity, unit_price FROM order_items WHERE order_id = :id ORDER BY line_no",
        {"id": order.order_id},
    )
    assert [(r["line_no"], r["item_id"], r["quantity"], r["unit_price"]) for r in lines] == [
        (1, 1501, 2, 16.0),
        (2, 1506, 1, 7.5),
    ]
    assert sum(r["quantity"] * r["unit_price"] for r in lines) == pytest.approx(row["subtotal"])
    assert row["total"] == pytest.approx(row["subtotal"] - row["discount"] + row["delivery_fee"])
    assert order.order_id >= orders.ORDER_ID_MIN


def test_below_the_threshold_the_restaurants_fee_is_charged(shop_store):
    small = _cart((1506, "Pork Gyoza (6 pcs)", 7.50, 1))
    order = orders.place_order(shop_store, "v-bob", small, _config(free_delivery_threshold=30), now=NOW)
    assert (order.subtotal, order.delivery_fee, order.total) == (7.50, 2.99, 10.49)


def test_the_purchase_event_carries_the_order_total(shop_store):
    order = orders.place_order(shop_store, "v-alice", CART, _config(), now=NOW)
    events = shop_store.query("SELECT * FROM events WHERE user_id = 'v-alice'")
    assert len(events) == 1
    event = events[0]
    assert (event["event_id"], event["name"], event["value"]) == (f"purchase:{order.order_id}", "purchase", order.total)
    assert event["experiment_key"] is None
    assert json.loads(event["props"])["order_id"] == order.order_id


def test_prices_come_from_the_menu_not_the_browser(shop_store):
    tampered = _cart((1501, "Free Ramen", 0.01, 1))
    order = orders.place_order(shop_store, "v-eve", tampered, _config(), now=NOW)
    assert order.subtotal == 16.00
    assert order.lines[0].name == "Tonkotsu Ramen"
    stored = shop_store.scalar("SELECT unit_price FROM order_items WHERE order_id = :id", {"id": order.order_id})
    assert stored == 16.00


def test_a_dish_the_restaurant_does_not_sell_is_refused_and_nothing_is_written(shop_store):
    wrong = _cart((1501, "Tonkotsu Ramen", 16.00, 1), (701, "Cheese Pie (18 in)", 20.00, 1))
    with pytest.raises(orders.OrderError, match=r"lines\[1\]\.item_id: dish 701 is not on Ramen Ichiban's menu"):
        orders.place_order(shop_store, "v-eve", wrong, _config(), now=NOW)
    assert shop_store.row_count("orders") == 0
    assert shop_store.row_count("order_items") == 0
    assert shop_store.row_count("events") == 0


@pytest.mark.parametrize(("user_id", "cart", "field"), [("", CART, "user_id"), ("v-x", carts.Cart(), "cart")])
def test_missing_inputs_name_the_field(shop_store, user_id, cart, field):
    with pytest.raises(orders.OrderError, match=f"^{field}:"):
        orders.place_order(shop_store, user_id, cart, _config(), now=NOW)


def test_the_order_and_its_lines_commit_together(shop_store, monkeypatch):
    # A stray line under the id the order will get makes the lines' insert fail after the order's insert.
    shop_store.execute(
        "INSERT INTO order_items (order_id, line_no, item_id, quantity, unit_price) VALUES (4242424242, 1, 1501, 1, 1)"
    )
    monkeypatch.setattr(orders, "new_order_id", lambda: 4242424242)
    with pytest.raises(sa.exc.IntegrityError):
        orders.place_order(shop_store, "v-alice", CART, _config(), now=NOW)
    assert shop_store.row_count("orders") == 0
    assert shop_store.row_count("order_items") == 1  # only the stray line
    assert shop_store.row_count("events") == 0


def test_an_id_clash_draws_another_id(shop_store, monkeypatch):
    first = orders.place_order(shop_store, "v-alice", CART, _config(), now=NOW)
    ids = iter([first.order_id, first.order_id + 1])
    monkeypatch.setattr(orders, "new_order_id", lambda: next(ids))
    second = orders.place_order(shop_store, "v-alice", CART, _config(), now=NOW)
    assert second.order_id == first.order_id + 1
    assert shop_store.row_count("orders") == 2
    assert shop_store.row_count("order_items") == 4


def test_a_visitor_reads_back_only_their_own_order(shop_store):
    placed = orders.place_order(shop_store, "v-alice", CART, _config(discount_pct=10), now=NOW)
    found = orders.find_order(shop_store, placed.order_id, "v-alice")
    assert found == placed
    assert orders.find_order(shop_store, placed.order_id, "v-mallory") is None
    assert orders.find_order(shop_store, 1, "v-alice") is None


def test_the_timeline_of_a_stored_order(shop_store):
    placed = orders.place_order(shop_store, "v-alice", CART, _config(), now=NOW)
    found = orders.find_order(shop_store, placed.order_id, "v-alice")
    steps = orders.timeline(found.ordered_at, found.delivery_minutes, NOW + timedelta(minutes=found.delivery_minutes))
    assert all(step.state == "done" for step in steps)
