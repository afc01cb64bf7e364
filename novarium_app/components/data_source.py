"""What the Data page reads: the schema's tables and columns, row counts, mart builds and a table's first rows.

Every read goes through ``marts.storage.readonly.run_readonly``: a read-only transaction with a time limit and a row
cap, like the SQL lab's own queries. Table and column names come from ``marts.schema`` only.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects import postgresql

from marts import catalog_docs
from marts.schema import metadata
from marts.storage import Store
from marts.storage.readonly import Limits, ReadOnlyResult, run_readonly

PREVIEW_ROWS = 20
INTERNAL_TABLES = frozenset(metadata.tables)
"""The page's own reads may name any table; they never select a hidden column."""
HIDDEN_COLUMNS = {"runs": frozenset({"truth"})}
"""Columns the page never shows: a run's ground truth is revealed only after the decision."""
_DIALECT = postgresql.dialect()
_SHORT_TYPES = {"TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP", "DOUBLE PRECISION": "DOUBLE"}


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the schema browser lists it."""

    name: str
    type: str
    primary_key: bool
    nullable: bool


def table_columns(table: str) -> list[ColumnInfo]:
    """The table's columns in schema order, typed as both databases declare them (the same SQL type names)."""
    columns = []
    for column in metadata.tables[table].columns:
        declared = str(column.type.compile(dialect=_DIALECT))
        columns.append(
            ColumnInfo(column.name, _SHORT_TYPES.get(declared, declared), bool(column.primary_key), column.nullable)
        )
    return columns


def visible_columns(table: str) -> list[str]:
    """The table's columns a preview may show, in schema order."""
    hidden = HIDDEN_COLUMNS.get(table, frozenset())
    return [column.name for column in metadata.tables[table].columns if column.name not in hidden]


def row_counts(store: Store) -> dict[str, int]:
    """Rows in every table of the schema, in one read-only query."""
    names = [name for group in catalog_docs.GROUPS for name in group.tables]
    sql = " UNION ALL ".join(f"SELECT '{name}' AS name, COUNT(*) AS n FROM \"{name}\"" for name in names)
    result = run_readonly(store, sql, Limits(max_rows=len(names), timeout_seconds=15), tables=INTERNAL_TABLES)
    return {str(name): int(count) for name, count in result.rows}


def mart_builds(store: Store) -> dict[str, dict[str, Any]]:
    """Each built mart's last build: built_at, row_count and seconds."""
    result = run_readonly(
        store, "SELECT mart, built_at, row_count, seconds FROM mart_builds ORDER BY mart", tables=INTERNAL_TABLES
    )
    return {row[0]: dict(zip(result.columns[1:], row[1:], strict=True)) for row in result.rows}


def preview(store: Store, table: str, rows: int = PREVIEW_ROWS) -> ReadOnlyResult:
    """The table's first ``rows`` rows in primary-key order (hidden columns left out)."""
    if table not in metadata.tables:
        raise ValueError(f"table: unknown table {table!r}")
    target = metadata.tables[table]
    columns = ", ".join(f'"{name}"' for name in visible_columns(table))
    order = ", ".join(f'"{column.name}"' for column in target.primary_key.columns) or "1"
    sql = f'SELECT {columns} FROM "{table}" ORDER BY {order} LIMIT {int(rows)}'
    return run_readonly(store, sql, Limits(max_rows=rows), tables=INTERNAL_TABLES)
