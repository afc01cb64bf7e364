"""The sample against the plan reads the same on the results page and in the retrospective (both languages)."""

import copy
from datetime import datetime

from marts.planned import planned_progress
from marts.retrospectives import Retrospective, retro_view, to_markdown
from novarium_app.lab import reveal
from tests.retro_samples import full_snapshot


def _retro(snapshot):
    return Retrospective(
        retrospective_id="a1b2c3d4e5f60718",
        experiment_key="red-banner",
        created_at=datetime(2026, 11, 3, 14, 5),
        decision="keep_running",
        outcome=None,
        learnings="",
        snapshot=snapshot,
        coach_writeup=None,
    )


def test_the_results_tile_and_the_retrospective_state_the_same_share_of_the_plan():
    snapshot = copy.deepcopy(full_snapshot())
    snapshot["results"]["planned_units"] = 2 * 10_000  # observed: control 6,012, treatment 5,988
    snapshot["experiment"]["design"] = {**snapshot["experiment"].get("design", {}), "days": 22}
    users_tile = reveal.summary_tiles(snapshot["results"], planned_days=22)[0]
    assert users_tile["detail_en"].endswith("5,988 of the planned 10,000 per variant (60%) · Planned horizon: 22 days")
    retro = _retro(snapshot)
    english = {fact.label: fact.value for fact in retro_view(retro).facts}
    assert english["In at the decision"] == "5,988 of the planned 10,000 per variant (60%)"
    assert english["Planned days"] == "22"
    assert "- **In at the decision:** 5,988 of the planned 10,000 per variant (60%)" in to_markdown(retro)
    korean = {fact.label: fact.value for fact in retro_view(retro, "ko").facts}
    assert korean["결정 시점 표본"] == "변형당 계획 10,000명 중 5,988명(60%)"


def test_without_a_plan_or_users_nothing_is_claimed():
    snapshot = full_snapshot()
    assert planned_progress(snapshot["results"]) is None
    assert "In at the decision" not in {fact.label for fact in retro_view(_retro(snapshot)).facts}
    assert planned_progress({"planned_units": 100, "srm": {"observed": {}}}) is None
    assert planned_progress({"srm": {"observed": {"a": 5, "b": 7}}}, planned_per_variant=5).complete


def test_a_sample_just_short_of_the_plan_never_reads_as_all_of_it():
    """17,029 of 17,033 is 99.98%: "100%" would say the planned sample is in when it is not."""
    observed = {"control": 17_029, "treatment": 17_342}
    short = planned_progress({"srm": {"observed": observed}}, planned_per_variant=17_033)
    assert not short.complete and short.words()[0] == "17,029 of the planned 17,033 per variant (99%)"
    done = planned_progress({"srm": {"observed": {**observed, "control": 17_033}}}, planned_per_variant=17_033)
    assert done.complete and done.words()[1] == "변형당 계획 17,033명 중 17,033명(100%)"
