"""The ship rule and the run monitor read the builder's plan: short of the planned sample, an undecided verdict is
"keep running", never "inconclusive: the planned sample is in"; DuckDB and PostgreSQL."""

from datetime import datetime

import pandas as pd
import pytest

from marts.monitor import read_run
from marts.stats.orchestrator import horizon_reached
from novarium_app.lab.recording import analyse, planned_units
from shop import repository
from tests.storage.swarm_app import run_row, running_experiment

KEY = "planned-exp"
DAY = datetime(2026, 3, 2, 10)


def _exposed(store, users: int) -> None:
    """``users`` exposed users, alternating control and treatment, a purchase every third."""
    ids = [f"u{i}" for i in range(users)]
    assignments = pd.DataFrame(
        {"experiment_key": KEY, "user_id": ids, "variant": ["control", "treatment"] * (users // 2)}
    )
    assignments["assigned_at"] = DAY
    store.bulk_insert("assignments", assignments)
    events = [(f"x{i}", uid, "exposure", None, KEY) for i, uid in enumerate(ids)]
    events += [(f"p{i}", uid, "purchase", 20.0, None) for i, uid in enumerate(ids) if i % 3 == 0]
    frame = pd.DataFrame(events, columns=["event_id", "user_id", "name", "value", "experiment_key"])
    frame["ts"] = frame["received_at"] = DAY
    store.bulk_insert("events", frame)


@pytest.mark.parametrize(("per_variant", "verdict"), [(5_000, "keep_running"), (20, "inconclusive")])
def test_the_verdict_knows_whether_the_planned_sample_is_in(store, per_variant, verdict):
    design = {"alpha": 0.05, "power": 0.8, "planned_n_per_variant": per_variant, "planned_n_total": 2 * per_variant}
    running_experiment(store, KEY, design=design)
    _exposed(store, 40)
    record = repository.get_experiment(store, KEY)
    assert planned_units(record) == 2 * per_variant
    decision = analyse(store, record).to_dict()["decisions"][0]
    assert decision["verdict"] == verdict
    said = " ".join(decision["reasons"])
    assert ("the planned sample is in" in said) == (verdict == "inconclusive")


@pytest.mark.parametrize(("design", "planned"), [({"planned_n_per_variant": 96_837}, 96_837), ({}, None)])
def test_the_run_monitor_reads_the_plan_from_the_stored_design(store, design, planned):
    running_experiment(store, KEY, design=design)
    run_row(store, "run-1", KEY)
    assert read_run(store, "run-1").planned_per_variant == planned


def test_the_planned_sample_is_in_only_when_every_arm_holds_its_share(store):
    """41 users against a plan of 20 per variant: 21 + 20 are in, 22 + 19 are not (though 41 >= 40), as the users
    tile and the retrospective say it (the smallest variant against the plan)."""
    design = {"planned_n_per_variant": 20, "planned_n_total": 40}
    running_experiment(store, KEY, design=design)
    _exposed(store, 40)
    extra = pd.DataFrame({"experiment_key": [KEY], "user_id": ["late"], "variant": ["control"], "assigned_at": [DAY]})
    store.bulk_insert("assignments", extra)
    exposure = pd.DataFrame(
        {"event_id": ["x-late"], "user_id": ["late"], "name": ["exposure"], "value": [None], "experiment_key": [KEY]}
    )
    exposure["ts"] = exposure["received_at"] = DAY
    store.bulk_insert("events", exposure)
    readout = analyse(store, repository.get_experiment(store, KEY)).to_dict()
    assert readout["srm"]["observed"] == {"control": 21, "treatment": 20}
    assert readout["decisions"][0]["verdict"] == "inconclusive"
    assert horizon_reached(21, 20, 40) and not horizon_reached(22, 19, 40)
    assert horizon_reached(0, 0, None)
