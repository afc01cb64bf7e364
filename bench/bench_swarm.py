"""Run the HTTP swarm against the real app and print its throughput, its duration and both sides' peak memory.

    .venv/bin/python bench/bench_swarm.py [--agents 78396] [--concurrency 512] [--backend duckdb|postgres]

It seeds a warehouse of ``--users`` users (default: as many as agents, so every agent is a warehouse user) into a
throwaway data dir (or PostgreSQL database), starts ``novarium serve`` (production build, one backend worker) in its
own process group with its own ``REFLEX_WEB_WORKDIR``, creates and starts an A/B experiment through the API, then runs
``--agents`` agents from this process exactly as ``novarium swarm`` does (``RunManager`` with an ``HttpRecorder``),
each a full session: assign, then every visit's events. It prints:

* agent sessions per second, sustained (between 10 % and 90 % of the agents done; target: at least 500) and overall;
* the time for all the agents (target for 78,396: under 3 minutes) and whether events stored == events sent, counted
  in the database after the server has stopped;
* peak memory: the high-water mark of the server process tree's summed RSS (sampled every 0.1 s) and of each of its
  processes (VmHWM), and of this swarm process (ru_maxrss);
* CPU seconds per agent on each side, and the machine's load average (other work on the machine slows both sides).

The server's process group is stopped at the end, also on errors.
"""

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from support import bench_database

from marts.storage import open_store
from novarium_app.devserver import BIN, answers, served
from shop.site_guard import CLIENT_HEADER
from swarm.recorder import HttpRecorder
from swarm.runner import RunManager, RunRequest

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-swarm"
SPEC = {
    "key": KEY,
    "hypothesis": "A red banner with 10% off lifts orders (swarm bench).",
    "variants": [
        {"name": "control", "weight": 50, "config": {}},
        {"name": "treatment", "weight": 50, "config": {"banner_color": "red", "discount_pct": 10}},
    ],
}
TARGET_RATE = 500
TARGET_SECONDS = 180


class TreeMemory:
    """Samples the summed RSS of a process group in a thread; keeps the peak and each process's VmHWM."""

    def __init__(self, pgid: int, every: float = 0.1) -> None:
        self.pgid = pgid
        self.every = every
        self.peak_kb = 0
        self.hwm_kb: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        """Add up the RSS of the group's processes now; record each one's high-water mark."""
        total = 0
        for pid in _group(self.pgid):
            status = _status(pid)
            if not status:
                continue
            total += status.get("VmRSS", 0)
            self.hwm_kb[pid] = (status.get("Name", "?"), max(status.get("VmHWM", 0), self.hwm_kb.get(pid, ("", 0))[1]))
        self.peak_kb = max(self.peak_kb, total)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.sample()


def _group(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[2]) == pgid:
                pids.append(int(entry))
    return pids


def _status(pid: int) -> dict[str, int | str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    out: dict[str, int | str] = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name == "Name":
            out[name] = value.strip()
        elif name in ("VmRSS", "VmHWM"):
            out[name] = int(value.split()[0])
    return out


def _cpu_seconds(pgid: int) -> float:
    total = 0.0
    for pid in _group(pgid):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def drive(base: str, args: argparse.Namespace, server_pgid: int) -> dict:
    """Create and start the experiment, run the swarm, and measure it."""
    headers = {CLIENT_HEADER: "bench"}
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False, headers=headers) as client:
        (await client.post("/api/experiments", json=SPEC)).raise_for_status()
        (await client.post(f"/api/experiments/{KEY}/start")).raise_for_status()
    recorder = HttpRecorder(base)
    manager = RunManager(None, base, recorder=recorder)
    request = RunRequest(KEY, args.agents, args.concurrency, args.seed, args.days)
    marks: dict[int, float] = {}
    cpu_before = _cpu_seconds(server_pgid)
    own_before = time.process_time()
    started = time.perf_counter()
    run_id = await manager.start(request)
    done = asyncio.ensure_future(manager.wait(run_id))
    while not done.done():
        await asyncio.wait({done}, timeout=0.05)
        progress = manager.progress(run_id)
        for share in (10, 90):
            if share not in marks and progress.agents_done >= args.agents * share / 100:
                marks[share] = time.perf_counter()
    final = await done
    elapsed = time.perf_counter() - started
    summary = manager.summary(run_id)
    await recorder.aclose()
    return {
        "run_id": run_id,
        "final": final,
        "summary": summary,
        "elapsed": elapsed,
        "sustained": args.agents * 0.8 / (marks[90] - marks[10]) if 10 in marks and 90 in marks else 0.0,
        "server_cpu": _cpu_seconds(server_pgid) - cpu_before,
        "swarm_cpu": time.process_time() - own_before,
    }


def report(result: dict, memory: TreeMemory, stored: int, stored_row: int, args: argparse.Namespace) -> bool:
    """Print the figures; True when events stored == events sent."""
    final, summary = result["final"], result["summary"]
    agents = final.agents_done
    sent = final.events_sent
    sustained = result["sustained"]
    elapsed = result["elapsed"]
    print(
        f"agents: {agents:,} of {final.agents_planned:,} done ({final.status}); "
        f"sessions (visits) {summary.sessions:,}; "
        f"events sent {sent:,}, duplicates {summary.duplicates:,}, rejected {summary.rejected:,}, "
        f"retries {summary.retries:,}; assigned {summary.assigned}"
    )
    print(
        f"agent sessions per second: sustained {sustained:,.0f}/s (10%-90% of agents), "
        f"overall {agents / elapsed:,.0f}/s "
        f"({'meets' if sustained >= TARGET_RATE else 'MISSES'} the {TARGET_RATE}/s target); "
        f"{sent / elapsed:,.0f} events/s"
    )
    verdict = "meets" if elapsed < TARGET_SECONDS else "MISSES"
    print(f"time for {agents:,} agents: {elapsed:,.1f}s ({verdict} the {TARGET_SECONDS}s target for 78,396)")
    ok = stored == sent and stored_row == stored
    print(
        f"events stored {stored:,} == events sent {sent:,}: {'OK' if stored == sent else 'MISMATCH'} "
        f"(runs row says {stored_row:,} stored)"
    )
    per_process = ", ".join(
        f"{name} {kb / 1024:,.0f}" for name, kb in sorted(memory.hwm_kb.values(), key=lambda x: -x[1])
    )
    print(
        f"peak memory: server process tree {memory.peak_kb / 1024:,.0f} MiB summed RSS (VmHWM per process, MiB: "
        f"{per_process}); swarm process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
    )
    print(
        f"cpu per agent: server {result['server_cpu'] / agents * 1000:.2f} ms, "
        f"swarm {result['swarm_cpu'] / agents * 1000:.2f} ms; "
        f"load average at the end {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--port", type=int, default=int(os.environ.get("NOVARIUM_BENCH_PORT", "3650")))
    parser.add_argument("--agents", type=int, default=78_396, help="agents (users) [78,396]")
    parser.add_argument("--users", type=int, default=None, help="warehouse users to seed [as many as agents]")
    parser.add_argument("--history-days", type=int, default=30, help="days of warehouse history [30]")
    parser.add_argument("--concurrency", type=int, default=512, help="agents in flight [512]")
    parser.add_argument("--days", type=int, default=1, help="simulated days the visits spread over [1]")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--web-workdir", default=str(ROOT / ".web-bench"), help="REFLEX_WEB_WORKDIR [.web-bench]")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    if answers(f"{base}/api/health"):
        print(f"port {args.port} is already serving; stop that server or pass --port", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="novarium-bench-") as tmp, bench_database(args.backend) as database_url:
        workdir = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REFLEX_REDIS_URL")}
        env.update(
            NOVARIUM_DATA_DIR=str(workdir / "data"),
            NOVARIUM_PORT=str(args.port),
            NOVARIUM_LOG_LEVEL="WARNING",
            REFLEX_WEB_WORKDIR=args.web_workdir,
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        users = args.users or args.agents
        seed = [str(BIN / "novarium"), "seed", "--users", str(users), "--days", str(args.history_days)]
        subprocess.run(seed, env=env, check=True, capture_output=True, timeout=900)
        started = time.perf_counter()
        with served(env, base, workdir / "server.log") as server, TreeMemory(server.pid) as memory:
            print(
                f"NovaRium on {args.backend} at {base} (ready in {time.perf_counter() - started:.0f}s); warehouse "
                f"{users:,} users; {args.agents:,} agents, concurrency {args.concurrency}, seed {args.seed}"
            )
            result = asyncio.run(drive(base, args, server.pid))
            memory.sample()
        store = open_store(database_url, workdir / "data")
        try:
            run_id = result["run_id"]
            stored = int(store.scalar("SELECT COUNT(*) FROM events WHERE run_id = :r", {"r": run_id}))
            stored_row = int(store.scalar("SELECT events_stored FROM runs WHERE run_id = :r", {"r": run_id}))
        finally:
            store.close()
    return 0 if report(result, memory, stored, stored_row, args) else 1


if __name__ == "__main__":
    sys.exit(main())
