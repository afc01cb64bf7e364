"""Drive the tracking API of the real app over HTTP with concurrent clients and print throughput and latency.

    .venv/bin/python bench/bench_api.py [--backend duckdb|postgres] [--port 3200] [--clients 4] [--batches 200]

It seeds a small warehouse into a throwaway data dir (or PostgreSQL database), starts ``novarium serve`` in its own
process group, creates and starts an experiment through the API, then measures:

* batched ingestion: ``--batches`` batches of 1,000 events (a tenth of them exposures) from ``--clients``
  concurrent ``httpx.AsyncClient`` clients, in events per second (target: at least 20,000);
* single-event ``POST /api/events`` and ``POST /api/assign`` latency, p50 and p99, from one client and from
  ``--clients`` concurrent clients;
* that the events stored equal the events accepted (counted in the database once the server has stopped).

The server's process group is stopped at the end, also on errors. Don't run it while another ``novarium serve``
runs from the same checkout: both build into ``.web/``.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from support import bench_database

from marts.storage import open_store
from novarium_app.devserver import BIN, answers, served
from shop.site_guard import CLIENT_HEADER
from shop.tracking import exposure_event_id

KEY = "bench-banner"
SPEC = {
    "key": KEY,
    "hypothesis": "A red hero banner draws more clicks than the orange one (bench).",
    "variants": [
        {"name": "control", "weight": 50, "config": {}},
        {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
    ],
}
OUTCOMES = ("page_view", "item_view", "search", "add_to_cart", "checkout_start", "purchase")
EXPOSURES_PER_BATCH = 100
TARGET = 20_000  # events per second


def batch_body(batch: int, size: int = 1000) -> bytes:
    """One pre-encoded batch: a tenth exposures of distinct users, the rest outcome events."""
    now = datetime.now(UTC).isoformat()
    events = []
    for i in range(size):
        user = f"bench-u{batch * EXPOSURES_PER_BATCH + i % EXPOSURES_PER_BATCH}"
        if i < EXPOSURES_PER_BATCH:
            events.append(
                {"event_id": exposure_event_id(KEY, user), "user_id": user, "name": "exposure", "experiment_key": KEY}
            )
            continue
        name = OUTCOMES[i % len(OUTCOMES)]
        event = {"event_id": f"b{batch}-{i}", "user_id": user, "name": name, "props": {"path": "/shop"}}
        if name in ("add_to_cart", "purchase"):
            event["value"] = round(5 + i % 40 * 0.75, 2)
        if i % 2:
            event["ts"] = now
        events.append(event)
    return json.dumps({"events": events}).encode()


async def post_batches(base: str, batches: list[bytes], clients: int) -> tuple[float, dict[str, int]]:
    """Send every batch from ``clients`` concurrent clients; returns elapsed seconds and summed counts."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in batches:
        queue.put_nowait(body)
    totals = {"accepted": 0, "duplicates": 0, "rejected": 0}

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            while not queue.empty():
                body = queue.get_nowait()
                response = await client.post("/api/events", content=body, headers={"content-type": "application/json"})
                response.raise_for_status()
                result = response.json()
                totals["accepted"] += result["accepted"]
                totals["duplicates"] += result["duplicates"]
                totals["rejected"] += len(result["rejected"])

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.perf_counter() - started, totals


async def latencies(base: str, path: str, bodies: list[dict], clients: int) -> tuple[list[float], int]:
    """Per-request latency in milliseconds of POSTing each body, ``clients`` at a time, and the events accepted."""
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    times: list[float] = []
    accepted = [0]

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            while not queue.empty():
                body = queue.get_nowait()
                started = time.perf_counter()
                response = await client.post(path, json=body)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                accepted[0] += response.json().get("accepted", 0)

    await asyncio.gather(*(worker() for _ in range(clients)))
    return times, accepted[0]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def drive(base: str, args: argparse.Namespace) -> int:
    """Create and start the experiment, then run the three measurements; returns the events accepted."""
    async with httpx.AsyncClient(base_url=base, timeout=60, headers={CLIENT_HEADER: "bench"}) as client:
        (await client.post("/api/experiments", json=SPEC)).raise_for_status()
        (await client.post(f"/api/experiments/{KEY}/start")).raise_for_status()
    warmup = [batch_body(args.batches + 1 + i) for i in range(args.clients)]
    _, warm = await post_batches(base, warmup, args.clients)

    batches = [batch_body(b) for b in range(args.batches)]
    elapsed, totals = await post_batches(base, batches, args.clients)
    sent = sum(len(json.loads(b)["events"]) for b in batches)
    rate = sent / elapsed
    print(
        f"batched ingestion: {sent:,} events in {len(batches)} batches of 1,000 from {args.clients} clients "
        f"in {elapsed:.2f}s = {rate:,.0f} events/s ({'meets' if rate >= TARGET else 'MISSES'} the {TARGET:,} target; "
        f"accepted {totals['accepted']:,}, duplicates {totals['duplicates']:,}, rejected {totals['rejected']:,})"
    )

    single_accepted = 0
    for clients in sorted({1, args.clients}):
        singles = [
            {"events": [{"event_id": f"single-{clients}-{i}", "user_id": f"bench-s{i % 500}", "name": "page_view"}]}
            for i in range(args.singles)
        ]
        single_ms, accepted = await latencies(base, "/api/events", singles, clients)
        single_accepted += accepted
        print(_latency_line("single-event POST /api/events", single_ms, clients))
        assigns = [
            {"user_id": f"bench-a{clients}-{i % (args.assigns // 2)}", "experiment_key": KEY}
            for i in range(args.assigns)
        ]
        assign_ms, _ = await latencies(base, "/api/assign", assigns, clients)
        print(_latency_line("POST /api/assign (half repeat visitors)", assign_ms, clients))
    return warm["accepted"] + totals["accepted"] + single_accepted


def _latency_line(what: str, values: list[float], clients: int) -> str:
    return (
        f"{what}: n={len(values):,}, {clients} clients: p50 {percentile(values, 50):.1f} ms, "
        f"p99 {percentile(values, 99):.1f} ms, mean {statistics.fmean(values):.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--port", type=int, default=int(os.environ.get("NOVARIUM_BENCH_PORT", "3200")))
    parser.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients [4]")
    parser.add_argument("--batches", type=int, default=200, help="batches of 1,000 events [200]")
    parser.add_argument("--singles", type=int, default=1000, help="single-event requests per client count [1,000]")
    parser.add_argument("--assigns", type=int, default=1000, help="assign requests per client count [1,000]")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    if answers(f"{base}/api/health"):
        print(f"port {args.port} is already serving; stop that server or pass --port", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="novarium-bench-") as tmp, bench_database(args.backend) as database_url:
        workdir = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REFLEX_REDIS_URL")}
        env.update(NOVARIUM_DATA_DIR=str(workdir / "data"), NOVARIUM_PORT=str(args.port), NOVARIUM_LOG_LEVEL="WARNING")
        if database_url:
            env["DATABASE_URL"] = database_url
        seed = [str(BIN / "novarium"), "seed", "--users", "2000", "--days", "30"]
        subprocess.run(seed, env=env, check=True, capture_output=True, timeout=300)
        started = time.perf_counter()
        with served(env, base, workdir / "server.log"):
            print(f"NovaRium on {args.backend} at {base} (ready in {time.perf_counter() - started:.0f}s)")
            accepted = asyncio.run(drive(base, args))
        store = open_store(database_url, workdir / "data")
        try:
            stored = store.row_count("events")
        finally:
            store.close()
    verdict = "OK" if stored == accepted else "MISMATCH"
    print(f"events stored {stored:,} == events accepted {accepted:,}: {verdict}")
    return 0 if stored == accepted else 1


if __name__ == "__main__":
    sys.exit(main())
