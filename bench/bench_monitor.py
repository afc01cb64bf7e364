"""Time one look of the Runs page's live monitor (``marts.monitor.monitor_run``) on a large run.

Usage:
    .venv/bin/python bench/bench_monitor.py [--users 100000 --days 1 --seed 7] [--warehouse-users 20000]
        [--backend duckdb|postgres|both] [--repeat 5]

The database is a temporary DuckDB file (or a throwaway PostgreSQL database) holding a generated warehouse and one
engine run of ``--users`` users (neither timed). One look is timed right after the run's bulk load, before the
database has statistics on the new rows ("cold"; PostgreSQL's autovacuum analyzes within about a minute). Then, with
statistics, a look is timed ``--repeat`` times as the engine run it is (bucketed by simulated time) and as an HTTP
run (the same rows bucketed by arrival): that is what each refresh of a live monitor costs. It also prints the size
of what one refresh sends to the browser (the page's strings and the chart series as JSON), which ``MAX_LOOKS``
bounds whatever the run's size.
"""

import argparse
import json
import statistics
import time
from datetime import date, timedelta

from support import BACKENDS, bench_store

from marts.monitor import MAX_LOOKS, monitor_run
from marts.warehouse.generator import load
from novarium_app.components.monitor_view import build_view
from shop import repository
from swarm.engine import run_engine
from swarm.history import generate

KEY = "bench-monitor"
SPEC = {
    "key": KEY,
    "hypothesis": "A red banner with a 10% discount lifts conversion.",
    "variants": [
        {"name": "control", "weight": 1},
        {"name": "treatment", "weight": 1, "config": {"banner_color": "red", "discount_pct": 10}},
    ],
}


def _time_looks(store, run_id: str, repeat: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = monitor_run(store, run_id)
        seconds.append(time.perf_counter() - started)
    return seconds, result


def bench(backend: str, args: argparse.Namespace) -> None:
    """One run on ``backend``, looked at ``--repeat`` times per clock."""
    with bench_store(backend) as store:
        load(store, generate(users=args.warehouse_users, days=30, seed=args.seed, end=date.today()))
        repository.create_experiment(store, SPEC)
        repository.start_experiment(store, KEY)
        run = run_engine(store, KEY, users=args.users, seed=args.seed, days=args.days)
        cold, _ = _time_looks(store, run.run_id, 1)
        print(f"{backend}: {args.users:,} users, {run.events:,} events; a cold look {cold[0] * 1000:,.0f} ms")
        store.analyze("events", "assignments")
        for clock in ("simulated", "received"):
            if clock == "received":
                row = store.query("SELECT started_at FROM runs WHERE run_id = :r", {"r": run.run_id})[0]
                store.execute(
                    "UPDATE runs SET kind = 'http', finished_at = :end WHERE run_id = :r",
                    {"r": run.run_id, "end": row["started_at"] + timedelta(minutes=10)},
                )
            seconds, result = _time_looks(store, run.run_id, args.repeat)
            payload = len(json.dumps(build_view(result).__dict__, default=str))
            print(
                f"  {clock:>9} clock: one look {statistics.median(seconds) * 1000:,.0f} ms median "
                f"(min {min(seconds) * 1000:,.0f}, max {max(seconds) * 1000:,.0f}) over {args.repeat}; "
                f"{result.window.looks} looks of {result.window.width} s (at most {MAX_LOOKS}); "
                f"{payload / 1024:,.1f} kB to the browser"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warehouse-users", type=int, default=20_000)
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for backend in BACKENDS if args.backend == "both" else (args.backend,):
        bench(backend, args)


if __name__ == "__main__":
    main()
