"""The analytic ground truth: closed forms against the shared sampler, and the switches' documented effects."""

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy import stats

from marts.metrics import CATALOG, Metric
from swarm.behaviour import visit_model
from swarm.personas import PERSONAS
from swarm.plan import Plan
from swarm.sampling import sample_visits
from swarm.switches import Switches
from swarm.traffic import ACTIVITY_SHAPE
from swarm.truth import GroundTruth, expected_order_value, ground_truth

TREATMENT = {"banner_color": "red", "discount_pct": 10, "urgency_badge": "selling_fast"}
METRICS = [m.key for m in CATALOG]


def _effects(truth: GroundTruth, *, lasting: bool = False) -> list[float | None]:
    table = truth.lasting if lasting else truth.run
    overall = [e.absolute for by_metric in table.effects.values() for e in by_metric.values()]
    personas = [
        e.absolute for by_variant in table.persona_effects.values() for m in by_variant.values() for e in m.values()
    ]
    return overall + personas


@pytest.mark.parametrize(
    ("switches", "days"),
    [(Switches(), 1), (Switches(novelty=2.0, seasonality=True, bot_share=0.2, exposure_bug=0.5), 9)],
    ids=["plain", "every-switch"],
)
def test_aa_truth_is_exactly_zero(switches, days):
    same = {"discount_pct": 15, "banner_color": "red"}
    truth = ground_truth(Plan.build([("a", same), ("b", same), ("c", dict(same))], switches=switches, days=days))
    for lasting in (False, True):
        effects = _effects(truth, lasting=lasting)
        assert len(effects) > 3 * len(METRICS)
        assert all(e is None or e == 0.0 for e in effects)
        assert any(e == 0.0 for e in effects)


def test_the_placebo_headline_has_no_true_effect():
    truth = ground_truth(Plan.build([("control", {}), ("new-words", {"banner_headline": "Dinner, sorted."})]))
    assert all(e is None or e == 0.0 for e in _effects(truth))


def test_a_real_change_has_a_true_effect_in_the_documented_direction():
    truth = ground_truth(Plan.build([("control", {}), ("treatment", TREATMENT)]))
    assert truth.effect("banner_ctr", "treatment").absolute > 0.005
    assert truth.effect("conversion", "treatment").relative > 0.03
    assert truth.effect("aov", "treatment").absolute < 0  # the discount makes every order cheaper
    cautious = truth.effect("banner_ctr", "treatment", persona="cautious").absolute
    impulsive = truth.effect("banner_ctr", "treatment", persona="impulsive").absolute
    assert impulsive > cautious  # urgency works on the impulsive, not on the cautious


@pytest.mark.parametrize(
    ("persona", "config"),
    [
        ("rational", {}),
        ("impulsive", {"discount_pct": 20}),
        ("window_shopper", {"free_delivery_threshold": 22.0}),
        ("cautious", {"free_delivery_threshold": 0.0, "discount_pct": 5}),
        ("mission", {"free_delivery_threshold": 45.0}),
    ],
)
def test_expected_order_value_matches_the_sampler(persona, config):
    model = visit_model(PERSONAS[persona], config)
    buying = dataclasses.replace(model, view_item=1.0, add_to_cart=1.0, checkout=1.0, purchase=1.0)
    values = sample_visits(buying, 400_000, np.random.default_rng(11)).value
    standard_error = values.std() / math.sqrt(len(values))
    assert abs(values.mean() - expected_order_value(model)) < 4 * standard_error


def test_one_day_truth_is_the_zero_truncated_negative_binomial():
    """On one day every customer expects the same visits, so a visitor's visits are a zero-truncated NegBin."""
    plan = Plan.build([("control", {}), ("treatment", TREATMENT)], mix={"rational": 1.0})
    truth = ground_truth(plan)
    model = visit_model(PERSONAS["rational"], TREATMENT)
    mean = PERSONAS["rational"].visits_per_week / 7 * plan.day_rates[0]
    k = np.arange(1, 200)
    visits = stats.nbinom.pmf(k, ACTIVITY_SHAPE, ACTIVITY_SHAPE / (ACTIVITY_SHAPE + mean))
    visits /= visits.sum()
    buy = model.view_item * model.add_to_cart * model.checkout * model.purchase
    expected = {
        "conversion": 1 - np.dot(visits, (1 - buy) ** k),
        "banner_ctr": 1 - np.dot(visits, (1 - model.click_banner) ** k),
        "orders_per_visitor": np.dot(visits, k) * buy,
        "items_viewed": np.dot(visits, k) * model.view_item * model.items_viewed,
        "revenue_per_visitor": np.dot(visits, k) * buy * expected_order_value(model),
        "aov": expected_order_value(model),
    }
    for metric, value in expected.items():
        assert truth.value(metric, "treatment") == pytest.approx(value, rel=1e-9), metric


def test_bots_dilute_absolute_effects_by_one_minus_their_share():
    arms = [("control", {}), ("treatment", TREATMENT)]
    clean = ground_truth(Plan.build(arms))
    botty = ground_truth(Plan.build(arms, switches=Switches(bot_share=0.25)))
    assert botty.mix["bot"] == 0.25
    for metric in ("conversion", "banner_ctr", "revenue_per_visitor", "orders_per_visitor"):
        diluted = botty.effect(metric, "treatment").absolute
        assert diluted == pytest.approx(0.75 * clean.effect(metric, "treatment").absolute, rel=1e-9), metric
    assert botty.value("conversion", "control") == pytest.approx(0.75 * clean.value("conversion", "control"))
    assert botty.value("aov", "control", persona="bot") is None


def test_novelty_inflates_the_run_effect_and_the_lasting_effect_is_the_effect_without_novelty():
    arms = [("control", {}), ("treatment", TREATMENT)]
    plain = ground_truth(Plan.build(arms, days=14))
    novel = ground_truth(Plan.build(arms, days=14, switches=Switches(novelty=1.5, novelty_half_life_days=2.0)))
    for metric in METRICS:
        assert novel.effect(metric, "treatment", lasting=True).absolute == pytest.approx(
            plain.effect(metric, "treatment").absolute, rel=1e-12, abs=1e-15
        )
    assert (
        novel.effect("banner_ctr", "treatment").absolute
        > 1.1 * novel.effect("banner_ctr", "treatment", lasting=True).absolute
    )
    assert plain.run == plain.lasting


def test_a_longer_run_dilutes_novelty_more():
    arms = [("control", {}), ("treatment", TREATMENT)]
    switches = Switches(novelty=1.0)
    short, long = (ground_truth(Plan.build(arms, days=d, switches=switches)) for d in (2, 28))
    assert short.effect("banner_ctr", "treatment").absolute > long.effect("banner_ctr", "treatment").absolute


def test_the_exposure_bug_does_not_change_the_truth():
    arms = [("control", {}), ("treatment", TREATMENT)]
    clean = ground_truth(Plan.build(arms, days=3))
    buggy = ground_truth(Plan.build(arms, days=3, switches=Switches(exposure_bug=0.8)))
    assert buggy.run == clean.run and buggy.lasting == clean.lasting
    assert buggy.switches["exposure_bug"] == 0.8


def test_to_dict_is_json_and_round_trips():
    truth = ground_truth(Plan.build([("control", {}), ("treatment", TREATMENT)], switches=Switches(bot_share=0.1)))
    text = json.dumps(truth.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert data["state"] == "analytic" and data["control"] == "control"
    assert set(data["run"]["values"]) == set(METRICS)
    assert set(data["run"]["persona_values"]) == {
        "impulsive",
        "rational",
        "window_shopper",
        "mission",
        "cautious",
        "bot",
    }
    assert GroundTruth.from_dict(data) == truth


def test_a_metric_without_a_known_column_is_refused():
    odd = Metric("refunds", "Refunds", "continuous", "refunds")
    with pytest.raises(ValueError, match=r"metrics\.refunds: column 'refunds' has no ground truth"):
        ground_truth(Plan.build([("control", {})]), metrics=(*CATALOG, odd))
