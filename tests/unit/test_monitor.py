"""The run monitor's pure helpers: bucket widths, windows, cumulative values, planned units and peeking counts."""

from datetime import datetime, timedelta

import pytest

from marts import monitor
from marts.metrics import METRICS
from marts.stats.sequential import SequentialConfig, trajectory
from marts.stats.sufficient import SampleStats

T0 = datetime(2026, 11, 2, 10, 0, 0)


@pytest.mark.parametrize(
    ("span", "width"),
    [(0, 1), (1, 1), (240, 1), (241, 2), (480, 2), (481, 5), (3_600, 15), (86_400, 600), (90 * 86_400, 43_200)],
)
def test_the_bucket_width_is_the_smallest_step_that_keeps_the_looks_bounded(span, width):
    assert monitor.bucket_width(span) == width
    assert span <= width * monitor.MAX_LOOKS


def test_a_span_beyond_the_largest_step_still_fits_the_bound():
    width = monitor.bucket_width(400 * 86_400)
    assert width > monitor.WIDTHS[-1] and width * monitor.MAX_LOOKS >= 400 * 86_400


@pytest.mark.parametrize(("seconds", "looks", "width"), [(0.2, 1, 1), (9.5, 10, 1), (10, 10, 1), (600, 120, 5)])
def test_a_window_covers_its_span_with_at_least_one_look(seconds, looks, width):
    window = monitor.make_window("received", T0, T0 + timedelta(seconds=seconds))
    assert (window.looks, window.width) == (looks, width)
    assert window.look_end(window.looks - 1) == T0 + timedelta(seconds=seconds)
    assert window.look_end(0) == min(T0 + timedelta(seconds=width), window.end)


def test_a_window_ending_before_its_origin_is_one_empty_look():
    window = monitor.make_window("received", T0, T0 - timedelta(seconds=5))
    assert (window.looks, window.end) == (1, T0)


def test_curve_values_are_means_or_ratios_and_none_before_any_unit():
    stats = (SampleStats(0, 0.0, 0.0), SampleStats(4, 1.0, 1.0), SampleStats(10, 3.0, 3.0))
    assert monitor.VariantCurve("a", stats).values() == (None, 0.25, 0.3)
    assert monitor.VariantCurve("a", stats).units == (0, 4, 10)
    ratio = monitor.VariantCurve("a", stats, denominators=(0.0, 2.0, 4.0))
    assert ratio.values() == (None, 0.5, 0.75)


def _run(**changes) -> monitor.MonitoredRun:
    values = {
        "run_id": "run-1",
        "experiment_key": "x",
        "kind": "http",
        "status": "running",
        "agents_planned": 1_000,
        "started_at": T0,
        "finished_at": None,
        "primary_metric": "conversion",
        "allocation": 100.0,
        "variants": ("control", "b", "c"),
        "weights": (2.0, 1.0, 1.0),
    }
    return monitor.MonitoredRun(**(values | changes))


def test_planned_units_follow_the_planned_split_and_the_allocation():
    run = _run()
    assert monitor.planned_units(run, "b") == 750
    assert monitor.planned_units(_run(allocation=40.0), "c") == 300
    assert monitor.planned_units(_run(agents_planned=1), "b") == 2
    assert (run.control, run.clock, _run(kind="engine").clock) == ("control", "received", "simulated")


def test_peeking_counts_the_looks_below_alpha_for_each_p_value():
    looks = [
        (SampleStats.from_proportion(n, n // 10), SampleStats.from_proportion(n, n // 10 + k))
        for n, k in ((100, 0), (200, 9), (300, 25), (400, 20))
    ]
    config = SequentialConfig(planned_units=800)
    results = tuple(trajectory(looks, config))
    peek = monitor.Peeking("b", "a", results, config)
    assert peek.naive_below() == [i for i, r in enumerate(results) if r.naive_p_value < 0.05]
    assert peek.valid_below() == [i for i, r in enumerate(results) if r.p_value < 0.05]
    assert peek.naive_below() and len(peek.valid_below()) < len(peek.naive_below())


def test_ratio_metrics_get_curves_but_no_p_values():
    curves = (monitor.VariantCurve("control", (SampleStats(10, 5.0, 5.0),), (2.0,)),) * 2
    assert monitor.peeking_curves(_run(), curves, METRICS["aov"]) == ()
    assert len(monitor.peeking_curves(_run(), curves, METRICS["conversion"])) == 1


def test_the_metric_sql_reads_only_the_events_it_needs_on_the_chosen_clock():
    conversion = monitor.metric_sql(METRICS["conversion"], "received")
    assert "e.name IN ('purchase')" in conversion and "e.received_at" in conversion
    aov = monitor.metric_sql(METRICS["aov"], "simulated")
    assert "COALESCE(e.value, 0)" in aov and "e.received_at" not in aov
    assert "truth" not in conversion + aov
