"""The read-only runner on DuckDB: DuckDB's own parser and syntax tree decide, a READ ONLY transaction runs it.

The app holds a read-write connection to the same file, and DuckDB refuses a second connection with another
configuration, so the query runs on a duplicate of the app's connection (same database, its own session):

1. ``extract_statements``: exactly one statement, of type SELECT.
2. ``json_serialize_sql``: DuckDB's syntax tree, walked with an allow-list. Tables must be NovaRium's (or a CTE in
   scope); table functions only ``range``, ``generate_series`` and ``unnest``; functions must be DuckDB's built-in
   scalar, aggregate, window or macro functions minus ``DENIED_FUNCTIONS``; no INSERT/UPDATE/DELETE inside WITH,
   no SHOW/DESCRIBE/SUMMARIZE, no parameters. This is what keeps files, the network, other databases, settings and
   secrets out of reach: COPY, ATTACH, INSTALL/LOAD, PRAGMA, SET, CALL and EXPORT are not SELECTs, and read_csv,
   read_parquet, glob, query(), ``FROM 'file.csv'`` and ``duckdb_settings()`` are not allowed names.
3. The session turns Python replacement scans off, then runs the query in ``BEGIN TRANSACTION READ ONLY``
   (DuckDB refuses any write in it, data-modifying CTEs included), fetches at most ``max_rows + 1`` rows
   (DuckDB streams, so a huge result is never built) and always rolls back. A timer interrupts the connection at
   the time limit.

``enable_external_access = false`` would be stronger still, but it is a whole-database setting that cannot be set
back while the database is open, so it belongs to the Store's configuration, not to a query.
"""

import contextlib
import json
import re
import threading
from typing import Any

import duckdb

from marts.storage.readonly import (
    Limits,
    failed,
    refused_construct,
    refused_function,
    refused_kind,
    refused_multiple,
    refused_table,
    refused_write,
    timed_out,
)
from marts.storage.store import Store

TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
DENIED_FUNCTIONS = frozenset(
    {"current_setting", "getenv", "getvariable", "nextval", "currval", "setseed", "write_log", "current_query"}
)
# Built-in names DuckDB's parser emits as function calls without listing them in duckdb_functions().
EXTRA_FUNCTIONS = frozenset({"unnest", "ifnull", "try", "coalesce", "current_timestamp", "row", "struct_pack"})
QUERY_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"})
TABLE_REFS = frozenset({"BASE_TABLE", "JOIN", "SUBQUERY", "EXPRESSION_LIST", "EMPTY", "EMPTY_FROM", "PIVOT"})
EXPRESSIONS = frozenset(
    {
        "BETWEEN",
        "CASE",
        "CAST",
        "COLLATE",
        "COLUMN_REF",
        "COMPARISON",
        "CONJUNCTION",
        "CONSTANT",
        "FUNCTION",
        "LAMBDA",
        "LAMBDA_REF",
        "OPERATOR",
        "POSITIONAL_REFERENCE",
        "STAR",
        "SUBQUERY",
        "TYPE",
        "WINDOW",
    }
)
LOCAL_SCHEMAS = frozenset({"", "main"})
FUNCTION_SCHEMAS = frozenset({"", "main", "pg_catalog"})
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def run_duckdb(store: Store, text: str, limits: Limits, tables: frozenset[str]) -> tuple[list[str], list[tuple]]:
    """Check ``text`` and run it read-only; returns the column names and at most ``max_rows + 1`` rows."""
    connection = _session(store)
    try:
        connection.execute("SET python_enable_replacements = false")
        check_duckdb(connection, text, tables)
        return _fetch(connection, text, limits)
    finally:
        connection.close()


def _session(store: Store) -> duckdb.DuckDBPyConnection:
    """A new connection to the store's database (the pooled one goes straight back to the pool)."""
    pooled = store.engine.raw_connection()
    try:
        return pooled.driver_connection.duplicate()
    finally:
        pooled.close()


def _fetch(connection: duckdb.DuckDBPyConnection, text: str, limits: Limits) -> tuple[list[str], list[tuple]]:
    timer = threading.Timer(limits.timeout_seconds, connection.interrupt)
    connection.execute("BEGIN TRANSACTION READ ONLY")
    timer.start()
    try:
        cursor = connection.execute(text)
        columns = [column[0] for column in cursor.description or []]
        rows = cursor.fetchmany(limits.max_rows + 1)
    except duckdb.InterruptException:
        raise timed_out(limits) from None
    except duckdb.TransactionException as error:
        if "read-only" in str(error):
            raise refused_write("this query") from None
        raise failed(error) from None
    except duckdb.Error as error:
        raise failed(error) from None
    finally:
        timer.cancel()
        _rollback(connection)
    return columns, rows


def _rollback(connection: duckdb.DuckDBPyConnection) -> None:
    # The connection is closed next: an aborted or interrupted transaction ends with it anyway.
    with contextlib.suppress(duckdb.Error):
        connection.execute("ROLLBACK")


def check_duckdb(connection: duckdb.DuckDBPyConnection, text: str, tables: frozenset[str]) -> None:
    """Refuse anything but one SELECT that reads only ``tables`` with allowed functions (raises QueryRefused)."""
    try:
        statements = connection.extract_statements(text)
    except (duckdb.Error, ValueError) as error:
        raise failed(error) from None
    if len(statements) != 1:
        raise refused_multiple(len(statements))
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise refused_kind(kind.name)
    tree = json.loads(connection.execute("SELECT json_serialize_sql($1)", [text]).fetchone()[0])
    if tree.get("error"):
        raise failed(RuntimeError(tree.get("error_message", "cannot read the query")))
    _Walker(tables, _known_functions(connection)).walk(tree["statements"], frozenset())


class _Walker:
    """Walks DuckDB's JSON syntax tree, refusing the first node outside the allow-list."""

    def __init__(self, tables: frozenset[str], functions: frozenset[str]) -> None:
        self.tables = frozenset(name.lower() for name in tables)
        self.functions = functions

    def walk(self, node: Any, ctes: frozenset[str]) -> None:
        if isinstance(node, list):
            for item in node:
                self.walk(item, ctes)
            return
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if "class" in node:
            self._expression(node)
        elif isinstance(kind, str) and kind.endswith("_NODE"):
            self._query_node(node, ctes)
            return
        elif "sample" in node or kind == "JOIN":
            self._table_ref(node, ctes)
        for value in node.values():
            self.walk(value, ctes)

    def _query_node(self, node: dict, ctes: frozenset[str]) -> None:
        kind = node["type"]
        if kind not in QUERY_NODES:
            raise refused_write(kind.removesuffix("_NODE").removesuffix("_QUERY").replace("_", " "))
        entries = node.get("cte_map", {}).get("map", [])
        names = [entry["key"].lower() for entry in entries]
        for name in names:
            if not _PLAIN_NAME.fullmatch(name):
                raise refused_construct(f'the CTE name "{name}" (use letters, digits and _)')
        for i, entry in enumerate(entries):
            query = entry["value"].get("query_node", {})
            recursive = {names[i]} if query.get("type") == "RECURSIVE_CTE_NODE" else set()
            self.walk(entry["value"], ctes | set(names[:i]) | recursive)
        scope = ctes | set(names)
        for key, value in node.items():
            if key != "cte_map":
                self.walk(value, scope)

    def _table_ref(self, node: dict, ctes: frozenset[str]) -> None:
        kind = node.get("type")
        if kind == "BASE_TABLE":
            name = node.get("table_name", "").lower()
            qualified = node.get("catalog_name") or node.get("schema_name")
            if node.get("catalog_name") or node.get("schema_name", "") not in LOCAL_SCHEMAS:
                raise refused_table(".".join(p for p in (node.get("catalog_name"), node.get("schema_name"), name) if p))
            if name in self.tables or (name in ctes and not qualified):
                return
            raise refused_table(name)
        elif kind == "TABLE_FUNCTION":
            function = node.get("function", {})
            name = str(function.get("function_name", "")).lower()
            if name not in TABLE_FUNCTIONS or function.get("catalog") or function.get("schema"):
                raise refused_function(name)
        elif kind == "SHOW_REF":
            raise refused_construct("DESCRIBE / SHOW / SUMMARIZE (the Data page lists every table's columns)")
        elif kind not in TABLE_REFS:
            raise refused_construct(str(kind))

    def _expression(self, node: dict) -> None:
        kind = node["class"]
        if kind == "PARAMETER":
            raise refused_construct("a query parameter (write the value into the query)")
        if kind not in EXPRESSIONS:
            raise refused_construct(str(kind))
        if kind == "TYPE" and (node.get("catalog") or node.get("schema")):
            raise refused_construct(f"the type {node.get('schema')}.{node.get('type_name')}")
        if kind in ("FUNCTION", "WINDOW"):
            name = str(node.get("function_name", "")).lower()
            if node.get("catalog") or node.get("schema", "") not in FUNCTION_SCHEMAS:
                raise refused_function(f"{node.get('schema')}.{name}")
            if name in DENIED_FUNCTIONS or name not in self.functions:
                raise refused_function(name)


def _known_functions(connection: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """DuckDB's built-in scalar, aggregate, window and macro functions (never its table functions)."""
    rows = connection.execute(
        "SELECT DISTINCT lower(function_name) FROM duckdb_functions() "
        "WHERE function_type IN ('scalar', 'aggregate', 'window', 'macro') AND internal"
    ).fetchall()
    return frozenset(row[0] for row in rows) | EXTRA_FUNCTIONS
