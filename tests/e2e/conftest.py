"""Browser tests against the production build: one `novarium serve` per backend, driven by Debian's chromium.

The server fixture seeds a small warehouse into a throwaway data dir (or PostgreSQL database), saves three sample
retrospectives (the server holds embedded DuckDB once it runs, so nothing can be written beside it later), records
what the marts say, starts the app in its own process group, and stops the whole group afterwards.

A production start compiles the app and builds the frontend, so the suite starts exactly one server per backend:
every browser and HTTP test shares it, and the items are ordered so all DuckDB tests run, then all PostgreSQL
ones (see ``pytest_collection_modifyitems``).
"""

import os
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from marts.insights import Insights, warehouse_insights
from marts.overview import WarehouseOverview, warehouse_overview
from marts.retrospectives import Retrospective, save_retrospective
from marts.storage import Store, open_store
from novarium_app.devserver import BIN, ServerStartError, served, server_environment
from tests.conftest import temporary_database
from tests.retro_samples import full_snapshot, minimal_snapshot

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PORT = int(os.environ.get("NOVARIUM_E2E_PORT", "3100"))
# The suite builds its frontend in its own folder, so it never clobbers the build of a running `make run`.
WEB_WORKDIR = Path(
    os.environ.get("NOVARIUM_E2E_WEB_WORKDIR", Path(__file__).resolve().parents[2] / ".web-e2e")
).resolve()
BACKENDS = ("duckdb", "postgres")
# Modules that must run first or last on their backend's server. The retrospectives tests count exactly the three
# saved samples, so they run before anything that ships a decision (which saves another retrospective); the HTTP
# swarm sends thousands of sessions, so it runs after everything that reads the store's early state.
FIRST = ("test_retrospectives.py",)
LAST = ("test_swarm_http.py",)


@dataclass(frozen=True)
class RunningApp:
    """A served app and what its warehouse holds."""

    url: str
    backend: str
    overview: WarehouseOverview
    insights: Insights
    log: Path
    retros: tuple[Retrospective, ...]
    """The sample retrospectives saved before the server started, newest first."""


@pytest.fixture(scope="session", params=BACKENDS)
def app_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The app in production mode on one port, on each backend in turn."""
    with ExitStack() as cleanup:
        database_url = None
        if request.param == "postgres":
            database_url = cleanup.enter_context(temporary_database(request.getfixturevalue("pg_admin")))
        yield from _serve(request.param, database_url, tmp_path_factory)


def _serve(backend: str, database_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    base = f"http://localhost:{PORT}"
    workdir = tmp_path_factory.mktemp(f"e2e-{backend}")
    env = server_environment(workdir / "data", PORT, WEB_WORKDIR, database_url)
    subprocess.run(
        [str(BIN / "novarium"), "seed", "--users", "2000", "--days", "60", "--seed", "11", "--end", "2026-11-01"],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    store = open_store(env.get("DATABASE_URL"), workdir / "data")
    try:
        overview = warehouse_overview(store)
        insights = warehouse_insights(store)
        retros = _save_retrospectives(store)
    finally:
        store.close()

    log_path = workdir / "server.log"
    try:
        with served(env, base, log_path, ready=("/api/health", "/")):
            yield RunningApp(base, backend, overview, insights, log_path, retros)
    except ServerStartError as error:
        pytest.fail(f"{error} (set NOVARIUM_E2E_PORT to use another port)", pytrace=False)


def _save_retrospectives(store: Store) -> tuple[Retrospective, ...]:
    """Three retrospectives for the retrospectives pages (oldest saved first); returns them newest first."""
    old = save_retrospective(
        store,
        experiment_key="old-experiment",
        decision="keep_running",
        outcome=None,
        learnings="",
        snapshot=minimal_snapshot(),
    )
    free = save_retrospective(
        store,
        experiment_key="free-delivery",
        decision="dont_ship",
        outcome="loss",
        learnings="A lower threshold cut the order value more than it added orders.",
        snapshot=full_snapshot(
            "free-delivery",
            name="Free delivery at $15",
            hypothesis="A lower free-delivery threshold lifts revenue per visitor.",
            primary_metric="revenue_per_visitor",
            rel_lift=-0.04,
            recommendation="dont_ship",
        ),
    )
    red = save_retrospective(
        store,
        experiment_key="red-banner",
        decision="ship",
        outcome="win",
        learnings="Urgency works on impulsive shoppers.",
        snapshot=full_snapshot(),
    )
    return red, free, old


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run every DuckDB browser test, then every PostgreSQL one, so each backend's server starts exactly once.

    Within a backend, modules keep their order except ``FIRST`` and ``LAST``; within a module, tests keep theirs.
    Runs after pytest's own reordering and moves only the e2e items, within the places they already hold.
    """
    slots = [i for i, item in enumerate(items) if _is_e2e(item)]
    if not slots:
        return
    e2e = [items[i] for i in slots]
    modules = list(dict.fromkeys(item.path for item in e2e))

    def key(position: int) -> tuple[int, int, int, int]:
        item = e2e[position]
        backend = _backend_of(item)
        rank = 0 if item.path.name in FIRST else 2 if item.path.name in LAST else 1
        return (BACKENDS.index(backend) if backend in BACKENDS else -1, rank, modules.index(item.path), position)

    for slot, position in zip(slots, sorted(range(len(e2e)), key=key), strict=True):
        items[slot] = e2e[position]


def _is_e2e(item: pytest.Item) -> bool:
    return Path(__file__).parent in item.path.parents


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("app_server") if callspec else None


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """Debian's chromium, headless.

    Package-scoped: Playwright's sync API runs an event loop in the main thread while it is open, so it must
    close before the storage and unit tests (which call ``asyncio.run``) start.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator:
    """A fresh browser context per test; console errors are collected on ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1440, "height": 960})
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    new_page.console_errors = errors
    yield new_page
    context.close()
