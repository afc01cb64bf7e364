"""Experiments persistence, transitions, visitor resolution and adoptions, on DuckDB and on PostgreSQL."""

import pytest

from shop import adoptions, cache, repository
from shop.assignment import assign
from shop.experiments import SpecError
from shop.knobs import DEFAULTS
from shop.visitors import resolve_visitor


def spec(key: str = "red-banner", **changes) -> dict:
    """A valid JSON spec; ``changes`` replace top-level fields."""
    base = {
        "key": key,
        "hypothesis": "A red hero banner draws more clicks than the orange one.",
        "allocation": 100,
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
        ],
        "primary_metric": "conversion",
        "secondary_metrics": ["banner_ctr"],
        "guardrails": [{"metric": "aov", "margin": 0.05}],
    }
    return base | changes


def two_arms(config: dict, key: str) -> dict:
    return spec(key, variants=[{"name": "a", "weight": 1, "config": {}}, {"name": "b", "weight": 1, "config": config}])


def test_create_get_and_list_round_trip(store):
    created = repository.create_experiment(store, spec(salt="s1", design={"mde": 0.02}))
    assert created.status == "draft" and created.started_at is None
    assert created.control == "control"
    assert [(v.name, v.weight, v.config) for v in created.variants] == [
        ("control", 50.0, {}),
        ("treatment", 50.0, {"banner_color": "red"}),
    ]
    assert created.secondary_metrics == ["banner_ctr"]
    assert created.guardrails == [{"metric": "aov", "margin": 0.05, "margin_type": "relative"}]
    assert created.design["design"] == {"mde": 0.02}
    assert repository.get_experiment(store, "red-banner") == created
    repository.create_experiment(store, spec("big-discount", variants=spec()["variants"][::-1]))
    assert [e.key for e in repository.list_experiments(store)] == ["red-banner", "big-discount"]
    assert repository.list_experiments(store)[1].control == "treatment"
    again = repository.create_experiment(store, created.to_spec() | {"key": "red-banner-2"})
    assert again.variants == created.variants and again.salt == "s1"


def test_a_failing_spec_stores_nothing_and_names_every_field(store):
    bad = spec(variants=[{"name": "control", "weight": 0, "config": {"banner_color": "pink", "sparkles": True}}])
    with pytest.raises(SpecError) as error:
        repository.create_experiment(store, bad)
    text = str(error.value)
    for fragment in ("variants[0].weight", "variants: must have 2 to 4", "banner_color", "sparkles: unknown knob"):
        assert fragment in text
    assert store.row_count("experiments") == store.row_count("variants") == 0


def test_create_is_atomic_when_the_variants_fail(store, monkeypatch):
    def broken(conn, parsed):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repository, "_insert_variants", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        repository.create_experiment(store, spec())
    assert store.row_count("experiments") == 0


def test_duplicate_key_is_reported_with_the_other_problems(store):
    repository.create_experiment(store, spec())
    with pytest.raises(SpecError) as error:
        repository.create_experiment(store, spec())
    assert error.value.problems == ["key: an experiment named 'red-banner' already exists"]
    with pytest.raises(SpecError) as error:
        repository.create_experiment(store, spec(hypothesis="short"))
    assert error.value.problems[0] == "key: an experiment named 'red-banner' already exists"
    assert any(p.startswith("hypothesis:") for p in error.value.problems)
    assert store.row_count("experiments") == 1 and store.row_count("variants") == 2


def test_transitions_follow_the_table(store):
    repository.create_experiment(store, spec())
    with pytest.raises(repository.TransitionError, match="'red-banner' cannot stop: it is draft"):
        repository.stop_experiment(store, "red-banner")
    started = repository.start_experiment(store, "red-banner")
    assert started.status == "running" and started.started_at is not None
    with pytest.raises(repository.TransitionError, match="start applies only to draft or stopped"):
        repository.start_experiment(store, "red-banner")
    with pytest.raises(repository.TransitionError, match="complete applies only to stopped"):
        repository.complete_experiment(store, "red-banner")
    stopped = repository.stop_experiment(store, "red-banner")
    assert stopped.status == "stopped" and stopped.stopped_at is not None
    resumed = repository.start_experiment(store, "red-banner")
    assert resumed.status == "running" and resumed.started_at == started.started_at and resumed.stopped_at is None
    repository.stop_experiment(store, "red-banner")
    assert repository.complete_experiment(store, "red-banner").status == "completed"
    for move in (repository.start_experiment, repository.stop_experiment, repository.complete_experiment):
        with pytest.raises(repository.TransitionError, match="it is completed"):
            move(store, "red-banner")
    with pytest.raises(repository.ExperimentNotFound, match="experiment 'nope' does not exist"):
        repository.start_experiment(store, "nope")


def test_starting_refuses_a_knob_another_running_experiment_sets(store):
    repository.create_experiment(store, spec())
    repository.create_experiment(store, two_arms({"banner_color": "green", "discount_pct": 10}, "green-deal"))
    repository.create_experiment(store, two_arms({"discount_pct": 5}, "small-deal"))
    repository.start_experiment(store, "red-banner")
    with pytest.raises(
        repository.KnobConflict, match="knob 'banner_color' is already set by running experiment 'red-banner'"
    ):
        repository.start_experiment(store, "green-deal")
    assert repository.start_experiment(store, "small-deal").status == "running"  # a different knob is fine
    repository.stop_experiment(store, "red-banner")
    with pytest.raises(
        repository.KnobConflict, match="'discount_pct' is already set by running experiment 'small-deal'"
    ):
        repository.start_experiment(store, "green-deal")
    assert repository.get_experiment(store, "green-deal").status == "draft"


def test_resolve_visitor_is_sticky_and_records_each_assignment_once(store):
    repository.create_experiment(store, spec())
    repository.create_experiment(store, two_arms({"discount_pct": 10}, "deal"))
    assert resolve_visitor(store, "v1").assignments == ()  # nothing runs: nothing recorded
    assert store.row_count("assignments") == 0
    repository.start_experiment(store, "red-banner")
    repository.start_experiment(store, "deal")
    users = [f"v{i}" for i in range(40)]
    first = {u: resolve_visitor(store, u, run_id="r1") for u in users}
    for user in users:
        again = resolve_visitor(store, user)
        assert again == first[user]
        expected = assign("red-banner", user, [("control", 50), ("treatment", 50)])
        assert again.variant("red-banner") == expected
        assert again.config["banner_color"] == ("red" if expected == "treatment" else DEFAULTS["banner_color"])
        assert again.config["discount_pct"] == (10 if again.variant("deal") == "b" else 0)
    rows = store.query("SELECT experiment_key, user_id, variant, run_id FROM assignments")
    assert len(rows) == 2 * len(users)
    assert {(r["experiment_key"], r["user_id"]): r["variant"] for r in rows} == {
        (key, u): view.variant(key) for u, view in first.items() for key in ("red-banner", "deal")
    }
    assert {r["run_id"] for r in rows} == {"r1"}
    with pytest.raises(ValueError, match="user_id"):
        resolve_visitor(store, "")
    with pytest.raises(ValueError, match="run_id"):
        resolve_visitor(store, "v1", run_id="r" * 41)


def test_adoption_is_visible_at_once_and_rollback_restores(store):
    repository.create_experiment(store, spec())
    with pytest.raises(adoptions.AdoptionError, match="draft"):
        adoptions.adopt(store, "red-banner", "treatment")
    repository.start_experiment(store, "red-banner")
    repository.stop_experiment(store, "red-banner")
    assert resolve_visitor(store, "v1").config == dict(DEFAULTS)  # warms the cache
    adoption = adoptions.adopt(store, "red-banner", "treatment", note="ship it")
    assert adoption.config == {"banner_color": "red"} and adoption.active
    assert resolve_visitor(store, "v1").config["banner_color"] == "red"
    rolled = adoptions.rollback_adoption(store, adoption.adoption_id)
    assert rolled.rolled_back_at is not None
    assert resolve_visitor(store, "v1").config["banner_color"] == DEFAULTS["banner_color"]
    assert [a.adoption_id for a in adoptions.list_adoptions(store)] == [adoption.adoption_id]  # kept forever
    with pytest.raises(adoptions.AdoptionError, match="already rolled back"):
        adoptions.rollback_adoption(store, adoption.adoption_id)
    with pytest.raises(adoptions.AdoptionNotFound):
        adoptions.rollback_adoption(store, "nope")
    with pytest.raises(adoptions.AdoptionError, match="variant: experiment 'red-banner' has no variant 'blue'"):
        adoptions.adopt(store, "red-banner", "blue")


def test_adopted_config_merges_active_adoptions_in_order(store):
    for key, config in (("one", {"banner_color": "red", "discount_pct": 5}), ("two", {"banner_color": "green"})):
        repository.create_experiment(store, two_arms(config, key))
        repository.start_experiment(store, key)
        repository.stop_experiment(store, key)
    first = adoptions.adopt(store, "one", "b")
    second = adoptions.adopt(store, "two", "b")
    assert adoptions.adopted_config(store) == {"banner_color": "green", "discount_pct": 5}
    adoptions.rollback_adoption(store, second.adoption_id)
    assert adoptions.adopted_config(store) == {"banner_color": "red", "discount_pct": 5}
    adoptions.rollback_adoption(store, first.adoption_id)
    assert adoptions.adopted_config(store) == {}


def test_visitors_in_a_running_experiment_see_their_variant_over_the_adopted_config(store):
    repository.create_experiment(store, two_arms({"banner_color": "blue"}, "old"))
    repository.start_experiment(store, "old")
    repository.stop_experiment(store, "old")
    adoptions.adopt(store, "old", "b")
    repository.create_experiment(store, spec(allocation=50))
    repository.start_experiment(store, "red-banner")
    seen = {}
    for user in (f"v{i}" for i in range(60)):
        view = resolve_visitor(store, user)
        expected = {"treatment": "red", "control": "blue", None: "blue"}[view.variant("red-banner")]
        assert view.config["banner_color"] == expected
        seen[view.variant("red-banner")] = True
    assert set(seen) == {"control", "treatment", None}


def test_writes_from_another_process_show_up_after_the_ttl(store, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cache, "clock", lambda: now[0])
    repository.create_experiment(store, spec())
    repository.start_experiment(store, "red-banner")
    assert resolve_visitor(store, "v1").assignments
    store.execute("UPDATE experiments SET status = 'stopped' WHERE key = 'red-banner'")  # as another process would
    now[0] += 0.5
    assert resolve_visitor(store, "v1").assignments  # still cached
    now[0] += cache.TTL_SECONDS
    assert resolve_visitor(store, "v1").assignments == ()
