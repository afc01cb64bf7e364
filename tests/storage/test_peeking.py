"""The learner's results views and the peeking report, on DuckDB and on PostgreSQL, and the step-4 upgrade."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from marts import schema
from marts.peeking import peeking_alpha, peeking_report, record_results_view, views_by_experiment
from marts.storage import migrations, open_store
from shop import repository

SPEC = {
    "key": "red-banner",
    "hypothesis": "A red banner makes more visitors order tonight.",
    "variants": [
        {"name": "control", "weight": 50, "config": {}},
        {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
    ],
}


def _start(store, key: str = "red-banner", knobs: dict | None = None) -> datetime:
    variants = [SPEC["variants"][0], {"name": "treatment", "weight": 50, "config": knobs or {"banner_color": "red"}}]
    repository.create_experiment(store, SPEC | {"key": key, "variants": variants})
    return repository.start_experiment(store, key).started_at


def _running_run(store, run_id: str, key: str, started_at: datetime) -> None:
    store.execute(
        "INSERT INTO runs (run_id, experiment_key, kind, status, seed, params, agents_planned, agents_done, "
        "events_sent, events_stored, started_at) VALUES (:run_id, :key, 'swarm', 'running', 1, '{}', 10, 0, 0, 0, :at)",
        {"run_id": run_id, "key": key, "at": started_at},
    )


def test_views_are_recorded_and_listed_per_experiment_oldest_first(store):
    base = datetime(2026, 5, 1, 9, 0)
    record_results_view(store, "b-exp", viewed_at=base + timedelta(hours=2))
    record_results_view(store, "a-exp", viewed_at=base + timedelta(hours=1))
    record_results_view(store, "b-exp", viewed_at=base)
    assert views_by_experiment(store) == {
        "a-exp": [base + timedelta(hours=1)],
        "b-exp": [base, base + timedelta(hours=2)],
    }
    assert store.row_count("results_views") == 3
    ids = {row["view_id"] for row in store.query("SELECT view_id FROM results_views")}
    assert len(ids) == 3


def test_a_view_remembers_the_run_that_was_sending_data(store):
    started = _start(store)
    _running_run(store, "run-1", "red-banner", started)
    record_results_view(store, "red-banner")
    store.execute("UPDATE runs SET status = 'completed' WHERE run_id = 'run-1'")
    record_results_view(store, "red-banner")
    runs = [row["run_id"] for row in store.query("SELECT run_id FROM results_views ORDER BY viewed_at")]
    assert runs == ["run-1", None]


@pytest.mark.parametrize("key", ["", "   ", "x" * 81])
def test_a_bad_experiment_key_is_refused_and_stores_nothing(store, key):
    with pytest.raises(ValueError, match="experiment_key: must be 1 to 80 characters"):
        record_results_view(store, key)
    assert store.row_count("results_views") == 0


def test_report_counts_looks_while_running_and_the_alpha_they_imply(store):
    _start(store)
    _start(store, "never-viewed", {"discount_pct": 10})
    repository.create_experiment(store, SPEC | {"key": "draft-only"})
    repository.stop_experiment(store, "red-banner")
    started, stopped = datetime(2026, 5, 1, 9, 0), datetime(2026, 5, 1, 19, 0)
    store.execute(
        "UPDATE experiments SET started_at = :a, stopped_at = :b WHERE key = 'red-banner'", {"a": started, "b": stopped}
    )
    looks = [started + timedelta(hours=hour) for hour in (1, 2, 3, 4)]
    record_results_view(store, "red-banner", viewed_at=started - timedelta(hours=1))  # before the start: no look
    for moment in looks:
        record_results_view(store, "red-banner", viewed_at=moment)
    record_results_view(store, "red-banner", viewed_at=looks[-1] + timedelta(seconds=30))  # a reload: same look
    record_results_view(store, "red-banner", viewed_at=started + timedelta(hours=5), run_id="run-9")  # mid-run
    record_results_view(store, "red-banner", viewed_at=stopped + timedelta(hours=1))  # after the stop: no look

    report = {row.key: row for row in peeking_report(store, alpha=0.05)}
    assert set(report) == {"red-banner", "never-viewed"}  # a draft was never running
    peeked = report["red-banner"]
    assert (peeked.views, peeked.looks, peeked.mid_run_looks, peeked.status) == (8, 5, 1, "stopped")
    assert peeked.implied_alpha == pytest.approx(peeking_alpha(5, 0.05))
    assert peeked.implied_alpha == pytest.approx(0.142, abs=0.01)
    assert peeked.inflation == pytest.approx(peeked.implied_alpha / 0.05)
    untouched = report["never-viewed"]
    assert (untouched.views, untouched.looks, untouched.implied_alpha) == (0, 0, pytest.approx(0.05))
    record_results_view(store, "never-viewed")  # running: a look now counts
    assert {row.key: row.looks for row in peeking_report(store)}["never-viewed"] == 1


def test_report_is_empty_on_a_fresh_database(store):
    assert peeking_report(store) == []
    assert views_by_experiment(store) == {}


def test_a_version_3_database_upgrades_in_place_and_keeps_its_rows(database_url, tmp_path: Path):
    data_dir = tmp_path / "data"
    old = open_store(database_url, data_dir, upgrade=False)
    assert migrations.upgrade(old.engine, target=3) == [1, 2, 3]
    assert old.table_columns("results_views") == []
    started = _start(old)
    old.execute(
        "INSERT INTO mart_builds (mart, built_at, row_count, seconds) VALUES ('daily_metrics', :at, 90, 0.5)",
        {"at": started},
    )
    old.close()

    upgraded = open_store(database_url, data_dir)
    try:
        assert upgraded.scalar("SELECT max(version) FROM schema_migrations") == migrations.LATEST
        assert upgraded.scalar("SELECT description FROM schema_migrations WHERE version = 4") == (
            "peeking: results_views"
        )
        assert set(upgraded.table_columns("results_views")) == set(schema.results_views.c.keys())
        assert repository.get_experiment(upgraded, "red-banner").started_at == started
        assert upgraded.row_count("mart_builds") == 1
        record_results_view(upgraded, "red-banner", viewed_at=started + timedelta(minutes=5))
        assert peeking_report(upgraded, now=started + timedelta(hours=1))[0].looks == 1
        assert migrations.upgrade(upgraded.engine) == []
    finally:
        upgraded.close()
