"""The Store and its migrations, on DuckDB and on PostgreSQL."""

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from marts import schema
from marts.storage import SchemaTooNew, StorageError, migrations, open_store


def _users(n: int, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": [f"u{i:07d}" for i in range(start, start + n)],
            "signup_at": pd.date_range("2026-01-01", periods=n, freq="h"),
            "region": ["Seoul"] * n,
            "device": ["ios"] * n,
            "persona": ["impulsive"] * n,
        }
    )


def test_fresh_database_has_every_table_at_latest_version(store):
    for table in schema.metadata.sorted_tables:
        assert set(store.table_columns(table.name)) == set(table.c.keys()), table.name
    assert store.scalar("SELECT max(version) FROM schema_migrations") == migrations.LATEST


def test_bulk_insert_and_bound_queries_round_trip(store):
    assert store.bulk_insert("users", _users(500)) == 500
    assert store.row_count("users") == 500
    rows = store.query("SELECT user_id FROM users WHERE user_id = :uid", {"uid": "u0000042"})
    assert rows == [{"user_id": "u0000042"}]
    hostile = "u0000001' OR '1'='1"
    assert store.query("SELECT user_id FROM users WHERE user_id = :uid", {"uid": hostile}) == []
    frame = store.frame("SELECT count(*) AS n, min(signup_at) AS first FROM users")
    assert int(frame.loc[0, "n"]) == 500
    assert pd.Timestamp(frame.loc[0, "first"]) == pd.Timestamp("2026-01-01")


def test_bulk_insert_is_atomic_inside_a_failing_transaction(store):
    store.bulk_insert("users", _users(10))
    with pytest.raises(StorageError, match="users: bulk load failed"), store.transaction() as conn:
        store.bulk_insert("users", _users(5, start=100), conn=conn)
        store.bulk_insert("users", _users(5, start=0), conn=conn)  # duplicate keys: the whole load fails
    assert store.row_count("users") == 10


def test_bulk_insert_rejects_unknown_columns_and_tables(store):
    with pytest.raises(StorageError, match="users: unknown column"):
        store.bulk_insert("users", _users(1).assign(weight=20))
    with pytest.raises(StorageError, match="unknown table"):
        store.bulk_insert("no_such_table", _users(1))
    assert store.row_count("users") == 0


def test_events_event_id_is_unique(store):
    event = {
        "event_id": "e1",
        "user_id": "u1",
        "name": "page_view",
        "ts": datetime(2026, 1, 1),
        "received_at": datetime(2026, 1, 1),
    }
    store.bulk_insert("events", pd.DataFrame([event]))
    with pytest.raises(StorageError, match="events: bulk load failed"):
        store.bulk_insert("events", pd.DataFrame([event]))
    inserted = store.execute(
        "INSERT INTO tracked_events (event_id, user_id, name, ts, received_at) VALUES (:e, :u, :n, :t, :t) "
        "ON CONFLICT (event_id) DO NOTHING",
        {"e": "e1", "u": "u1", "n": "page_view", "t": datetime(2026, 1, 1)},
    )
    assert inserted == 0
    assert store.row_count("events") == 1


def test_events_stored_before_the_split_stay_readable_and_tracked_ids_stay_unique(database_url, tmp_path: Path):
    data_dir = tmp_path / "data"
    old = open_store(database_url, data_dir, upgrade=False)
    assert migrations.upgrade(old.engine, target=6) == [1, 2, 3, 4, 5, 6]
    at = datetime(2026, 1, 1, 12)
    rows = [
        ("exposure:exp:u1", "u1", "exposure", "exp", "control", None, "eng-260101120000-abcdef"),
        ("eng-260101120000-abcdef:1", "u1", "purchase", None, None, 12.5, "eng-260101120000-abcdef"),
        ("tracked-1", "u2", "page_view", None, None, None, None),
    ]
    for row in rows:  # events is a table until step 7
        old.execute(
            "INSERT INTO events (event_id, user_id, name, experiment_key, variant, value, run_id, ts, received_at) "
            "VALUES (:e, :u, :n, :k, :v, :value, :r, :t, :t)",
            dict(zip(["e", "u", "n", "k", "v", "value", "r"], row, strict=True), t=at),
        )
    old.close()
    frame = pd.DataFrame(rows, columns=["event_id", "user_id", "name", "experiment_key", "variant", "value", "run_id"])

    upgraded = open_store(database_url, data_dir)
    try:
        assert upgraded.scalar("SELECT max(version) FROM schema_migrations") == migrations.LATEST
        stored = upgraded.frame("SELECT event_id, user_id, name, value, run_id FROM events ORDER BY event_id")
        assert list(stored["event_id"]) == sorted(row[0] for row in rows)
        assert upgraded.row_count("tracked_events") == 3 and upgraded.row_count("engine_events") == 0
        assert set(upgraded.table_columns("events")) == set(schema.events.c.keys())
        again = frame.iloc[[2]].assign(ts=at, received_at=at)
        with pytest.raises(StorageError, match="events: bulk load failed"):
            upgraded.bulk_insert("events", again)  # the tracked ids are still unique
        assert upgraded.bulk_insert_ignore("events", again) == 0
        assert migrations.upgrade(upgraded.engine) == []
    finally:
        upgraded.close()


def test_older_database_is_upgraded_without_losing_rows(database_url, tmp_path: Path):
    data_dir = tmp_path / "data"
    old = open_store(database_url, data_dir, upgrade=False)
    assert migrations.upgrade(old.engine, target=1) == [1]
    old.bulk_insert("users", _users(300))
    assert old.table_columns("experiments") == []
    old.close()

    upgraded = open_store(database_url, data_dir)
    try:
        assert upgraded.row_count("users") == 300
        assert upgraded.scalar("SELECT max(version) FROM schema_migrations") == migrations.LATEST
        assert set(upgraded.table_columns("experiments")) == set(schema.experiments.c.keys())
        assert migrations.upgrade(upgraded.engine) == []
    finally:
        upgraded.close()


def test_database_from_a_newer_version_is_refused(database_url, tmp_path: Path):
    store = open_store(database_url, tmp_path / "data")
    store.execute(
        "INSERT INTO schema_migrations (version, description, applied_at) VALUES (:v, 'future', :t)",
        {"v": migrations.LATEST + 1, "t": datetime(2030, 1, 1)},
    )
    store.close()
    with pytest.raises(SchemaTooNew, match=f"version {migrations.LATEST + 1} is newer"):
        open_store(database_url, tmp_path / "data")
