"""Only a run's own agents write into it, and stored run ids are read defensively; on DuckDB and on PostgreSQL.

The clients call the API as it is mounted (the fast path in front of the routes) and the routes alone, so both
paths refuse the same writes.
"""

import hashlib
from collections.abc import Iterator
from datetime import datetime

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from marts.storage import migrations, open_store
from shop import api as shop_api
from shop import run_secrets
from swarm import api as swarm_api
from swarm import runs
from tests.storage.swarm_app import make_app, running_experiment, seed_users

KEY = "swarm-exp"
HEADER = run_secrets.HEADER


def routes_only(store) -> FastAPI:
    app = FastAPI()
    app.include_router(shop_api.router, prefix="/api")
    app.include_router(swarm_api.router, prefix="/api")
    app.dependency_overrides[shop_api.get_store] = lambda: store
    app.dependency_overrides[shop_api.get_admin_policy] = lambda: shop_api.AdminPolicy(is_local=True, token=None)
    return app


@pytest.fixture(params=["fast path", "routes"])
def client(store, request) -> Iterator[TestClient]:
    running_experiment(store, KEY)
    seed_users(store, 5)
    app = make_app(store) if request.param == "fast path" else routes_only(store)
    with TestClient(app) as test_client:
        yield test_client


def new_run(client, run_id: str = "run-a", agents: int = 3) -> str:
    """Create a run through the API; returns its secret."""
    response = client.post("/api/runs", json={"run_id": run_id, "experiment_key": KEY, "agents": agents})
    assert response.status_code == 201, response.text
    return response.json()["secret"]


def page_view(event_id: str, run_id: str = "run-a", user: str = "w00000") -> dict:
    return {"event_id": event_id, "user_id": user, "name": "page_view", "run_id": run_id}


def post(client, events: list[dict], secret: str | None = None) -> dict:
    headers = {HEADER: secret} if secret is not None else {}
    response = client.post("/api/events", json={"events": events}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_events_carrying_a_run_id_are_stored_only_with_that_runs_secret(client, store):
    secret = new_run(client)
    other = new_run(client, "run-b")
    missing = post(client, [page_view("run-a:0:0")])
    assert missing["rejected"][0]["reason"] == (
        f"events[0].run_id: run 'run-a' takes data only from its own agents, which send its secret in {HEADER}"
    )
    wrong = post(client, [page_view("run-a:0:0")], secret=other)
    rule = f"the {HEADER} header does not hold the secret of run 'run-a'"
    assert wrong["rejected"][0]["reason"] == f"events[0].run_id: {rule}"
    unknown = post(client, [page_view("run-z:0:0", run_id="run-z")], secret=secret)
    assert unknown["rejected"][0]["reason"].startswith("events[0].run_id: unknown run 'run-z'")
    assert store.row_count("events") == 0
    plain = {"event_id": "plain", "user_id": "visitor", "name": "page_view"}
    mixed = post(client, [page_view("run-a:0:0"), page_view("run-b:0:0", run_id="run-b"), plain], secret)
    assert mixed["accepted"] == 2 and [r["index"] for r in mixed["rejected"]] == [1]
    assert store.scalar("SELECT COUNT(*) FROM events WHERE run_id = 'run-a'") == 1
    assert store.scalar("SELECT COUNT(*) FROM events WHERE run_id = 'run-b'") == 0


def test_an_assignment_carrying_a_run_id_needs_the_runs_secret(client, store):
    secret = new_run(client)
    body = {"user_id": "w00001", "experiment_key": KEY, "run_id": "run-a"}
    refused = client.post("/api/assign", json=body)
    assert refused.status_code == 403 and refused.json()["detail"].startswith("run_id: run 'run-a' takes data only")
    assert client.post("/api/assign", json=body, headers={HEADER: "guess"}).status_code == 403
    assert store.row_count("assignments") == 0
    assert client.post("/api/assign", json=body, headers={HEADER: secret}).status_code == 200
    assert store.scalar("SELECT run_id FROM assignments WHERE user_id = 'w00001'") == "run-a"


def test_the_secret_is_answered_once_and_kept_hashed(client, store):
    secret = new_run(client)
    assert len(secret) >= 40
    stored = store.scalar("SELECT secret_hash FROM runs WHERE run_id = 'run-a'")
    assert stored == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored
    for path in ("/api/runs/run-a", "/api/runs"):
        text = client.get(path).text
        assert secret not in text and stored not in text and "secret" not in text


def test_resuming_issues_a_new_secret_and_retires_the_old_one(client, store):
    old = new_run(client)
    stop = {"status": "stopped", "agents_done": 0, "events_sent": 0, "events_stored": 0}
    assert client.post("/api/runs/run-a/progress", json=stop).status_code == 200
    resumed = client.post("/api/runs/run-a/resume")
    assert resumed.status_code == 200
    new = resumed.json()["run"]["secret"]
    assert new != old
    assert post(client, [page_view("run-a:0:0")], secret=old)["accepted"] == 0
    assert post(client, [page_view("run-a:0:0")], secret=new)["accepted"] == 1


def insert_events(store, run_id: str, ids: list[str]) -> None:
    now = datetime(2026, 1, 1)
    frame = pd.DataFrame(
        {
            "event_id": ids,
            "user_id": ["w00000"] * len(ids),
            "name": ["page_view"] * len(ids),
            "ts": [now] * len(ids),
            "run_id": [run_id] * len(ids),
            "received_at": [now] * len(ids),
        }
    )
    store.bulk_insert("events", frame)


FOREIGN_IDS = ["run-a:x", "run-a:last", "run-a:999999:last", "run-a:1:x:last", "run-a:-1:0:last", "run-a:2:3:last:x"]


def test_stored_ids_that_no_agent_of_the_run_sends_are_ignored_by_audit_and_resume(client, store):
    new_run(client)
    insert_events(store, "run-a", [*FOREIGN_IDS, "run-a:1:0", f"run-a:1:1{runs.LAST_SUFFIX}"])
    audit = client.get("/api/runs/run-a/audit")
    assert audit.status_code == 200, audit.text
    assert audit.json()["agents_done"] == [[1, 2]] and audit.json()["agents_with_events"] == [[1, 2]]
    assert audit.json()["events_stored"] == len(FOREIGN_IDS) + 2
    stop = {"status": "stopped", "agents_done": 0, "events_sent": 0, "events_stored": 0}
    client.post("/api/runs/run-a/progress", json=stop)
    resumed = client.post("/api/runs/run-a/resume")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["done"] == [[1, 2]] and resumed.json()["run"]["agents_done"] == 1


def test_an_older_database_gains_the_secret_column_and_keeps_its_runs(database_url, tmp_path):
    store = open_store(database_url, tmp_path / "data", upgrade=False)
    try:
        migrations.upgrade(store.engine, target=4)
        store.execute("ALTER TABLE runs DROP COLUMN secret_hash")  # as version 4 created it
        store.execute(
            "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
            "events_sent, events_stored, started_at) VALUES ('old', 'k', 'http', 'stopped', 0, '{}', 1, 0, 0, 0, :t)",
            {"t": datetime(2026, 1, 1)},
        )
        assert "secret_hash" not in store.table_columns("runs")
        applied = migrations.upgrade(store.engine)
        assert applied[0] == 5 and applied[-1] == migrations.LATEST
        assert "secret_hash" in store.table_columns("runs")
        assert store.query("SELECT run_id, secret_hash FROM runs") == [{"run_id": "old", "secret_hash": None}]
        assert run_secrets.load(store) == {}  # a run without a secret takes no writes until it is resumed
        with store.engine.connect() as conn:
            assert migrations.current_version(conn) == migrations.LATEST
    finally:
        store.close()


def test_a_new_database_has_the_column_from_the_start(store):
    assert "secret_hash" in store.table_columns("runs")
    with store.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT MAX(version) FROM schema_migrations")).scalar() == migrations.LATEST
