"""Versioned schema creation and upgrades.

``schema_migrations`` records each applied step. Opening a database applies the steps it lacks, in order,
each in its own transaction, so an older database is upgraded in place without losing rows.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from marts import schema
from marts.storage.errors import SchemaTooNew

migrations_table = sa.Table(
    "schema_migrations",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)


@dataclass(frozen=True)
class Step:
    """One schema change, applied once."""

    version: int
    description: str
    apply: Callable[[sa.Connection], None]


def _create_tables_since(version: int) -> Callable[[sa.Connection], None]:
    def apply(conn: sa.Connection) -> None:
        tables = [t for t in schema.metadata.sorted_tables if t.info["since"] == version]
        schema.metadata.create_all(conn, tables=tables, checkfirst=True)

    return apply


def _add_column(table: str, column: str) -> Callable[[sa.Connection], None]:
    """Add a column of the schema to a table created before it existed; skip a table created with it already."""

    def apply(conn: sa.Connection) -> None:
        found = conn.execute(
            sa.text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = :table AND table_schema = current_schema()"
            ),
            {"table": table},
        ).scalars()
        if column in set(found):
            return
        kind = schema.metadata.tables[table].c[column].type.compile(conn.dialect)
        conn.execute(sa.text(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}'))

    return apply


def _create_world(conn: sa.Connection) -> None:
    """The hidden ``world_secret`` table and its one secret: 32 random bytes, drawn once, never changed."""
    table = schema.world_secret
    table.create(conn, checkfirst=True)
    if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0:
        conn.execute(table.insert().values(world_key=1, secret=secrets.token_hex(32), created_at=_utcnow()))


def _split_events(conn: sa.Connection) -> None:
    """``events`` becomes a view over the keyed ``tracked_events`` and the unkeyed ``engine_events``.

    The rows of the ``events`` table (tracked events and engine runs stored before this step) move to
    ``tracked_events``, keeping their ids, so every stored event stays readable as before.
    """
    schema.storage_metadata.create_all(conn, tables=[schema.tracked_events, schema.engine_events], checkfirst=True)
    kind = conn.execute(
        sa.text(
            "SELECT table_type FROM information_schema.tables "
            "WHERE table_name = 'events' AND table_schema = current_schema()"
        )
    ).scalar()
    if kind == "VIEW":
        return
    if kind is not None:
        columns = ", ".join(f'"{c.name}"' for c in schema.events.columns)
        conn.execute(sa.text(f"INSERT INTO tracked_events ({columns}) SELECT {columns} FROM events"))
        conn.execute(sa.text("DROP TABLE events"))
    conn.execute(sa.text(schema.EVENT_VIEW))


STEPS: tuple[Step, ...] = (
    Step(1, "warehouse: restaurants, menu items, users, sessions, orders, order items", _create_tables_since(1)),
    Step(
        2,
        "experiments: experiments, variants, assignments, events, runs, adoptions, retrospectives",
        _create_tables_since(2),
    ),
    Step(3, "marts: daily_metrics, user_stats, experiment_users, mart_builds", _create_tables_since(3)),
    Step(4, "peeking: results_views", _create_tables_since(4)),
    Step(5, "runs: secret_hash (only a run's own agents write into it)", _add_column("runs", "secret_hash")),
    Step(6, "world: the hidden world_secret the personas' knob sensitivities are drawn from", _create_world),
    Step(7, "events: a view over tracked_events (keyed, HTTP ingest) and engine_events (unkeyed runs)", _split_events),
)

LATEST = STEPS[-1].version


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def current_version(conn: sa.Connection) -> int:
    """The highest applied version, 0 for an empty database."""
    if not sa.inspect(conn).has_table(migrations_table.name):
        return 0
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(migrations_table.c.version), 0))).scalar_one())


def upgrade(engine: sa.Engine, target: int = LATEST) -> list[int]:
    """Apply every missing step up to ``target``; returns the versions applied."""
    with engine.begin() as conn:
        migrations_table.create(conn, checkfirst=True)
        found = current_version(conn)
    if found > LATEST:
        raise SchemaTooNew(f"database schema version {found} is newer than this NovaRium supports ({LATEST})")
    applied = []
    for step in STEPS:
        if found < step.version <= target:
            with engine.begin() as conn:
                step.apply(conn)
                conn.execute(
                    migrations_table.insert().values(
                        version=step.version, description=step.description, applied_at=_utcnow()
                    )
                )
            applied.append(step.version)
    return applied
