"""Read-only SQL on the Store, with a row cap and a time limit: the SQL lab and the Data page's own reads.

``run_readonly(store, text)`` runs one SELECT (or WITH ... SELECT) and returns at most ``max_rows`` rows. Nothing it
runs can change what is stored, touch files or the network, change a setting or read a secret. Every decision is
made on the database's own parse of the query, in layers:

* **DuckDB** (``readonly_duckdb``): DuckDB's parser splits and types the text (exactly one SELECT); its own syntax
  tree (``json_serialize_sql``) must name only NovaRium's tables, a few harmless table functions and built-in
  scalar functions minus a deny-list (no read_csv, glob, query, current_setting, nextval...). The query then runs
  on a fresh connection to the same database, inside a READ ONLY transaction that is always rolled back, with
  Python replacement scans off, interrupted from a timer at the time limit.
* **PostgreSQL** (``readonly_postgres``): the text is parsed by the server as one statement (the extended
  protocol refuses two). A temporary view over it, created in a transaction that is always rolled back, yields the
  server's analysed query tree; every table, function and operator id in it must be allowed. The query then runs
  as a cursor (SELECT/VALUES only, no data-modifying WITH) in a READ ONLY transaction with ``statement_timeout``
  and ``default_transaction_read_only``, always rolled back, on a connection that is closed afterwards.

Refusals raise ``QueryRefused``; database errors and timeouts raise ``QueryFailed``. Both carry a ``code`` and a
``subject`` for the UI to phrase in the learner's language, and ``str()`` is one English line.
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
TIMEOUT = "timeout"
DATABASE = "database"


class QueryRefused(StorageError):
    """The query breaks a rule of the SQL lab; it never ran.

    Attributes:
        code: which rule (``EMPTY``, ``TOO_LONG``, ``MULTIPLE``, ``NOT_SELECT``, ``WRITE``, ``TABLE``, ``FUNCTION``,
            ``CONSTRUCT``).
        subject: what broke it (a statement kind, a table or function name, a count), or "".
    """

    def __init__(self, code: str, message: str, subject: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.subject = subject


class QueryFailed(StorageError):
    """The database could not run the query (syntax, unknown column, time limit...); nothing was changed.

    Attributes:
        code: ``TIMEOUT`` or ``DATABASE``.
        subject: the time limit in seconds for ``TIMEOUT``; the database's one-line message for ``DATABASE``.
    """

    def __init__(self, code: str, message: str, subject: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.subject = subject


@dataclass(frozen=True)
class Limits:
    """How much a query may return and for how long it may run."""

    max_rows: int = DEFAULT_MAX_ROWS
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        if self.max_rows < 1:
            raise ValueError("max_rows: must be at least 1")
        if not 0 < self.timeout_seconds <= 300:
            raise ValueError("timeout_seconds: must be more than 0 and at most 300")


@dataclass(frozen=True)
class ReadOnlyResult:
    """Rows of one read-only query.

    Attributes:
        columns: column names, in order.
        rows: at most ``limits.max_rows`` rows, as the driver returns them.
        truncated: True when the query had more rows than the cap.
        elapsed_ms: wall time of the whole run, checks included.
        max_rows: the cap that applied.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    truncated: bool
    elapsed_ms: float
    max_rows: int


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
        limits: the row cap and the time limit.
        tables: the tables the query may read (the SQL lab's by default).

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
    columns, rows = run(store, text, limits, tables)
    return ReadOnlyResult(
        columns=tuple(columns),
        rows=tuple(tuple(row) for row in rows[: limits.max_rows]),
        truncated=len(rows) > limits.max_rows,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        max_rows=limits.max_rows,
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


def timed_out(limits: Limits) -> QueryFailed:
    """The time-limit error."""
    seconds = f"{limits.timeout_seconds:g}"
    return QueryFailed(TIMEOUT, f"query: stopped after the {seconds} s time limit", seconds)
