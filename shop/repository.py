"""Experiments persistence: create, read and move experiments through their life cycle.

Every write is one transaction and invalidates the in-process live cache (``shop.cache``), so the shop and the API
see a started or stopped experiment at once. The life cycle is ``TRANSITIONS``::

    draft --start--> running --stop--> stopped --complete--> completed
                        ^                  |
                        +------start-------+   (resume)

Starting refuses when another running experiment already sets one of the same knobs: a visitor in both would see
a config neither experiment designed.
"""

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from marts.storage import Store
from shop import cache
from shop.assignment import assign
from shop.experiments import ExperimentSpec, SpecError, is_valid_key, parse_spec

TRANSITIONS: Mapping[str, Mapping[str, str]] = {
    "start": {"draft": "running", "stopped": "running"},
    "stop": {"running": "stopped"},
    "complete": {"stopped": "completed"},
}

_SET_ON = {
    "start": "started_at = COALESCE(started_at, :now), stopped_at = NULL",
    "stop": "stopped_at = :now",
    "complete": "stopped_at = COALESCE(stopped_at, :now)",
}
_SPEC_TOP_LEVEL = ("key", "name", "hypothesis", "allocation", "salt", "primary_metric", "variants")
_transition_lock = threading.Lock()


class ExperimentError(ValueError):
    """An experiment operation was refused; ``str()`` names the experiment and the rule."""


class ExperimentNotFound(ExperimentError):
    """No experiment has this key."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"experiment {key!r} does not exist")


class TransitionError(ExperimentError):
    """The experiment's status does not allow the requested change."""


class KnobConflict(TransitionError):
    """Another running experiment already sets a knob this one sets."""


@dataclass(frozen=True)
class VariantRecord:
    """One stored arm. ``config`` holds only the knobs the variant changes; treat it as read-only."""

    name: str
    weight: float
    config: dict[str, Any]


@dataclass(frozen=True)
class ExperimentRecord:
    """One stored experiment. ``design`` holds the rest of the spec (secondary metrics, guardrails, design)."""

    key: str
    name: str
    hypothesis: str
    status: str
    allocation: float
    salt: str
    primary_metric: str | None
    variants: tuple[VariantRecord, ...]
    design: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    stopped_at: datetime | None

    @property
    def control(self) -> str:
        """The first variant is the control."""
        return self.variants[0].name

    @property
    def knobs(self) -> frozenset[str]:
        """Every knob any variant sets."""
        return frozenset(knob for variant in self.variants for knob in variant.config)

    @property
    def secondary_metrics(self) -> list[str]:
        """Metrics reported beside the primary one."""
        return list(self.design.get("secondary_metrics", []))

    @property
    def guardrails(self) -> list[dict[str, Any]]:
        """Metrics that must not get worse, each with its margin."""
        return list(self.design.get("guardrails", []))

    def variant(self, name: str) -> VariantRecord | None:
        """The variant called ``name``, or None."""
        return next((v for v in self.variants if v.name == name), None)

    def assign(self, user_id: str) -> str | None:
        """The user's variant by the one assignment function, or None outside the traffic allocation."""
        return assign(self.salt, user_id, [(v.name, v.weight) for v in self.variants], self.allocation)

    def to_spec(self) -> dict[str, Any]:
        """The JSON spec this experiment was created from (``create_experiment`` accepts it back)."""
        return {
            "key": self.key,
            "name": self.name,
            "hypothesis": self.hypothesis,
            "allocation": self.allocation,
            "salt": self.salt,
            "primary_metric": self.primary_metric,
            "variants": [{"name": v.name, "weight": v.weight, "config": dict(v.config)} for v in self.variants],
            **self.design,
        }


def create_experiment(store: Store, spec: ExperimentSpec | Mapping[str, Any]) -> ExperimentRecord:
    """Store a new experiment as a draft, with its variants, in one transaction.

    Args:
        store: the open Store.
        spec: a parsed spec, or the JSON spec as a mapping (validated with ``parse_spec``).

    Raises:
        SpecError: naming every failed field, the duplicate key included. Nothing is stored.
    """
    parsed = _validated(store, spec)
    now = _utcnow()
    try:
        with store.transaction() as conn:
            if _exists(conn, parsed.key):
                raise SpecError([_duplicate(parsed.key)])
            _insert_experiment(conn, parsed, now)
            _insert_variants(conn, parsed)
    except sa.exc.DBAPIError:
        if _key_taken(store, parsed.key):  # created concurrently between the check and the insert
            raise SpecError([_duplicate(parsed.key)]) from None
        raise
    cache.invalidate(store)
    return get_experiment(store, parsed.key)


def get_experiment(store: Store, key: str) -> ExperimentRecord:
    """The experiment called ``key``; raises ExperimentNotFound."""
    with store.engine.connect() as conn:
        record = _load(conn, key)
    if record is None:
        raise ExperimentNotFound(key)
    return record


def list_experiments(store: Store, status: str | None = None) -> list[ExperimentRecord]:
    """Every experiment (or those with ``status``), oldest first."""
    with store.engine.connect() as conn:
        return _load_all(conn, status)


def start_experiment(store: Store, key: str) -> ExperimentRecord:
    """draft or stopped -> running; raises TransitionError, KnobConflict or ExperimentNotFound."""
    return _transition(store, key, "start")


def stop_experiment(store: Store, key: str) -> ExperimentRecord:
    """running -> stopped: no new visitors are assigned or exposed; raises TransitionError or ExperimentNotFound."""
    return _transition(store, key, "stop")


def complete_experiment(store: Store, key: str) -> ExperimentRecord:
    """stopped -> completed (final); raises TransitionError or ExperimentNotFound."""
    return _transition(store, key, "complete")


def _transition(store: Store, key: str, action: str) -> ExperimentRecord:
    allowed = TRANSITIONS[action]
    with _transition_lock, store.transaction() as conn:
        record = _load(conn, key)
        if record is None:
            raise ExperimentNotFound(key)
        if record.status not in allowed:
            raise TransitionError(
                f"experiment {key!r} cannot {action}: it is {record.status}, and {action} applies only to "
                f"{' or '.join(allowed)} experiments"
            )
        if action == "start":
            _check_knob_conflicts(record, _load_all(conn, "running"))
        conn.execute(
            sa.text(f"UPDATE experiments SET status = :to, {_SET_ON[action]} WHERE key = :key AND status = :status"),
            {"to": allowed[record.status], "now": _utcnow(), "key": key, "status": record.status},
        )
    cache.invalidate(store)
    return get_experiment(store, key)


def _check_knob_conflicts(record: ExperimentRecord, running: list[ExperimentRecord]) -> None:
    clashes = [
        f"knob {knob!r} is already set by running experiment {other.key!r}"
        for other in running
        if other.key != record.key
        for knob in sorted(record.knobs & other.knobs)
    ]
    if clashes:
        raise KnobConflict(f"experiment {record.key!r} cannot start: {'; '.join(clashes)}")


def _validated(store: Store, spec: ExperimentSpec | Mapping[str, Any]) -> ExperimentSpec:
    """The parsed spec; a duplicate key is reported together with every other failed field."""
    problems: list[str] = []
    parsed = spec if isinstance(spec, ExperimentSpec) else None
    if parsed is None:
        try:
            parsed = parse_spec(spec)
        except SpecError as error:
            problems = list(error.problems)
    key = parsed.key if parsed else spec.get("key") if isinstance(spec, Mapping) else None
    if isinstance(key, str) and is_valid_key(key) and _key_taken(store, key):
        problems.insert(0, _duplicate(key))
    if problems:
        raise SpecError(problems)
    assert parsed is not None
    return parsed


def _duplicate(key: str) -> str:
    return f"key: an experiment named {key!r} already exists"


def _key_taken(store: Store, key: str) -> bool:
    with store.engine.connect() as conn:
        return _exists(conn, key)


def _exists(conn: sa.Connection, key: str) -> bool:
    return conn.execute(sa.text("SELECT 1 FROM experiments WHERE key = :key"), {"key": key}).first() is not None


def _insert_experiment(conn: sa.Connection, spec: ExperimentSpec, now: datetime) -> None:
    rest = spec.model_dump(mode="json", exclude=set(_SPEC_TOP_LEVEL))
    conn.execute(
        sa.text(
            "INSERT INTO experiments (key, name, hypothesis, status, allocation, salt, primary_metric, design, "
            "created_at) VALUES (:key, :name, :hypothesis, 'draft', :allocation, :salt, :primary_metric, :design, "
            ":created_at)"
        ),
        {
            "key": spec.key,
            "name": spec.name or spec.key,
            "hypothesis": spec.hypothesis,
            "allocation": spec.allocation,
            "salt": spec.effective_salt,
            "primary_metric": spec.primary_metric,
            "design": json.dumps(rest),
            "created_at": now,
        },
    )


def _insert_variants(conn: sa.Connection, spec: ExperimentSpec) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO variants (experiment_key, name, position, weight, config) "
            "VALUES (:experiment_key, :name, :position, :weight, :config)"
        ),
        [
            {
                "experiment_key": spec.key,
                "name": variant.name,
                "position": position,
                "weight": variant.weight,
                "config": json.dumps(variant.config),
            }
            for position, variant in enumerate(spec.variants)
        ],
    )


_COLUMNS = "key, name, hypothesis, status, allocation, salt, primary_metric, design, created_at, started_at, stopped_at"


def _load(conn: sa.Connection, key: str) -> ExperimentRecord | None:
    row = conn.execute(sa.text(f"SELECT {_COLUMNS} FROM experiments WHERE key = :key"), {"key": key}).mappings().first()
    if row is None:
        return None
    variants = conn.execute(
        sa.text("SELECT name, weight, config FROM variants WHERE experiment_key = :key ORDER BY position"), {"key": key}
    ).mappings()
    return _record(row, [_variant(v) for v in variants])


def _load_all(conn: sa.Connection, status: str | None) -> list[ExperimentRecord]:
    where = "WHERE e.status = :status" if status else ""
    params = {"status": status} if status else {}
    rows = conn.execute(
        sa.text(f"SELECT {_COLUMNS} FROM experiments AS e {where} ORDER BY created_at, key"), params
    ).mappings()
    experiments = [dict(row) for row in rows]
    if not experiments:
        return []
    variants: dict[str, list[VariantRecord]] = {}
    for row in conn.execute(
        sa.text(
            "SELECT v.experiment_key, v.name, v.weight, v.config FROM variants AS v "
            f"JOIN experiments AS e ON e.key = v.experiment_key {where} ORDER BY v.experiment_key, v.position"
        ),
        params,
    ).mappings():
        variants.setdefault(row["experiment_key"], []).append(_variant(row))
    return [_record(row, variants.get(row["key"], [])) for row in experiments]


def _variant(row: Mapping[str, Any]) -> VariantRecord:
    return VariantRecord(name=row["name"], weight=float(row["weight"]), config=json.loads(row["config"]))


def _record(row: Mapping[str, Any], variants: list[VariantRecord]) -> ExperimentRecord:
    return ExperimentRecord(
        key=row["key"],
        name=row["name"],
        hypothesis=row["hypothesis"],
        status=row["status"],
        allocation=float(row["allocation"]),
        salt=row["salt"],
        primary_metric=row["primary_metric"],
        variants=tuple(variants),
        design=json.loads(row["design"]),
        created_at=row["created_at"],
        started_at=row["started_at"],
        stopped_at=row["stopped_at"],
    )


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
