"""Loading the generated warehouse, on DuckDB and on PostgreSQL: round trip, replacement and atomicity."""

import dataclasses
from datetime import date

import pandas as pd
import pytest

from marts import schema
from marts.storage import StorageError
from marts.warehouse import Warehouse, load
from swarm.history import generate

END = date(2026, 3, 2)


@pytest.fixture(scope="module")
def first() -> Warehouse:
    return generate(users=400, days=14, seed=1, end=END)


@pytest.fixture(scope="module")
def second() -> Warehouse:
    return generate(users=250, days=21, seed=2, end=END)


def _counts(store) -> dict[str, int]:
    return {name: store.row_count(name) for name in schema.WAREHOUSE_TABLES}


def _fingerprint(store) -> dict[str, object]:
    """Figures that differ between two warehouses even when their sizes match."""
    return {
        "revenue": round(float(store.scalar("SELECT SUM(total) FROM orders")), 2),
        "first_session": pd.Timestamp(store.scalar("SELECT MIN(started_at) FROM sessions")),
        "last_signup": pd.Timestamp(store.scalar("SELECT MAX(signup_at) FROM users")),
        "units": int(store.scalar("SELECT SUM(quantity) FROM order_items")),
    }


def _expected_fingerprint(warehouse: Warehouse) -> dict[str, object]:
    return {
        "revenue": round(float(warehouse.orders["total"].sum()), 2),
        "first_session": warehouse.sessions["started_at"].min(),
        "last_signup": warehouse.users["signup_at"].max(),
        "units": int(warehouse.order_items["quantity"].sum()),
    }


def test_load_round_trips_every_table(store, first):
    counts = load(store, first)
    assert counts == first.row_counts()
    assert _counts(store) == first.row_counts()
    assert _fingerprint(store) == _expected_fingerprint(first)
    back = store.frame("SELECT * FROM orders ORDER BY order_id")
    pd.testing.assert_frame_equal(back, first.orders, check_dtype=False)
    flags = store.query("SELECT COUNT(*) AS n FROM sessions WHERE ordered")
    assert flags[0]["n"] == int(first.sessions["ordered"].sum())


def test_a_second_load_replaces_the_first(store, first, second):
    load(store, first)
    counts = load(store, second)
    assert counts == second.row_counts()
    assert _counts(store) == second.row_counts()
    assert _fingerprint(store) == _expected_fingerprint(second)
    load(store, second)  # and again: idempotent
    assert _counts(store) == second.row_counts()


def _index_names(store, table: str) -> set[str]:
    if store.backend == "duckdb":
        sql = "SELECT index_name AS name FROM duckdb_indexes() WHERE table_name = :table"
    else:
        sql = "SELECT indexname AS name FROM pg_indexes WHERE tablename = :table AND schemaname = current_schema()"
    return {row["name"] for row in store.query(sql, {"table": table})}


def test_replacing_keeps_the_schema_tables_and_indexes(store, first, second):
    load(store, first)
    load(store, second)
    for name in schema.WAREHOUSE_TABLES:
        table = schema.metadata.tables[name]
        assert store.table_columns(name) == list(table.c.keys()), name
        assert {index.name for index in table.indexes} <= _index_names(store, name), name
    with pytest.raises(StorageError, match="sessions: bulk load failed"):
        store.bulk_insert("sessions", second.sessions.head(1))  # the primary key is back
    with pytest.raises(StorageError, match="menu_items: bulk load failed"):
        store.bulk_insert("menu_items", second.menu_items.head(1).assign(item_id=99_999, restaurant_id=999))


def test_a_failing_load_leaves_the_previous_warehouse_intact(store, first, second):
    load(store, first)
    before = _fingerprint(store)
    duplicated = pd.concat([second.order_items, second.order_items.tail(1)], ignore_index=True)
    broken = dataclasses.replace(second, order_items=duplicated)  # the last table violates its primary key
    with pytest.raises(StorageError, match="order_items: bulk load failed"):
        load(store, broken)
    assert _counts(store) == first.row_counts()
    assert _fingerprint(store) == before
    assert {index.name for index in schema.sessions.indexes} <= _index_names(store, "sessions")
    assert load(store, second) == second.row_counts()  # the store is still usable


def test_catalog_changes_replace_the_catalog(store, first):
    load(store, first)
    restaurants = first.restaurants[first.restaurants["restaurant_id"] != 30].copy()
    restaurants.loc[restaurants["restaurant_id"] == 1, ["name", "delivery_fee"]] = ["Seoul Garden BBQ & Bar", 0.99]
    orders = first.orders[first.orders["restaurant_id"] != 30]
    changed = dataclasses.replace(
        first,
        restaurants=restaurants,
        menu_items=first.menu_items[first.menu_items["restaurant_id"] != 30],
        orders=orders,
        order_items=first.order_items[first.order_items["order_id"].isin(orders["order_id"])],
    )
    assert load(store, changed) == changed.row_counts()
    assert _counts(store) == changed.row_counts()
    assert store.query("SELECT name, delivery_fee FROM restaurants WHERE restaurant_id = 1") == [
        {"name": "Seoul Garden BBQ & Bar", "delivery_fee": 0.99}
    ]
    assert store.scalar("SELECT COUNT(*) FROM restaurants WHERE restaurant_id = 30") == 0
