"""The knob catalog: every knob has a type, a range and a default; bad values name the knob and the range."""

import pytest

from shop.knobs import CATALOG, DEFAULTS, KNOBS, config_problems, normalise, resolve

REQUIRED = {
    "banner_headline",
    "banner_color",
    "urgency_badge",
    "discount_pct",
    "free_delivery_threshold",
    "checkout_button_text",
    "recommendation_layout",
    "show_ratings",
}


def test_catalog_has_the_required_knobs_with_valid_defaults():
    assert set(KNOBS) >= REQUIRED
    for knob in CATALOG:
        assert knob.problem(knob.default) is None, knob.key
        assert knob.description and knob.label


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"banner_color": "pink"}, "banner_color: must be one of 'orange', 'red'"),
        ({"discount_pct": 75}, "discount_pct: must be an integer from 0 to 50 %"),
        ({"discount_pct": 12.5}, "discount_pct: must be an integer from 0 to 50 %"),
        ({"discount_pct": True}, "discount_pct: must be an integer"),
        ({"free_delivery_threshold": -1}, "free_delivery_threshold: must be a number from 0 to 100 $"),
        ({"free_delivery_threshold": float("nan")}, "free_delivery_threshold: must be a number"),
        ({"show_ratings": "yes"}, "show_ratings: must be true or false"),
        ({"checkout_button_text": "x"}, "checkout_button_text: must be text of 2 to 30 characters"),
        ({"banner_headline": "y" * 61}, "banner_headline: must be text of 3 to 60 characters"),
        ({"recommendation_layout": "carousel"}, "recommendation_layout: must be one of 'grid', 'list'"),
        ({"confetti": True}, "confetti: unknown knob; known knobs are banner_headline"),
    ],
)
def test_out_of_range_values_name_the_knob_and_the_range(config, fragment):
    problems = config_problems(config)
    assert len(problems) == 1
    assert problems[0].startswith(fragment)


def test_every_problem_is_reported():
    assert len(config_problems({"banner_color": "pink", "discount_pct": 99, "nope": 1})) == 3


def test_valid_config_passes_and_normalises():
    config = {
        "banner_color": "red",
        "discount_pct": 10,
        "free_delivery_threshold": 20,
        "banner_headline": "  Hi there ",
    }
    assert config_problems(config) == []
    assert normalise(config) == {
        "banner_color": "red",
        "discount_pct": 10,
        "free_delivery_threshold": 20.0,
        "banner_headline": "Hi there",
    }


def test_resolve_layers_defaults_then_adopted_then_variant():
    resolved = resolve({"banner_color": "green", "discount_pct": 5}, {"banner_color": "red"})
    assert resolved["banner_color"] == "red"
    assert resolved["discount_pct"] == 5
    assert resolved["show_ratings"] == DEFAULTS["show_ratings"]
    assert set(resolved) == set(KNOBS)
