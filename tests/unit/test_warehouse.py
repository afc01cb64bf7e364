"""The warehouse generator: catalog, personas, determinism, realism and integrity of the generated frames."""

import os
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from marts import schema
from marts.warehouse import RESTAURANTS, Warehouse, load
from marts.warehouse.catalog import categories, menu_items_frame, restaurants_frame
from shop.knobs import resolve
from swarm.behaviour import DELIVERY_FEE
from swarm.history import CANCEL_RATE, generate
from swarm.personas import SHOPPERS
from swarm.traffic import daily_churn

SEED = int(os.environ.get("WAREHOUSE_TEST_SEED", "11"))
END = date(2026, 3, 2)  # a Monday: the history ends on Sunday 2026-03-01
TIMESTAMPS = {"users": ["signup_at"], "sessions": ["started_at"], "orders": ["ordered_at"]}


@pytest.fixture(scope="module")
def warehouse() -> Warehouse:
    """A few thousand users over six weeks: enough to see personas and rhythms, fast to generate."""
    return generate(users=4000, days=42, seed=SEED, end=END)


def _with_persona(frame: pd.DataFrame, warehouse: Warehouse) -> pd.DataFrame:
    return frame.merge(warehouse.users[["user_id", "persona"]], on="user_id", validate="many_to_one")


# --- catalog -----------------------------------------------------------------------------------------------


def test_catalog_is_a_believable_shop():
    restaurants, menu = restaurants_frame(), menu_items_frame()
    assert 25 <= len(restaurants) <= 35
    assert 10 <= len(categories()) <= 14
    assert restaurants["restaurant_id"].is_unique and restaurants["slug"].is_unique
    assert restaurants["slug"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    assert restaurants["price_level"].between(1, 3).all() and restaurants["rating"].between(3.5, 5).all()
    assert restaurants["delivery_minutes"].between(10, 60).all() and restaurants["delivery_fee"].between(0, 6).all()
    assert menu.groupby("restaurant_id").size().between(8, 12).all()
    assert menu["item_id"].is_unique
    assert (menu["item_id"] // 100 == menu["restaurant_id"]).all()
    assert ((menu["price"] * 100).round(6) % 1 == 0).all() and menu["price"].between(1, 60).all()
    assert menu.groupby("restaurant_id")["is_popular"].any().all()
    assert (menu["description"].str.len().between(10, 300)).all()
    cheap = menu.merge(restaurants, on="restaurant_id").groupby("price_level")["price"].median()
    assert cheap.loc[1] < cheap.loc[3]


def test_catalog_ids_and_slugs_are_stable():
    by_id = {r.restaurant_id: r for r in RESTAURANTS}
    assert by_id[1].slug == "seoul-garden-bbq"
    assert by_id[15].slug == "ramen-ichiban"
    assert by_id[30].slug == "maison-douce-patisserie"
    items = menu_items_frame().set_index("item_id")
    assert items.loc[1501, "name"] == "Tonkotsu Ramen"
    assert items.loc[402, "restaurant_id"] == 4


def test_catalog_frames_use_the_schema_columns():
    assert list(restaurants_frame().columns) == list(schema.restaurants.c.keys())
    assert list(menu_items_frame().columns) == list(schema.menu_items.c.keys())


# --- arguments ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"users": 0}, "users must be between 1 and"),
        ({"users": 2.5}, "users must be an integer"),
        ({"users": True}, "users must be an integer"),
        ({"days": 0}, "days must be between 1 and"),
        ({"days": 10_000}, "days must be between 1 and"),
        ({"seed": -1}, "seed must be between 0 and"),
        ({"end": "2026-03-02"}, "end must be a datetime.date"),
        ({"end": datetime(2026, 3, 2)}, r"end must be a datetime.date \(not a datetime\)"),
    ],
)
def test_invalid_arguments_name_the_argument_and_the_rule(kwargs, message):
    arguments = {"users": 10, "days": 7, "seed": 1, "end": END} | kwargs
    with pytest.raises(ValueError, match=message):
        generate(**arguments)


def test_load_rejects_anything_but_a_warehouse():
    with pytest.raises(ValueError, match="warehouse must be a Warehouse"):
        load(None, {"users": pd.DataFrame()})


# --- determinism --------------------------------------------------------------------------------------------


def test_same_arguments_give_identical_frames(warehouse):
    again = generate(users=4000, days=42, seed=SEED, end=END)
    for name, frame in warehouse.tables().items():
        pd.testing.assert_frame_equal(frame, again.tables()[name], obj=name)
    other = generate(users=4000, days=42, seed=SEED + 1, end=END)
    assert not other.sessions["started_at"].equals(warehouse.sessions["started_at"])


def test_moving_end_by_whole_weeks_shifts_the_same_history(warehouse):
    shift = timedelta(days=21)
    moved = generate(users=4000, days=42, seed=SEED, end=END + shift)
    for name, frame in warehouse.tables().items():
        expected = frame.copy()
        for column in TIMESTAMPS.get(name, []):
            expected[column] = expected[column] + shift
        pd.testing.assert_frame_equal(moved.tables()[name], expected, obj=name)


# --- shape of the frames ------------------------------------------------------------------------------------


def test_frames_have_the_schema_columns_and_keys(warehouse):
    for name, frame in warehouse.tables().items():
        table = schema.metadata.tables[name]
        assert list(frame.columns) == list(table.c.keys()), name
        key = [c.name for c in table.primary_key.columns]
        assert not frame.duplicated(subset=key).any(), name
        assert not frame.isna().any().any(), name
    assert warehouse.row_counts() == {name: len(frame) for name, frame in warehouse.tables().items()}
    sessions = warehouse.sessions
    assert all(sessions[c].dtype == bool for c in ["viewed_item", "added_to_cart", "started_checkout", "ordered"])
    assert set(warehouse.users["device"]) | set(sessions["device"]) <= {"ios", "android", "web"}
    assert 4 <= warehouse.users["region"].nunique() <= 8


def test_history_covers_the_days_before_end(warehouse):
    first, stop = pd.Timestamp(END - timedelta(days=42)), pd.Timestamp(END)
    for name, column in [("sessions", "started_at"), ("orders", "ordered_at")]:
        times = warehouse.tables()[name][column]
        assert times.min() >= first and times.max() < stop, name
        assert (times.dt.floor("D").nunique()) == 42, name
    signups = warehouse.users["signup_at"]
    earlier = sum(p.share / daily_churn(p) for p in SHOPPERS)  # customers already there, per new one a day
    expected = earlier / (earlier + 42 * sum(p.share for p in SHOPPERS))
    assert (signups < first).mean() == pytest.approx(expected, abs=0.02)  # a base of earlier customers
    assert signups.max() < stop
    assert signups.is_monotonic_increasing  # user ids follow signup order


# --- integrity ----------------------------------------------------------------------------------------------


def test_sessions_and_orders_reference_real_users_and_sessions(warehouse):
    users = warehouse.users.set_index("user_id")
    sessions = warehouse.sessions.set_index("session_id")
    orders = warehouse.orders
    assert warehouse.sessions["user_id"].isin(users.index).all()
    assert orders["user_id"].isin(users.index).all()
    assert orders["session_id"].isin(sessions.index).all()
    assert (sessions.loc[orders["session_id"], "user_id"].to_numpy() == orders["user_id"].to_numpy()).all()
    assert set(orders["session_id"]) == set(sessions.index[sessions["ordered"]])
    assert (orders["ordered_at"].to_numpy() >= sessions.loc[orders["session_id"], "started_at"].to_numpy()).all()
    started = warehouse.sessions.merge(users["signup_at"], left_on="user_id", right_index=True)
    assert (started["started_at"] >= started["signup_at"]).all()
    assert orders["restaurant_id"].isin(warehouse.restaurants["restaurant_id"]).all()
    assert warehouse.order_items["order_id"].isin(orders["order_id"]).all()
    assert orders["order_id"].isin(warehouse.order_items["order_id"]).all()


def test_funnel_steps_are_nested(warehouse):
    s = warehouse.sessions
    assert (s["added_to_cart"] <= s["viewed_item"]).all()
    assert (s["started_checkout"] <= s["added_to_cart"]).all()
    assert (s["ordered"] <= s["started_checkout"]).all()
    assert (s["page_views"] >= 1).all()
    assert s["page_views"][s["started_checkout"]].mean() > s["page_views"][~s["viewed_item"]].mean()


def test_order_items_come_from_the_orders_restaurant(warehouse):
    lines = warehouse.order_items.merge(warehouse.menu_items, on="item_id", validate="many_to_one")
    lines = lines.merge(warehouse.orders[["order_id", "restaurant_id"]], on="order_id", suffixes=("_item", ""))
    assert len(lines) == len(warehouse.order_items)
    assert (lines["restaurant_id_item"] == lines["restaurant_id"]).all()
    ratio = lines["unit_price"] / lines["price"]  # the menu's prices, scaled to the order (mark-ups and deals)
    spread = ratio.groupby(lines["order_id"]).agg(lambda r: r.max() - r.min())
    assert (spread <= 0.01 / lines["price"].min() + 1e-9).all()


def test_money_adds_up_to_the_cent(warehouse):
    lines = warehouse.order_items.assign(amount=lambda f: f["quantity"] * f["unit_price"])
    per_order = lines.groupby("order_id").agg(
        amount=("amount", "sum"), units=("quantity", "sum"), lines=("line_no", "max")
    )
    orders = warehouse.orders.set_index("order_id").join(per_order)
    assert np.allclose(orders["subtotal"], orders["amount"], atol=0.005)
    assert np.allclose(orders["total"], orders["subtotal"] - orders["discount"] + orders["delivery_fee"], atol=0.005)
    assert (orders["items_count"] == orders["units"]).all()
    assert (orders["lines"] == warehouse.order_items.groupby("order_id").size()).all()  # line_no runs 1..n
    threshold = resolve()["free_delivery_threshold"]
    assert (orders["discount"] == 0).all()  # the default shop has no discount
    assert (orders["delivery_fee"] == np.where(orders["subtotal"] < threshold, DELIVERY_FEE, 0.0)).all()
    for column in ["subtotal", "discount", "delivery_fee", "total"]:
        assert np.allclose(orders[column], orders[column].round(2)), column
    assert set(orders["status"]) <= {"delivered", "cancelled"}
    assert (orders["status"] == "cancelled").mean() == pytest.approx(CANCEL_RATE, abs=0.015)


# --- realism ------------------------------------------------------------------------------------------------


def test_shop_level_figures_are_plausible(warehouse):
    conversion = warehouse.sessions["ordered"].mean()
    aov = warehouse.orders["total"].mean()
    assert 0.04 <= conversion <= 0.09
    assert 25 <= aov <= 40
    assert warehouse.sessions["device"].value_counts(normalize=True).min() > 0.1
    repeaters = warehouse.orders.groupby("user_id").size()
    assert (repeaters > 1).mean() > 0.3  # a healthy share of buyers come back


def test_personas_behave_differently(warehouse):
    sessions = _with_persona(warehouse.sessions, warehouse)
    orders = _with_persona(warehouse.orders, warehouse).merge(warehouse.restaurants, on="restaurant_id")
    conversion = sessions.groupby("persona")["ordered"].mean()
    visits = sessions.groupby("persona").size() / warehouse.users.groupby("persona").size()
    basket = orders.groupby("persona")["items_count"].mean()
    price_level = orders.groupby("persona")["price_level"].mean()
    aov = orders.groupby("persona")["total"].mean()

    assert conversion.idxmax() == "mission" and conversion["mission"] > 0.2
    assert conversion["impulsive"] > 1.5 * conversion["rational"]
    assert conversion["rational"] > conversion["cautious"] > conversion["window_shopper"]
    assert conversion.idxmin() == "window_shopper" and conversion["window_shopper"] < 0.015
    assert visits.idxmax() == "window_shopper" and visits.idxmin() == "mission"
    assert basket.idxmax() == "impulsive" and aov.idxmax() == "impulsive"
    assert price_level["rational"] < min(price_level["impulsive"], price_level["mission"]) - 0.1


def test_weekends_are_busier_than_weekdays(warehouse):
    per_day = warehouse.sessions.groupby(warehouse.sessions["started_at"].dt.normalize()).size()
    weekend = per_day[per_day.index.day_of_week >= 5].mean()
    midweek = per_day[per_day.index.day_of_week.isin([0, 1, 2, 3])].mean()
    assert weekend > 1.15 * midweek
    orders_per_day = warehouse.orders.groupby(warehouse.orders["ordered_at"].dt.day_of_week).size()
    assert orders_per_day[[5, 6]].mean() > orders_per_day[[0, 1, 2, 3]].mean()


def test_sessions_peak_at_lunch_and_dinner(warehouse):
    by_hour = warehouse.sessions["started_at"].dt.hour.value_counts().reindex(range(24), fill_value=0)
    assert by_hour.idxmax() in (18, 19, 20)
    lunch = by_hour[[11, 12, 13]].idxmax()
    assert lunch in (12, 13)
    assert by_hour[lunch] > 1.8 * by_hour[[9, 15]].max()
    assert by_hour[19] > 1.5 * by_hour[[15, 23]].max()
    assert by_hour[[2, 3, 4, 5]].max() < 0.1 * by_hour.max()


@pytest.mark.parametrize(("users", "days"), [(1, 1), (3, 2), (50, 3)])
def test_tiny_histories_are_consistent(users, days):
    history = generate(users=users, days=days, seed=3, end=END)
    assert len(history.users) == users
    assert len(history.orders) == int(history.sessions["ordered"].sum())
    for name, frame in history.tables().items():
        assert list(frame.columns) == list(schema.metadata.tables[name].c.keys()), name
