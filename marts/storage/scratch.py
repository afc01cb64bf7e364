"""Throwaway PostgreSQL databases for tests and benches: created empty, dropped afterwards."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

LOCAL_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_engine(admin_url: str = LOCAL_ADMIN_URL) -> sa.Engine:
    """An autocommit engine on the server's maintenance database (CREATE/DROP DATABASE need autocommit)."""
    url = sa.engine.make_url(admin_url).set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@contextmanager
def scratch_database(admin: sa.Engine, prefix: str = "novarium_scratch") -> Iterator[str]:
    """Create a new, empty database through ``admin``; yield its URL; drop it (closing its sessions) afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
