"""Amounts no row may hold, already stored (from before the API refused them, or written directly): the marts leave
them out and name them, the results page still answers and ``novarium marts build`` goes on; DuckDB and PostgreSQL."""

import math
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from marts.etl import build_all, build_experiment_users
from marts.schema import MAX_MONEY
from novarium_app.lab.recording import analyse
from shop import repository
from tests.storage.swarm_app import running_experiment

KEY = "swarm-exp"
NOVARIUM = Path(sys.executable).with_name("novarium")
DAY = datetime(2026, 3, 2, 10)


def insert_events(store, rows: list[tuple[str, str, str, float | None, str | None]]) -> None:
    """(event_id, user_id, name, value, experiment_key) rows, stored as they are, past every API rule."""
    frame = pd.DataFrame(rows, columns=["event_id", "user_id", "name", "value", "experiment_key"])
    frame["ts"] = DAY
    frame["received_at"] = DAY
    store.bulk_insert("events", frame)


@pytest.fixture
def exposed(store):
    """Two exposed users of a running experiment: u1 bought for 12.50 and for 1e308, u2 for Infinity and 20."""
    record = running_experiment(store, KEY)
    assignments = pd.DataFrame(
        {"experiment_key": [KEY, KEY], "user_id": ["u1", "u2"], "variant": ["control", "treatment"]}
    )
    assignments["assigned_at"] = DAY
    store.bulk_insert("assignments", assignments)
    insert_events(
        store,
        [
            ("x1", "u1", "exposure", None, KEY),
            ("x2", "u2", "exposure", None, KEY),
            ("ok1", "u1", "purchase", 12.5, None),
            ("huge", "u1", "purchase", 1e308, None),
            ("inf", "u2", "purchase", math.inf, None),
            ("ok2", "u2", "purchase", 20.0, None),
            ("negative", "u2", "add_to_cart", -5.0, None),
        ],
    )
    return record


def revenue(store) -> dict[str, tuple[int, float]]:
    rows = store.query("SELECT user_id, purchases, revenue FROM experiment_users ORDER BY user_id")
    return {row["user_id"]: (int(row["purchases"]), float(row["revenue"])) for row in rows}


def test_the_build_leaves_out_and_names_the_rows_and_goes_on(store, exposed):
    results = build_all(store)
    users = next(result for result in results if result.mart == "experiment_users")
    assert revenue(store) == {"u1": (1, 12.5), "u2": (1, 20.0)}
    rule = f"value must be from 0 to {MAX_MONEY:,.0f}"
    assert users.skipped == (
        f"events row event_id='huge': {rule} (got 1e+308); left out",
        f"events row event_id='inf': {rule} (got inf); left out",
        f"events row event_id='negative': {rule} (got -5.0); left out",
    )


def test_the_experiments_results_page_still_answers(store, exposed):
    record = repository.get_experiment(store, KEY)
    results = analyse(store, record)  # what the results page calls: rebuilds the experiment's rows, then analyses
    assert results is not None
    assert revenue(store) == {"u1": (1, 12.5), "u2": (1, 20.0)}
    assert build_experiment_users(store, experiment_key=KEY).skipped  # named there too


def test_orders_with_impossible_totals_are_left_out_of_the_daily_and_user_marts(store):
    users = pd.DataFrame({"user_id": ["w1"], "region": ["Seoul"], "device": ["web"], "persona": ["rational"]})
    users["signup_at"] = datetime(2026, 1, 1)
    store.bulk_insert("users", users)
    sessions = pd.DataFrame({"session_id": [1], "user_id": ["w1"], "device": ["web"], "page_views": [3]})
    sessions = sessions.assign(
        started_at=DAY, viewed_item=True, added_to_cart=True, started_checkout=True, ordered=True
    )
    store.bulk_insert("sessions", sessions)
    orders = pd.DataFrame(
        {
            "order_id": [1, 2],
            "user_id": ["w1", "w1"],
            "session_id": [1, 1],
            "restaurant_id": [1, 1],
            "items_count": [1, 1],
            "subtotal": [10.0, 1e308],
            "discount": [0.0, 0.0],
            "delivery_fee": [0.0, 0.0],
            "total": [10.0, 1e308],
            "status": ["delivered", "delivered"],
        }
    )
    orders["ordered_at"] = DAY
    store.bulk_insert("orders", orders)
    results = {result.mart: result for result in build_all(store)}
    assert store.scalar("SELECT revenue FROM daily_metrics") == 10.0
    assert store.scalar("SELECT revenue FROM user_stats WHERE user_id = 'w1'") == 10.0
    named = "orders row order_id=2: total must be from 0 to 100,000 (got 1e+308); left out"
    assert results["daily_metrics"].skipped == results["user_stats"].skipped == (named,)


def test_novarium_marts_build_warns_naming_the_row_and_exits_zero(store, exposed, database_url, tmp_path):
    store.close()  # embedded DuckDB: one process at a time
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(NOVARIUM_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run([str(NOVARIUM), "marts", "build"], capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (
        "warning: events row event_id='huge': value must be from 0 to 100,000 (got 1e+308); left out" in result.stdout
    )
