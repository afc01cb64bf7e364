"""The vectorised simulation in memory: reproducible, faithful to the analytic truth, and the switches work."""

import math
from datetime import datetime

import numpy as np
import pytest

from swarm.plan import PERSONA_NAMES, Plan
from swarm.simulation import iter_experiments, simulate_outcomes, simulate_visits
from swarm.switches import WEEKDAY_VOLUME, Switches
from swarm.traffic import DAY_RHYTHM
from swarm.truth import ground_truth

TREATMENT = {"banner_color": "red", "discount_pct": 10, "urgency_badge": "selling_fast"}
ARMS = [("control", {}), ("treatment", TREATMENT)]
END = datetime(2026, 5, 4, 12, 30)  # a Monday


def _estimates(outcomes, metric: str) -> np.ndarray:
    """Per-variant estimates of a metric from per-user outcomes, as the analysis computes them."""
    frame = outcomes.to_frame()
    by = frame.groupby("variant", observed=True)
    if metric == "conversion":
        return by["purchases"].apply(lambda s: (s > 0).mean()).to_numpy()
    if metric == "banner_ctr":
        return by["banner_clicks"].apply(lambda s: (s > 0).mean()).to_numpy()
    if metric == "revenue_per_visitor":
        return by["revenue"].mean().to_numpy()
    if metric == "items_viewed":
        return by["item_views"].mean().to_numpy()
    if metric == "orders_per_visitor":
        return by["purchases"].mean().to_numpy()
    return (by["revenue"].sum() / by["purchases"].sum()).to_numpy()  # aov


def test_the_same_seed_gives_the_same_outcomes_and_another_seed_does_not():
    plan = Plan.build(ARMS, days=5, switches=Switches(novelty=1.0, seasonality=True, bot_share=0.1, exposure_bug=0.3))
    first, again, other = (simulate_outcomes(plan, 5_000, seed) for seed in (3, 3, 4))
    for column in ("arm", "persona", "exposed", "first_second", "item_views", "purchases", "revenue"):
        assert np.array_equal(getattr(first, column), getattr(again, column)), column
    assert not np.array_equal(first.revenue, other.revenue)


@pytest.mark.parametrize(
    ("switches", "days", "mix"),
    [
        (Switches(), 1, None),
        (Switches(novelty=1.5, seasonality=True, bot_share=0.1), 7, None),
        (Switches(novelty=5.0, novelty_half_life_days=1.0), 7, {"impulsive": 1.0, "window_shopper": 1.0}),
    ],
    ids=["one-day", "week-with-novelty-seasonality-bots", "week-with-strong-novelty"],
)
def test_the_mean_simulated_effect_over_many_seeds_matches_the_truth(switches, days, mix):
    plan = Plan.build(ARMS, switches=switches, days=days, end=END, mix=mix)
    truth = ground_truth(plan)
    metrics = ("conversion", "revenue_per_visitor", "orders_per_visitor", "aov", "banner_ctr", "items_viewed")
    runs = [simulate_outcomes(plan, 40_000, seed) for seed in range(24)]
    for metric in metrics:
        estimates = np.array([_estimates(outcomes, metric) for outcomes in runs])
        effects = estimates[:, 1] - estimates[:, 0]
        error = effects.std(ddof=1) / math.sqrt(len(effects))
        true_effect = truth.effect(metric, "treatment").absolute
        assert abs(effects.mean() - true_effect) < 4 * error, (metric, effects.mean(), true_effect, error)
        level_error = estimates[:, 0].std(ddof=1) / math.sqrt(len(effects))
        assert abs(estimates[:, 0].mean() - truth.value(metric, "control")) < 4 * level_error, metric
        assert abs(true_effect) > 2 * error or metric == "items_viewed"  # the test can tell an effect from none


def test_iter_experiments_gives_independent_aa_experiments_with_a_five_percent_false_positive_rate():
    plan = Plan.build([("a", {}), ("b", {})])
    experiments = list(iter_experiments(plan, 800, 2_000, seed=5, batch_users=100_000))
    assert len(experiments) == 800 and all(len(e) == 2_000 for e in experiments)
    assert not np.array_equal(experiments[0].purchases, experiments[1].purchases)
    significant = 0
    for outcomes in experiments:
        n = np.bincount(outcomes.arm, minlength=2)
        k = np.bincount(outcomes.arm, weights=outcomes.purchases > 0, minlength=2)
        pooled = k.sum() / n.sum()
        z = (k[1] / n[1] - k[0] / n[0]) / math.sqrt(pooled * (1 - pooled) * (1 / n[0] + 1 / n[1]))
        significant += abs(z) > 1.959964
    assert 0.025 < significant / 800 < 0.08


def test_the_exposure_bug_drops_bounced_first_visits_in_one_variant_only():
    bug = 0.5
    plan = Plan.build(ARMS, switches=Switches(exposure_bug=bug, exposure_bug_variant="treatment"))
    outcomes = simulate_outcomes(plan, 200_000, 9)
    exposed = np.bincount(outcomes.arm, weights=outcomes.exposed, minlength=2)
    assigned = np.bincount(outcomes.arm, minlength=2)
    assert exposed[0] == assigned[0]
    bounce = sum(plan.mix[p] * (1 - plan.models[(p, 1, 0)].view_item) for p in plan.personas)
    lost = 1 - exposed[1] / assigned[1]
    assert abs(lost - bug * bounce) < 4 * math.sqrt(bug * bounce / assigned[1])
    chi2 = ((exposed - exposed.sum() / 2) ** 2 / (exposed.sum() / 2)).sum()
    assert chi2 > 100  # a sample-ratio mismatch no test can miss
    assert len(outcomes.to_frame()) == exposed.sum()
    assert len(outcomes.to_frame(exposed_only=False)) == len(outcomes)


def test_novelty_decays_day_by_day_as_the_day_models_say():
    switches = Switches(novelty=2.0, novelty_half_life_days=2.0)
    plan = Plan.build(ARMS, mix={"impulsive": 1.0}, days=10, end=END, switches=switches)
    persona = np.full(300_000, PERSONA_NAMES.index("impulsive"), dtype=np.int8)
    arm = (np.arange(300_000) % 2).astype(np.int8)
    log = simulate_visits(plan, persona, arm, np.random.default_rng(4))
    visit_arm = arm[log.user]
    effects = []
    for day in (0, 9):
        rates = []
        for index in (0, 1):
            rows = (log.day == day) & (visit_arm == index)
            observed = log.banner_click[rows].mean()
            expected = plan.models[("impulsive", index, day)].click_banner
            assert abs(observed - expected) < 4 * math.sqrt(expected * (1 - expected) / rows.sum()), (day, index)
            rates.append(observed)
        effects.append(rates[1] - rates[0])
    assert effects[0] > 2 * effects[1] > 0


def test_seasonality_scales_each_days_visits_by_its_weekday_volume_and_the_first_visit_comes_first():
    plan = Plan.build(ARMS, days=14, end=END, switches=Switches(seasonality=True))
    log = simulate_visits(plan, *_users(plan, 100_000))
    visits = np.bincount(log.day, minlength=14)
    rates = np.array([DAY_RHYTHM[plan.weekday(d)] * WEEKDAY_VOLUME[plan.weekday(d)] for d in range(14)])
    expected = len(log) * rates / rates.sum()
    assert np.abs(visits / expected - 1).max() < 0.03  # every day within 3% of its share (about 60k visits a day)
    plain = simulate_visits(Plan.build(ARMS, days=14, end=END), *_users(plan, 100_000))
    assert (
        visits[np.argmax(rates)] / visits[np.argmin(rates)]
        > np.bincount(plain.day)[np.argmax(rates)] / np.bincount(plain.day)[np.argmin(rates)]
    )
    first_second = np.repeat(log.second[log.first], np.bincount(log.user))
    assert (log.second >= first_second).all()
    assert log.second.max() < 14 * 86_400 - 1_800 and log.second.min() >= 0


def test_bots_never_buy_and_take_their_share_of_the_traffic():
    outcomes = simulate_outcomes(Plan.build(ARMS, switches=Switches(bot_share=0.3)), 100_000, 2)
    bots = outcomes.persona == PERSONA_NAMES.index("bot")
    assert abs(bots.mean() - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 100_000)
    assert outcomes.purchases[bots].sum() == 0 and outcomes.revenue[bots].sum() == 0
    assert outcomes.item_views[bots].mean() > 2 * outcomes.item_views[~bots].mean()


def test_outcomes_frame_has_the_experiment_users_columns():
    outcomes = simulate_outcomes(Plan.build(ARMS, end=END), 1_000, 1)
    frame = outcomes.to_frame()
    assert list(frame.columns) == [
        "variant",
        "persona",
        "first_exposure_at",
        "page_views",
        "banner_clicks",
        "searches",
        "item_views",
        "add_to_carts",
        "checkouts",
        "purchases",
        "revenue",
    ]
    assert set(frame["variant"]) == {"control", "treatment"}
    assert frame["first_exposure_at"].min() >= np.datetime64("2026-05-03T12:30:00")
    assert frame["first_exposure_at"].max() < np.datetime64(END)
    assert (frame["page_views"] >= 1).all() and (frame["revenue"][frame["purchases"] == 0] == 0).all()


def test_a_plan_round_trips_through_its_dict_without_adding_bots_twice():
    plan = Plan.build(ARMS, days=3, end=END, switches=Switches(bot_share=0.2, novelty=1.0))
    again = Plan.from_dict(plan.to_dict())
    assert again == plan and again.mix["bot"] == pytest.approx(0.2)
    assert ground_truth(again) == ground_truth(plan)


@pytest.mark.parametrize(
    ("variants", "kwargs", "message"),
    [
        ([("control", {"banner_color": "pink"})], {}, r"variants\[0\]\.config\.banner_color: must be one of"),
        ([("a", {}), ("a", {})], {}, r"variants\[1\]\.name: duplicate variant name 'a'"),
        ([("a", {})], {"days": 0}, r"days: must be a whole number from 1 to 90"),
        ([("a", {})], {"switches": Switches(exposure_bug=0.1, exposure_bug_variant="z")}, "exposure_bug_variant"),
        ([("a", {})], {"mix": {"martian": 1.0}}, r"mix\.martian: unknown persona"),
        ([], {}, "variants: must hold at least one variant"),
    ],
)
def test_a_bad_plan_names_the_field_and_the_rule(variants, kwargs, message):
    with pytest.raises(ValueError, match=message):
        Plan.build(variants, **kwargs)


def _users(plan: Plan, n: int) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(1)
    persona = np.full(n, PERSONA_NAMES.index("rational"), dtype=np.int8)
    return persona, (np.arange(n) % len(plan.arms)).astype(np.int8), rng
