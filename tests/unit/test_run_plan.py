"""The Runs form's plan and modes (``novarium_app.lab.run_plan``): the plan's days and visitors, the watch warning."""

from datetime import datetime

import pytest

from novarium_app.lab.run_plan import (
    NO_WORDS,
    WATCH_LIMIT,
    PlannedRun,
    fast_forward_words,
    mode_of,
    plan_days,
    plan_per_variant,
    planned_run,
    watch_warning,
)
from shop.repository import ExperimentRecord, VariantRecord
from swarm.engine import EngineRun, plan_for

END = datetime(2026, 11, 30, 12, 0)
ARRIVALS = 1_800.0


def _record(design: dict) -> ExperimentRecord:
    return ExperimentRecord(
        key="red-banner",
        name="Red banner",
        hypothesis="A red banner lifts conversion.",
        status="running",
        allocation=100.0,
        salt="red-banner",
        primary_metric="conversion",
        variants=(VariantRecord("control", 50.0, {}), VariantRecord("treatment", 50.0, {"banner_color": "red"})),
        design=design,
        created_at=datetime(2026, 11, 2, 9, 30),
        started_at=None,
        stopped_at=None,
    )


def test_the_form_opens_on_the_plans_days_and_the_visitors_they_bring():
    record = _record({"design": {"days": 22, "planned_n_per_variant": 9_500}})
    planned = planned_run(record, {}, ARRIVALS, end=END)
    expected = round(plan_for(record, {}, days=22, end=END).expected_visitors(ARRIVALS))
    assert (planned.days, planned.visitors, planned.per_variant, planned.from_plan) == (22, expected, 9_500, True)
    assert planned.form() == {"days": "22", "agents": str(expected)}
    english, korean = planned.words()
    assert english == f"From your plan: 22 days, {expected:,} visitors"
    assert korean == f"계획에서: 22일, 방문자 {expected:,}명"


def test_more_days_bring_more_visitors():
    short = planned_run(_record({"design": {"days": 7}}), {}, ARRIVALS, end=END)
    long = planned_run(_record({"design": {"days": 28}}), {}, ARRIVALS, end=END)
    assert short.visitors < long.visitors


def test_without_a_saved_plan_one_day_is_offered_and_said_so():
    planned = planned_run(_record({}), {}, ARRIVALS, end=END)
    assert (planned.days, planned.per_variant, planned.from_plan) == (1, None, False)
    assert planned.words()[0] == f"No saved plan: 1 day of traffic brings {planned.visitors:,} visitors"


@pytest.mark.parametrize("days", [0, 91, "22", 2.5, True, None])
def test_a_bad_planned_horizon_is_ignored(days):
    assert plan_days({"design": {"days": days}}) is None


def test_the_planned_sample_is_read_only_when_valid():
    assert plan_per_variant({"design": {"planned_n_per_variant": 1_200}}) == 1_200
    assert plan_per_variant({"design": {"planned_n_per_variant": 0}}) is None
    assert plan_per_variant({"design": None}) is None


def test_watching_many_agents_warns_and_suggests_fast_forward():
    many = str(WATCH_LIMIT + 1)
    english, korean = watch_warning("watch", many)
    assert english.startswith(f"Watching {WATCH_LIMIT + 1:,} agents over HTTP takes a long time")
    assert "fast-forward" in english and "빨리 감기" in korean
    assert watch_warning("watch", "41,200")[0].startswith("Watching 41,200 agents")
    assert watch_warning("watch", str(WATCH_LIMIT)) == NO_WORDS
    assert watch_warning("fast_forward", many) == NO_WORDS
    assert watch_warning("watch", "lots") == NO_WORDS  # the field's own error says what is wrong


def test_a_mode_is_watch_or_fast_forward():
    assert mode_of("watch") == "watch" and mode_of("fast_forward") == "fast_forward"
    with pytest.raises(ValueError, match=r"^mode: must be one of watch, fast_forward \(got 'rewind'\)$"):
        mode_of("rewind")


def test_a_finished_fast_forward_says_what_it_did():
    result = EngineRun(
        run_id="eng-1",
        experiment_key="red-banner",
        users=41_200,
        from_warehouse=30_000,
        assigned={"control": 10_000, "treatment": 10_100},
        outside_allocation=21_100,
        exposed=20_100,
        visits=50_000,
        events=123_456,
        seconds={"total": 3.24},
    )
    english, korean = fast_forward_words(result, 22)
    assert english == "Fast-forwarded 22 days: 41,200 visitors, 20,100 in the experiment, 123,456 events in 3.2 s."
    assert korean.startswith("22일 빨리 감기 완료: 방문자 41,200명")


def test_a_planned_run_is_a_plain_value():
    planned = PlannedRun("k", 1, 300, None, False)
    assert planned.form() == {"days": "1", "agents": "300"}
