"""The ingestion fast path answers exactly what the FastAPI routes answer, on DuckDB and on PostgreSQL."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shop import api as shop_api
from shop import cache, fast_path, run_secrets
from shop.assignment import assign
from shop.tracking import exposure_event_id
from tests.storage.swarm_app import make_app, run_row, running_experiment

KEY = "swarm-exp"


def plain_app(store) -> FastAPI:
    app = FastAPI()
    app.include_router(shop_api.router, prefix="/api")
    app.dependency_overrides[shop_api.get_store] = lambda: store
    return app


@pytest.fixture
def clients(store, monkeypatch) -> Iterator[tuple[TestClient, TestClient, list[str]]]:
    running_experiment(store, KEY)
    served: list[str] = []
    for name in ("_fast_assign", "_fast_ingest"):
        original = getattr(fast_path, name)

        async def counted(store, body, run_secret, original=original, name=name):
            answer = await original(store, body, run_secret)
            if answer is not None:
                served.append(name)
            return answer

        monkeypatch.setattr(fast_path, name, counted)
    with TestClient(make_app(store)) as fast, TestClient(plain_app(store)) as plain:
        yield fast, plain, served


def event(event_id: str, user: str = "u1", name: str = "page_view", **fields) -> dict:
    return {"event_id": event_id, "user_id": user, "name": name, **fields}


def test_assign_answers_like_the_route_and_records_the_assignment(store, clients):
    fast, plain, served = clients
    secret = {run_secrets.HEADER: run_row(store, "run-1")}
    for user in ("alice", "bob"):
        body = {"user_id": user, "experiment_key": KEY, "run_id": "run-1"}
        answered = fast.post("/api/assign", json=body, headers=secret)
        reference = plain.post("/api/assign", json=body, headers=secret)
        assert answered.status_code == reference.status_code == 200
        assert answered.json() == reference.json()
        assert answered.json()["variant"] == assign(KEY, user, [("control", 50.0), ("treatment", 50.0)])
    assert served == ["_fast_assign", "_fast_assign"]
    assert store.scalar("SELECT COUNT(*) FROM assignments WHERE run_id = 'run-1'") == 2


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": "u1", "experiment_key": "nope"},  # 404
        {"user_id": "bad id!", "experiment_key": KEY},  # 422 from FastAPI
        {"user_id": "u1", "experiment_key": KEY, "run_id": "x" * 41},  # 422 from FastAPI
        {"experiment_key": KEY},  # 422 from FastAPI
    ],
)
def test_refusals_and_malformed_assigns_answer_like_the_route(clients, body):
    fast, plain, _ = clients
    answered, reference = fast.post("/api/assign", json=body), plain.post("/api/assign", json=body)
    assert (answered.status_code, answered.json()) == (reference.status_code, reference.json())
    assert answered.status_code in (404, 422)


def test_a_stopped_experiment_refuses_assignment_with_the_routes_409(store, clients):
    fast, plain, _ = clients
    store.execute("UPDATE experiments SET status = 'stopped' WHERE key = :k", {"k": KEY})
    cache.invalidate(store)
    body = {"user_id": "u1", "experiment_key": KEY}
    answered, reference = fast.post("/api/assign", json=body), plain.post("/api/assign", json=body)
    assert answered.status_code == reference.status_code == 409
    assert answered.json() == reference.json()


def test_events_answer_like_the_route_with_duplicates_and_rejections(store, clients):
    fast, plain, served = clients
    exposure = event(exposure_event_id(KEY, "u1"), name="exposure", experiment_key=KEY)
    batch = [exposure, event("a1"), event("a1"), event("a2", name="nope"), event("a3", name="purchase", value=-1)]
    answered = fast.post("/api/events", json={"events": batch})
    assert answered.status_code == 200
    assert answered.json()["accepted"] == 2 and answered.json()["duplicates"] == 1
    assert [r["index"] for r in answered.json()["rejected"]] == [3, 4]
    again = fast.post("/api/events", json={"events": batch})
    reference = plain.post("/api/events", json={"events": batch})
    assert again.json() == reference.json() == {**answered.json(), "accepted": 0, "duplicates": 3}
    assert served == ["_fast_ingest", "_fast_ingest"]
    assert store.row_count("events") == 2


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"events": [', "application/json"),  # broken JSON
        (b'{"events": {"event_id": "e1"}}', "application/json"),  # not a list
        (b'[{"event_id": "e1"}]', "application/json"),  # not an object
        (b'{"events": []}', "text/plain"),  # not JSON
    ],
)
def test_malformed_batches_fall_through_to_fastapis_own_answer(store, clients, content, content_type):
    fast, plain, served = clients
    headers = {"content-type": content_type}
    answered = fast.post("/api/events", content=content, headers=headers)
    reference = plain.post("/api/events", content=content, headers=headers)
    assert (answered.status_code, answered.json()) == (reference.status_code, reference.json())
    assert served == [] and store.row_count("events") == 0


def test_other_paths_are_untouched(clients):
    fast, plain, served = clients
    assert fast.get("/api/experiments").json() == plain.get("/api/experiments").json()
    assert fast.get("/api/events").status_code == plain.get("/api/events").status_code == 405
    assert served == []
