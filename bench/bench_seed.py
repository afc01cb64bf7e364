"""Time the warehouse generator and its load into DuckDB and/or PostgreSQL.

Usage:
    .venv/bin/python bench/bench_seed.py [--users 50000 --days 90 --seed 7] [--backend duckdb|postgres|both]

DuckDB runs in a temporary directory; PostgreSQL in a throwaway database on the local server (trust auth),
dropped afterwards. ``replace`` times a second load over the first one (delete + insert in one transaction).
"""

import argparse
import time
from datetime import date

from support import BACKENDS, bench_store

from marts.warehouse import Warehouse, load
from swarm.history import generate


def bench_backend(backend: str, args: argparse.Namespace, end: date) -> None:
    started = time.perf_counter()
    warehouse: Warehouse = generate(args.users, args.days, args.seed, end)
    generated = time.perf_counter()
    with bench_store(backend) as store:
        load_started = time.perf_counter()
        counts = load(store, warehouse)
        loaded = time.perf_counter()
        load(store, warehouse)
        replaced = time.perf_counter()
        stored = {name: store.row_count(name) for name in counts}
    if stored != counts:
        raise SystemExit(f"{backend}: stored row counts {stored} differ from loaded {counts}")
    print(f"\n[{backend}] users={args.users:,} days={args.days} seed={args.seed} end={end.isoformat()}")
    for name, rows in counts.items():
        print(f"  {name:<12} {rows:>10,}")
    gen_s, load_s, replace_s = generated - started, loaded - load_started, replaced - loaded
    print(f"  generate {gen_s:6.2f} s   load {load_s:6.2f} s   total {gen_s + load_s:6.2f} s")
    print(f"  replace  {replace_s:6.2f} s   (a second load over the first)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 3, 2), help="first day after the history")
    parser.add_argument("--backend", choices=["duckdb", "postgres", "both"], default="duckdb")
    args = parser.parse_args()
    for backend in BACKENDS if args.backend == "both" else [args.backend]:
        bench_backend(backend, args, args.end)


if __name__ == "__main__":
    main()
