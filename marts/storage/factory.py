"""Open the one Store the app uses: DuckDB under the data folder, or PostgreSQL when a URL is given."""

from pathlib import Path

import duckdb
import sqlalchemy as sa

from marts.storage import migrations
from marts.storage.errors import StorageUnavailable
from marts.storage.store import DuckDBStore, PostgresStore, Store

DUCKDB_FILE = "novarium.duckdb"


def open_store(database_url: str | None, data_dir: Path, *, upgrade: bool = True) -> Store:
    """Open (and by default upgrade) the database; raises StorageUnavailable with one clear line."""
    store = _open_postgres(database_url) if database_url else _open_duckdb(Path(data_dir) / DUCKDB_FILE)
    if upgrade:
        try:
            migrations.upgrade(store.engine)
        except Exception:
            store.close()
            raise
    return store


def _open_duckdb(path: Path) -> DuckDBStore:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"duckdb:///{path}")
    try:
        with engine.connect() as conn:
            # Freed memory goes back to the system in the background; otherwise one big query (an SQL lab query, a
            # marts build) leaves the server holding its peak for good.
            conn.execute(sa.text("SET allocator_background_threads = true"))
    except sa.exc.DBAPIError as error:
        engine.dispose()
        raise StorageUnavailable(_duckdb_reason(path, error.orig)) from None
    except duckdb.Error as error:
        engine.dispose()
        raise StorageUnavailable(_duckdb_reason(path, error)) from None
    return DuckDBStore(engine, str(path))


def _duckdb_reason(path: Path, error: BaseException) -> str:
    text = str(error)
    if "lock" in text.lower():
        return f"DuckDB file {path} is in use by another process; stop it (for example the running app) and retry"
    if "not a valid DuckDB database" in text:
        return f"DuckDB file {path} is not a valid DuckDB database (corrupt?); move it away to start fresh"
    return f"DuckDB file {path} cannot be opened: {text.splitlines()[0]}"


def _open_postgres(database_url: str) -> PostgresStore:
    url = sa.engine.make_url(database_url).set(drivername="postgresql+psycopg")
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        raise StorageUnavailable(_postgres_reason(where, url.database, error.orig)) from None
    return PostgresStore(engine, f"postgresql://{where}/{url.database}")


def _postgres_reason(where: str, database: str | None, error: BaseException) -> str:
    text = str(error)
    if "does not exist" in text:
        return f"PostgreSQL at {where}: database {database!r} does not exist"
    if "password" in text or "authentication" in text:
        return f"PostgreSQL at {where}: authentication failed"
    return f"cannot reach PostgreSQL at {where} (is the server running?)"
