"""Assignment: deterministic, sticky, balanced to the weights, independent across experiments."""

import numpy as np
import pytest
from scipy import stats

from shop.assignment import assign, assign_indices, bucket, in_allocation, variant_index

IDS = [f"user-{i}" for i in range(100_000)]


@pytest.mark.parametrize(
    "weights",
    [[30, 70], [10, 30, 60], [5, 15, 30, 50], [1, 1, 1, 97]],
    ids=["2-way", "3-way", "4-way", "4-way-skewed"],
)
def test_shares_match_unequal_weights(weights):
    counts = np.bincount([variant_index("balance-salt", uid, weights) for uid in IDS], minlength=len(weights))
    expected = np.array(weights) / sum(weights) * len(IDS)
    result = stats.chisquare(counts, expected)
    assert result.pvalue > 0.001, (counts, expected)


def test_assignment_is_sticky_and_deterministic():
    variants = [("control", 50), ("treatment", 50)]
    first = [assign("sticky", uid, variants) for uid in IDS[:2_000]]
    again = [assign("sticky", uid, variants) for uid in IDS[:2_000]]
    assert first == again
    assert set(first) == {"control", "treatment"}


def test_experiments_with_different_salts_are_independent():
    a = np.array([variant_index("exp-a", uid, [50, 50]) for uid in IDS])
    b = np.array([variant_index("exp-b", uid, [50, 50]) for uid in IDS])
    table = np.array([[np.sum((a == i) & (b == j)) for j in (0, 1)] for i in (0, 1)])
    assert stats.chi2_contingency(table).pvalue > 0.001
    assert 0.45 < np.mean(a == b) < 0.55


def test_allocation_includes_the_planned_share_and_never_moves_included_users():
    included_30 = {uid for uid in IDS if in_allocation("alloc", uid, 30)}
    included_60 = {uid for uid in IDS if in_allocation("alloc", uid, 60)}
    assert stats.binomtest(len(included_30), len(IDS), 0.30).pvalue > 0.001
    assert included_30 <= included_60
    variants = [("a", 50), ("b", 50)]
    for uid in list(included_30)[:2_000]:
        assert assign("alloc", uid, variants, 30) == assign("alloc", uid, variants, 60) is not None
    outside = next(uid for uid in IDS if uid not in included_30)
    assert assign("alloc", outside, variants, 30) is None


def test_buckets_are_uniform():
    values = np.array([bucket("uniform", uid) for uid in IDS])
    assert values.min() >= 0 and values.max() < 1
    assert stats.kstest(values, "uniform").pvalue > 0.001


@pytest.mark.parametrize("weights", [[], [50, 0], [50, -1]])
def test_weights_must_be_positive(weights):
    with pytest.raises(ValueError, match="weights: must be a non-empty list of positive numbers"):
        variant_index("s", "u", weights)


@pytest.mark.parametrize(
    ("variants", "allocation"),
    [
        ([("control", 50), ("treatment", 50)], 100.0),
        ([("a", 10), ("b", 30), ("c", 60)], 100.0),
        ([("a", 1), ("b", 1), ("c", 1), ("d", 97)], 37.5),
        ([("only", 1)], 5.0),
    ],
)
def test_the_batch_form_gives_every_user_the_same_variant_as_assign(variants, allocation):
    ids = IDS[:20_000]
    names = {name: index for index, (name, _) in enumerate(variants)}
    expected = [names.get(assign("batch-salt", uid, variants, allocation), -1) for uid in ids]
    assert assign_indices("batch-salt", ids, variants, allocation).tolist() == expected
