"""The runs API: admin actions need the token off localhost, bodies are typed, and the app mounts it."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from novarium_app import api as app_api
from shop import api as shop_api
from shop.fast_path import IngestFastPath
from swarm import api as swarm_api


def client(policy: shop_api.AdminPolicy) -> TestClient:
    app = FastAPI()
    app.include_router(swarm_api.router, prefix="/api")

    def no_store():
        raise AssertionError("an admin action reached the Store before its token was checked")

    app.dependency_overrides[shop_api.get_store] = no_store
    app.dependency_overrides[shop_api.get_admin_policy] = lambda: policy
    return TestClient(app)


RUN = {"run_id": "run-1", "experiment_key": "k", "agents": 10}
ADMIN_CALLS = [
    ("post", "/api/runs", RUN),
    ("post", "/api/runs/run-1/progress", {"status": "running", "agents_done": 1, "events_sent": 2, "events_stored": 2}),
    ("post", "/api/runs/run-1/resume", None),
    ("get", "/api/runs/run-1/population", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
def test_admin_actions_need_the_token_when_not_local(method, path, body):
    with client(shop_api.AdminPolicy(is_local=False, token="t0k")) as http:
        refused = http.request(method, path, json=body)
        assert refused.status_code == 401
        wrong = http.request(method, path, json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
    with client(shop_api.AdminPolicy(is_local=False, token=None)) as http:
        assert http.request(method, path, json=body).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**RUN, "run_id": "bad id!"}, "run_id"),
        ({**RUN, "agents": 0}, "agents"),
        ({**RUN, "days": 91}, "days"),
        ({**RUN, "sql": "DROP TABLE events"}, "sql"),
    ],
)
def test_run_bodies_are_typed(body, field):
    app = FastAPI()
    app.include_router(swarm_api.router, prefix="/api")
    app.dependency_overrides[shop_api.get_store] = lambda: None  # a refused body never reaches it
    app.dependency_overrides[shop_api.get_admin_policy] = lambda: shop_api.AdminPolicy(is_local=True, token=None)
    with TestClient(app) as http:
        response = http.post("/api/runs", json=body)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", field]


def test_the_app_mounts_the_runs_api_and_the_ingestion_fast_path():
    paths = app_api.api.openapi()["paths"]
    for path in ("/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/progress", "/api/runs/{run_id}/audit"):
        assert path in paths
    assert any(m.cls is IngestFastPath for m in app_api.api.user_middleware)
