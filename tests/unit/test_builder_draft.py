"""The builder's draft: its JSON form in the browser, restoring a bad copy, keys from names, and prefill links."""

import json

import pytest

from novarium_app.builder import draft as drafts
from novarium_app.builder.prefill import prefill, wants_prefill


def _edited() -> dict:
    draft = drafts.new_draft()
    draft["form"].update(name="Red banner", key="red-banner", change="show a red banner", expected="7")
    draft["variants"][1]["knob.banner_color"] = "red"
    draft["variants"].append({"name": "treatment-2", "weight": "25", "knob.discount_pct": "10"})
    draft["secondary"] = ["aov"]
    draft["guardrails"] = [{"metric": "aov", "margin": "5", "margin_type": "relative"}]
    draft["step"], draft["selected"] = 3, 2
    return draft


def test_a_draft_survives_the_round_trip_through_the_browser():
    draft = _edited()
    assert drafts.loads(drafts.dumps(draft)) == draft


@pytest.mark.parametrize("text", ["", "not json", "[]", "null", '{"form": 3, "variants": "x", "step": 99}'])
def test_garbage_gives_a_fresh_draft(text):
    assert drafts.loads(text) == drafts.new_draft()


def test_restore_keeps_what_fits_and_drops_the_rest():
    data = json.loads(drafts.dumps(_edited()))
    data["form"]["alpha"] = 0.05  # not text: default kept
    data["form"]["unknown"] = "x"
    data["variants"][1]["knob.not_a_knob"] = "1"
    data["variants"][1]["weight"] = 60  # a number from an older build: kept as text
    data["secondary"] = ["aov", "aov", "nope"]
    data["guardrails"] = [{"metric": "aov", "margin": "5", "margin_type": "sideways"}, "bad"]
    data["selected"] = 9
    restored = drafts.restore(data)
    assert restored["form"]["alpha"] == drafts.FORM_DEFAULTS["alpha"]
    assert "unknown" not in restored["form"]
    assert restored["variants"][1] == {"name": "treatment", "weight": "60", "knob.banner_color": "red"}
    assert restored["secondary"] == ["aov"]
    assert restored["guardrails"] == [{"metric": "aov", "margin": "5", "margin_type": "relative"}]
    assert restored["selected"] == 1


def test_too_many_variants_fall_back_to_the_default_pair():
    data = {"variants": [{"name": f"v{i}", "weight": "1"} for i in range(5)]}
    assert drafts.restore(data)["variants"] == drafts.default_variants()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Red banner with urgency!", "red-banner-with-urgency"),
        ("  Ünïcode -- test ", "n-code-test"),
        ("x" * 80, "x" * 64),
    ],
)
def test_keys_follow_names(name, key):
    assert drafts.slugify(name) == key


def test_prefill_links_fill_a_fresh_draft_as_text():
    params = {
        "metric": "add_to_cart_rate",
        "persona": "cautious",
        "idea": "  show   ratings on every card ",
        "direction": "decrease",
        "name": "Ratings everywhere",
        "show_ratings": "true",
        "discount_pct": "500",  # out of range: copied as text for the rules to report
        "utm_source": "overview",
    }
    assert wants_prefill(params)
    draft = prefill(params)
    form = draft["form"]
    assert (form["metric"], form["persona"], form["direction"]) == ("add_to_cart_rate", "cautious", "decrease")
    assert form["change"] == "show ratings on every card"
    assert (form["name"], form["key"]) == ("Ratings everywhere", "ratings-everywhere")
    assert drafts.knobs_of(draft["variants"][1]) == {"discount_pct": "500", "show_ratings": "true"}
    assert drafts.knobs_of(draft["variants"][0]) == {}


def test_prefill_ignores_unknown_values():
    draft = prefill({"metric": "happiness", "persona": "alien", "direction": "up"})
    assert draft["form"] == drafts.new_draft()["form"]
    assert not wants_prefill({"utm_source": "x"})
