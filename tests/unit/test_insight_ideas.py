"""Every experiment idea the Overview suggests is a valid knob setting and a link the builder understands."""

from urllib.parse import parse_qs, urlsplit

import pytest

from marts.insights import PERSONA_IDEAS, FunnelStep, PersonaShare, _alerts
from marts.window_metrics import WindowSums
from novarium_app.builder.knob_values import parse
from novarium_app.builder.prefill import prefill
from novarium_app.pages.overview import builder_link
from shop.knobs import KNOBS, config_problems


def _funnel(sessions, viewed, carted, checkout, ordered):
    counts = [sessions, viewed, carted, checkout, ordered]
    keys = ["sessions", "viewed_item", "added_to_cart", "started_checkout", "ordered"]
    return tuple(FunnelStep(k, k, c, 0.0, c / sessions) for k, c in zip(keys, counts, strict=True))


def _personas():
    rows = [("impulsive", 0.08), ("rational", 0.01), ("window_shopper", 0.005), ("mission", 0.3), ("cautious", 0.01)]
    return tuple(PersonaShare(name, 500, 2000, 0.2, rate, 0.6) for name, rate in rows)


ALERTS = _alerts(_funnel(10_000, 6_000, 1_500, 900, 500), _personas(), WindowSums(visitors=2_500, buyers=125), 28)


def test_the_rules_fire_for_weak_personas_abandoned_carts_and_dropped_checkouts():
    keys = {alert.key for alert in ALERTS}
    assert {"weak-persona-rational", "weak-persona-window_shopper", "weak-persona-cautious"} <= keys
    assert "weak-persona-mission" not in keys and "weak-persona-impulsive" not in keys  # at or above average
    assert {"cart-abandonment", "checkout-drop"} <= keys


@pytest.mark.parametrize("alert", ALERTS, ids=lambda alert: alert.key)
def test_each_idea_is_a_valid_knob_setting_that_prefills_the_builder(alert):
    knob = KNOBS[alert.knob]
    assert config_problems({alert.knob: parse(knob, alert.knob_value)}) == []
    query = {key: values[0] for key, values in parse_qs(urlsplit(builder_link(alert)).query).items()}
    draft = prefill(query)
    assert draft["form"]["metric"] == alert.metric
    assert draft["form"]["change"] == alert.change[0]
    assert alert.knob_value in draft["variants"][1].values()


def test_every_persona_has_an_idea():
    assert set(PERSONA_IDEAS) == {"impulsive", "rational", "window_shopper", "mission", "cautious"}
