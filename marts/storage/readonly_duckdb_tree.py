"""The SQL lab's first layer on DuckDB: DuckDB's own syntax tree, walked with an allow-list.

It runs before anything is bound, so a name that would make DuckDB touch a file, the network or a setting while
binding (read_csv sniffs its file, ``FROM 'x.csv'`` scans one) is refused before it can:

1. ``extract_statements``: exactly one statement, of type SELECT.
2. ``json_serialize_sql``: DuckDB's syntax tree. Tables must be allowed ones (or a CTE in scope, where DuckDB puts
   it: a recursive CTE's own name only in its recursive term); a CTE may not take the name of a table or view it
   would hide. Table functions only ``range``, ``generate_series`` and ``unnest``; functions must be DuckDB's
   built-in scalar, aggregate, window or macro functions minus ``DENIED_FUNCTIONS``; no INSERT/UPDATE/DELETE inside
   WITH, no SHOW/DESCRIBE/SUMMARIZE, no parameters. COPY, ATTACH, INSTALL/LOAD, PRAGMA, SET, CALL and EXPORT are not
   SELECTs; read_csv, read_parquet, glob, query(), ``FROM 'file.csv'`` and ``duckdb_settings()`` are not allowed.

This layer gives clear refusals early; the guarantee that no other table is read comes from the plan DuckDB binds
(``readonly_duckdb_plan``).
"""

import json
import re
from typing import Any

import duckdb

from marts.storage.readonly import (
    failed,
    refused_construct,
    refused_function,
    refused_kind,
    refused_multiple,
    refused_table,
    refused_write,
)

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
    allowed = frozenset(name.lower() for name in tables)
    hidden = _relations(connection) - allowed
    catalog = str(connection.execute("SELECT lower(current_database())").fetchone()[0])
    _Walker(allowed, hidden, catalog, _known_functions(connection)).walk(tree["statements"], frozenset())


class _Walker:
    """Walks DuckDB's JSON syntax tree, refusing the first node outside the allow-list."""

    def __init__(self, tables: frozenset[str], hidden: frozenset[str], catalog: str, functions: frozenset[str]) -> None:
        self.tables = tables
        self.hidden = hidden
        self.catalog = catalog
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
            if name in self.hidden:
                raise refused_table(name)  # a CTE named like a hidden table: which one a name means is DuckDB's call
        for i, entry in enumerate(entries):
            before = ctes | set(names[:i])
            query = entry["value"].get("query_node", {})
            if query.get("type") == "RECURSIVE_CTE_NODE":
                # DuckDB binds the anchor (left) term's names outside the CTE: only the recursive term sees it.
                rest = {k: v for k, v in entry["value"].items() if k != "query_node"}
                self.walk(rest, before)
                self.walk({k: v for k, v in query.items() if k != "right"}, before)
                self.walk(query.get("right"), before | {names[i]})
            else:
                self.walk(entry["value"], before)
        scope = ctes | set(names)
        for key, value in node.items():
            if key != "cte_map":
                self.walk(value, scope)

    def _table_ref(self, node: dict, ctes: frozenset[str]) -> None:
        kind = node.get("type")
        if kind == "BASE_TABLE":
            name = node.get("table_name", "").lower()
            catalog, schema = node.get("catalog_name", ""), node.get("schema_name", "")
            qualified = bool(catalog or schema)
            if catalog.lower() not in ("", self.catalog) or schema.lower() not in LOCAL_SCHEMAS:
                raise refused_table(".".join(part for part in (catalog, schema, name) if part))
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


def _relations(connection: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Names a query's FROM may resolve to: every table, and the views of ``main`` and DuckDB's system schemas."""
    rows = connection.execute(
        "SELECT lower(table_name) FROM duckdb_tables() UNION "
        "SELECT lower(view_name) FROM duckdb_views() WHERE schema_name IN ('main', 'pg_catalog')"
    ).fetchall()
    return frozenset(row[0] for row in rows)


def _known_functions(connection: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """DuckDB's built-in scalar, aggregate, window and macro functions (never its table functions)."""
    rows = connection.execute(
        "SELECT DISTINCT lower(function_name) FROM duckdb_functions() "
        "WHERE function_type IN ('scalar', 'aggregate', 'window', 'macro') AND internal"
    ).fetchall()
    return frozenset(row[0] for row in rows) | EXTRA_FUNCTIONS
