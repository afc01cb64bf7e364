"""The warehouse's visitors and buyers over its last D days: one pass agrees with D separate window counts."""

import itertools
from datetime import date, timedelta

import pytest

from marts.horizon import warehouse_horizon
from marts.warehouse.generator import load
from marts.window_metrics import last_window, measure
from swarm.history import generate
from swarm.world_check import warehouse_figures

END = date(2026, 11, 30)


@pytest.fixture
def warehouse(store):
    load(store, generate(users=3_000, days=40, seed=3, end=END))
    return store


def test_each_window_counts_its_visitors_and_buyers_as_a_window_does(warehouse):
    horizon = warehouse_horizon(warehouse, 40)
    assert horizon.days == 40 and horizon.last_day == END - timedelta(days=1)
    for days in (1, 7, 28, 40):
        conversion = warehouse_figures(warehouse, days).figures["conversion"]
        assert horizon.visitors[days - 1] == conversion.units
        assert horizon.conversion(days) == pytest.approx(conversion.value, abs=1e-12)
    assert (horizon.visitors[1:] >= horizon.visitors[:-1]).all()
    assert horizon.visitors[27] < 28 * horizon.visitors[0]  # visitors come back: a window is not a sum of days
    assert horizon.conversion(28) > 2 * horizon.conversion(1)  # a longer window gives more chances to order


def test_each_window_keeps_every_per_visitor_sum_a_window_measure_gives(warehouse):
    """The plan sizes itself on the D-day window's baseline: the one pass must give each D what measuring it does."""
    horizon = warehouse_horizon(warehouse, 40)
    for days in (1, 2, 7, 14, 28, 40):
        measured = measure(warehouse, last_window(warehouse, days)).total
        found = horizon.window(days)
        for name in ("visitors", "buyers", "carted_visitors", "checkout_visitors", "orders"):
            assert getattr(found, name) == getattr(measured, name), (days, name)
        for name in ("revenue", "orders_sq", "revenue_sq", "revenue_orders"):
            assert getattr(found, name) == pytest.approx(getattr(measured, name), rel=1e-9), (days, name)
    assert horizon.window(7).revenue < horizon.window(28).revenue


def test_a_longer_window_than_the_history_stops_at_its_first_day(warehouse):
    assert warehouse_horizon(warehouse, 90).days == 40
    with pytest.raises(ValueError, match="days: must be a whole number from 1 to 90"):
        warehouse_horizon(warehouse, 0)


def test_no_history_has_no_horizon(store):
    assert warehouse_horizon(store) is None


def test_the_visitors_curve_is_the_warehouses_then_the_worlds_past_its_history(warehouse):
    from swarm.population import visitors_curve

    curve = visitors_curve(warehouse, 120)
    assert len(curve) == 120 and list(curve[:40]) == list(warehouse_horizon(warehouse, 40).visitors)
    assert all(later >= earlier for earlier, later in itertools.pairwise(curve))
    assert curve[40] - curve[39] < curve[1] - curve[0]  # past the history, only new people add to a window
