"""The read-only runner on DuckDB: the syntax tree, then the plan DuckDB binds, decide; a READ ONLY transaction runs it.

The app holds a read-write connection to the same file, and DuckDB refuses a second connection with another
configuration (or a second attach of the file), so the query runs on a duplicate of the app's connection: the same
database, its own session, closed afterwards. In that session:

1. Python replacement scans are off and ``operator_memory_limit`` holds sorts and hash tables to half the lab's
   memory limit (they spill beyond it).
2. The syntax tree must pass ``readonly_duckdb_tree`` (one SELECT, allowed names only).
3. In ``BEGIN TRANSACTION READ ONLY`` (DuckDB refuses any write in it, data-modifying CTEs included): DuckDB
   describes the query, which is wrapped so every unbounded cell is cut (``readonly_result``); the wrapped query's
   bound plan must scan only allowed tables (``readonly_duckdb_plan``); it runs, watched for its time and memory
   (``readonly_watch``), and rows are fetched within the row and byte caps. The transaction is always rolled back.

``enable_external_access = false`` would be stronger still, but it is a whole-database setting that cannot be set
back while the database is open, so it belongs to the Store's configuration, not to a query.
"""

import contextlib
from collections.abc import Iterator, Sequence

import duckdb

from marts.storage.readonly import Limits, failed, out_of_memory, refused_write, timed_out
from marts.storage.readonly_duckdb_plan import check_plan
from marts.storage.readonly_duckdb_tree import check_duckdb
from marts.storage.readonly_lexer import first_statement
from marts.storage.readonly_result import JSON, PLAIN, TEXT, Column, Fetched, collect, wrap
from marts.storage.readonly_watch import MEMORY, Watch
from marts.storage.store import Store

FIXED_SIZE_TYPES = frozenset(
    {"boolean", "tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger"}
    | {"ubigint", "uhugeint", "float", "double", "decimal", "date", "time", "time_ns", "time with time zone"}
    | {"timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns", "timestamp with time zone", "interval", "uuid"}
    | {"null"}
)
NESTED_TYPES = frozenset({"list", "struct", "map", "array", "union"})


def run_duckdb(store: Store, text: str, limits: Limits, tables: frozenset[str]) -> Fetched:
    """Check ``text`` (syntax tree, then bound plan) and run it read-only within ``limits``."""
    with session(store, limits) as connection:
        check_duckdb(connection, text, tables)
        return _run_planned(connection, text, limits, tables)


def run_engine_only(store: Store, text: str, limits: Limits, tables: frozenset[str]) -> Fetched:
    """The engine's layer alone, the syntax tree skipped: what the tests attack to show the plan check holds."""
    with session(store, limits) as connection:
        return _run_planned(connection, text, limits, tables)


@contextlib.contextmanager
def session(store: Store, limits: Limits) -> Iterator[duckdb.DuckDBPyConnection]:
    """A new connection to the store's database with the lab's settings, closed afterwards."""
    pooled = store.engine.raw_connection()
    try:
        connection = pooled.driver_connection.duplicate()
    finally:
        pooled.close()  # the pooled connection goes straight back to the pool
    try:
        connection.execute("SET python_enable_replacements = false")
        connection.execute(f"SET operator_memory_limit = '{max(1, limits.memory_mb // 2)}MB'")
        yield connection
    finally:
        connection.close()


@contextlib.contextmanager
def read_only(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """A READ ONLY transaction, always rolled back."""
    connection.execute("BEGIN TRANSACTION READ ONLY")
    try:
        yield
    finally:
        with contextlib.suppress(duckdb.Error):  # the connection is closed next: an aborted transaction ends anyway
            connection.execute("ROLLBACK")


def _run_planned(connection: duckdb.DuckDBPyConnection, text: str, limits: Limits, tables: frozenset[str]) -> Fetched:
    query = first_statement(text)  # what is checked and what runs: the statement without a trailing ; or comment
    with read_only(connection):
        columns = _describe(connection, query)
        wrapped = wrap(query, columns, limits, "VARCHAR")
        check_plan(connection, wrapped, tables)
        return fetch(connection, wrapped, columns, limits)


def _describe(connection: duckdb.DuckDBPyConnection, query: str) -> list[Column]:
    """The query's columns as DuckDB binds them (nothing runs), each with its shape."""
    try:
        relation = connection.sql(query)
        described = list(zip(relation.columns, relation.types, strict=True))
    except duckdb.Error as error:
        raise failed(error) from None
    return [Column(name, _shape(str(kind.id))) for name, kind in described]


def _shape(type_id: str) -> str:
    if type_id in FIXED_SIZE_TYPES:
        return PLAIN
    return JSON if type_id in NESTED_TYPES else TEXT


def fetch(connection: duckdb.DuckDBPyConnection, sql: str, columns: Sequence[Column] | None, limits: Limits) -> Fetched:
    """Run ``sql`` in the open transaction, watched, and fetch within the caps (``columns`` None: as returned)."""
    with Watch(connection.interrupt, limits) as watch:
        try:
            cursor = connection.execute(sql)
            if columns is None:
                columns = [Column(column[0], PLAIN) for column in cursor.description or []]
            return collect(cursor.fetchmany, columns, limits)
        except duckdb.InterruptException:
            raise (out_of_memory if watch.reason == MEMORY else timed_out)(limits) from None
        except duckdb.OutOfMemoryException:
            raise out_of_memory(limits) from None
        except duckdb.TransactionException as error:
            if "read-only" in str(error):
                raise refused_write("this query") from None
            raise failed(error) from None
        except duckdb.Error as error:
            raise failed(error) from None
