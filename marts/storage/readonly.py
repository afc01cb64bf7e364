"""Read-only SQL on the Store, with limits: the SQL lab and the Data page's own reads.

``run_readonly(store, text)`` runs one SELECT (or WITH ... SELECT). Nothing it runs can change what is stored, touch
files or the network, change a setting, read a secret or read a table outside ``tables`` (``HIDDEN_TABLES`` never,
for the SQL lab). Every decision is made by the database, in layers:

* **DuckDB** (``readonly_duckdb``): DuckDB's parser splits and types the text (exactly one SELECT); its syntax tree
  (``readonly_duckdb_tree``) must name only allowed tables, a few harmless table functions and built-in functions
  minus a deny-list. Then the engine decides (``readonly_duckdb_plan``): the logical plan DuckDB binds, before
  optimisation, must scan only allowed tables of the app's own database, whatever names, CTEs, views or macros led
  there. The query runs on its own connection in a READ ONLY transaction that is always rolled back, watched for
  its time and memory (``readonly_watch``).
* **PostgreSQL** (``readonly_postgres``): the server parses the text as one statement; a temporary view over it
  yields the analysed query tree, whose every table, function, operator and type id must be allowed. Then the
  engine decides (``readonly_role``): the query runs under ``SET LOCAL ROLE`` to a role that holds SELECT on the
  allowed tables only, in a READ ONLY transaction with a time limit and local memory settings, always rolled back,
  on a connection closed afterwards.

Results are shaped before they are fetched (``readonly_result``): every text, binary or nested cell is cut to
``max_cell_chars`` by the database (cut cells are flagged), and fetching stops at ``max_rows`` rows or
``max_bytes`` bytes.

Refusals raise ``QueryRefused``; database errors, time and memory limits raise ``QueryFailed``. Both carry a
``code`` and a ``subject`` for the UI to phrase in the learner's language, and ``str()`` is one English line.
"""

import time
from dataclasses import dataclass
from typing import Any

from marts.schema import metadata
from marts.storage.errors import StorageError
from marts.storage.readonly_lexer import outline
from marts.storage.store import Store

DEFAULT_MAX_ROWS = 1000
DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_MEMORY_MB = 512
"""How much a lab query may make the server's memory grow (DuckDB) or spill to disk (PostgreSQL)."""
DEFAULT_CELL_CHARS = 200
"""Longer text, binary and nested cells are cut by the database before they are fetched."""
DEFAULT_MAX_BYTES = 1_000_000
"""Fetching stops once the rows fetched hold this many bytes."""
DEFAULT_MAX_COLUMNS = 100
MAX_QUERY_CHARS = 20_000
HIDDEN_TABLES = frozenset({"runs", "world_secret"})
"""Tables the SQL lab never reads: ``runs`` holds each run's ground truth, revealed only after the decision;
``world_secret`` holds the secret the personas' knob sensitivities are drawn from (``swarm.world``)."""
LAB_TABLES = frozenset(metadata.tables) - HIDDEN_TABLES
"""What the SQL lab may read."""
SELECT_KEYWORDS = frozenset({"SELECT", "WITH", "VALUES", "TABLE", "FROM"})

# Codes of QueryRefused / QueryFailed; the UI phrases each one.
EMPTY = "empty"
TOO_LONG = "too_long"
MULTIPLE = "multiple"
NOT_SELECT = "not_select"
WRITE = "write"
TABLE = "table"
FUNCTION = "function"
CONSTRUCT = "construct"
COLUMNS = "columns"
TIMEOUT = "timeout"
MEMORY = "memory"
BUSY = "busy"
UNAVAILABLE = "unavailable"
DATABASE = "database"


class QueryRefused(StorageError):
    """The query breaks a rule of the SQL lab; it never ran.

    Attributes:
        code: which rule (``EMPTY``, ``TOO_LONG``, ``MULTIPLE``, ``NOT_SELECT``, ``WRITE``, ``TABLE``, ``FUNCTION``,
            ``CONSTRUCT``, ``COLUMNS``).
        subject: what broke it (a statement kind, a table or function name, a count), or "".
    """

    def __init__(self, code: str, message: str, subject: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.subject = subject


class QueryFailed(StorageError):
    """The database could not run the query (syntax, unknown column, a limit, a busy lab...); nothing was changed.

    Attributes:
        code: ``TIMEOUT``, ``MEMORY``, ``BUSY``, ``UNAVAILABLE`` or ``DATABASE``.
        subject: the limit (seconds for ``TIMEOUT``, megabytes for ``MEMORY``, queries for ``BUSY``); what is missing
            for ``UNAVAILABLE``; the database's one-line message for ``DATABASE``.
    """

    def __init__(self, code: str, message: str, subject: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.subject = subject


@dataclass(frozen=True)
class Limits:
    """How much a query may return, for how long it may run and how much memory it may take."""

    max_rows: int = DEFAULT_MAX_ROWS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB
    max_cell_chars: int = DEFAULT_CELL_CHARS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_columns: int = DEFAULT_MAX_COLUMNS

    def __post_init__(self) -> None:
        if self.max_rows < 1:
            raise ValueError("max_rows: must be at least 1")
        if not 0 < self.timeout_seconds <= 300:
            raise ValueError("timeout_seconds: must be more than 0 and at most 300")
        if not 8 <= self.memory_mb <= 65_536:
            raise ValueError("memory_mb: must be from 8 to 65,536")
        if self.max_cell_chars < 1 or self.max_columns < 1:
            raise ValueError("max_cell_chars, max_columns: must be at least 1")
        if self.max_bytes < 1_000:
            raise ValueError("max_bytes: must be at least 1,000")


@dataclass(frozen=True)
class ReadOnlyResult:
    """Rows of one read-only query.

    Attributes:
        columns: column names, in order.
        rows: at most ``limits.max_rows`` rows, as the driver returns them (cut cells as their first characters).
        truncated: True when the query had more rows than the caps let through.
        elapsed_ms: wall time of the whole run, checks included.
        max_rows: the row cap that applied.
        cut: (row, column) of every cell the database cut to ``max_cell_chars``.
        truncated_by: ``ROWS_CAP`` or ``BYTES_CAP`` when truncated, else "".
        max_bytes: the size cap that applied.
        max_cell_chars: the cell cap that applied.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool
    elapsed_ms: float
    max_rows: int
    cut: frozenset[tuple[int, int]] = frozenset()
    truncated_by: str = ""
    max_bytes: int = DEFAULT_MAX_BYTES
    max_cell_chars: int = DEFAULT_CELL_CHARS


ROWS_CAP = "rows"
BYTES_CAP = "bytes"


def run_readonly(
    store: Store,
    text: str,
    limits: Limits = Limits(),
    *,
    tables: frozenset[str] = LAB_TABLES,
) -> ReadOnlyResult:
    """Run one read-only SELECT and return at most ``limits.max_rows`` rows.

    Args:
        store: the open store.
        text: the SQL, as typed.
        limits: the caps on rows, bytes, cells, columns, time and memory.
        tables: the tables the query may read (the SQL lab's by default); the database refuses any other.

    Raises:
        QueryRefused: the text breaks a rule; nothing ran.
        QueryFailed: the database refused or stopped it; nothing changed.
    """
    started = time.perf_counter()
    check_text(text)
    if store.backend == "duckdb":
        from marts.storage.readonly_duckdb import run_duckdb as run
    else:
        from marts.storage.readonly_postgres import run_postgres as run
    fetched = run(store, text, limits, tables)
    return ReadOnlyResult(
        columns=tuple(fetched.columns),
        rows=tuple(fetched.rows),
        truncated=bool(fetched.truncated_by),
        elapsed_ms=(time.perf_counter() - started) * 1000,
        max_rows=limits.max_rows,
        cut=fetched.cut,
        truncated_by=fetched.truncated_by,
        max_bytes=limits.max_bytes,
        max_cell_chars=limits.max_cell_chars,
    )


def check_text(text: str) -> None:
    """Refuse what is plainly not one SELECT before asking the database: empty, too long, several statements."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(TOO_LONG, f"query: longer than {MAX_QUERY_CHARS:,} characters", f"{MAX_QUERY_CHARS:,}")
    statements = outline(text)
    if not statements:
        raise QueryRefused(EMPTY, "query: write a SELECT first")
    if len(statements) > 1:
        raise refused_multiple(len(statements))
    words = statements[0]
    first = words[0] if words else ""
    if first not in SELECT_KEYWORDS:
        raise refused_kind(first or "?")
    if "INTO" in words:
        raise refused_write("SELECT ... INTO")


def refused_multiple(count: int) -> QueryRefused:
    """The refusal for a text holding several statements."""
    return QueryRefused(MULTIPLE, f"query: one statement at a time, this text holds {count}", str(count))


def refused_kind(kind: str) -> QueryRefused:
    """The refusal for a statement that is not a SELECT."""
    return QueryRefused(NOT_SELECT, f"query: only SELECT (or WITH ... SELECT) may run here, not {kind}", kind)


def refused_write(kind: str) -> QueryRefused:
    """The refusal for a query that would change (or lock) data."""
    return QueryRefused(WRITE, f"query: only reads may run here; {kind} would change data", kind)


def refused_table(name: str) -> QueryRefused:
    """The refusal for a table outside the allowed set."""
    return QueryRefused(TABLE, f"query: only NovaRium's tables may be read here, not {name}", name)


def refused_function(name: str) -> QueryRefused:
    """The refusal for a function the SQL lab does not offer."""
    return QueryRefused(FUNCTION, f"query: {name}() is not available here", name)


def refused_construct(name: str) -> QueryRefused:
    """The refusal for SQL syntax the SQL lab does not run."""
    return QueryRefused(CONSTRUCT, f"query: {name} is not supported here", name)


def first_line(error: BaseException) -> str:
    """An error's first line, without the driver's ``ERROR:`` or ``Binder Error:`` style prefix noise."""
    text = (str(error).strip() or type(error).__name__).splitlines()[0]
    return text.removeprefix("ERROR:").strip()


def failed(error: BaseException) -> QueryFailed:
    """A database error as one line for the learner."""
    line = first_line(error)
    return QueryFailed(DATABASE, f"query: the database refused it: {line}", line)


def refused_columns(count: int, limits: Limits) -> QueryRefused:
    """The refusal for a result wider than the column cap."""
    most = f"{limits.max_columns:,}"
    return QueryRefused(COLUMNS, f"query: at most {most} columns, this one has {count:,}", most)


def timed_out(limits: Limits) -> QueryFailed:
    """The time-limit error."""
    seconds = f"{limits.timeout_seconds:g}"
    return QueryFailed(TIMEOUT, f"query: stopped after the {seconds} s time limit", seconds)


def out_of_memory(limits: Limits) -> QueryFailed:
    """The memory-limit error: it names the limit."""
    megabytes = f"{limits.memory_mb:,}"
    return QueryFailed(MEMORY, f"query: stopped at the SQL lab's {megabytes} MB memory limit", megabytes)


def busy(running: int) -> QueryFailed:
    """The SQL lab already runs as many queries as it may: the learner tries again in a moment."""
    return QueryFailed(
        BUSY, f"query: the SQL lab is busy ({running} queries running or waiting), try again in a moment", str(running)
    )


def unavailable(reason: str) -> QueryFailed:
    """The database cannot give the SQL lab what it needs to run safely (said in one line); nothing ran."""
    return QueryFailed(UNAVAILABLE, f"query: the SQL lab is not available: {reason}", reason)
