"""Time the vectorised engine: one big run written to the database, and many small A/A experiments in memory.

Usage:
    .venv/bin/python bench/bench_engine.py [--users 1000000 --days 1 --seed 7] [--warehouse-users 50000]
        [--backend duckdb|postgres] [--aa 2000 --aa-users 10000] [--skip-run] [--skip-aa] [--profile] [--repeat 1]

The database is a temporary DuckDB file (or a throwaway PostgreSQL database on the local server) holding a
generated warehouse (not timed) and one running experiment with two variants. ``run`` is ``run_engine`` end to
end: draw the users, hash their assignments, simulate, build the frames and bulk-insert the run, assignments and
events in one transaction (committed). ``aa`` simulates ``--aa`` A/A experiments of ``--aa-users`` users with
``iter_experiments`` and runs a two-proportion z-test on each, as the A/A lesson would. ``--profile`` runs the
engine's steps one after the other on a fresh database, to show where the time goes.
"""

import argparse
import math
import time
from datetime import date

import numpy as np
from support import bench_store

from marts.warehouse.generator import load
from shop import repository
from shop.assignment import assign_indices
from swarm.crowd import draw_personas, name_visitors
from swarm.engine import plan_for, run_engine
from swarm.event_log import Chunk, assignment_frame, event_frame
from swarm.history import generate
from swarm.plan import Plan
from swarm.population import warehouse_pools
from swarm.simulation import draw_schedule, iter_experiments, sample_schedule, simulate_outcomes

KEY = "bench-engine"
SPEC = {
    "key": KEY,
    "hypothesis": "A red banner with a 10% discount lifts conversion.",
    "variants": [
        {"name": "control", "weight": 1},
        {"name": "treatment", "weight": 1, "config": {"banner_color": "red", "discount_pct": 10}},
    ],
}


def bench_run(args: argparse.Namespace) -> None:
    """One engine run of ``--users`` users, timed end to end, ``--repeat`` times on fresh databases."""
    for attempt in range(args.repeat):
        with bench_store(args.backend) as store:
            load(store, generate(users=args.warehouse_users, days=30, seed=args.seed, end=date.today()))
            repository.create_experiment(store, SPEC)
            repository.start_experiment(store, SPEC["key"])
            started = time.perf_counter()
            result = run_engine(store, SPEC["key"], users=args.users, seed=args.seed, days=args.days)
            wall = time.perf_counter() - started
            rows = {table: store.row_count(table) for table in ("runs", "assignments", "events")}
        seconds = result.seconds
        print(
            f"run {attempt + 1}/{args.repeat} on {args.backend}: {args.users:,} users ({result.from_warehouse:,} from "
            f"the warehouse), {args.days} day(s), {result.visits:,} visits\n"
            f"  draw {seconds['draw']:.2f}s  generate {seconds['generate']:.2f}s (hash, simulate, frame)  "
            f"write {seconds['write']:.2f}s (bulk loads and commit)  total {wall:.2f}s\n"
            f"  rows: {', '.join(f'{table} {n:,}' for table, n in rows.items())}  "
            f"({result.events / wall:,.0f} events/s, {args.users / wall:,.0f} users/s)"
        )
    plan = Plan.build([(v["name"], v.get("config", {})) for v in SPEC["variants"]], days=args.days)
    started = time.perf_counter()
    outcomes = simulate_outcomes(plan, args.users, args.seed)
    print(f"in memory (no database): {len(outcomes):,} users simulated in {time.perf_counter() - started:.2f}s")


def bench_profile(args: argparse.Namespace) -> None:
    """The engine's steps one after the other (no overlap), to show where the time goes."""
    with bench_store(args.backend) as store:
        load(store, generate(users=args.warehouse_users, days=30, seed=args.seed, end=date.today()))
        repository.create_experiment(store, SPEC)
        record = repository.start_experiment(store, SPEC["key"])
        plan = plan_for(record, days=args.days)
        rng = np.random.default_rng(args.seed)
        clock = Clock()
        persona = draw_personas(plan, args.users, rng)
        schedule = draw_schedule(plan, persona, rng)
        clock.lap("draw the visitors and their visits")
        user_id, _ = name_visitors(persona, schedule.new, warehouse_pools(store, KEY, rng), "eng-bench-n", "eng-x")
        clock.lap("name them (warehouse users, new ids)")
        variants = [(v.name, v.weight) for v in record.variants]
        arm = assign_indices(record.salt, user_id, variants, record.allocation)
        clock.lap("assign (hash every user)")
        visits = sample_schedule(plan, schedule, arm, rng)
        chunk = Chunk(user_id, arm, np.ones(len(arm), dtype=bool), visits)
        clock.lap("simulate the visits")
        common = {"experiment_key": KEY, "arms": plan.arm_names, "run_id": "eng-bench", "start": plan.start}
        events = event_frame(chunk, **common, received_at=plan.end, first_number=0)
        clock.lap("build the events frame")
        assignments = assignment_frame(chunk, **common)
        clock.lap("build the assignments frame")
        with store.transaction() as conn:
            store.bulk_insert("assignments", assignments, conn=conn)
            clock.lap(f"insert {len(assignments):,} assignments")
            store.bulk_insert("events", events, conn=conn)
            clock.lap(f"insert {len(events):,} events")
        clock.lap("commit")
    print(f"profile on {args.backend}, {args.users:,} users, one step at a time:")
    for label, seconds in clock.laps:
        print(f"  {label:<36} {seconds:6.2f}s")
    print(f"  {'total':<36} {sum(s for _, s in clock.laps):6.2f}s")


class Clock:
    """Named laps of wall-clock time."""

    def __init__(self) -> None:
        self.laps: list[tuple[str, float]] = []
        self.last = time.perf_counter()

    def lap(self, label: str) -> None:
        now = time.perf_counter()
        self.laps.append((label, now - self.last))
        self.last = now


def bench_aa(args: argparse.Namespace) -> None:
    """``--aa`` A/A experiments of ``--aa-users`` users in memory, each with a conversion z-test."""
    plan = Plan.build([("a", {}), ("b", {})])
    started = time.perf_counter()
    significant = 0
    for outcomes in iter_experiments(plan, args.aa, args.aa_users, args.seed):
        converted = outcomes.purchases > 0
        n = np.bincount(outcomes.arm, minlength=2)
        k = np.bincount(outcomes.arm, weights=converted, minlength=2)
        pooled = k.sum() / n.sum()
        se = math.sqrt(pooled * (1 - pooled) * (1 / n[0] + 1 / n[1]))
        z = (k[1] / n[1] - k[0] / n[0]) / se if se > 0 else 0.0
        significant += abs(z) > 1.959964
    seconds = time.perf_counter() - started
    print(
        f"A/A: {args.aa:,} experiments x {args.aa_users:,} users in {seconds:.2f}s "
        f"({args.aa * args.aa_users / seconds:,.0f} users/s); false-positive rate at 5%: {significant / args.aa:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warehouse-users", type=int, default=50_000)
    parser.add_argument("--backend", choices=["duckdb", "postgres"], default="duckdb")
    parser.add_argument("--aa", type=int, default=2_000)
    parser.add_argument("--aa-users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-run", action="store_true")
    parser.add_argument("--skip-aa", action="store_true")
    parser.add_argument("--profile", action="store_true", help="also time each step one after the other")
    args = parser.parse_args()
    if not args.skip_run:
        bench_run(args)
    if args.profile:
        bench_profile(args)
    if not args.skip_aa:
        bench_aa(args)


if __name__ == "__main__":
    main()
