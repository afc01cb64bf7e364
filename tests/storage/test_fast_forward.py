"""The Runs page's plan and fast-forward on DuckDB and PostgreSQL, through the Lab's own handlers.

``RunsState.load`` opens the form on the experiment's plan (its days, and the visitors they bring), and
``RunPlanState.fast_forward`` plays that plan with the engine in a worker thread: the run is stored as the engine
stores it (events, assignments, the truth), listed with the others and followed by the monitor.
"""

import asyncio
import contextvars
import inspect
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from reflex.state import State

import novarium_app.novarium_app  # noqa: F401  (registers every page and its states)
from marts.warehouse.generator import load
from novarium_app import services
from novarium_app.components.run_plan_state import RunPlanState
from novarium_app.lab.run_plan import read_planned_run
from novarium_app.pages.runs import RunsState
from novarium_app.settings import Settings
from shop import repository
from swarm import engine, runs
from swarm.history import generate
from swarm.runner import RunManager

KEY = "lab-fast-forward"
SPEC = {
    "key": KEY,
    "hypothesis": "A red banner makes more visitors notice the offers and order.",
    "variants": [
        {"name": "control", "weight": 1},
        {"name": "treatment", "weight": 1, "config": {"banner_color": "red"}},
    ],
    "design": {"days": 3, "planned_n_per_variant": 700},
}


def run(coroutine):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, coroutine).result()


@pytest.fixture
def lab(store, monkeypatch):
    """The Lab's services on this store, with admin actions open (bound to localhost)."""
    load(store, generate(users=1_200, days=21, seed=4, end=date.today()))
    repository.create_experiment(store, SPEC)
    repository.start_experiment(store, KEY)
    manager = RunManager(lambda: store, "http://127.0.0.1:9")
    monkeypatch.setattr(services, "get_settings", lambda: Settings(NOVARIUM_HOST="127.0.0.1"))
    for module in ("novarium_app.pages.runs", "novarium_app.components.run_plan_state"):
        monkeypatch.setattr(f"{module}.get_store", lambda: store)
        monkeypatch.setattr(f"{module}.get_run_manager", lambda: manager)
    return store


async def _drain(handler, state, *args):
    """A handler's events, whether it is a coroutine or an async generator."""
    outcome = handler.fn(state, *args)
    if inspect.isawaitable(outcome):
        return [await outcome]
    return [event async for event in outcome]


def test_the_form_opens_on_the_plan_and_fast_forward_stores_the_whole_plan(lab):
    store = lab

    async def scenario():
        root = State(_reflex_internal_init=True)
        runs = await root.get_state(RunsState)
        plan = await root.get_state(RunPlanState)
        await _drain(RunsState.event_handlers["load"], runs)
        opened = (runs.experiment_key, runs.days, runs.agents, plan.source)
        await _drain(RunPlanState.event_handlers["set_mode"], plan, "fast_forward")
        events = await _drain(RunPlanState.event_handlers["fast_forward"], plan)
        return opened, events, runs.focus_id, runs.runs, plan.forwarding

    planned = read_planned_run(store, KEY)
    opened, events, focus, listed, forwarding = run(scenario())
    assert planned.days == 3 and planned.visitors > 100
    assert opened == (KEY, "3", str(planned.visitors), f"From your plan: 3 days, {planned.visitors:,} visitors")
    assert "Fast-forwarded 3 days" in " ".join(map(str, events)) and not forwarding

    row = store.query("SELECT run_id, kind, status, agents_planned, events_stored, params, truth FROM runs")[0]
    assert (row["kind"], row["status"], row["agents_planned"]) == ("engine", "completed", planned.visitors)
    assert json.loads(row["params"])["days"] == 3 and json.loads(row["truth"])["state"] == "analytic"
    assert row["events_stored"] == store.row_count("events") > 0
    assert store.scalar("SELECT COUNT(*) FROM assignments WHERE run_id = :r", {"r": row["run_id"]}) > 0
    assert focus == row["run_id"]  # the page follows the new run
    assert [(r["run_id"], r["status"]) for r in listed] == [(row["run_id"], "completed")]


def test_a_bad_form_is_named_and_fast_forwards_nothing(lab):
    store = lab

    async def scenario():
        root = State(_reflex_internal_init=True)
        runs = await root.get_state(RunsState)
        await _drain(RunsState.event_handlers["load"], runs)
        runs.days = "120"
        events = await _drain(RunPlanState.event_handlers["fast_forward"], await root.get_state(RunPlanState))
        return events, runs.errors

    events, errors = run(scenario())
    assert errors == {"days": "Days: must be a whole number from 1 to 90"}
    assert "Check the highlighted fields" in " ".join(map(str, events))
    assert store.row_count("runs") == 0


def test_a_fast_forwarded_run_is_listed_as_one_and_never_resumed(lab):
    store = lab
    run_id = engine.run_engine(store, KEY, users=200, seed=2, days=1).run_id
    store.execute("UPDATE runs SET status = 'interrupted' WHERE run_id = :r", {"r": run_id})  # as after a restart
    (listed,) = RunManager(lambda: store, "http://127.0.0.1:9").list_runs()
    assert (listed.run_id, listed.kind, listed.status) == (run_id, "engine", "interrupted")
    with pytest.raises(runs.RunStateError, match="was fast-forwarded by the engine; only HTTP runs can be resumed"):
        runs.reopen_run(store, run_id)
    assert store.scalar("SELECT status FROM runs WHERE run_id = :r", {"r": run_id}) == "interrupted"
