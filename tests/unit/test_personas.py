"""At large N the engine's shoppers do what their personas declare, within confidence intervals."""

import math
from datetime import datetime

import numpy as np
import pytest
from scipy import stats

from swarm.personas import PERSONAS, SHOPPERS, check_mix, default_mix
from swarm.plan import PERSONA_NAMES, Plan
from swarm.simulation import draw_users, simulate_visits
from swarm.traffic import ACTIVITY_SHAPE, span_classes

USERS = 120_000
END = datetime(2026, 11, 20, 12, 0, 0)


def _close(observed_share: float, declared: float, n: int, what: str) -> None:
    """A share observed over ``n`` trials lies within 4.5 standard errors of the declared probability."""
    error = math.sqrt(max(declared * (1 - declared), 1e-12) / n)
    assert abs(observed_share - declared) < 4.5 * error, f"{what}: observed {observed_share:.5f}, declared {declared}"


@pytest.mark.parametrize("name", list(PERSONAS))
def test_observed_per_visit_rates_match_the_declared_parameters(name):
    persona = PERSONAS[name]
    plan = Plan.build([("control", {})], mix={name: 1.0})
    codes = np.full(USERS, PERSONA_NAMES.index(name), dtype=np.int8)
    log = simulate_visits(plan, codes, np.zeros(USERS, dtype=np.int8), np.random.default_rng(7))
    visits = len(log)
    _close(log.banner_click.mean(), persona.click_banner, visits, "click_banner")
    _close(log.searched.mean(), persona.search, visits, "search")
    _close(log.viewed.mean(), persona.view_item, visits, "view_item")
    viewed = log.viewed.sum()
    _close(log.carted.sum() / viewed, persona.add_to_cart, viewed, "add_to_cart given a view")
    if persona.add_to_cart > 0:
        carted = log.carted.sum()
        _close(log.checked_out.sum() / carted, persona.checkout, carted, "checkout given a cart")
        checked_out = log.checked_out.sum()
        _close(log.purchased.sum() / checked_out, persona.purchase, checked_out, "purchase given checkout")
    items = log.items_viewed[log.viewed]
    item_error = math.sqrt(max(persona.items_viewed - 1, 1e-12) / len(items))  # 1 + Poisson(items_viewed - 1)
    assert abs(items.mean() - persona.items_viewed) < 4.5 * item_error, "items_viewed"
    assert (log.items_viewed[~log.viewed] == 0).all()
    assert (log.value[log.purchased] > 0).all() and (log.value[~log.purchased] == 0).all()


@pytest.mark.parametrize("name", list(PERSONAS))
@pytest.mark.parametrize("days", [1, 14])
def test_visits_per_visitor_follow_the_traffic_model(name, days):
    """Per span class a customer's visits are negative binomial (scipy's); visitors are those with at least one."""
    plan = Plan.build([("control", {})], mix={name: 1.0}, days=days, end=END)
    codes = np.full(USERS, PERSONA_NAMES.index(name), dtype=np.int8)
    log = simulate_visits(plan, codes, np.zeros(USERS, dtype=np.int8), np.random.default_rng(8))
    counts = np.bincount(np.bincount(log.user, minlength=USERS))
    classes = span_classes(PERSONAS[name], plan.day_rates)
    k = np.arange(len(counts))
    mean = classes.mean_visits[:, None]
    pmf = stats.nbinom.pmf(k[None, :], ACTIVITY_SHAPE, ACTIVITY_SHAPE / (ACTIVITY_SHAPE + mean))
    visitors = classes.weight @ (1 - pmf[:, 0])
    expected = USERS * (classes.weight @ pmf) / visitors
    expected[0] = 0
    seen = expected > 5
    chi2 = (((counts[seen] - expected[seen]) ** 2) / expected[seen]).sum()
    limit = stats.chi2.ppf(0.999, seen.sum() - 1)
    assert chi2 < limit, f"chi-square {chi2:.1f} over {seen.sum()} visit counts (limit {limit:.1f})"
    assert counts[0] == 0 and counts[~seen].sum() <= 10 * max(expected[~seen].sum(), 1)


def test_the_purchase_rate_per_visit_matches_the_documented_history():
    documented = {"impulsive": 0.09, "rational": 0.05, "window_shopper": 0.006, "mission": 0.32, "cautious": 0.013}
    for persona in SHOPPERS:
        rate = persona.view_item * persona.add_to_cart * persona.checkout * persona.purchase
        assert rate == pytest.approx(documented[persona.name], rel=0.06), persona.name


def test_users_are_drawn_with_the_mix_shares():
    plan = Plan.build([("a", {}), ("b", {})])
    persona, arm = draw_users(plan, 200_000, np.random.default_rng(3))
    assert plan.arrivals == default_mix() and plan.mix != default_mix()  # who visits follows from who arrives
    for name, share in plan.mix.items():
        _close((persona == PERSONA_NAMES.index(name)).mean(), share, 200_000, name)
    _close(arm.mean(), 0.5, 200_000, "arm b")


def test_check_mix_normalises_and_names_the_problem():
    assert check_mix({"impulsive": 2, "rational": 2, "mission": 0}) == {"impulsive": 0.5, "rational": 0.5}
    with pytest.raises(ValueError, match=r"mix\.rational: must be a non-negative share"):
        check_mix({"rational": -1})
