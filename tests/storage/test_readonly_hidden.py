"""Hidden tables cannot be read from the SQL lab, whatever the SQL, on DuckDB and on PostgreSQL.

Every trick is tried three ways: through ``run_readonly`` (every layer), through the engine's layer alone (DuckDB's
bound plan, PostgreSQL's lab role; the syntax checks skipped) and, as a control, with the table allowed, where each
read trick must run: so a refusal below is the rule at work, never a typo in the trick.
"""

from collections.abc import Callable

import pytest

from marts.schema import metadata, private_metadata
from marts.storage import Store, readonly_duckdb, readonly_postgres
from marts.storage import readonly as ro
from marts.storage.readonly import Limits, QueryFailed, QueryRefused, run_readonly
from tests.storage.conftest import TRUTH_CANARY

WORLD_SECRET = "world-secret-93b4"
LIMITS = Limits(max_rows=50, timeout_seconds=5)
ALL_TABLES = frozenset(metadata.tables) | {"world"}
SCHEMAS = {"duckdb": "main", "postgres": "public"}


def read_tricks(table: str, column: str, backend: str, catalog: str) -> list[str]:
    """Relational SQL that reads ``column`` of ``table`` (each runs when the table is allowed)."""
    t, c, schema = table, column, SCHEMAS[backend]
    tricks = [
        f"SELECT * FROM {t}",
        f"TABLE {t}",
        f"WITH RECURSIVE r AS (SELECT {c} FROM {t} UNION SELECT {c} FROM r) SELECT * FROM r",
        f"WITH a AS (SELECT {c} FROM {t}), {t} AS (SELECT 1 AS one) SELECT * FROM a",
        f"WITH {t} AS (SELECT {c} FROM {t}) SELECT * FROM {t}",
        f"SELECT * FROM (WITH {t} AS (SELECT {c} FROM {t}) SELECT * FROM {t}) AS s",
        f"SELECT (WITH {t} AS (SELECT {c} FROM {t}) SELECT max({c}) FROM {t})",
        f"WITH x AS (WITH y AS (WITH z AS (SELECT {c} FROM {t}) SELECT * FROM z) SELECT * FROM y) SELECT * FROM x",
        f"SELECT o.session_id, s.v FROM sessions AS o, LATERAL (SELECT {c} AS v FROM {t} LIMIT 1) AS s",
        f"SELECT o.session_id, s.v FROM sessions AS o CROSS JOIN LATERAL "
        f"(WITH q AS (SELECT {c} AS v FROM {t}) SELECT v FROM q) AS s",
        f"SELECT (SELECT max({c}) FROM {t})",
        f"SELECT session_id FROM sessions WHERE EXISTS (SELECT 1 FROM {t})",
        f"SELECT session_id FROM sessions WHERE user_id NOT IN (SELECT {c} FROM {t})",
        f"SELECT o.session_id FROM sessions AS o JOIN sessions AS p ON p.user_id <> (SELECT max({c}) FROM {t})",
        f"SELECT count(*) FROM sessions GROUP BY (SELECT max({c}) FROM {t})",
        f"SELECT count(*) FROM sessions HAVING count(*) > (SELECT count(*) - 5 FROM {t})",
        f"SELECT session_id FROM sessions ORDER BY (SELECT max({c}) FROM {t})",
        f"SELECT session_id FROM sessions LIMIT (SELECT count(*) FROM {t})",
        f"SELECT CASE WHEN (SELECT count(*) FROM {t}) > 0 THEN 1 ELSE 0 END AS flag",
        f"SELECT length((SELECT max({c}) FROM {t})) AS n",
        f"SELECT session_id, row_number() OVER (ORDER BY (SELECT max({c}) FROM {t})) AS k FROM sessions",
        f"VALUES ((SELECT max({c}) FROM {t}))",
        f"SELECT * FROM (SELECT {c} FROM {t}) AS s",
        f"SELECT user_id FROM sessions UNION SELECT {c} FROM {t}",
        f"SELECT user_id FROM sessions UNION ALL (SELECT {c} FROM {t} LIMIT 1)",
        f"SELECT {c} FROM {t} INTERSECT SELECT {c} FROM {t}",
        f"SELECT {c} FROM {t} EXCEPT SELECT user_id FROM sessions",
        f'SELECT "{c}" FROM "{t}"',
        f"SELECT {c} FROM {schema}.{t}",
        f'SELECT {c} FROM "{catalog}"."{schema}"."{t}"',
        f"SELECT {c} FROM {catalog}.{schema}.{t}",
    ]
    if backend == "duckdb":
        tricks += [
            f"WITH RECURSIVE {t} AS (SELECT * FROM {t} UNION SELECT * FROM {t}) SELECT {c} FROM {t}",
            f"WITH RECURSIVE {t} USING KEY ({c}) AS (SELECT * FROM {t} UNION SELECT * FROM {t}) SELECT {c} FROM {t}",
            f"WITH x AS (WITH RECURSIVE {t} AS (SELECT * FROM {t} UNION ALL SELECT * FROM {t} WHERE false) "
            f"SELECT * FROM {t}) SELECT {c} FROM x",
            f"SELECT * FROM (SELECT * FROM (WITH RECURSIVE {t} AS (SELECT * FROM {t} UNION SELECT * FROM {t}) "
            f"SELECT {c} FROM {t}) AS a) AS b",
            f"SELECT (WITH RECURSIVE {t} AS (SELECT {c} FROM {t} UNION SELECT {c} FROM {t}) SELECT max({c}) FROM {t})",
            f'SELECT {c} FROM "{t.upper()}"',
            f"WITH RECURSIVE n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 2), {t} AS "
            f"(SELECT {c} FROM {t}) SELECT * FROM {t}",
            f"FROM {t}",
            f"SELECT {c} FROM {t} USING SAMPLE 100%",
            f"SELECT * FROM {t} POSITIONAL JOIN sessions",
            f"SELECT * FROM sessions ASOF JOIN {t} ON sessions.user_id >= {t}.{c}",
            f"SELECT COLUMNS(*) FROM {t}",
        ]
    return tricks


def function_readers(table: str, column: str, backend: str) -> list[str]:
    """Views, macros, functions and table functions that would read the hidden table: refused by every layer."""
    t, c = table, column
    readers = ["SELECT * FROM peek", "SELECT peek_value()", "SELECT * FROM peek_rows()"]
    if backend == "duckdb":
        return [
            *readers,
            f"SELECT * FROM query_table('{t}')",
            f"SELECT * FROM query_table(['{t}', '{t}'])",
            f"SELECT * FROM query('SELECT {c} FROM {t}')",
            f"SELECT * FROM main.sessions, query_table('{t}')",
            f"SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT {c} FROM {t}'))",
            f"SELECT * FROM read_csv('{t}.csv')",
        ]
    return [
        *readers,
        f"SELECT query_to_xml('SELECT {c} FROM {t}', true, true, '')",
        f"SELECT table_to_xml('{t}', true, true, '')",
        f"SELECT ts_stat('SELECT to_tsvector({c}) FROM {t}')",
        "SELECT set_config('role', 'postgres', true)",
        f"SELECT set_config('role', 'postgres', true) UNION ALL "
        f"SELECT query_to_xml('SELECT {c} FROM {t}', true, true, '')::text",
    ]


def catalog_tricks(table: str, backend: str) -> list[str]:
    """Catalogs, catalog functions and casts to regclass: refused by the syntax layers, never a way to the data."""
    t = table
    tricks = [
        f"SELECT '{t}'::regclass",
        f"SELECT CAST('{t}' AS regclass)",
        f"SELECT * FROM information_schema.columns WHERE table_name = '{t}'",
        "SELECT * FROM information_schema.tables",
    ]
    if backend == "duckdb":
        return [
            *tricks,
            "SELECT * FROM duckdb_tables()",
            "SELECT * FROM duckdb_columns()",
            "SELECT * FROM duckdb_views()",
            f"SELECT * FROM pragma_table_info('{t}')",
            "SELECT * FROM pg_catalog.pg_class",
            f"SELECT * FROM read_json('{t}.json')",
        ]
    return [
        *tricks,
        "SELECT schema_to_xml('public', true, true, '')",
        "SELECT database_to_xml(true, true, '')",
        f"SELECT * FROM pg_catalog.pg_stats WHERE tablename = '{t}'",
        f"SELECT pg_relation_size('{t}')",
        "SELECT * FROM pg_class",
        f"SELECT '{t}'::regclass::oid",
    ]


@pytest.fixture
def world(lab: Store) -> Store:
    """The lab store with a table the schema does not know (``world``), a view and macros that read hidden data."""
    lab.execute("CREATE TABLE world (secret VARCHAR)")
    lab.execute(f"INSERT INTO world VALUES ('{WORLD_SECRET}')")
    lab.execute("CREATE VIEW peek AS SELECT truth FROM runs")
    if lab.backend == "duckdb":
        lab.execute("CREATE MACRO peek_rows() AS TABLE SELECT truth FROM runs")
        lab.execute("CREATE MACRO peek_value() AS (SELECT max(truth) FROM runs)")
    else:
        lab.execute("CREATE FUNCTION peek_value() RETURNS text LANGUAGE sql AS $$ SELECT max(truth) FROM runs $$")
        lab.execute("CREATE FUNCTION peek_rows() RETURNS SETOF text LANGUAGE sql AS $$ SELECT truth FROM runs $$")
    return lab


def _catalog(store: Store) -> str:
    return str(store.scalar("SELECT current_database()"))


def _engine_only(store: Store) -> Callable[[str, frozenset[str]], object]:
    """Run a query through the engine's own layer alone: the syntax tree (DuckDB) or the probe (PostgreSQL) skipped."""
    module = readonly_duckdb if store.backend == "duckdb" else readonly_postgres
    return lambda query, tables: module.run_engine_only(store, query, LIMITS, tables)


def _outcome(run: Callable[[], object]) -> QueryRefused | QueryFailed | object:
    try:
        return run()
    except (QueryRefused, QueryFailed) as error:
        return error


def _leaks(outcome: object) -> bool:
    text = str(outcome.rows if hasattr(outcome, "rows") else outcome)
    return TRUTH_CANARY in text or WORLD_SECRET in text or "0.042" in text


def test_the_recursive_cte_of_the_issue_never_returns_the_truth(lab: Store):
    """The reproduction: DuckDB bound the anchor term's ``runs`` to the real table."""
    query = "WITH RECURSIVE runs AS (SELECT * FROM runs UNION SELECT * FROM runs) SELECT run_id, truth FROM runs"
    outcome = _outcome(lambda: run_readonly(lab, query))
    assert isinstance(outcome, QueryRefused | QueryFailed)
    assert not _leaks(outcome)
    if lab.backend == "duckdb":
        assert (outcome.code, outcome.subject) == (ro.TABLE, "runs")
    else:  # PostgreSQL binds no anchor to the table: it refuses the recursion itself
        assert outcome.code == ro.DATABASE and "recursive reference" in outcome.subject


@pytest.mark.parametrize(("table", "column"), [("runs", "truth"), ("users", "region"), ("world", "secret")])
def test_every_read_trick_is_refused_by_every_layer(world: Store, table: str, column: str):
    """``runs`` is hidden; ``users`` is hidden for this test only; ``world`` is a table the schema does not know."""
    tables = ro.LAB_TABLES - {table}
    tricks = read_tricks(table, column, world.backend, _catalog(world))
    engine_only = _engine_only(world)
    allowed = {query: _outcome(lambda q=query: run_readonly(world, q, LIMITS, tables=ALL_TABLES)) for query in tricks}
    assert {q: str(o) for q, o in allowed.items() if isinstance(o, Exception)} == {}
    full = {query: _outcome(lambda q=query: run_readonly(world, q, LIMITS, tables=tables)) for query in tricks}
    alone = {query: _outcome(lambda q=query: engine_only(q, tables)) for query in tricks}
    for outcomes in (full, alone):
        wrong = {
            q: (getattr(o, "code", "ran"), str(o)) for q, o in outcomes.items() if getattr(o, "code", "") != ro.TABLE
        }
        assert wrong == {}
        assert [q for q, o in outcomes.items() if _leaks(o) or table not in o.subject] == []


def test_views_macros_and_table_functions_are_refused_by_every_layer(world: Store):
    tricks = function_readers("runs", "truth", world.backend)
    engine_only = _engine_only(world)
    for run in (
        lambda q: run_readonly(world, q, LIMITS),
        lambda q: run_readonly(world, q, LIMITS, tables=ALL_TABLES),
        lambda q: engine_only(q, ro.LAB_TABLES),
    ):
        outcomes = {query: _outcome(lambda q=query, r=run: r(q)) for query in tricks}
        assert {q: o for q, o in outcomes.items() if not isinstance(o, QueryRefused | QueryFailed)} == {}
        assert [q for q, o in outcomes.items() if _leaks(o) or "\n" in str(o)] == []


def test_catalogs_and_casts_to_regclass_are_refused_and_never_reach_the_data(world: Store):
    """The syntax layers refuse catalog reads; the engine's layer alone may answer some, never with hidden data."""
    tricks = catalog_tricks("runs", world.backend)
    full = {query: _outcome(lambda q=query: run_readonly(world, q, LIMITS, tables=ALL_TABLES)) for query in tricks}
    assert {q: o for q, o in full.items() if not isinstance(o, QueryRefused | QueryFailed)} == {}
    assert [q for q, o in full.items() if _leaks(o) or "\n" in str(o)] == []
    alone = {query: _outcome(lambda q=query: _engine_only(world)(q, ro.LAB_TABLES)) for query in tricks}
    assert [q for q, o in alone.items() if _leaks(o)] == []
    if world.backend == "duckdb":  # the plan allows no catalog function at all
        assert {q: o for q, o in alone.items() if not isinstance(o, QueryRefused | QueryFailed)} == {}


def test_every_hidden_table_is_unreadable_and_the_lab_reads_the_rest(lab: Store):
    """Generic over ``HIDDEN_TABLES``: a table added there is hidden with no other change."""
    known = {**metadata.tables, **private_metadata.tables}  # the schema's tables and the private ones (the world's)
    assert frozenset(metadata.tables) - ro.HIDDEN_TABLES == ro.LAB_TABLES
    assert ro.HIDDEN_TABLES and frozenset(known) >= ro.HIDDEN_TABLES
    catalog = _catalog(lab)
    for table in sorted(ro.HIDDEN_TABLES):
        column = next(iter(known[table].primary_key.columns)).name
        for query in read_tricks(table, column, lab.backend, catalog)[:8]:
            assert _outcome(lambda q=query: run_readonly(lab, q, LIMITS)).code == ro.TABLE, query
    for table in sorted(ro.LAB_TABLES):
        assert run_readonly(lab, f"SELECT COUNT(*) AS n FROM {table}").columns == ("n",)


def test_a_cte_may_read_itself_and_the_lab_tables(lab: Store):
    """What the rules must still allow: recursion over a CTE of its own, and CTE names that hide nothing."""
    queries = {
        "WITH RECURSIVE n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT count(*) FROM n": 3,
        "WITH users AS (SELECT * FROM users WHERE region = 'Seoul') SELECT count(*) FROM users": 2,
        "WITH s AS (SELECT user_id FROM sessions) "
        "SELECT count(*) FROM users WHERE user_id IN (SELECT user_id FROM s)": 1,
    }
    for query, expected in queries.items():
        assert run_readonly(lab, query).rows == ((expected,),), query
