"""The shop's JSON API against a real Store, on DuckDB and on PostgreSQL."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shop import api as shop_api
from shop.assignment import assign
from shop.tracking import exposure_event_id

TOKEN = "s3cret-token"
SPEC = shop_api.SPEC_EXAMPLE
ARMS = [("control", 50.0), ("treatment", 50.0)]


def make_client(store, policy: shop_api.AdminPolicy) -> TestClient:
    app = FastAPI()
    app.include_router(shop_api.router, prefix="/api")
    app.dependency_overrides[shop_api.get_store] = lambda: store
    app.dependency_overrides[shop_api.get_admin_policy] = lambda: policy
    return TestClient(app)


@pytest.fixture
def client(store) -> Iterator[TestClient]:
    with make_client(store, shop_api.AdminPolicy(is_local=True, token=None)) as test_client:
        yield test_client


def event(event_id: str, user_id: str = "u1", name: str = "page_view", **fields) -> dict:
    return {"event_id": event_id, "user_id": user_id, "name": name, **fields}


def test_bad_json_is_a_422_and_stores_nothing(client, store):
    broken = b'{"events": [{"event_id": "e1",'
    response = client.post("/api/events", content=broken, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
    assert store.row_count("events") == 0


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        ({}, ["body", "events"], "Field required"),
        ({"events": {"event_id": "e1"}}, ["body", "events"], "valid list"),
        ({"events": [event(f"e{i}") for i in range(1001)]}, ["body", "events"], "at most 1000 items"),
        ([event("e1")], ["body"], "valid dictionary"),
    ],
)
def test_a_malformed_batch_is_a_422_naming_the_field_and_stores_nothing(client, store, body, loc, message):
    response = client.post("/api/events", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == loc and message in detail["msg"]
    assert store.row_count("events") == 0


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (event("e1", name="foo"), "events[0].name: unknown event 'foo'"),
        (event("e1", name="purchase", value=-3), "events[0].value: must be a number >= 0"),
        ({"event_id": "e1", "name": "page_view"}, "events[0].user_id: is required"),
    ],
)
def test_a_bad_event_is_rejected_with_a_reason_and_stores_nothing(client, store, bad, reason):
    response = client.post("/api/events", json={"events": [bad]})
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 0 and body["duplicates"] == 0
    assert body["rejected"][0]["index"] == 0 and body["rejected"][0]["reason"].startswith(reason)
    assert store.row_count("events") == 0


def test_events_are_idempotent_by_event_id(client, store):
    batch = {"events": [event("e1"), event("e2", name="purchase", value=9.5), event("e1"), event("e3", name="x")]}
    first = client.post("/api/events", json=batch).json()
    assert (first["accepted"], first["duplicates"]) == (2, 1)
    assert [r["index"] for r in first["rejected"]] == [3]
    again = client.post("/api/events", json=batch).json()
    assert (again["accepted"], again["duplicates"], len(again["rejected"])) == (0, 3, 1)
    assert store.row_count("events") == 2


def test_experiment_life_cycle_assign_exposure_and_summary(client, store):
    created = client.post("/api/experiments", json=SPEC)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert [e["key"] for e in client.get("/api/experiments").json()] == ["red-banner"]
    assert client.post("/api/assign", json={"user_id": "u1", "experiment_key": "red-banner"}).status_code == 409
    assert client.post("/api/experiments/red-banner/start").json()["status"] == "running"
    users = [f"u{i}" for i in range(20)]
    for user in users:
        body = client.post("/api/assign", json={"user_id": user, "experiment_key": "red-banner"}).json()
        expected = assign("red-banner", user, ARMS)
        assert body["variant"] == expected and body["in_experiment"] is True
        assert body["config"]["banner_color"] == ("red" if expected == "treatment" else "orange")
    exposed = users[:12]
    events = [event(exposure_event_id("red-banner", u), u, "exposure", experiment_key="red-banner") for u in exposed]
    events += [event(f"buy-{u}", u, "purchase", value=20) for u in exposed[:5]]
    events += [event("before", "u19", "purchase", value=20)]  # never exposed: not attributed
    assert client.post("/api/events", json={"events": events}).json()["accepted"] == len(events)
    summary = client.get("/api/experiments/red-banner/summary").json()
    by_variant = {v["name"]: v for v in summary["variants"]}
    for name in ("control", "treatment"):
        assert by_variant[name]["assigned"] == sum(assign("red-banner", u, ARMS) == name for u in users)
        assert by_variant[name]["exposed"] == sum(assign("red-banner", u, ARMS) == name for u in exposed)
        assert by_variant[name]["events"].get("purchase", 0) == sum(
            assign("red-banner", u, ARMS) == name for u in exposed[:5]
        )
    assert client.post("/api/experiments/red-banner/stop").json()["status"] == "stopped"
    assert client.post("/api/experiments/red-banner/stop").status_code == 409
    assert client.get("/api/experiments/nope/summary").status_code == 404
    missing = client.get("/api/experiments/nope/units")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/json")


def test_a_failing_spec_is_a_422_listing_every_field_and_stores_nothing(client, store):
    bad = SPEC | {"key": "Bad Key", "variants": [{"name": "control", "weight": -1, "config": {"banner_color": "pink"}}]}
    response = client.post("/api/experiments", json=bad)
    assert response.status_code == 422
    problems = response.json()["detail"]
    for field in ("key:", "variants[0].weight:", "variants:", "variants[0].config.banner_color:"):
        assert any(p.startswith(field) for p in problems), problems
    assert client.post("/api/experiments", json=SPEC).status_code == 201
    duplicate = client.post("/api/experiments", json=SPEC)
    assert duplicate.status_code == 422
    assert duplicate.json()["detail"] == ["key: an experiment named 'red-banner' already exists"]
    assert store.row_count("experiments") == 1 and store.row_count("variants") == 2


def test_adoption_endpoints_change_what_visitors_see(client):
    client.post("/api/experiments", json=SPEC)
    client.post("/api/experiments/red-banner/start")
    client.post("/api/experiments/red-banner/stop")
    adopted = client.post("/api/adoptions", json={"experiment_key": "red-banner", "variant": "treatment"})
    assert adopted.status_code == 201 and adopted.json()["config"] == {"banner_color": "red"}
    outsider = client.post("/api/assign", json={"user_id": "anyone"}).json()
    assert (outsider["experiment_key"], outsider["variant"], outsider["in_experiment"]) == (None, None, False)
    assert outsider["config"]["banner_color"] == "red"
    adoption_id = adopted.json()["adoption_id"]
    rolled = client.post(f"/api/adoptions/{adoption_id}/rollback")
    assert rolled.status_code == 200 and rolled.json()["active"] is False
    assert client.post("/api/assign", json={"user_id": "anyone"}).json()["config"]["banner_color"] == "orange"
    assert client.post(f"/api/adoptions/{adoption_id}/rollback").status_code == 409
    assert client.post("/api/adoptions/nope/rollback").status_code == 404
    assert [a["adoption_id"] for a in client.get("/api/adoptions").json()] == [adoption_id]
    missing = client.post("/api/adoptions", json={"experiment_key": "red-banner", "variant": "blue"})
    assert missing.status_code == 409 and "no variant 'blue'" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/experiments", SPEC),
        ("post", "/api/experiments/red-banner/start", None),
        ("post", "/api/experiments/red-banner/stop", None),
        ("post", "/api/adoptions", {"experiment_key": "red-banner", "variant": "treatment"}),
        ("post", "/api/adoptions/any/rollback", None),
    ],
)
def test_admin_actions_need_the_token_when_not_local(store, method, path, body):
    with make_client(store, shop_api.AdminPolicy(is_local=False, token=None)) as closed:
        assert closed.request(method, path, json=body).status_code == 403
    with make_client(store, shop_api.AdminPolicy(is_local=False, token=TOKEN)) as guarded:
        assert guarded.request(method, path, json=body).status_code == 401
        wrong = {"Authorization": "Bearer not-the-token"}
        assert guarded.request(method, path, json=body, headers=wrong).status_code == 401
        assert store.row_count("experiments") == store.row_count("adoptions") == 0
        right = {"Authorization": f"Bearer {TOKEN}"}
        assert guarded.request(method, path, json=body, headers=right).status_code not in (401, 403)


def test_tracking_and_reads_need_no_token_when_not_local(store):
    with make_client(store, shop_api.AdminPolicy(is_local=False, token=TOKEN)) as guarded:
        assert guarded.post("/api/events", json={"events": [event("e1")]}).json()["accepted"] == 1
        assert guarded.post("/api/assign", json={"user_id": "u1"}).status_code == 200
        assert guarded.get("/api/experiments").status_code == 200
        assert guarded.get("/api/adoptions").status_code == 200
