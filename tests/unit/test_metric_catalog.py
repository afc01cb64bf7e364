"""One metric catalog: every metric the Lab names has a unit, an English and a Korean name and description."""

import pytest

from marts.metrics import ALL_METRICS, CATALOG, METRICS, ORDER_RULE, SHOP_METRICS, UNITS
from marts.vocabulary import METRIC_NAMES_KO, UNIT_NAMES, metric_description, metric_name, metric_unit


@pytest.mark.parametrize("metric", CATALOG + SHOP_METRICS, ids=lambda metric: metric.key)
def test_every_metric_has_a_unit_and_both_languages(metric):
    assert metric.unit in UNITS and metric.per == UNITS[metric.unit]
    english, korean = metric_name(metric.key)
    assert english == metric.label and korean == METRIC_NAMES_KO[metric.key] and korean != english
    description_en, description_ko = metric_description(metric.key)
    assert description_en == metric.description and description_ko and description_ko != description_en
    unit_en, unit_ko = metric_unit(metric.key, 28)
    assert "28" in unit_en and "28" in unit_ko
    assert metric_unit(metric.key) == UNIT_NAMES[metric.unit]


def test_units_are_named_in_both_languages():
    assert set(UNIT_NAMES) == set(UNITS)
    assert all(english == UNITS[unit] and korean for unit, (english, korean) in UNIT_NAMES.items())


def test_experiment_metrics_are_per_visitor_or_per_order_and_never_per_session():
    """An experiment randomises visitors: a per-session metric is the warehouse's only, never the builder's."""
    assert {metric.unit for metric in CATALOG} == {"visitor", "order"}
    assert METRICS["conversion"].unit == "visitor" and METRICS["aov"].unit == "order"
    assert ALL_METRICS["session_conversion"].unit == "session" and "session_conversion" not in METRICS
    assert {metric.key for metric in SHOP_METRICS}.isdisjoint(METRICS)


def test_names_are_unique_across_the_whole_catalog():
    for language in (0, 1):
        names = [metric_name(key)[language] for key in ALL_METRICS]
        assert len(set(names)) == len(names)


def test_the_unit_reads_with_the_window_length():
    assert metric_unit("conversion", 28) == ("per visitor over 28 days", "28일간 방문자당")
    assert metric_unit("orders", 14) == ("total over 14 days", "14일 합계")
    assert metric_unit("aov") == ("per order", "주문당")
    assert metric_unit("no_such_metric", 28) == ("", "")


def test_the_order_rule_is_decided_once_cancelled_orders_included():
    assert "cancelled" in ORDER_RULE and "placed" in ORDER_RULE
    assert "cancelled ones included" in ALL_METRICS["orders"].description
