"""Browser tests against the production build: one `novarium serve` per backend, driven by Debian's chromium.

The server fixture seeds a small warehouse into a throwaway data dir (or PostgreSQL database), saves three sample
retrospectives (the server holds embedded DuckDB once it runs, so nothing can be written beside it later), records
what the marts say, starts the app in its own process group, and stops the whole group afterwards.

A production start compiles the app and builds the frontend (about 40 s here), so the suite starts exactly one
server per backend: every browser and HTTP test shares it, and the items are ordered so all DuckDB tests run, then
all PostgreSQL ones (see ``pytest_collection_modifyitems``). The PostgreSQL server starts in the background, on its
own port (``NOVARIUM_E2E_PG_PORT``, default ``NOVARIUM_E2E_PORT`` + 1) and build folder, while the DuckDB tests run.

One more server, ``guarded_server``, serves the admin-token tests the way a class or a LAN sees the app: bound to
0.0.0.0 with ``NOVARIUM_ADMIN_TOKEN`` set, on embedded DuckDB (the check does not touch storage), with no warehouse.
Its tests run last, and it starts in the background while the PostgreSQL tests run (``NOVARIUM_E2E_GUARD_PORT``,
default ``NOVARIUM_E2E_PORT`` + 2).
"""

import hashlib
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from marts.insights import Insights, warehouse_insights
from marts.overview import WarehouseOverview, warehouse_overview
from marts.retrospectives import Retrospective, save_retrospective
from marts.storage import Store, open_store
from novarium_app.devserver import BIN, CHROMIUM, CHROMIUM_ARGS, ServerStartError, served, server_environment
from shop.site_guard import CLIENT_HEADER
from swarm.world import World, world_of
from tests.conftest import temporary_database
from tests.llm_server import FakeLLM, serve_fake_llm
from tests.retro_samples import full_snapshot, minimal_snapshot

E2E_WORLD_SECRET = hashlib.sha256(b"novarium-e2e-world").hexdigest()
"""The served apps' world secret, set after seeding like the warehouse's seed, so the swarm's outcomes (and the
journey's true +36% lift) are the same on every run. Random secrets: tests/storage/test_truth_secrecy.py."""
LLM_MODEL = "fake-coach"
LLM_KEY = "sk-e2e-secret-never-shown-4f2c9a"
"""The served apps' coach talks to the OpenAI-compatible test server (``tests/llm_server.py``) with this model and
key; each coach test scripts the server's replies (``RunningApp.llm``)."""
PORT = int(os.environ.get("NOVARIUM_E2E_PORT", "3100"))
# The suite builds its frontend in its own folder, so it never clobbers the build of a running `make run`.
WEB_WORKDIR = Path(
    os.environ.get("NOVARIUM_E2E_WEB_WORKDIR", Path(__file__).resolve().parents[2] / ".web-e2e")
).resolve()
BACKENDS = ("duckdb", "postgres")
GUARDED = "guarded"
SERVERS = (*BACKENDS, GUARDED)
"""Every server the suite may start, in the order their tests run."""
ADMIN_TOKEN = "e2e-admin-token-5b8f1c2d9e"
# Modules that must run first or last on their backend's server. The retrospectives tests count exactly the three
# saved samples, so they run before anything that ships a decision (which saves another retrospective); the HTTP
# swarm sends thousands of sessions, so it runs after everything that reads the store's early state; the cross-site
# tests adopt and roll back a variant, so they run late too.
FIRST = ("test_retrospectives.py",)
LAST = ("test_cross_site.py", "test_swarm_http.py")
# Each backend's server has its own port and build folder (a build clears the folder the other server serves from),
# so the next backend's server can start while the tests of the one before it run.
PORTS = {
    "duckdb": PORT,
    "postgres": int(os.environ.get("NOVARIUM_E2E_PG_PORT", PORT + 1)),
    GUARDED: int(os.environ.get("NOVARIUM_E2E_GUARD_PORT", PORT + 2)),
}
PORT_VARIABLES = {"duckdb": "NOVARIUM_E2E_PORT", "postgres": "NOVARIUM_E2E_PG_PORT", GUARDED: "NOVARIUM_E2E_GUARD_PORT"}
WEB_WORKDIRS = {
    "duckdb": WEB_WORKDIR,
    "postgres": WEB_WORKDIR.with_name(f"{WEB_WORKDIR.name}-postgres"),
    GUARDED: WEB_WORKDIR.with_name(f"{WEB_WORKDIR.name}-{GUARDED}"),
}


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
    llm: FakeLLM
    """The model server the app's coach calls (shared by every backend's server)."""
    world: World
    """The deployment's world (the personas' secret knob sensitivities), read as its admin would, before serving."""
    world_secret: str
    """The world's stored secret (hex): no page, frame or open API response may carry it."""

    def api(self, **options) -> httpx.Client:
        """An HTTP client of the app that says it is a script (``X-NovaRium-Client``), as the site guard asks."""
        return api_client(self.url, **options)


@dataclass(frozen=True)
class GuardedApp:
    """The app bound to 0.0.0.0 with an admin token, on embedded DuckDB with no warehouse."""

    url: str
    token: str
    log: Path
    retrospective_id: str
    """One saved retrospective, for the tests that try to change it."""

    def api(self, *, admin: bool = True, **options) -> httpx.Client:
        """An HTTP client of the app; with ``admin``, it sends the admin token too."""
        headers = {"Authorization": f"Bearer {self.token}"} if admin else {}
        return api_client(self.url, headers=headers, **options)


def api_client(url: str, *, headers: dict[str, str] | None = None, **options) -> httpx.Client:
    """A client of a served app, sending ``X-NovaRium-Client`` like the CLI (no proxy from the environment)."""
    sent = {CLIENT_HEADER: "e2e-tests", **(headers or {})}
    return httpx.Client(base_url=url, headers=sent, trust_env=False, **options)


class _ServerStart:
    """One backend's server, started in a background thread: seed, save the samples, serve until stopped."""

    def __init__(self, backend: str, workdir: Path, pg_admin: sa.Engine | None, llm: FakeLLM) -> None:
        self.backend = backend
        self._llm = llm
        self._workdir = workdir
        self._pg_admin = pg_admin
        self._cleanup = ExitStack()
        self._app: RunningApp | GuardedApp | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, name=f"e2e-server-{backend}", daemon=True)
        self._thread.start()

    def _start(self) -> None:
        try:
            if self.backend == GUARDED:
                self._app = _serve_guarded(self._workdir, self._cleanup)
                return
            database_url = None
            if self._pg_admin is not None:
                database_url = self._cleanup.enter_context(temporary_database(self._pg_admin))
            self._app = _serve(self.backend, database_url, self._workdir, self._cleanup, self._llm)
        except BaseException as error:  # handed to the test that waits for this server
            self._error = error

    def wait(self) -> "RunningApp | GuardedApp":
        """The running app, once it answers; fails with the reason when it could not start."""
        self._thread.join()
        if isinstance(self._error, ServerStartError):
            variable = PORT_VARIABLES[self.backend]
            pytest.fail(f"{self._error} (set {variable} to use another port)", pytrace=False)
        if self._error is not None:
            raise self._error
        assert self._app is not None
        return self._app

    def stop(self) -> None:
        """Stop the server and drop its database (after a start still under way has ended)."""
        self._thread.join()
        self._cleanup.close()


class _Servers:
    """The session's servers: each backend's starts once, and the next backend's starts while this one's tests run."""

    def __init__(self, session: pytest.Session, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp_path_factory = tmp_path_factory
        self._starts: dict[str, _ServerStart] = {}
        self._llm_server = ExitStack()
        self.llm = self._llm_server.enter_context(serve_fake_llm())
        needed = {_backend_of(item) for item in session.items}
        self.order = [backend for backend in SERVERS if backend in needed]

    def begin(self, backend: str, request: pytest.FixtureRequest) -> _ServerStart:
        """Start ``backend``'s server unless it is already starting or running."""
        if backend not in self._starts:
            pg_admin = request.getfixturevalue("pg_admin") if backend == "postgres" else None
            workdir = self._tmp_path_factory.mktemp(f"e2e-{backend}")
            self._starts[backend] = _ServerStart(backend, workdir, pg_admin, self.llm)
        return self._starts[backend]

    def begin_next(self, backend: str, request: pytest.FixtureRequest) -> None:
        """Start the server of the backend whose tests come after ``backend``'s, if any."""
        later = self.order[self.order.index(backend) + 1 :] if backend in self.order else []
        if later:
            # e.g. PostgreSQL unreachable: that backend's own tests report it when they ask for its server
            with suppress(pytest.fail.Exception):
                self.begin(later[0], request)

    def stop(self, backend: str) -> None:
        if start := self._starts.pop(backend, None):
            start.stop()

    def stop_all(self) -> None:
        for backend in list(self._starts):
            self.stop(backend)
        self._llm_server.close()


@pytest.fixture(scope="session")
def e2e_servers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Servers]:
    """Every server this session starts; whatever still runs at the end is stopped."""
    servers = _Servers(request.session, tmp_path_factory)
    yield servers
    servers.stop_all()


@pytest.fixture(scope="session", params=BACKENDS)
def app_server(request: pytest.FixtureRequest, e2e_servers: _Servers) -> Iterator[RunningApp]:
    """The app in production mode, on each backend in turn (each on its own port and build folder).

    Once this backend's server answers, the next backend's starts in the background, so its seed, compile and
    frontend build overlap this backend's tests instead of adding to the run's time.
    """
    app = e2e_servers.begin(request.param, request).wait()
    e2e_servers.begin_next(request.param, request)
    try:
        yield app
    finally:
        e2e_servers.stop(request.param)


@pytest.fixture(scope="session")
def guarded_server(request: pytest.FixtureRequest, e2e_servers: _Servers) -> Iterator[GuardedApp]:
    """The app bound to 0.0.0.0 with ``NOVARIUM_ADMIN_TOKEN`` set (see the module docstring)."""
    app = e2e_servers.begin(GUARDED, request).wait()
    assert isinstance(app, GuardedApp)
    try:
        yield app
    finally:
        e2e_servers.stop(GUARDED)


def _serve_guarded(workdir: Path, cleanup: ExitStack) -> GuardedApp:
    """Save one retrospective, then serve on all interfaces with the admin token; ``cleanup`` stops the server."""
    port = PORTS[GUARDED]
    base = f"http://localhost:{port}"
    env = server_environment(workdir / "data", port, WEB_WORKDIRS[GUARDED])
    env.update(NOVARIUM_HOST="0.0.0.0", NOVARIUM_ADMIN_TOKEN=ADMIN_TOKEN)
    env.pop("NOVARIUM_ALLOWED_HOSTS", None)
    store = open_store(None, workdir / "data")
    try:
        retro = save_retrospective(
            store,
            experiment_key="guarded-retro",
            decision="dont_ship",
            outcome="loss",
            learnings="Saved before the server started.",
            snapshot=full_snapshot("guarded-retro"),
        )
    finally:
        store.close()
    log_path = workdir / "server.log"
    cleanup.enter_context(served(env, base, log_path, ready=("/api/health", "/")))
    return GuardedApp(base, ADMIN_TOKEN, log_path, retro.retrospective_id)


def _serve(backend: str, database_url: str | None, workdir: Path, cleanup: ExitStack, llm: FakeLLM) -> RunningApp:
    """Seed a warehouse and the sample retrospectives, then serve with ``llm`` as the coach's model; ``cleanup``
    stops the server."""
    port = PORTS[backend]
    base = f"http://localhost:{port}"
    env = server_environment(workdir / "data", port, WEB_WORKDIRS[backend], database_url)
    env.update(
        NOVARIUM_LLM_BASE_URL=llm.base_url,
        NOVARIUM_LLM_MODEL=LLM_MODEL,
        NOVARIUM_LLM_API_KEY=LLM_KEY,
        NOVARIUM_LLM_TIMEOUT="10",
    )
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
        store.execute("UPDATE world_secret SET secret = :secret", {"secret": E2E_WORLD_SECRET})
        world, world_secret = world_of(store), store.scalar("SELECT secret FROM world_secret")
    finally:
        store.close()

    log_path = workdir / "server.log"
    cleanup.enter_context(served(env, base, log_path, ready=("/api/health", "/")))
    return RunningApp(base, backend, overview, insights, log_path, retros, llm, world, world_secret)


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
    """Run every DuckDB browser test, then every PostgreSQL one, then the guarded server's: each server starts once.

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
        return (SERVERS.index(backend) if backend in SERVERS else -1, rank, modules.index(item.path), position)

    for slot, position in zip(slots, sorted(range(len(e2e)), key=key), strict=True):
        items[slot] = e2e[position]


def _is_e2e(item: pytest.Item) -> bool:
    return Path(__file__).parent in item.path.parents


def _backend_of(item: pytest.Item) -> str | None:
    if GUARDED + "_server" in getattr(item, "fixturenames", ()):
        return GUARDED
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
