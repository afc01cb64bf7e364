"""Experiment specs: a bad spec reports every failed field at once."""

import pytest

from shop.experiments import SpecError, parse_spec


def _spec(**overrides):
    spec = {
        "key": "red-banner",
        "hypothesis": "A red banner makes the deal feel urgent and lifts conversion.",
        "allocation": 100,
        "variants": [
            {"name": "control", "weight": 50, "config": {}},
            {"name": "treatment", "weight": 50, "config": {"banner_color": "red"}},
        ],
        "primary_metric": "conversion",
        "guardrails": [{"metric": "aov", "margin": 0.05}],
    }
    spec.update(overrides)
    return spec


def test_a_valid_spec_parses():
    spec = parse_spec(_spec())
    assert spec.control == "control"
    assert spec.effective_salt == "red-banner"
    assert spec.variants[1].config == {"banner_color": "red"}
    assert spec.guardrails[0].margin_type == "relative"


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"variants": [{"name": "only", "weight": 100}]}, "variants: must have 2 to 4 variants (got 1)"),
        ({"variants": [{"name": f"v{i}", "weight": 20} for i in range(5)]}, "variants: must have 2 to 4 variants"),
        (
            {"variants": [{"name": "a", "weight": 0}, {"name": "b", "weight": 50}]},
            "variants[0].weight: must be greater than 0",
        ),
        (
            {"variants": [{"name": "a", "weight": -5}, {"name": "b", "weight": 50}]},
            "variants[0].weight: must be greater than 0",
        ),
        (
            {"variants": [{"name": "a", "weight": 1}, {"name": "A", "weight": 1}]},
            "variants[1].name: duplicate variant name 'A'",
        ),
        (
            {"variants": [{"name": "a", "weight": 1}, {"name": "b", "weight": 1, "config": {"sparkles": 1}}]},
            "variants[1].config.sparkles: unknown knob",
        ),
        (
            {"variants": [{"name": "a", "weight": 1}, {"name": "b", "weight": 1, "config": {"discount_pct": 90}}]},
            "variants[1].config.discount_pct: must be an integer from 0 to 50",
        ),
        ({"key": "Red Banner!"}, "key: must be 3-64 lowercase letters"),
        ({"allocation": 0}, "allocation: must be greater than 0"),
        ({"allocation": 120}, "allocation: must be at most 100"),
        ({"primary_metric": "happiness"}, "primary_metric: unknown metric 'happiness'"),
        ({"guardrails": [{"metric": "aov", "margin": 0}]}, "guardrails[0].margin: must be greater than 0"),
        ({"hypothesis": "short"}, "hypothesis: must have at least 10 characters"),
        ({"weights": [50, 50]}, "weights: is not a field of the spec"),
    ],
)
def test_each_rule_names_its_field(overrides, fragment):
    with pytest.raises(SpecError) as caught:
        parse_spec(_spec(**overrides))
    assert any(problem.startswith(fragment) for problem in caught.value.problems), caught.value.problems


def test_every_failed_field_is_reported_together():
    bad = _spec(key="X", allocation=0, variants=[{"name": "a", "weight": 0, "config": {"banner_color": "pink"}}])
    with pytest.raises(SpecError) as caught:
        parse_spec(bad)
    fields = {problem.split(":")[0] for problem in caught.value.problems}
    assert {"key", "allocation", "variants", "variants[0].weight", "variants[0].config.banner_color"} <= fields


def test_a_spec_must_be_an_object():
    with pytest.raises(SpecError, match="spec: must be a JSON object"):
        parse_spec(["not", "an", "object"])
