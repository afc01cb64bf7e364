"""The read-only runner on PostgreSQL: the server analyses the query, then runs it as the lab's role, read-only.

On its own connection (closed afterwards, so no session state survives):

1. **Probe**, in a transaction that is always rolled back: the text is parsed as one prepared statement (the
   extended protocol refuses a second one); a temporary view over it gives the server's analysed query tree
   (``pg_rewrite.ev_action``), with every table, function, operator and type resolved to its id. Each id must be
   allowed: tables among the allowed ones, functions from ``pg_catalog`` that are immutable or stable (or a few
   harmless volatile ones such as ``random``), minus those that read files, settings, other sessions or run SQL
   from a string (``DENIED_FUNCTIONS``, ``pg_*`` admin functions, ``*_to_xml``); no catalog lookups (``regclass``
   and the other ``reg*`` types). A data-modifying WITH cannot be a view, so it is refused here.
2. **Run**: ``BEGIN READ ONLY`` with local ``statement_timeout``, ``work_mem`` and (where the app's user may set it)
   ``temp_file_limit``, then ``SET LOCAL ROLE`` to the lab's role (``readonly_role``): from here the server refuses
   any table the role may not read. The query is described, wrapped so every unbounded cell is cut
   (``readonly_result``) and declared as a cursor (SELECT/VALUES only, no data-modifying WITH); rows are fetched in
   batches within the row, byte and time caps. Before the rows are returned, the transaction must still be the
   lab's role (a query that changed it is refused). Always rolled back.
"""

import re
import time
from collections.abc import Sequence

import psycopg
from psycopg import pq

from marts.storage.readonly import (
    Limits,
    QueryFailed,
    QueryRefused,
    failed,
    out_of_memory,
    refused_construct,
    refused_function,
    refused_multiple,
    refused_table,
    refused_write,
    timed_out,
)
from marts.storage.readonly_lexer import first_statement, outline, tree_references
from marts.storage.readonly_result import JSON, PLAIN, TEXT, Column, Fetched, collect, wrap
from marts.storage.readonly_role import prepare_role
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
INSUFFICIENT_PRIVILEGE = "42501"
MEMORY_STATES = ("53200", "53400", "54000")  # out_of_memory, configuration_limit_exceeded, program_limit_exceeded
FIXED_SIZE_TYPES = frozenset({16, 18, 20, 21, 23, 26, 700, 701, 790, 2950})  # bool, "char", ints, oid, floats...
FIXED_SIZE_CATEGORIES = frozenset({"B", "D", "T"})  # booleans, dates and times, intervals
NESTED_CATEGORIES = frozenset({"A", "C"})  # arrays, composite rows
RECORD = 2249
_DENIED = re.compile(r"permission denied for (?:(function|procedure)|[a-z ]+?) (.+)$")


def run_postgres(store: Store, text: str, limits: Limits, tables: frozenset[str]) -> Fetched:
    """Check ``text`` on the server (probe, then the lab's role) and run it read-only within ``limits``.

    What is checked and what runs is the same text: the statement without its trailing ``;`` or comment.
    """
    return _on_own_connection(store, first_statement(text), limits, tables, probe=True)


def run_engine_only(store: Store, text: str, limits: Limits, tables: frozenset[str]) -> Fetched:
    """The engine's layer alone, the probe skipped: what the tests attack to show the role holds."""
    return _on_own_connection(store, first_statement(text), limits, tables, probe=False)


def _on_own_connection(store: Store, query: str, limits: Limits, tables: frozenset[str], *, probe: bool) -> Fetched:
    pooled = store.engine.raw_connection()
    try:
        connection: psycopg.Connection = pooled.driver_connection
        connection.autocommit = True
        timeout_ms = int(limits.timeout_seconds * 1000)
        if probe:
            _probe(connection, query, tables, timeout_ms)
        role = prepare_role(connection, tables)
        return _fetch(connection, query, limits, role)
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


def _fetch(connection: psycopg.Connection, text: str, limits: Limits, role: str | None) -> Fetched:
    """Run ``text`` as ``role`` (None: as the app's user) in a READ ONLY transaction and fetch within the caps."""
    deadline = time.monotonic() + limits.timeout_seconds
    _begin(connection, "READ ONLY", int(limits.timeout_seconds * 1000))
    try:
        connection.execute("SET LOCAL default_transaction_read_only = on")
        _limit_memory(connection, limits)
        if role is not None:
            connection.execute(f'SET LOCAL ROLE "{role}"')
        columns = _describe(connection, text, limits)
        declare = f"DECLARE {CURSOR} NO SCROLL CURSOR FOR ".encode() + wrap(text, columns, limits, "text").encode()
        _check(connection.pgconn.exec_params(declare, None), text, limits)
        fetched = collect(lambda n: _fetch_batch(connection, n, deadline, text, limits), columns, limits)
        if role is not None and connection.execute("SELECT current_user").fetchone()[0] != role:
            raise refused_function("set_config")  # the query took another role mid-way: its rows are not shown
        return fetched
    finally:
        connection.execute("ROLLBACK")


def _limit_memory(connection: psycopg.Connection, limits: Limits) -> None:
    """Local memory for sorts and hashes, and (where the app's user may set it) a cap on temporary files."""
    connection.execute(f"SET LOCAL work_mem = '{max(1, limits.memory_mb // 8)}MB'")
    connection.execute("SAVEPOINT novarium_lab_limits")
    try:
        connection.execute(f"SET LOCAL temp_file_limit = '{limits.memory_mb}MB'")
    except psycopg.errors.InsufficientPrivilege:
        connection.execute("ROLLBACK TO SAVEPOINT novarium_lab_limits")  # only a superuser (or a grant) may set it
    else:
        connection.execute("RELEASE SAVEPOINT novarium_lab_limits")


def _describe(connection: psycopg.Connection, text: str, limits: Limits) -> list[Column]:
    """The query's columns as the server describes them (nothing runs)."""
    pgconn = connection.pgconn
    _check(pgconn.prepare(b"", text.encode()), text, limits)
    described = _check(pgconn.describe_prepared(b""), text, limits)
    fields = [((described.fname(i) or b"").decode(), described.ftype(i)) for i in range(described.nfields)]
    categories = dict(
        connection.execute(
            "SELECT oid::int, typcategory::text FROM pg_type WHERE oid = ANY(%s::oid[])", [[oid for _, oid in fields]]
        ).fetchall()
    )
    return [Column(name, _shape(oid, categories.get(oid, ""))) for name, oid in fields]


def _shape(oid: int, category: str) -> str:
    if oid in FIXED_SIZE_TYPES or category in FIXED_SIZE_CATEGORIES:
        return PLAIN
    return JSON if category in NESTED_CATEGORIES or oid == RECORD else TEXT


def _fetch_batch(connection: psycopg.Connection, size: int, deadline: float, text: str, limits: Limits) -> Sequence:
    left_ms = int((deadline - time.monotonic()) * 1000)
    if left_ms <= 0:
        raise timed_out(limits)
    try:
        connection.execute(f"SET LOCAL statement_timeout = {left_ms}")
        return connection.execute(f"FETCH FORWARD {size} FROM {CURSOR}").fetchall()
    except psycopg.Error as error:
        raise _failure(error.sqlstate or "", str(error), text, limits) from None


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
    if state in MEMORY_STATES and limits is not None:
        return out_of_memory(limits)
    if state == INSUFFICIENT_PRIVILEGE and (denied := _DENIED.search(message.splitlines()[0] if message else "")):
        kind, name = denied.groups()
        return refused_function(name) if kind else refused_table(name)
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
        if not own_schema or kind not in ("r", "p", "v") or name not in tables:  # "v": the schema's views (events)
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
    lookups = connection.execute(
        "SELECT t.typname FROM pg_type AS t WHERE t.oid = ANY(%s::oid[]) "
        "AND t.typnamespace = 'pg_catalog'::regnamespace AND t.typname ~ '^_?reg' ORDER BY 1",
        [sorted(references.types)],
    ).fetchone()
    if lookups:
        raise refused_construct(f"{lookups[0].lstrip('_')} (a catalog lookup)")


def function_allowed(name: str, schema: str, volatility: str) -> bool:
    """Whether the SQL lab may call a PostgreSQL function (``volatility``: pg_proc.provolatile, i / s / v)."""
    if schema not in FUNCTION_SCHEMAS or name in DENIED_FUNCTIONS or any(part in name for part in DENIED_PARTS):
        return False
    if name.startswith(DENIED_PREFIXES) and name not in PG_FUNCTIONS_ALLOWED:
        return False
    return volatility in ("i", "s") or name in VOLATILE_ALLOWED
