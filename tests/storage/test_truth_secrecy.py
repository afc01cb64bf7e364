"""The truth is not open data, on DuckDB and on PostgreSQL: what a learner can read does not recompute it.

Issue 11: ``GET /api/runs/{id}`` returned ``params.plan`` and ``ground_truth(Plan.from_dict(plan))`` was the stored
truth; and even without it, every input of the truth was public. Now each store holds a world secret (created once by
its schema step) that draws the personas' knob sensitivities, and only admins can read the world.
"""

import asyncio
import json
from datetime import date

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from marts import schema
from marts.etl.build import build_all
from marts.storage import StorageError, migrations, open_store
from marts.storage.readonly import QueryFailed, QueryRefused, run_readonly
from marts.warehouse.generator import load
from novarium_app.components import data_source
from swarm import runs
from swarm.engine import run_engine
from swarm.history import generate
from swarm.personas import SHOPPERS
from swarm.plan import Plan
from swarm.runner import RunRequest
from swarm.switches import Switches
from swarm.truth import GroundTruth, ground_truth
from swarm.world import NOMINAL, SENSITIVITIES, World, world_of
from tests.public_truth import CLEAR_MARGIN, EVERY_KNOB, largest_gap, public_truth
from tests.storage.swarm_app import make_app, manager, running_experiment, seed_users

KEY = "secret-exp"


def _experiment(store) -> None:
    running_experiment(
        store,
        KEY,
        variants=[
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": EVERY_KNOB},
        ],
    )


def _stored_truth(store, run_id: str) -> GroundTruth:
    return GroundTruth.from_dict(json.loads(store.scalar("SELECT truth FROM runs WHERE run_id = :r", {"r": run_id})))


def _swarm_run(store, app) -> str:
    async def go() -> str:
        runner = manager(store, app)
        run_id = await runner.start(RunRequest(KEY, agents=12, concurrency=4, seed=5))
        await runner.wait(run_id)
        return run_id

    return asyncio.run(go())


def test_the_truth_cannot_be_recomputed_from_what_a_learner_can_read(store):
    _experiment(store)
    seed_users(store, 40)
    app = make_app(store)
    run_id = _swarm_run(store, app)
    stored = _stored_truth(store, run_id)
    with TestClient(app) as api:
        body = api.get(f"/api/runs/{run_id}").json()
        listed = next(item for item in api.get("/api/runs").json() if item["run_id"] == run_id)
        assert "plan" not in body["params"] and "plan" not in listed["params"]
        # The learner's best recomputation: public responses, the open source and the documented personas.
        recomputed = public_truth(api, run_id)
        # The admin's: the same public responses in the deployment's world give the stored truth exactly.
        assert public_truth(api, run_id, world_of(store)) == stored
    gap = largest_gap(recomputed, stored)
    assert gap > CLEAR_MARGIN, f"the public recomputation is within {gap:.1%} of the stored truth"


def test_the_engine_stores_the_truth_of_the_stores_world(store):
    _experiment(store)
    seed_users(store, 40)
    result = run_engine(store, KEY, users=300, seed=3)
    row = runs.get_run(store, result.run_id)
    world = world_of(store)
    assert row.params["plan"]["world"] == world.world_id is not None
    stored = _stored_truth(store, result.run_id)
    plan = row.plan(world)
    assert plan.world == world and ground_truth(plan) == stored
    assert ground_truth(Plan.from_dict(row.params["plan"], world)) == stored
    with TestClient(make_app(store)) as api:
        assert "plan" not in api.get(f"/api/runs/{result.run_id}").json()["params"]
        assert largest_gap(public_truth(api, result.run_id), stored) > CLEAR_MARGIN


def test_a_run_is_rebuilt_only_in_its_own_world(store):
    _experiment(store)
    row = runs.create_run(store, runs.RunSpec("run-w", KEY, 5, 2, 1, 1, 0.0, Switches()))
    world = world_of(store)
    assert row.plan(world).world == world
    with pytest.raises(ValueError, match=r"world: the plan was made in world '[0-9a-f]{16}'"):
        row.plan(NOMINAL)
    with pytest.raises(ValueError, match="world: the plan was made in world"):
        row.plan(World.from_secret(b"another deployment's secret"))


def test_the_world_is_created_once_and_the_same_after_reopening(database_url, tmp_path):
    first = open_store(database_url, tmp_path / "data")
    try:
        world = world_of(first)
        assert not world.nominal and set(world.sensitivities) == {p.name for p in SHOPPERS}
        assert migrations.upgrade(first.engine) == []  # every step applied: nothing draws a new secret
        secret = first.scalar("SELECT secret FROM world_secret")
        assert len(secret) == 64 and int(first.scalar("SELECT COUNT(*) FROM world_secret")) == 1
    finally:
        first.close()
    again = open_store(database_url, tmp_path / "data")
    try:
        assert world_of(again) == world and again.scalar("SELECT secret FROM world_secret") == secret
    finally:
        again.close()


def test_each_deployment_draws_its_own_world(store, tmp_path):
    other = open_store(None, tmp_path / "other")
    try:
        assert world_of(other).world_id != world_of(store).world_id
        assert world_of(other).sensitivities != world_of(store).sensitivities
    finally:
        other.close()


def test_the_admin_population_endpoint_carries_the_world_and_open_reads_do_not(store):
    _experiment(store)
    seed_users(store, 10)
    app = make_app(store)
    run_id = _swarm_run(store, app)
    world = world_of(store)
    with TestClient(app) as api:
        roster = api.get(f"/api/runs/{run_id}/population").json()
        assert World.from_dict(roster["world"]) == world
        secret = store.scalar("SELECT secret FROM world_secret")
        open_reads = [
            api.get("/api/runs").text,
            api.get(f"/api/runs/{run_id}").text,
            api.get(f"/api/runs/{run_id}/audit").text,
            api.get("/api/experiments").text,
            api.get(f"/api/experiments/{KEY}").text,
            api.get(f"/api/experiments/{KEY}/summary").text,
            api.get(f"/api/experiments/{KEY}/units").text,
            api.get("/api/adoptions").text,
        ]
    for text in open_reads:
        assert secret not in text and world.world_id not in text
        for values in world.sensitivities.values():
            assert not [repr(v) for v in values.values() if v and repr(v) in text], text
        assert not any(name in text for name in SENSITIVITIES)


def test_the_sql_lab_and_the_data_page_never_read_the_world(store):
    for query in (
        "SELECT secret FROM world_secret",
        "SELECT * FROM world_secret",
        "SELECT w.secret FROM users AS u, world_secret AS w",
        "SELECT secret FROM (SELECT * FROM world_secret) AS w",
        "WITH w AS (SELECT * FROM world_secret) SELECT secret FROM w",
    ):
        with pytest.raises(QueryRefused):
            run_readonly(store, query)
    assert "world_secret" not in data_source.row_counts(store)
    with pytest.raises(ValueError, match="table: unknown table 'world_secret'"):
        data_source.preview(store, "world_secret")


def test_the_sql_lab_refuses_the_world_through_a_recursive_cte(store):
    table = "world_secret"
    recursive = f"WITH RECURSIVE {table} AS (SELECT * FROM {table} UNION SELECT * FROM {table}) SELECT * FROM {table}"
    with pytest.raises((QueryRefused, QueryFailed)):
        run_readonly(store, recursive)


def test_a_database_made_before_worlds_gets_one_and_its_old_runs_stay_nominal(database_url, tmp_path):
    before = next(step.version for step in migrations.STEPS if step.description.startswith("world:")) - 1
    old = open_store(database_url, tmp_path / "data", upgrade=False)
    migrations.upgrade(old.engine, target=before)
    _experiment(old)
    plan = Plan.build([("control", {}), ("treatment", EVERY_KNOB)], days=2)
    params = {"kind": "http", "agents": 5, "days": 2, "mix": None, "plan": plan.to_dict()}
    del params["plan"]["world"]  # what this release's predecessor stored
    truth = ground_truth(plan)
    old.execute(
        "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
        "events_sent, events_stored, truth, started_at) VALUES ('run-old', :key, 'http', 'completed', 1, :params, "
        "5, 5, 0, 0, :truth, :at)",
        {"key": KEY, "params": json.dumps(params), "truth": json.dumps(truth.to_dict()), "at": plan.end},
    )
    old.close()

    upgraded = open_store(database_url, tmp_path / "data")
    try:
        world = world_of(upgraded)
        assert not world.nominal
        rebuilt = runs.get_run(upgraded, "run-old").plan(world)
        assert rebuilt.world == NOMINAL and ground_truth(rebuilt) == _stored_truth(upgraded, "run-old")
    finally:
        upgraded.close()


def test_the_warehouse_and_marts_are_the_same_with_and_without_a_secret(store, tmp_path):
    """Only knob effects are secret: seeding and the marts never read the world, and never change it."""
    world = world_of(store)
    bare = open_store(None, tmp_path / "bare")
    try:
        bare.execute("DELETE FROM world_secret")
        for target in (store, bare):
            load(target, generate(users=300, days=30, seed=5, end=date(2026, 11, 1)))
            build_all(target, as_of=date(2026, 11, 1))
        for table in (*schema.WAREHOUSE_TABLES, *schema.MART_TABLES):
            if table == "mart_builds":
                continue  # when and how fast each build ran
            ours, theirs = (_sorted(target.frame(f"SELECT * FROM {table}")) for target in (store, bare))
            pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, obj=table)
        assert world_of(store) == world
        with pytest.raises(StorageError, match="world: the database holds no world secret"):
            world_of(bare)
    finally:
        bare.close()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)
