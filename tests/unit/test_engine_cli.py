"""``novarium simulate``: runs the engine on the configured database, prints a summary and never the truth."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from marts.storage import open_store
from novarium_app.commands.simulate import parse_mix
from shop import repository
from swarm.plan import Plan
from swarm.truth import ground_truth
from swarm.world import world_of

NOVARIUM = Path(sys.executable).with_name("novarium")
SPEC = {
    "key": "red-banner",
    "hypothesis": "A red hero banner draws more clicks than the orange one.",
    "variants": [
        {"name": "control", "weight": 1},
        {"name": "treatment", "weight": 1, "config": {"banner_color": "red"}},
    ],
}


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(NOVARIUM_DATA_DIR=str(tmp_path / "data"), COLUMNS="200")
    return subprocess.run([str(NOVARIUM), "simulate", *args], capture_output=True, text=True, env=env, timeout=120)


def test_simulate_stores_a_run_and_keeps_the_truth_hidden(tmp_path):
    store = open_store(None, tmp_path / "data")
    repository.create_experiment(store, SPEC)
    repository.start_experiment(store, SPEC["key"])
    store.close()
    result = run(
        tmp_path,
        "--experiment",
        "red-banner",
        "--users",
        "3000",
        "--seed",
        "2",
        "--days",
        "2",
        "--bot-share",
        "0.1",
        "--novelty",
        "1",
        "--seasonality",
        "--exposure-bug",
        "0.2",
        "--mix",
        "impulsive=1,rational=1",
    )
    assert result.returncode == 0, result.stderr
    assert "3,000 users" in result.stdout and "treatment" in result.stdout
    assert "truth" not in result.stdout.lower() and "effect" not in result.stdout.lower()
    store = open_store(None, tmp_path / "data")
    try:
        run_row = store.query("SELECT kind, status, params, truth FROM runs")[0]
        assert (run_row["kind"], run_row["status"]) == ("engine", "completed")
        params = json.loads(run_row["params"])
        assert params["mix_source"] == "caller" and params["switches"]["seasonality"] is True
        assert params["mix"] == {"impulsive": 1.0, "rational": 1.0}
        assert set(params["plan"]["mix"]) == {"impulsive", "rational", "bot"}
        assert params["result"]["users"] == 3_000
        truth = json.loads(run_row["truth"])
        assert truth["state"] == "analytic"
        # the truth of the database's own world, which the run's plan names
        world = world_of(store)
        assert params["plan"]["world"] == world.world_id is not None
        assert truth == ground_truth(Plan.from_dict(params["plan"], world)).to_dict()
        assert store.row_count("assignments") == 3_000
    finally:
        store.close()


def test_bad_input_is_one_line_on_stderr(tmp_path):
    for args, fragment in [
        (["--experiment", "nope", "--users", "10"], "experiment 'nope' does not exist"),
        (["--experiment", "nope", "--users", "10", "--mix", "impulsive"], "--mix: 'impulsive' must be persona=share"),
    ]:
        result = run(tmp_path, *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr, result.stderr


def test_parse_mix():
    assert parse_mix(None) is None
    assert parse_mix("impulsive=0.3, rational=0.7") == {"impulsive": 0.3, "rational": 0.7}
    with pytest.raises(ValueError, match="--mix: 'rational=lots' must be persona=share"):
        parse_mix("impulsive=1,rational=lots")


def test_without_users_or_days_a_run_plays_the_plans_days_of_traffic(tmp_path):
    store = open_store(None, tmp_path / "data")
    spec = {**SPEC, "design": {"days": 3, "planned_n_per_variant": 500}}
    repository.create_experiment(store, spec)
    repository.start_experiment(store, SPEC["key"])
    store.close()
    result = run(tmp_path, "--experiment", "red-banner", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert "3 days" in result.stdout
    store = open_store(None, tmp_path / "data")
    try:
        params = json.loads(store.query("SELECT params FROM runs")[0]["params"])
        plan = Plan.from_dict(params["plan"], world_of(store))
        assert (params["days"], plan.days) == (3, 3)
        expected = round(plan.expected_visitors(params["arrivals_per_day"]))
        assert abs(params["users"] - expected) <= 1  # what three days bring, not a fixed count
    finally:
        store.close()
