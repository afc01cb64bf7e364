"""PostgreSQL's lab role when the app's user owns the tables without being a superuser, as in production.

The other storage tests run as the server's superuser; here a throwaway login role owns a throwaway database
(it ran the migrations, so it owns every table), which is where privileges matter most: an owner may read its own
tables, the lab role it switches to may not.
"""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from marts.storage import Store, open_store, readonly_postgres
from marts.storage import readonly as ro
from marts.storage.readonly import Limits, QueryFailed, QueryRefused, run_readonly
from marts.storage.readonly_role import role_name
from tests.storage.conftest import TRUTH_CANARY

pytestmark = pytest.mark.storage


@pytest.fixture
def owned(pg_admin: sa.Engine, tmp_path: Path) -> Iterator[Store]:
    """A store whose database and tables belong to a new login role with CREATEROLE."""
    with _owned_store(pg_admin, tmp_path, createrole=True) as store:
        yield store


@pytest.fixture
def owned_plain(pg_admin: sa.Engine, tmp_path: Path) -> Iterator[Store]:
    """The same, owned by a login role without CREATEROLE."""
    with _owned_store(pg_admin, tmp_path, createrole=False) as store:
        yield store


@contextmanager
def _owned_store(pg_admin: sa.Engine, tmp_path: Path, *, createrole: bool) -> Iterator[Store]:
    suffix = uuid.uuid4().hex[:10]
    owner, database = f"novarium_owner_{suffix}", f"novarium_test_owned_{suffix}"
    attributes = "LOGIN CREATEROLE" if createrole else "LOGIN"
    with pg_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{owner}" {attributes}'))
        conn.execute(sa.text(f'CREATE DATABASE "{database}" OWNER "{owner}"'))
    url = pg_admin.url.set(drivername="postgresql", username=owner, database=database)
    store = open_store(url.render_as_string(hide_password=False), tmp_path / "data")
    try:
        store.execute(
            "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
            "events_sent, events_stored, truth, started_at) VALUES ('r1', 'exp', 'swarm', 'running', 7, '{}', 10, 1, "
            "0, 0, :truth, '2026-01-05')",
            {"truth": json.dumps({"canary": TRUTH_CANARY})},
        )
        store.execute("INSERT INTO users VALUES ('u1', '2026-01-01 08:00:00', 'Seoul', 'ios', 'bargain')")
        yield store
    finally:
        store.close()
        with pg_admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{owner}"'))


def test_the_owner_reads_its_tables_but_the_lab_role_does_not(owned: Store):
    assert owned.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is False
    assert owned.scalar("SELECT COUNT(*) FROM runs") == 1  # the app's own user reads everything it owns
    assert run_readonly(owned, "SELECT region FROM users").rows == (("Seoul",),)
    limits = Limits(max_rows=10, timeout_seconds=5)
    for query in (
        "SELECT truth FROM runs",
        "WITH RECURSIVE r AS (SELECT truth FROM runs UNION SELECT truth FROM r) SELECT * FROM r",
        "SELECT (SELECT max(truth) FROM public.runs)",
    ):
        for run in (run_readonly, readonly_postgres.run_engine_only):
            with pytest.raises(QueryRefused) as caught:
                run(owned, query, limits, tables=ro.LAB_TABLES)
            assert (caught.value.code, caught.value.subject) == (ro.TABLE, "runs"), query
            assert TRUTH_CANARY not in str(caught.value)
    role = role_name(ro.LAB_TABLES)
    assert owned.scalar("SELECT pg_has_role(current_user, :role, 'MEMBER')", {"role": role}) is True
    granted = owned.query(
        "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = :role",
        {"role": role},
    )
    assert {row["privilege_type"] for row in granted} == {"SELECT"}
    assert {row["table_name"] for row in granted} == set(ro.LAB_TABLES)


def test_a_table_granted_to_public_stops_the_lab_instead_of_leaking(owned: Store):
    owned.execute("GRANT SELECT ON runs TO PUBLIC")
    with pytest.raises(QueryFailed) as caught:
        readonly_postgres.run_engine_only(owned, "SELECT truth FROM runs", Limits(), ro.LAB_TABLES)
    assert caught.value.code == ro.UNAVAILABLE
    assert "can read runs" in caught.value.subject and TRUTH_CANARY not in str(caught.value)


def test_without_createrole_the_lab_says_what_it_needs_and_runs_nothing(owned_plain: Store):
    owned = owned_plain
    tables = ro.LAB_TABLES | {f"never_created_{uuid.uuid4().hex[:8]}"}  # a role nobody has made yet
    with pytest.raises(QueryFailed) as caught:
        run_readonly(owned, "SELECT COUNT(*) FROM users", tables=tables)
    assert caught.value.code == ro.UNAVAILABLE
    assert "CREATEROLE" in str(caught.value) and "\n" not in str(caught.value)
    assert owned.scalar("SELECT COUNT(*) FROM pg_roles WHERE rolname = :r", {"r": role_name(tables)}) == 0
