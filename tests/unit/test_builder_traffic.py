"""The hash visualiser agrees with the shop's own assignment for every id, weight and allocation."""

import pytest

from novarium_app.builder.traffic import edges, probe, split
from shop.assignment import assign, bucket, in_allocation

DESIGNS = [
    ([("control", 50.0), ("treatment", 50.0)], 100.0),
    ([("control", 70.0), ("b", 20.0), ("c", 10.0)], 100.0),
    ([("control", 1.0), ("b", 1.0), ("c", 1.0), ("d", 1.0)], 35.0),
    ([("control", 90.0), ("treatment", 10.0)], 5.0),
]


@pytest.mark.parametrize(("variants", "allocation"), DESIGNS)
def test_the_probe_gives_what_assign_gives(variants, allocation):
    for number in range(2000):
        user_id = f"visitor-{number}"
        found = probe("red-banner", user_id, variants, allocation)
        assert found.variant == assign("red-banner", user_id, variants, allocation)
        assert found.inside == in_allocation("red-banner", user_id, allocation)
        assert found.bucket == bucket("red-banner", user_id)
        if found.inside:
            assert variants[found.index][0] == found.variant
            lower = (0.0, *found.edges)[found.index]
            assert lower <= found.bucket < found.edges[found.index]
        else:
            assert (found.variant, found.index) == (None, -1)


def test_salts_make_experiments_independent():
    arms = [("control", 50.0), ("treatment", 50.0)]
    a = [probe("exp-a", f"u{n}", arms, 100).variant for n in range(500)]
    b = [probe("exp-b", f"u{n}", arms, 100).variant for n in range(500)]
    assert a != b


def test_edges_are_cumulative_shares():
    assert edges([70, 20, 10]) == pytest.approx((0.7, 0.9, 1.0))


def test_the_made_up_population_splits_like_the_weights():
    shares = split("red-banner", [("control", 70.0), ("treatment", 30.0)], 50.0)
    assert sum(shares) == pytest.approx(1.0)
    assert shares[0] == pytest.approx(0.35, abs=0.02)
    assert shares[1] == pytest.approx(0.15, abs=0.02)
    assert shares[2] == pytest.approx(0.50, abs=0.02)
