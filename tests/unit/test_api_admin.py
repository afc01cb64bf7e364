"""The composition root wires the shop router, the Store and the admin policy from the Settings."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from novarium_app import api as app_api
from novarium_app import services
from novarium_app.settings import Settings
from shop import api as shop_api
from shop.access import Action


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for variable in ("NOVARIUM_HOST", "NOVARIUM_ADMIN_TOKEN"):
        monkeypatch.delenv(variable, raising=False)


def settings(**env: str) -> Settings:
    return Settings(**env)


@pytest.fixture
def client(monkeypatch) -> TestClient:
    def no_store():
        raise AssertionError("an admin action reached the Store before its token was checked")

    monkeypatch.setitem(app_api.api.dependency_overrides, shop_api.get_store, no_store)
    return TestClient(app_api.api)


def test_the_router_is_mounted_under_api_with_its_openapi():
    paths = app_api.api.openapi()["paths"]
    for path in ("/api/assign", "/api/events", "/api/experiments", "/api/experiments/{key}/start", "/api/adoptions"):
        assert path in paths
    assert app_api.api.dependency_overrides[shop_api.get_admin_policy] is app_api.admin_policy
    assert "#/$defs" not in json.dumps(app_api.api.openapi())  # every $ref resolves inside the document


def test_admin_policy_follows_host_and_token(monkeypatch):
    monkeypatch.setattr(services, "get_settings", lambda: settings(NOVARIUM_HOST="127.0.0.1"))
    assert app_api.admin_policy() == shop_api.AdminPolicy(is_local=True, token=None)
    monkeypatch.setattr(services, "get_settings", lambda: settings(NOVARIUM_HOST="0.0.0.0", NOVARIUM_ADMIN_TOKEN="t0k"))
    assert app_api.admin_policy() == shop_api.AdminPolicy(is_local=False, token="t0k")


def test_non_local_without_a_token_refuses_admin_actions(monkeypatch, client):
    monkeypatch.setattr(services, "get_settings", lambda: settings(NOVARIUM_HOST="0.0.0.0"))
    response = client.post("/api/experiments/red-banner/start")
    assert response.status_code == 403 and "NOVARIUM_ADMIN_TOKEN is not set" in response.json()["detail"]


def test_non_local_with_a_token_needs_the_bearer_header(monkeypatch, client):
    monkeypatch.setattr(services, "get_settings", lambda: settings(NOVARIUM_HOST="0.0.0.0", NOVARIUM_ADMIN_TOKEN="t0k"))
    response = client.post("/api/adoptions", json={"experiment_key": "k", "variant": "v"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/experiments/x/stop", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_every_admin_route_runs_the_shared_check_for_its_action(monkeypatch, client):
    monkeypatch.setattr(services, "get_settings", lambda: settings(NOVARIUM_HOST="0.0.0.0", NOVARIUM_ADMIN_TOKEN="t0k"))
    asked: list[Action] = []
    shared = shop_api.authorize

    def spy(policy, caller, action):
        asked.append(action)
        return shared(policy, caller, action)

    monkeypatch.setattr(shop_api, "authorize", spy)
    routes = {
        ("POST", "/api/experiments"): Action.CREATE_EXPERIMENT,
        ("POST", "/api/experiments/k/start"): Action.START_EXPERIMENT,
        ("POST", "/api/experiments/k/stop"): Action.STOP_EXPERIMENT,
        ("POST", "/api/experiments/k/complete"): Action.COMPLETE_EXPERIMENT,
        ("POST", "/api/adoptions"): Action.ADOPT,
        ("POST", "/api/adoptions/a1/rollback"): Action.ROLL_BACK,
        ("POST", "/api/runs"): Action.START_RUN,
        ("POST", "/api/runs/r1/progress"): Action.RECORD_RUN,
        ("POST", "/api/runs/r1/resume"): Action.RESUME_RUN,
        ("GET", "/api/runs/r1/population"): Action.READ_RUN_POPULATION,
    }
    for (method, path), action in routes.items():
        asked.clear()
        response = client.request(method, path, json={})
        assert response.status_code == 401 and asked == [action], (path, asked)
    with pytest.raises(AssertionError, match="before its token was checked"):
        client.post("/api/experiments/k/start", headers={"Authorization": "Bearer t0k"})  # allowed: reaches the Store


def test_an_unwired_router_fails_closed():
    # a fresh thread: the browser tests' Playwright keeps an event loop running in the main thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        policy = pool.submit(asyncio.run, shop_api.get_admin_policy()).result()
    assert policy == shop_api.AdminPolicy(is_local=False, token=None)
    with pytest.raises(RuntimeError, match="not wired"):
        shop_api.get_store()
