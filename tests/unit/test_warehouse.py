"""The warehouse generator: catalog, personas, determinism, realism and integrity of the generated frames."""

import dataclasses
import os
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from marts import schema
from marts.warehouse import DEFAULT_PROFILES, RESTAURANTS, Warehouse, generate, load
from marts.warehouse.catalog import categories, menu_items_frame, restaurants_frame
from marts.warehouse.personas import validate_profiles

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


# --- personas -----------------------------------------------------------------------------------------------


def test_default_profiles_are_the_five_personas():
    assert [p.name for p in DEFAULT_PROFILES] == ["impulsive", "rational", "window_shopper", "mission", "cautious"]
    assert sum(p.share for p in DEFAULT_PROFILES) == pytest.approx(1.0)
    by_name = {p.name: p for p in DEFAULT_PROFILES}
    assert by_name["mission"].session_conversion > by_name["impulsive"].session_conversion
    assert by_name["window_shopper"].visits_per_week == max(p.visits_per_week for p in DEFAULT_PROFILES)
    assert by_name["rational"].price_sensitivity == max(p.price_sensitivity for p in DEFAULT_PROFILES)


def test_profiles_are_validated():
    impulsive = DEFAULT_PROFILES[0]
    with pytest.raises(ValueError, match="shares must sum to 1"):
        validate_profiles(DEFAULT_PROFILES[:-1])
    with pytest.raises(ValueError, match="unique names"):
        validate_profiles((dataclasses.replace(impulsive, share=0.5), dataclasses.replace(impulsive, share=0.5)))
    with pytest.raises(ValueError, match=r"impulsive: purchase must be within \[0, 1\]"):
        dataclasses.replace(impulsive, purchase=1.2)
    with pytest.raises(ValueError, match="basket_items must be >= 1"):
        dataclasses.replace(impulsive, basket_items=0.5)
    with pytest.raises(ValueError, match="device_mix"):
        dataclasses.replace(impulsive, device_mix=(0.5, 0.5, 0.5))
    with pytest.raises(ValueError, match="shares must sum to 1"):
        generate(100, 7, 1, END, profiles=DEFAULT_PROFILES[:2])


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
    assert (signups < first).mean() == pytest.approx(0.6, abs=0.05)  # a base of earlier customers
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
    assert (lines["unit_price"] == lines["price"]).all()


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
    assert orders["discount"].between(0, 8).all() and (orders["discount"] <= 0.2 * orders["subtotal"] + 0.005).all()
    fees = orders["restaurant_id"].map(warehouse.restaurants.set_index("restaurant_id")["delivery_fee"])
    assert (orders["delivery_fee"] == fees).all()
    for column in ["subtotal", "discount", "delivery_fee", "total"]:
        assert np.allclose(orders[column], orders[column].round(2)), column
    assert set(orders["status"]) <= {"delivered", "cancelled"}
    assert (orders["status"] == "cancelled").mean() < 0.06


# --- realism ------------------------------------------------------------------------------------------------


def test_shop_level_figures_are_plausible(warehouse):
    conversion = warehouse.sessions["ordered"].mean()
    aov = warehouse.orders["total"].mean()
    assert 0.03 <= conversion <= 0.065
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
    assert basket.idxmax() == "impulsive" and basket["impulsive"] > 2.8
    assert aov.idxmax() == "impulsive"
    assert price_level["rational"] < min(price_level["impulsive"], price_level["mission"]) - 0.25
    coupons = orders.assign(coupon=orders["discount"] > 0).groupby("persona")["coupon"].mean()
    assert coupons["rational"] > coupons["impulsive"] > coupons["mission"]


def test_mission_users_stick_to_their_restaurant(warehouse):
    orders = _with_persona(warehouse.orders, warehouse)
    repeat = orders[orders.duplicated("user_id", keep=False)]
    top_share = repeat.groupby(["persona", "user_id"])["restaurant_id"].agg(lambda r: r.value_counts().iloc[0] / len(r))
    by_persona = top_share.groupby("persona").mean()
    assert by_persona["mission"] > by_persona["rational"] + 0.15


def test_a_warmup_delays_first_purchases():
    base = dataclasses.replace(DEFAULT_PROFILES[3], share=0.5)  # mission: converts well, no warm-up
    profiles = (dataclasses.replace(base, name="eager"), dataclasses.replace(base, name="slow", warmup_days=20.0))
    history = generate(users=3000, days=56, seed=5, end=END, profiles=profiles)
    sessions = _with_persona(history.sessions, history).merge(history.users[["user_id", "signup_at"]], on="user_id")
    new = sessions[sessions["signup_at"] >= pd.Timestamp(END - timedelta(days=56))]
    first_week = (new["started_at"] - new["signup_at"]) < pd.Timedelta(days=7)
    early = new[first_week].groupby("persona")["ordered"].mean()
    assert early["slow"] < 0.5 * early["eager"]
    settled = sessions[sessions["signup_at"] < pd.Timestamp(END - timedelta(days=120))]
    assert settled.groupby("persona")["ordered"].mean()["slow"] == pytest.approx(
        settled.groupby("persona")["ordered"].mean()["eager"], rel=0.25
    )


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
