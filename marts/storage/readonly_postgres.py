"""The read-only runner on PostgreSQL: the server parses and analyses the query, a READ ONLY transaction runs it.

On its own connection (closed afterwards, so no session state survives):

1. **Probe**, in a transaction that is always rolled back: the text is parsed as one prepared statement (the
   extended protocol refuses a second one) and described; a temporary view over it gives the server's analysed
   query tree (``pg_rewrite.ev_action``), with every table, function and operator resolved to its id. Each id must
   be allowed: tables among NovaRium's own, functions from ``pg_catalog`` that are immutable or stable (or a few
   harmless volatile ones such as ``random``), minus those that read files, settings, other sessions or run SQL
   from a string (``DENIED_FUNCTIONS``, ``pg_*`` admin functions, ``*_to_xml``). A data-modifying WITH cannot be a
   view, so it is refused here.
2. **Run**: ``BEGIN READ ONLY`` with ``SET LOCAL statement_timeout`` and ``default_transaction_read_only``, then
   ``DECLARE ... CURSOR FOR`` the text (only SELECT/VALUES, no data-modifying WITH) and one ``FETCH`` of
   ``max_rows + 1`` rows; always rolled back.
"""

import psycopg
from psycopg import pq

from marts.storage.readonly import (
    Limits,
    QueryFailed,
    QueryRefused,
    failed,
    refused_construct,
    refused_function,
    refused_multiple,
    refused_table,
    refused_write,
    timed_out,
)
from marts.storage.readonly_lexer import first_statement, outline, tree_references
from marts.storage.store import Store

PROBE_VIEW = "novarium_sql_lab_probe"
CURSOR = "novarium_sql_lab"
FUNCTION_SCHEMAS = frozenset({"pg_catalog"})
VOLATILE_ALLOWED = frozenset(
    {"random", "random_normal", "clock_timestamp", "timeofday", "gen_random_uuid", "bernoulli", "system"}
    | {"pg_sleep", "pg_sleep_for", "pg_sleep_until"}
)
DENIED_FUNCTIONS = frozenset(
    {"current_setting", "set_config", "ts_stat", "ts_rewrite", "current_query", "setseed", "nextval"}
)
DENIED_PREFIXES = ("pg_", "lo_", "txid_", "inet_client", "inet_server", "dblink")
DENIED_PARTS = ("_to_xml",)
PG_FUNCTIONS_ALLOWED = frozenset(
    {"pg_typeof", "pg_sleep", "pg_sleep_for", "pg_sleep_until", "pg_column_size", "pg_size_pretty", "pg_size_bytes"}
)
WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "MERGE")
QUERY_CANCELED = "57014"
READ_ONLY_TRANSACTION = "25006"
FEATURE_NOT_SUPPORTED = "0A000"
SYNTAX_ERROR = "42601"


def run_postgres(store: Store, text: str, limits: Limits, tables: frozenset[str]) -> tuple[list[str], list[tuple]]:
    """Check ``text`` on the server and run it read-only; returns the column names and at most ``max_rows + 1`` rows.

    What is checked and what runs is the same text: the statement without its trailing ``;`` or comment.
    """
    query = first_statement(text)
    pooled = store.engine.raw_connection()
    try:
        connection: psycopg.Connection = pooled.driver_connection
        connection.autocommit = True
        timeout_ms = int(limits.timeout_seconds * 1000)
        _probe(connection, query, tables, timeout_ms)
        return _fetch(connection, query, limits, timeout_ms)
    finally:
        pooled.invalidate()  # closed, never reused: nothing the query did to its session can outlive it


def _begin(connection: psycopg.Connection, mode: str, timeout_ms: int) -> None:
    connection.execute(f"BEGIN {mode}")
    connection.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
    connection.execute(f"SET LOCAL lock_timeout = {timeout_ms}")


def _probe(connection: psycopg.Connection, text: str, tables: frozenset[str], timeout_ms: int) -> None:
    """Refuse the query unless the server's analysed tree names only allowed tables, functions and operators.

    The view selects a constant from the query as a subquery, so any column list (duplicate names, void or record
    columns) fits. The subquery starts on a new line and ends before one, so the text reads exactly as it does alone.
    """
    query = text.encode()
    _begin(connection, "READ WRITE", timeout_ms)
    try:
        pgconn = connection.pgconn
        _check(pgconn.prepare(b"", query), text)  # one statement: the extended protocol refuses a second
        if _check(pgconn.describe_prepared(b""), text).nparams:
            raise refused_construct("a query parameter (write the value into the query)")
        view = f"CREATE TEMPORARY VIEW {PROBE_VIEW} AS SELECT 1 AS one FROM (\n".encode() + query + b"\n) AS q"
        _check(pgconn.exec_params(view, None), text)
        tree, oid = connection.execute(
            "SELECT r.ev_action::text, r.ev_class::int FROM pg_rewrite AS r "
            f"WHERE r.ev_class = 'pg_temp.{PROBE_VIEW}'::regclass"
        ).fetchone()
        _allow(connection, tree, oid, tables)
    finally:
        connection.execute("ROLLBACK")


def _fetch(connection: psycopg.Connection, text: str, limits: Limits, timeout_ms: int) -> tuple[list[str], list[tuple]]:
    _begin(connection, "READ ONLY", timeout_ms)
    try:
        connection.execute("SET LOCAL default_transaction_read_only = on")
        declare = f"DECLARE {CURSOR} NO SCROLL CURSOR FOR ".encode() + text.encode()
        _check(connection.pgconn.exec_params(declare, None), text, limits)
        try:
            cursor = connection.execute(f"FETCH FORWARD {limits.max_rows + 1} FROM {CURSOR}")
        except psycopg.Error as error:
            raise _failure(error.sqlstate, str(error), text, limits) from None
        columns = [column.name for column in cursor.description or []]
        return columns, cursor.fetchall()
    finally:
        connection.execute("ROLLBACK")


def _check(result: pq.abc.PGresult, text: str, limits: Limits | None = None) -> pq.abc.PGresult:
    """The result of a low-level call, or the refusal / failure its error means."""
    if result.status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
        return result
    state = (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
    message = (result.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or result.error_message or b"").decode()
    raise _failure(state, message, text, limits)


def _failure(state: str, message: str, text: str, limits: Limits | None) -> QueryRefused | QueryFailed:
    """What a server error means for the learner: a refusal, the time limit or a plain database error."""
    words = {word for statement in outline(text) for word in statement}
    write = next((word for word in WRITE_WORDS if word in words), "")
    if state == READ_ONLY_TRANSACTION:
        return refused_write("FOR UPDATE / FOR SHARE (a row lock)" if "FOR" in words else "this query")
    if state in (FEATURE_NOT_SUPPORTED, SYNTAX_ERROR) and write:
        return refused_write(write)  # a data-modifying WITH, or WITH ... DELETE, cannot be a cursor's query
    if state == QUERY_CANCELED and limits is not None:
        return timed_out(limits)
    if "multiple commands" in message:
        return refused_multiple(2)
    return failed(RuntimeError(message))


def _allow(connection: psycopg.Connection, tree: str, view: int, tables: frozenset[str]) -> None:
    references = tree_references(tree)
    relations = references.relations - {view}
    for name, schema, kind, own_schema in connection.execute(
        "SELECT c.relname, n.nspname, c.relkind::text, n.nspname = current_schema() FROM pg_class AS c "
        "JOIN pg_namespace AS n ON n.oid = c.relnamespace WHERE c.oid = ANY(%s::oid[]) ORDER BY 1",
        [sorted(relations)],
    ):
        if not own_schema or kind not in ("r", "p") or name not in tables:
            raise refused_table(name if own_schema else f"{schema}.{name}")
    functions = set(references.functions)
    if references.operators:
        functions |= {
            row[0]
            for row in connection.execute(
                "SELECT oprcode::oid::int FROM pg_operator WHERE oid = ANY(%s::oid[])", [sorted(references.operators)]
            )
        }
    for name, schema, volatility in connection.execute(
        "SELECT p.proname, n.nspname, p.provolatile::text FROM pg_proc AS p "
        "JOIN pg_namespace AS n ON n.oid = p.pronamespace WHERE p.oid = ANY(%s::oid[]) ORDER BY 1",
        [sorted(functions - {0})],
    ):
        if not function_allowed(name, schema, volatility):
            raise refused_function(name if schema == "pg_catalog" else f"{schema}.{name}")


def function_allowed(name: str, schema: str, volatility: str) -> bool:
    """Whether the SQL lab may call a PostgreSQL function (``volatility``: pg_proc.provolatile, i / s / v)."""
    if schema not in FUNCTION_SCHEMAS or name in DENIED_FUNCTIONS or any(part in name for part in DENIED_PARTS):
        return False
    if name.startswith(DENIED_PREFIXES) and name not in PG_FUNCTIONS_ALLOWED:
        return False
    return volatility in ("i", "s") or name in VOLATILE_ALLOWED
