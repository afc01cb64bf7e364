"""Planning baselines on DuckDB and PostgreSQL, from a small hand-made warehouse.

Expected values are computed independently with pandas from the same frames, per visitor over the window (the
catalog's unit, an experiment's), with every placed order counting, cancelled or not.
"""

from dataclasses import astuple
from datetime import date

import numpy as np
import pandas as pd
import pytest

from marts.baselines import NO_BANNER_CLICKS, NO_ITEM_COUNTS, NO_TRAFFIC, metric_baselines, window_baselines
from marts.horizon import warehouse_horizon
from marts.metrics import METRICS

T = pd.Timestamp

# session_id, user_id, started_at, added_to_cart, started_checkout
SESSIONS = [
    (1, "u1", "2026-03-01 09:00", True, True),
    (2, "u1", "2026-03-01 18:00", False, False),  # the same visitor as session 1
    (3, "u2", "2026-03-01 12:00", True, False),
    (4, "u3", "2026-03-01 13:00", False, False),
    (5, "u2", "2026-03-02 08:00", False, False),
    (6, "u1", "2026-03-03 20:00", True, True),
    (7, "u3", "2026-03-03 21:00", True, True),
    (8, "u4", "2026-02-20 10:00", True, True),  # before a 3-day window
    (9, "u5", "2026-03-02 10:00", False, False),  # a visitor who never orders
]
# order_id, user_id, session_id, ordered_at, total, status
ORDERS = [
    (1, "u1", 1, "2026-03-01 09:30", 20.0, "delivered"),
    (2, "u1", 2, "2026-03-01 18:30", 10.0, "delivered"),  # u1's second order that day
    (3, "u2", 3, "2026-03-01 12:30", 99.0, "cancelled"),  # cancelled later: counts, as placed
    (4, "u1", 6, "2026-03-03 20:30", 15.0, "delivered"),
    (5, "u3", 7, "2026-03-03 21:30", 40.0, "delivered"),
    (6, "u4", 8, "2026-02-20 10:30", 50.0, "delivered"),  # outside the window
]


def _sessions() -> pd.DataFrame:
    frame = pd.DataFrame(SESSIONS, columns=["session_id", "user_id", "started_at", "added_to_cart", "started_checkout"])
    return frame.assign(
        started_at=pd.to_datetime(frame["started_at"]), device="ios", page_views=3, viewed_item=True, ordered=False
    )


def _orders() -> pd.DataFrame:
    frame = pd.DataFrame(ORDERS, columns=["order_id", "user_id", "session_id", "ordered_at", "total", "status"])
    return frame.assign(
        ordered_at=pd.to_datetime(frame["ordered_at"]),
        restaurant_id=1,
        items_count=1,
        subtotal=frame["total"],
        discount=0.0,
        delivery_fee=0.0,
    )


def _seed(store) -> None:
    store.bulk_insert("sessions", _sessions())
    store.bulk_insert("orders", _orders())


def _visitors(window_start: str) -> pd.DataFrame:
    """Per visitor of the window: carted, checked out, and the orders and revenue of their sessions."""
    sessions = _sessions()
    sessions = sessions[sessions["started_at"] >= T(window_start)]
    orders = _orders().merge(sessions[["session_id"]], on="session_id")
    sales = orders.groupby("user_id").agg(orders=("order_id", "count"), revenue=("total", "sum"))
    visitors = sessions.groupby("user_id").agg(carted=("added_to_cart", "max"), checked=("started_checkout", "max"))
    return visitors.join(sales).fillna({"orders": 0, "revenue": 0.0})


def test_an_empty_warehouse_has_no_baselines(store):
    baselines = metric_baselines(store)
    assert baselines.is_empty
    assert baselines.daily_visitors == 0
    assert set(baselines.metrics) == set(METRICS)
    assert all(not b.available and b.missing == NO_TRAFFIC for b in baselines.metrics.values())


def test_baselines_are_per_visitor_over_the_window(store):
    _seed(store)
    baselines = metric_baselines(store, window_days=3)
    expected = _visitors("2026-03-01")
    n = len(expected)  # u1, u2, u3, u5

    assert n == 4
    assert (baselines.first_day, baselines.last_day, baselines.days) == (date(2026, 3, 1), date(2026, 3, 3), 3)
    assert baselines.daily_visitors == pytest.approx(n / 3)

    conversion = baselines.metrics["conversion"]
    assert conversion.source == "orders"
    assert conversion.n == n
    assert conversion.mean == pytest.approx((expected["orders"] > 0).sum() / n)  # 3 of 4 visitors ordered
    assert conversion.mean == pytest.approx(0.75)

    cart = baselines.metrics["add_to_cart_rate"]
    assert cart.source == "sessions"
    assert cart.mean == pytest.approx(expected["carted"].mean())
    assert baselines.metrics["checkout_rate"].mean == pytest.approx(expected["checked"].mean())

    revenue = baselines.metrics["revenue_per_visitor"]
    assert revenue.source == "orders"
    assert revenue.mean == pytest.approx(expected["revenue"].mean())  # the cancelled 99 included
    assert revenue.stats.std == pytest.approx(np.std(expected["revenue"], ddof=1))
    orders = baselines.metrics["orders_per_visitor"]
    assert orders.mean == pytest.approx(expected["orders"].mean())
    assert orders.stats.std == pytest.approx(np.std(expected["orders"], ddof=1))

    aov = baselines.metrics["aov"]
    assert aov.kind == "ratio"
    assert aov.mean == pytest.approx(expected["revenue"].sum() / expected["orders"].sum())  # 184 / 5
    assert aov.stats.sum_xy == pytest.approx((expected["revenue"] * expected["orders"]).sum())


def test_a_wider_window_takes_in_older_days(store):
    _seed(store)
    narrow = metric_baselines(store, window_days=3)
    wide = metric_baselines(store, window_days=28)
    assert wide.first_day == date(2026, 2, 20)  # the first day of history in the window
    assert wide.days == 12 and wide.daily_visitors == pytest.approx(5 / 12)
    assert wide.metrics["conversion"].n == narrow.metrics["conversion"].n + 1
    assert wide.metrics["revenue_per_visitor"].stats.sum == pytest.approx(184.0 + 50.0)


@pytest.mark.parametrize("days", [1, 2, 3, 12, 28])
def test_each_windows_baseline_from_the_one_pass_is_that_windows_measure(store, days):
    """The power step plans on the last D days' baseline: the horizon's sums give what measuring D days gives."""
    _seed(store)
    measured = metric_baselines(store, window_days=days).metrics
    found = window_baselines(warehouse_horizon(store, 28), days)
    assert set(found) == set(measured)
    for key, baseline in measured.items():
        assert (found[key].available, found[key].source, found[key].missing) == (
            baseline.available,
            baseline.source,
            baseline.missing,
        ), key
        if baseline.available:
            assert astuple(found[key].stats) == pytest.approx(astuple(baseline.stats)), key


def test_metrics_the_warehouse_cannot_measure_say_why(store):
    _seed(store)
    metrics = metric_baselines(store).metrics
    assert (metrics["banner_ctr"].available, metrics["banner_ctr"].missing) == (False, NO_BANNER_CLICKS)
    assert (metrics["items_viewed"].available, metrics["items_viewed"].missing) == (False, NO_ITEM_COUNTS)
    assert metrics["banner_ctr"].mean is None


@pytest.mark.parametrize("window", [0, -3, 2.5, True])
def test_a_bad_window_is_refused(store, window):
    with pytest.raises(ValueError, match="window_days: must be an integer of at least 1"):
        metric_baselines(store, window_days=window)
