"""One world: the warehouse's last 28 days against a 28-day A/A run, figure by figure, with 95% intervals.

Usage:
    .venv/bin/python bench/bench_one_world.py [--users 50000] [--days 28] [--path engine|http]
        [--backend duckdb|postgres] [--seed 7]

A warehouse of ``--users`` customers over 56 days is generated and loaded (the default warehouse's size), an A/A
experiment started, and a run of ``--days`` days of the shop's traffic made through the engine (as many visitors as
the warehouse's arrival rate brings) or the HTTP agents (the same number of agents, in-process HTTP). The table gives
each figure in the warehouse's last 28 days with its 95% interval, the run's figure, whether it lies inside the
warehouse's interval, and the difference in standard errors of the difference.
"""

import argparse
import asyncio
import sys
import time
from datetime import date
from pathlib import Path

from support import bench_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from marts.etl.build import build_all
from marts.warehouse.generator import load
from shop import repository
from swarm import engine
from swarm.engine import plan_for
from swarm.history import generate
from swarm.population import arrivals_per_day
from swarm.runner import RunRequest
from swarm.world_check import FIGURES, difference_z, run_figures, warehouse_figures

KEY = "aa-world"
SPEC = {
    "key": KEY,
    "hypothesis": "Nothing changes: an A/A test of the default shop.",
    "variants": [{"name": "control", "weight": 1}, {"name": "copy", "weight": 1}],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--path", choices=["engine", "http"], default="engine")
    parser.add_argument("--backend", choices=["duckdb", "postgres"], default="duckdb")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with bench_store(args.backend) as store:
        load(store, generate(users=args.users, days=56, seed=args.seed, end=date.today()))
        repository.create_experiment(store, SPEC)
        repository.start_experiment(store, KEY)
        started = time.perf_counter()
        visitors = _run(store, args)
        seconds = time.perf_counter() - started
        build_all(store)
        warehouse, run = warehouse_figures(store), run_figures(store, KEY)
    print(
        f"{args.path} on {args.backend}: warehouse of {args.users:,} customers; A/A run of {args.days} days, "
        f"{visitors:,} visitors, in {seconds:.1f}s"
    )
    print(f"{'figure':<22}{'warehouse (95% CI)':>34}{'A/A run':>12}{'inside':>8}{'z':>7}")
    for name in FIGURES:
        ours, theirs = run.figures[name], warehouse.figures[name]
        low, high = theirs.interval()
        inside = "yes" if low <= ours.value <= high else "no"
        print(
            f"{name:<22}{theirs.value:>12.4f} ({low:.4f}-{high:.4f}){ours.value:>12.4f}{inside:>8}"
            f"{difference_z(ours, theirs):>7.2f}"
        )
    total_w, total_r = sum(warehouse.personas.values()), sum(run.personas.values())
    print(f"{'persona share':<22}{'warehouse':>34}{'A/A run':>12}")
    for name in sorted(warehouse.personas):
        print(f"  {name:<20}{warehouse.personas[name] / total_w:>34.4f}{run.personas.get(name, 0) / total_r:>12.4f}")
    print(f"visitors: warehouse last 28 days {total_w:,}, A/A run {total_r:,}")


def _run(store, args: argparse.Namespace) -> int:
    if args.path == "engine":
        return engine.run_engine(store, KEY, seed=args.seed, days=args.days).users
    from tests.storage.swarm_app import make_app, manager

    plan = plan_for(repository.get_experiment(store, KEY), days=args.days)
    visitors = round(plan.expected_visitors(arrivals_per_day(store)))
    runner = manager(store, make_app(store))

    async def go() -> None:
        run_id = await runner.start(RunRequest(experiment_key=KEY, agents=visitors, days=args.days, seed=args.seed))
        await runner.wait(run_id)

    asyncio.run(go())
    return visitors


if __name__ == "__main__":
    main()
