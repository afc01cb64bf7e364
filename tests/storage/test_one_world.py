"""One world: a 28-day A/A run reproduces the warehouse's last 28 days, through the engine and through HTTP agents.

Each figure (conversion, average order value, revenue per visitor, every funnel step rate) and the persona mix is
compared between the warehouse's last 28 days and an A/A run of 28 days, one test per figure and path. The test
bound is the 99.9% interval of the difference of the two estimates (both are samples), so a real gap between the
worlds fails while chance alone almost never does; ``bench/bench_one_world.py`` prints the 95% table.
"""

import asyncio
from datetime import date

import numpy as np
import pytest
from scipy import stats

from marts.etl.build import build_all
from marts.storage import open_store
from marts.warehouse.generator import load
from shop import repository
from swarm import engine
from swarm.engine import plan_for
from swarm.history import generate
from swarm.population import arrivals_per_day
from swarm.runner import RunRequest
from swarm.world_check import FIGURES, difference_z, run_figures, warehouse_figures
from tests.conftest import temporary_database
from tests.storage.swarm_app import make_app, manager

KEY = "aa-world"
BOUND = stats.norm.ppf(1 - 0.001 / 2)
SPEC = {
    "key": KEY,
    "hypothesis": "Nothing changes: an A/A test of the default shop.",
    "variants": [{"name": "control", "weight": 1}, {"name": "copy", "weight": 1}],
}
SIZES = {"engine": 8_000, "http": 1_200}
"""Warehouse customers per path (the HTTP agents are slower: fewer customers, wider intervals)."""


def _aa_world(store, path: str):
    load(store, generate(users=SIZES[path], days=56, seed=21, end=date.today()))
    repository.create_experiment(store, SPEC)
    repository.start_experiment(store, KEY)
    if path == "engine":
        engine.run_engine(store, KEY, seed=4, days=28)
    else:
        runner = manager(store, make_app(store))
        visitors = round(_expected_visitors(store))

        async def go():
            run_id = await runner.start(RunRequest(experiment_key=KEY, agents=visitors, days=28, seed=4))
            return await runner.wait(run_id)

        asyncio.run(go())
    build_all(store)
    return warehouse_figures(store), run_figures(store, KEY)


def _expected_visitors(store) -> float:
    plan = plan_for(repository.get_experiment(store, KEY), days=28)
    return plan.expected_visitors(arrivals_per_day(store))


@pytest.fixture(scope="module", params=[("engine", "duckdb"), ("engine", "postgres"), ("http", "duckdb")], ids="-".join)
def world(request, tmp_path_factory):
    """The warehouse's and the A/A run's figures, once per path and backend (the HTTP agents on DuckDB: their
    storage is covered on PostgreSQL by the runner's tests)."""
    path, backend = request.param
    folder = tmp_path_factory.mktemp(f"world-{path}-{backend}")
    if backend == "duckdb":
        store = open_store(None, folder)
        try:
            yield path, *_aa_world(store, path)
        finally:
            store.close()
        return
    with temporary_database(request.getfixturevalue("pg_admin")) as url:
        store = open_store(url, folder)
        try:
            yield path, *_aa_world(store, path)
        finally:
            store.close()


@pytest.mark.parametrize("figure", FIGURES)
def test_an_aa_run_reproduces_the_warehouse_figure(world, figure):
    path, warehouse, run = world
    ours, theirs = run.figures[figure], warehouse.figures[figure]
    z = difference_z(ours, theirs)
    assert abs(z) < BOUND, f"{path}: {figure} {ours.value:.4f} in the run, {theirs.value:.4f} in the warehouse"


def test_an_aa_run_reproduces_the_warehouse_persona_mix(world):
    path, warehouse, run = world
    names = sorted(warehouse.personas)
    table = np.array([[warehouse.personas[n] for n in names], [run.personas.get(n, 0) for n in names]])
    assert set(run.personas) == set(names)  # every visitor has a persona: no "unknown"
    p_value = stats.chi2_contingency(table).pvalue
    assert p_value > 0.001, f"{path}: persona mix differs (p = {p_value:.2g}): {table.tolist()}"


def test_an_aa_run_brings_the_visitors_the_warehouse_rate_predicts(world):
    path, warehouse, run = world
    visitors = run.figures["conversion"].units
    last_28 = warehouse.figures["conversion"].units
    assert abs(visitors - last_28) < 5 * np.sqrt(last_28), f"{path}: {visitors} visitors, {last_28} in the warehouse"
