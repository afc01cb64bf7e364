"""The run monitor on DuckDB and PostgreSQL: bucket counts, cumulative statistics and p-values over the looks, and
final values equal to the ``experiment_users`` mart built from the same data.
"""

import json
import math
from collections import Counter
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from marts import monitor
from marts.etl.build import build_all
from marts.metrics import METRICS
from marts.stats.sequential import SequentialConfig, always_valid_test
from marts.warehouse.generator import load
from shop import repository
from swarm import engine, runs
from swarm.history import generate
from swarm.runs import RunSpec
from swarm.switches import Switches

KEY = "monitor-test"
SPEC = {
    "key": KEY,
    "hypothesis": "A red banner with a discount lifts conversion.",
    "variants": [
        {"name": "control", "weight": 1},
        {"name": "treatment", "weight": 1, "config": {"banner_color": "red", "discount_pct": 15}},
    ],
}
ENGINE_USERS = 4_000
SENTINEL = "TRUTH-SENTINEL-7f3a"


@pytest.fixture
def running(store):
    """The store with a small warehouse and a running experiment."""
    load(store, generate(users=1_500, days=21, seed=5, end=date.today()))
    repository.create_experiment(store, SPEC)
    repository.start_experiment(store, KEY)
    return store


@pytest.fixture
def engine_run(running):
    """One engine run of a few thousand users, with the marts built from it."""
    result = engine.run_engine(running, KEY, users=ENGINE_USERS, seed=3, days=2)
    build_all(running)
    return running, result.run_id


def _mart(store, column: str) -> dict[str, dict[str, float]]:
    rows = store.query(
        f"SELECT variant, COUNT(*) AS n, SUM(CASE WHEN {column} > 0 THEN 1 ELSE 0 END) AS hits, "
        f"SUM({column}) AS total, SUM({column} * {column}) AS squares FROM experiment_users "
        "WHERE experiment_key = :key GROUP BY variant",
        {"key": KEY},
    )
    return {row["variant"]: {k: float(row[k]) for k in ("n", "hits", "total", "squares")} for row in rows}


def _buckets(moments: pd.Series, window: monitor.Window) -> pd.Series:
    seconds = (moments - window.origin).dt.total_seconds()
    return (seconds // window.width).clip(0, window.looks - 1).astype(int)


def test_an_engine_runs_curves_match_an_independent_count_at_every_look_and_the_mart_at_the_end(engine_run):
    store, run_id = engine_run
    result = monitor.monitor_run(store, run_id)
    window = result.window
    assert (result.run.kind, window.clock, result.metric.key) == ("engine", "calendar", "conversion")
    plan = json.loads(store.scalar("SELECT params FROM runs WHERE run_id = :r", {"r": run_id}))["plan"]
    # the run's two simulated days, in hourly looks: the calendar the Lab shows as day 1 and day 2
    assert (window.origin, window.width, window.looks) == (datetime.fromisoformat(plan["start"]), 3600, 48)

    events = store.frame("SELECT user_id, name, ts, experiment_key FROM events WHERE run_id = :r", {"r": run_id})
    assigned = store.frame("SELECT user_id, variant FROM assignments WHERE experiment_key = :k", {"k": KEY})
    exposed = events[events["name"] == "exposure"].groupby("user_id")["ts"].min().rename("first").reset_index()
    exposed = exposed.merge(assigned, on="user_id")
    exposed["entry"] = _buckets(exposed["first"], window)
    purchases = events[(events["name"] == "purchase") & (events["experiment_key"].isna())].merge(exposed, on="user_id")
    purchases = purchases[purchases["ts"] >= purchases["first"]]
    purchases["bucket"] = _buckets(purchases["ts"], window).clip(lower=purchases["entry"])
    converted = purchases.groupby(["user_id", "variant"])["bucket"].min().reset_index()

    mart = _mart(store, "purchases")
    for curve in result.curves:
        entries = Counter(exposed.loc[exposed["variant"] == curve.variant, "entry"])
        hits = Counter(converted.loc[converted["variant"] == curve.variant, "bucket"])
        n = conversions = 0
        for look, stats in enumerate(curve.stats):
            n, conversions = n + entries[look], conversions + hits[look]
            assert (stats.n, stats.sum, stats.sum_sq) == (n, conversions, conversions), (curve.variant, look)
        final = curve.stats[-1]
        assert (final.n, final.sum) == (mart[curve.variant]["n"], mart[curve.variant]["hits"])
        assert curve.values()[-1] == pytest.approx(mart[curve.variant]["hits"] / mart[curve.variant]["n"])

    assert sum(result.events) == len(events) == store.row_count("events")
    assert list(result.events) == [Counter(_buckets(events["ts"], window))[look] for look in range(window.looks)]
    assert result.assigned == dict(assigned["variant"].value_counts()) and sum(result.assigned.values()) == 4_000
    # a fair split: "caution" (p < 0.05) comes by chance one run in twenty; only a mismatch (p < 0.001) is a defect
    assert {result.srm.status, result.srm_assigned.status} <= {"ok", "caution"}


@pytest.mark.parametrize("metric_key", ["revenue_per_visitor", "items_viewed", "aov"])
def test_continuous_and_ratio_metrics_end_at_the_marts_sums(engine_run, metric_key):
    store, run_id = engine_run
    metric = METRICS[metric_key]
    run = monitor.read_run(store, run_id)
    curves = monitor.metric_curves(store, run, metric, monitor.run_window(store, run))
    mart = _mart(store, metric.numerator)
    denominators = _mart(store, metric.denominator) if metric.denominator else {}
    for curve in curves:
        final, expected = curve.stats[-1], mart[curve.variant]
        assert final.n == expected["n"]
        assert final.sum == pytest.approx(expected["total"], abs=0.01 * final.n)
        assert final.sum_sq == pytest.approx(expected["squares"], rel=1e-6)
        sums = [stats.sum for stats in curve.stats]
        assert sums == sorted(sums), "a cumulative sum went down"
        if metric.denominator:
            assert curve.denominators[-1] == denominators[curve.variant]["total"]
            assert curve.values()[-1] == pytest.approx(expected["total"] / denominators[curve.variant]["total"])
        else:
            assert curve.denominators == ()


def test_peeking_gives_naive_and_always_valid_p_at_every_look(engine_run):
    store, run_id = engine_run
    result = monitor.monitor_run(store, run_id)
    (peek,) = result.peeking
    assert (peek.variant, peek.control, len(peek.looks)) == ("treatment", "control", result.window.looks)
    assert peek.config == SequentialConfig(alpha=0.05, planned_units=ENGINE_USERS)
    valid = [look.p_value for look in peek.looks if look.p_value is not None]
    assert len(valid) > result.window.looks // 2
    assert valid == sorted(valid, reverse=True), "the always-valid p-value went up"
    control, treatment = result.curves[0].stats[-1], result.curves[1].stats[-1]
    single = always_valid_test(control, treatment, peek.config)
    assert peek.looks[-1].naive_p_value == pytest.approx(single.naive_p_value)
    assert peek.looks[-1].p_value <= single.p_value + 1e-12
    assert peek.naive_below() == [i for i, look in enumerate(peek.looks) if (look.naive_p_value or 1) < 0.05]


def test_an_exposure_bug_shows_as_srm_on_exposures_while_assignments_stay_clean(running):
    run_id = engine.run_engine(running, KEY, users=6_000, seed=8, days=1, switches=Switches(exposure_bug=0.6)).run_id
    result = monitor.monitor_run(running, run_id)
    assert result.srm_assigned.status == "ok"
    assert result.srm.status == "warning"
    assert result.exposed["treatment"] < result.assigned["treatment"]
    assert result.exposed["control"] == result.assigned["control"]


# ----- an HTTP-style run, bucketed by arrival, built by hand ------------------------------------------------------

T0 = datetime(2026, 11, 2, 10, 0, 0)
SIM = datetime(2026, 11, 1, 8, 0, 0)
RUN = "run-000000000001"
OTHER_RUN = "run-000000000002"
# (user, name, simulated seconds, received seconds after T0, experiment key, value, run)
EVENTS = [
    ("u1", "exposure", 0, 1.2, KEY, None, RUN),
    ("u1", "exposure", 60, 5.0, KEY, None, RUN),  # a second exposure: counted once
    ("u1", "purchase", 5, 0.5, None, 20.0, RUN),  # arrived before the exposure: counts at the exposure's bucket
    ("u2", "exposure", 0, 2.5, KEY, None, RUN),
    ("u2", "purchase", 9, 3.0, "another-test", 30.0, RUN),  # another experiment's: never counted
    ("u2", "purchase", -5, 4.0, None, 30.0, RUN),  # before the first exposure: pre-treatment
    ("u2", "page_view", 1, 4.5, None, None, RUN),
    ("u3", "exposure", 0, 3.1, KEY, None, RUN),
    ("u3", "purchase", 7, 6.7, KEY, 10.0, RUN),
    ("u3", "purchase", 9, 8.0, None, 5.0, RUN),  # a second order: no change in conversion, more revenue
    ("u4", "exposure", 0, 20.0, KEY, None, RUN),  # after the window: counts in the last bucket
    ("u5", "exposure", 0, 2.0, KEY, None, RUN),  # never assigned: skipped, as in the mart
    ("u6", "exposure", 0, 2.0, KEY, None, OTHER_RUN),  # another run's user
    ("u6", "purchase", 3, 2.2, None, 40.0, OTHER_RUN),
]
ASSIGNED = {"u1": "control", "u2": "control", "u3": "treatment", "u4": "treatment", "u6": "control"}


@pytest.fixture
def http_run(running):
    """A finished 10-second run with hand-made events; its truth column holds a sentinel."""
    store = running
    for run_id in (RUN, OTHER_RUN):
        store.execute(
            "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
            "events_sent, events_stored, truth, error, started_at, finished_at) VALUES (:run_id, :key, 'http', "
            "'completed', 0, '{}', 6, 6, 0, 0, :truth, NULL, :started, :finished)",
            {
                "run_id": run_id,
                "key": KEY,
                "truth": json.dumps({"secret": SENTINEL}),
                "started": T0,
                "finished": T0 + timedelta(seconds=10),
            },
        )
    store.bulk_insert(
        "assignments",
        pd.DataFrame(
            {
                "experiment_key": KEY,
                "user_id": list(ASSIGNED),
                "variant": list(ASSIGNED.values()),
                "assigned_at": T0,
                "run_id": [OTHER_RUN if user == "u6" else RUN for user in ASSIGNED],
            }
        ),
    )
    rows = [
        {
            "event_id": f"e{index}",
            "user_id": user,
            "name": name,
            "ts": SIM + timedelta(seconds=sim),
            "experiment_key": key,
            "variant": None,
            "value": value,
            "props": None,
            "run_id": run_id,
            "received_at": T0 + timedelta(seconds=received),
        }
        for index, (user, name, sim, received, key, value, run_id) in enumerate(EVENTS)
    ]
    store.bulk_insert("events", pd.DataFrame(rows))
    return store


def test_an_http_run_is_bucketed_by_arrival_with_the_marts_attribution(http_run):
    result = monitor.monitor_run(http_run, RUN)
    window = result.window
    assert (window.clock, window.origin, window.width, window.looks) == ("received", T0, 1, 10)
    control, treatment = result.curves
    assert [s.n for s in control.stats] == [0, 1, 2, 2, 2, 2, 2, 2, 2, 2]
    assert [s.sum for s in control.stats] == [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert [s.n for s in treatment.stats] == [0, 0, 0, 1, 1, 1, 1, 1, 1, 2]
    assert [s.sum for s in treatment.stats] == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    expected = Counter(min(int(received), 9) for _, _, _, received, _, _, run in EVENTS if run == RUN)
    assert list(result.events) == [expected[look] for look in range(10)]
    assert result.assigned == {"control": 2, "treatment": 2}


def test_revenue_accumulates_per_user_so_its_sum_of_squares_is_exact_at_every_look(http_run):
    run = monitor.read_run(http_run, RUN)
    window = monitor.run_window(http_run, run)
    control, treatment = monitor.metric_curves(http_run, run, METRICS["revenue_per_visitor"], window)
    assert [(s.sum, s.sum_sq) for s in control.stats][1:3] == [(20.0, 400.0), (20.0, 400.0)]
    assert [(s.sum, s.sum_sq) for s in treatment.stats][5:] == [(0, 0), (10, 100), (10, 100), (15, 225), (15, 225)]


def test_a_live_run_is_bucketed_up_to_now_and_later_arrivals_land_in_the_last_look(http_run):
    http_run.execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE run_id = :r", {"r": RUN})
    result = monitor.monitor_run(http_run, RUN, now=T0 + timedelta(seconds=4.5))
    assert (result.window.looks, result.window.width, result.window.end) == (5, 1, T0 + timedelta(seconds=4.5))
    assert [s.n for s in result.curves[1].stats] == [0, 0, 0, 1, 2]  # u4 arrived "later", in the last look
    assert sum(result.events) == sum(1 for event in EVENTS if event[-1] == RUN)
    assert result.window.look_end(4) == T0 + timedelta(seconds=4.5)


def test_the_monitor_never_carries_the_runs_ground_truth(http_run):
    result = monitor.monitor_run(http_run, RUN)
    assert SENTINEL not in repr(result)
    assert not any("truth" in name for name in monitor.MonitoredRun.__dataclass_fields__)


def test_an_unknown_run_is_named(store):
    with pytest.raises(monitor.MonitorError, match="run 'run-missing' does not exist"):
        monitor.monitor_run(store, "run-missing")


def test_a_run_without_events_has_empty_curves_and_no_verdicts(running):
    running.execute(
        "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
        "events_sent, events_stored, truth, error, started_at, finished_at) VALUES ('run-empty', :key, 'http', "
        "'running', 0, '{}', 10, 0, 0, 0, NULL, NULL, :started, NULL)",
        {"key": KEY, "started": T0},
    )
    result = monitor.monitor_run(running, "run-empty", now=T0 + timedelta(seconds=3))
    assert [curve.stats[-1].n for curve in result.curves] == [0, 0]
    assert result.srm.status == result.srm_assigned.status == "unavailable"
    assert all(look.p_value is None and look.error is not None for look in result.peeking[0].looks)
    assert math.isclose(sum(result.events), 0)


def test_a_look_reads_one_snapshot_and_postgres_compiles_nothing(store):
    with monitor.snapshot(store) as reader:
        assert reader.query("SELECT COUNT(*) AS n FROM runs") == [{"n": 0}]
        if store.backend == "postgres":
            assert reader.query("SHOW jit") == [{"jit": "off"}]
            assert reader.query("SHOW transaction_isolation") == [{"transaction_isolation": "repeatable read"}]


def test_a_watched_run_reads_on_the_same_calendar_as_a_fast_forwarded_one(running):
    spec = RunSpec(
        "run-calendar0001", KEY, agents=10, concurrency=1, seed=0, days=5, think_time=0.0, switches=Switches()
    )
    watched = monitor.monitor_run(running, runs.create_run(running, spec).run_id)
    forwarded = monitor.monitor_run(running, engine.run_engine(running, KEY, users=300, seed=1, days=5).run_id)
    for result in (watched, forwarded):
        assert (result.window.clock, result.window.width, result.window.looks) == ("calendar", 10800, 40)
        assert result.window.end - result.window.origin == timedelta(days=5)
    assert abs(watched.window.origin - forwarded.window.origin) < timedelta(minutes=5)  # both end when they were made
