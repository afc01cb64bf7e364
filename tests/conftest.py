"""Shared fixtures: a fresh Store on each backend.

Storage tests take the ``store`` fixture and run twice: on a DuckDB file under ``tmp_path`` and on a throwaway
PostgreSQL database on the local server, dropped afterwards. An unreachable PostgreSQL fails the run; it never
turns into skips.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from marts.storage import Store, open_store
from marts.storage.scratch import LOCAL_ADMIN_URL, admin_engine, scratch_database

PG_ADMIN_URL = os.environ.get("NOVARIUM_TEST_PG_URL", LOCAL_ADMIN_URL)
BACKENDS = ("duckdb", "postgres")


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[sa.Engine]:
    """An autocommit engine on the local server's admin database; fails the run when unreachable."""
    engine = admin_engine(PG_ADMIN_URL)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is unreachable at {PG_ADMIN_URL} ({str(error.orig).splitlines()[0]}). "
            "Storage tests run on both backends and never skip: start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`.",
            pytrace=False,
        )
    yield engine
    engine.dispose()


def temporary_database(pg_admin: sa.Engine):
    """Create a new, empty PostgreSQL database; yield its URL; drop it afterwards."""
    return scratch_database(pg_admin, prefix="novarium_test")


@pytest.fixture
def pg_database_url(pg_admin: sa.Engine) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    with temporary_database(pg_admin) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each storage test runs once per backend."""
    return request.param


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """None for DuckDB, a fresh PostgreSQL database URL otherwise."""
    if backend == "postgres":
        return request.getfixturevalue("pg_database_url")
    return None


@pytest.fixture
def store(database_url: str | None, tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated, empty Store on the current backend."""
    opened = open_store(database_url, tmp_path / "data")
    yield opened
    opened.close()


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """Under ``-n N --dist loadgroup``, one worker runs every browser test in order (``tests/parallel.py``)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from tests.parallel import BrowserGroupScheduling

    return BrowserGroupScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests under tests/storage are storage tests; tests under tests/e2e are browser tests."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "storage" in parts:
            item.add_marker(pytest.mark.storage)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)
