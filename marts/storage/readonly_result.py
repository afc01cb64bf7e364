"""Shape a read-only query's result before it is fetched, then fetch it within the size caps.

The query runs wrapped in a projection of our own::

    SELECT c1, left(CAST(c2 AS text), 201), left(CAST(to_json(c3) AS text), 201)
    FROM (<the query>) AS novarium_lab (c1, c2, c3)

so the database cuts every unbounded cell (text, binary, bit strings, JSON, lists, structs, maps, arbitrary-precision
numbers) to ``max_cell_chars + 1`` characters before a byte of it is sent: the extra character says "this cell was
cut". Fixed-size values (numbers, booleans, dates, times, intervals, UUIDs) pass unchanged. The column names are the
query's own (duplicates included), taken from the database's description of it.

``collect`` then fetches in small batches and stops at ``max_rows`` rows or ``max_bytes`` bytes, whichever comes
first, so neither a long nor a wide nor a deep result is ever held whole.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from marts.storage.readonly import BYTES_CAP, ROWS_CAP, Limits, refused_columns

PLAIN = "plain"
TEXT = "text"
JSON = "json"
BATCH_ROWS = 100
ALIAS = "novarium_lab"
_FIXED_SIZE = 16  # bytes counted for a number, date or other fixed-size value


@dataclass(frozen=True)
class Column:
    """One result column: its name and how it is shaped (``PLAIN``, ``TEXT`` or ``JSON``)."""

    name: str
    shape: str


@dataclass(frozen=True)
class Fetched:
    """What a backend fetched: column names, rows, the cells it cut and why it stopped early ("" when it did not)."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    cut: frozenset[tuple[int, int]]
    truncated_by: str


def wrap(query: str, columns: Sequence[Column], limits: Limits, text_type: str) -> str:
    """The query inside a projection that cuts every unbounded cell (``text_type``: VARCHAR or text)."""
    if len(columns) > limits.max_columns:
        raise refused_columns(len(columns), limits)
    keep = limits.max_cell_chars + 1
    aliases = [f"c{i}" for i in range(1, len(columns) + 1)]
    cells = []
    for alias, column in zip(aliases, columns, strict=True):
        if column.shape == PLAIN:
            cells.append(alias)
        elif column.shape == JSON:
            cells.append(f"left(CAST(to_json({alias}) AS {text_type}), {keep})")
        else:
            cells.append(f"left(CAST({alias} AS {text_type}), {keep})")
    if not columns:  # PostgreSQL's SELECT FROM t: rows without columns
        return f"SELECT FROM (\n{query}\n) AS {ALIAS}"
    return f"SELECT {', '.join(cells)} FROM (\n{query}\n) AS {ALIAS} ({', '.join(aliases)})"


def collect(fetch: Callable[[int], Sequence[tuple]], columns: Sequence[Column], limits: Limits) -> Fetched:
    """Fetch rows in batches (``fetch(n)`` returns at most n rows, none at the end) within the row and byte caps."""
    shaped = [j for j, column in enumerate(columns) if column.shape != PLAIN]
    rows: list[tuple[Any, ...]] = []
    cut: set[tuple[int, int]] = set()
    size = 0
    while True:
        batch = fetch(min(BATCH_ROWS, limits.max_rows + 1 - len(rows)))
        if not batch:
            return Fetched([c.name for c in columns], rows, frozenset(cut), "")
        for row in batch:
            if len(rows) == limits.max_rows:
                return Fetched([c.name for c in columns], rows, frozenset(cut), ROWS_CAP)
            cells, row_cut = list(row), []
            for j in shaped:
                value = cells[j]
                if isinstance(value, str) and len(value) > limits.max_cell_chars:
                    cells[j] = value[: limits.max_cell_chars]
                    row_cut.append((len(rows), j))
            size += sum(_size(value) for value in cells)
            if size > limits.max_bytes:
                return Fetched([c.name for c in columns], rows, frozenset(cut), BYTES_CAP)
            rows.append(tuple(cells))
            cut.update(row_cut)


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass"))
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    return _FIXED_SIZE
