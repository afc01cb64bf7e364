"""The ``runs`` table: create, update and read swarm runs, and what a resumed run needs (its users, what is done).

Every function takes an open Store and binds its parameters; the in-server runner calls them in a worker thread and
``swarm.api`` serves them to the CLI, which cannot open an embedded database the server holds.

A run's ``params`` (JSON) hold its request, the end of its time window and its plan (variants as served, the
population mix, the id of the world it lives in), so a resumed run makes exactly the decisions it would have made.
Its ``truth`` (JSON) is the analytic ground truth of that plan (``swarm.truth``); no read here returns it, since the
Lab may reveal it only after the learner's decision. The plan's world (``swarm.world``, the deployment's secret
persona sensitivities) is read from the store.

Completion is recorded with the data: an agent's last event id ends in ``LAST_SUFFIX`` and is stored in the same
transaction as the rest of its final batch, so the agents done can be read back from ``events`` even after a crash.
Event ids are read defensively (``parse_agent_event_id``): an id that is not exactly one of the run's agents' ids is
ignored, whoever stored it.

Only a run's own agents write into it: creating a run issues its secret, resuming it issues a new one
(``shop.run_secrets``); the row keeps the hash, and ``RunRow.secret`` carries the secret only on the row that
``create_run`` or ``reopen_run`` returns.
"""

import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa

from marts.storage import Store
from shop import cache, run_secrets
from shop.adoptions import adopted_config
from shop.fields import EARLIEST, MAX_INT32, MAX_JSON_INT, utc_naive
from shop.repository import TransitionError, get_experiment
from swarm.agent_ids import LAST_SUFFIX, parse_agent_event_id
from swarm.crowd import crowd_rng, draw_crowd
from swarm.personas import SHOPPERS, default_mix
from swarm.plan import Arm, Plan
from swarm.switches import Switches
from swarm.truth import ground_truth
from swarm.world import NOMINAL, World, plan_world, world_of

KIND = "http"
STATUSES = ("running", "completed", "stopped", "failed", "interrupted")
RESUMABLE = ("stopped", "interrupted", "failed")
MAX_AGENTS = 10_000_000
ROSTER_STREAM = 0x5EED
NEWCOMERS_STREAM = 0x4E45
"""Mixed into the run seed to pick the warehouse users, independent of the agents' own random streams."""

_COLUMNS = (
    "run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, events_sent, events_stored, "
    "error, started_at, finished_at"
)
_INSERT = (
    "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, events_sent, "
    "events_stored, truth, error, started_at, finished_at, secret_hash) VALUES (:run_id, :experiment_key, :kind, "
    "'running', :seed, :params, :agents_planned, 0, 0, 0, :truth, NULL, :started_at, NULL, :secret_hash)"
)
_NEW_SECRET = "UPDATE runs SET secret_hash = :secret_hash WHERE run_id = :run_id"
_UPDATE = (
    "UPDATE runs SET status = :status, agents_done = :agents_done, events_sent = :events_sent, "
    "events_stored = :events_stored, error = :error, finished_at = :finished_at WHERE run_id = :run_id"
)
_CONFLICT_RETRIES = 5
"""Attempts at a run update that DuckDB refuses with a write-write conflict (another thread updated the row)."""
_DONE = "SELECT event_id FROM events WHERE run_id = :run_id AND event_id LIKE :suffix"
_STORED = "SELECT COUNT(*) FROM events WHERE run_id = :run_id"
# Warehouse users, not yet in the experiment through another run, and not any run's newcomers (each run is a world of
# its own: see ``swarm.population``).
_USERS = """
SELECT u.user_id, u.persona FROM users AS u
WHERE NOT EXISTS (
    SELECT 1 FROM assignments AS a
    WHERE a.experiment_key = :key AND a.user_id = u.user_id AND (a.run_id IS NULL OR a.run_id <> :run_id)
) AND NOT EXISTS (SELECT 1 FROM runs AS r WHERE u.user_id LIKE r.run_id || '-%')
ORDER BY u.user_id
"""


class RunNotFound(LookupError):
    """No run has this id."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        super().__init__(f"run {run_id!r} does not exist")


class RunStateError(ValueError):
    """The run's status does not allow the requested change; ``str()`` names the run and the rule."""


@dataclass(frozen=True)
class RunSpec:
    """What a new run needs from its caller (the rest comes from the experiment and the warehouse)."""

    run_id: str
    experiment_key: str
    agents: int
    concurrency: int
    seed: int
    days: int
    think_time: float
    switches: Switches
    ends_at: datetime | None = None


@dataclass(frozen=True)
class RunRow:
    """One stored run, without its ground truth."""

    run_id: str
    experiment_key: str
    kind: str
    status: str
    seed: int
    params: dict[str, Any]
    agents_planned: int
    agents_done: int
    events_sent: int
    events_stored: int
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    secret: str | None = field(default=None, repr=False, compare=False)
    """The run's secret: only on the row ``create_run`` or ``reopen_run`` returns (storage keeps its hash)."""

    @property
    def ends_at(self) -> datetime:
        """The end of the run's time window (naive UTC)."""
        return datetime.fromisoformat(self.params["plan"]["end"])

    def plan(self, world: World | None = None) -> Plan:
        """The plan the run was created with: variants as served, population mix, switches, days and window.

        Args:
            world: the world the run was made in (``swarm.world.world_of``); runs made without one need none.

        Raises:
            ValueError: when the run was made in another world.
        """
        stored = self.params["plan"]
        arms = [Arm(v["name"], v["config"], v["weight"]) for v in stored["variants"]]
        switches = Switches(**stored["switches"])
        world = plan_world(stored.get("world"), world)
        return Plan.build(
            arms, mix=self.params["mix"], switches=switches, days=stored["days"], end=self.ends_at, world=world
        )


@dataclass(frozen=True)
class RunUpdate:
    """Progress of a run as its executor last saw it."""

    status: str
    agents_done: int
    events_sent: int
    events_stored: int
    error: str | None = None
    finished_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status: must be one of {', '.join(STATUSES)} (got {self.status!r})")
        for name, most in (("agents_done", MAX_INT32), ("events_sent", MAX_JSON_INT), ("events_stored", MAX_JSON_INT)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
                raise ValueError(f"{name}: must be an integer from 0 to {most:,} (got {value!r})")


@dataclass(frozen=True)
class Roster:
    """The warehouse users a run's returning visitors are (``swarm.crowd`` gives them to the agents).

    Attributes:
        user_ids: warehouse users not yet in the experiment (through another run), in the run's seeded order, at
            most the run's agents of each persona.
        personas: their personas.
        mix: the arrivals' persona mix the run's plan was built with.
        world: how the personas react to knobs in this deployment (admin only: see ``swarm.world``).
    """

    user_ids: list[str]
    personas: list[str]
    mix: dict[str, float]
    world: World = NOMINAL


@dataclass(frozen=True)
class Completion:
    """The agents whose final batch is stored, and the run's stored events (exact, from ``events``)."""

    agents: frozenset[int]
    events_stored: int


def create_run(store: Store, spec: RunSpec) -> RunRow:
    """Store a new running run for a running experiment, with its plan and analytic ground truth.

    The row returned carries the run's secret (``RunRow.secret``); storage keeps only its hash.

    Raises:
        ExperimentNotFound: when the experiment does not exist.
        TransitionError: when it is not running.
        ValueError: naming the field and the rule when the spec is invalid.
    """
    experiment = get_experiment(store, spec.experiment_key)
    if experiment.status != "running":
        raise TransitionError(
            f"experiment {experiment.key!r} is {experiment.status}; swarm runs need a running experiment"
        )
    _check_spec(spec)
    if store.scalar("SELECT 1 FROM runs WHERE run_id = :run_id", {"run_id": spec.run_id}):
        raise RunStateError(f"run_id: a run {spec.run_id!r} already exists")
    adopted = adopted_config(store)
    arms = [Arm(v.name, {**adopted, **v.config}, v.weight) for v in experiment.variants]
    mix = default_mix()  # the world's arrivals: the warehouse was generated from them (``swarm.history``)
    ends_at = _naive(spec.ends_at) if spec.ends_at else _utcnow()
    plan = Plan.build(arms, mix=mix, switches=spec.switches, days=spec.days, end=ends_at, world=world_of(store))
    params = {
        "kind": KIND,
        "agents": spec.agents,
        "concurrency": spec.concurrency,
        "days": spec.days,
        "think_time": spec.think_time,
        "switches": spec.switches.to_dict(),
        "mix": mix,
        "plan": plan.to_dict(),
    }
    truth = run_truth(plan)
    secret, secret_hash = run_secrets.new_secret()
    store.execute(
        _INSERT,
        {
            "run_id": spec.run_id,
            "experiment_key": spec.experiment_key,
            "kind": KIND,
            "seed": spec.seed,
            "params": json.dumps(params),
            "agents_planned": spec.agents,
            "truth": json.dumps(truth) if truth is not None else None,
            "started_at": _utcnow(),
            "secret_hash": secret_hash,
        },
    )
    crowd = draw_crowd(spec.run_id, plan, roster(store, spec.run_id), spec.agents, crowd_rng(spec.seed))
    store.bulk_insert("users", crowd.newcomers(plan, np.random.default_rng([spec.seed, NEWCOMERS_STREAM])))
    cache.invalidate(store)  # the shop takes the run's writes at once
    return replace(get_run(store, spec.run_id), secret=secret)


def run_truth(plan: Plan) -> dict[str, Any] | None:
    """The ground truth stored with a run: ``swarm.truth``'s analytic truth of the run's plan, JSON-ready."""
    return ground_truth(plan).to_dict()


def update_run(store: Store, run_id: str, update: RunUpdate) -> RunRow:
    """Record a run's progress (counts, status, error, end); raises RunNotFound."""
    values = asdict(update) | {"run_id": run_id}
    for attempt in range(_CONFLICT_RETRIES):
        try:
            changed = store.execute(_UPDATE, values)
            break
        except sa.exc.OperationalError as error:
            if "Conflict" not in str(error.orig) or attempt == _CONFLICT_RETRIES - 1:
                raise
            if update.status == "running":
                return get_run(store, run_id)  # a concurrent write won; the next progress update follows
            time.sleep(0.05 * (attempt + 1))  # a final status must land: retry it
    if changed == 0:
        raise RunNotFound(run_id)
    return get_run(store, run_id)


def get_run(store: Store, run_id: str) -> RunRow:
    """One run (without its truth); raises RunNotFound."""
    rows = store.query(f"SELECT {_COLUMNS} FROM runs WHERE run_id = :run_id", {"run_id": run_id})
    if not rows:
        raise RunNotFound(run_id)
    return _row(rows[0])


def list_runs(store: Store, experiment_key: str | None = None) -> list[RunRow]:
    """Every run (or the experiment's), newest first, without their truth."""
    where = "WHERE experiment_key = :key " if experiment_key is not None else ""
    rows = store.query(f"SELECT {_COLUMNS} FROM runs {where}ORDER BY started_at DESC, run_id", {"key": experiment_key})
    return [_row(row) for row in rows]


def mark_interrupted(store: Store) -> int:
    """Mark the runs left ``running`` by a process that died as ``interrupted``; returns how many."""
    return store.execute(
        "UPDATE runs SET status = 'interrupted', finished_at = :now WHERE status = 'running'", {"now": _utcnow()}
    )


def completion(store: Store, run_id: str) -> Completion:
    """The agents of a run whose final batch is stored, read from ``events`` (exact even after a crash).

    Raises:
        RunNotFound: when the run does not exist.
    """
    planned = get_run(store, run_id).agents_planned
    rows = store.query(_DONE, {"run_id": run_id, "suffix": f"%{LAST_SUFFIX}"})
    parsed = (parse_agent_event_id(run_id, row["event_id"], planned) for row in rows)
    agents = frozenset(found.agent for found in parsed if found is not None and found.last)
    return Completion(agents, int(store.scalar(_STORED, {"run_id": run_id}) or 0))


def reopen_run(store: Store, run_id: str) -> tuple[RunRow, Completion]:
    """Set a stopped, interrupted or failed run running again, with its counts reconciled with ``events``.

    ``agents_done`` and ``events_stored`` are recounted from the stored events; ``events_sent`` keeps its last
    recorded value unless fewer than the events stored (progress since the last flush died with the process). The
    run gets a new secret, carried by the row returned: whoever resumes it executes it.

    Raises:
        RunNotFound: when the run does not exist.
        RunStateError: when the run is running or completed, or is an engine run.
    """
    row = get_run(store, run_id)
    if row.kind != KIND:
        raise RunStateError(f"run {run_id!r} was fast-forwarded by the engine; only HTTP runs can be resumed")
    if row.status not in RESUMABLE:
        raise RunStateError(f"run {run_id!r} is {row.status}; only {', '.join(RESUMABLE)} runs can be resumed")
    done = completion(store, run_id)
    update = RunUpdate(
        status="running",
        agents_done=len(done.agents),
        events_sent=max(row.events_sent, done.events_stored),
        events_stored=done.events_stored,
    )
    secret, secret_hash = run_secrets.new_secret()
    store.execute(_NEW_SECRET, {"run_id": run_id, "secret_hash": secret_hash})  # before it runs: no run without one
    cache.invalidate(store)
    return replace(update_run(store, run_id, update), secret=secret), done


def roster(store: Store, run_id: str) -> Roster:
    """The run's warehouse users (see ``Roster``): a seeded shuffle of the users no other run put in the experiment.

    Raises:
        RunNotFound: when the run does not exist.
    """
    row = get_run(store, run_id)
    frame = store.frame(_USERS, {"key": row.experiment_key, "run_id": run_id})
    frame = frame[frame["persona"].isin([p.name for p in SHOPPERS])]
    order = np.random.default_rng([row.seed, ROSTER_STREAM]).permutation(len(frame))
    chosen = frame.iloc[order].groupby("persona", sort=False).head(row.agents_planned)
    return Roster(chosen["user_id"].tolist(), chosen["persona"].tolist(), dict(row.params["mix"]), world_of(store))


@dataclass(frozen=True)
class RunAudit:
    """A run's stored data checked against itself and the assignment function.

    Attributes:
        events_stored: the run's events in ``events``.
        agents_done: agents whose final batch is stored (``LAST_SUFFIX``).
        agents_with_events: agents with at least one stored event other than their exposure.
        exposures: the run's stored exposures.
        exposure_mismatches: exposures whose variant differs from the user's recorded assignment, or have none.
        assignment_mismatches: the run's users whose recorded variant differs from the assignment function's.
        decisions_digest: a hash of what every agent did (event names, values and times relative to the run's
            window), ignoring ids; two runs with the same seed and the same served configs have the same digest.
    """

    events_stored: int
    agents_done: frozenset[int]
    agents_with_events: frozenset[int]
    exposures: int
    exposure_mismatches: int
    assignment_mismatches: int
    decisions_digest: str


_RUN_EVENTS = "SELECT event_id, name, ts, value FROM events WHERE run_id = :run_id"
_EXPOSURE_MISMATCHES = """
SELECT COUNT(*) FROM events AS e
LEFT JOIN assignments AS a ON a.experiment_key = e.experiment_key AND a.user_id = e.user_id
WHERE e.run_id = :run_id AND e.name = 'exposure' AND (a.variant IS NULL OR a.variant <> e.variant)
"""
_RUN_ASSIGNMENTS = """
SELECT DISTINCT a.user_id, a.variant FROM assignments AS a
JOIN events AS e ON e.user_id = a.user_id AND e.run_id = :run_id
WHERE a.experiment_key = :key
"""


def audit(store: Store, run_id: str) -> RunAudit:
    """Check a run's stored events: completion markers, variants against assignments and the assignment function.

    Raises:
        RunNotFound: when the run does not exist.
    """
    row = get_run(store, run_id)
    experiment = get_experiment(store, row.experiment_key)
    frame = store.frame(_RUN_EVENTS, {"run_id": run_id})
    done, active, steps = set(), set(), []
    start = row.plan(world_of(store)).start
    for event_id, name, ts, value in zip(frame["event_id"], frame["name"], frame["ts"], frame["value"], strict=True):
        found = parse_agent_event_id(run_id, event_id, row.agents_planned)
        if found is None:
            continue  # the exposure (its id is per experiment and user), or an id none of the run's agents sends
        active.add(found.agent)
        if found.last:
            done.add(found.agent)
        amount = None if value is None or value != value else round(float(value), 2)
        steps.append((found.agent, found.number, name, int((ts - start).total_seconds()), amount))
    steps.sort()
    digest = hashlib.sha256(json.dumps(steps).encode()).hexdigest()
    assigned = store.query(_RUN_ASSIGNMENTS, {"run_id": run_id, "key": row.experiment_key})
    wrong = sum(1 for item in assigned if experiment.assign(item["user_id"]) != item["variant"])
    return RunAudit(
        events_stored=len(frame),
        agents_done=frozenset(done),
        agents_with_events=frozenset(active),
        exposures=int((frame["name"] == "exposure").sum()),
        exposure_mismatches=int(store.scalar(_EXPOSURE_MISMATCHES, {"run_id": run_id}) or 0),
        assignment_mismatches=wrong,
        decisions_digest=digest,
    )


def to_ranges(indexes: frozenset[int] | set[int]) -> list[tuple[int, int]]:
    """Sorted indexes as [start, end) ranges (how the API sends the agents done)."""
    ranges: list[tuple[int, int]] = []
    for index in sorted(indexes):
        if ranges and ranges[-1][1] == index:
            ranges[-1] = (ranges[-1][0], index + 1)
        else:
            ranges.append((index, index + 1))
    return ranges


def from_ranges(ranges: list[tuple[int, int]] | list[list[int]]) -> frozenset[int]:
    """The indexes of [start, end) ranges."""
    return frozenset(index for start, end in ranges for index in range(start, end))


def _check_spec(spec: RunSpec) -> None:
    problems = []
    if not 1 <= spec.agents <= MAX_AGENTS:
        problems.append(f"agents: must be from 1 to {MAX_AGENTS:,} (got {spec.agents})")
    if not 1 <= spec.concurrency <= 10_000:
        problems.append(f"concurrency: must be from 1 to 10,000 (got {spec.concurrency})")
    if not 0 <= spec.seed <= MAX_JSON_INT:
        problems.append(f"seed: must be from 0 to 2**53 - 1 (got {spec.seed})")
    if not 0.0 <= spec.think_time <= 60.0:
        problems.append(f"think_time: must be from 0 to 60 seconds (got {spec.think_time})")
    if not 1 <= spec.days <= 90:
        problems.append(f"days: must be from 1 to 90 (got {spec.days})")
    if spec.ends_at is not None and _naive(spec.ends_at) > _utcnow() + timedelta(minutes=1):
        problems.append(f"ends_at: must not be in the future (got {spec.ends_at.isoformat()})")
    elif spec.ends_at is not None and 1 <= spec.days <= 90 and _naive(spec.ends_at) < EARLIEST + timedelta(spec.days):
        rule = f"must leave its {spec.days} day(s) on or after {EARLIEST:%Y-%m-%d}"
        problems.append(f"ends_at: {rule} (got {spec.ends_at.isoformat()})")
    if problems:
        raise ValueError("; ".join(problems))


def _row(row: Mapping[str, Any]) -> RunRow:
    return RunRow(
        run_id=row["run_id"],
        experiment_key=row["experiment_key"],
        kind=row["kind"],
        status=row["status"],
        seed=int(row["seed"]),
        params=json.loads(row["params"]),
        agents_planned=int(row["agents_planned"]),
        agents_done=int(row["agents_done"]),
        events_sent=int(row["events_sent"]),
        events_stored=int(row["events_stored"]),
        error=row["error"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _naive(moment: datetime) -> datetime:
    return utc_naive(moment)


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
