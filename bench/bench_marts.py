"""Time the marts ETL on a realistically sized warehouse, on DuckDB and/or PostgreSQL.

    .venv/bin/python bench/bench_marts.py [--backend duckdb|postgres|both] [--synthetic]

The warehouse comes from ``swarm.history`` when it is importable (else, or with ``--synthetic``, from a
quick numpy stand-in of the same size: ~50k users, 90 days, ~700k sessions, ~150k orders). The experiment log
(assignments and events for two experiments, after the history) is always synthetic. PostgreSQL runs in a
throwaway database on the server at $NOVARIUM_BENCH_PG_URL (default: the test server), dropped afterwards.
"""

import argparse
import signal
import sys
import time
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from support import bench_store

from marts.etl import build_all, build_experiment_users
from marts.storage import Store

USERS, DAYS, SEED = 50_000, 90, 7
END = date(2026, 3, 1)  # first day after the history
SESSIONS, ORDERS = 700_000, 150_000
EXPERIMENTS, EXPOSED_PER_EXPERIMENT = ("bench_banner", "bench_ranking"), 20_000
PERSONAS = ("impulsive", "planner", "bargain_hunter", "browser", "loyal")
REGIONS = ("Seoul", "Busan", "Incheon", "Daegu", "Daejeon")
DEVICES = ("ios", "android", "web")


def synthetic_warehouse(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Users, sessions and orders of the bench's size; values are plausible, not behaviourally modelled."""
    start = pd.Timestamp(END) - pd.Timedelta(days=DAYS)
    user_ids = np.array([f"u{i:07d}" for i in range(USERS)])
    users = pd.DataFrame(
        {
            "user_id": user_ids,
            "signup_at": start - pd.to_timedelta(rng.integers(0, 365 * 86_400, USERS), unit="s"),
            "region": rng.choice(REGIONS, USERS),
            "device": rng.choice(DEVICES, USERS),
            "persona": rng.choice(PERSONAS, USERS),
        }
    )
    activity = rng.gamma(0.8, 1.0, USERS)
    who = rng.choice(USERS, SESSIONS, p=activity / activity.sum())
    started = start + pd.to_timedelta(rng.integers(0, DAYS * 86_400, SESSIONS), unit="s")
    ordered = np.zeros(SESSIONS, dtype=bool)
    ordered[rng.choice(SESSIONS, ORDERS, replace=False)] = True
    sessions = pd.DataFrame(
        {
            "session_id": np.arange(1, SESSIONS + 1),
            "user_id": user_ids[who],
            "started_at": started,
            "device": users["device"].to_numpy()[who],
            "page_views": rng.poisson(4, SESSIONS) + 1,
            "viewed_item": ordered | (rng.random(SESSIONS) < 0.6),
            "added_to_cart": ordered | (rng.random(SESSIONS) < 0.3),
            "started_checkout": ordered | (rng.random(SESSIONS) < 0.1),
            "ordered": ordered,
        }
    )
    placed = sessions[ordered]
    subtotal = np.round(rng.lognormal(3.0, 0.5, ORDERS), 2)
    fee = rng.choice([0.0, 1.99, 2.99], ORDERS)
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, ORDERS + 1),
            "user_id": placed["user_id"].to_numpy(),
            "session_id": placed["session_id"].to_numpy(),
            "restaurant_id": rng.integers(1, 201, ORDERS),
            "ordered_at": placed["started_at"].to_numpy() + pd.to_timedelta(rng.integers(60, 1_800, ORDERS), unit="s"),
            "items_count": rng.integers(1, 6, ORDERS),
            "subtotal": subtotal,
            "discount": 0.0,
            "delivery_fee": fee,
            "total": np.round(subtotal + fee, 2),
            "status": "delivered",
        }
    )
    return {"users": users, "sessions": sessions, "orders": orders}


def synthetic_experiment_log(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Assignments and events after the history: 90% warehouse users, 10% outside visitors, some events unkeyed."""
    names = np.array(["page_view", "banner_click", "search", "item_view", "add_to_cart", "checkout_start", "purchase"])
    weights = np.array([0.40, 0.08, 0.12, 0.20, 0.10, 0.05, 0.05])
    assignments, events = [], []
    for key in EXPERIMENTS:
        n = EXPOSED_PER_EXPERIMENT
        ids = np.where(rng.random(n) < 0.9, [f"u{i:07d}" for i in rng.integers(0, USERS, n)], "")
        ids = np.array([uid or f"visitor-{key}-{i}" for i, uid in enumerate(ids)])
        ids = pd.unique(ids)
        n = len(ids)
        variant = rng.choice(["control", "treatment"], n)
        exposed_at = pd.Timestamp(END) + pd.to_timedelta(rng.integers(0, 7 * 86_400, n), unit="s")
        assignments.append(
            pd.DataFrame({"experiment_key": key, "user_id": ids, "variant": variant, "assigned_at": exposed_at})
        )
        per_user = rng.poisson(12, n)
        who = np.repeat(np.arange(n), per_user)
        name = rng.choice(names, len(who), p=weights)
        keyed = (name != "purchase") & (rng.random(len(who)) < 0.7)
        offset = pd.to_timedelta(rng.integers(-3_600, 3 * 86_400, len(who)), unit="s")  # some before exposure
        events.append(
            pd.DataFrame(
                {
                    "user_id": ids[who],
                    "name": name,
                    "ts": exposed_at[who] + offset,
                    "experiment_key": np.where(keyed, key, None),
                    "variant": np.where(keyed, variant[who], None),
                    "value": np.where(name == "purchase", np.round(rng.lognormal(3.0, 0.5, len(who)), 2), np.nan),
                }
            )
        )
        events.append(
            pd.DataFrame(
                {
                    "user_id": ids,
                    "name": "exposure",
                    "ts": exposed_at,
                    "experiment_key": key,
                    "variant": variant,
                    "value": np.nan,
                }
            )
        )
    log = pd.concat(events, ignore_index=True)
    log["event_id"] = [f"ev{i:09d}" for i in range(len(log))]
    log["received_at"] = log["ts"]
    return {"assignments": pd.concat(assignments, ignore_index=True), "events": log}


def load_warehouse(store: Store, synthetic: bool) -> str:
    """Load the warehouse and the experiment log; returns where the warehouse came from."""
    rng = np.random.default_rng(SEED)
    source = "synthetic (numpy)"
    generator = None if synthetic else _real_generator()
    if generator is not None:
        generate, load = generator
        load(store, generate(users=USERS, days=DAYS, seed=SEED, end=END))
        source = "swarm.history"
    else:
        for table, frame in synthetic_warehouse(rng).items():
            store.bulk_insert(table, frame)
    for table, frame in synthetic_experiment_log(rng).items():
        store.bulk_insert(table, frame)
    return source


def _real_generator():
    try:
        from marts.warehouse.generator import load
        from swarm.history import generate
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith(("marts.warehouse", "swarm")):
            return None
        raise
    return generate, load


def bench(backend: str, synthetic: bool) -> None:
    """Load, then build every mart twice (fresh, then over existing marts) and one experiment alone."""
    with bench_store(backend) as store:
        started = time.perf_counter()
        source = load_warehouse(store, synthetic)
        loaded = time.perf_counter() - started
        counts = {t: store.row_count(t) for t in ("users", "sessions", "orders", "assignments", "events")}
        print(f"\n== {backend}  warehouse: {source}, loaded in {loaded:.1f}s")
        print("   " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        for run in ("build 1 (fresh)", "build 2 (rebuild)"):
            started = time.perf_counter()
            results = build_all(store)
            total = time.perf_counter() - started
            parts = "  ".join(f"{r.mart} {r.seconds:6.2f}s ({r.rows:,} rows)" for r in results)
            print(f"   {run:18} {parts}  total {total:6.2f}s")
        single = build_experiment_users(store, experiment_key=EXPERIMENTS[0])
        print(
            f"   {'one experiment':18} experiment_users[{EXPERIMENTS[0]}] {single.seconds:6.2f}s ({single.rows:,} rows)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("duckdb", "postgres", "both"), default="both")
    parser.add_argument("--synthetic", action="store_true", help="use the numpy stand-in even if the generator exists")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the clean-ups (drop the throwaway database)
    print(f"marts ETL bench: {USERS:,} users, {DAYS} days to {END - timedelta(days=1)}, started {datetime.now():%H:%M}")
    for backend in ("duckdb", "postgres") if args.backend == "both" else (args.backend,):
        bench(backend, args.synthetic)


if __name__ == "__main__":
    main()
