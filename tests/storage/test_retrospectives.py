"""The retrospectives repository on both backends: save, list, search, filter, get, update, export and compare."""

import math

import pytest

from marts.retrospectives import (
    RetrospectiveError,
    RetrospectiveNotFound,
    compare,
    get_retrospective,
    list_retrospectives,
    save_retrospective,
    set_coach_writeup,
    to_markdown,
    update_learnings,
)
from tests.retro_samples import full_snapshot, minimal_snapshot


def _save(store, key="red-banner", *, decision="ship", outcome="win", learnings="", snapshot=None):
    return save_retrospective(
        store,
        experiment_key=key,
        decision=decision,
        outcome=outcome,
        learnings=learnings,
        snapshot=full_snapshot(key) if snapshot is None else snapshot,
    )


@pytest.fixture
def three(store):
    """Three retrospectives saved in order: a win, a loss on revenue, an old minimal one."""
    red = _save(store, "red-banner", learnings="Urgency works on impulsive shoppers.")
    free = _save(
        store,
        "free-delivery",
        decision="dont_ship",
        outcome="loss",
        learnings="Lower threshold cut AOV.",
        snapshot=full_snapshot(
            "free-delivery",
            name="Free delivery at $15",
            hypothesis="A lower free-delivery threshold lifts revenue per visitor.",
            primary_metric="revenue_per_visitor",
            rel_lift=-0.04,
            recommendation="dont_ship",
        ),
    )
    old = _save(store, "old-experiment", decision="keep_running", outcome=None, snapshot=minimal_snapshot())
    return red, free, old


def test_a_saved_retrospective_reads_back_the_same(store):
    saved = _save(store, learnings="Ship it. 배운 점: 긴급성 배지는 효과가 있다.")
    again = get_retrospective(store, saved.retrospective_id)
    assert again == saved
    assert again.snapshot == full_snapshot()
    assert again.coach_writeup is None
    assert again.primary_metric == "conversion"
    assert again.recommendation == "ship"
    assert again.decision_correct is True


def test_every_save_gets_a_new_id(store):
    first, second = _save(store), _save(store)
    assert first.retrospective_id != second.retrospective_id
    assert store.row_count("retrospectives") == 2


def test_list_is_newest_first_and_filters_by_outcome_and_metric(store, three):
    red, free, old = three
    assert [r.retrospective_id for r in list_retrospectives(store)] == [
        old.retrospective_id,
        free.retrospective_id,
        red.retrospective_id,
    ]
    assert [r.experiment_key for r in list_retrospectives(store, outcome="loss")] == ["free-delivery"]
    assert [r.experiment_key for r in list_retrospectives(store, metric="revenue_per_visitor")] == ["free-delivery"]
    assert [r.experiment_key for r in list_retrospectives(store, metric="conversion")] == ["red-banner"]
    assert list_retrospectives(store, outcome="win", metric="revenue_per_visitor") == []


def test_search_matches_key_hypothesis_and_learnings_in_any_case(store, three):
    def keys(query):
        return [r.experiment_key for r in list_retrospectives(store, query=query)]

    assert keys("URGENCY") == ["red-banner"]  # learnings
    assert keys("threshold") == ["free-delivery"]  # hypothesis
    assert keys("old-exp") == ["old-experiment"]  # key
    assert keys("free delivery") == ["old-experiment", "free-delivery"]  # every word, anywhere
    assert keys("red nothing-like-this") == []
    assert keys("   ") == ["old-experiment", "free-delivery", "red-banner"]


def test_search_binds_its_text_and_an_unknown_outcome_is_refused(store, three):
    assert list_retrospectives(store, query="'; DROP TABLE retrospectives; --") == []
    assert store.row_count("retrospectives") == 3
    with pytest.raises(RetrospectiveError, match=r"outcome: must be one of win, loss, flat, inconclusive"):
        list_retrospectives(store, outcome="won")


def test_a_missing_id_is_named(store):
    with pytest.raises(RetrospectiveNotFound, match="nope") as caught:
        get_retrospective(store, "nope")
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "retrospective 'nope' does not exist"
    with pytest.raises(RetrospectiveNotFound, match="nope"):
        update_learnings(store, "nope", "text")
    with pytest.raises(RetrospectiveNotFound, match="nope"):
        set_coach_writeup(store, "nope", "text", "rubric")


def test_learnings_are_updated_and_checked(store, three):
    red, free, _ = three
    updated = update_learnings(store, red.retrospective_id, "Check AOV before shipping urgency.")
    assert updated.learnings == "Check AOV before shipping urgency."
    assert get_retrospective(store, red.retrospective_id).learnings == "Check AOV before shipping urgency."
    assert get_retrospective(store, free.retrospective_id).learnings == "Lower threshold cut AOV."
    with pytest.raises(RetrospectiveError, match=r"learnings: must be at most 10,000 characters \(got 10,001\)"):
        update_learnings(store, red.retrospective_id, "x" * 10_001)
    assert get_retrospective(store, red.retrospective_id).learnings == "Check AOV before shipping urgency."


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"decision": "launch"}, "decision", "must be one of ship, dont_ship, keep_running"),
        ({"outcome": "great"}, "outcome", "must be one of win, loss, flat, inconclusive or None"),
        ({"learnings": "x" * 10_001}, "learnings", "must be at most 10,000 characters"),
        ({"learnings": None}, "learnings", "must be text"),
        ({"experiment_key": ""}, "experiment_key", "must be a non-empty string"),
        ({"snapshot": {"results": {"alpha": math.nan}}}, "snapshot", "snapshot.results.alpha is not a finite number"),
        ({"snapshot": {"x": [1, math.inf]}}, "snapshot", "snapshot.x[1] is not a finite number"),
        ({"snapshot": {"when": object()}}, "snapshot", "must be JSON-serialisable"),
        ({"snapshot": ["not", "a", "dict"]}, "snapshot", "must be a dict"),
        ({"snapshot": full_snapshot("other-key")}, "snapshot", "experiment.key 'other-key' does not match"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(store, changes, field, rule):
    arguments = {
        "experiment_key": "red-banner",
        "decision": "ship",
        "outcome": "win",
        "learnings": "",
        "snapshot": full_snapshot(),
    }
    with pytest.raises(RetrospectiveError) as caught:
        save_retrospective(store, **{**arguments, **changes})
    assert field in caught.value.errors
    assert rule in caught.value.errors[field]
    assert str(caught.value).startswith(f"{field}: ")
    assert store.row_count("retrospectives") == 0


def test_every_failed_field_is_named_at_once(store):
    with pytest.raises(RetrospectiveError) as caught:
        save_retrospective(
            store, experiment_key="k", decision="yes", outcome="maybe", learnings="", snapshot={"v": math.nan}
        )
    assert set(caught.value.errors) == {"decision", "outcome", "snapshot"}
    assert store.row_count("retrospectives") == 0


def test_the_coach_slot_is_written_cleared_and_checked(store):
    saved = _save(store)
    written = set_coach_writeup(store, saved.retrospective_id, "You shipped on a real effect. Well read.", "rubric")
    assert written.coach_writeup == "You shipped on a real effect. Well read."
    assert written.coach_source == "rubric"
    assert written.snapshot["experiment"] == saved.snapshot["experiment"]
    assert "You shipped on a real effect" in to_markdown(written)
    with pytest.raises(RetrospectiveError, match="source: must be a non-empty string"):
        set_coach_writeup(store, saved.retrospective_id, "text", "")
    with pytest.raises(RetrospectiveError, match="text: must be a non-empty string"):
        set_coach_writeup(store, saved.retrospective_id, "   ", "rubric")
    cleared = set_coach_writeup(store, saved.retrospective_id, None, "rubric")
    assert cleared.coach_writeup is None
    assert cleared.coach_source is None
    assert "coach" not in cleared.snapshot


def test_markdown_and_compare_work_on_stored_retrospectives(store, three):
    red, free, old = three
    text = to_markdown(get_retrospective(store, red.retrospective_id))
    assert text.startswith("# Retrospective: Red banner with urgency\n")
    assert "Urgency works on impulsive shoppers." in text
    assert "# Retrospective: old-experiment" in to_markdown(get_retrospective(store, old.retrospective_id))

    side_by_side = compare(
        get_retrospective(store, red.retrospective_id), get_retrospective(store, free.retrospective_id)
    )
    rows = {row["key"]: row for row in side_by_side["rows"]}
    assert side_by_side["a"]["experiment_key"] == "red-banner"
    assert side_by_side["b"]["experiment_key"] == "free-delivery"
    assert (rows["decision"]["a"], rows["decision"]["b"]) == ("Ship", "Don't ship")
    assert (rows["outcome"]["a"], rows["outcome"]["b"]) == ("Win", "Loss")
    assert rows["primary_metric"]["b"] == "Revenue per visitor"
    assert rows["primary_lift"]["a"] == "+6.20% (treatment vs control)"
    assert rows["primary_lift"]["b"] == "−4.00% (treatment vs control)"
    assert rows["srm"]["same"] is True
    assert rows["decision"]["same"] is False
