"""The Overview read model on both backends: one catalog, so its tiles, the funnel, the daily mart and the power
baseline count the same visitors, orders and buyers.

Expected values come by hand from a tiny warehouse, or are recomputed with pandas from the seeded warehouse's
``sessions`` and ``orders`` under the catalog's definitions (``marts.metrics``).
"""

from datetime import date, timedelta

import pandas as pd
import pytest

from marts.baselines import metric_baselines
from marts.etl import build_daily_metrics
from marts.insights import warehouse_insights
from marts.overview import warehouse_overview
from marts.warehouse.generator import load
from swarm.history import generate

T = pd.Timestamp
USERS = ["u1", "u2", "u3", "u4"]
# session_id, user_id, started_at, ordered (the generator's flag)
SESSIONS = [
    (1, "u1", "2026-03-04 09:00", True),
    (2, "u1", "2026-03-05 10:00", True),
    (3, "u2", "2026-03-05 11:00", True),  # its order's total is out of range: left out
    (4, "u3", "2026-03-06 23:50", True),  # the last session: the window is 03-04 to 03-06
    (5, "u2", "2026-03-03 23:55", True),  # previous window, though its order is placed on 03-04
    (6, "u4", "2026-03-02 12:00", True),
    (7, "u1", "2026-03-01 12:00", False),
]
# order_id, user_id, session_id, ordered_at, total, status
ORDERS = [
    (1, "u1", 1, "2026-03-04 09:20", 20.0, "delivered"),
    (2, "u1", 2, "2026-03-05 10:20", 10.0, "cancelled"),  # cancelled later: counts, as placed
    (3, "u3", 4, "2026-03-07 00:10", 30.0, "delivered"),  # after midnight: counts with its session
    (4, "u2", 5, "2026-03-04 00:05", 5.0, "delivered"),
    (5, "u4", 6, "2026-03-02 12:30", 40.0, "delivered"),
    (6, "u2", 3, "2026-03-05 11:20", -5.0, "delivered"),
]


def _seed(store) -> None:
    store.bulk_insert(
        "users",
        pd.DataFrame({"user_id": USERS, "signup_at": T("2026-01-01"), "region": "Seoul", "device": "ios"}).assign(
            persona=["impulsive", "rational", "impulsive", "cautious"]
        ),
    )
    sessions = pd.DataFrame(SESSIONS, columns=["session_id", "user_id", "started_at", "ordered"])
    store.bulk_insert(
        "sessions",
        sessions.assign(
            started_at=pd.to_datetime(sessions["started_at"]),
            device="ios",
            page_views=3,
            viewed_item=True,
            added_to_cart=sessions["ordered"],
            started_checkout=sessions["ordered"],
        ),
    )
    orders = pd.DataFrame(ORDERS, columns=["order_id", "user_id", "session_id", "ordered_at", "total", "status"])
    store.bulk_insert(
        "orders",
        orders.assign(
            ordered_at=pd.to_datetime(orders["ordered_at"]),
            restaurant_id=1,
            items_count=1,
            subtotal=orders["total"],
            discount=0.0,
            delivery_fee=0.0,
        ),
    )
    build_daily_metrics(store)


def test_empty_marts_give_an_empty_overview(store):
    overview = warehouse_overview(store)
    assert overview.is_empty
    assert overview.kpis == ()


def test_tiles_follow_the_catalog_by_hand(store):
    _seed(store)
    overview = warehouse_overview(store, window_days=3)
    kpis = {kpi.key: kpi for kpi in overview.kpis}

    assert (overview.first_day, overview.last_day) == (date(2026, 3, 1), date(2026, 3, 6))
    assert (kpis["visitors"].value, kpis["visitors"].previous) == (3, 3)  # u1, u2, u3; then u1, u2, u4
    assert (kpis["orders"].value, kpis["orders"].previous) == (3, 2)  # orders 1, 2, 3; then 4, 5
    assert kpis["revenue"].value == pytest.approx(60.0)
    assert kpis["conversion"].value == pytest.approx(2 / 3)  # u1 and u3 ordered; u2's only order is left out
    assert kpis["conversion"].previous == pytest.approx(2 / 3)  # u2 and u4
    assert kpis["aov"].value == pytest.approx(20.0)
    assert kpis["revenue_per_visitor"].value == pytest.approx(20.0)
    assert kpis["revenue"].change == pytest.approx(60.0 / 45.0 - 1)


def test_every_tile_says_its_unit_with_the_window(store):
    _seed(store)
    kpis = {kpi.key: kpi for kpi in warehouse_overview(store, window_days=3).kpis}
    assert kpis["conversion"].unit == ("per visitor over 3 days", "3일간 방문자당")
    assert kpis["revenue_per_visitor"].unit == ("per visitor over 3 days", "3일간 방문자당")
    assert kpis["orders"].unit == ("total over 3 days", "3일 합계")
    assert kpis["aov"].unit == ("per order, 3 days", "3일간 주문당")
    assert all(kpi.unit[0] and kpi.unit[1] for kpi in kpis.values())


def test_the_orders_tile_the_funnel_and_the_daily_mart_count_the_same_orders(store):
    _seed(store)
    overview = warehouse_overview(store, window_days=3)
    insights = warehouse_insights(store, window_days=3)
    orders = next(kpi for kpi in overview.kpis if kpi.key == "orders")
    window = overview.daily[overview.daily["day"] >= date(2026, 3, 4)]
    assert insights.funnel[-1].key == "ordered"
    assert insights.funnel[-1].sessions == orders.value == window["orders"].sum() == 3  # the flags say 4
    assert insights.conversion == pytest.approx(2 / 3)


def test_a_short_history_has_no_previous_window(store):
    _seed(store)
    overview = warehouse_overview(store, window_days=6)
    assert all(kpi.previous == 0 and kpi.change is None for kpi in overview.kpis)


def test_window_must_be_positive(store):
    with pytest.raises(ValueError, match="window_days: must be at least 1"):
        warehouse_overview(store, window_days=0)


def _by_catalog(store, days: int) -> dict[str, float]:
    """Visitors, buyers and orders of the last ``days`` days, recomputed with pandas from the raw tables."""
    sessions = store.frame("SELECT session_id, user_id, started_at FROM sessions")
    orders = store.frame("SELECT order_id, session_id, total FROM orders")
    sessions["started_at"] = pd.to_datetime(sessions["started_at"])
    end = sessions["started_at"].max().normalize() + timedelta(days=1)
    window = sessions[sessions["started_at"] >= end - timedelta(days=days)]
    placed = orders[orders["total"].between(0, 100_000)].merge(window, on="session_id")  # cancelled ones too
    return {
        "visitors": window["user_id"].nunique(),
        "buyers": placed["user_id"].nunique(),
        "orders": len(placed),
        "revenue": placed["total"].sum(),
    }


def test_the_overview_the_ideas_and_the_power_baseline_share_one_conversion(store):
    load(store, generate(users=1500, days=45, seed=5, end=date(2026, 11, 1)))
    build_daily_metrics(store)
    overview = warehouse_overview(store)
    insights = warehouse_insights(store)
    baselines = metric_baselines(store, window_days=overview.window_days)
    kpis = {kpi.key: kpi.value for kpi in overview.kpis}
    expected = _by_catalog(store, 28)

    assert kpis["conversion"] == pytest.approx(expected["buyers"] / expected["visitors"])
    assert kpis["visitors"] == expected["visitors"] and kpis["orders"] == expected["orders"]
    assert kpis["revenue"] == pytest.approx(expected["revenue"])
    assert insights.conversion == pytest.approx(kpis["conversion"])
    assert baselines.metrics["conversion"].mean == pytest.approx(kpis["conversion"])
    assert baselines.metrics["conversion"].n == kpis["visitors"] == sum(p.visitors for p in insights.personas)
    assert baselines.metrics["revenue_per_visitor"].mean == pytest.approx(kpis["revenue_per_visitor"])
    assert baselines.metrics["aov"].mean == pytest.approx(kpis["aov"])
    assert insights.funnel[-1].sessions == kpis["orders"]
    window = overview.daily[overview.daily["day"] > overview.last_day - timedelta(days=28)]
    assert window["orders"].sum() == kpis["orders"]
