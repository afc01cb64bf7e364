"""Time the vectorised engine: one big run written to the database, and many small A/A experiments in memory.

Usage:
    .venv/bin/python bench/bench_engine.py [--users 1000000 --days 1 --seed 7] [--idea]
        [--warehouse-users 50000 --warehouse-days 90] [--backend duckdb|postgres] [--aa 2000 --aa-users 10000]
        [--skip-run] [--skip-aa] [--profile] [--repeat 1]

The database is a temporary DuckDB file (or a throwaway PostgreSQL database on the local server) holding a
generated warehouse (not timed; by default the size ``novarium seed`` makes) and one running experiment. ``run`` is
``run_engine`` end to end: draw the users, hash their assignments, simulate, build the frames and bulk-insert the
run, assignments and events in one transaction (committed).

``--idea`` runs the first Overview idea's full plan, as a learner fast-forwards it: the experiment the builder makes
from the Overview's first alert (``marts.insights``, prefilled as the Overview's link does), its power step's days
on this warehouse (``novarium_app.builder.evaluate``, the code the builder runs) and ``run_engine`` with
``users=None`` (the visitors those days bring, ``swarm.population.visitors_in``). Without it, ``--users`` users of a
two-variant experiment over ``--days`` days.

``aa`` simulates ``--aa`` A/A experiments of ``--aa-users`` users with ``iter_experiments`` and runs a
two-proportion z-test on each, as the A/A lesson would. ``--profile`` runs the engine's steps one after the other on
a fresh database, to show where the time goes.
"""

import argparse
import math
import time
from datetime import date

import numpy as np
from support import bench_store

from marts.baselines import metric_baselines
from marts.horizon import warehouse_horizon
from marts.insights import warehouse_insights
from marts.storage import Store
from marts.warehouse.generator import load
from novarium_app.builder.draft import slugify
from novarium_app.builder.evaluate import Situation, evaluate
from novarium_app.builder.hypothesis import compose
from novarium_app.builder.plan import MAX_HORIZON, warehouse_inputs
from novarium_app.builder.prefill import prefill
from novarium_app.builder.spec import payload
from shop import repository
from shop.assignment import assign_indices
from swarm.crowd import draw_personas, name_visitors, newcomers
from swarm.engine import plan_for, run_engine
from swarm.event_log import ENGINE_COLUMNS, ENGINE_SELECT, Chunk, assignment_frame, engine_load
from swarm.history import generate
from swarm.plan import Plan
from swarm.population import visitors_curve, warehouse_pools
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
    """One engine run, timed end to end, ``--repeat`` times on fresh databases."""
    for attempt in range(args.repeat):
        with bench_store(args.backend) as store:
            load_warehouse(store, args)
            if args.idea:
                key, days, planned = first_idea(store)
                users = None
                print(f"first idea {key!r}: the power step plans {planned:,} visitors in {days} days")
            else:
                repository.create_experiment(store, SPEC)
                repository.start_experiment(store, KEY)
                key, days, users = KEY, args.days, args.users
            started = time.perf_counter()
            result = run_engine(store, key, users=users, seed=args.seed, days=days)
            wall = time.perf_counter() - started
            rows = {table: store.row_count(table) for table in ("runs", "assignments", "events")}
        seconds = result.seconds
        print(
            f"run {attempt + 1}/{args.repeat} on {args.backend}: {result.users:,} users ({result.from_warehouse:,} "
            f"from the warehouse), {days} day(s), {result.visits:,} visits, {result.events:,} events\n"
            f"  draw {seconds['draw']:.2f}s  generate {seconds['generate']:.2f}s (hash, simulate, frame)  "
            f"write {seconds['write']:.2f}s (bulk loads and commit)  analyze {seconds['analyze']:.2f}s  "
            f"total {wall:.2f}s\n"
            f"  rows: {', '.join(f'{table} {n:,}' for table, n in rows.items())}  "
            f"({result.events / wall:,.0f} events/s, {result.users / wall:,.0f} users/s)"
        )
    if not args.idea:
        plan = Plan.build([(v["name"], v.get("config", {})) for v in SPEC["variants"]], days=args.days)
        started = time.perf_counter()
        outcomes = simulate_outcomes(plan, args.users, args.seed)
        print(f"in memory (no database): {len(outcomes):,} users simulated in {time.perf_counter() - started:.2f}s")


def load_warehouse(store: Store, args: argparse.Namespace) -> None:
    """The generated warehouse the run draws on (not timed)."""
    load(store, generate(users=args.warehouse_users, days=args.warehouse_days, seed=args.seed, end=date.today()))


def first_idea(store: Store) -> tuple[str, int, int]:
    """Start the experiment of the Overview's first idea, as the builder makes it; returns its key, the power step's
    days and the visitors it plans on."""
    alert = warehouse_insights(store).alerts[0]
    params = {"metric": alert.metric, "idea": alert.change[0], "why": alert.evidence[0], alert.knob: alert.knob_value}
    if alert.persona:
        params["persona"] = alert.persona
    draft = prefill(params)
    draft["form"].update(name=f"Bench {alert.key}", key=slugify(f"bench {alert.key}"))
    baselines, horizon = metric_baselines(store), warehouse_horizon(store)
    situation = Situation(
        warehouse=warehouse_inputs(baselines, horizon),
        daily_visitors=baselines.daily_visitors,
        visitors=visitors_curve(store, MAX_HORIZON, horizon),
    )
    found = evaluate(draft, situation)
    if found.plan is None or found.plan.days is None or found.problems:
        raise SystemExit(f"the first idea does not plan: {found.problems or found.plan}")
    spec = payload(draft, compose(draft["form"])[0], found.design)
    repository.create_experiment(store, spec)
    repository.start_experiment(store, spec["key"])
    return spec["key"], found.plan.days, int(found.design["planned_visitors"])


def bench_profile(args: argparse.Namespace) -> None:
    """The engine's steps one after the other (no overlap), to show where the time goes."""
    with bench_store(args.backend) as store:
        load_warehouse(store, args)
        repository.create_experiment(store, SPEC)
        record = repository.start_experiment(store, SPEC["key"])
        plan = plan_for(record, days=args.days)
        rng = np.random.default_rng(args.seed)
        clock = Clock()
        pools = warehouse_pools(store, KEY, rng)
        clock.lap(f"read the warehouse's users ({sum(map(len, pools.values())):,})")
        persona = draw_personas(plan, args.users, rng)
        schedule = draw_schedule(plan, persona, rng)
        clock.lap("draw the visitors and their visits")
        user_id, known = name_visitors(persona, schedule.new, pools, "eng-bench-n", "eng-x")
        clock.lap("name them (warehouse users, new ids)")
        joined = newcomers(user_id, persona, schedule, known, plan, rng)
        clock.lap(f"the newcomers' users rows ({len(joined):,})")
        variants = [(v.name, v.weight) for v in record.variants]
        arm = assign_indices(record.salt, user_id, variants, record.allocation)
        clock.lap("assign (hash every user)")
        visits = sample_schedule(plan, schedule, arm, rng)
        chunk = Chunk(user_id, arm, np.ones(len(arm), dtype=bool), visits)
        clock.lap("simulate the visits")
        common = {"experiment_key": KEY, "arms": plan.arm_names, "run_id": "eng-bench", "start": plan.start}
        events = engine_load(chunk, **common, received_at=plan.end, first_number=0)
        clock.lap("build the events' frames")
        assignments = assignment_frame(chunk, **common)
        clock.lap("build the assignments frame")
        with store.transaction() as conn:
            store.bulk_insert("users", joined, conn=conn)
            clock.lap(f"insert {len(joined):,} users")
            store.bulk_insert("assignments", assignments, conn=conn)
            clock.lap(f"insert {len(assignments):,} assignments")
            store.bulk_insert_select("engine_events", ENGINE_COLUMNS, ENGINE_SELECT, events.frames, conn=conn)
            clock.lap(f"insert {events.rows:,} events")
        clock.lap("commit")
        store.analyze("engine_events")
        clock.lap("analyze the events")
    print(f"profile on {args.backend}, {args.users:,} users, one step at a time:")
    for label, seconds in clock.laps:
        print(f"  {label:<40} {seconds:6.2f}s")
    print(f"  {'total':<40} {sum(s for _, s in clock.laps):6.2f}s")


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
    parser.add_argument("--idea", action="store_true", help="run the first Overview idea's full plan (users=None)")
    parser.add_argument("--warehouse-users", type=int, default=50_000)
    parser.add_argument("--warehouse-days", type=int, default=90)
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
