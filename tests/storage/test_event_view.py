"""The ``events`` view: tracked (keyed) and engine (unkeyed) events read as one relation, by the marts' SQL and the
SQL lab, while the tables behind it stay out of the lab; DuckDB and PostgreSQL."""

from datetime import datetime

import pandas as pd
import pytest

from marts.storage.readonly import TABLE, QueryRefused, run_readonly
from swarm.event_log import ENGINE_COLUMNS, ENGINE_SELECT, EVENT_NAMES, EngineLoad

AT = datetime(2026, 3, 2, 10)


def _engine_rows(store) -> None:
    """Two engine events of run ``eng-1``: an exposure with its stored id, and a purchase named by its number."""
    frames = {
        "events": pd.DataFrame(
            {"number": [0, 1], "visitor": [0, 0], "code": [0, 7], "ts": [AT, AT], "value": [float("nan"), 12.5]}
        ).astype({"visitor": "int32", "code": "int8"}),
        "visitors": pd.DataFrame({"visitor": [0], "user_id": ["u9"], "exposure_id": ["exposure:exp:u9"], "arm": [1]}),
        "names": pd.DataFrame(
            {
                "code": range(8),
                "name": list(EVENT_NAMES),
            }
        ),
        "arms": pd.DataFrame({"arm": [0, 1], "variant": ["control", "treatment"]}),
        "run": pd.DataFrame({"run_id": ["eng-1"], "experiment_key": ["exp"], "received_at": [AT]}),
    }
    load = EngineLoad(frames, 2)
    assert store.bulk_insert_select("engine_events", ENGINE_COLUMNS, ENGINE_SELECT, load.frames) == load.rows


def test_the_lab_reads_both_kinds_of_event_through_events_only(store):
    tracked = pd.DataFrame([{"event_id": "t1", "user_id": "u1", "name": "page_view", "ts": AT, "received_at": AT}])
    store.bulk_insert("events", tracked)
    _engine_rows(store)
    result = run_readonly(store, "SELECT event_id, user_id, name, experiment_key, variant, value, run_id FROM events")
    rows = sorted(result.rows, key=lambda row: row[0])
    assert rows == [
        ("eng-1:1", "u9", "purchase", None, None, 12.5, "eng-1"),
        ("exposure:exp:u9", "u9", "exposure", "exp", "treatment", None, "eng-1"),
        ("t1", "u1", "page_view", None, None, None, None),
    ]
    assert store.row_count("events") == 3
    for table in ("tracked_events", "engine_events"):
        with pytest.raises(QueryRefused) as refused:
            run_readonly(store, f"SELECT * FROM {table}")
        assert refused.value.code == TABLE


def test_a_tracked_id_is_stored_once_and_engine_rows_never_collide_with_it(store):
    _engine_rows(store)
    again = pd.DataFrame(
        [{"event_id": "exposure:exp:u9", "user_id": "u9", "name": "exposure", "ts": AT, "received_at": AT}]
    )
    assert store.bulk_insert_ignore("events", again) == 1  # the engine's rows are not the ingest key's
    assert store.bulk_insert_ignore("events", again) == 0
    assert store.row_count("tracked_events") == 1 and store.row_count("engine_events") == 2
