"""The marts ETL on DuckDB and PostgreSQL, against a tiny hand-made warehouse and experiment log.

Expected values are computed independently: with pandas from the same input frames, or by hand.
"""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from marts.etl import (
    BuildResult,
    build_all,
    build_daily_metrics,
    build_experiment_users,
    build_user_stats,
    daily_metrics,
)

T = pd.Timestamp


def _users() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": ["u1", "u2", "u3"],
            "signup_at": [T("2026-01-01 10:00"), T("2026-02-20 08:00"), T("2026-03-01 23:59")],
            "region": ["Seoul", "Busan", "Seoul"],
            "device": ["ios", "android", "web"],
            "persona": ["impulsive", "planner", "browser"],
        }
    )


def _sessions() -> pd.DataFrame:
    rows = [  # session_id, user_id, started_at; "ghost" has sessions but is no warehouse user
        (1, "u1", "2026-03-01 09:00"),
        (2, "u1", "2026-03-01 18:00"),
        (3, "u2", "2026-03-01 12:00"),
        (4, "u2", "2026-03-02 08:00"),  # 2026-03-02: sessions, no orders
        (5, "u1", "2026-03-03 23:30"),  # the last session: the default as-of date is 2026-03-04
        (6, "ghost", "2026-03-03 10:00"),
    ]
    frame = pd.DataFrame(rows, columns=["session_id", "user_id", "started_at"])
    return frame.assign(
        started_at=pd.to_datetime(frame["started_at"]),
        device="ios",
        page_views=3,
        viewed_item=True,
        added_to_cart=False,
        started_checkout=False,
        ordered=False,
    )


def _orders() -> pd.DataFrame:
    rows = [  # order_id, user_id, session_id, ordered_at, total
        (1, "u1", 1, "2026-03-01 09:30", 20.50),
        (2, "u1", 2, "2026-03-01 18:30", 10.25),
        (3, "u2", 3, "2026-03-01 12:30", 30.00),
        (4, "u1", 5, "2026-03-03 23:50", 15.10),
        (5, "u1", None, "2026-01-15 12:00", 7.00),  # a day without sessions; before the default pre-period
        (6, "u2", None, "2026-02-10 12:00", 12.00),  # inside the default pre-period [2026-02-04, 2026-03-04)
        (7, "u2", 3, "2026-03-01 13:00", 99.00),  # cancelled later: counts, as placed (marts.metrics.ORDER_RULE)
        (8, "u1", 5, "2026-03-04 00:05", 4.00),  # after midnight: counts on its session's day, 2026-03-03
    ]
    frame = pd.DataFrame(rows, columns=["order_id", "user_id", "session_id", "ordered_at", "total"])
    return frame.assign(
        session_id=frame["session_id"].astype("Int64"),
        ordered_at=pd.to_datetime(frame["ordered_at"]),
        restaurant_id=1,
        items_count=2,
        subtotal=frame["total"],
        discount=0.0,
        delivery_fee=0.0,
        status=["cancelled" if order_id == 7 else "delivered" for order_id in frame["order_id"]],
    )


def _counted_orders() -> pd.DataFrame:
    """Every order counts when placed, cancelled later or not (``marts.metrics.ORDER_RULE``)."""
    return _orders()


def _assignments() -> pd.DataFrame:
    rows = [
        ("exp_a", "u1", "control"),
        ("exp_a", "u2", "treatment"),
        ("exp_a", "v9", "treatment"),  # a shop visitor outside the warehouse
        ("exp_a", "u3", "control"),  # assigned, never exposed: no row
        ("exp_b", "u1", "treatment"),  # u2 is exposed to exp_b but unassigned: skipped
    ]
    frame = pd.DataFrame(rows, columns=["experiment_key", "user_id", "variant"])
    return frame.assign(assigned_at=T("2026-03-10 00:00"))


EVENTS = [  # user_id, name, ts (on 2026-03-10), experiment_key, value
    ("u1", "page_view", "09:00", "exp_a", None),  # before exposure
    ("u1", "exposure", "10:00", "exp_a", None),
    ("u1", "exposure", "11:00", "exp_a", None),  # a second exposure counts nothing twice
    ("u1", "page_view", "10:00", "exp_a", None),  # at the exposure instant: counts
    ("u1", "banner_click", "10:05", "exp_a", None),
    ("u1", "search", "11:30", None, None),  # no key: exp_a (exposed 10:00), not exp_b (exposed 12:00)
    ("u1", "exposure", "12:00", "exp_b", None),
    ("u1", "item_view", "12:10", "exp_b", None),
    ("u1", "add_to_cart", "12:20", "exp_b", None),
    ("u1", "purchase", "12:30", None, 25.0),  # no key: counts for exp_a and exp_b
    ("u1", "purchase", "13:00", "exp_b", 5.0),  # tagged exp_b: exp_b only
    ("u2", "purchase", "08:00", None, 99.0),  # before exposure
    ("u2", "exposure", "09:00", "exp_a", None),
    ("u2", "exposure", "09:00", "exp_b", None),
    ("u2", "checkout_start", "09:30", None, None),
    ("u2", "purchase", "09:40", None, 40.0),
    ("v9", "exposure", "10:00", "exp_a", None),
    ("v9", "page_view", "10:01", "exp_a", None),
    ("v9", "purchase", "10:02", None, 8.5),
    ("v9", "purchase", "10:03", None, None),  # a purchase without value: counted, adds no revenue
    ("v9", "page_view", "10:04", "exp_c", None),  # another experiment's event
    ("u3", "page_view", "10:00", None, None),  # never exposed
]


def _events(rows: list[tuple], start: int = 0) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["user_id", "name", "ts", "experiment_key", "value"])
    ts = pd.to_datetime("2026-03-10 " + frame["ts"])
    return frame.assign(
        event_id=[f"e{start + i}" for i in range(len(frame))], ts=ts, value=frame["value"].astype(float), received_at=ts
    )


@pytest.fixture
def loaded(store):
    """The store with the warehouse and the experiment log loaded."""
    store.bulk_insert("users", _users())
    store.bulk_insert("sessions", _sessions())
    store.bulk_insert("orders", _orders())
    store.bulk_insert("assignments", _assignments())
    store.bulk_insert("events", _events(EVENTS))
    return store


def _rows(store, sql: str) -> list[dict]:
    """Rows with dates and timestamps normalised, so both backends compare alike."""
    return [
        {k: (v.date() if isinstance(v, datetime) and k == "day" else v) for k, v in row.items()}
        for row in store.query(sql)
    ]


def _records(frame: pd.DataFrame) -> list[dict]:
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [{k: (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for k, v in r.items()} for r in out]


def _assert_rows(actual: list[dict], expected: list[dict]) -> None:
    """Floats to 1e-9 relative, everything else exactly."""
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        close = {k: pytest.approx(v, rel=1e-9, abs=1e-9) if isinstance(v, float) else v for k, v in want.items()}
        assert got == close, f"got {got}\nwant {want}"


# --- daily_metrics ---------------------------------------------------------------------------------------------


def _expected_daily() -> list[dict]:
    sessions, orders = _sessions(), _counted_orders()
    sessions = sessions.assign(day=sessions["started_at"].dt.date)
    traffic = sessions.groupby("day").agg(visitors=("user_id", "nunique"), sessions=("session_id", "size"))
    placed = orders.dropna(subset=["session_id"]).astype({"session_id": "int64"})
    sales = placed.drop(columns="user_id").merge(sessions[["session_id", "user_id", "day"]], on="session_id")
    sales = sales.groupby("day")
    sales = sales.agg(orders=("order_id", "size"), buyers=("user_id", "nunique"), revenue=("total", "sum"))
    m = traffic.join(sales, how="left").fillna(0)
    m["conversion"] = m["buyers"] / m["visitors"]
    m["aov"] = np.where(m["orders"] > 0, m["revenue"] / m["orders"].where(m["orders"] > 0, 1), 0.0)
    m["revenue_per_visitor"] = m["revenue"] / m["visitors"]
    return _records(m.reset_index())


def test_daily_metrics_match_pandas_and_keep_days_without_orders(loaded):
    result = build_daily_metrics(loaded)
    actual = _rows(loaded, "SELECT * FROM daily_metrics ORDER BY day")
    _assert_rows(actual, _expected_daily())
    assert result == BuildResult("daily_metrics", 3, result.seconds)
    assert [row["day"] for row in actual] == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]  # not 01-15
    quiet = actual[1]
    assert (quiet["visitors"], quiet["orders"], quiet["buyers"]) == (1, 0, 0)
    assert (quiet["revenue"], quiet["conversion"], quiet["aov"], quiet["revenue_per_visitor"]) == (0, 0, 0, 0)
    busy = actual[0]  # by hand: u1, u2 visit; 4 orders by both, the later cancelled one included
    assert busy["revenue"] == pytest.approx(159.75)
    assert busy["conversion"] == 1.0
    assert busy["aov"] == pytest.approx(39.9375)
    late = actual[2]  # order 8, placed after midnight, counts on the day of its session
    assert (late["orders"], late["revenue"]) == (2, pytest.approx(19.10))


# --- user_stats ------------------------------------------------------------------------------------------------


def _expected_user_stats(as_of: date, pre_days: int) -> list[dict]:
    cut, pre_start = T(as_of), T(as_of) - pd.Timedelta(days=pre_days)
    sessions, orders = _sessions(), _counted_orders()
    sessions, orders = sessions[sessions["started_at"] < cut], orders[orders["ordered_at"] < cut]
    pre = orders[orders["ordered_at"] >= pre_start]
    users = _users().set_index("user_id")
    users["tenure_days"] = (cut - users["signup_at"].dt.normalize()).dt.days.clip(lower=0)
    users["sessions"] = sessions.groupby("user_id").size()
    by_user = orders.groupby("user_id")
    users["orders"] = by_user.size()
    users["revenue"] = by_user["total"].sum()
    users["first_order_at"] = by_user["ordered_at"].min()
    users["last_order_at"] = by_user["ordered_at"].max()
    users["pre_orders"] = pre.groupby("user_id").size()
    users["pre_revenue"] = pre.groupby("user_id")["total"].sum()
    counts = ["sessions", "orders", "revenue", "pre_orders", "pre_revenue"]
    users[counts] = users[counts].fillna(0)
    return _records(users.reset_index().sort_values("user_id"))


def test_user_stats_default_as_of_is_the_end_of_the_history(loaded):
    result = build_user_stats(loaded)
    actual = _rows(loaded, "SELECT * FROM user_stats ORDER BY user_id")
    _assert_rows(actual, _expected_user_stats(date(2026, 3, 4), 28))
    assert result.rows == 3  # ghost has sessions but is no warehouse user
    by_user = {row["user_id"]: row for row in actual}
    assert (by_user["u1"]["pre_orders"], by_user["u1"]["pre_revenue"]) == (3, pytest.approx(45.85))  # by hand
    assert (by_user["u2"]["pre_orders"], by_user["u2"]["pre_revenue"]) == (3, pytest.approx(141.0))
    u3 = by_user["u3"]  # no sessions, no orders
    assert (u3["tenure_days"], u3["sessions"], u3["orders"], u3["revenue"]) == (3, 0, 0, 0)
    assert u3["first_order_at"] is None and u3["last_order_at"] is None


def test_user_stats_with_explicit_as_of_counts_only_the_history_before_it(loaded):
    build_user_stats(loaded, as_of=date(2026, 3, 2), pre_period_days=7)
    actual = _rows(loaded, "SELECT * FROM user_stats ORDER BY user_id")
    _assert_rows(actual, _expected_user_stats(date(2026, 3, 2), 7))
    u1 = actual[0]
    assert (u1["orders"], u1["pre_orders"], u1["pre_revenue"]) == (3, 2, pytest.approx(30.75))  # by hand
    build_user_stats(loaded, as_of=date(2026, 2, 1))
    assert loaded.scalar("SELECT tenure_days FROM user_stats WHERE user_id = 'u3'") == 0  # signed up later


# --- experiment_users ------------------------------------------------------------------------------------------

ZERO = dict.fromkeys(
    ["page_views", "banner_clicks", "searches", "item_views", "add_to_carts", "checkouts", "purchases"], 0
)
EXPECTED_EXPERIMENT_USERS = [  # by hand from EVENTS, with pre_* from user_stats as of 2026-03-04
    {
        **ZERO,
        "experiment_key": "exp_a",
        "user_id": "u1",
        "variant": "control",
        "persona": "impulsive",
        "first_exposure_at": datetime(2026, 3, 10, 10, 0),
        "page_views": 1,
        "banner_clicks": 1,
        "searches": 1,
        "purchases": 1,
        "revenue": 25.0,
        "pre_revenue": 45.85,
        "pre_orders": 3,
    },
    {
        **ZERO,
        "experiment_key": "exp_a",
        "user_id": "u2",
        "variant": "treatment",
        "persona": "planner",
        "first_exposure_at": datetime(2026, 3, 10, 9, 0),
        "checkouts": 1,
        "purchases": 1,
        "revenue": 40.0,
        "pre_revenue": 141.0,
        "pre_orders": 3,
    },
    {
        **ZERO,
        "experiment_key": "exp_a",
        "user_id": "v9",
        "variant": "treatment",
        "persona": None,
        "first_exposure_at": datetime(2026, 3, 10, 10, 0),
        "page_views": 1,
        "purchases": 2,
        "revenue": 8.5,
        "pre_revenue": 0.0,
        "pre_orders": 0,
    },
    {
        **ZERO,
        "experiment_key": "exp_b",
        "user_id": "u1",
        "variant": "treatment",
        "persona": "impulsive",
        "first_exposure_at": datetime(2026, 3, 10, 12, 0),
        "item_views": 1,
        "add_to_carts": 1,
        "purchases": 2,
        "revenue": 30.0,
        "pre_revenue": 45.85,
        "pre_orders": 3,
    },
]
EXPERIMENT_USERS_SQL = "SELECT * FROM experiment_users ORDER BY experiment_key, user_id"


def test_experiment_users_follow_the_attribution_rule(loaded):
    build_user_stats(loaded)
    result = build_experiment_users(loaded)
    _assert_rows(_rows(loaded, EXPERIMENT_USERS_SQL), EXPECTED_EXPERIMENT_USERS)
    assert (result.mart, result.rows) == ("experiment_users", 4)


def test_experiment_users_without_user_stats_have_zero_pre_period(loaded):
    build_experiment_users(loaded)
    rows = _rows(loaded, EXPERIMENT_USERS_SQL)
    assert {(row["pre_orders"], row["pre_revenue"]) for row in rows} == {(0, 0.0)}


def test_single_experiment_rebuild_leaves_other_experiments_untouched(loaded):
    build_all(loaded)
    before = loaded.frame(EXPERIMENT_USERS_SQL)
    late = [("u1", "page_view", "14:00", None, None), ("u2", "exposure", "09:00", "exp_c", None)]
    loaded.bulk_insert("events", _events(late, start=1000))
    loaded.bulk_insert(
        "assignments",
        pd.DataFrame([{"experiment_key": "exp_c", "user_id": "u2", "variant": "x", "assigned_at": T("2026-03-10")}]),
    )

    result = build_experiment_users(loaded, experiment_key="exp_b")
    after = loaded.frame(EXPERIMENT_USERS_SQL)
    assert result.rows == 1
    assert loaded.scalar("SELECT row_count FROM mart_builds WHERE mart = 'experiment_users'") == 4
    pd.testing.assert_frame_equal(
        after[after["experiment_key"] == "exp_a"], before[before["experiment_key"] == "exp_a"]
    )
    assert after.loc[after["experiment_key"] == "exp_b", "page_views"].tolist() == [1]  # the late no-key page view
    assert "exp_c" not in set(after["experiment_key"])

    build_experiment_users(loaded)  # a full build agrees with the scoped one on exp_b
    full = loaded.frame(EXPERIMENT_USERS_SQL)
    pd.testing.assert_frame_equal(
        full[full["experiment_key"] == "exp_b"].reset_index(drop=True),
        after[after["experiment_key"] == "exp_b"].reset_index(drop=True),
    )
    assert full.loc[full["experiment_key"] == "exp_a", "page_views"].tolist() == [2, 0, 1]
    assert len(full[full["experiment_key"] == "exp_c"]) == 1


# --- build_all -------------------------------------------------------------------------------------------------

MART_SQL = {
    "daily_metrics": "SELECT * FROM daily_metrics ORDER BY day",
    "user_stats": "SELECT * FROM user_stats ORDER BY user_id",
    "experiment_users": EXPERIMENT_USERS_SQL,
}


def test_build_all_is_idempotent_and_records_builds(loaded):
    results = build_all(loaded)
    assert [(r.mart, r.rows) for r in results] == [("daily_metrics", 3), ("user_stats", 3), ("experiment_users", 4)]
    assert all(r.seconds >= 0 for r in results)
    first = {mart: loaded.frame(sql) for mart, sql in MART_SQL.items()}
    _assert_rows(_rows(loaded, EXPERIMENT_USERS_SQL), EXPECTED_EXPERIMENT_USERS)  # user_stats built first
    builds = loaded.query("SELECT * FROM mart_builds ORDER BY mart")

    build_all(loaded)
    for mart, sql in MART_SQL.items():
        pd.testing.assert_frame_equal(loaded.frame(sql), first[mart], check_exact=True)
    again = loaded.query("SELECT * FROM mart_builds ORDER BY mart")
    assert [(b["mart"], b["row_count"]) for b in again] == [
        ("daily_metrics", 3),
        ("experiment_users", 4),
        ("user_stats", 3),
    ]
    assert all(b["seconds"] >= 0 for b in again)
    assert all(new["built_at"] >= old["built_at"] for new, old in zip(again, builds, strict=True))


def test_a_failing_build_leaves_the_previous_mart_intact(loaded, monkeypatch):
    build_daily_metrics(loaded)
    before = loaded.frame(MART_SQL["daily_metrics"])
    record = loaded.query("SELECT * FROM mart_builds")
    # The DELETE has run when this INSERT fails (NULL day in a key column): the transaction must roll both back.
    monkeypatch.setattr(daily_metrics, "INSERT", "INSERT INTO daily_metrics (day) SELECT CAST(NULL AS DATE)")
    with pytest.raises(sa.exc.DBAPIError):
        build_daily_metrics(loaded)
    pd.testing.assert_frame_equal(loaded.frame(MART_SQL["daily_metrics"]), before)
    assert loaded.query("SELECT * FROM mart_builds") == record


def test_build_all_on_an_empty_database_builds_empty_marts(store):
    assert [(r.mart, r.rows) for r in build_all(store)] == [
        ("daily_metrics", 0),
        ("user_stats", 0),
        ("experiment_users", 0),
    ]
