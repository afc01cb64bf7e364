"""Event ingestion on DuckDB and on PostgreSQL: every event is stored, a duplicate, or rejected with a reason."""

import json
import random
import threading
from datetime import UTC, datetime, timedelta

import pytest

from shop import repository, tracking
from shop.assignment import assign
from shop.tracking import BatchError, exposure_event_id, ingest
from tests.storage.swarm_app import run_row

ARMS = [("control", 50.0), ("treatment", 50.0)]


def event(event_id: str, user_id: str = "u1", name: str = "page_view", **fields) -> dict:
    return {"event_id": event_id, "user_id": user_id, "name": name, **fields}


def running(store, key: str = "red-banner", allocation: float = 100, status: str = "running") -> None:
    repository.create_experiment(
        store,
        {
            "key": key,
            "hypothesis": "A red hero banner draws more clicks than the orange one.",
            "allocation": allocation,
            "variants": [
                {"name": "control", "weight": 50, "config": {}},
                {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
            ],
        },
    )
    if status in ("running", "stopped"):
        repository.start_experiment(store, key)
    if status == "stopped":
        repository.stop_experiment(store, key)


def stored(store) -> dict[str, dict]:
    return {row["event_id"]: row for row in store.query("SELECT * FROM events")}


def test_valid_events_are_stored_with_their_fields(store):
    when = datetime(2026, 5, 1, 12, 30, tzinfo=UTC) + timedelta(hours=0)
    secret = run_row(store, "run-1")
    result = ingest(
        store,
        [
            event("e1", "u1", "purchase", value=23.5, props={"order_id": 7}, ts="2026-05-01T14:30:00+02:00"),
            event("e2", "u2", "search", props={"query": "pho"}, run_id="run-1"),
        ],
        run_secret=secret,
    )
    assert (result.accepted, result.duplicates, result.rejected) == (2, 0, ())
    rows = stored(store)
    assert rows["e1"]["value"] == 23.5 and json.loads(rows["e1"]["props"]) == {"order_id": 7}
    assert rows["e1"]["ts"] == when.replace(tzinfo=None)  # converted to naive UTC
    assert rows["e1"]["experiment_key"] is None and rows["e1"]["variant"] is None
    assert rows["e2"]["value"] is None and rows["e2"]["run_id"] == "run-1"
    assert abs((rows["e2"]["ts"] - datetime.now(UTC).replace(tzinfo=None)).total_seconds()) < 60  # default: now


@pytest.mark.parametrize(
    ("bad", "field", "rule"),
    [
        (event("e1", name="foo"), "events[1].name", "unknown event 'foo'; allowed: page_view, exposure"),
        (event("e1", name="purchase", value=-1), "events[1].value", ">= 0"),
        ({"event_id": "e1", "name": "page_view"}, "events[1].user_id", "is required"),
        (event("e1", ts="2999-01-01T00:00:00Z"), "events[1].ts", "in the future"),
        (event("e1", user_id=""), "events[1].user_id", "1 to 80 characters"),
        (event("e1", name="exposure"), "events[1].experiment_key", "is required for exposure"),
        (event("e1", colour="red"), "events[1].colour", "is not a field of an event"),
        ("not an event", "events[1]", "must be a JSON object"),
    ],
)
def test_a_bad_event_is_rejected_naming_the_field_and_stores_nothing(store, bad, field, rule):
    result = ingest(store, [event("ok"), bad])
    assert result.accepted == 1 and result.duplicates == 0
    assert [r.index for r in result.rejected] == [1]
    assert result.rejected[0].reason.startswith(field + ":") and rule in result.rejected[0].reason
    assert set(stored(store)) == {"ok"}


def test_a_batch_over_1000_events_is_refused_whole(store):
    with pytest.raises(BatchError, match=r"events: must hold at most 1000 events \(got 1001\)"):
        ingest(store, [event(f"e{i}") for i in range(1001)])
    with pytest.raises(BatchError, match="events: must be a list"):
        ingest(store, {"events": []})
    assert store.row_count("events") == 0
    assert ingest(store, [event(f"e{i}") for i in range(1000)]).accepted == 1000


def test_duplicates_within_and_across_batches_are_counted_not_stored_twice(store):
    first = ingest(store, [event("e1", value=1), event("e2"), event("e1", value=2), event("e1", value=3)])
    assert (first.accepted, first.duplicates) == (2, 2)
    second = ingest(store, [event("e2"), event("e3"), event("e1", value=9)])
    assert (second.accepted, second.duplicates) == (1, 2)
    rows = stored(store)
    assert set(rows) == {"e1", "e2", "e3"}
    assert rows["e1"]["value"] == 1  # the first one stored is kept


@pytest.mark.parametrize("size", [3, 300])
def test_concurrent_batches_sharing_ids_store_each_event_once(store, size):
    batch = [event(f"e{i}", f"u{i % 7}") for i in range(size)]
    results = []
    threads = [threading.Thread(target=lambda: results.append(ingest(store, batch))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.accepted for r in results) == size
    assert sum(r.duplicates for r in results) == 3 * size
    assert store.row_count("events") == size


def test_exposure_variant_comes_from_the_assignment_function(store):
    running(store)
    users = [f"u{i}" for i in range(30)]
    batch = [event(exposure_event_id("red-banner", u), u, "exposure", experiment_key="red-banner") for u in users]
    batch.append(event("x1", "u0", "exposure", experiment_key="red-banner", variant="treatment"))  # not a field
    result = ingest(store, batch + batch[:3])
    assert (result.accepted, result.duplicates, len(result.rejected)) == (30, 3, 1)
    rows = stored(store)
    for user in users:
        row = rows[exposure_event_id("red-banner", user)]
        assert row["variant"] == assign("red-banner", user, ARMS)
    recorded = store.query("SELECT user_id, variant FROM assignments WHERE experiment_key = 'red-banner'")
    assert {r["user_id"]: r["variant"] for r in recorded} == {u: assign("red-banner", u, ARMS) for u in users}


@pytest.mark.parametrize(
    ("status", "allocation", "reason"),
    [
        ("draft", 100, "experiment 'red-banner' is draft; exposures need it running"),
        ("stopped", 100, "experiment 'red-banner' is stopped; exposures need it running"),
        ("running", 0.001, "is not in experiment 'red-banner' (outside its 0.001% traffic allocation)"),
        (None, 100, "events[0].experiment_key: unknown experiment 'red-banner'"),
    ],
)
def test_exposure_outside_a_running_experiment_is_rejected(store, status, allocation, reason):
    if status:
        running(store, allocation=allocation, status=status)
    result = ingest(store, [event("x", "u1", "exposure", experiment_key="red-banner")])
    assert result.accepted == 0 and reason in result.rejected[0].reason
    assert store.row_count("events") == store.row_count("assignments") == 0


def test_keyed_outcome_events_get_their_variant_and_keyless_ones_none(store):
    running(store, status="stopped")  # events trailing a stop are still attributed
    result = ingest(
        store,
        [event("c1", "u1", "banner_click", experiment_key="red-banner"), event("p1", "u1", "purchase", value=5)],
    )
    assert result.accepted == 2
    rows = stored(store)
    assert rows["c1"]["variant"] == assign("red-banner", "u1", ARMS)
    assert rows["p1"]["variant"] is None


def test_nothing_is_dropped_silently(store):
    running(store)
    rng = random.Random(5)
    makers = [
        lambda i: event(f"e{i}", f"u{i % 40}", rng.choice(list(tracking.EVENT_NAMES)[2:]), value=rng.random() * 20),
        lambda i: event(f"e{rng.randrange(i + 1)}", "u1"),  # often a repeat
        lambda i: event(f"e{i}", "u1", "nope"),
        lambda i: event(f"e{i}", "u1", "purchase", value=-rng.random()),
        lambda i: event(
            exposure_event_id("red-banner", f"u{i % 40}"), f"u{i % 40}", "exposure", experiment_key="red-banner"
        ),
        lambda i: {"name": "page_view"},
    ]
    total_accepted = 0
    for round_ in range(3):
        batch = [rng.choice(makers)(round_ * 1000 + i) for i in range(400)]
        result = ingest(store, batch)
        assert result.accepted + result.duplicates + len(result.rejected) == len(batch)
        assert all(r.reason.startswith(f"events[{r.index}]") for r in result.rejected)
        total_accepted += result.accepted
    assert store.row_count("events") == total_accepted


def test_track_shortcut_uses_the_deterministic_exposure_id(store):
    running(store)
    assert tracking.track(store, "u1", "exposure", experiment_key="red-banner").accepted == 1
    assert tracking.track(store, "u1", "exposure", experiment_key="red-banner").duplicates == 1
    assert tracking.track(store, "u1", "add_to_cart", value=12.0, props={"item_id": 3}).accepted == 1
    assert store.row_count("events") == 2
