"""Browser tests against the production build: one `novarium serve` per backend, driven by Debian's chromium.

The server fixture seeds a small warehouse into a throwaway data dir (or PostgreSQL database), records what the
marts say, starts the app in its own process group, and stops the whole group afterwards.
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
from marts.storage import open_store
from novarium_app.devserver import BIN, ServerStartError, served, server_environment
from tests.conftest import temporary_database

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


@dataclass(frozen=True)
class RunningApp:
    """A served app and what its warehouse holds."""

    url: str
    backend: str
    overview: WarehouseOverview
    insights: Insights
    log: Path


@pytest.fixture(scope="session", params=["duckdb", "postgres"])
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
    overview = warehouse_overview(store)
    insights = warehouse_insights(store)
    store.close()

    log_path = workdir / "server.log"
    try:
        with served(env, base, log_path, ready=("/api/health", "/")):
            yield RunningApp(base, backend, overview, insights, log_path)
    except ServerStartError as error:
        pytest.fail(f"{error} (set NOVARIUM_E2E_PORT to use another port)", pytrace=False)


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
