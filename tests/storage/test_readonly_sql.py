"""The SQL lab's read-only runner, attacked on both backends: nothing it runs may write, read files or settings.

Every attack must raise ``QueryRefused`` or ``QueryFailed`` (with the expected code where the rule is ours), and
afterwards every table, sequence, setting and file must be as it was.
"""

import contextlib
import time
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from marts.schema import metadata
from marts.storage import Store, readonly_duckdb, readonly_postgres
from marts.storage import readonly as ro
from marts.storage.readonly import Limits, QueryFailed, QueryRefused, run_readonly
from novarium_app.components import data_source
from novarium_app.components.data_examples import EXAMPLES


def _snapshot(store: Store) -> dict:
    """Row counts of every table, the users' rows, the sequence and the settings a query could try to change."""
    counts = {name: store.row_count(name) for name in metadata.tables}
    users = store.query("SELECT * FROM users ORDER BY user_id")
    if store.backend == "duckdb":
        settings = store.query(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('threads', 'enable_external_access', 'python_enable_replacements', 'memory_limit', 'TimeZone') "
            "ORDER BY name"
        )
        extra = {"databases": store.query("SELECT database_name FROM duckdb_databases() ORDER BY 1")}
        sequence = store.scalar("SELECT last_value FROM duckdb_sequences() WHERE sequence_name = 'lab_seq'")
    else:
        settings = store.query(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('statement_timeout', 'default_transaction_read_only', 'search_path', 'lock_timeout') ORDER BY name"
        )
        extra = {
            "advisory_locks": store.scalar("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"),
            "large_objects": store.scalar("SELECT COUNT(*) FROM pg_largeobject_metadata"),
            "probe_views": store.scalar("SELECT COUNT(*) FROM pg_class WHERE relname = 'novarium_sql_lab_probe'"),
        }
        sequence = store.query("SELECT last_value, is_called FROM lab_seq")
    return {"counts": counts, "users": users, "settings": settings, "sequence": sequence, **extra}


def _attacks(tmp_path: Path) -> list[tuple[str, str]]:
    """(query, expected code) pairs every backend must stop."""
    out = tmp_path / "stolen.csv"
    return [
        ("INSERT INTO users VALUES ('u9', '2026-01-01', 'x', 'web', 'x')", ro.NOT_SELECT),
        ("UPDATE users SET region = 'Mars'", ro.NOT_SELECT),
        ("DELETE FROM users", ro.NOT_SELECT),
        ("DROP TABLE users", ro.NOT_SELECT),
        ("CREATE TABLE loot AS SELECT * FROM users", ro.NOT_SELECT),
        ("TRUNCATE users", ro.NOT_SELECT),
        ("ALTER TABLE users ADD COLUMN x INTEGER", ro.NOT_SELECT),
        ("WITH gone AS (DELETE FROM users RETURNING *) SELECT * FROM gone", ro.WRITE),
        ("WITH changed AS (UPDATE users SET region = 'Mars' RETURNING *) SELECT * FROM changed", ro.WRITE),
        (
            "WITH added AS (INSERT INTO users VALUES ('u9', '2026-01-01', 'x', 'web', 'x') RETURNING *) "
            "SELECT * FROM added",
            ro.WRITE,
        ),
        ("SELECT * INTO loot FROM users", ro.WRITE),
        ("SELECT 1; DELETE FROM users", ro.MULTIPLE),
        ("SELECT 1 /* ; */; DELETE FROM users", ro.MULTIPLE),
        ("SELECT 1 -- just a comment\n; DROP TABLE users", ro.MULTIPLE),
        ("SELECT 1; -- trailing\nDELETE FROM users;", ro.MULTIPLE),
        (f"COPY users TO '{out}'", ro.NOT_SELECT),
        (f"COPY (SELECT * FROM users) TO '{out}'", ro.NOT_SELECT),
        (f"ATTACH '{tmp_path / 'other.duckdb'}' AS other", ro.NOT_SELECT),
        ("SET statement_timeout = 0", ro.NOT_SELECT),
        ("RESET ALL", ro.NOT_SELECT),
        ("BEGIN", ro.NOT_SELECT),
        ("COMMIT", ro.NOT_SELECT),
        ("EXPLAIN ANALYZE DELETE FROM users", ro.NOT_SELECT),
        ("PRAGMA database_list", ro.NOT_SELECT),
        ("INSTALL httpfs", ro.NOT_SELECT),
        ("LOAD httpfs", ro.NOT_SELECT),
        ("CALL checkpoint()", ro.NOT_SELECT),
        (f"EXPORT DATABASE '{tmp_path / 'export'}'", ro.NOT_SELECT),
        ("DESCRIBE users", ro.NOT_SELECT),
        ("SELECT * FROM runs", ro.TABLE),
        ("SELECT truth FROM runs", ro.TABLE),
        ("SELECT u.user_id FROM users AS u JOIN runs AS r ON r.run_id = u.user_id", ro.TABLE),
        ("SELECT * FROM information_schema.tables", ro.TABLE),
        ("SELECT * FROM pg_settings", ro.TABLE),
        ("SELECT current_setting('TimeZone')", ro.FUNCTION),
        ("SELECT nextval('lab_seq')", ro.FUNCTION),
        ("SELECT $1", ro.CONSTRUCT),
    ]


def _duckdb_attacks(tmp_path: Path) -> list[tuple[str, str]]:
    data = tmp_path / "data.csv"
    return [
        ("WITH x AS (SELECT 1) DELETE FROM users", ro.NOT_SELECT),
        ("WITH x AS (SELECT 1) UPDATE users SET region = 'Mars'", ro.NOT_SELECT),
        ("SELECT * FROM read_csv('/etc/passwd')", ro.FUNCTION),
        (f"SELECT * FROM read_csv_auto('{data}')", ro.FUNCTION),
        (f"SELECT * FROM '{data}'", ro.TABLE),
        (f'SELECT * FROM "{data}"', ro.TABLE),
        ("SELECT * FROM read_text('/etc/passwd')", ro.FUNCTION),
        ("SELECT * FROM read_blob('/etc/passwd')", ro.FUNCTION),
        ("SELECT * FROM glob('/etc/*')", ro.FUNCTION),
        ("SELECT * FROM read_parquet('x.parquet')", ro.FUNCTION),
        ("SELECT * FROM main.read_csv('/etc/passwd')", ro.FUNCTION),
        ("SELECT * FROM users, read_csv('/etc/passwd')", ro.FUNCTION),
        ("SELECT * FROM query('DELETE FROM users')", ro.FUNCTION),
        ("SELECT * FROM query_table('users')", ro.FUNCTION),
        ("SELECT * FROM duckdb_settings()", ro.FUNCTION),
        ("SELECT * FROM duckdb_secrets()", ro.FUNCTION),
        ("SELECT * FROM duckdb_databases", ro.TABLE),
        ("SELECT * FROM system.main.duckdb_tables", ro.TABLE),
        ("SELECT getenv('DATABASE_URL')", ro.FUNCTION),
        ("SELECT getvariable('x')", ro.FUNCTION),
        ("SELECT setseed(0.5)", ro.FUNCTION),
        ("SELECT write_log('x')", ro.FUNCTION),
        ("SELECT st_point(1, 2)", ro.FUNCTION),
        ("SELECT * FROM 'https://example.com/x.parquet'", ro.TABLE),
        ("WITH duckdb_databases AS (SELECT * FROM duckdb_databases) SELECT * FROM duckdb_databases", ro.TABLE),
        (f'WITH "{data}" AS (SELECT 1) SELECT * FROM "{data}"', ro.CONSTRUCT),
        ("SELECT * FROM (WITH x AS (SELECT 1) SELECT 1) AS s, x", ro.TABLE),
        ("SET enable_external_access = true", ro.NOT_SELECT),
        ("SET python_enable_replacements = true", ro.NOT_SELECT),
        ("SUMMARIZE users", ro.NOT_SELECT),
        ("SHOW DATABASES", ro.NOT_SELECT),
        ("CHECKPOINT", ro.NOT_SELECT),
        ("DETACH novarium", ro.NOT_SELECT),
        ("CREATE MACRO leak() AS 1", ro.NOT_SELECT),
    ]


def _postgres_attacks(tmp_path: Path) -> list[tuple[str, str]]:
    return [
        ("WITH x AS (SELECT 1) DELETE FROM users", ro.WRITE),
        ("WITH x AS (SELECT 1) UPDATE users SET region = 'Mars'", ro.WRITE),
        ("SELECT pg_read_file('/etc/passwd')", ro.FUNCTION),
        ("SELECT * FROM pg_read_file('/etc/passwd')", ro.FUNCTION),
        ("SELECT pg_read_binary_file('/etc/passwd')", ro.FUNCTION),
        ("SELECT pg_ls_dir('.')", ro.FUNCTION),
        ("SELECT * FROM users, LATERAL pg_ls_dir('.') AS d", ro.FUNCTION),
        ("VALUES (pg_read_file('/etc/passwd'))", ro.FUNCTION),
        ("SELECT (VALUES (current_setting('data_directory')))", ro.FUNCTION),
        ("SELECT rolpassword FROM pg_authid", ro.TABLE),
        ("SELECT * FROM pg_catalog.pg_shadow", ro.TABLE),
        ("SELECT * FROM users WHERE user_id = (SELECT rolpassword FROM pg_authid LIMIT 1)", ro.TABLE),
        ("SELECT * FROM pg_stat_activity", ro.TABLE),
        ("SELECT pg_stat_get_activity(NULL)", ro.FUNCTION),
        ("SELECT set_config('default_transaction_read_only', 'off', false)", ro.FUNCTION),
        ("SELECT set_config('statement_timeout', '0', false)", ro.FUNCTION),
        ("SELECT pg_advisory_lock(42)", ro.FUNCTION),
        ("SELECT lo_from_bytea(0, 'x')", ro.FUNCTION),
        (f"SELECT lo_export(1, '{tmp_path / 'lo'}')", ro.FUNCTION),
        ("SELECT query_to_xml('DELETE FROM users RETURNING *', true, true, '')", ro.FUNCTION),
        ("SELECT table_to_xml('pg_authid', true, true, '')", ro.FUNCTION),
        ("SELECT ts_stat('SELECT to_tsvector(pg_read_file(''/etc/passwd''))')", ro.FUNCTION),
        ("SELECT pg_terminate_backend(pg_backend_pid())", ro.FUNCTION),
        ("SELECT pg_reload_conf()", ro.FUNCTION),
        ("SELECT inet_server_addr(), inet_server_port()", ro.FUNCTION),
        ("SELECT txid_current()", ro.FUNCTION),
        ("SELECT pg_notify('channel', 'x')", ro.FUNCTION),
        ("SELECT setval('lab_seq', 1000)", ro.FUNCTION),
        ("SELECT * FROM users FOR UPDATE", ro.WRITE),
        ("DO $$ BEGIN DELETE FROM users; END $$", ro.NOT_SELECT),
        ("COPY users TO PROGRAM 'id'", ro.NOT_SELECT),
        ("SET ROLE postgres", ro.NOT_SELECT),
        ("LOCK users", ro.NOT_SELECT),
        ("PREPARE p AS DELETE FROM users", ro.NOT_SELECT),
        ("SHOW data_directory", ro.NOT_SELECT),
        ("LISTEN channel", ro.NOT_SELECT),
    ]


def _stop(store: Store, query: str) -> QueryRefused | QueryFailed:
    with pytest.raises((QueryRefused, QueryFailed)) as caught:
        run_readonly(store, query, Limits(max_rows=50, timeout_seconds=3))
    return caught.value


def test_a_select_returns_its_columns_rows_and_timing(lab: Store):
    result = run_readonly(lab, "SELECT user_id, region FROM users WHERE region = 'Seoul' ORDER BY user_id")
    assert result.columns == ("user_id", "region")
    assert result.rows == (("u1", "Seoul"), ("u3", "Seoul"))
    assert result.truncated is False
    assert result.max_rows == ro.DEFAULT_MAX_ROWS
    assert 0 < result.elapsed_ms < 5_000


@pytest.mark.parametrize(
    "query",
    [
        "WITH seoul AS (SELECT user_id FROM users WHERE region = 'Seoul') SELECT COUNT(*) AS n FROM seoul;",
        "-- how many in Seoul?\nSELECT COUNT(*) AS n FROM users WHERE region = 'Seoul' -- two\n",
        "/* a note; with a semicolon */ SELECT COUNT(*) AS n FROM users WHERE region LIKE 'Seo%';  ",
        "SELECT COUNT(*) AS n FROM (SELECT u.user_id FROM users AS u WHERE u.region = 'Seoul') AS s",
    ],
)
def test_with_comments_and_a_trailing_semicolon_still_run(lab: Store, query: str):
    result = run_readonly(lab, query)
    assert result.columns == ("n",)
    assert result.rows == ((2,),)


def test_rows_beyond_the_cap_are_cut_and_flagged(lab: Store):
    result = run_readonly(lab, "SELECT user_id FROM users ORDER BY user_id", Limits(max_rows=2))
    assert result.rows == (("u1",), ("u2",))
    assert result.truncated is True
    exact = run_readonly(lab, "SELECT user_id FROM users", Limits(max_rows=3))
    assert (len(exact.rows), exact.truncated) == (3, False)


def test_a_huge_result_stops_at_the_cap_without_being_built(lab: Store):
    huge = (
        "SELECT * FROM range(50000000)"
        if lab.backend == "duckdb"  # PostgreSQL materialises a set-returning function, so stream a join instead
        else "SELECT a, b FROM generate_series(1, 7000) AS a, generate_series(1, 7000) AS b"
    )
    started = time.perf_counter()
    result = run_readonly(lab, huge, Limits(max_rows=1000, timeout_seconds=10))
    assert len(result.rows) == 1000
    assert result.truncated is True
    assert time.perf_counter() - started < 5


def test_a_long_query_is_stopped_at_the_time_limit(lab: Store):
    slow = (
        "SELECT COUNT(*) FROM range(1000000) AS a, range(1000000) AS b"
        if lab.backend == "duckdb"
        else "SELECT pg_sleep(30)"
    )
    started = time.perf_counter()
    with pytest.raises(QueryFailed) as caught:
        run_readonly(lab, slow, Limits(timeout_seconds=1))
    assert caught.value.code == ro.TIMEOUT
    assert caught.value.subject == "1"
    assert str(caught.value) == "query: stopped after the 1 s time limit"
    assert time.perf_counter() - started < 6
    assert run_readonly(lab, "SELECT COUNT(*) FROM users").rows == ((3,),)


def test_every_attack_is_stopped_and_nothing_changes(lab: Store, tmp_path: Path):
    files = tmp_path / "files"
    files.mkdir()
    (files / "data.csv").write_text("canary,value\ncanary-7f3a,42\n")
    attacks = _attacks(files) + (_duckdb_attacks(files) if lab.backend == "duckdb" else _postgres_attacks(files))
    before = _snapshot(lab)
    outcomes = {query: _stop(lab, query) for query, _ in attacks}
    wrong = {
        query: (outcomes[query].code, str(outcomes[query])) for query, code in attacks if outcomes[query].code != code
    }
    assert wrong == {}
    assert _snapshot(lab) == before
    assert sorted(path.name for path in files.iterdir()) == ["data.csv"]
    for error in outcomes.values():
        assert "\n" not in str(error)
        assert "canary-7f3a" not in str(error)


def test_the_app_keeps_writing_after_the_lab_ran(lab: Store):
    for query in ("SELECT * FROM users", "DELETE FROM users", "SELECT pg_read_file('x')", "SELECT 1 +"):
        with contextlib.suppress(QueryRefused, QueryFailed):
            run_readonly(lab, query)
    lab.execute("INSERT INTO users VALUES ('u4', '2026-01-06 00:00:00', 'Daegu', 'web', 'regular')")
    with pytest.raises(RuntimeError), lab.transaction() as conn:  # pooled connections still roll back
        conn.execute(sa.text("DELETE FROM users"))
        raise RuntimeError("roll back")
    assert lab.row_count("users") == 4
    if lab.backend == "postgres":
        assert lab.engine.pool.checkedout() == 0


def test_a_name_that_is_no_table_is_never_scanned(lab: Store):
    """DuckDB would scan a DataFrame of that name in scope; the lab turns that off and names only tables."""
    leaked = pd.DataFrame({"secret": ["sk-live-123"]})  # noqa: F841  (what a replacement scan would find)
    error = _stop(lab, "SELECT * FROM leaked")
    assert error.code == (ro.TABLE if lab.backend == "duckdb" else ro.DATABASE)
    assert "sk-live-123" not in str(error)


def test_secrets_and_the_connection_never_show_in_errors(lab: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NOVARIUM_LLM_API_KEY", "sk-test-do-not-show")
    url = lab.engine.url.render_as_string(hide_password=False)
    queries = [
        "SELECT getenv('NOVARIUM_LLM_API_KEY')",
        "SELECT current_setting('port')",
        "SELECT * FROM no_such_table",
        "SELECT no_such_column FROM users",
        "SELECT 1 +",
    ]
    for query in queries:
        message = str(_stop(lab, query))
        assert "sk-test-do-not-show" not in message
        assert url not in message and lab.location not in message


def test_syntax_and_binder_errors_are_one_line(lab: Store):
    error = _stop(lab, "SELECT user_id FROM users WHERE")
    assert error.code == ro.DATABASE
    assert "\n" not in str(error) and str(error).startswith("query: the database refused it: ")
    missing = _stop(lab, "SELECT nope FROM users")
    assert missing.code == ro.DATABASE and "nope" in missing.subject


@pytest.mark.parametrize(
    ("query", "code"),
    [("", ro.EMPTY), ("  -- nothing\n", ro.EMPTY), ("SELECT 1 " + "x" * ro.MAX_QUERY_CHARS, ro.TOO_LONG)],
)
def test_empty_and_oversized_texts_are_refused_before_the_database(lab: Store, query: str, code: str):
    assert _stop(lab, query).code == code


def test_the_page_can_read_runs_without_their_truth(lab: Store):
    everything = frozenset(metadata.tables)
    result = run_readonly(lab, "SELECT run_id, status FROM runs", tables=everything)
    assert result.rows == (("r1", "completed"),)
    with pytest.raises(QueryRefused):
        run_readonly(lab, "SELECT run_id FROM runs")


def test_learner_queries_in_both_dialects_run(lab: Store):
    queries = [
        "SELECT region, COUNT(*) AS users FROM users GROUP BY region ORDER BY users DESC, region",
        "SELECT u.user_id, COUNT(s.session_id) AS visits FROM users AS u "
        "LEFT JOIN sessions AS s ON s.user_id = u.user_id GROUP BY u.user_id ORDER BY u.user_id",
        "SELECT user_id, ROW_NUMBER() OVER (PARTITION BY region ORDER BY signup_at) AS rank FROM users",
        "SELECT CAST(signup_at AS DATE) AS day, UPPER(device) AS device, COALESCE(NULL, persona) FROM users",
        "SELECT CASE WHEN region = 'Seoul' THEN 'capital' ELSE 'other' END AS area, 1 AS a, 2 AS a FROM users",
        "SELECT * FROM users WHERE user_id IN (SELECT user_id FROM sessions) AND signup_at < '2026-02-01'",
        "VALUES (1, 'a'), (2, 'b')",
        "SELECT random() < 2 AS sure, CAST(12.5 AS NUMERIC(6, 2)) AS money",
    ]
    for query in queries:
        assert run_readonly(lab, query).rows, query


def test_every_example_query_runs(lab: Store):
    for example in EXAMPLES:
        result = run_readonly(lab, example.sql)
        assert result.columns, example.key


def test_the_data_page_reads_counts_builds_and_previews_read_only(lab: Store):
    lab.execute("INSERT INTO mart_builds VALUES ('daily_metrics', :at, 60, 0.25)", {"at": datetime(2026, 11, 1, 9, 30)})
    counts = data_source.row_counts(lab)
    assert counts == {name: lab.row_count(name) for name in metadata.tables}
    assert data_source.mart_builds(lab) == {
        "daily_metrics": {"built_at": datetime(2026, 11, 1, 9, 30), "row_count": 60, "seconds": 0.25}
    }
    users = data_source.preview(lab, "users", rows=2)
    assert [row[0] for row in users.rows] == ["u1", "u2"]
    runs = data_source.preview(lab, "runs")
    assert "truth" not in runs.columns and runs.rows[0][0] == "r1"
    assert all("0.042" not in str(value) for value in runs.rows[0])


@pytest.mark.parametrize(
    "query",
    [
        "WITH gone AS (DELETE FROM users RETURNING *) SELECT * FROM gone",
        "WITH changed AS (UPDATE users SET region = 'Mars' RETURNING *) SELECT * FROM changed",
    ],
)
def test_the_read_only_transaction_alone_refuses_writes(lab: Store, query: str):
    """The second layer: even with the syntax checks skipped, the database refuses to write."""
    limits = Limits()
    with pytest.raises(QueryRefused) as caught:
        if lab.backend == "duckdb":
            with readonly_duckdb.session(lab, limits) as connection, readonly_duckdb.read_only(connection):
                readonly_duckdb.fetch(connection, query, None, limits)
        else:
            pooled = lab.engine.raw_connection()
            try:
                pooled.driver_connection.autocommit = True
                readonly_postgres._fetch(pooled.driver_connection, query, limits, None)
            finally:
                pooled.invalidate()
    assert caught.value.code == ro.WRITE
    assert lab.row_count("users") == 3
    assert lab.scalar("SELECT COUNT(*) FROM users WHERE region = 'Mars'") == 0
