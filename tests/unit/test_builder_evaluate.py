"""The wizard's reaction to an edit: problems shown when touched, the stepper, the plan, the preview and the probe."""

from novarium_app.builder import draft as drafts
from novarium_app.builder.evaluate import Situation, evaluate, split_rows, traffic_panel
from novarium_app.builder.spec import draft_from_spec, payload
from shop.assignment import assign
from tests.unit.test_builder_validation import valid_draft

WAREHOUSE = {"conversion": {"mean": 0.06, "std": 0.237}}
SEEN = Situation(warehouse=WAREHOUSE, daily_visitors=1000.0)


def test_problems_show_only_once_touched_or_checked():
    fresh = evaluate(drafts.new_draft(), SEEN)
    assert set(fresh.problems) == {"name", "key", "change", "rationale"}
    assert fresh.shown == {}
    assert fresh.step_states == ["current", "todo", "todo", "todo", "todo", "todo"]
    touched = evaluate(drafts.new_draft(), Situation(warehouse=WAREHOUSE, touched=frozenset({"name"})))
    assert list(touched.shown) == ["name"]
    draft = drafts.new_draft()
    draft["step"] = 1
    checked = evaluate(draft, Situation(warehouse=WAREHOUSE, checked_steps=frozenset({0})))
    assert set(checked.shown) == set(fresh.problems)
    assert checked.step_states[:2] == ["problem", "current"]


def test_a_valid_draft_plans_and_checks_out():
    result = evaluate(valid_draft(), SEEN)
    assert result.problems == {} and result.spec_check == []
    assert result.plan is not None and result.plan.days > 0
    assert result.design["planned_n_per_variant"] == result.plan.n_per_variant
    assert result.design["analysis_plan"] == "fixed"
    sequential = valid_draft()
    sequential["form"]["analysis_plan"] = "sequential"
    assert evaluate(sequential, SEEN).design["analysis_plan"] == "sequential"
    sequential["form"]["analysis_plan"] = "whenever"
    tampered = evaluate(sequential, SEEN)
    assert "analysis_plan" not in tampered.design
    assert tampered.problems["analysis_plan"][0].startswith("Analysis plan: must be")
    assert result.plan_text["days"] == f"{result.plan.days:,}"
    assert result.baseline["value"] == "6.00%"
    assert result.preview_config == {"banner_color": "red"}
    assert [row["name"] for row in result.variant_rows] == ["control", "treatment"]
    assert result.review_rows == []


def test_the_analysis_plan_pre_registers_cuped_or_not():
    assert evaluate(valid_draft(), SEEN).design["cuped"] is False  # without CUPED unless the learner chooses it
    with_cuped = valid_draft()
    with_cuped["form"]["cuped"] = "on"
    result = evaluate(with_cuped, SEEN)
    assert result.design["cuped"] is True and "cuped" not in result.problems
    assert draft_from_spec({"key": "k", "design": result.design})["form"]["cuped"] == "on"
    with_cuped["form"]["cuped"] = "maybe"
    tampered = evaluate(with_cuped, SEEN)
    assert "cuped" not in tampered.design and tampered.problems["cuped"][0] == "CUPED: must be on or off"


def test_without_a_baseline_the_plan_waits_for_one():
    result = evaluate(valid_draft(), Situation(daily_visitors=1000.0))
    assert result.plan is None and result.design == {
        "analysis_plan": "fixed",
        "cuped": False,
    }  # the plan's choice stays
    assert result.problems["baseline"][0].endswith("(the warehouse has no history for this metric)")
    assert result.baseline["available"] == ""


def test_an_invalid_knob_blocks_the_preview_and_is_listed_for_review():
    draft = valid_draft()
    draft["variants"][1]["knob.discount_pct"] = "80"
    result = evaluate(draft, SEEN)
    assert result.preview_config is None
    assert result.knob_errors["discount_pct"][0] == "Discount: must be an integer from 0 to 50 %"
    assert [(row["field"], row["step"]) for row in result.review_rows] == [("variants[1].config.discount_pct", "1")]


def test_a_continued_draft_may_keep_its_key_only_while_unchanged():
    draft = valid_draft()
    korean = "빨간 배너를 보여준다. 이렇게 바꾸면 전환율이 약 5% 늘어날 것이다."  # saved while the Lab was in Korean
    stored = payload(draft, korean, evaluate(draft, SEEN).design)
    own = Situation(
        existing_keys=frozenset({"red-banner"}),
        own_key="red-banner",
        own_spec=stored,
        warehouse=WAREHOUSE,
        daily_visitors=1000.0,
    )
    assert evaluate(draft, own).problems == {}
    draft["variants"][1]["knob.banner_color"] = "green"
    changed = evaluate(draft, own)
    assert changed.problems["key"][0].startswith("Key: draft 'red-banner' is saved with other settings")
    draft["form"]["key"] = "red-banner-green"
    assert evaluate(draft, own).problems == {}


def test_the_traffic_panel_hashes_like_the_shop():
    draft = valid_draft()
    draft["form"]["allocation"] = "60"
    draft["variants"][1]["weight"] = "25"
    for user_id in ("user-1", "user-2", "ada", "grace"):
        probe, split = traffic_panel(draft, True, user_id)
        expected = assign("red-banner", user_id, [("control", 50.0), ("treatment", 25.0)], 60.0)
        assert probe["variant"] == (expected or "")
        assert probe["inside"] == ("1" if expected else "")
    assert split == ("red-banner", [("control", 50.0), ("treatment", 25.0)], 60.0)
    rows = split_rows(*split)
    assert [(row["expected"], row["width"]) for row in rows] == [("40.0%", "66.667%"), ("20.0%", "33.333%")]


def test_the_traffic_panel_waits_for_a_key_weights_and_allocation():
    draft = valid_draft()
    assert traffic_panel(draft, False, "u") == ({}, None)
    draft["variants"][0]["weight"] = "0"
    assert traffic_panel(draft, True, "u") == ({}, None)
