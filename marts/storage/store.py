"""The Store: one connection policy over SQLAlchemy, with a DuckDB and a PostgreSQL implementation.

Every query is SQLAlchemy ``text()`` with bound parameters (``:name``) or a Core construct; both backends
run the same SQL. Only bulk loading differs: DuckDB scans a registered DataFrame, PostgreSQL uses COPY.
``bulk_insert_select`` loads rows that DuckDB computes from compact frames (a join that expands codes into
strings): DuckDB inserts them straight into its table; for PostgreSQL an in-memory DuckDB writes them as CSV for
COPY (pandas' own CSV writer is the slow part of a large COPY).
"""

import contextlib
import io
import itertools
import math
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import numpy as np
import pandas as pd
import psycopg
import sqlalchemy as sa
from psycopg import sql

from marts.schema import VIEW_SOURCES, WRITE_TARGETS, metadata, storage_metadata
from marts.storage.errors import StorageError

Params = Mapping[str, Any] | None
SMALL_LOAD_ROWS = 10  # bulk_insert_ignore inserts at most this many rows with bound parameters instead of a bulk load


class Store:
    """A database holding the warehouse, the experiments and the marts."""

    backend: ClassVar[str] = ""
    _driver_errors: ClassVar[tuple[type[Exception], ...]] = ()

    def __init__(self, engine: sa.Engine, location: str) -> None:
        self.engine = engine
        self.location = location

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location})"

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        with self.engine.begin() as conn:
            yield conn

    def query(self, sql: str, params: Params = None) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts."""
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(sa.text(sql), dict(params or {})).mappings()]

    def scalar(self, sql: str, params: Params = None) -> Any:
        """The first column of the first row, or None."""
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), dict(params or {})).scalar()

    def frame(self, sql: str, params: Params = None) -> pd.DataFrame:
        """A SELECT as a DataFrame."""
        with self.engine.connect() as conn:
            result = conn.execute(sa.text(sql), dict(params or {}))
            return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def bulk_frame(self, sql: str, params: Params = None) -> pd.DataFrame:
        """A large SELECT as a DataFrame, fetched the driver's fastest way (DuckDB: a columnar fetch, about ten times
        faster than ``frame`` for 50,000 rows). Column dtypes are the driver's (text may be a string dtype)."""
        return self.frame(sql, params)

    def execute(self, sql: str, params: Params = None) -> int:
        """Run one statement in its own transaction; returns the affected row count."""
        with self.transaction() as conn:
            return conn.execute(sa.text(sql), dict(params or {})).rowcount

    def row_count(self, table: str) -> int:
        """Rows in a table of the schema."""
        target = _table(table)
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(target)).scalar_one())

    def analyze(self, *tables: str) -> None:
        """Refresh the planner's statistics after a bulk change (PostgreSQL plans badly without them)."""
        for name in tables:
            _table(name)
            for stored in VIEW_SOURCES.get(name, (name,)):
                self.execute(f'ANALYZE "{stored}"')

    def table_columns(self, table: str) -> list[str]:
        """Column names of a table as the database has it (empty when the table is missing)."""
        rows = self.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = :table AND table_schema = current_schema() ORDER BY ordinal_position",
            {"table": table},
        )
        return [row["column_name"] for row in rows]

    def bulk_insert(self, table: str, frame: pd.DataFrame, conn: sa.Connection | None = None) -> int:
        """Append a DataFrame to a table in one bulk load; returns the rows inserted.

        Rows for a view go to its table (``events`` rows to ``tracked_events``, see ``marts.schema.WRITE_TARGETS``).
        Pass ``conn`` to load inside a caller's transaction; otherwise the load is its own transaction.
        """
        target = _table(table)
        unknown = [c for c in frame.columns if c not in target.c]
        if unknown:
            raise StorageError(f"{table}: unknown column(s) {', '.join(map(str, unknown))}")
        if frame.empty:
            return 0
        stored = WRITE_TARGETS.get(table, table)
        try:
            if conn is None:
                with self.transaction() as own:
                    return self._load(own, stored, frame)
            return self._load(conn, stored, frame)
        except self._driver_errors as error:
            raise StorageError(f"{table}: bulk load failed: {str(error).splitlines()[0]}") from error

    def bulk_insert_ignore(self, table: str, frame: pd.DataFrame, conn: sa.Connection | None = None) -> int:
        """Append the rows whose primary key is not stored yet, in one bulk load; returns the rows inserted.

        A key repeated inside the frame is loaded once (its first row); a key already stored keeps its stored row
        (``INSERT ... ON CONFLICT DO NOTHING``). Pass ``conn`` to load inside a caller's transaction.
        """
        target = _table(table)
        key = [column.name for column in target.primary_key.columns]
        unknown = [str(c) for c in frame.columns if c not in target.c]
        missing = [name for name in key if name not in frame.columns]
        problems = [f"unknown column(s) {', '.join(unknown)}"] if unknown else []
        problems += [f"missing primary-key column(s) {', '.join(missing)}"] if missing else []
        if problems:
            raise StorageError(f"{table}: {'; '.join(problems)}")
        if frame.empty:
            return 0
        repeated = frame.duplicated(subset=key)
        if repeated.any():
            frame = frame[~repeated]
        load = self._insert_values_ignore if len(frame) <= SMALL_LOAD_ROWS else self._load_ignore
        stored = WRITE_TARGETS.get(table, table)
        try:
            if conn is None:
                with self.transaction() as own:
                    return load(own, stored, frame)
            return load(conn, stored, frame)
        except (*self._driver_errors, sa.exc.DBAPIError) as error:
            raise StorageError(f"{table}: bulk load failed: {str(error).splitlines()[0]}") from error

    def bulk_insert_select(
        self,
        table: str,
        columns: Sequence[str],
        select: str,
        frames: Mapping[str, pd.DataFrame],
        conn: sa.Connection | None = None,
    ) -> int:
        """Append the rows of a DuckDB SELECT over DataFrames to a table, in one bulk load; returns the rows inserted.

        ``select`` names each frame as a format field (``FROM {events} AS e JOIN {visitors} AS v ...``) and yields
        ``columns`` in order. It runs on DuckDB on both backends (on PostgreSQL, in memory, to write the COPY).
        Pass ``conn`` to load inside a caller's transaction; otherwise the load is its own transaction.
        """
        target = _table(table)
        unknown = [c for c in columns if c not in target.c]
        if unknown:
            raise StorageError(f"{table}: unknown column(s) {', '.join(unknown)}")
        try:
            if conn is None:
                with self.transaction() as own:
                    return self._load_select(own, table, columns, select, frames)
            return self._load_select(conn, table, columns, select, frames)
        except (*self._driver_errors, duckdb.Error) as error:
            raise StorageError(f"{table}: bulk load failed: {str(error).splitlines()[0]}") from error

    def _load_select(
        self, conn: sa.Connection, table: str, columns: Sequence[str], select: str, frames: Mapping[str, pd.DataFrame]
    ) -> int:
        raise NotImplementedError

    def _insert_values_ignore(self, conn: sa.Connection, table: str, frame: pd.DataFrame) -> int:
        """A few rows: one ``INSERT ... VALUES`` with bound parameters, cheaper than a bulk load's set-up."""
        key = _table(table).primary_key.columns[0].name
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        rows = frame.itertuples(index=False, name=None)
        params = {f"p{i}_{j}": _plain(value) for i, row in enumerate(rows) for j, value in enumerate(row)}
        width = len(frame.columns)
        values = ", ".join("(" + ", ".join(f":p{i}_{j}" for j in range(width)) + ")" for i in range(len(frame)))
        statement = f'INSERT INTO "{table}" ({columns}) VALUES {values} ON CONFLICT DO NOTHING RETURNING "{key}"'
        return len(conn.execute(sa.text(statement), params).fetchall())

    def replace_tables(self, conn: sa.Connection, frames: Mapping[str, pd.DataFrame]) -> dict[str, int]:
        """Make each table in ``frames`` (ordered parents first) hold exactly its frame, inside ``conn``'s transaction.

        Returns rows loaded per table. Children are cleared before parents; a failure rolls everything back.
        """
        tables = [_table(name) for name in frames]
        self._clear(conn, tables)
        return {name: self.bulk_insert(name, frame, conn=conn) for name, frame in frames.items()}

    def _clear(self, conn: sa.Connection, tables: list[sa.Table]) -> None:
        """Empty the tables, children first; readers keep seeing the old rows until the commit."""
        for table in reversed(tables):
            conn.execute(sa.delete(table))

    def _load(self, conn: sa.Connection, table: str, frame: pd.DataFrame) -> int:
        raise NotImplementedError

    def _load_ignore(self, conn: sa.Connection, table: str, frame: pd.DataFrame) -> int:
        raise NotImplementedError

    def close(self) -> None:
        """Release every pooled connection (and, for DuckDB, the file lock)."""
        self.engine.dispose()


class DuckDBStore(Store):
    """Embedded DuckDB in one file."""

    backend = "duckdb"
    _driver_errors = (duckdb.Error,)
    _view_ids = itertools.count()

    def _load(self, conn: sa.Connection, table: str, frame: pd.DataFrame) -> int:
        raw = conn.connection.dbapi_connection
        view = f"_novarium_load_{next(self._view_ids)}"
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        raw.register(view, frame)
        try:
            raw.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM {view}')
        finally:
            raw.unregister(view)
        return len(frame)

    def bulk_frame(self, sql: str, params: Params = None) -> pd.DataFrame:
        statement = sa.text(sql).bindparams(**params) if params else sa.text(sql)
        compiled = statement.compile(dialect=self.engine.dialect, compile_kwargs={"render_postcompile": True})
        values = [compiled.params[name] for name in compiled.positiontup or ()]
        try:
            with self.engine.connect() as conn:
                return conn.connection.dbapi_connection.execute(compiled.string, values).df()
        except duckdb.Error as error:
            raise StorageError(f"query failed: {str(error).splitlines()[0]}") from error

    def _load_select(
        self, conn: sa.Connection, table: str, columns: Sequence[str], select: str, frames: Mapping[str, pd.DataFrame]
    ) -> int:
        raw = conn.connection.dbapi_connection
        targets = ", ".join(f'"{c}"' for c in columns)
        with _registered(raw, frames, self._view_ids) as names:
            inserted = raw.execute(f'INSERT INTO "{table}" ({targets}) {select.format(**names)}').fetchone()
        return int(inserted[0]) if inserted else 0

    def _load_ignore(self, conn: sa.Connection, table: str, frame: pd.DataFrame) -> int:
        raw = conn.connection.dbapi_connection
        view = f"_novarium_load_{next(self._view_ids)}"
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        raw.register(view, frame)
        try:
            inserted = raw.execute(
                f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM {view} ON CONFLICT DO NOTHING'
            ).fetchone()
        finally:
            with contextlib.suppress(duckdb.Error):  # fails in an aborted transaction; the insert's error matters
                raw.unregister(view)
        return int(inserted[0]) if inserted else 0

    def _clear(self, conn: sa.Connection, tables: list[sa.Table]) -> None:
        """Drop and recreate the tables (with their indexes) instead of deleting their rows.

        Two DuckDB behaviours rule out DELETE for a reload: committing a DELETE of a million indexed rows takes tens
        of seconds, and foreign keys are checked against the state at the start of the transaction, so a parent
        cannot be deleted in the transaction that deleted its children. DuckDB's DDL is transactional, so a failed
        load rolls the drops back too. A table referenced from outside the replaced set keeps the DELETE path.
        """
        pinned = _referenced_from_outside(tables)
        for table in reversed(tables):
            if table.name in pinned:
                conn.execute(sa.delete(table))
            else:
                table.drop(conn)
        for table in tables:
            if table.name not in pinned:
                table.create(conn)


class PostgresStore(Store):
    """PostgreSQL through psycopg 3."""

    backend = "postgres"
    _driver_errors = (psycopg.Error,)

    def _clear(self, conn: sa.Connection, tables: list[sa.Table]) -> None:
        """TRUNCATE the tables in one statement: transactional in PostgreSQL, and far faster than DELETE.

        Other sessions wait for the commit instead of seeing empty tables. A table referenced from outside the
        replaced set keeps the DELETE path (TRUNCATE would need CASCADE).
        """
        pinned = _referenced_from_outside(tables)
        truncate = [t for t in tables if t.name not in pinned]
        if truncate:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in truncate)))
        for table in reversed(tables):
            if table.name in pinned:
                conn.execute(sa.delete(table))

    def _load(self, conn: sa.Connection, table: str, frame: pd.DataFrame) -> int:

        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, header=False)
        copy = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
        )
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(copy) as loader:
            loader.write(buffer.getvalue())
        return len(frame)

    _temp_ids = itertools.count()
    _view_ids = itertools.count()
    COPY_CHUNK = 1 << 20

    def _load_select(
        self, conn: sa.Connection, table: str, columns: Sequence[str], select: str, frames: Mapping[str, pd.DataFrame]
    ) -> int:
        """DuckDB, in memory, writes the rows as CSV to a temporary file; COPY reads it."""
        copy = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        raw = conn.connection.dbapi_connection
        with tempfile.TemporaryDirectory(prefix="novarium-copy-") as folder, duckdb.connect() as local:
            path = Path(folder) / "rows.csv"
            with _registered(local, frames, self._view_ids) as names:
                local.execute(f"COPY ({select.format(**names)}) TO '{path}' (FORMAT csv, HEADER false)")
            with path.open("rb") as rows, raw.cursor() as cursor:
                with cursor.copy(copy) as loader:
                    while chunk := rows.read(self.COPY_CHUNK):
                        loader.write(chunk)
                return cursor.rowcount

    def _load_ignore(self, conn: sa.Connection, table: str, frame: pd.DataFrame) -> int:
        """COPY into a temporary table dropped at commit, then insert what is new from it."""
        temp = f"_novarium_new_{next(self._temp_ids)}"
        columns = sql.SQL(", ").join(map(sql.Identifier, frame.columns))
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cursor:
            cursor.execute(
                sql.SQL("CREATE TEMPORARY TABLE {} (LIKE {}) ON COMMIT DROP").format(
                    sql.Identifier(temp), sql.Identifier(table)
                )
            )
            self._load(conn, temp, frame)
            cursor.execute(
                sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT DO NOTHING").format(
                    sql.Identifier(table), columns, columns, sql.Identifier(temp)
                )
            )
            return cursor.rowcount


@contextmanager
def _registered(
    connection: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame], ids: Iterator[int]
) -> Iterator[dict[str, str]]:
    """The frames registered on a DuckDB connection under fresh names; yields each frame's name there."""
    names = {key: f"_novarium_{key}_{next(ids)}" for key in frames}
    try:
        for key, frame in frames.items():
            connection.register(names[key], frame)
        yield names
    finally:
        for name in names.values():
            with contextlib.suppress(duckdb.Error):  # fails in an aborted transaction; the load's error matters
                connection.unregister(name)


def _referenced_from_outside(tables: list[sa.Table]) -> set[str]:
    """Names of the tables that a table outside ``tables`` references by foreign key."""
    names = {t.name for t in tables}
    return {fk.column.table.name for t in metadata.tables.values() if t.name not in names for fk in t.foreign_keys}


def _plain(value: Any) -> Any:
    """A DataFrame cell as the plain Python value drivers bind (missing values become None)."""
    if value is None or value is pd.NaT or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if isinstance(value, np.generic) else value


def _table(name: str) -> sa.Table:
    found = metadata.tables.get(name, storage_metadata.tables.get(name))
    if found is None:
        raise StorageError(f"table: unknown table {name!r}")
    return found
