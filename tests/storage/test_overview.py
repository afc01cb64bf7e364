"""The Overview read model: window KPIs recomputed from daily_metrics totals, on both backends."""

from datetime import date, timedelta

import pandas as pd
import pytest

from marts.overview import warehouse_overview


def _daily(days: int, last: date) -> pd.DataFrame:
    rows = []
    for i in range(days):
        day = last - timedelta(days=days - 1 - i)
        visitors, buyers, orders, revenue = 100 + i, 5 + i % 3, 6 + i % 4, 180.0 + 3 * i
        rows.append(
            {
                "day": day,
                "visitors": visitors,
                "sessions": visitors + 20,
                "orders": orders,
                "buyers": buyers,
                "revenue": revenue,
                "conversion": buyers / visitors,
                "aov": revenue / orders,
                "revenue_per_visitor": revenue / visitors,
            }
        )
    return pd.DataFrame(rows)


def test_empty_marts_give_an_empty_overview(store):
    overview = warehouse_overview(store)
    assert overview.is_empty
    assert overview.kpis == ()


def test_kpis_compare_the_last_window_with_the_one_before(store):
    daily = _daily(60, date(2026, 10, 31))
    store.bulk_insert("daily_metrics", daily)
    overview = warehouse_overview(store, window_days=28)
    current, previous = daily.tail(28), daily.iloc[-56:-28]
    kpis = {kpi.key: kpi for kpi in overview.kpis}

    assert overview.last_day == date(2026, 10, 31)
    assert overview.first_day == date(2026, 9, 2)
    assert kpis["visitors"].value == pytest.approx(current["visitors"].mean())
    assert kpis["orders"].value == current["orders"].sum()
    assert kpis["orders"].previous == previous["orders"].sum()
    assert kpis["revenue"].value == pytest.approx(current["revenue"].sum())
    # ratios come from window totals, not from averaging the daily ratios
    assert kpis["conversion"].value == pytest.approx(current["buyers"].sum() / current["visitors"].sum())
    assert kpis["aov"].value == pytest.approx(current["revenue"].sum() / current["orders"].sum())
    assert kpis["revenue_per_visitor"].previous == pytest.approx(previous["revenue"].sum() / previous["visitors"].sum())
    assert kpis["revenue"].change == pytest.approx(current["revenue"].sum() / previous["revenue"].sum() - 1)


def test_short_history_has_no_previous_window(store):
    store.bulk_insert("daily_metrics", _daily(10, date(2026, 10, 31)))
    overview = warehouse_overview(store, window_days=28)
    assert all(kpi.previous == 0 and kpi.change is None for kpi in overview.kpis)


def test_window_must_be_positive(store):
    with pytest.raises(ValueError, match="window_days: must be at least 1"):
        warehouse_overview(store, window_days=0)
