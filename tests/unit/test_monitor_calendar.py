"""The run monitor on the experiment's own calendar: looks line up with the run's days, the charts' x axis is day 1
to day D with dates on hover, events are counted per day, and the peeking table names a day and its date."""

import json
from datetime import datetime, timedelta

import pytest

from marts import monitor
from marts.metrics import METRICS
from marts.stats.srm import check_srm
from marts.stats.sufficient import SampleStats
from novarium_app.components import monitor_calendar, monitor_charts
from novarium_app.components.monitor_rates import day_bars
from novarium_app.components.monitor_view import build_view, format_moment

START = datetime(2026, 11, 8, 18, 30)  # the window's start: a run made at 18:30 covers whole 24-hour days


@pytest.mark.parametrize(
    ("days", "width", "looks"),
    [(1, 3600, 24), (2, 3600, 48), (3, 7200, 36), (7, 14400, 42), (14, 28800, 42), (22, 43200, 44), (60, 86400, 60)],
)
def test_calendar_looks_are_whole_fractions_of_a_day_and_cover_the_run(days, width, looks):
    window = monitor.calendar_window(START, days)
    assert (window.clock, window.width, window.looks, window.origin) == ("calendar", width, looks, START)
    assert window.look_end(window.looks - 1) == START + timedelta(days=days)
    assert 86_400 % window.width == 0


def test_a_run_with_a_stored_window_is_read_on_its_calendar():
    params = json.dumps({"days": 22, "plan": {"start": START.isoformat(), "days": 22}})
    assert monitor.run_calendar(params) == (START, 22)
    assert monitor.run_calendar(json.dumps({"days": 3})) == (None, None)  # stored before plans kept a window
    assert monitor.run_calendar("not json") == (None, None)
    assert monitor.run_calendar(json.dumps({"plan": {"start": START.isoformat(), "days": 0}})) == (None, None)
    assert _run().clock == "calendar" and _run(window_start=None, days=None).clock == "received"
    assert _run(kind="engine", window_start=None, days=None).clock == "simulated"


def test_days_and_dates_on_the_axis():
    assert monitor_calendar.day_of(START + timedelta(days=3), START) == 3  # the end of day 3 is still day 3
    assert monitor_calendar.day_of(START + timedelta(hours=1), START) == 1
    assert monitor_calendar.date_of(1, START) == "2026-11-09"  # day 1's midpoint is 06:30 the next morning
    assert monitor_calendar.format_day(START + timedelta(days=3), START) == (
        "day 3 · 2026-11-11",
        "3일차 · 2026-11-11",
    )
    assert monitor_calendar.day_ticks(3) == ([0.5, 1.5, 2.5], ["1", "2", "3"])
    positions, labels = monitor_calendar.day_ticks(90)
    assert positions[:2] == [0.5, 3.5]
    assert labels[:3] == ["1", "4", "7"] and len(labels) <= monitor_calendar.MAX_TICKS
    assert format_moment(START + timedelta(days=2), START, "calendar") == "day 2 · 2026-11-10"


def test_events_are_counted_per_day():
    window = monitor.calendar_window(START, 3)  # 36 looks of 2 h
    bars = day_bars([10] * 36, window)
    assert (bars.times, bars.rates, bars.width) == ([0.5, 1.5, 2.5], [120.0, 120.0, 120.0], 86_400)
    long = day_bars([5] * 60, monitor.calendar_window(START, 60))
    assert len(long.times) == 30 and long.rates[0] == 5.0 and long.width == 2 * 86_400


def test_the_planned_horizon_is_said_with_the_runs_days():
    window = monitor.calendar_window(START, 22)
    assert monitor_calendar.horizon_words(_run(planned_days=22), window) == (
        "Days 1–22 (2026-11-09 to 2026-11-30) of the planned 22 days",
        "계획 22일 중 1–22일차(2026-11-09 ~ 2026-11-30)",
    )
    assert monitor_calendar.horizon_words(_run(), window)[0] == "Days 1–22 (2026-11-09 to 2026-11-30)"
    received = monitor.make_window("received", START, START + timedelta(seconds=5))
    assert monitor_calendar.horizon_words(_run(planned_days=14), received)[0] == "Planned horizon: 14 days"
    assert monitor_calendar.horizon_words(_run(), received) == ("", "")


def test_the_view_and_the_charts_read_in_days_not_clock_times():
    view = build_view(_monitor(days=3))
    chart, summary = view.chart, view.summary
    assert chart["clock"] == "calendar" and chart["days"] == 3
    assert chart["times"][:2] == [0.0833, 0.1667] and chart["times"][-1] == 3.0
    assert chart["dates"][0] == "day 1 · 2026-11-09" and chart["dates"][-1] == "day 3 · 2026-11-11"
    assert chart["rate_times"] == [0.5, 1.5, 2.5]
    assert (summary["rate_title"], summary["width"], summary["peak_rate"].endswith("/day")) == (
        "Events per day",
        "2 h",
        True,
    )
    assert summary["rate_axis"] == "Day of the experiment (one bar = 1 day)"
    assert summary["metric_caption"] == "Cumulative, per variant, by day of the experiment."
    assert summary["horizon"] == "Days 1–3 (2026-11-09 to 2026-11-11) of the planned 3 days"
    for figure in (
        monitor_charts.metric_figure(chart),
        monitor_charts.p_value_figure(chart),
        monitor_charts.rate_figure(chart),
    ):
        axis = figure.layout.xaxis
        assert list(axis.ticktext) == ["1", "2", "3"] and list(axis.range) == [0, 3]
        assert axis.tickformat is None  # no clock format on a day axis
    hover = monitor_charts.metric_figure(chart).data[0]
    assert hover.customdata[0] == "day 1 · 2026-11-09" and "%{customdata}" in hover.hovertemplate


def test_the_peeking_table_names_the_day_and_its_date():
    view = build_view(_monitor(days=3, dips=True))
    (peek,) = view.peeks
    assert peek["first_naive"].startswith("day ") and " · 2026-11-" in peek["first_naive"]
    assert peek["first_naive_ko"].split(" · ")[0].endswith("일차")


def _run(**changes) -> monitor.MonitoredRun:
    values = {
        "run_id": "eng-1",
        "experiment_key": "red-banner",
        "kind": "http",
        "status": "completed",
        "agents_planned": 4_000,
        "started_at": START + timedelta(days=3),
        "finished_at": START + timedelta(days=3, minutes=1),
        "primary_metric": "conversion",
        "allocation": 100.0,
        "variants": ("control", "treatment"),
        "weights": (1.0, 1.0),
        "window_start": START,
        "days": 22,
    }
    return monitor.MonitoredRun(**(values | changes))


def _monitor(days: int, dips: bool = False) -> monitor.RunMonitor:
    run = _run(days=days, planned_days=days)
    window = monitor.calendar_window(START, days)
    looks = window.looks
    lift = 2.0 if dips else 1.0
    control = tuple(SampleStats.from_proportion(50 * (i + 1), 5 * (i + 1)) for i in range(looks))
    treatment = tuple(SampleStats.from_proportion(50 * (i + 1), round(5 * lift * (i + 1))) for i in range(looks))
    curves = (monitor.VariantCurve("control", control), monitor.VariantCurve("treatment", treatment))
    exposed = {"control": control[-1].n, "treatment": treatment[-1].n}
    return monitor.RunMonitor(
        run=run,
        metric=METRICS["conversion"],
        window=window,
        curves=curves,
        events=tuple([10] * looks),
        assigned=exposed,
        srm_assigned=check_srm(exposed, {"control": 1, "treatment": 1}),
        srm=check_srm(exposed, {"control": 1, "treatment": 1}),
        peeking=monitor.peeking_curves(run, curves, METRICS["conversion"]),
    )
