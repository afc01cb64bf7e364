"""Runs on DuckDB and on PostgreSQL: recorded through the Store and over HTTP, interrupted, stopped and resumed.

The agents call the real API in-process (``httpx.ASGITransport``), which writes to the real Store.
"""

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from shop import cache, group_commit
from swarm import runner as runner_module
from swarm import runs
from swarm.agent_ids import parse_agent_event_id
from swarm.behaviour import visit_model
from swarm.personas import PERSONAS
from swarm.recorder import HttpRecorder, StoreRecorder
from swarm.runner import RunManager, RunRequest, mark_interrupted
from swarm.world import world_of
from tests.storage.swarm_app import BASE_URL, make_app, manager, running_experiment, seed_users

KEY = "swarm-exp"


@pytest.fixture(autouse=True)
def quick_flushes(monkeypatch):
    """Flushes under load wait 0.2 s to batch hundreds of requests; a few agents need no batching."""
    monkeypatch.setattr(group_commit, "MIN_FLUSH_INTERVAL", 0.005)


@pytest.fixture
def app(store):
    running_experiment(store, KEY)
    seed_users(store, 30)
    return make_app(store)


@pytest.fixture(params=["store", "http"])
def recorder_kind(request) -> str:
    """Each run test records its run straight into the Store and through the /api/runs endpoints."""
    return request.param


@pytest.fixture
def make_manager(store, app, recorder_kind) -> Iterator:
    opened: list[TestClient] = []

    def make(counts: Counter | None = None) -> RunManager:
        if recorder_kind == "store":
            return manager(store, app, counts)
        sync = TestClient(app)
        opened.append(sync)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
        recorder = HttpRecorder(BASE_URL, clients=(client, sync))
        return manager(store, app, counts, recorder=recorder)

    yield make
    for client in opened:
        client.close()


def run(coroutine):
    return asyncio.run(coroutine)


async def start_and_wait(runner: RunManager, request: RunRequest) -> tuple[str, object]:
    run_id = await runner.start(request)
    return run_id, await runner.wait(run_id)


def stored_events(store, run_id: str) -> int:
    return int(store.scalar("SELECT COUNT(*) FROM events WHERE run_id = :r", {"r": run_id}))


def test_a_run_records_parameters_truth_counts_and_timings(store, make_manager):
    runner = make_manager()
    run_id, final = run(start_and_wait(runner, RunRequest(KEY, agents=45, concurrency=8, seed=3, days=2)))
    assert final.status == "completed" and final.agents_done == final.agents_planned == 45
    assert final.events_sent == final.events_stored == stored_events(store, run_id) > 45
    assert final.finished_at >= final.started_at and final.eta_seconds is None

    row = store.query("SELECT * FROM runs WHERE run_id = :r", {"r": run_id})[0]
    assert (row["kind"], row["status"], row["seed"], row["agents_done"]) == ("http", "completed", 3, 45)
    assert (row["events_sent"], row["events_stored"]) == (final.events_sent, final.events_stored)
    params = json.loads(row["params"])
    assert (params["agents"], params["concurrency"], params["days"]) == (45, 8, 2)
    assert [v["name"] for v in params["plan"]["variants"]] == ["control", "treatment"]
    truth = json.loads(row["truth"])
    assert truth["state"] == "analytic" and truth["variants"] == ["control", "treatment"]
    assert datetime.fromisoformat(params["plan"]["end"]) <= datetime.now(UTC).replace(tzinfo=None)

    recorded = runner.progress(run_id)
    assert (recorded.status, recorded.events_stored) == ("completed", final.events_stored)
    assert [p.run_id for p in runner.list_runs(KEY)] == [run_id]
    summary = runner.summary(run_id)
    assert sum(summary.assigned.values()) == 45 and summary.duplicates == summary.rejected == 0


def test_the_api_never_returns_the_ground_truth(store, app, make_manager):
    run_id, _ = run(start_and_wait(make_manager(), RunRequest(KEY, agents=5, seed=1)))
    with TestClient(app) as client:
        for body in (client.get(f"/api/runs/{run_id}").json(), client.get("/api/runs").json()[0]):
            assert "truth" not in json.dumps(body)


def test_every_stored_variant_is_the_assignment_functions(store, make_manager):
    run_id, final = run(start_and_wait(make_manager(), RunRequest(KEY, agents=60, concurrency=16, seed=9)))
    audit = runs.audit(store, run_id)
    assert audit.exposures > 0
    assert audit.exposure_mismatches == audit.assignment_mismatches == 0
    assert audit.agents_done == frozenset(range(60)) == audit.agents_with_events
    assert audit.events_stored == final.events_stored


def test_returning_visitors_are_warehouse_users_and_new_ones_get_a_users_row(store, make_manager):
    run_id, _ = run(start_and_wait(make_manager(), RunRequest(KEY, agents=40, seed=2)))
    users = {
        row["user_id"] for row in store.query("SELECT DISTINCT user_id FROM events WHERE run_id = :r", {"r": run_id})
    }
    warehouse = {u for u in users if u.startswith("w")}
    assert len(users) == 40 and 0 < len(warehouse) <= 30
    assert all(u.startswith(f"{run_id}-v") for u in users - warehouse)
    rows = store.frame("SELECT user_id, persona FROM users WHERE user_id LIKE :own", {"own": f"{run_id}-%"})
    assert set(rows["user_id"]) == users - warehouse and rows["persona"].notna().all()


def test_mark_interrupted_then_resume_replays_only_unfinished_agents(store, make_manager):
    run_id, first = run(start_and_wait(make_manager(), RunRequest(KEY, agents=24, concurrency=6, seed=4)))
    stored = stored_events(store, run_id)
    # a crash: agents 3 and 17 had not finished (their final batches are missing), agent 9 never started
    cut = {3: "partly", 17: "partly", 9: "all"}
    for agent, how in cut.items():
        condition = "event_id LIKE :last" if how == "partly" else "event_id LIKE :any"
        # an HTTP run's events are tracked events (the keyed table behind the events view)
        store.execute(
            f"DELETE FROM tracked_events WHERE run_id = :r AND {condition}",
            {"r": run_id, "last": f"{run_id}:{agent}:%{runs.LAST_SUFFIX}", "any": f"{run_id}:{agent}:%"},
        )
    store.execute("UPDATE runs SET status = 'running' WHERE run_id = :r", {"r": run_id})
    remaining = stored_events(store, run_id)

    assert mark_interrupted(store) == 1
    assert runs.get_run(store, run_id).status == "interrupted"
    counts: Counter = Counter()
    runner = make_manager(counts)

    async def resume() -> object:
        await runner.resume(run_id)
        return await runner.wait(run_id)

    final = run(resume())
    assert final.status == "completed" and final.agents_done == 24
    assert sum(counts.values()) == 3  # only the three unfinished agents were played again
    assert stored_events(store, run_id) == stored == final.events_stored
    summary = runner.summary(run_id)
    replayed = final.events_sent - first.events_sent
    assert summary.duplicates > 0 and replayed == summary.duplicates + (stored - remaining)
    assert runs.audit(store, run_id).agents_done == frozenset(range(24))


def test_a_stopped_run_is_consistent_and_resumes_to_the_same_data(store, make_manager):
    runner = make_manager()

    async def stop_midway() -> str:
        run_id = await runner.start(RunRequest(KEY, agents=300, concurrency=4, seed=6))
        while runner.progress(run_id).agents_done < 20:
            await asyncio.sleep(0.01)
        await runner.stop(run_id)
        return run_id

    run_id = run(stop_midway())
    row = runs.get_run(store, run_id)
    audit = runs.audit(store, run_id)
    summary = runner.summary(run_id)
    assert row.status == "stopped" and 20 <= row.agents_done < 300 and row.finished_at is not None
    assert row.events_stored == audit.events_stored == stored_events(store, run_id)
    assert row.agents_done == len(audit.agents_done)
    assert len(audit.agents_with_events - audit.agents_done) <= summary.partial <= 4

    async def resume() -> object:
        await runner.resume(run_id)
        return await runner.wait(run_id)

    final = run(resume())
    assert final.status == "completed" and final.agents_done == 300
    assert runs.audit(store, run_id).agents_done == frozenset(range(300))
    assert final.events_stored == stored_events(store, run_id)


def test_runs_need_a_running_experiment_and_valid_fields(store, make_manager):
    runner = make_manager()
    with pytest.raises(ValueError, match=r"agents: must be from 1"):
        run(runner.start(RunRequest(KEY, agents=0)))
    with pytest.raises(ValueError, match=r"days: must be from 1 to 90"):
        run(runner.start(RunRequest(KEY, agents=5, days=91)))
    with pytest.raises(Exception, match="does not exist"):
        run(runner.start(RunRequest("no-such-experiment", agents=5)))
    store.execute("UPDATE experiments SET status = 'stopped' WHERE key = :k", {"k": KEY})
    cache.invalidate(store)
    with pytest.raises(Exception, match="is stopped; swarm runs need a running experiment"):
        run(runner.start(RunRequest(KEY, agents=5)))
    assert store.row_count("runs") == 0


def test_the_agents_behave_in_the_stores_world_whoever_records_the_run(store, make_manager, monkeypatch):
    """In the server (Store recorder) and from the CLI (HTTP recorder: the world comes from the admin endpoint)."""
    contexts = []

    class Recording(runner_module.Agents):
        def __init__(self, base_url, context, **options):
            contexts.append(context)
            super().__init__(base_url, context, **options)

    monkeypatch.setattr(runner_module, "Agents", Recording)
    run_id, final = run(start_and_wait(make_manager(), RunRequest(KEY, agents=6, seed=2, days=2)))
    assert final.status == "completed"
    world = world_of(store)
    (context,) = contexts
    assert context.plan.world == world and not world.nominal
    assert context.plan == runs.get_run(store, run_id).plan(world)
    treatment = context.plan.arms[1].config
    assert context.model("rational", treatment, 0) == context.plan.models[("rational", 1, 0)]
    assert context.model("rational", treatment, 0) != visit_model(PERSONAS["rational"], treatment)


class SlowProgressRecorder(StoreRecorder):
    """Progress writes of a running run take a while in their worker thread (a loaded machine); the final is quick."""

    def __init__(self, store) -> None:
        super().__init__(lambda: store)
        self._store_now = store

    async def update(self, run_id, update):
        if update.status != "running":
            return await super().update(run_id, update)

        def slow_write():
            time.sleep(0.3)
            return runs.update_run(self._store_now, run_id, update)

        return await asyncio.to_thread(slow_write)


def test_a_progress_write_under_way_never_lands_over_the_final_counts(store, app):
    runner = manager(store, app, recorder=SlowProgressRecorder(store))
    run_id, final = run(start_and_wait(runner, RunRequest(KEY, agents=12, concurrency=4, seed=6)))
    stored = runs.get_run(store, run_id)
    assert final.status == stored.status == "completed"
    assert (stored.agents_done, stored.events_sent) == (final.agents_done, final.events_sent) == (12, final.events_sent)


def test_a_watched_run_plays_its_days_in_calendar_order(store, make_manager, monkeypatch):
    played: list[int] = []
    play = runner_module.Agents.run_agent

    async def recording(self, client, index, stopping, result):
        played.append(index)
        await play(self, client, index, stopping, result)

    monkeypatch.setattr(runner_module.Agents, "run_agent", recording)
    run_id, final = run(start_and_wait(make_manager(), RunRequest(KEY, agents=30, concurrency=1, seed=4, days=3)))
    assert final.status == "completed" and sorted(played) == list(range(30))
    firsts = store.query(
        "SELECT user_id, MIN(ts) AS first FROM events WHERE run_id = :r AND name = 'page_view' GROUP BY user_id",
        {"r": run_id},
    )
    first = {row["user_id"]: row["first"] for row in firsts}
    seen = [first[user] for user in _agent_users(store, run_id, played)]
    assert len(seen) == 30 and seen == sorted(seen) and played != list(range(30))


def _agent_users(store, run_id: str, order: list[int]) -> list[str]:
    """The user id of each agent, in ``order``, read from the agents' event ids."""
    by_agent = {}
    for row in store.query("SELECT user_id, event_id FROM events WHERE run_id = :r", {"r": run_id}):
        parsed = parse_agent_event_id(run_id, row["event_id"], len(order))
        if parsed is not None:
            by_agent[parsed.agent] = row["user_id"]
    return [by_agent[agent] for agent in order]
