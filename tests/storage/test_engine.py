"""The engine on DuckDB and PostgreSQL: one run writes consistent runs, assignments and events, the marts built from
them agree with the stored truth, and a failed run stores nothing but its failure.
"""

import json
import math
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from marts.etl.build import build_all
from marts.storage import StorageError
from marts.warehouse.generator import load
from shop import repository
from shop.tracking import exposure_event_id
from swarm import engine
from swarm.history import generate
from swarm.switches import Switches
from swarm.truth import GroundTruth

KEY = "engine-test"
SPEC = {
    "key": KEY,
    "hypothesis": "A red banner with a discount and an urgency badge lifts conversion.",
    "variants": [
        {"name": "control", "weight": 1},
        {"name": "treatment", "weight": 1, "config": {"banner_color": "red", "discount_pct": 15}},
    ],
}
WAREHOUSE_USERS = 1_500


@pytest.fixture
def running(store):
    """The store with a small warehouse and a running experiment."""
    load(store, generate(users=WAREHOUSE_USERS, days=21, seed=5, end=date.today()))
    repository.create_experiment(store, SPEC)
    repository.start_experiment(store, KEY)
    return store


def test_a_run_writes_consistent_rows_and_the_marts_agree_with_the_truth(running):
    store = running
    before = datetime.now().replace(microsecond=0) - timedelta(seconds=1)
    result = engine.run_engine(store, KEY, users=12_000, seed=3, days=2, switches=Switches(bot_share=0.05))
    record = repository.get_experiment(store, KEY)

    run = store.query("SELECT * FROM runs")[0]
    assert (run["run_id"], run["kind"], run["status"], run["experiment_key"]) == (
        result.run_id,
        "engine",
        "completed",
        KEY,
    )
    assert run["agents_planned"] == run["agents_done"] == 12_000
    assert run["events_sent"] == run["events_stored"] == result.events == store.row_count("events")
    assert json.loads(run["params"])["result"]["visits"] == result.visits
    truth = GroundTruth.from_dict(json.loads(run["truth"]))
    assert truth.state == "analytic" and truth.variants == ("control", "treatment") and truth.mix["bot"] == 0.05

    assignments = store.frame("SELECT user_id, variant, run_id, assigned_at FROM assignments")
    assert len(assignments) == sum(result.assigned.values()) == 12_000
    assert all(record.assign(u) == v for u, v in zip(assignments["user_id"], assignments["variant"], strict=True))
    assert result.from_warehouse > 0.8 * WAREHOUSE_USERS
    users = store.frame("SELECT user_id, persona, signup_at FROM users")
    assert assignments["user_id"].isin(users["user_id"]).all()  # new visitors are users too
    newcomers = users[users["user_id"].str.startswith(f"{result.run_id}-")]
    assert len(newcomers) == 12_000 - result.from_warehouse and len(users) == WAREHOUSE_USERS + len(newcomers)
    assert set(newcomers["persona"]) <= set(truth.mix) and newcomers["persona"].eq("bot").any()

    events = store.frame("SELECT event_id, user_id, name, ts, experiment_key, variant, value, run_id FROM events")
    exposures = events[events["name"] == "exposure"]
    assert len(exposures) == result.exposed == 12_000
    assert (exposures["event_id"] == [exposure_event_id(KEY, u) for u in exposures["user_id"]]).all()
    assigned_variant = assignments.set_index("user_id")["variant"]
    assert (exposures["variant"].to_numpy() == assigned_variant[exposures["user_id"]].to_numpy()).all()
    outcomes = events[events["name"] != "exposure"]
    assert outcomes["experiment_key"].isna().all() and outcomes["variant"].isna().all()
    assert (events["run_id"] == result.run_id).all() and events["event_id"].is_unique
    purchases = events[events["name"] == "purchase"]
    assert (purchases["value"] > 0).all() and events.loc[events["name"] != "purchase", "value"].isna().all()
    ts = pd.to_datetime(events["ts"])
    assert ts.max() <= pd.Timestamp(datetime.now()) and ts.min() >= pd.Timestamp(before - timedelta(days=2))
    first_exposure = pd.to_datetime(exposures.set_index("user_id")["ts"])
    assert (ts.to_numpy() >= first_exposure[events["user_id"]].to_numpy()).all()

    build_all(store)
    mart = store.frame("SELECT * FROM experiment_users WHERE experiment_key = :key", {"key": KEY})
    assert len(mart) == 12_000
    assert mart["item_views"].sum() == (events["name"] == "item_view").sum()
    assert mart["revenue"].sum() == pytest.approx(purchases["value"].sum(), abs=0.01)
    assert (mart["pre_orders"] > 0).any()  # warehouse users bring their pre-period for CUPED
    assert mart["persona"].notna().all()  # no segment reads "unknown"
    for variant, rows in mart.groupby("variant"):
        _agrees(truth, "conversion", variant, (rows["purchases"] > 0).astype(float))
        _agrees(truth, "banner_ctr", variant, (rows["banner_clicks"] > 0).astype(float))
        _agrees(truth, "revenue_per_visitor", variant, rows["revenue"])
        _agrees(truth, "items_viewed", variant, rows["item_views"])
        aov = rows["revenue"].sum() / rows["purchases"].sum()
        assert abs(aov - truth.value("aov", variant)) < 0.1 * truth.value("aov", variant)


def test_the_exposure_bug_hides_users_from_the_mart(running):
    store = running
    switches = Switches(exposure_bug=0.8, exposure_bug_variant="treatment")
    result = engine.run_engine(store, KEY, users=6_000, seed=4, switches=switches)
    assert result.exposed < sum(result.assigned.values())
    build_all(store)
    counts = {
        row["variant"]: row["n"]
        for row in store.query("SELECT variant, COUNT(*) AS n FROM experiment_users GROUP BY variant")
    }
    assert sum(counts.values()) == result.exposed
    assert counts["control"] == result.assigned["control"]
    assert counts["treatment"] < 0.85 * counts["control"]  # a sample-ratio mismatch


def test_a_failed_write_stores_nothing_and_marks_the_run_failed(running, monkeypatch):
    store = running
    original = store.bulk_insert
    calls = []

    def failing(table, frame, conn=None):
        calls.append(table)
        if len(calls) == 4:  # the second block's events, after a first block went in
            raise StorageError(f"{table}: bulk load failed: disk full")
        return original(table, frame, conn=conn)

    monkeypatch.setattr(store, "bulk_insert", failing)
    with pytest.raises(StorageError, match="disk full"):
        engine.run_engine(store, KEY, users=3_000, seed=1, block_users=1_000)
    run = store.query("SELECT status, error, events_stored FROM runs")[0]
    assert run["status"] == "failed" and "disk full" in run["error"] and run["events_stored"] == 0
    assert store.row_count("events") == 0 and store.row_count("assignments") == 0


def test_a_second_run_draws_new_warehouse_users(running):
    store = running
    rational = store.scalar("SELECT COUNT(*) FROM users WHERE persona = 'rational'")
    first = engine.run_engine(store, KEY, users=rational - 50, seed=1, mix={"rational": 1.0})
    second = engine.run_engine(store, KEY, users=200, seed=1, mix={"rational": 1.0})
    users = store.frame("SELECT user_id, run_id FROM assignments")
    assert users["user_id"].is_unique and len(users) == rational + 150
    assert (first.from_warehouse, second.from_warehouse) == (rational - 50, 50)


def test_only_a_running_experiment_is_simulated(store):
    repository.create_experiment(store, SPEC)
    with pytest.raises(ValueError, match=r"experiment_key: experiment 'engine-test' is draft"):
        engine.run_engine(store, KEY, users=10, seed=1)
    with pytest.raises(ValueError, match="does not exist"):
        engine.run_engine(store, "nope-nope", users=10, seed=1)
    assert store.row_count("runs") == 0


def _agrees(truth: GroundTruth, metric: str, variant: str, values: pd.Series) -> None:
    error = values.std(ddof=1) / math.sqrt(len(values))
    expected = truth.value(metric, variant)
    assert abs(values.mean() - expected) < 4.5 * error, (metric, variant, values.mean(), expected)
    assert np.isfinite(expected)
