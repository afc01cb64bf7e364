"""The HTTP swarm against the served production app, on DuckDB and on PostgreSQL.

Its own server (port ``NOVARIUM_SWARM_E2E_PORT``, default 3610, built in ``.web-swarm-e2e``) so it never clobbers
the browser tests' build or port. Every check reads through the API, since the serving app holds embedded DuckDB:
``GET /api/runs/{id}`` for the recorded counts and ``GET /api/runs/{id}/audit`` for the stored events.
"""

import asyncio
import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from novarium_app.devserver import BIN, ServerStartError, served, server_environment
from swarm.recorder import HttpRecorder
from swarm.runner import RunManager, RunRequest
from swarm.runs import from_ranges
from tests.conftest import temporary_database

PORT = int(os.environ.get("NOVARIUM_SWARM_E2E_PORT", "3610"))
WEB_WORKDIR = Path(__file__).resolve().parents[2] / ".web-swarm-e2e"
WAREHOUSE_USERS = 2000
VARIANTS = [
    {"name": "control", "weight": 50, "config": {}},
    {"name": "treatment", "weight": 50, "config": {"banner_color": "red", "discount_pct": 10}},
]


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def shop_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in production mode with a small seeded warehouse, on each backend in turn."""
    base = f"http://127.0.0.1:{PORT}"
    with ExitStack() as cleanup:
        workdir = tmp_path_factory.mktemp(f"swarm-{request.param}")
        database_url = None
        if request.param == "postgres":
            database_url = cleanup.enter_context(temporary_database(request.getfixturevalue("pg_admin")))
        env = server_environment(workdir / "data", PORT, WEB_WORKDIR, database_url)
        env["NOVARIUM_LOG_LEVEL"] = "WARNING"
        seed = [str(BIN / "novarium"), "seed", "--users", str(WAREHOUSE_USERS), "--days", "30", "--seed", "5"]
        subprocess.run(seed, env=env, check=True, capture_output=True, timeout=300)
        try:
            cleanup.enter_context(served(env, base, workdir / "server.log"))
        except ServerStartError as error:
            pytest.fail(f"{error} (set NOVARIUM_SWARM_E2E_PORT to use another port)", pytrace=False)
        yield base


def start_experiment(base: str, key: str, **spec: object) -> None:
    """Stop whatever runs, then create and start ``key`` (a red, discounted banner against the default)."""
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as client:
        for experiment in client.get("/api/experiments").json():
            if experiment["status"] == "running":
                client.post(f"/api/experiments/{experiment['key']}/stop").raise_for_status()
        body = {"key": key, "hypothesis": "A red banner with a discount lifts orders.", "variants": VARIANTS} | spec
        client.post("/api/experiments", json=body).raise_for_status()
        client.post(f"/api/experiments/{key}/start").raise_for_status()


def read(base: str, path: str) -> dict:
    response = httpx.get(f"{base}{path}", timeout=60, trust_env=False)
    response.raise_for_status()
    return response.json()


def swarm(base: str, request: RunRequest, *, stop_after: int | None = None, resume: str | None = None):
    """Run (or resume) a swarm from this process like ``novarium swarm``; stop once ``stop_after`` agents are done."""

    async def go():
        recorder = HttpRecorder(base)
        runner = RunManager(None, base, recorder=recorder)
        try:
            if resume:
                await runner.resume(resume)
                run_id = resume
            else:
                run_id = await runner.start(request)
            if stop_after is not None:
                while runner.progress(run_id).agents_done < stop_after:
                    await asyncio.sleep(0.02)
                await runner.stop(run_id)
            final = await runner.wait(run_id)
            return run_id, final, runner.summary(run_id)
        finally:
            await recorder.aclose()

    # a fresh thread: the browser tests' Playwright keeps an event loop running in the main thread
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, go()).result()


def test_2000_agents_store_every_event_once_with_no_variant_mismatch(shop_url):
    start_experiment(shop_url, "swarm-full")
    run_id, final, summary = swarm(shop_url, RunRequest("swarm-full", agents=2000, concurrency=128, seed=1, days=3))
    assert final.status == "completed" and final.agents_done == 2000
    assert summary.duplicates == summary.rejected == summary.partial == 0
    assert final.events_stored == final.events_sent > 2000 * 3

    row = read(shop_url, f"/api/runs/{run_id}")
    audit = read(shop_url, f"/api/runs/{run_id}/audit")
    assert row["status"] == "completed" and row["agents_done"] == 2000
    assert audit["events_stored"] == row["events_stored"] == row["events_sent"] == final.events_sent
    assert from_ranges(audit["agents_done"]) == frozenset(range(2000))
    assert audit["exposures"] == 2000
    assert audit["exposure_mismatches"] == audit["assignment_mismatches"] == 0

    counts = read(shop_url, "/api/experiments/swarm-full/summary")["variants"]
    assert {v["name"]: v["assigned"] for v in counts} == summary.assigned
    assert sum(v["exposed"] for v in counts) == 2000


def test_a_stopped_run_is_consistent_and_resumes(shop_url):
    start_experiment(shop_url, "swarm-stop")
    request = RunRequest("swarm-stop", agents=3000, concurrency=32, seed=2)
    run_id, stopped, summary = swarm(shop_url, request, stop_after=300)
    row = read(shop_url, f"/api/runs/{run_id}")
    audit = read(shop_url, f"/api/runs/{run_id}/audit")
    done, active = from_ranges(audit["agents_done"]), from_ranges(audit["agents_with_events"])
    assert stopped.status == row["status"] == "stopped" and 300 <= row["agents_done"] < 3000
    assert row["agents_done"] == len(done) == stopped.agents_done
    assert audit["events_stored"] == row["events_stored"] == stopped.events_stored
    assert row["events_sent"] == stopped.events_sent == row["events_stored"]  # no duplicates, no rejections yet
    assert len(active - done) <= summary.partial <= 32  # only agents cut off mid-session have partial data

    run_id, final, resumed = swarm(shop_url, request, resume=run_id)
    audit = read(shop_url, f"/api/runs/{run_id}/audit")
    assert final.status == "completed" and from_ranges(audit["agents_done"]) == frozenset(range(3000))
    assert audit["events_stored"] == final.events_stored == final.events_sent - resumed.duplicates
    assert audit["exposure_mismatches"] == audit["assignment_mismatches"] == 0


def test_the_same_seed_gives_the_same_decisions_in_another_run(shop_url):
    digests = []
    for key, seed in (("swarm-seed-a", 42), ("swarm-seed-b", 42), ("swarm-seed-c", 43)):
        start_experiment(shop_url, key, salt="shared-salt")  # the same salt: every user lands in the same variant
        run_id, final, _ = swarm(shop_url, RunRequest(key, agents=300, concurrency=64, seed=seed))
        assert final.status == "completed"
        digests.append(read(shop_url, f"/api/runs/{run_id}/audit")["decisions_digest"])
    assert digests[0] == digests[1] != digests[2]
