"""The behaviour model: defaults reproduce the personas; each knob moves what its table says."""

import pytest

from swarm.behaviour import knob_shifts, visit_model
from swarm.personas import CAUTIOUS, IMPULSIVE, RATIONAL, SHOPPERS


@pytest.mark.parametrize("persona", SHOPPERS, ids=lambda p: p.name)
def test_the_default_shop_reproduces_the_declared_parameters(persona):
    assert all(shift == 0.0 for shift in knob_shifts(persona, {}).values())
    model = visit_model(persona, {})
    assert (model.click_banner, model.add_to_cart, model.purchase) == (
        persona.click_banner,
        persona.add_to_cart,
        persona.purchase,
    )


@pytest.mark.parametrize(
    ("text", "impulsive_nudged", "cautious_reassured"),
    [
        ("Order now!", True, False),
        ("Pay now.", True, False),
        ("Nowhere", False, False),
        ("Secure checkout", False, True),
        ("Unsafe order", False, False),
        ("Place order", False, False),
    ],
)
def test_checkout_button_words_are_matched_whole(text, impulsive_nudged, cautious_reassured):
    assert (knob_shifts(IMPULSIVE, {"checkout_button_text": text})["purchase"] > 0.1) == impulsive_nudged
    assert (knob_shifts(CAUTIOUS, {"checkout_button_text": text})["purchase"] > 0.1) == cautious_reassured


def test_urgency_attracts_the_impulsive_and_repels_the_cautious():
    config = {"urgency_badge": "ends_tonight"}
    assert visit_model(IMPULSIVE, config).purchase > IMPULSIVE.purchase
    assert visit_model(CAUTIOUS, config).purchase < CAUTIOUS.purchase


def test_the_headline_is_a_placebo_and_discounts_lift_carts():
    assert all(v == 0.0 for v in knob_shifts(RATIONAL, {"banner_headline": "Huge savings today"}).values())
    assert visit_model(RATIONAL, {"discount_pct": 20}).add_to_cart > RATIONAL.add_to_cart
