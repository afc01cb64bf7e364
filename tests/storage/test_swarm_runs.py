"""The ``runs`` table functions on DuckDB and on PostgreSQL: creation rules, rosters, updates and resumption."""

from datetime import UTC, datetime, timedelta

import pytest

from shop import adoptions, cache, repository
from swarm import runs
from swarm.agent_ids import AgentEventId, parse_agent_event_id
from swarm.crowd import crowd_rng, draw_crowd
from swarm.personas import default_mix
from swarm.switches import Switches
from swarm.world import world_of
from tests.storage.swarm_app import running_experiment, seed_users

KEY = "swarm-exp"


def spec(run_id: str = "run-a", **changes) -> runs.RunSpec:
    base = {
        "run_id": run_id,
        "experiment_key": KEY,
        "agents": 10,
        "concurrency": 4,
        "seed": 1,
        "days": 1,
        "think_time": 0.0,
        "switches": Switches(),
    }
    return runs.RunSpec(**(base | changes))


@pytest.fixture
def experiment(store):
    return running_experiment(store, KEY)


def test_a_new_run_is_running_with_its_plan_the_worlds_arrivals_and_its_newcomers(store, experiment):
    seed_users(store, 10)
    row = runs.create_run(store, spec(switches=Switches(bot_share=0.1, seasonality=True), days=7))
    assert (row.status, row.agents_planned, row.agents_done, row.events_sent) == ("running", 10, 0, 0)
    assert row.params["mix"] == default_mix()  # the world's arrivals, which the warehouse was generated from
    newcomers = store.frame("SELECT user_id FROM users WHERE user_id LIKE 'run-a-%'")
    plan = row.plan(world_of(store))
    crowd = draw_crowd("run-a", plan, runs.roster(store, "run-a"), 10, crowd_rng(row.seed))
    expected = {u for u, known in zip(crowd.user_ids, crowd.from_warehouse, strict=True) if not known}
    assert expected and set(newcomers["user_id"]) == expected  # the agents who are not warehouse users
    assert plan.world == world_of(store) and not plan.world.nominal
    assert plan.days == 7 and plan.switches.bot_share == 0.1 and plan.mix["bot"] == pytest.approx(0.1)
    assert [arm.config for arm in plan.arms] == [{}, {"banner_color": "red", "discount_pct": 10}]
    assert store.scalar("SELECT truth FROM runs WHERE run_id = 'run-a'") is not None


def test_an_adopted_config_is_part_of_the_served_variants(store, experiment):
    repository.stop_experiment(store, KEY)
    running_experiment(
        store,
        "other",
        variants=[
            {"name": "a", "weight": 1, "config": {"show_ratings": False}},
            {"name": "b", "weight": 1, "config": {}},
        ],
    )
    adoptions.adopt(store, "other", "a")
    repository.stop_experiment(store, "other")
    repository.start_experiment(store, KEY)
    cache.invalidate(store)
    plan = runs.create_run(store, spec()).plan(world_of(store))
    assert [arm.config for arm in plan.arms] == [
        {"show_ratings": False},
        {"show_ratings": False, "banner_color": "red", "discount_pct": 10},
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"agents": 0}, "agents: must be from 1"),
        ({"concurrency": 0}, "concurrency: must be from 1"),
        ({"think_time": 61.0}, "think_time: must be from 0 to 60"),
        ({"ends_at": datetime.now(UTC) + timedelta(hours=1)}, "ends_at: must not be in the future"),
        ({"switches": Switches(exposure_bug=0.2, exposure_bug_variant="nope")}, "exposure_bug_variant: unknown"),
    ],
)
def test_invalid_specs_are_refused_naming_the_field(store, experiment, changes, message):
    with pytest.raises(ValueError, match=message):
        runs.create_run(store, spec(**changes))
    assert store.row_count("runs") == 0


def test_a_run_id_is_used_once(store, experiment):
    runs.create_run(store, spec())
    with pytest.raises(runs.RunStateError, match="run_id: a run 'run-a' already exists"):
        runs.create_run(store, spec())


def test_the_roster_skips_users_another_run_put_in_the_experiment(store, experiment):
    users = seed_users(store, 12)
    runs.create_run(store, spec("run-a", agents=20))
    runs.create_run(store, spec("run-b", agents=20))
    store.execute(
        "INSERT INTO assignments (experiment_key, user_id, variant, assigned_at, run_id) VALUES "
        "(:k, 'w00000', 'control', :t, 'run-a'), (:k, 'w00001', 'control', :t, 'run-b')",
        {"k": KEY, "t": datetime(2026, 1, 2)},
    )
    first, again = runs.roster(store, "run-a"), runs.roster(store, "run-a")
    assert first == again and "w00000" in first.user_ids and "w00001" not in first.user_ids
    assert len(first.user_ids) == 11 and set(first.user_ids) < set(users)
    assert first.user_ids != sorted(first.user_ids)  # a seeded shuffle, not the table order
    assert [p for u, p in zip(first.user_ids, first.personas, strict=True) if u == "w00005"] == ["impulsive"]


def test_updates_listing_and_resumable_statuses(store, experiment):
    runs.create_run(store, spec("run-a"))
    runs.create_run(store, spec("run-b"))
    finished = datetime(2026, 11, 1, 12)
    row = runs.update_run(store, "run-a", runs.RunUpdate("completed", 10, 50, 48, None, finished))
    assert (row.status, row.agents_done, row.events_sent, row.events_stored, row.finished_at) == (
        "completed",
        10,
        50,
        48,
        finished,
    )
    assert {r.run_id for r in runs.list_runs(store, KEY)} == {"run-a", "run-b"}
    assert runs.list_runs(store, "another") == []
    with pytest.raises(runs.RunStateError, match="run 'run-a' is completed; only stopped, interrupted, failed"):
        runs.reopen_run(store, "run-a")
    with pytest.raises(runs.RunNotFound, match="run 'nope' does not exist"):
        runs.update_run(store, "nope", runs.RunUpdate("stopped", 0, 0, 0))
    with pytest.raises(ValueError, match="status: must be one of"):
        runs.RunUpdate("paused", 0, 0, 0)
    assert runs.mark_interrupted(store) == 1 and runs.get_run(store, "run-b").status == "interrupted"
    reopened, done = runs.reopen_run(store, "run-b")
    assert reopened.status == "running" and reopened.finished_at is None and done.agents == frozenset()


def test_ranges_round_trip():
    indexes = {0, 1, 2, 5, 7, 8}
    assert runs.to_ranges(indexes) == [(0, 3), (5, 6), (7, 9)]
    assert runs.from_ranges(runs.to_ranges(indexes)) == indexes
    assert parse_agent_event_id("run-x", f"run-x:41:7{runs.LAST_SUFFIX}", 42) == AgentEventId(41, 7, True)
    assert parse_agent_event_id("run-x", "run-x:41:0", 42) == AgentEventId(41, 0, False)
