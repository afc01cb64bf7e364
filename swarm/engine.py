"""The vectorised engine: simulate an experiment's users in-process and write the tables the HTTP path writes.

One run: a ``runs`` row (kind ``engine``) holding its parameters, seed, counts, timings and the analytic ground
truth; an ``assignments`` row per user in the experiment, from the shop's assignment hashes
(``shop.assignment.assign_indices``, the batch form of the ``assign`` that ``ExperimentRecord.assign`` calls); and
their ``events`` (see ``swarm.event_log``). Users come from ``swarm.population`` (warehouse users first, then new
visitor ids); users outside the experiment's traffic allocation are drawn and counted but not simulated (they are
not in the experiment). Visits come from ``swarm.simulation`` through the shared ``sample_visits``, so the engine
and the HTTP agents cannot drift apart.

A run is ``days`` days of the shop's traffic (``swarm.traffic``): by default as many visitors as the warehouse saw
in its last ``days`` days, the count the power step plans on (``swarm.population.visitors_in``), or ``users``
visitors when given.
Returning visitors are warehouse users; new visitors (and bots) get fresh ids and a ``users`` row
(``swarm.customers``), so every segment knows who they are.

All of a run's rows are written in one transaction, so a failed or interrupted run stores no partial data (its
``runs`` row says what happened). Events go to the unkeyed ``engine_events`` behind the ``events`` view
(``marts.schema``): the engine is the only writer of its run's ids, so no key is checked; the events stored must
equal the events generated, checked before the commit. Users are simulated and loaded in blocks of
``BLOCK_USERS``, which bounds the frames held in memory (the database's own transaction state still grows with the
run). Loading a block in a background thread while the next one is simulated was measured slower on two cores:
DuckDB already uses both, and its scan of string columns needs the GIL.
"""

import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from marts.storage import StorageError, Store
from shop.adoptions import adopted_config
from shop.assignment import assign_indices
from shop.repository import ExperimentRecord, get_experiment
from swarm.crowd import draw_personas, name_visitors, newcomers
from swarm.event_log import ENGINE_COLUMNS, ENGINE_SELECT, Chunk, assignment_frame, engine_load
from swarm.plan import PERSONA_NAMES, Arm, Plan
from swarm.population import arrivals_per_day, visitors_in, warehouse_pools
from swarm.simulation import Schedule, draw_schedule, exposure_dropped, sample_schedule
from swarm.switches import Switches
from swarm.truth import ground_truth
from swarm.world import World, world_of

KIND = "engine"
BLOCK_USERS = 500_000
"""Users simulated and written per block."""
MAX_USERS = 10_000_000

_INSERT_RUN = """
INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, events_sent,
                  events_stored, truth, error, started_at, finished_at)
VALUES (:run_id, :experiment_key, :kind, 'running', :seed, :params, :users, 0, 0, 0, :truth, NULL, :started_at, NULL)
"""
_FINISH_RUN = """
UPDATE runs SET status = :status, params = :params, agents_done = :agents_done, events_sent = :events_sent,
                events_stored = :events_stored, error = :error, finished_at = :finished_at
WHERE run_id = :run_id
"""


@dataclass(frozen=True)
class EngineRun:
    """What an engine run did (the truth stays in ``runs.truth``, for the Lab to reveal after the decision).

    Attributes:
        run_id: the ``runs`` row.
        experiment_key: the experiment simulated.
        users: users drawn.
        from_warehouse: how many of them are warehouse users.
        assigned: users per variant.
        outside_allocation: users outside the traffic allocation (not simulated).
        exposed: users whose exposure was logged (fewer than assigned with the exposure bug).
        visits: visits simulated.
        events: events written.
        seconds: wall-clock seconds: draw (the population), generate (hash, sample and frame the blocks), write
            (the bulk loads and the commit), analyze (the events' planner statistics, after the commit), total.
    """

    run_id: str
    experiment_key: str
    users: int
    from_warehouse: int
    assigned: dict[str, int]
    outside_allocation: int
    exposed: int
    visits: int
    events: int
    seconds: dict[str, float]


def run_engine(
    store: Store,
    experiment_key: str,
    *,
    users: int | None = None,
    seed: int,
    days: int = 1,
    switches: Switches | None = None,
    mix: Mapping[str, float] | None = None,
    end: datetime | None = None,
    block_users: int = BLOCK_USERS,
) -> EngineRun:
    """Simulate ``users`` users of a running experiment and store the run, its assignments and its events.

    Args:
        store: the open Store.
        experiment_key: a running experiment.
        users: visitors to draw, 1 to MAX_USERS; by default what ``days`` of the shop's traffic bring.
        seed: the random seed; the same seed, parameters and warehouse give the same users and behaviour.
        days: days of traffic, ending at ``end``.
        switches: the realism switches (all off by default).
        mix: persona -> share of new customers; by default the world's (``swarm.personas``).
        end: the end of the run window (naive UTC); by default now. Never in the future.
        block_users: users simulated per block.

    Raises:
        ValueError: naming the field and the rule (unknown or not running experiment, bad users, days or mix).
        StorageError: when the database fails; the run is then marked failed and nothing else is stored.
    """
    started = time.perf_counter()
    if users is not None and (isinstance(users, bool) or not isinstance(users, int) or not 1 <= users <= MAX_USERS):
        raise ValueError(f"users: must be a whole number from 1 to {MAX_USERS:,} (got {users!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed: must be a whole number of 0 or more (got {seed!r})")
    now = _utcnow()
    if end is not None and end > now:
        raise ValueError(f"end: must not be in the future (got {end:%Y-%m-%d %H:%M:%S} UTC)")
    record = get_experiment(store, experiment_key)
    if record.status != "running":
        raise ValueError(
            f"experiment_key: experiment {experiment_key!r} is {record.status}; the engine simulates running "
            "experiments (start it first)"
        )
    mix_source = "caller" if mix is not None else "world"
    world = world_of(store)
    plan = plan_for(record, adopted_config(store), mix=mix, switches=switches, days=days, end=end or now, world=world)
    arrivals = arrivals_per_day(store)
    if users is None:
        users = visitors_in(store, plan)
        if users > MAX_USERS:
            raise ValueError(f"days: {days} days of traffic bring {users:,} visitors, above the {MAX_USERS:,} limit")
    run_id = new_run_id(now)
    params = {
        "kind": KIND,
        "users": users,
        "seed": seed,
        "days": days,
        "switches": plan.switches.to_dict(),
        "mix": dict(mix) if mix is not None else None,  # as given: Plan.build adds the bots (see params["plan"])
        "mix_source": mix_source,
        "arrivals_per_day": round(arrivals, 3),
        "plan": plan.to_dict(),
    }
    _start_run(store, run_id, record.key, seed, params, users, json.dumps(ground_truth(plan).to_dict()), now)
    try:
        result = _simulate_and_write(store, record, plan, run_id, users, seed, block_users, started)
    except KeyboardInterrupt:
        _finish_run(store, run_id, "stopped", params, error="interrupted by the user")
        raise
    except Exception as error:
        _finish_run(store, run_id, "failed", params, error=f"{type(error).__name__}: {error}"[:2000])
        raise
    _finish_run(store, run_id, "completed", {**params, "result": asdict(result)}, result=result)
    return result


def plan_for(
    record: ExperimentRecord,
    adopted: Mapping[str, Any] | None = None,
    *,
    mix: Mapping[str, float] | None = None,
    switches: Switches | None = None,
    days: int = 1,
    end: datetime | None = None,
    world: World | None = None,
) -> Plan:
    """The plan of an experiment: each variant's config layered over the adopted config, as the shop shows it.

    ``world`` is the deployment's (``swarm.world.world_of``); the nominal world by default.
    """
    arms = [Arm(v.name, {**(adopted or {}), **v.config}, v.weight) for v in record.variants]
    return Plan.build(arms, mix=mix, switches=switches, days=days, end=end, world=world)


def new_run_id(now: datetime | None = None) -> str:
    """A fresh run id: ``eng-YYMMDDHHMMSS-xxxxxx`` (23 characters)."""
    return f"eng-{(now or _utcnow()):%y%m%d%H%M%S}-{secrets.token_hex(3)}"


def _simulate_and_write(
    store: Store,
    record: ExperimentRecord,
    plan: Plan,
    run_id: str,
    users: int,
    seed: int,
    block_users: int,
    started: float,
) -> EngineRun:
    rng = np.random.default_rng(seed)
    pools = warehouse_pools(store, record.key, rng)
    persona = draw_personas(plan, users, rng)
    drawn = time.perf_counter()
    arms = plan.arm_names
    assigned = np.zeros(len(arms), dtype=np.int64)
    totals = {"outside": 0, "exposed": 0, "visits": 0, "events": 0, "returning": 0}
    common = {"experiment_key": record.key, "arms": arms, "run_id": run_id, "start": plan.start}
    received_at = _utcnow()
    generating = writing = 0.0
    stored = 0
    with store.transaction() as conn:
        for begin in range(0, users, block_users):
            clock = time.perf_counter()
            block = persona[begin : begin + block_users]
            schedule = draw_schedule(plan, block, rng)
            ids, known = name_visitors(block, schedule.new, pools, f"{run_id}-{begin:x}-n", f"{run_id}-{begin:x}-x")
            for name in pools:
                taken = int((known & (block == PERSONA_NAMES.index(name))).sum())
                pools[name] = pools[name][taken:]
            joined = newcomers(ids, block, schedule, known, plan, rng)
            chunk = _chunk(record, plan, ids, schedule, rng)
            assigned += np.bincount(chunk.arm, minlength=len(arms))
            totals["outside"] += len(block) - len(chunk.arm)
            totals["exposed"] += int(chunk.exposed.sum())
            totals["visits"] += len(chunk.visits)
            totals["returning"] += int(known.sum())
            events = engine_load(chunk, **common, received_at=received_at, first_number=totals["events"])
            assignments = assignment_frame(chunk, **common)
            totals["events"] += events.rows
            loading = time.perf_counter()
            store.bulk_insert("users", joined, conn=conn)
            store.bulk_insert("assignments", assignments, conn=conn)
            stored += store.bulk_insert_select("engine_events", ENGINE_COLUMNS, ENGINE_SELECT, events.frames, conn=conn)
            generating += loading - clock
            writing += time.perf_counter() - loading
        if stored != totals["events"]:  # checked before the commit: a run is stored whole or not at all
            raise StorageError(f"events: stored {stored:,} of the run's {totals['events']:,} generated events")
        committing = time.perf_counter()
    committed = time.perf_counter()
    store.analyze("engine_events")  # the marts' joins need its statistics (PostgreSQL: no index to fall back on)
    finished = time.perf_counter()
    writing += committed - committing
    return EngineRun(
        run_id=run_id,
        experiment_key=record.key,
        users=users,
        from_warehouse=totals["returning"],
        assigned=dict(zip(arms, map(int, assigned), strict=True)),
        outside_allocation=totals["outside"],
        exposed=totals["exposed"],
        visits=totals["visits"],
        events=stored,
        seconds={
            "draw": round(drawn - started, 3),
            "generate": round(generating, 3),
            "write": round(writing, 3),
            "analyze": round(finished - committed, 3),
            "total": round(finished - started, 3),
        },
    )


def _chunk(
    record: ExperimentRecord, plan: Plan, user_id: np.ndarray, schedule: Schedule, rng: np.random.Generator
) -> Chunk:
    """Assign a block of visitors with the shop's function and simulate those in the experiment."""
    variants = [(v.name, v.weight) for v in record.variants]  # what ExperimentRecord.assign passes
    if tuple(name for name, _ in variants) != plan.arm_names:
        raise ValueError(f"plan: arms {plan.arm_names} must be the experiment's variants in order")
    arm = assign_indices(record.salt, user_id, variants, record.allocation)
    inside = arm >= 0
    schedule = schedule.take(inside)
    visits = sample_schedule(plan, schedule, arm[inside], rng)
    exposed = ~exposure_dropped(plan, arm[inside], visits, rng)
    return Chunk(user_id=user_id[inside], arm=arm[inside], exposed=exposed, visits=visits)


def _start_run(
    store: Store,
    run_id: str,
    experiment_key: str,
    seed: int,
    params: dict[str, Any],
    users: int,
    truth: str,
    now: datetime,
) -> None:
    store.execute(
        _INSERT_RUN,
        {
            "run_id": run_id,
            "experiment_key": experiment_key,
            "kind": KIND,
            "seed": seed,
            "params": json.dumps(params),
            "users": users,
            "truth": truth,
            "started_at": now,
        },
    )


def _finish_run(
    store: Store,
    run_id: str,
    status: str,
    params: dict[str, Any],
    *,
    result: EngineRun | None = None,
    error: str | None = None,
) -> None:
    store.execute(
        _FINISH_RUN,
        {
            "run_id": run_id,
            "status": status,
            "params": json.dumps(params),
            "agents_done": result.users if result else 0,
            "events_sent": result.events if result else 0,
            "events_stored": result.events if result else 0,
            "error": error,
            "finished_at": _utcnow(),
        },
    )


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
