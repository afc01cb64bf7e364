"""The sample ratio check against scipy's chisquare and the cookie_cats figures."""

import pandas as pd
import pytest
from scipy import stats

from marts.stats.results import ErrorCode
from marts.stats.srm import SrmConfig, check_srm
from tests.datasets import COOKIE_CATS


def test_cookie_cats_split_gives_the_documented_chi_square_and_a_caution():
    counts = pd.read_csv(COOKIE_CATS, usecols=["version"])["version"].value_counts().to_dict()
    result = check_srm(counts, {"gate_30": 0.5, "gate_40": 0.5})
    assert result.observed == (44700, 45489)
    assert round(result.statistic, 2) == 6.90
    assert round(result.p_value, 4) == 0.0086
    assert result.status == "caution"  # 0.001 <= p < 0.01
    assert result.error is None
    assert "6.90" in result.message


@pytest.mark.parametrize(
    ("observed", "weights"),
    [
        ({"a": 5020, "b": 4980}, None),
        ({"a": 1000, "b": 2100, "c": 2900}, {"a": 1, "b": 2, "c": 3}),
        ({"a": 331, "b": 329, "c": 340}, {"a": 0.3, "b": 0.3, "c": 0.4}),
        ({"control": 50_000, "treatment": 49_000}, {"control": 0.5, "treatment": 0.5}),
    ],
)
def test_statistic_and_p_value_match_scipy_chisquare(observed, weights):
    result = check_srm(observed, weights)
    names = list(weights or observed)
    planned = [weights[name] for name in names] if weights else [1.0] * len(names)
    total = sum(observed.values())
    expected = [w / sum(planned) * total for w in planned]
    reference = stats.chisquare([observed[name] for name in names], expected)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-9)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert result.expected_share == pytest.approx([w / sum(planned) for w in planned])


@pytest.mark.parametrize(
    ("observed", "status"),
    [
        ({"a": 10_000, "b": 10_300}, "ok"),  # chi-square 4.43, p = 0.035
        ({"a": 10_000, "b": 10_400}, "caution"),  # chi-square 7.84, p = 0.0051
        ({"a": 10_000, "b": 10_500}, "warning"),  # chi-square 12.2, p = 0.00048
    ],
)
def test_status_follows_the_p_value_thresholds(observed, status):
    assert check_srm(observed).status == status


def test_status_edges_at_the_documented_thresholds():
    # Find counts on either side of each threshold and check the status switches there.
    by_p = {}
    for extra in range(0, 2000, 5):
        result = check_srm({"a": 100_000, "b": 100_000 + extra})
        by_p.setdefault(result.status, []).append(result.p_value)
    assert min(by_p["ok"]) >= 0.01
    assert min(by_p["caution"]) >= 0.001 and max(by_p["caution"]) < 0.01
    assert max(by_p["warning"]) < 0.001


def test_thresholds_are_configurable_and_validated():
    counts = {"a": 44700, "b": 45489}
    assert check_srm(counts, config=SrmConfig(warning_below=0.01, caution_below=0.05)).status == "warning"
    with pytest.raises(ValueError, match="warning_below"):
        SrmConfig(warning_below=0.05, caution_below=0.01)


def test_a_planned_variant_with_no_units_is_a_mismatch():
    result = check_srm({"a": 500}, {"a": 0.5, "b": 0.5})
    assert result.variants == ("a", "b")
    assert result.observed == (500, 0)
    assert result.status == "warning"
    assert result.observed_share == (1.0, 0.0)


@pytest.mark.parametrize(
    ("observed", "weights", "error"),
    [
        ({"a": 100}, None, ErrorCode.SINGLE_VARIANT),
        ({}, None, ErrorCode.SINGLE_VARIANT),
        ({"a": 0, "b": 0}, None, ErrorCode.NO_DATA),
        ({"a": 10, "b": -1}, None, ErrorCode.INVALID_INPUT),
        ({"a": 10, "b": 2.5}, None, ErrorCode.INVALID_INPUT),
        ({"a": 10, "b": 20}, {"a": 1.0}, ErrorCode.INVALID_INPUT),
        ({"a": 10, "b": 20}, {"a": 1.0, "b": 0.0}, ErrorCode.INVALID_INPUT),
        ({"a": 10, "b": 20}, {"a": 1.0, "b": float("nan")}, ErrorCode.INVALID_INPUT),
    ],
)
def test_uncheckable_counts_give_a_typed_result(observed, weights, error):
    result = check_srm(observed, weights)
    assert result.status == "unavailable"
    assert result.error == error
    assert result.p_value is None and result.statistic is None
    assert result.message
