"""The learnings summary on both backends: stored retrospectives and results views, every figure worked out by hand."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from coach import learnings_summary
from coach.learnings import PITFALL_CODES
from marts.peeking import record_results_view
from marts.retrospectives import save_retrospective
from tests.retro_samples import full_snapshot, minimal_snapshot

T0 = datetime(2026, 5, 1, 9, 0)


def _save(store, key, snapshot, *, decision, outcome, at):
    saved = save_retrospective(
        store, experiment_key=key, decision=decision, outcome=outcome, learnings="", snapshot=snapshot
    )
    store.execute(
        "UPDATE retrospectives SET created_at = :at WHERE retrospective_id = :id",
        {"at": at, "id": saved.retrospective_id},
    )
    return saved


def _dont_ship(snapshot):
    snapshot["decision"].update(choice="dont_ship", variant=None)
    return snapshot


@pytest.fixture
def stored(store):
    """Five experiments (one decided twice) and their results views; the comments say what each one shows."""
    # red-banner: a win on conversion (+6.2%), 5,988 units per arm against 6,000 planned (underpowered), the AOV
    # interval missed the truth, and two views 30 s apart while run-1 was sending data (one look: peeking).
    _save(store, "red-banner", full_snapshot("red-banner"), decision="ship", outcome="win", at=T0)
    # free-delivery: not shipped as the rule said, flat; n is above the 5,000 planned but the relative interval
    # [-9%, +1.1%] is non-significant with a half-width of 5.05% > the 2% MDE (underpowered).
    free = _dont_ship(
        full_snapshot("free-delivery", primary_metric="revenue_per_visitor", rel_lift=-0.04, recommendation="dont_ship")
    )
    free["experiment"]["design"] = {"planned_n_per_variant": 5000, "mde": 0.02, "mde_type": "relative"}
    free["verdict"]["ci_covered"] = {"revenue_per_visitor": {"treatment": True}}
    _save(store, "free-delivery", free, decision="dont_ship", outcome="flat", at=T0 + timedelta(days=1))
    # discount: kept running first (superseded), then shipped against an "inconclusive" rule while the SRM check
    # warned: a loss the truth judged wrong. Its only view came when no run was sending data.
    early = full_snapshot("discount", rel_lift=0.03, recommendation="inconclusive", decision_correct=None)
    early["decision"].update(choice="keep_running", variant=None)
    _save(store, "discount", early, decision="keep_running", outcome="inconclusive", at=T0 + timedelta(days=2))
    late = full_snapshot("discount", rel_lift=0.03, recommendation="inconclusive", decision_correct=False)
    late["results"]["srm"]["status"] = "warning"
    late["verdict"]["ci_covered"] = {}
    _save(store, "discount", late, decision="ship", outcome="loss", at=T0 + timedelta(days=3))
    # old-experiment: an old minimal snapshot, not shipped, no outcome and no power plan (underpowered).
    _save(store, "old-experiment", minimal_snapshot(), decision="dont_ship", outcome=None, at=T0 + timedelta(days=4))
    # sequential: a significant +10% win, n above the 5,000 planned; views during a run are fine (sequential).
    seq = full_snapshot("sequential", rel_lift=0.10)
    seq["experiment"]["design"] = {"planned_n_per_variant": 5000, "mde": 0.05, "analysis_plan": "sequential"}
    seq["verdict"]["ci_covered"] = {"conversion": {"treatment": True}}
    _save(store, "sequential", seq, decision="ship", outcome="win", at=T0 + timedelta(days=5))

    record_results_view(store, "red-banner", run_id="run-1", viewed_at=T0 - timedelta(days=3))
    record_results_view(store, "red-banner", run_id="run-1", viewed_at=T0 - timedelta(days=3) + timedelta(seconds=30))
    record_results_view(store, "red-banner", viewed_at=T0)
    record_results_view(store, "discount", viewed_at=T0 + timedelta(days=3))
    record_results_view(store, "sequential", run_id="run-9", viewed_at=T0 + timedelta(days=4))
    record_results_view(store, "no-retrospective", run_id="run-5", viewed_at=T0)
    return store


def test_outcomes_count_each_experiment_once_by_its_newest_retrospective(stored):
    summary = learnings_summary(stored)
    assert summary.experiments == 5
    assert summary.decided == 5  # every newest retrospective is ship or don't ship
    assert (summary.wins, summary.losses, summary.flat, summary.inconclusive) == (2, 1, 1, 1)
    assert summary.win_rate == pytest.approx(2 / 4)  # the old experiment has no outcome
    assert summary.judged == 4
    assert summary.decision_accuracy == pytest.approx(3 / 4)  # discount was judged wrong


def test_typical_effects_are_the_median_and_quartiles_of_absolute_primary_lifts(stored):
    effects = {effect.metric: effect for effect in learnings_summary(stored).typical_effects}
    assert set(effects) == {"conversion", "revenue_per_visitor"}
    conversion = [0.062, 0.03, 0.10]  # red-banner, discount (newest), sequential
    q1, median, q3 = np.percentile(np.abs(conversion), [25, 50, 75])
    found = effects["conversion"]
    assert found.count == 3
    assert (found.q1, found.median, found.q3) == pytest.approx((q1, median, q3))
    assert found.iqr == pytest.approx(q3 - q1)
    assert found.label == ("Conversion", "전환율")
    revenue = effects["revenue_per_visitor"]
    assert (revenue.count, revenue.median, revenue.q1, revenue.q3) == (
        1,
        pytest.approx(0.04),
        pytest.approx(0.04),
        pytest.approx(0.04),
    )


def test_pitfalls_name_the_experiments_that_show_them(stored):
    summary = learnings_summary(stored)
    assert tuple(p.code for p in summary.pitfalls) == PITFALL_CODES
    found = {p.code: p.examples for p in summary.pitfalls}
    assert found == {
        "peeking": ("red-banner",),
        "srm_ignored": ("discount",),
        "underpowered": ("discount", "free-delivery", "old-experiment", "red-banner"),
        "against_rule": ("discount",),
        "ci_missed": ("red-banner",),
    }
    assert all(p.count == len(p.examples) for p in summary.pitfalls)
    peeking = summary.pitfall("peeking")
    assert peeking.title[1] and peeking.advice[1]


def test_an_empty_store_gives_zeros_and_no_rates(store):
    summary = learnings_summary(store)
    assert (summary.experiments, summary.decided, summary.judged) == (0, 0, 0)
    assert summary.win_rate is None and summary.decision_accuracy is None
    assert summary.typical_effects == ()
    assert all(p.count == 0 for p in summary.pitfalls)
    assert summary.to_dict()["pitfalls"][0]["code"] == "peeking"
