"""The builder's rules, step by step: each problem names the field and the rule, in English and Korean."""

import pytest

from coach.findings import FIELDS
from novarium_app.builder import draft as drafts
from novarium_app.builder.validation import STEP_TITLES, Context, for_step, number, problems, step_of


def valid_draft() -> dict:
    """A draft that passes every rule."""
    draft = drafts.new_draft()
    draft["form"].update(
        name="Red banner",
        key="red-banner",
        change="show a red banner",
        rationale="urgency cues make impulsive shoppers decide faster",
    )
    draft["variants"][1]["knob.banner_color"] = "red"
    draft["guardrails"] = [{"metric": "aov", "margin": "5", "margin_type": "relative"}]
    return draft


def test_a_complete_draft_has_no_problem():
    assert problems(valid_draft()) == {}


def test_a_fresh_draft_asks_for_the_hypothesis_first():
    found = problems(drafts.new_draft())
    assert set(found) == {"name", "key", "change", "rationale"}
    assert all(step_of(name) == 0 for name in found)
    assert found["rationale"] == (
        "Rationale: say why it should work, in 10 to 1,000 characters",
        "근거: 효과가 있을 이유를 10~1,000자로 적어 주세요",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("key", "Red Banner", "Key: must be 3-64 lowercase letters, digits or dashes"),
        ("key", "-red", "Key: must be 3-64 lowercase letters"),
        ("name", "ab", "Name: must be 3 to 200 characters"),
        ("expected", "0", "Expected size: must be a percentage above 0 and at most 1,000"),
        ("expected", "lots", "Expected size: must be a percentage"),
        ("direction", "sideways", "Direction: must be increase or decrease"),
        ("metric", "happiness", "Metric: choose a metric from the catalog"),
        ("persona", "alien", "Persona: choose one of the shopper personas"),
        ("alpha", "0.5", "Alpha: must be a number above 0 and below 0.5"),
        ("alpha", "nan", "Alpha: must be a number above 0 and below 0.5"),
        ("power", "0.999", "Power: must be a number from 0.5 to 0.99"),
        ("power", "0.4", "Power: must be a number from 0.5 to 0.99"),
        ("mde", "-1", "MDE: must be a percentage above 0"),
        ("allocation", "0", "Allocation: must be a percentage above 0 and at most 100"),
        ("allocation", "101", "Allocation: must be a percentage above 0 and at most 100"),
    ],
)
def test_a_bad_field_is_named_with_its_rule(field, value, message):
    draft = valid_draft()
    draft["form"][field] = value
    found = problems(draft)
    assert list(found) == [field]
    assert found[field][0].startswith(message)
    assert found[field][1]  # and in Korean


def test_a_key_taken_by_another_experiment_is_refused_but_not_the_draft_being_continued():
    draft = valid_draft()
    taken = problems(draft, Context(existing_keys=frozenset({"red-banner"})))
    assert taken["key"] == (
        "Key: an experiment named 'red-banner' already exists",
        "키: 'red-banner' 실험이 이미 있습니다",
    )
    assert problems(draft, Context(existing_keys=frozenset({"red-banner"}), own_key="red-banner")) == {}


def test_variant_rules_name_the_variant_field_and_the_knob():
    draft = valid_draft()
    draft["variants"][1].update({"name": "Control", "weight": "0", "knob.discount_pct": "80"})
    draft["variants"][0]["knob.banner_headline"] = "Hi"
    found = problems(draft)
    assert set(found) == {
        "variants[1].name",
        "variants[1].weight",
        "variants[1].config.discount_pct",
        "variants[0].config.banner_headline",
    }
    assert found["variants[1].name"][0] == "Variant name: 'Control' is used twice; names must differ"
    assert found["variants[1].weight"][0] == "Weight: must be a number above 0 and at most 1,000"
    assert found["variants[1].config.discount_pct"] == (
        "Discount: must be an integer from 0 to 50 %",
        "할인: 0~50 % 사이의 정수여야 합니다",
    )
    assert found["variants[0].config.banner_headline"][0] == "Banner headline: must be text of 3 to 60 characters"
    assert {step_of(name) for name in found} == {1}


def test_a_knob_value_that_does_not_parse_is_named():
    draft = valid_draft()
    draft["variants"][1].update({"knob.show_ratings": "maybe", "knob.free_delivery_threshold": "ten"})
    found = problems(draft)
    assert found["variants[1].config.show_ratings"][0] == "Show ratings: must be true or false"
    assert found["variants[1].config.free_delivery_threshold"][0].startswith(
        "Free-delivery threshold: must be a number"
    )


def test_variant_count_is_checked():
    draft = valid_draft()
    draft["variants"] = draft["variants"][:1]
    assert problems(draft)["variants"][0] == "Variants: must have 2 to 4 variants (got 1)"


def test_metric_rules():
    draft = valid_draft()
    draft["secondary"] = ["conversion"]
    draft["guardrails"] = [
        {"metric": "conversion", "margin": "5", "margin_type": "relative"},
        {"metric": "aov", "margin": "150", "margin_type": "relative"},
        {"metric": "aov", "margin": "0", "margin_type": "absolute"},
    ]
    found = problems(draft)
    assert found["secondary"][0] == "Secondary metrics: must not repeat the primary metric (Conversion)"
    assert found["guardrails[0].metric"][0] == "Guardrail metric: must differ from the primary metric (Conversion)"
    assert found["guardrails[1].margin"][0] == "Margin: must be a percentage above 0 and at most 100"
    assert found["guardrails[2].metric"][0] == "Guardrail metric: each metric may have one guardrail"
    assert found["guardrails[2].margin"][0] == "Margin: must be a number above 0 and at most 1,000"
    assert {step_of(name) for name in found} == {2}


def test_a_baseline_is_required_only_when_the_warehouse_has_none():
    draft = valid_draft()
    assert "baseline" not in problems(draft, Context(baseline_available=True))
    missing = problems(draft, Context(baseline_available=False))
    assert missing["baseline"][0] == (
        "Baseline: must be a percentage above 0 and below 100 (the warehouse has no history for this metric)"
    )
    draft["form"]["baseline"] = "3.5%"
    assert "baseline" not in problems(draft, Context(baseline_available=False))


def test_a_continuous_metric_without_history_needs_a_standard_deviation_too():
    draft = valid_draft()
    draft["form"].update(metric="items_viewed", baseline="2.5")
    draft["guardrails"] = []
    found = problems(draft, Context(baseline_available=False))
    assert list(found) == ["std"]
    draft["form"]["std"] = "1.8"
    assert problems(draft, Context(baseline_available=False)) == {}


def test_an_absolute_mde_of_a_rate_is_in_percentage_points():
    draft = valid_draft()
    draft["form"].update(mde_type="absolute", mde="100")
    assert problems(draft)["mde"][0] == "MDE: must be percentage points above 0 and below 100"
    draft["form"]["mde"] = "0.5"
    assert problems(draft) == {}


def test_each_field_belongs_to_one_step():
    assert len(STEP_TITLES) == drafts.STEPS
    assert [step_of(name) for name in ("key", "variants[2].config.discount_pct", "guardrails[0].margin")] == [0, 1, 2]
    assert [step_of(name) for name in ("mde", "plan", "allocation", "primary_metric", "secondary_metrics[0]")] == [
        3,
        3,
        4,
        0,
        2,
    ]
    assert step_of("something.else") == 5
    found = problems(drafts.new_draft())
    assert for_step(found, 0) == found and for_step(found, 1) == {}


@pytest.mark.parametrize(
    ("raw", "percent", "value"),
    [("1,000", False, 1000.0), (" 5 ", False, 5.0), ("5%", True, 5.0), ("5%", False, None), ("inf", False, None)],
)
def test_numbers_parse_as_typed(raw, percent, value):
    assert number(raw, percent=percent) == value


def test_every_field_the_coach_points_at_belongs_to_a_wizard_step():
    steps = {field: step_of(field) for field in FIELDS}
    assert all(step < 5 for step in steps.values()), steps  # 5 is the review step: the "Fix" button would go nowhere
    assert (steps["days"], steps["variants"], steps["guardrails"], steps["change"]) == (3, 1, 2, 0)
