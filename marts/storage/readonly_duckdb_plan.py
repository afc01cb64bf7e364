"""The SQL lab's guarantee on DuckDB: every scan in the plan DuckDB binds reads an allowed table.

``json_serialize_plan(query, optimize := false)`` is the logical plan DuckDB's binder built for the exact text that
will run, before any optimisation. Names are resolved there the way DuckDB resolves them when it runs the query:
CTEs (recursive, ``USING KEY``, nested, shadowing), views, macros, ``query_table``, ``TABLE``, quoted and qualified
names all end as the same ``LOGICAL_GET`` nodes. Each must be a sequential scan of an allowed table in the app's own
database and schema (an allowed view of the schema, such as ``events``, scans the tables it reads:
``marts.schema.VIEW_SOURCES``; the syntax layer already refused naming those tables directly), or one of a few table
functions that read nothing stored (``range``, ``generate_series``,
``unnest``). Every other node must be a plain relational operator: no writes, no COPY, no PRAGMA, no other catalog.

A plan DuckDB cannot serialise (a table function reading files, a PIVOT that must first run a query) is refused
rather than trusted.
"""

import json
from typing import Any

import duckdb

from marts.schema import VIEW_SOURCES
from marts.storage.readonly import failed, refused_construct, refused_function, refused_table

SCAN = "seq_scan"
TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
OPERATORS = frozenset(
    {
        "LOGICAL_PROJECTION",
        "LOGICAL_FILTER",
        "LOGICAL_AGGREGATE_AND_GROUP_BY",
        "LOGICAL_WINDOW",
        "LOGICAL_UNNEST",
        "LOGICAL_LIMIT",
        "LOGICAL_ORDER_BY",
        "LOGICAL_TOP_N",
        "LOGICAL_DISTINCT",
        "LOGICAL_SAMPLE",
        "LOGICAL_PIVOT",
        "LOGICAL_GET",
        "LOGICAL_CHUNK_GET",
        "LOGICAL_DELIM_GET",
        "LOGICAL_EXPRESSION_GET",
        "LOGICAL_DUMMY_SCAN",
        "LOGICAL_EMPTY_RESULT",
        "LOGICAL_CTE_REF",
        "LOGICAL_COLUMN_DATA_GET",
        "LOGICAL_COMPARISON_JOIN",
        "LOGICAL_DELIM_JOIN",
        "LOGICAL_ANY_JOIN",
        "LOGICAL_CROSS_PRODUCT",
        "LOGICAL_POSITIONAL_JOIN",
        "LOGICAL_ASOF_JOIN",
        "LOGICAL_DEPENDENT_JOIN",
        "LOGICAL_UNION",
        "LOGICAL_EXCEPT",
        "LOGICAL_INTERSECT",
        "LOGICAL_RECURSIVE_CTE",
        "LOGICAL_MATERIALIZED_CTE",
    }
)
UNPLANNABLE = ("not implemented", "serializ")


def check_plan(connection: duckdb.DuckDBPyConnection, query: str, tables: frozenset[str]) -> None:
    """Refuse ``query`` unless every scan in its bound, unoptimised plan reads an allowed table (QueryRefused).

    Raises:
        QueryRefused: a scan of another table, a table function or an operator outside the allow-list.
        QueryFailed: DuckDB could not bind the query (unknown column, syntax...).
    """
    catalog, schema = connection.execute("SELECT current_database(), current_schema()").fetchone()
    found = json.loads(connection.execute("SELECT json_serialize_plan($1, optimize := false)", [query]).fetchone()[0])
    if found.get("error"):
        kind, message = str(found.get("error_type", "")), str(found.get("error_message", ""))
        if any(word in f"{kind} {message}".lower() for word in UNPLANNABLE):
            raise refused_construct("this query (DuckDB cannot show its plan, so the SQL lab cannot check it)")
        raise failed(RuntimeError(message or "cannot bind the query"))
    sources = {source for view in tables if view in VIEW_SOURCES for source in VIEW_SOURCES[view]}
    allowed = frozenset(name.lower() for name in tables | sources)
    for node in _operators(found.get("plans", [])):
        _check(node, allowed, str(catalog), str(schema))


def _operators(node: Any) -> list[dict]:
    """Every logical operator anywhere in the serialised plan (children, expressions and bind data included)."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            kind = item.get("type")
            if isinstance(kind, str) and kind.startswith("LOGICAL_"):
                found.append(item)
            stack.extend(item.values())
    return found


def _check(node: dict, tables: frozenset[str], catalog: str, schema: str) -> None:
    kind = node["type"]
    if kind not in OPERATORS:
        raise refused_construct(kind.removeprefix("LOGICAL_").replace("_", " ").lower())
    if kind != "LOGICAL_GET":
        return
    path = [str(part) for part in (node.get("qname") or {}).get("path", [])]
    function = path[-1].lower() if path else ""
    if function == SCAN:
        data = node.get("function_data") or {}
        where = [str(part) for part in (data.get("qualified_name") or {}).get("path", [])]
        name = where[-1].lower() if where else str(data.get("table", "")).lower()
        if where[:-1] != [catalog, schema] or name not in tables:
            raise refused_table(name or "?")
        return
    if function not in TABLE_FUNCTIONS or path[:-1] not in ([], ["system", "main"]):
        raise refused_function(".".join(path) or "?")
