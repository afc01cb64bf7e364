"""The world: persona sensitivities drawn from a secret, the same everywhere, and only where knobs act."""

import math
from datetime import datetime

import numpy as np
import pytest

from swarm.agents import SwarmContext
from swarm.behaviour import visit_model
from swarm.personas import PERSONAS, SHOPPERS
from swarm.plan import Plan
from swarm.runs import Roster
from swarm.simulation import simulate_outcomes
from swarm.switches import Switches
from swarm.truth import ground_truth
from swarm.world import JITTER_SD, NOMINAL, SENSITIVITIES, Z_CLIP, World
from tests.public_truth import EVERY_KNOB as EVERY_SENSITIVE_KNOB
from tests.public_truth import largest_gap

SECRET = bytes(range(32))
END = datetime(2026, 11, 20, 12, 0, 0)
EVERY_KNOB = {**EVERY_SENSITIVE_KNOB, "banner_color": "red"}


def test_a_secret_draws_the_same_world_every_time_and_another_secret_another():
    world = World.from_secret(SECRET)
    assert World.from_secret(bytes(SECRET)) == world and world.world_id == World.from_secret(SECRET).world_id
    other = World.from_secret(SECRET[::-1])
    assert other.world_id != world.world_id
    assert all(
        other.sensitivities[p.name][name] != world.sensitivities[p.name][name]
        for p in SHOPPERS
        for name in SENSITIVITIES
        if getattr(p, name) != 0
    )


def test_every_sensitivity_keeps_its_sign_and_stays_within_the_clipped_jitter():
    lowest, highest = math.exp(-JITTER_SD * Z_CLIP), math.exp(JITTER_SD * Z_CLIP)
    ratios = []
    for index in range(40):
        world = World.from_secret(index.to_bytes(32, "big"))
        for persona in SHOPPERS:
            for name in SENSITIVITIES:
                nominal, drawn = getattr(persona, name), getattr(world.persona(persona.name), name)
                if nominal == 0:
                    assert drawn == 0
                    continue
                ratio = drawn / nominal
                assert lowest - 1e-12 <= ratio <= highest + 1e-12
                ratios.append(math.log(ratio))
    # 40 worlds x 23 non-zero sensitivities: the log-ratios look like the documented jitter
    assert abs(np.mean(ratios)) < 0.05 and abs(np.std(ratios) - JITTER_SD) < 0.05


def test_only_the_sensitivities_change_and_the_bot_stays_nominal():
    world = World.from_secret(SECRET)
    for name, persona in PERSONAS.items():
        drawn = world.persona(name)
        for field in persona.__dataclass_fields__:
            if field not in SENSITIVITIES or persona.is_bot:
                assert getattr(drawn, field) == getattr(persona, field), (name, field)
    assert NOMINAL.persona("rational") == PERSONAS["rational"] and NOMINAL.nominal and not world.nominal


@pytest.mark.parametrize("persona", [*SHOPPERS, PERSONAS["bot"]], ids=lambda p: p.name)
def test_the_default_shop_is_the_same_in_every_world(persona):
    """Baselines: with no knob changed, every world's visit model is the nominal one, exactly."""
    for index in range(20):
        world = World.from_secret(index.to_bytes(32, "big"))
        assert visit_model(world.persona(persona.name), {}) == visit_model(persona, {})


def test_baselines_and_aa_runs_are_identical_with_and_without_a_secret():
    arms = [("A", {}), ("B", {})]
    nominal = Plan.build(arms, days=3, end=END, switches=Switches(seasonality=True, novelty=1.0, bot_share=0.1))
    secret = Plan.build(
        arms,
        days=3,
        end=END,
        switches=Switches(seasonality=True, novelty=1.0, bot_share=0.1),
        world=World.from_secret(SECRET),
    )
    assert ground_truth(secret) == ground_truth(nominal)
    one, other = simulate_outcomes(nominal, 20_000, 4), simulate_outcomes(secret, 20_000, 4)
    for column in ("purchases", "revenue", "page_views", "banner_clicks", "item_views"):
        assert np.array_equal(getattr(one, column), getattr(other, column)), column
    treated = [("control", {}), ("treatment", EVERY_KNOB)]
    controls = [ground_truth(Plan.build(treated, end=END, world=w)) for w in (NOMINAL, World.from_secret(SECRET))]
    assert controls[0].run.values["conversion"]["control"] == controls[1].run.values["conversion"]["control"]
    assert controls[0].run.values["aov"]["control"] == controls[1].run.values["aov"]["control"]


def test_a_world_moves_knob_effects_by_a_clear_margin():
    treated = [("control", {}), ("treatment", EVERY_KNOB)]
    nominal = ground_truth(Plan.build(treated, end=END))
    secret = ground_truth(Plan.build(treated, end=END, world=World.from_secret(SECRET)))
    assert largest_gap(nominal, secret) > 0.2
    assert secret.effect("conversion", "treatment") != nominal.effect("conversion", "treatment")


def test_a_plan_stores_its_worlds_id_only_and_is_rebuilt_in_that_world():
    world = World.from_secret(SECRET)
    plan = Plan.build([("control", {}), ("treatment", EVERY_KNOB)], days=3, end=END, world=world)
    stored = plan.to_dict()
    assert stored["world"] == world.world_id
    assert not any(repr(v) in repr(stored) for values in world.sensitivities.values() for v in values.values() if v)
    again = Plan.from_dict(stored, world)
    assert again.world == world and ground_truth(again) == ground_truth(plan)
    with pytest.raises(ValueError, match=r"world: the plan was made in world '[0-9a-f]{16}'.*\(got none\)"):
        Plan.from_dict(stored)
    assert Plan.from_dict(Plan.build([("control", {})], end=END).to_dict()).world == NOMINAL


def test_the_agents_and_the_engine_sample_the_same_worlds_visit_models():
    world = World.from_secret(SECRET)
    plan = Plan.build(
        [("control", {}), ("treatment", EVERY_KNOB)],
        days=4,
        end=END,
        switches=Switches(novelty=1.0, seasonality=True),
        world=world,
    )
    context = SwarmContext("run-w", "exp", 1, plan, Roster([], [], dict(plan.arrivals)), agents=4_000)
    for (persona, index, day), model in plan.models.items():
        assert context.model(persona, plan.arms[index].config, day) == model
    assert any(
        model != Plan.build(plan.arms, days=4, end=END, switches=plan.switches).models[key]
        for key, model in plan.models.items()
    )


def test_a_world_from_outside_is_checked_field_by_field():
    good = World.from_secret(SECRET).to_dict()
    assert World.from_dict(good) == World.from_secret(SECRET)
    bad = {"world_id": "x", "sensitivities": {"rational": {"price_sensitivity": -1.5}}}
    with pytest.raises(ValueError, match=r"world.sensitivities.rational.price_sensitivity: must have the sign"):
        World.from_dict(bad)
    with pytest.raises(ValueError, match=r"world.sensitivities.rational.price_sensitivity: must be 0.417 to 2.399"):
        World.from_dict({"world_id": "x", "sensitivities": {"rational": {"price_sensitivity": 150.0}}})
    with pytest.raises(ValueError, match=r"world.sensitivities.mission.urgency_response: must have the sign"):
        World.from_dict({"world_id": "x", "sensitivities": {"mission": {"urgency_response": 0.3}}})
    with pytest.raises(ValueError, match=r"world.sensitivities.bot: unknown shopper persona"):
        World.from_dict({"world_id": "x", "sensitivities": {"bot": {}}})
    with pytest.raises(ValueError, match=r"world.sensitivities.rational.purchase: unknown sensitivity"):
        World.from_dict({"world_id": "x", "sensitivities": {"rational": {"purchase": 0.5}}})
    with pytest.raises(ValueError, match=r"world.sensitivities.rational.rating_reliance: must be a finite number"):
        World.from_dict({"world_id": "x", "sensitivities": {"rational": {"rating_reliance": float("nan")}}})
    with pytest.raises(ValueError, match=r"secret: must hold at least 16 bytes \(got 4\)"):
        World.from_secret(b"tiny")
