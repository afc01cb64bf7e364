"""``Store.bulk_insert_ignore``, the insert path of event ingestion, on DuckDB and on PostgreSQL."""

import math
from datetime import datetime

import pandas as pd
import pytest

from marts.storage import StorageError
from marts.storage.store import SMALL_LOAD_ROWS


def events(ids: list[str], value: float = 1.0) -> pd.DataFrame:
    n = len(ids)
    return pd.DataFrame(
        {
            "event_id": ids,
            "user_id": ["u1"] * n,
            "name": ["purchase"] * n,
            "ts": [datetime(2026, 5, 1, 12, 0, i % 60) for i in range(n)],
            "experiment_key": [None] * n,
            "value": [value if i % 2 else math.nan for i in range(n)],
            "props": ['{"a":1}' if i % 3 else None for i in range(n)],
            "received_at": [datetime(2026, 5, 1, 12)] * n,
        }
    )


def _expected(*frames: pd.DataFrame) -> dict[str, tuple]:
    """What the table should hold: each key's first row across the frames, missing values as None."""
    kept: dict[str, tuple] = {}
    for frame in frames:
        for row in frame.itertuples(index=False):
            value = None if math.isnan(row.value) else row.value
            props = row.props if isinstance(row.props, str) else None
            kept.setdefault(row.event_id, (value, props, row.ts))
    return kept


@pytest.mark.parametrize("size", [1, SMALL_LOAD_ROWS, SMALL_LOAD_ROWS + 1, 400], ids=lambda n: f"{n}-rows")
def test_new_rows_are_inserted_and_stored_or_repeated_keys_skipped(store, size):
    first = events([f"e{i}" for i in range(size)], value=1.0)
    assert store.bulk_insert_ignore("events", first) == size
    overlap = [f"e{i}" for i in range(size // 2, size)] + [f"n{i}" for i in range(size)]
    second = events(overlap + overlap[:2], value=9.0)
    with store.transaction() as conn:
        assert store.bulk_insert_ignore("events", second, conn=conn) == size
    rows = store.query("SELECT event_id, value, props, ts FROM events")
    assert {r["event_id"]: (r["value"], r["props"], r["ts"]) for r in rows} == _expected(first, second)


def test_composite_keys_and_a_failing_transaction(store):
    assignments = pd.DataFrame(
        {
            "experiment_key": ["k", "k", "k2"],
            "user_id": ["u1", "u2", "u1"],
            "variant": ["a", "b", "a"],
            "assigned_at": [datetime(2026, 5, 1)] * 3,
        }
    )
    assert store.bulk_insert_ignore("assignments", assignments) == 3
    assert store.bulk_insert_ignore("assignments", assignments.assign(variant="z")) == 0
    assert {r["variant"] for r in store.query("SELECT variant FROM assignments")} == {"a", "b"}
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.bulk_insert_ignore("events", events(["x1", "x2"]), conn=conn)
        raise RuntimeError("the caller fails after the load")
    assert store.row_count("events") == 0


def test_bad_frames_are_refused_with_the_column_named(store):
    with pytest.raises(StorageError, match="events: unknown column"):
        store.bulk_insert_ignore("events", events(["e1"]).assign(weight=20))
    with pytest.raises(StorageError, match="events: missing primary-key column"):
        store.bulk_insert_ignore("events", events(["e1"]).drop(columns="event_id"))
    with pytest.raises(StorageError, match="events: bulk load failed"):
        store.bulk_insert_ignore("events", events(["e1"]).drop(columns="user_id"))  # NOT NULL
    assert store.bulk_insert_ignore("events", events([])) == 0
    assert store.row_count("events") == 0
