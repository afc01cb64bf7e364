"""The HTTP swarm against the served production app, on DuckDB and on PostgreSQL.

It runs on the suite's shared ``app_server``, last on each backend (see ``LAST`` in ``conftest.py``), with its own
experiment keys; every count it checks belongs to one run or one experiment, so what earlier tests stored does not
matter. Every check reads through the API, since the serving app holds embedded DuckDB: ``GET /api/runs/{id}`` for
the recorded counts and ``GET /api/runs/{id}/audit`` for the stored events.
"""

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from swarm.recorder import HttpRecorder
from swarm.runner import RunManager, RunRequest
from swarm.runs import from_ranges
from tests.e2e.conftest import api_client

VARIANTS = [
    {"name": "control", "weight": 50, "config": {}},
    {"name": "treatment", "weight": 50, "config": {"banner_color": "red", "discount_pct": 10}},
]
KEYS = ("swarm-full", "swarm-stop", "swarm-seed-a", "swarm-seed-b", "swarm-seed-c")


@pytest.fixture(scope="module")
def shop_url(app_server) -> Iterator[str]:
    """The shared app's address (IPv4, where it listens); this module's experiments are stopped afterwards."""
    base = app_server.url.replace("localhost", "127.0.0.1")
    try:
        yield base
    finally:
        with api_client(base, timeout=30) as client:
            for experiment in client.get("/api/experiments").json():
                if experiment["key"] in KEYS and experiment["status"] == "running":
                    client.post(f"/api/experiments/{experiment['key']}/stop").raise_for_status()


def start_experiment(base: str, key: str, **spec: object) -> None:
    """Stop whatever runs, then create and start ``key`` (a red, discounted banner against the default)."""
    with api_client(base, timeout=30) as client:
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
