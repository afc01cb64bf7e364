"""Overview insights: the session funnel, the persona mix and the alerts, on both backends.

The funnel is per session; a persona's conversion is the catalog's, per visitor over the window.
"""

from datetime import date, timedelta

import pandas as pd
import pytest

from marts.insights import CART_ABANDONMENT_ALERT, warehouse_insights
from marts.warehouse.generator import load
from swarm.history import generate

END = date(2026, 11, 1)


def test_an_empty_warehouse_has_no_insights(store):
    insights = warehouse_insights(store)
    assert insights.is_empty and insights.alerts == ()


def test_funnel_and_persona_mix_match_the_sessions_of_the_window(store):
    load(store, generate(users=1500, days=45, seed=5, end=END))
    insights = warehouse_insights(store, window_days=28)
    sessions = store.frame(
        "SELECT session_id, user_id, started_at, viewed_item, added_to_cart, started_checkout FROM sessions"
    )
    users = store.frame("SELECT user_id, persona FROM users")
    orders = store.frame("SELECT session_id FROM orders")  # every placed order counts, cancelled ones too
    sessions["started_at"] = pd.to_datetime(sessions["started_at"])
    end = sessions["started_at"].max().normalize() + timedelta(days=1)
    window = sessions[sessions["started_at"] >= end - timedelta(days=28)].merge(users, on="user_id")
    window["ordered"] = window["session_id"].isin(orders["session_id"])
    assert insights.end == (end - timedelta(days=1)).date()
    expected = [len(window)] + [int(window[c].astype(bool).sum()) for c in ("viewed_item", "added_to_cart")]
    expected += [int(window[c].astype(bool).sum()) for c in ("started_checkout", "ordered")]
    assert [step.sessions for step in insights.funnel] == expected
    assert insights.funnel[-1].of_first == pytest.approx(expected[-1] / expected[0])
    assert insights.funnel[2].of_previous == pytest.approx(expected[2] / expected[1])
    by_persona = window.groupby("persona")
    assert {p.persona: p.sessions for p in insights.personas} == by_persona.size().to_dict()
    assert sum(p.share for p in insights.personas) == pytest.approx(1.0)
    for persona in insights.personas:
        group = by_persona.get_group(persona.persona)
        buyers = group.loc[group["ordered"], "user_id"].nunique()
        assert persona.visitors == group["user_id"].nunique()
        assert persona.share == pytest.approx(persona.visitors / window["user_id"].nunique())
        assert persona.conversion == pytest.approx(buyers / persona.visitors)  # per visitor over the window
        assert persona.session_conversion == pytest.approx(group["ordered"].mean())  # per session
    buyers = window.loc[window["ordered"], "user_id"].nunique()
    assert insights.conversion == pytest.approx(buyers / window["user_id"].nunique())


def test_alerts_name_the_weak_persona_and_abandoned_carts(store):
    load(store, generate(users=2000, days=40, seed=9, end=END))
    insights = warehouse_insights(store)
    overall = insights.conversion
    weak = {p.persona for p in insights.personas if p.visitors >= 200 and p.conversion <= 0.75 * overall}
    flagged = {a.persona for a in insights.alerts if a.key.startswith("weak-persona-")}
    assert flagged == weak and weak  # the generator's personas differ enough to flag at least one
    carts, orders = insights.funnel[2].sessions, insights.funnel[-1].sessions
    assert any(a.key == "cart-abandonment" for a in insights.alerts) == (1 - orders / carts >= CART_ABANDONMENT_ALERT)
    for alert in insights.alerts:
        assert all(alert.title) and all(alert.evidence) and all(alert.idea)
        assert alert.metric in {"conversion", "checkout_rate"}
        if alert.persona:  # the idea card quotes the Overview's conversion, per visitor over the window
            assert f"{overall:.2%}" in alert.evidence[0] and "per visitor over 28 days" in alert.evidence[0]
            assert f"{overall:.2%}" in alert.evidence[1] and "28일간 방문자당" in alert.evidence[1]


def test_a_window_must_be_at_least_a_day(store):
    with pytest.raises(ValueError, match="window_days"):
        warehouse_insights(store, window_days=0)
