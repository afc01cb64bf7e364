"""Helpers for the swarm's storage tests: the real API in-process over a real Store, and a small warehouse."""

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import httpx
import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from marts.storage import Store
from novarium_app import api as app_api
from shop import api as shop_api
from shop import cache, repository, run_secrets
from shop.body_limit import BodyLimit
from shop.fast_path import IngestFastPath
from swarm import api as swarm_api
from swarm.runner import RunManager

BASE_URL = "http://shop.test"
PERSONAS = ("impulsive", "rational", "window_shopper", "mission", "cautious")


def make_app(store: Store) -> FastAPI:
    """The shop and swarm routers with the ingestion fast path, as the app mounts them, bound to ``store``."""
    app = FastAPI()
    app.include_router(shop_api.router, prefix="/api")
    app.add_middleware(IngestFastPath, prefix="/api")
    app.add_middleware(BodyLimit, prefix="/api")
    app.include_router(swarm_api.router, prefix="/api")
    app.dependency_overrides[shop_api.get_store] = lambda: store
    app.dependency_overrides[shop_api.get_admin_policy] = lambda: shop_api.AdminPolicy(is_local=True, token=None)
    return app


@contextmanager
def local_lab_api(store: Store, monkeypatch: pytest.MonkeyPatch, key: str) -> Iterator[TestClient]:
    """The app's served API over ``store``, local (admin actions open), with experiment ``key`` running."""
    monkeypatch.setitem(app_api.api.dependency_overrides, shop_api.get_store, lambda: store)
    local = shop_api.AdminPolicy(is_local=True, token=None)
    monkeypatch.setitem(app_api.api.dependency_overrides, shop_api.get_admin_policy, lambda: local)
    running_experiment(store, key)
    with TestClient(app_api.api, raise_server_exceptions=False) as test_client:
        yield test_client


def running_experiment(store: Store, key: str = "swarm-exp", **spec: object) -> repository.ExperimentRecord:
    """A started A/B experiment (a red, discounted banner against the default shop)."""
    base = {
        "key": key,
        "hypothesis": "A red banner with a discount lifts orders.",
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"banner_color": "red", "discount_pct": 10}},
        ],
    }
    repository.create_experiment(store, base | spec)
    return repository.start_experiment(store, key)


def run_row(store: Store, run_id: str = "run-1", key: str = "swarm-exp", agents: int = 10) -> str:
    """A bare ``runs`` row taking its agents' writes (no plan: for ingestion tests); returns the run's secret."""
    secret, secret_hash = run_secrets.new_secret()
    store.execute(
        "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
        "events_sent, events_stored, started_at, secret_hash) VALUES (:run_id, :key, 'http', 'running', 0, '{}', "
        ":agents, 0, 0, 0, :now, :secret_hash)",
        {"run_id": run_id, "key": key, "agents": agents, "now": datetime(2026, 1, 1), "secret_hash": secret_hash},
    )
    cache.invalidate(store)
    return secret


def seed_users(store: Store, count: int) -> list[str]:
    """``count`` warehouse users with the five shopper personas in turn."""
    ids = [f"w{i:05d}" for i in range(count)]
    frame = pd.DataFrame(
        {
            "user_id": ids,
            "signup_at": [datetime(2026, 1, 1)] * count,
            "region": ["Chicago"] * count,
            "device": ["web"] * count,
            "persona": [PERSONAS[i % len(PERSONAS)] for i in range(count)],
        }
    )
    store.bulk_insert("users", frame)
    return ids


class CountingTransport(httpx.AsyncBaseTransport):
    """The in-process app, counting requests per path and user."""

    def __init__(self, app: FastAPI, counts: Counter) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self.counts = counts

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Count, then pass on."""
        if request.url.path == "/api/assign":
            user = httpx.Response(200, content=request.content).json()["user_id"]
            self.counts[user] += 1
        return await self._inner.handle_async_request(request)


def manager(store: Store, app: FastAPI, counts: Counter | None = None, **options: object) -> RunManager:
    """A RunManager recording straight into ``store``, its agents calling ``app`` in-process."""
    transport: Callable[[], httpx.AsyncBaseTransport] = (
        (lambda: CountingTransport(app, counts)) if counts is not None else (lambda: httpx.ASGITransport(app=app))
    )
    return RunManager(lambda: store, BASE_URL, transport=transport, flush_seconds=0.05, **options)
